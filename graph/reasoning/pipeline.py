"""The reasoning step of validate and build: consistency, rule coherence, inferred facts.

``reason(dataset)`` takes the converted graph (curated source graphs + ontology graph) and

1. generates the OWL definitions of the curated risk rules (rules.py) - they join the ontology
   graph of the store;
2. derives the one thing OWL cannot: each arm's difference from its comparator
   (comparisons.rq) - stored in its own graph, DERIVED_GRAPH;
3. runs HermiT over ontology + rules + curated facts + derived facts, with one closed-world
   assertion per exact p-value (it has no qualifier) and one probe class per pair of rules of
   different risk groups;
4. turns what HermiT found into problems (inconsistency with the entities involved, rules that
   overlap or can never apply, unsatisfiable classes) or into the inferred graph, INFERRED_GRAPH:
   every entailed type of every individual that is not asserted, and every entailed subsumption
   or equivalence between named classes that is not asserted.

SPARQL tells the three apart by graph: ``GRAPH <.../graph/source/...>`` is what the text says,
``GRAPH <.../graph/derived>`` what was computed, ``GRAPH <.../graph/inferred>`` what was entailed.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD

from ..corpus import Problem
from ..namespaces import GRAPH, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, RKG
from ..origins import NOWHERE, Origins, origin_of
from .hermit import (
    InconsistentOntology,
    ReasonerUnavailable,
    hermit_version,
    java_executable,
    restriction,
    run_hermit,
)
from .localize import PROBE, localize
from .names import graph_name, short, slug
from .rdfs import rdflib_term, rdfs_entailments
from .rules import overlap_probes, read_rules, rules_graph, rules_turtle

DERIVED_GRAPH = GRAPH["derived"]
COMPARISONS = Path(__file__).with_name("comparisons.rq")
REASONING_ACTIVITY = ID["activity/owl-reasoning"]
DERIVATION_ACTIVITY = ID["activity/derive-comparisons"]
REASONER_AGENT = ID["software/hermit"]
_SKIP_TYPES = {OWL.Thing, OWL.NamedIndividual}


@dataclass
class Reasoning:
    """What the reasoning step found and produced."""

    reasoner: str = ""
    consistent: bool | None = None
    problems: list[Problem] = field(default_factory=list)
    rules_text: str = ""
    rules: Graph = field(default_factory=Graph)
    derived: Graph = field(default_factory=Graph)
    inferred: Graph = field(default_factory=Graph)
    skipped: str | None = None
    seconds: float = 0.0
    hermit_seconds: float = 0.0
    input_triples: int = 0

    @property
    def ran(self) -> bool:
        return self.skipped is None and self.consistent is not None

    def graphs(self) -> list[tuple[URIRef, Graph]]:
        """Where what reasoning produced goes in the store: the rule axioms join the ontology graph,
        derived and inferred facts have graphs of their own."""
        return [(ONTOLOGY_GRAPH, self.rules), (DERIVED_GRAPH, self.derived), (INFERRED_GRAPH, self.inferred)]

    def manifest(self) -> dict:
        if self.skipped:
            return {"skipped": self.skipped}
        return {
            "reasoner": self.reasoner,
            "consistent": self.consistent,
            "seconds": round(self.seconds, 3),
            "hermit_seconds": round(self.hermit_seconds, 3),
            "input_triples": self.input_triples,
            "inferred_triples": len(self.inferred),
            "derived_triples": len(self.derived),
            "rule_triples": len(self.rules),
        }


def reason(dataset: Dataset, origins: Origins | None = None) -> Reasoning:
    """Generate the rule axioms, derive comparisons, run HermiT; see the module docstring."""
    started = time.perf_counter()
    origins = origins or {}
    if not java_executable():
        message = (
            "OWL reasoning skipped: no `java` found (install the Debian package default-jre-headless); "
            "the graph is built without its inferred graph"
        )
        sys.stderr.write(f"warning: {message}\n")
        return Reasoning(skipped=message)
    result = Reasoning(reasoner=hermit_version())
    rules, errors = read_rules(dataset)
    if errors:
        result.problems = [
            _problem(e.rule, f"risk rule cannot be translated to OWL: {e}", origins) for e in errors
        ]
        return result
    result.rules_text = rules_turtle(rules)
    result.rules = rules_graph(result.rules_text)
    ontology, data = split(dataset)
    result.derived = derive_comparisons(data)
    tbox = ontology + result.rules
    abox = logical(data, tbox) + result.derived + closure_assertions(data)
    probes = Graph()
    overlaps = overlap_probes(rules, result.rules, probes)
    reasoner_input = tbox + abox
    result.input_triples = len(reasoner_input)
    try:
        # Run 1, the ontology alone: is every class satisfiable, do rules of different groups overlap?
        # (A question about class definitions; asked without the individuals it is answered fast.)
        coherence = run_hermit(tbox + probes)
        # Run 2, ontology and graph: consistency, classification, realisation.
        answer = run_hermit(reasoner_input)
    except InconsistentOntology:
        result.consistent = False
        result.problems = inconsistency_problems(tbox, abox, origins)
        result.seconds = time.perf_counter() - started
        return result
    except ReasonerUnavailable as exc:
        result.problems = [Problem("(reasoner)", None, str(exc))]
        return result
    result.consistent = True
    result.hermit_seconds = coherence.seconds + answer.seconds
    unsat = {URIRef(u) for u in coherence.unsatisfiable | answer.unsatisfiable}
    for probe in overlaps:
        if probe.iri not in unsat:
            result.problems.append(
                _problem(
                    probe.first.iri,
                    f"risk rules {probe.first.slug} ({slug(probe.first.group)}) and {probe.second.slug} "
                    f"({slug(probe.second.group)}) overlap: a patient can meet both, but a patient is in one risk group only",
                    origins,
                )
            )
    formalizes = {r.cls: r for r in rules}
    for cls in sorted(unsat):
        if str(cls).startswith(PROBE):
            continue
        if cls in formalizes:
            result.problems.append(
                _problem(
                    formalizes[cls].iri,
                    f"risk rule {formalizes[cls].slug} can never apply: "
                    "its conditions contradict each other or the ontology",
                    origins,
                )
            )
        else:
            result.problems.append(
                Problem(
                    "ontology/",
                    None,
                    f"OWL: class {short(cls)} is unsatisfiable (no individual "
                    "can belong to it); the ontology contradicts itself",
                )
            )
    if not result.problems:
        result.inferred = materialize(answer, tbox, abox, result.reasoner, sorted(_source_graphs(dataset)))
        result.inferred += rdfs_entailments(tbox, data, result.inferred)  # rdfs.py
    result.seconds = time.perf_counter() - started
    return result


def split(dataset: Dataset) -> tuple[Graph, Graph]:
    """(ontology graph, union of the curated source graphs)."""
    ontology, data = Graph(), Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        (ontology if graph_name(g) == ONTOLOGY_GRAPH else data).add((s, p, o))
    return ontology, data


def _source_graphs(dataset: Dataset) -> set[URIRef]:
    names = {graph_name(g) for *_, g in dataset.quads((None, None, None, None))}
    return {
        name
        for name in names
        if isinstance(name, URIRef) and name not in (ONTOLOGY_GRAPH, INFERRED_GRAPH, DERIVED_GRAPH)
    }


def logical(data: Graph, tbox: Graph) -> Graph:
    """The triples of ``data`` that mean something in OWL: class assertions and assertions of the
    object and datatype properties the ontology declares. The rest (labels, Web Annotation
    selectors, bibliographic fields) are annotation assertions under the OWL 2 RDF mapping, with no
    logical consequence, so the reasoner is spared them."""
    properties = set(tbox.subjects(RDF.type, OWL.ObjectProperty)) | set(
        tbox.subjects(RDF.type, OWL.DatatypeProperty)
    )
    known = {t for triple in tbox for t in triple if isinstance(t, URIRef)}
    linked = {t for s, p, o in data if p in properties for t in (s, o)}
    out = Graph()
    for s, p, o in data:
        if p in properties:
            out.add((s, p, o))
        elif p == RDF.type and (s in linked or o in known):
            # An individual no declared property links and whose classes no axiom mentions (a Web
            # Annotation selector, say) can neither gain a type nor change anyone else's.
            out.add((s, p, o))
    return out


def derive_comparisons(data: Graph) -> Graph:
    """Run comparisons.rq over the curated facts (in an in-memory Oxigraph store)."""
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    derived = Graph()
    constructed = store.query(COMPARISONS.read_text(encoding="utf-8"))
    if not isinstance(constructed, ox.QueryTriples):
        raise TypeError(f"{COMPARISONS.name} must be a CONSTRUCT query")
    for triple in constructed:
        derived.add((rdflib_term(triple.subject), rdflib_term(triple.predicate), rdflib_term(triple.object)))
    return derived


def closure_assertions(data: Graph) -> Graph:
    """A p-value printed without a qualifier is exact: say so, since OWL cannot read an absent triple."""
    closure = Graph()
    for p_value in data.subjects(RDF.type, RKG.PValue):
        if data.value(p_value, RKG.qualifier) is None:
            closure.add(
                (
                    p_value,
                    RDF.type,
                    restriction(
                        closure, RKG.qualifier, maxCardinality=Literal(0, datatype=XSD.nonNegativeInteger)
                    ),
                )
            )
    return closure


class TypeClosure:
    """Named superclasses of named classes: asserted subsumptions and equivalences plus HermiT's."""

    def __init__(self, asserted: Graph, answer) -> None:
        self.parents: dict[URIRef, set[URIRef]] = defaultdict(set)
        for c, d in asserted.subject_objects(RDFS.subClassOf):
            if isinstance(c, URIRef) and isinstance(d, URIRef):
                self.parents[c].add(d)
        for c, d in answer.subclasses:
            self.parents[URIRef(c)].add(URIRef(d))
        for a, b in _equivalent_pairs(asserted, answer):
            self.parents[a].add(b)
            self.parents[b].add(a)

    def ancestors(self, start: set[URIRef]) -> set[URIRef]:
        seen, queue = set(start), deque(start)
        while queue:
            for d in self.parents.get(queue.popleft(), ()):
                if d not in seen:
                    seen.add(d)
                    queue.append(d)
        return seen

    def types(self, asserted: Graph, answer) -> dict[URIRef, set[URIRef]]:
        """Every named type of every individual (asserted or inferred), closed under subsumption."""
        direct: dict[URIRef, set[URIRef]] = defaultdict(set)
        for x, c in asserted.subject_objects(RDF.type):
            if isinstance(x, URIRef) and isinstance(c, URIRef):
                direct[x].add(c)
        for x, c in answer.types:
            direct[URIRef(x)].add(URIRef(c))
        return {x: self.ancestors(cs) - _SKIP_TYPES for x, cs in direct.items()}


