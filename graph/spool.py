"""Where the converter writes the graph during a build: in memory, or streamed to an N-Quads file.

Only the build uses it; :mod:`graph.store` keeps to the build folders and the Oxigraph store
that the server and its query workers open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef


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

    def finish(self) -> QuadCollector:
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
