"""The curated risk rules as OWL 2 defined classes (ontology/generated/risk-rules.ttl).

A risk rule of graph/sources (``risk_rules:`` with ``any_of`` condition sets) is already RDF:
``rkg:RiskRule`` -> ``rkg:anyOf`` condition sets -> ``rkg:allOf`` conditions with ``rkg:factor``,
``rkg:siteIn``, ``rkg:operator``, ``rkg:threshold``, ``rkg:unit``. Each rule becomes a class
``rkg:MeetsRule-<id>``, equivalent to the union over its condition sets of the intersection of
its conditions:

* ``site: [bm]``                 -> the class the site value stands for (its ``rkg:membersClass``:
                                    rkg:SiteBM -> rkg:BoneMarrowRelapse)
* ``time-to-relapse >= 36 months`` -> ``rkg:monthsFromDiagnosis some xsd:decimal[>= 36]``: the property
                                    that ``rkg:measuresFactor`` the factor, in its ``rkg:valueUnit``

and each risk group class (``rkg:LowRisk rkg:membersClass rkg:LowRiskFirstRelapse``) becomes
equivalent to the union of the rules that assign it. Every axiom is annotated with the rule's
quotes (``rkg:sourceQuote``, in the curated order) and ``prov:wasDerivedFrom`` the rule. Nothing
here knows a factor, a site or a threshold: adding a rule is adding YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .. import paths
from ..namespaces import OA, ONTOLOGY_GRAPH, RKG
from .hermit import copy_expression, intersection
from .names import graph_name

SNAPSHOT = paths.ONTOLOGY_DIR / "generated" / "risk-rules.ttl"
RULES_ONTOLOGY = "https://w3id.org/relapsekg/ontology/risk-rules"
PROBE = "urn:relapsekg:probe:"
FACETS = {">=": "minInclusive", ">": "minExclusive", "<=": "maxInclusive", "<": "maxExclusive"}
_PREFIXES = {
    "rkg": str(RKG),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "prov": "http://www.w3.org/ns/prov#",
}


class RuleError(ValueError):
    def __init__(self, rule: Node, message: str):
        super().__init__(message)
        self.rule = rule


@dataclass
class Atom:
    """One conjunct: a named class, or a datatype restriction on a property."""

    cls: Node | None = None
    prop: Node | None = None
    facet: str | None = None
    value: Literal | None = None
    sites: list[Node] = field(default_factory=list)


@dataclass
class Rule:
    iri: Node
    slug: str
    label: str
    group: Node | None
    group_class: Node | None
    graph: Node | None
    quotes: list[str]
    sets: list[list[Atom]]

    @property
    def cls(self) -> URIRef:
        return RKG[f"MeetsRule-{self.slug}"]


def _natural(iri: object) -> list[int | str]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(iri))]


def _quotes(data: Graph, node: Node) -> list[str]:
    """The node's quotes in curated order (its annotation targets are numbered #quote-1, -2, ...)."""
    found = []
    for target in data.objects(URIRef(f"{node}#quote"), OA.hasTarget):
        for selector in data.objects(target, OA.hasSelector):
            exact = data.value(selector, OA.exact)
            if exact is not None:
                found.append((_natural(target), " ".join(str(exact).split())))
    ordered = [q for _, q in sorted(found)]
    return ordered or sorted(" ".join(str(q).split()) for q in data.objects(node, RKG.quote))


def read_rules(dataset: Dataset) -> tuple[list[Rule], list[RuleError]]:
    """The risk rules of the curated graphs, translated to atoms; problems as RuleErrors."""
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    data = Graph()
    graph_of: dict[Node, Node | None] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if graph_name(g) != ONTOLOGY_GRAPH:
            data.add((s, p, o))
            if p == RDF.type and o == RKG.RiskRule:
                graph_of[s] = graph_name(g)
    factor_property = {f: p for p, f in ontology.subject_objects(RKG.measuresFactor)}
    rules, errors = [], []
    for iri in sorted(data.subjects(RDF.type, RKG.RiskRule), key=_natural):
        slug = str(iri).rsplit("/", 1)[-1]
        group = data.value(iri, RKG.assignsRiskGroup)
        group_class = ontology.value(group, RKG.membersClass) if group is not None else None
        if group is not None and group_class is None:
            errors.append(RuleError(iri, f"risk group <{group}> has no rkg:membersClass in the ontology"))
            continue
        sets = []
        try:
            for cset in sorted(data.objects(iri, RKG.anyOf), key=_natural):
                atoms = []
                for cond in sorted(data.objects(cset, RKG.allOf), key=_natural):
                    atoms.extend(_atoms(data, ontology, factor_property, iri, cond))
                sets.append(atoms)
        except RuleError as exc:
            errors.append(exc)
            continue
        label = str(data.value(iri, RDFS.label) or slug)
        rules.append(Rule(iri, slug, label, group, group_class, graph_of.get(iri), _quotes(data, iri), sets))
    return rules, errors


