"""``relapsekg build``: validate, convert, load into a fresh store folder, swap it in.

Nothing is written to the live store: the new graph goes to its own build folder, and the
``current`` link moves only when every step succeeded.

A large corpus builds in scale mode (graph/validate.py says when and what it checks): each
publication graph is written to an N-Quads spool file beside the builds as soon as it is
converted and checked, and Oxigraph's bulk loader reads that file, so memory holds the parsed
sources and one graph at a time, not the whole graph three times over (rdflib, N-Quads, store).
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import paths, store
from .corpus import Problem
from .namespaces import ONTOLOGY_GRAPH
from .spool import NQuadsSpool
from .validate import Validation, validate_sources

T = TypeVar("T")


@dataclass
class BuildReport:
    ok: bool
    problems: list[Problem]
    quads: int = 0
    seconds: float = 0.0
    path: Path | None = None
    manifest: dict | None = None
    notes: list[str] = field(default_factory=list)  # what the size made the build skip, to print


def _digest(files: list[Path]) -> dict[str, str]:
    return {
        str(f.relative_to(paths.ROOT)) if f.is_relative_to(paths.ROOT) else str(f): hashlib.sha256(
            f.read_bytes()
        ).hexdigest()[:16]
        for f in files
    }


def build(
    store_root: Path,
    sources_dir: Path | None = None,
    show_progress: bool = False,
    reason: bool | None = None,
    shacl: str = "auto",
) -> BuildReport:
    """Validate the sources, build the graph, swap it in. ``reason`` and ``shacl`` as in
    :func:`graph.validate.validate_sources` (by default: chosen by the size of the graph)."""
    started = time.perf_counter()
    spool = NQuadsSpool(store_root / f".spool-{os.getpid()}-{time.monotonic_ns()}.nq")
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            disable=not show_progress,
            transient=True,
        ) as progress:
            task = progress.add_task(
                "validating curated sources and reasoning (OWL)"
                if reason is not False
                else "validating curated sources",
                total=None,
            )
            validation = validate_sources(
                sources_dir, reason=reason, shacl=shacl, on_graph=spool.write, defer_shacl=True
            )
            if not validation.ok:
                return BuildReport(
                    False, validation.problems, seconds=time.perf_counter() - started, notes=validation.notes
                )
            if validation.scale:
                return _build_streamed(store_root, validation, spool, progress, task, started)
            if validation.reasoning is not None and validation.reasoning.ran:
                progress.update(task, description="adding the rule axioms, derived and inferred graphs")
                validation.reasoning.add_to(validation.dataset)
            progress.update(task, description="serializing the graph")
            nquads = validation.dataset.serialize(format="nquads", encoding="utf-8")
            store_root.mkdir(parents=True, exist_ok=True)
            graphs = len({q[3] for q in validation.dataset.quads((None, None, None, None))})
            return _install(
                store_root,
                validation,
                "load_store",
                nquads,
                lambda quads: _manifest(validation, quads, started, graphs),
                progress,
                task,
                started,
            )
    finally:
        spool.discard()


def _install(
    store_root: Path,
    validation: Validation,
    phase: str,
    nquads: bytes | Path,
    manifest_of: Callable[[int], dict],
    progress: Progress,
    task: object,
    started: float,
    beside: Callable[[], list[Problem]] | None = None,
) -> BuildReport:
    """Load a fresh build folder, write its manifest and swap it in; any failure discards the
    folder, so the previous graph keeps answering, and so do problems found by the checks left
    to run ``beside`` the load (scale mode's SHACL sample: found before the swap, they fail the
    build as if found first).

    The named queries' answers are kept (from a copy in memory parsed from the same N-Quads), and
    the checks left to run, while Oxigraph bulk-loads the database: its loader keeps one core busy,
    these the other, and the loader and the queries work outside Python's lock. At 1M quads on a
    slowed 2-core VM this took the build from 77 s to 54 s, for 360 MiB more at its peak (1.6 GiB:
    the copy and the loader's buffers at once). When one of them fails, the others are waited for
    (a Ctrl-C too) before the folder goes; the seconds each query took, in the answers' index, are
    measured beside the loader."""
    new = store.new_build(store_root)
    try:
        store.place_nquads(new, nquads)
        progress.update(task, description="loading the Oxigraph store and keeping the named queries' answers")
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="beside-the-load") as threads:
            keeping = threads.submit(_timed, _keep_answers, new)
            checking = threads.submit(_timed, beside) if beside is not None else None
            loading = time.perf_counter()
            quads = store.load_placed_nquads(new)
            validation.phases[phase] = round(time.perf_counter() - loading, 3)
            (kept, copied, notes), seconds = keeping.result()
            problems, checked = checking.result() if checking is not None else ([], 0.0)
        validation.phases["keep_answers"] = round(seconds, 3)
        if checking is not None:
            validation.phases["shacl"] = round(checked, 3)
        if problems:
            store.discard(new)
            return BuildReport(False, problems, seconds=time.perf_counter() - started, notes=validation.notes)
        if copied != quads:
            raise RuntimeError(
                f"the named queries were answered on {copied} quads, the database holds {quads}"
            )
        validation.notes.extend(notes)
        manifest = manifest_of(quads) | {"kept_answers": kept}
        store.write_manifest(new, manifest)
        progress.update(task, description="swapping the new graph in")
        store.activate(store_root, new)
    except BaseException:
        store.discard(new)
        raise
    return BuildReport(True, [], quads, time.perf_counter() - started, new.path, manifest, validation.notes)


def _timed(work: Callable[..., T], *args: object) -> tuple[T, float]:
    started = time.perf_counter()
    return work(*args), time.perf_counter() - started


def _keep_answers(new: store.Build) -> tuple[int, int, list[str]]:
    """The named queries asked once on the new graph at their defaults, answers kept beside it
    (graph/kept_answers.py); returns how many were kept, the quads they were asked on, and a note
    for each that was not. Asked on a copy in memory parsed from the build's N-Quads (3 s per
    million quads), which the queries' lookups repay several times over against the disk store."""
    from .ask import write_for_build
    from .engine import parse_nquads
    from .kept_answers import keep
    from .named import NamedQueries
    from .results import DEFAULT_MAX_ROWS

    copy = parse_nquads(new)
    index, notes = keep(new, copy, NamedQueries().files(), DEFAULT_MAX_ROWS)
    write_for_build(new, copy)  # the ask index, from the same copy (graph/ask/source.py)
    return len(index["answers"]), len(copy), notes


