"""Which entities make the graph inconsistent.

HermiT (through owlready2) only says "inconsistent". To name the entities involved, each
individual's asserted facts are rolled up into a class expression (its types, its data values,
``hasValue`` for links to vocabulary individuals) and the reasoner is asked, in one more run and
without the individuals, which of these "probe" classes are unsatisfiable:

* node probe  - one individual's own facts              -> that individual contradicts the ontology
* edge probe  - an individual and one it links to       -> the two together do
* star probe  - an individual and all its neighbours    -> the group does

The smallest unsatisfiable probes are reported (a pair only if neither member alone fails, a
group only if no member or pair in it fails).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .hermit import copy_expression, intersection, inverse, restriction, run_hermit

PROBE = "urn:relapsekg:probe:"


@dataclass
class Conflict:
    """Entities whose facts cannot hold together under the ontology."""

    entities: list[URIRef]
    facts: list[str] = field(default_factory=list)
    kind: str = "node"


def declared(tbox: Graph, kind: URIRef) -> set[URIRef]:
    return {p for p in tbox.subjects(RDF.type, kind) if isinstance(p, URIRef)}


class _Facts:
    def __init__(self, abox: Graph, object_props: set, data_props: set, labels: dict | None = None):
        self.abox = abox
        self.labels = labels or {}
        self.object_props, self.data_props = object_props, data_props
        self.individuals = {s for s in abox.subjects() if isinstance(s, URIRef)
                            and any(p == RDF.type or p in object_props or p in data_props for p in abox.predicates(s))}
        self.incoming: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        for s, p, o in abox:
            if p in object_props and s in self.individuals and o in self.individuals:
                self.incoming[o].append((p, s))

    def types(self, x):
        return [t for t in self.abox.objects(x, RDF.type) if t != OWL.NamedIndividual]

    def links(self, x):
        """(property, individual of the data) pairs, and (property, vocabulary individual) pairs."""
        data, vocabulary = [], []
        for p, o in self.abox.predicate_objects(x):
            if p in self.object_props and isinstance(o, URIRef):
                (data if o in self.individuals else vocabulary).append((p, o))
        return sorted(data), sorted(vocabulary)

    def values(self, x):
        return sorted((p, o) for p, o in self.abox.predicate_objects(x) if p in self.data_props and isinstance(o, Literal))

    def conjuncts(self, x, target: Graph) -> list[tuple[str, object]]:
        """x's own facts as (description, class expression) pairs."""
        from .names import short

        out = [(f"a {short(t)}" if isinstance(t, URIRef) else "a class expression", copy_expression(self.abox, t, target))
               for t in self.types(x)]
        out += [(f"{short(p)} {self.name(o)}", restriction(target, p, hasValue=o)) for p, o in self.links(x)[1]]
        out += [(f"{short(p)} {v}", restriction(target, p, hasValue=v)) for p, v in self.values(x)]
        return out

    def name(self, term) -> str:
        from .names import short

        label = self.labels.get(term)
        return f"{short(term)} ({label})" if label and not str(term).startswith(str(self._id)) else short(term)

    @property
    def _id(self):
        from ..namespaces import ID

        return ID

    def node(self, x, target: Graph):
        return intersection(target, [c for _, c in self.conjuncts(x, target)])

    def describe(self, x) -> list[str]:
        from .names import short

        facts = [f"a {short(t)}" for t in self.types(x) if isinstance(t, URIRef)]
        facts += [f"{short(p)} {self.name(o)}" for p, o in self.links(x)[1] + self.links(x)[0]]
        facts += [f"{short(p)} {v}" for p, v in self.values(x)]
        return facts