def _equivalent_pairs(asserted: Graph, answer) -> list[tuple[URIRef, URIRef]]:
    """Pairs of named classes that are equivalent, asserted or found by HermiT."""
    pairs = [
        (c, d)
        for c, d in asserted.subject_objects(OWL.equivalentClass)
        if isinstance(c, URIRef) and isinstance(d, URIRef)
    ]
    return pairs + [(URIRef(a), URIRef(b)) for a, b in (sorted(pair) for pair in answer.equivalents)]


def _equivalents(asserted: Graph, answer) -> Callable[[URIRef], list[URIRef]]:
    """The named classes equivalent to a class (itself included, sorted), asserted or inferred."""
    group: dict[URIRef, set[URIRef]] = {}
    for a, b in _equivalent_pairs(asserted, answer):
        merged = group.get(a, {a}) | group.get(b, {b})
        for member in merged:
            group[member] = merged
    return lambda c: sorted(group.get(c, {c}))


def materialize(answer, tbox: Graph, abox: Graph, reasoner: str, sources: list[URIRef]) -> Graph:
    """Every entailed named type and class subsumption that is not asserted, plus provenance."""
    asserted = tbox + abox
    closure = TypeClosure(asserted, answer)
    inferred = Graph()
    for x, types in sorted(closure.types(asserted, answer).items()):
        told = set(asserted.objects(x, RDF.type))
        for c in sorted(types - told):
            if not str(c).startswith(PROBE):
                inferred.add((x, RDF.type, c))
    same = _equivalents(asserted, answer)
    # HermiT names one class of a set of equivalent classes in each subsumption it reports, and
    # which one varies from run to run: every member is named, so a build's output does not.
    subsumptions = {
        (c, d) for sub, sup in answer.subclasses for c in same(URIRef(sub)) for d in same(URIRef(sup))
    }
    for c, d in sorted(subsumptions):
        if (
            c != d
            and d not in _SKIP_TYPES
            and (c, RDFS.subClassOf, d) not in asserted
            and not str(c).startswith(PROBE)
            and not str(d).startswith(PROBE)
        ):
            inferred.add((c, RDFS.subClassOf, d))
    for pair in sorted(answer.equivalents, key=sorted):
        a, b = (URIRef(x) for x in sorted(pair))
        if (
            not str(a).startswith(PROBE)
            and not str(b).startswith(PROBE)
            and (a, OWL.equivalentClass, b) not in asserted
            and (b, OWL.equivalentClass, a) not in asserted
        ):
            inferred.add((a, OWL.equivalentClass, b))
    _provenance(inferred, reasoner, sources)
    return inferred


