"""Where the converted graph goes: kept in memory, or streamed to the build's N-Quads file.

Two engines do not scale with the corpus: pyshacl (about 7 s at 120k triples, minutes at 1M) and
HermiT (3 s on the curated 8k triples, 15 minutes on a 16k-triple synthetic corpus). So the
:class:`Sink` keeps every publication graph while the total stays within ``FULL_CHECK_TRIPLES``
(then SHACL checks the whole graph and the reasoner may run: *full mode*); past it, it *streams*:
each graph goes to the N-Quads writer and is dropped, except the first ``SHACL_SAMPLE_TRIPLES``
worth, kept with their origins for SHACL (*scale mode*). Memory then holds the parsed sources and
one graph at a time, not the whole graph three times over (rdflib, N-Quads, store).

Only the build uses it; :mod:`graph.store` keeps to the build folders and the Oxigraph store
that the server and its query workers open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from .convert import PublicationGraph, Triple

# Sizes in triples converted from the sources (the ontology not counted); see the docstring.
FULL_CHECK_TRIPLES = 150_000
SHACL_SAMPLE_TRIPLES = 30_000
_RDF_TYPE = str(RDF.type)


def keep_up_to(reason: bool | None, shacl: str) -> int | None:
    """How many triples the sink keeps before it streams: all of them when the whole graph is asked
    for (``--shacl full``, ``--reasoning``), none with ``--shacl sample``, else FULL_CHECK_TRIPLES."""
    if shacl == "full" or reason is True:
        return None
    return 0 if shacl == "sample" else FULL_CHECK_TRIPLES


@dataclass(frozen=True)
class Sunk:
    """What the sink holds once every publication graph has passed it."""

    kept: list[PublicationGraph]  # every graph in full mode; none once streamed
    streamed: bool  # scale mode: the graphs went to the N-Quads writer (or, validating, nowhere)
    sample: list[PublicationGraph]  # scale mode: the graphs SHACL checks, with their origins
    types: dict[URIRef, list[Triple]]  # scale mode: the rdf:type triples of what the sample points at
    triples: int  # converted from the sources
    graphs: int


class Sink:
    """Takes the converter's publication graphs; see the module docstring. ``writer`` is the
    build's N-Quads spool, or None when validating (streamed graphs are then only dropped)."""

    def __init__(
        self, writer: NQuadsSpool | None, keep_up_to: int | None, sample_budget: int = SHACL_SAMPLE_TRIPLES
    ) -> None:
        self.writer, self.keep_up_to, self.sample_budget = writer, keep_up_to, sample_budget
        self.kept: list[PublicationGraph] = []
        self.sample: list[PublicationGraph] = []
        self.sampled = self.triples = self.graphs = 0
        self.streaming = False
        self.types: dict[URIRef, list[Triple]] = {}

    def add(self, graph: PublicationGraph) -> None:
        self.triples += len(graph)
        self.graphs += 1
        if self.sampled < self.sample_budget:
            self.sample.append(graph)
            self.sampled += len(graph)
        if self.streaming:
            self._stream(graph)
            return
        self.kept.append(graph)
        if self.keep_up_to is not None and self.triples > self.keep_up_to:
            self.streaming = True
            for kept in self.kept:
                self._stream(kept)
            self.kept = []

    def _stream(self, graph: PublicationGraph) -> None:
        # Entity types, for the sample's references. str's own equality: rdflib's URIRef.__eq__
        # is Python, and this runs once per triple.
        types = self.types
        for triple in graph.triples:
            s = triple[0]
            if str.__eq__(triple[1], _RDF_TYPE) and "#" not in s:
                types.setdefault(s, []).append(triple)
        if self.writer is not None:
            self.writer.write(graph.iri, graph.triples)

    def finish(self) -> Sunk:
        """What passed, for the checks after conversion; in scale mode only the types the sample
        points at are kept, the rest let go before the database load takes its memory."""
        if not self.streaming:
            return Sunk(self.kept, False, [], {}, self.triples, self.graphs)
        pointed_at = {o for graph in self.sample for _s, _p, o in graph.triples}
        types = {node: typed for node, typed in self.types.items() if node in pointed_at}
        return Sunk([], True, self.sample, types, self.triples, self.graphs)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


class NQuadsSpool:
    """Writes graphs as N-Quads to a file, for Oxigraph's bulk loader to read from disk.

    Terms are written as rdflib's N-Quads serializer writes them (lexical form, datatype or
    language; IRIs and blank-node labels as they are), without building an rdflib store: a
    million quads take seconds instead of a minute, and memory stays flat.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started = False  # the file is made by the first write: a failed build leaves nothing
        self._iris: dict[object, str] = {}
        self.quads = 0
        self.graphs: set[URIRef] = set()  # the named graphs written, each with at least one quad

    def write(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Append one graph's triples (a list, or an rdflib Graph: the ontology, the reasoner's)."""
        if not self.started:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("", encoding="utf-8")
            self.started = True
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
        if lines:
            self.graphs.add(graph)
        with self.path.open("a", encoding="utf-8") as file:  # one graph at a time: a few hundred opens at 1M
            file.write("".join(lines))

    def _term(self, term: object) -> str:
        if isinstance(term, URIRef):
            text = self._iris[term] = f"<{term}>"
            return text
        if isinstance(term, BNode):
            return f"_:{term}"
        if isinstance(term, Literal):  # a literal subject cannot come from the converter
            raise TypeError(f"literal in subject or predicate position: {term!r}")
        raise TypeError(f"not an RDF term: {term!r}")

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
