"""The build's last stages: load the database while other work reads the same N-Quads, then activate.

Nothing is written to the live store: the new graph goes to its own build folder, and the
``current`` link moves only when every task succeeded; any failure discards the folder, so the
previous graph keeps answering.

Oxigraph's bulk loader keeps one core busy and works outside Python's lock, so the tasks that only
need the graph's N-Quads run beside it (:data:`graph.pipeline.BESIDE_THE_LOAD`, plus scale mode's
SHACL sample): at 1M quads on a slowed 2-core VM, keeping the named queries' answers beside the
load took the build from 77 s to 54 s. They read the new graph from one copy in memory, parsed
once beside the load (3-6 s and about 350 MiB per million quads: one copy, not one per task). When
one of them fails, the others are waited for (a Ctrl-C too) before the folder goes. A task's
problems fail the build before the swap, as if found first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from . import store
from .corpus import Problem
from .engine import parse_nquads

T = TypeVar("T")
A = TypeVar("A")


@dataclass(frozen=True)
class Beside:
    """What one task run beside the database load found."""

    name: str  # its entry in the manifest's phases (seconds)
    manifest: dict[str, Any] = field(default_factory=dict)  # entries it adds to the build's manifest
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # any of them fails the build


@dataclass(frozen=True)
class NewGraph:
    """What a task beside the load reads: the new build (its folder, its N-Quads) and its graph,
    parsed into memory once for every task (read only: the tasks run at the same time)."""

    build: store.Build
    graph: ox.Store


BesideTask = Callable[[NewGraph], Beside]


@dataclass(frozen=True)
class Installed:
    ok: bool
    problems: list[Problem]
    notes: list[str]
    quads: int = 0
    path: Path | None = None
    manifest: dict[str, Any] | None = None


def install(
    store_root: Path,
    nquads: Path,
    tasks: Sequence[BesideTask],
    manifest_of: Callable[[int, dict[str, float]], dict[str, Any]],
) -> Installed:
    """Place ``nquads`` in a fresh build folder, load its database while ``tasks`` run, write the
    manifest (``manifest_of(quads, seconds per phase)`` and what each task adds), swap it in."""
    new = store.new_build(store_root)
    try:
        store.place_nquads(new, nquads)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside-the-load") as thread:
            beside = thread.submit(_beside_the_load, new, tasks)
            quads, loading = _timed(store.load_placed_nquads, new)
            parsed, parsing, done = beside.result()
        phases = {"load_database": loading, "parse_copy": parsing} | {found.name: s for found, s in done}
        problems = [problem for found, _ in done for problem in found.problems]
        notes = [note for found, _ in done for note in found.notes]
        if problems:
            store.discard(new)
            return Installed(False, problems, notes)
        if parsed != quads:
            raise RuntimeError(f"the tasks beside the load read {parsed} quads, the database holds {quads}")
        manifest = manifest_of(quads, phases)
        for found, _ in done:
            manifest |= found.manifest
        store.write_manifest(new, manifest)
        store.activate(store_root, new)
    except BaseException:
        store.discard(new)
        raise
    return Installed(True, [], notes, quads, new.path, manifest)


def _beside_the_load(
    new: store.Build, tasks: Sequence[BesideTask]
) -> tuple[int, float, list[tuple[Beside, float]]]:
    """The graph parsed into memory, then every task on it at once: (quads parsed, seconds, what
    each task found and its seconds)."""
    graph, parsing = _timed(parse_nquads, new)
    read = NewGraph(new, graph)
    with ThreadPoolExecutor(max_workers=max(1, len(tasks)), thread_name_prefix="beside-the-load") as threads:
        running = [threads.submit(_timed, task, read) for task in tasks]
        return len(graph), parsing, [future.result() for future in running]


def _timed(work: Callable[[A], T], argument: A) -> tuple[T, float]:
    started = time.perf_counter()
    return work(argument), round(time.perf_counter() - started, 3)


def keep_answers(new: NewGraph) -> Beside:
    """The named queries asked once on the new graph at their defaults, answers kept beside it
    (graph/kept_answers.py), with a note for each that was not. Asked on the copy in memory, which
    the queries' lookups repay several times over against the disk store."""
    from .kept_answers import keep
    from .named import NamedQueries
    from .results import DEFAULT_MAX_ROWS

    index, notes = keep(new.build, new.graph, NamedQueries().files(), DEFAULT_MAX_ROWS)
    return Beside("keep_answers", {"kept_answers": len(index["answers"])}, notes)


def write_question_index(new: NewGraph) -> Beside:
    """The index ``relapsekg ask`` answers plain-words questions from (graph/ask/), written into
    the new build's folder so it is swapped in, and discarded, with the graph it indexes."""
    from .ask.source import write_for_build

    meta = write_for_build(new.build, new.graph)
    return Beside("question_index", {"question_index": {"facts": meta["facts"], "names": meta["names"]}})
