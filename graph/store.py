"""The embedded Oxigraph store, built beside the live one and swapped in atomically.

Layout of a store folder::

    STORE/current -> builds/20261125T031500-1234   (symlink, replaced with one rename)
    STORE/builds/<stamp>/oxigraph/                (RocksDB files)
    STORE/builds/<stamp>/manifest.json            (counts, build time, source digests)

A reader resolves ``current`` once and keeps its build open; a build never writes into a folder
that a reader may have open, so a failing build leaves the previous graph answering.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

CURRENT = "current"
BUILDS = "builds"
KEEP_PREVIOUS = 1


class StoreMissing(RuntimeError):
    """No graph has been built in this store folder yet."""


@dataclass
class Build:
    path: Path

    @property
    def db(self) -> Path:
        return self.path / "oxigraph"

    @property
    def nquads(self) -> Path:
        """The quads the database was loaded from, kept beside it: a server's query workers load
        their in-memory copy from this file, 2-3x faster than reading the database back."""
        return self.path / "quads.nq"

    @property
    def manifest(self) -> dict:
        file = self.path / "manifest.json"
        return json.loads(file.read_text()) if file.is_file() else {}


def new_build(root: Path) -> Build:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = root / BUILDS / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000}"
    path.mkdir(parents=True)
    return Build(path)


def place_nquads(build: Build, nquads: bytes | Path) -> None:
    """Put the build's N-Quads beside its database: written from bytes, or a file moved there."""
    if isinstance(nquads, Path):
        os.replace(nquads, build.nquads)
    else:
        build.nquads.write_bytes(nquads)


def load_placed_nquads(build: Build) -> int:
    """Bulk-load the N-Quads placed beside the build into its own database; returns the number of quads."""
    store = ox.Store(str(build.db))
    store.bulk_load(path=str(build.nquads), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    count = len(store)
    store.flush()
    del store
    return count


def write_manifest(build: Build, manifest: dict) -> None:
    (build.path / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))


def activate(root: Path, build: Build) -> None:
    """Point ``current`` at ``build`` with one atomic rename, then drop builds beyond the previous."""
    link = root / CURRENT
    tmp = root / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(build.path.relative_to(root))
    os.replace(tmp, link)
    prune(root, keep={build.path.name})


def prune(root: Path, keep: set[str]) -> None:
    builds = sorted((p for p in (root / BUILDS).iterdir() if p.is_dir()), key=lambda p: p.name)
    old = [p for p in builds if p.name not in keep]
    for stale in old[: max(0, len(old) - KEEP_PREVIOUS)]:
        shutil.rmtree(stale, ignore_errors=True)


def discard(build: Build) -> None:
    shutil.rmtree(build.path, ignore_errors=True)


def current_build(root: Path) -> Build:
    """The build ``current`` points at; :class:`StoreMissing` when there is none (yet)."""
    name = current_name(root)
    if not name or not (root / BUILDS / name).is_dir():
        raise StoreMissing(f"no graph built in {root}; run `relapsekg build` (or `make run`) first")
    return build_named(root, name)


def build_named(root: Path, name: str) -> Build:
    """The build ``name`` of the store ``root`` (a name :func:`current_name` gave)."""
    return Build((root / BUILDS / name).resolve())


def current_name(root: str | os.PathLike[str] | None) -> str:
    """The name of the build ``root/current`` points at ("" when there is none). One system call,
    for whoever checks for a swapped-in build on every request: resolving the whole path takes
    twenty times as long."""
    if root is None:
        return ""
    try:
        return os.path.basename(os.readlink(os.path.join(root, CURRENT)))
    except OSError:
        return ""


def open_read_only(root: Path) -> ox.Store:
    return ox.Store.read_only(str(current_build(root).db))
