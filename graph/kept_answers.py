"""The named queries' answers, computed once by the build and kept beside its database.

Whole-corpus tables (evidence-table, evidence-network, cohort-table...) read every result of
every publication. At a million triples one evaluation costs 0.1-1 s: about twenty triple-pattern
lookups per row at 1-3 µs each, which no rewrite removes, then up to 15 MB to serialize. A
build's graph never changes, so the build asks each named query once at its default parameters,
renders the answer in every format the server negotiates for it, cut at the server's default row
cap, and keeps the bodies in ``builds/<id>/answers/``: the work moves from a reader's first
request to the build.

A request is answered from a kept body only when everything that shapes the bytes matches: the
exact query text (so other parameters, an edited ``.rq`` file or another build never match), the
format, no protocol dataset, a row cap under which the kept body is the same (an answer kept
whole fits any cap at least its size; a cut one only the cap it was cut at), and the code that
wrote it (:data:`FINGERPRINT`: an upgrade of pyoxigraph or of the rendering makes a build's
kept answers unused until it is rebuilt). The body, its media type and its digest are those a
query worker would send, so the ETag is the same too. A query whose answer changes from run to
run (``NOW()``, ``RAND()``...) is not kept.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path

import pyoxigraph as ox

from .engine import Answer, evaluate
from .named import parse_named_query
from .namespaces import PREFIXES
from .results import RESULT_FORMATS, SERVED_GRAPH_FORMATS, cut, digest, render_cut
from .sparqltext import volatile
from .store import Build

FOLDER = "answers"
INDEX = "index.json"
# What else shapes the bytes: the version of this file's layout and of the rendering, the engine,
# and the prefixes every query is evaluated with.
_LAYOUT = 2  # 2: bodies written from the answer cut at the cap (graph.results.cut)
FINGERPRINT = blake2b(
    json.dumps([_LAYOUT, ox.__version__, sorted((p, str(ns)) for p, ns in PREFIXES.items())]).encode(),
    digest_size=8,
).hexdigest()


@dataclass(frozen=True)
class KeptAnswer:
    """Where one kept body is, and what a query worker would have said about it."""

    path: str  # a plain string: the server looks one up per request, where pathlib's joins showed in profiles
    media_type: str
    capped: bool
    digest: str
    size: int

    def read(self) -> bytes | None:
        """The body, or None when the file is gone or not the size it was kept at."""
        try:
            with open(self.path, "rb") as file:
                body = file.read()
        except OSError:
            return None
        return body if len(body) == self.size else None


def text_key(sparql: str) -> str:
    """What a query text is filed under: a hash of its exact characters (the server remembers the
    hashes of the texts it sees often, api/cache.py)."""
    return digest(sparql.encode("utf-8"))


def _bodies(answer: Answer, max_rows: int) -> tuple[int, dict[str, tuple[bytes, str, bool]]]:
    """The answer's size in rows (or triples; at most the cap), and its body, media type and cap
    flag in every format the server negotiates for it: one evaluation, cut once, as a query worker
    cuts it (graph/results.py), then written in each format."""
    kept = cut(answer, max_rows)
    formats = SERVED_GRAPH_FORMATS if kept.kind == "triples" else tuple(RESULT_FORMATS)
    bodies = {fmt: (*render_cut(kept, fmt), kept.capped) for fmt in formats}
    return kept.rows, bodies


def keep(build: Build, store: ox.Store, query_files: Iterable[Path], max_rows: int) -> tuple[dict, list[str]]:
    """Evaluate every named query file at its defaults on ``store`` (the build's graph) and keep
    its answer in every format that fits it. Returns the index written beside the bodies, and a
    note for each query that was not kept: a broken ``.rq`` file does not stop the graph's build
    (the server reports its error to whoever asks it), and a volatile one is evaluated per request.
    The server's time budget does not apply here: a query too slow for it is still kept."""
    folder = build.path / FOLDER
    folder.mkdir(exist_ok=True)
    kept: dict[str, dict] = {}
    notes: list[str] = []
    for path in sorted(query_files):
        started = time.perf_counter()
        try:
            query = parse_named_query(path)
            sparql = query.sparql()
            if volatile(sparql):
                notes.append(f"{path.name}: answer not kept: it changes from one run to the next")
                continue
            rows, bodies = _bodies(evaluate(store, sparql), max_rows)  # answers are lazy: this evaluates
        except Exception as exc:
            notes.append(f"{path.name}: answer not kept: {exc}")
            continue
        formats = {}
        for fmt, (body, media, capped) in bodies.items():
            file = f"{query.name}.{fmt}"
            (folder / file).write_bytes(body)
            formats[fmt] = {
                "file": file,
                "media_type": media,
                "capped": capped,
                "digest": digest(body),
                "size": len(body),
            }
        kept[text_key(sparql)] = {
            "query": query.name,
            "rows": rows,
            "seconds": round(time.perf_counter() - started, 4),
            "formats": formats,
        }
    index = {"fingerprint": FINGERPRINT, "max_rows": max_rows, "answers": kept}
    (folder / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True))
    return index, notes


@lru_cache(maxsize=4)
def _index(file: str, mtime_ns: int) -> dict:
    """A build's index, read once per version of the file."""
    with open(file, encoding="utf-8") as text:
        index = json.load(text)
    if not isinstance(index, dict) or index.get("fingerprint") != FINGERPRINT:
        return {}
    return index


def index_of(build_path: str | os.PathLike[str]) -> dict:
    """The build's index of kept answers; empty if it kept none, or kept them with other code."""
    file = os.path.join(build_path, FOLDER, INDEX)
    try:
        return _index(file, os.stat(file).st_mtime_ns)
    except (OSError, ValueError):
        return {}


def lookup(
    build_path: str | os.PathLike[str], sparql: str, fmt: str, max_rows: int, key: str | None = None
) -> KeptAnswer | None:
    """The kept body for this exact request, if the build kept one that a worker would send unchanged
    (``key``: the text's :func:`text_key`, where the caller has it already)."""
    index = index_of(build_path)
    try:
        entry = index.get("answers", {}).get(key or text_key(sparql))
        body = entry["formats"].get(fmt) if entry else None
        if body is None:
            return None
        # A body cut at the cap is the answer only under that very cap; a whole one under any cap it fits.
        fits = index["max_rows"] == max_rows if body["capped"] else entry["rows"] <= max_rows
        if not fits:
            return None
        return KeptAnswer(
            os.path.join(build_path, FOLDER, body["file"]),
            body["media_type"],
            body["capped"],
            body["digest"],
            body["size"],
        )
    except (AttributeError, KeyError, TypeError):  # an index damaged by hand: evaluate instead
        return None
