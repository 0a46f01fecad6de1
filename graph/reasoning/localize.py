"""Which entities make the graph inconsistent.

HermiT only says "inconsistent". To name the entities involved, each
individual's asserted facts are rolled up into a class expression (its types, its data values,
and for each link the rolled-up facts of the individual it links to) and the reasoner is asked,
without the individuals, which of these "probe" classes are unsatisfiable. In stages, each one
HermiT run, stopping at the first that finds something:

1. node probes  - one individual's own facts             -> it contradicts the ontology alone;
                  then the smallest set of its facts that does (one fact, or two)
2. edge probes  - an individual and one it links to      -> the two contradict it together
3. star probes  - an individual and all its neighbours   -> the group does

Vocabulary individuals (a relapse site category, a CNS status) are rolled up from their own
facts too, never named: a probe with nominals would bring every individual of the graph into
every satisfiability test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ..namespaces import ID
from .hermit import copy_expression, intersection, inverse, restriction, run_hermit
from .names import short

PROBE = "urn:relapsekg:probe:"
T = TypeVar("T")
VOCABULARY_DEPTH = 2


@dataclass
class Conflict:
    """Entities whose facts cannot hold together under the ontology."""

    entities: list[URIRef]
    facts: list[str] = field(default_factory=list)
    kind: str = "node"


def declared(tbox: Graph, kind: URIRef) -> set[URIRef]:
    return {p for p in tbox.subjects(RDF.type, kind) if isinstance(p, URIRef)}


class _Facts:
    def __init__(self, tbox: Graph, abox: Graph):
        self.tbox, self.abox = tbox, abox
        self.object_props = declared(tbox, OWL.ObjectProperty)
        self.data_props = declared(tbox, OWL.DatatypeProperty)
        self.labels = {s: str(o) for s, o in tbox.subject_objects(RDFS.label) if isinstance(s, URIRef)}
        props = self.object_props | self.data_props
        self.individuals = sorted(
            {
                s
                for s in abox.subjects()
                if isinstance(s, URIRef) and any(p == RDF.type or p in props for p in abox.predicates(s))
            }
        )
        members = set(self.individuals)
        self.incoming: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o in abox:
            if p in self.object_props and s in members and o in members:
                self.incoming[o].append((p, s))
        self.members = members

    # -- facts of an individual of the data ---------------------------------------------------
    def types(self, x, graph: Graph | None = None):
        g = graph if graph is not None else self.abox
        return [t for t in g.objects(x, RDF.type) if t != OWL.NamedIndividual]

    def links(self, x):
        """(property, individual of the data) and (property, vocabulary individual) pairs."""
        data, vocabulary = [], []
        for p, o in self.abox.predicate_objects(x):
            if p in self.object_props and isinstance(o, URIRef):
                (data if o in self.members else vocabulary).append((p, o))
        return sorted(data), sorted(vocabulary)

    def values(self, x):
        return sorted(
            (p, o)
            for p, o in self.abox.predicate_objects(x)
            if p in self.data_props and isinstance(o, Literal)
        )

    def name(self, term) -> str:
        label = self.labels.get(term)
        return f"{short(term)} ({label})" if label and not str(term).startswith(str(ID)) else short(term)

    def vocabulary(self, v, target: Graph, depth: int = VOCABULARY_DEPTH):
        """A vocabulary individual rolled up from the ontology's facts about it (no nominal)."""
        parts: list[Node] = [t for t in self.types(v, self.tbox) if isinstance(t, URIRef)]
        parts += [
            restriction(target, p, hasValue=o)
            for p, o in self.tbox.predicate_objects(v)
            if p in self.data_props and isinstance(o, Literal)
        ]
        if depth > 0:
            parts += [
                restriction(target, p, someValuesFrom=self.vocabulary(o, target, depth - 1))
                for p, o in sorted(self.tbox.predicate_objects(v))
                if p in self.object_props and isinstance(o, URIRef)
            ]
        return intersection(target, parts)

    def conjuncts(self, x, target: Graph) -> list[tuple[str, Node]]:
        """x's own facts as (description, class expression) pairs."""
        out = [
            (
                f"a {short(t)}" if isinstance(t, URIRef) else "a class expression",
                copy_expression(self.abox, t, target),
            )
            for t in self.types(x)
        ]
        out += [
            (f"{short(p)} {self.name(o)}", restriction(target, p, someValuesFrom=self.vocabulary(o, target)))
            for p, o in self.links(x)[1]
        ]
        out += [(f"{short(p)} {v}", restriction(target, p, hasValue=v)) for p, v in self.values(x)]
        return out

    def node(self, x, target: Graph):
        return intersection(target, [c for _, c in self.conjuncts(x, target)])

    def describe(self, x) -> list[str]:
        """x's facts for a message (long texts such as quotes left out)."""
        described = [d for d, _ in self.conjuncts(x, Graph()) if len(d) < 80]
        return described + [f"{short(p)} {short(o)}" for p, o in self.links(x)[0]]


