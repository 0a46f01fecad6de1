"""The named queries' answers, computed once by the build and kept beside its database.

Whole-corpus tables (evidence-table, evidence-network, cohort-table...) read every result of
every publication. At a million triples one evaluation costs 0.1-1 s: about twenty triple-pattern
lookups per row at 1-3 µs each, which no rewrite removes, then up to 15 MB to serialize. A
build's graph never changes, so the build asks each named query once at its default parameters,
renders the answer in every SPARQL results format at the server's default row cap, and keeps
the bodies in ``builds/<id>/answers/``: the work moves from a reader's first request to the build.

A request is answered from a kept body only when everything that shapes the bytes matches: the
exact query text (so other parameters, an edited ``.rq`` file or another build never match), the
format, no protocol dataset, and a row cap under which the kept body is the same (an answer kept
whole fits any cap at least its size; a capped one only the cap it was cut at). The body, its
media type and its digest are those a query worker would send, so the ETag is the same too.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from .engine import Answer, evaluate
from .named import NamedQuery, NamedQueryError
from .results import GRAPH_FORMATS, RESULT_FORMATS, cap_tsv, from_tsv, kind, render_capped
from .store import Build

FOLDER = "answers"
INDEX = "index.json"
_EXTENSIONS = {"json": "srj", "xml": "srx", "csv": "csv", "tsv": "tsv",
               "turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf", "trig": "trig"}


@dataclass(frozen=True)
class KeptAnswer:
    path: Path
    media_type: str
    capped: bool
    digest: str  # blake2b-128 of the body, as a query worker reports it
    size: int

    def read(self) -> bytes | None:
        """The body, or None when the file is gone or not the size it was kept at."""
        try:
            body = self.path.read_bytes()
        except OSError:
            return None
        return body if len(body) == self.size else None


def text_key(sparql: str) -> str:
    """What a query text is filed under: a hash of its exact characters."""
    return blake2b(sparql.encode("utf-8"), digest_size=16).hexdigest()


def body_digest(body: bytes) -> str:
    return blake2b(body, digest_size=16).hexdigest()


def _bodies(answer: Answer, max_rows: int) -> tuple[int, dict[str, tuple[bytes, str, bool]]]:
    """The answer's size in rows (or triples), and its body, media type and cap flag in every
    format that fits it, rendered as a query worker renders them (graph/results.py)."""
    k = kind(answer)
    if k == "solutions":  # one evaluation, cut once, then each format from the cut rows
        tsv = answer.serialize(format=ox.QueryResultsFormat.TSV)
        rows = tsv.count(b"\n") - 1
        cut, capped = cap_tsv(tsv, max_rows)
        return rows, {fmt: (*from_tsv(cut, fmt, capped, max_rows), capped) for fmt in RESULT_FORMATS}
    if k == "triples":
        triples = [t if isinstance(t, ox.Triple) else t.triple for t in answer]
        rendered = {fmt: render_capped(list(triples), fmt, max_rows) for fmt in GRAPH_FORMATS}
        return len(triples), {fmt: (body, media, capped) for fmt, (body, media, capped, _) in rendered.items()}
    rendered = {fmt: render_capped(answer, fmt, max_rows) for fmt in RESULT_FORMATS}
    return 0, {fmt: (body, media, capped) for fmt, (body, media, capped, _) in rendered.items()}


def keep(build: Build, store: ox.Store, queries: Mapping[str, NamedQuery], max_rows: int) -> tuple[dict, list[str]]:
    """Evaluate every named query at its defaults on ``store`` (the build's graph) and keep its
    answer in every format that fits it. Returns the index written beside the bodies, and a note
    for each query that could not be kept: a broken ``.rq`` file does not stop the graph's build,
    and the server reports its error to whoever asks it."""
    folder = build.path / FOLDER
    folder.mkdir(exist_ok=True)
    kept: dict[str, dict] = {}
    notes: list[str] = []
    for name, query in sorted(queries.items()):
        started = time.perf_counter()
        try:
            sparql = query.sparql()
            rows, bodies = _bodies(evaluate(store, sparql), max_rows)  # answers are lazy: this evaluates
            seconds = time.perf_counter() - started
        except (ValueError, OSError, NamedQueryError) as exc:  # QueryError is a ValueError
            notes.append(f"{query.path.name}: answer not kept: {exc}")
            continue
        formats = {}
        for fmt, (body, media, capped) in bodies.items():
            file = f"{name}.{_EXTENSIONS[fmt]}"
            (folder / file).write_bytes(body)
            formats[fmt] = {"file": file, "media_type": media, "capped": capped, "digest": body_digest(body),
                            "size": len(body)}
        kept[text_key(sparql)] = {"query": name, "rows": rows, "seconds": round(seconds, 4), "formats": formats}
    index = {"max_rows": max_rows, "answers": kept}
    (folder / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True))
    return index, notes


@lru_cache(maxsize=4)
def _index(folder: str, mtime_ns: int) -> dict:
    return json.loads(Path(folder, INDEX).read_text())


def index_of(build_path: Path) -> dict:
    """The build's index of kept answers (read once per build), empty if it kept none."""
    folder = build_path / FOLDER
    try:
        mtime = os.stat(folder / INDEX).st_mtime_ns
        return _index(str(folder), mtime)
    except (OSError, ValueError):
        return {}


def lookup(build_path: Path, sparql: str, fmt: str, max_rows: int) -> KeptAnswer | None:
    """The kept body for this exact request, if the build kept one that a worker would send unchanged."""
    index = index_of(build_path)
    entry = index.get("answers", {}).get(text_key(sparql))
    body = entry["formats"].get(fmt) if entry else None
    if body is None:
        return None
    # A body cut at the cap is the answer only under that very cap; a whole one under any cap it fits.
    if (index.get("max_rows") != max_rows) if body["capped"] else (entry["rows"] > max_rows):
        return None
    return KeptAnswer(build_path / FOLDER / body["file"], body["media_type"], body["capped"], body["digest"],
                      body["size"])
