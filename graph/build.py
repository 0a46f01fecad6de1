"""``relapsekg build``: validate, convert, load into a fresh store folder, swap it in.

Nothing is written to the live store: the new graph goes to its own build folder, and the
``current`` link moves only when every step succeeded.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import paths, store
from .corpus import Problem
from .validate import validate_sources


@dataclass
class BuildReport:
    ok: bool
    problems: list[Problem]
    quads: int = 0
    seconds: float = 0.0
    path: Path | None = None
    manifest: dict | None = None


def _digest(files: list[Path]) -> dict[str, str]:
    return {str(f.relative_to(paths.ROOT)) if f.is_relative_to(paths.ROOT) else str(f):
            hashlib.sha256(f.read_bytes()).hexdigest()[:16] for f in files}


def build(store_root: Path, sources_dir: Path | None = None, show_progress: bool = False,
          reason: bool = True) -> BuildReport:
    started = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  disable=not show_progress, transient=True) as progress:
        task = progress.add_task("validating curated sources and reasoning (OWL)" if reason else
                                 "validating curated sources", total=None)
        validation = validate_sources(sources_dir, reason=reason)
        if not validation.ok:
            return BuildReport(False, validation.problems, seconds=time.perf_counter() - started)
        if validation.reasoning is not None and validation.reasoning.ran:
            progress.update(task, description="adding the rule axioms, derived and inferred graphs")
            validation.reasoning.add_to(validation.dataset)
        progress.update(task, description="serializing the graph")
        nquads = validation.dataset.serialize(format="nquads", encoding="utf-8")
        progress.update(task, description="loading the Oxigraph store")
        store_root.mkdir(parents=True, exist_ok=True)
        new = store.new_build(store_root)
        try:
            quads = store.load_nquads(new, nquads)
            files = [f.path for f in validation.corpus.files] + sorted(paths.ONTOLOGY_DIR.glob("*.ttl"))
            manifest = {
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "quads": quads,
                "graphs": len({q[3] for q in validation.dataset.quads((None, None, None, None))}),
                "sources": _digest(files),
                "seconds": round(time.perf_counter() - started, 3),
                "reasoning": validation.reasoning.manifest() if validation.reasoning else {"skipped": "not requested"},
            }
            store.write_manifest(new, manifest)
            progress.update(task, description="swapping the new graph in")
            store.activate(store_root, new)
        except BaseException:
            store.discard(new)
            raise
    return BuildReport(True, [], quads, time.perf_counter() - started, new.path, manifest)