def _atoms(
    data: Graph, ontology: Graph, factor_property: dict[Node, Node], rule: Node, cond: Node
) -> list[Atom]:
    atoms = []
    factor = data.value(cond, RKG.factor)
    sites = sorted(data.objects(cond, RKG.siteIn), key=str)
    if sites:
        classes = []
        for site in sites:
            cls = ontology.value(site, RKG.membersClass)
            if cls is None:
                raise RuleError(
                    rule,
                    f"relapse site <{site}> has no rkg:membersClass in the ontology, so a rule "
                    "naming it cannot be translated to OWL (add one to ontology/reasoning.ttl)",
                )
            classes.append(cls)
        atoms.append(
            Atom(cls=classes[0]) if len(set(classes)) == 1 else Atom(sites=sorted(set(classes), key=str))
        )
    threshold = data.value(cond, RKG.threshold)
    if threshold is not None:
        operator = str(data.value(cond, RKG.operator) or "")
        if operator not in FACETS:
            raise RuleError(
                rule, f"condition <{cond}>: operator {operator!r} is not one of {', '.join(FACETS)}"
            )
        prop = factor_property.get(factor) if factor is not None else None
        if prop is None:
            raise RuleError(
                rule,
                f"prognostic factor <{factor}> has no property with rkg:measuresFactor in the "
                "ontology, so a threshold on it cannot be translated to OWL",
            )
        unit, expected = data.value(cond, RKG.unit), ontology.value(prop, RKG.valueUnit)
        if expected is not None and (unit is None or str(unit) != str(expected)):
            raise RuleError(
                rule,
                f"condition <{cond}>: threshold unit {str(unit) if unit else '(none)'!r} "
                f"is not the unit of {_curie(prop)}, {str(expected)!r}",
            )
        atoms.append(
            Atom(
                prop=prop,
                facet=FACETS[operator],
                value=Literal(Decimal(str(threshold)), datatype=XSD.decimal),
            )
        )
    return atoms


# -- Turtle ------------------------------------------------------------------------------------


def _curie(iri: Node) -> str:
    text = str(iri)
    for prefix, ns in _PREFIXES.items():
        if text.startswith(ns):
            local = text[len(ns) :]
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return f"<{text}>"


def _lit(value: Literal) -> str:
    if value.datatype == XSD.decimal:
        return f'"{value}"^^xsd:decimal'
    return value.n3()


def _atom(atom: Atom, indent: str) -> str:
    if atom.cls is not None:
        return _curie(atom.cls)
    if atom.sites:
        return f"[ a owl:Class ; owl:unionOf ( {' '.join(_curie(c) for c in atom.sites)} ) ]"
    if atom.prop is None or atom.value is None:
        raise ValueError(f"an atom is a class, a union of sites or a restriction with a value: {atom}")
    return (
        f"[ a owl:Restriction ; owl:onProperty {_curie(atom.prop)} ;\n{indent}  owl:someValuesFrom [ a rdfs:Datatype ; "
        f"owl:onDatatype xsd:decimal ; owl:withRestrictions ( [ xsd:{atom.facet} {_lit(atom.value)} ] ) ] ]"
    )


def _conjunction(atoms: list[Atom], indent: str) -> str:
    if len(atoms) == 1:
        return _atom(atoms[0], indent)
    inner = indent + "    "
    body = f"\n{inner}".join(_atom(a, inner) for a in atoms)
    return f"[ a owl:Class ; owl:intersectionOf (\n{inner}{body} ) ]"


def _annotation(source: str, prop: str, target: str, quotes: list[str], derived: list[Node]) -> str:
    lines = [
        f"[] a owl:Axiom ; owl:annotatedSource {source} ; owl:annotatedProperty {prop} ; owl:annotatedTarget {target} ;"
    ]
    lines.append("    rkg:sourceQuote " + " ,\n        ".join(Literal(q).n3() for q in quotes) + " ;")
    lines.append("    prov:wasDerivedFrom " + " , ".join(f"<{d}>" for d in derived) + " .")
    return "\n".join(lines)