def _provenance(inferred: Graph, reasoner: str, sources: list[URIRef]) -> None:
    inferred.add((INFERRED_GRAPH, RDF.type, PROV.Entity))
    inferred.add(
        (INFERRED_GRAPH, RDFS.label, Literal("facts entailed by the OWL 2 DL reasoner and not asserted"))
    )
    inferred.add((INFERRED_GRAPH, PROV.wasGeneratedBy, REASONING_ACTIVITY))
    for used in [ONTOLOGY_GRAPH, DERIVED_GRAPH, *sources]:
        inferred.add((REASONING_ACTIVITY, PROV.used, used))
    inferred.add((REASONING_ACTIVITY, RDF.type, PROV.Activity))
    inferred.add(
        (
            REASONING_ACTIVITY,
            RDFS.label,
            Literal("OWL 2 DL reasoning: consistency, classification, realisation"),
        )
    )
    inferred.add((REASONING_ACTIVITY, PROV.wasAssociatedWith, REASONER_AGENT))
    inferred.add((REASONER_AGENT, RDF.type, PROV.SoftwareAgent))
    inferred.add((REASONER_AGENT, RDFS.label, Literal(reasoner)))
    inferred.add((DERIVED_GRAPH, RDF.type, PROV.Entity))
    inferred.add(
        (
            DERIVED_GRAPH,
            RDFS.label,
            Literal(
                "facts computed from curated values: each arm's comparator "
                "result and the difference between their values"
            ),
        )
    )
    inferred.add((DERIVED_GRAPH, PROV.wasGeneratedBy, DERIVATION_ACTIVITY))
    inferred.add((DERIVATION_ACTIVITY, RDF.type, PROV.Activity))
    inferred.add(
        (DERIVATION_ACTIVITY, RDFS.label, Literal("SPARQL CONSTRUCT graph/reasoning/comparisons.rq"))
    )