def _build_streamed(
    store_root: Path,
    validation: Validation,
    spool: NQuadsSpool,
    progress: Progress,
    task: object,
    started: float,
) -> BuildReport:
    """Scale mode: the source graphs are already in the spool; add the ontology, bulk-load, swap."""
    spool.write(ONTOLOGY_GRAPH, validation.ontology)
    spool.close()
    files = _source_files(validation)
    # The parsed sources are not needed any more: free them before Oxigraph's loader takes its own
    # memory, so the build's peak is the larger of the two rather than their sum.
    validation.corpus.files.clear()
    validation.corpus.texts.clear()
    validation.corpus.spans.clear()
    validation.origins.clear()
    gc.collect()
    return _install(
        store_root,
        validation,
        "bulk_load",
        spool.path,
        lambda quads: _manifest(validation, quads, started, validation.graphs + 1, files),
        progress,
        task,
        started,
        beside=validation.pending,
    )


def _source_files(validation: Validation) -> list[Path]:
    return [f.path for f in validation.corpus.files] + sorted(paths.ONTOLOGY_DIR.glob("*.ttl"))


def _manifest(
    validation: Validation, quads: int, started: float, graphs: int, files: list[Path] | None = None
) -> dict:
    files = files if files is not None else _source_files(validation)
    reasoning = (
        validation.reasoning.manifest()
        if validation.reasoning
        else {"skipped": next((n for n in validation.notes if "reasoning" in n), "not requested")}
    )
    return {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quads": quads,
        "graphs": graphs,
        "sources": _digest(files),
        "seconds": round(time.perf_counter() - started, 3),
        "reasoning": reasoning,
        "mode": "scale" if validation.scale else "full",
        "shacl": validation.shacl,
        "source_triples": validation.triples,
        "phases": validation.phases,
    }