def _unsatisfiable(tbox: Graph, probes: Graph, meaning: dict[URIRef, T]) -> list[T]:
    """Which probes are unsatisfiable. A probe is a primitive class (``probe ⊑ expression``):
    unsatisfiable exactly when its expression is, and, unlike a defined class, it gives HermiT no
    subsumptions to test between probes, so hundreds of them classify in a second or two."""
    if not meaning:
        return []
    for probe in meaning:
        probes.add((probe, RDF.type, OWL.Class))
    unsat = {URIRef(u) for u in run_hermit(tbox + probes).unsatisfiable}
    return [meaning[p] for p in sorted(unsat) if p in meaning]


def localize(tbox: Graph, abox: Graph) -> list[Conflict]:
    """The smallest groups of ``abox`` individuals that contradict ``tbox`` (which must be consistent)."""
    facts = _Facts(tbox, abox)
    # 1. each individual alone
    probes, by_node = Graph(), {}
    for i, x in enumerate(facts.individuals):
        iri = URIRef(f"{PROBE}node:{i}")
        probes.add((iri, RDFS.subClassOf, facts.node(x, probes)))
        by_node[iri] = x
    alone = _unsatisfiable(tbox, probes, by_node)
    if alone:
        cores = minimal_facts(tbox, facts, alone)
        return [Conflict([x], cores.get(x) or facts.describe(x), "node") for x in alone]
    # 2. each individual with one it links to
    probes, by_edge = Graph(), {}
    for i, x in enumerate(facts.individuals):
        for j, (p, y) in enumerate(facts.links(x)[0]):
            iri = URIRef(f"{PROBE}edge:{i}:{j}")
            probes.add(
                (
                    iri,
                    RDFS.subClassOf,
                    intersection(
                        probes,
                        [facts.node(x, probes), restriction(probes, p, someValuesFrom=facts.node(y, probes))],
                    ),
                )
            )
            by_edge[iri] = (x, p, y)
    pairs = _unsatisfiable(tbox, probes, by_edge)
    if pairs:
        cores = minimal_pair_facts(tbox, facts, pairs)
        return [
            Conflict(
                [x, y],
                cores.get((x, p, y)) or facts.describe(x) + [f"{short(p)} {short(y)}"] + facts.describe(y),
                "edge",
            )
            for x, p, y in pairs
        ]
    # 3. each individual with all its neighbours
    probes, by_star = Graph(), {}
    for i, x in enumerate(facts.individuals):
        out = facts.links(x)[0]
        neighbours = out + [(inverse(probes, p), z) for p, z in facts.incoming.get(x, [])]
        if len(neighbours) < 2:
            continue
        iri = URIRef(f"{PROBE}star:{i}")
        parts = [facts.node(x, probes)] + [
            restriction(probes, p, someValuesFrom=facts.node(y, probes)) for p, y in neighbours
        ]
        probes.add((iri, RDFS.subClassOf, intersection(probes, parts)))
        by_star[iri] = (x, [y for _, y in neighbours])
    return [
        Conflict([x, *group], facts.describe(x), "star") for x, group in _unsatisfiable(tbox, probes, by_star)
    ]


def minimal_facts(tbox: Graph, facts: _Facts, individuals: list) -> dict:
    """For individuals that contradict the ontology alone, the smallest sets of their facts (one
    fact, or two) that already do: one more reasoner run, with a probe per fact and per pair."""
    probes, meaning = Graph(), {}
    for i, x in enumerate(individuals):
        described = [d for d, _ in facts.conjuncts(x, Graph())]
        for size in (1, 2):
            for j, subset in enumerate(combinations(range(len(described)), size)):
                iri = URIRef(f"{PROBE}facts:{i}:{size}:{j}")
                fresh = facts.conjuncts(x, probes)
                probes.add((iri, RDFS.subClassOf, intersection(probes, [fresh[k][1] for k in subset])))
                meaning[iri] = (x, size, [described[k] for k in subset])
    cores: dict = {}
    for x, size, described in sorted(_unsatisfiable(tbox, probes, meaning), key=lambda m: m[1]):
        if x not in cores or cores[x][0] == size:
            cores.setdefault(x, (size, []))[1].append(" + ".join(described))
    return {x: found for x, (_, found) in cores.items()}


def minimal_pair_facts(tbox: Graph, facts: _Facts, pairs: list) -> dict:
    """For two linked individuals that contradict the ontology together, which fact of each does:
    a probe per (fact of the first, link, fact of the second)."""
    probes, meaning = Graph(), {}
    for i, (x, p, y) in enumerate(pairs):
        dx = [d for d, _ in facts.conjuncts(x, Graph())]
        dy = [d for d, _ in facts.conjuncts(y, Graph())]
        for a in range(len(dx)):
            for b in range(len(dy)):
                iri = URIRef(f"{PROBE}pair:{i}:{a}:{b}")
                fx, fy = facts.conjuncts(x, probes), facts.conjuncts(y, probes)
                probes.add(
                    (
                        iri,
                        RDFS.subClassOf,
                        intersection(probes, [fx[a][1], restriction(probes, p, someValuesFrom=fy[b][1])]),
                    )
                )
                meaning[iri] = ((x, p, y), f"{short(x)} {dx[a]}, {short(p)} {short(y)}, which has {dy[b]}")
    cores: dict = {}
    for key, described in _unsatisfiable(tbox, probes, meaning):
        cores.setdefault(key, []).append(described)
    return cores


__all__ = ["localize", "Conflict", "PROBE"]