def rules_turtle(rules: list[Rule]) -> str:
    """Deterministic Turtle for the rule classes and the risk group definitions."""
    out = [
        "# GENERATED from the risk_rules of graph/sources/ by `relapsekg classify --write-ontology`;",
        "# do not edit: `relapsekg build` regenerates these axioms from the curated rules, and",
        "# tests/test_reasoning.py checks that this file matches them.",
        "#",
        "# Each curated risk rule is an OWL 2 defined class rkg:MeetsRule-<rule id>: the union of its",
        "# condition sets, each the intersection of its conditions (relapse-site classes and datatype",
        "# restrictions on months from diagnosis and end-of-reinduction MRD). Each risk group class is",
        "# defined as the union of the rules that assign it. Axioms carry the rule's verbatim quotes.",
        "",
    ]
    out += [f"@prefix {p}: <{ns}> ." for p, ns in _PREFIXES.items()]
    out += [
        "",
        f"<{RULES_ONTOLOGY}> a owl:Ontology ;",
        '    rdfs:label "relapsekg risk rules (generated)"@en ;',
        "    owl:imports <https://w3id.org/relapsekg/ontology/reasoning> .",
        "",
    ]
    for rule in rules:
        if len(rule.sets) == 1:
            expression = _conjunction(rule.sets[0], "    ")
        else:
            body = "\n    ".join(_conjunction(s, "    ") for s in rule.sets)
            expression = f"[ a owl:Class ; owl:unionOf (\n    {body} ) ]"
        target = f"_:{rule.slug}" if expression.startswith("[") else expression
        out.append(
            f"# --- {rule.slug}: {rule.label}"
            + (f"  =>  {_curie(rule.group)}" if rule.group else "  (no risk group)")
        )
        if rule.graph is not None:
            out.append(f"#     stated in <{rule.graph}>")
        out.append(f"{_curie(rule.cls)} a owl:Class ;")
        out.append(f"    rdfs:label {Literal('meets risk rule: ' + rule.label, lang='en').n3()} ;")
        out.append(f"    rkg:formalizes <{rule.iri}> ;")
        out.append(f"    owl:equivalentClass {target} .")
        if expression.startswith("["):
            out.append(f"{target} {expression[1:-1].strip()} .")
        out.append(_annotation(_curie(rule.cls), "owl:equivalentClass", target, rule.quotes, [rule.iri]))
        out.append("")
    groups: dict[Node, list[Rule]] = {}
    for rule in rules:
        if rule.group_class is not None:
            groups.setdefault(rule.group_class, []).append(rule)
    for group_class in sorted(groups, key=str):
        members = groups[group_class]
        name = _curie(group_class)
        out.append(f"# --- {name}: the union of the rules that assign it")
        if len(members) == 1:
            target = _curie(members[0].cls)
            out.append(f"{name} owl:equivalentClass {target} .")
        else:
            target = f"_:{str(group_class).split('#')[-1]}-rules"
            out.append(f"{name} owl:equivalentClass {target} .")
            out.append(f"{target} a owl:Class ; owl:unionOf ( {' '.join(_curie(r.cls) for r in members)} ) .")
        quotes = list(dict.fromkeys(q for r in members for q in r.quotes))
        out.append(_annotation(name, "owl:equivalentClass", target, quotes, [r.iri for r in members]))
        out.append("")
    return "\n".join(out)


def rules_graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def write_snapshot(text: str, path: Path = SNAPSHOT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- coherence probes --------------------------------------------------------------------------


@dataclass
class OverlapProbe:
    iri: URIRef
    first: Rule
    second: Rule


def overlap_probes(rules: list[Rule], generated: Graph, target: Graph) -> list[OverlapProbe]:
    """For each two rules of different risk groups, a class for patients meeting both.

    The group classes are disjoint, so a patient meeting both would make the graph inconsistent;
    whether any such patient can exist is a question about the rule definitions alone, asked by
    copying both definitions into a probe class. A satisfiable probe means the rules overlap.
    """
    probes = []
    definition: dict[Node, Node] = {}
    for r in rules:
        defined = generated.value(r.cls, OWL.equivalentClass)
        if defined is None:
            raise ValueError(
                f"risk rule {r.slug}: its class {r.cls} has no definition in the generated axioms"
            )
        definition[r.cls] = defined
    for a, b in combinations([r for r in rules if r.group is not None], 2):
        if a.group == b.group:
            continue
        probe = URIRef(f"{PROBE}overlap:{a.slug}:{b.slug}")
        both = intersection(
            target,
            [
                copy_expression(generated, definition[a.cls], target),
                copy_expression(generated, definition[b.cls], target),
            ],
        )
        target.add((probe, RDF.type, OWL.Class))
        target.add(
            (probe, RDFS.subClassOf, both)
        )  # primitive: unsatisfiable iff both definitions cannot meet
        probes.append(OverlapProbe(probe, a, b))
    return probes


__all__ = [
    "read_rules",
    "rules_turtle",
    "rules_graph",
    "write_snapshot",
    "overlap_probes",
    "Rule",
    "RuleError",
    "SNAPSHOT",
    "PROBE",
]
