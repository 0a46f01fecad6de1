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
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef

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
    def manifest(self) -> dict:
        file = self.path / "manifest.json"
        return json.loads(file.read_text()) if file.is_file() else {}


def new_build(root: Path) -> Build:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = root / BUILDS / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000}"
    path.mkdir(parents=True)
    return Build(path)


def load_nquads(build: Build, nquads: bytes) -> int:
    """Bulk-load N-Quads into the build's own database; returns the number of quads."""
    store = ox.Store(str(build.db))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.optimize()
    count = len(store)
    store.flush()
    del store
    return count


class GraphSink:
    """One named graph as the converter writes it: a plain list of rdflib triples.

    The converter only ever adds, so a list does: no indexes are maintained while converting,
    which is most of what an rdflib ``Graph.add`` costs (a 1M-triple corpus converts in a fraction
    of the time). Duplicates are harmless: the store is a set of quads.
    """

    __slots__ = ("identifier", "triples")

    def __init__(self, identifier: URIRef):
        self.identifier = identifier
        self.triples: list[tuple] = []

    def add(self, triple: tuple) -> None:
        self.triples.append(triple)

    def __len__(self) -> int:
        return len(self.triples)


GraphHandler = Callable[[URIRef, list], None]


class QuadCollector:
    """Stands in for the rdflib ``Dataset`` the converter writes to: ``graph(iri)`` gives a sink.

    It keeps every graph while the total stays within ``keep_up_to`` triples (the caller then
    builds an rdflib Dataset from them, see :meth:`to_dataset`). Past that it *streams*: each
    graph, once complete, goes to ``on_graph`` and is dropped, so a large corpus never holds more
    than one publication's graph at a time. The converter asks for each file's graph once, when it
    starts the file, so a new request means the previous graph is complete.
    """

    def __init__(self, keep_up_to: int | None = None, on_graph: GraphHandler | None = None) -> None:
        self.graphs: dict[URIRef, GraphSink] = {}
        self.bind_namespaces = "core"
        self.keep_up_to, self.on_graph = keep_up_to, on_graph
        self.streaming = False
        self.count = 0
        self.graph_count = 0
        self._open: GraphSink | None = None

    def graph(self, identifier: URIRef) -> GraphSink:
        if self._open is not None and self._open.identifier == identifier:
            return self._open
        self._complete()
        self._open = GraphSink(identifier)
        return self._open

    def finish(self) -> "QuadCollector":
        self._complete()
        return self

    def _complete(self) -> None:
        sink, self._open = self._open, None
        if sink is None:
            return
        self.count += len(sink)
        self.graph_count += 1
        if self.streaming:
            self.on_graph(sink.identifier, sink.triples)
            return
        if sink.identifier in self.graphs:  # not done by the converter; kept correct all the same
            self.graphs[sink.identifier].triples.extend(sink.triples)
        else:
            self.graphs[sink.identifier] = sink
        if self.keep_up_to is not None and self.on_graph is not None and self.count > self.keep_up_to:
            self.streaming = True
            for kept in self.graphs.values():
                self.on_graph(kept.identifier, kept.triples)
            self.graphs.clear()

    def to_dataset(self) -> Dataset:
        """The kept quads as an rdflib Dataset (for SHACL and the reasoner on graphs they can handle)."""
        dataset = Dataset(default_union=False)
        dataset.bind_namespaces = "core"
        for identifier, sink in self.graphs.items():
            graph = dataset.graph(identifier)
            for triple in sink.triples:
                graph.add(triple)
        return dataset


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


class NQuadsSpool:
    """Writes graphs as N-Quads to a file, for Oxigraph's bulk loader to read from disk.

    Terms are written as rdflib's N-Quads serializer writes them (lexical form, datatype or
    language; IRIs and blank-node labels as they are), without building an rdflib store: a
    million quads take seconds instead of a minute, and memory stays flat.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = None  # opened on the first write: a build that fails validation leaves nothing
        self._iris: dict[object, str] = {}
        self.quads = 0

    def write(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8")
        iris, lines = self._iris, []
        tail = f" <{graph}> .\n"
        for s, p, o in triples:
            subject = iris.get(s) or self._term(s)
            predicate = iris.get(p) or self._term(p)
            if type(o) is Literal:
                lexical = str(o).translate(_ESCAPES)
                if o.language:
                    obj = f'"{lexical}"@{o.language}'
                elif o.datatype is None:
                    obj = f'"{lexical}"'
                else:
                    obj = f'"{lexical}"^^<{o.datatype}>'
            else:
                obj = iris.get(o) or self._term(o)
            lines.append(f"{subject} {predicate} {obj}{tail}")
        self.quads += len(lines)
        self._file.write("".join(lines))

    def _term(self, term: object) -> str:
        if isinstance(term, URIRef):
            text = self._iris[term] = f"<{term}>"
            return text
        if isinstance(term, BNode):
            return f"_:{term}"
        if isinstance(term, Literal):  # a literal subject cannot come from the converter
            raise TypeError(f"literal in subject or predicate position: {term!r}")
        raise TypeError(f"not an RDF term: {term!r}")

    def close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def load_nquads_file(build: Build, path: Path) -> int:
    """Bulk-load an N-Quads file into the build's own database; returns the number of quads."""
    store = ox.Store(str(build.db))
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
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
    link = root / CURRENT
    if not link.exists():
        raise StoreMissing(f"no graph built in {root}; run `relapsekg build` (or `make run`) first")
    return Build(link.resolve())


def open_read_only(root: Path) -> ox.Store:
    return ox.Store.read_only(str(current_build(root).db))