def localize(tbox: Graph, abox: Graph) -> list[Conflict]:
    """The smallest groups of ``abox`` individuals that contradict ``tbox`` (which must be consistent)."""
    object_props = declared(tbox, OWL.ObjectProperty)
    data_props = declared(tbox, OWL.DatatypeProperty)
    labels = {s: str(o) for s, o in tbox.subject_objects(RDFS.label) if isinstance(s, URIRef)}
    facts = _Facts(abox, object_props, data_props, labels)
    probes = Graph()
    node_probe, edge_probe, star_probe = {}, {}, {}
    for i, x in enumerate(sorted(facts.individuals)):
        iri = URIRef(f"{PROBE}node:{i}")
        probes.add((iri, OWL.equivalentClass, facts.node(x, probes)))
        node_probe[iri] = x
        out, _ = facts.links(x)
        for j, (p, y) in enumerate(out):
            e = URIRef(f"{PROBE}edge:{i}:{j}")
            probes.add((e, OWL.equivalentClass, intersection(probes, [facts.node(x, probes),
                                                                        restriction(probes, p, someValuesFrom=facts.node(y, probes))])))
            edge_probe[e] = (x, p, y)
        neighbours = out + [(inverse(probes, p), z) for p, z in facts.incoming.get(x, [])]
        if len(neighbours) >= 2:
            s = URIRef(f"{PROBE}star:{i}")
            parts = [facts.node(x, probes)] + [restriction(probes, p, someValuesFrom=facts.node(y, probes)) for p, y in neighbours]
            probes.add((s, OWL.equivalentClass, intersection(probes, parts)))
            star_probe[s] = (x, [y for _, y in neighbours])
    for probe in list(node_probe) + list(edge_probe) + list(star_probe):
        probes.add((probe, RDF.type, OWL.Class))
    unsat = {URIRef(u) for u in run_hermit(tbox + probes).unsatisfiable}

    conflicts: list[Conflict] = []
    alone = {node_probe[p] for p in unsat if p in node_probe}
    cores = minimal_facts(tbox, facts, sorted(alone))
    for x in sorted(alone):
        conflicts.append(Conflict([x], cores.get(x) or facts.describe(x), "node"))
    pairs = set()
    for p in sorted(unsat):
        if p in edge_probe:
            x, prop, y = edge_probe[p]
            if x not in alone and y not in alone:
                pairs.add((x, y))
                conflicts.append(Conflict([x, y], facts.describe(x) + facts.describe(y), "edge"))
    for p in sorted(unsat):
        if p in star_probe:
            x, group = star_probe[p]
            members = [x] + group
            if any(m in alone for m in members) or any(a in members and b in members for a, b in pairs):
                continue
            conflicts.append(Conflict(members, facts.describe(x), "star"))
    return conflicts


def minimal_facts(tbox: Graph, facts: _Facts, individuals: list) -> dict:
    """For individuals that contradict the ontology on their own, the smallest sets of their facts
    (one fact, or two) that already do: one more reasoner run, with a probe per fact and per pair."""
    from itertools import combinations

    if not individuals:
        return {}
    probes, meaning = Graph(), {}
    for i, x in enumerate(individuals):
        parts = facts.conjuncts(x, Graph())
        for size in (1, 2):
            for j, subset in enumerate(combinations(range(len(parts)), size)):
                iri = URIRef(f"{PROBE}facts:{i}:{size}:{j}")
                fresh = facts.conjuncts(x, probes)
                probes.add((iri, RDF.type, OWL.Class))
                probes.add((iri, OWL.equivalentClass, intersection(probes, [fresh[k][1] for k in subset])))
                meaning[iri] = (x, size, [parts[k][0] for k in subset])
    unsat = {URIRef(u) for u in run_hermit(tbox + probes).unsatisfiable}
    cores: dict = {}
    for iri in sorted(unsat, key=lambda u: meaning[u][1]):
        x, size, described = meaning[iri]
        if x not in cores or cores[x][0] == size:
            cores.setdefault(x, (size, []))[1].append(" + ".join(described))
    return {x: found for x, (_, found) in cores.items()}


__all__ = ["localize", "Conflict", "PROBE", "BNode"]