def inconsistency_problems(tbox: Graph, abox: Graph, origins: Origins) -> list[Problem]:
    """Name the entities that make the graph inconsistent (one more HermiT run, see localize.py)."""
    try:
        conflicts = localize(tbox, abox)
        where = "the curated graph"
    except InconsistentOntology:
        schema, individuals = _schema_and_individuals(tbox)
        try:
            conflicts = localize(schema, individuals)
        except InconsistentOntology:
            return [
                Problem(
                    "ontology/",
                    None,
                    "OWL: the ontology is inconsistent on its own (its class axioms have no model)",
                )
            ]
        where = "the ontology's own individuals"
    if not conflicts:
        return [
            Problem(
                "(graph)",
                None,
                f"OWL: {where} is inconsistent with the ontology, but no single entity, pair or "
                "neighbourhood of entities explains it",
            )
        ]
    problems = []
    for conflict in conflicts:
        names = ", ".join(f"<{e}>" for e in conflict.entities)
        what = {
            "node": "contradicts the ontology",
            "edge": "contradict the ontology together",
            "star": "contradict the ontology together",
        }[conflict.kind]
        facts = (
            " or ".join(dict.fromkeys(conflict.facts))
            if conflict.kind != "star"
            else "; ".join(dict.fromkeys(conflict.facts))
        )
        problems.append(
            _problem(conflict.entities[0], f"OWL inconsistency: {names} {what}: {facts}", origins)
        )
    return problems


def _schema_and_individuals(tbox: Graph) -> tuple[Graph, Graph]:
    """Split the ontology into class/property axioms and assertions about its own individuals."""
    classes = set(tbox.subjects(RDF.type, OWL.Class)) | set(tbox.subjects(RDF.type, OWL.Restriction))
    vocabulary = {
        RDFS.Class,
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.FunctionalProperty,
        OWL.TransitiveProperty,
        OWL.Ontology,
        OWL.Axiom,
        OWL.Restriction,
        OWL.AllDisjointClasses,
        RDFS.Datatype,
        OWL.AllDifferent,
    }
    individuals = {
        s
        for s, c in tbox.subject_objects(RDF.type)
        if isinstance(s, URIRef) and c not in vocabulary and s not in classes
    }
    schema, facts = Graph(), Graph()
    for s, p, o in tbox:
        (facts if s in individuals and p not in (RDFS.label, RDFS.comment) else schema).add((s, p, o))
    return schema, facts


def _problem(node: object, message: str, origins: Origins) -> Problem:
    """A problem named by the file and line that wrote ``node``; an ontology term's is the ontology."""
    origin = origin_of(node, origins)
    file = origin.file if origin is not NOWHERE or not str(node).startswith(str(RKG)) else "ontology/"
    return Problem(file, origin.line, message)


__all__ = [
    "reason",
    "Reasoning",
    "DERIVED_GRAPH",
    "derive_comparisons",
    "closure_assertions",
    "split",
    "logical",
    "TypeClosure",
]
