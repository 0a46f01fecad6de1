"""The risk group of a patient in first relapse, by the reasoner, with the rule that fired.

A patient is an individual of ``rkg:PatientInFirstRelapse`` with a relapse site, months from
diagnosis to relapse and end-of-reinduction MRD (each optional). A value may also be a range
(``months=>=36``): the individual then stands for a homogeneous group of patients, typed with a
datatype restriction instead of a value, and the reasoner places the whole group.

HermiT gets the ontology (with the generated risk-rule classes) and the patients, nothing else.
A patient belongs to a risk group when the group's defined class is entailed; the rules that
fired are the ``rkg:MeetsRule-*`` classes entailed, with their quotes from the rule axioms. No
entailed group is ``unknown``: the source states no rule for that description (a late BM relapse
without its MRD, say).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ..namespaces import ID, ONTOLOGY_GRAPH, RKG
from .hermit import InconsistentOntology, rdf_list, restriction, run_hermit
from .localize import localize
from .names import short, slug
from .pipeline import TypeClosure

FACETS = {">=": "minInclusive", ">": "minExclusive", "<=": "maxInclusive", "<": "maxExclusive"}
_VALUE = re.compile(
    r"^\s*(?P<op><=|>=|<|>|=)?\s*(?P<num>[0-9]*\.?[0-9]+)\s*(?P<unit>%|months?|mo|m)?\s*$", re.I
)
# Spellings of relapse sites a clinician types, beyond the ontology's own keys (skos:notation).
SITE_ALIASES = {
    "bm": "isolated-bm",
    "ibm": "isolated-bm",
    "isolated bm": "isolated-bm",
    "marrow": "isolated-bm",
    "bm+em": "bm-em",
    "combined": "bm-em",
    "bm + em": "bm-em",
    "bm±em": "bm-pm-em",
    "bm+-em": "bm-pm-em",
    "bm-pm-em": "bm-pm-em",
    "bmpmem": "bm-pm-em",
    "iem": "iem",
    "isolated em": "iem",
    "icns": "icns",
    "isolated cns": "icns",
    "itesticular": "itesticular",
    "testicular": "itesticular",
}
KEYS = {
    "id": "id",
    "name": "id",
    "site": "site",
    "months": "months",
    "time": "months",
    "months_from_diagnosis": "months",
    "mrd": "mrd",
    "cns": "cns",
}
GROUP_KEYS: dict[Node, str] = {RKG.LowRisk: "low", RKG.IntermediateRisk: "intermediate", RKG.HighRisk: "high"}


class PatientError(ValueError):
    """A patient description that cannot be read or that contradicts the ontology."""


@dataclass(frozen=True)
class Value:
    """A number, or a bound on it (``op`` one of =, <, <=, >, >=)."""

    op: str
    number: Decimal

    def __str__(self) -> str:
        return f"{'' if self.op == '=' else self.op}{self.number}"


@dataclass
class Patient:
    id: str
    site: URIRef | None = None
    site_key: str | None = None
    months: Value | None = None
    mrd: Value | None = None
    cns: URIRef | None = None
    cns_key: str | None = None

    @property
    def iri(self) -> URIRef:
        return ID[f"patient/{re.sub(r'[^A-Za-z0-9._-]+', '-', self.id).strip('-') or 'patient'}"]

    def description(self) -> dict:
        return {
            "site": self.site_key,
            "months": str(self.months) if self.months else None,
            "mrd": str(self.mrd) if self.mrd else None,
            "cns": self.cns_key,
        }


@dataclass
class FiredRule:
    id: str
    label: str
    risk_group: str | None
    quotes: list[str]
    conditions: int

    def to_json(self) -> dict:
        return {
            "rule": self.id,
            "label": self.label,
            "risk_group": self.risk_group,
            "quote": " […] ".join(self.quotes),
        }


@dataclass
class Classification:
    patient: Patient
    risk_group: str
    rule: FiredRule | None
    fired: list[FiredRule] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    note: str | None = None
    error: str | None = None

    def to_json(self) -> dict:
        out = {
            "patient": self.patient.id,
            **self.patient.description(),
            "risk_group": self.risk_group,
            "rule": self.rule.id if self.rule else None,
            "rule_label": self.rule.label if self.rule else None,
            "quote": " […] ".join(self.rule.quotes) if self.rule else None,
            "rules_fired": [r.to_json() for r in self.fired],
            "inferred_classes": self.classes,
        }
        if self.note:
            out["note"] = self.note
        if self.error:
            out["error"] = self.error
        return out


# -- reading descriptions ------------------------------------------------------------------------


class Vocabulary:
    """Site and CNS-status keys of the ontology, and the risk-rule classes with their quotes."""

    def __init__(self, tbox: Graph):
        self.tbox = tbox
        self.sites = {str(n).lower(): s for s, n in self._scheme(RKG.RelapseSites)}
        self.cns = {str(n).lower(): s for s, n in self._scheme(RKG.CNSStatuses)}
        self.groups = {
            c: GROUP_KEYS.get(g, slug(g))
            for g, c in tbox.subject_objects(RKG.membersClass)
            if (g, RDF.type, RKG.RiskGroup) in tbox
        }
        self.rules: dict[Node, FiredRule] = {}
        for cls, rule in tbox.subject_objects(RKG.formalizes):
            label = str(tbox.value(cls, RDFS.label) or slug(rule)).removeprefix("meets risk rule: ")
            self.rules[cls] = FiredRule(slug(rule), label, None, self._quotes(cls), self._conditions(cls))
        for group_class, key in self.groups.items():
            for member in self._union_members(tbox.value(group_class, OWL.equivalentClass)):
                if member in self.rules:
                    self.rules[member].risk_group = key

    def _scheme(self, scheme: URIRef):
        return [
            (s, n)
            for s in self.tbox.subjects(SKOS.inScheme, scheme)
            for n in self.tbox.objects(s, SKOS.notation)
        ]

    def _quotes(self, cls: Node) -> list[str]:
        for axiom in self.tbox.subjects(OWL.annotatedSource, cls):
            if self.tbox.value(axiom, OWL.annotatedProperty) == OWL.equivalentClass:
                quotes = [str(q) for q in self.tbox.objects(axiom, RKG.sourceQuote)]
                return sorted(quotes, key=_text_position)
        return []

    def _conditions(self, cls: Node) -> int:
        """Size of the rule's largest condition set: more conditions, more specific."""
        expr = self.tbox.value(cls, OWL.equivalentClass)
        sets = self._union_members(expr) if self.tbox.value(expr, OWL.unionOf) is not None else [expr]
        return max((len(self._list(self.tbox.value(s, OWL.intersectionOf))) or 1 for s in sets), default=1)

    def _union_members(self, expr) -> list:
        if expr is None:
            return []
        members = self._list(self.tbox.value(expr, OWL.unionOf))
        return members or [expr]

    def _list(self, head) -> list:
        items = []
        while head is not None and head != RDF.nil:
            items.append(self.tbox.value(head, RDF.first))
            head = self.tbox.value(head, RDF.rest)
        return items

    def site(self, text: str) -> tuple[str, URIRef]:
        key = " ".join(text.strip().lower().replace("_", "-").split())
        key = SITE_ALIASES.get(key, key)
        if key not in self.sites:
            known = sorted(set(self.sites) | {"BM", "BM+EM", "IEM", "ICNS"})
            raise PatientError(f"unknown relapse site {text!r}; use one of: {', '.join(known)}")
        return key, self.sites[key]

    def cns_status(self, text: str) -> tuple[str, URIRef]:
        key = text.strip().lower()
        if key not in self.cns:
            raise PatientError(
                f"unknown CNS status {text!r}; use one of: {', '.join(s.upper() for s in sorted(self.cns))}"
            )
        return key.upper(), self.cns[key]


def _text_position(quote: str) -> int:
    """Where a quote starts in the article, to list a rule's quotes in reading order."""
    text = _article_text()
    if text is None:
        return 0
    spans = text.find(quote)
    return spans[0].start if spans else 0


@lru_cache(maxsize=1)
def _article_text():
    """The commented article's text (the risk rules quote it)."""
    from .. import paths
    from ..quotes import SourceText

    files = sorted(paths.texts_dir().glob("murphy-aldoss-*.txt"))
    return SourceText(files[0]) if files else None


def parse_value(name: str, text: str) -> Value:
    m = _VALUE.match(text)
    if not m:
        raise PatientError(
            f"{name}={text!r}: expected a number, optionally with <, <=, > or >= before it "
            f"(e.g. {name}=40 or {name}=>=36)"
        )
    try:
        number = Decimal(m["num"])
    except InvalidOperation:  # pragma: no cover - the pattern admits only numerals
        raise PatientError(f"{name}={text!r} is not a number") from None
    return Value(m["op"] or "=", number)


def parse_patient(items: list[str], vocabulary: Vocabulary, default_id: str = "patient") -> Patient:
    """``["site=BM", "months=40", "mrd=0.05"]`` (or one string with spaces/commas) -> Patient."""
    tokens = [t for item in items for t in re.split(r"[\s,;]+", item.strip()) if t]
    patient = Patient(default_id)
    seen = set()
    for token in tokens:
        if "=" not in token:
            raise PatientError(
                f"patient field {token!r} must read key=value (keys: site, months, mrd, cns, id)"
            )
        key, value = token.split("=", 1)
        name = KEYS.get(key.strip().lower())
        if name is None:
            raise PatientError(f"unknown patient field {key!r}; known: site, months, mrd, cns, id")
        if name in seen:
            raise PatientError(f"patient field {name!r} given twice")
        seen.add(name)
        _set(patient, name, value, vocabulary)
    return patient


def _set(patient: Patient, name: str, value: str, vocabulary: Vocabulary) -> None:
    value = value.strip()
    if name == "id":
        patient.id = value or patient.id
    elif not value:
        return
    elif name == "site":
        patient.site_key, patient.site = vocabulary.site(value)
    elif name == "cns":
        patient.cns_key, patient.cns = vocabulary.cns_status(value)
    else:
        setattr(patient, name, parse_value(name, value))


def read_csv(path: Path, vocabulary: Vocabulary) -> list[Patient]:
    """Patients from a CSV with a header naming some of: id, site, months, mrd, cns."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise PatientError(
                f"{path}: empty CSV; expected a header with some of: id, site, months, mrd, cns"
            )
        unknown = [f for f in reader.fieldnames if (f or "").strip().lower() not in KEYS]
        if unknown:
            raise PatientError(
                f"{path}: unknown column(s) {', '.join(unknown)}; known: id, site, months, mrd, cns"
            )
        patients = []
        for row_number, row in enumerate(reader, start=2):
            patient = Patient(f"row-{row_number - 1}")
            try:
                for column, value in row.items():
                    _set(patient, KEYS[column.strip().lower()], value or "", vocabulary)
            except PatientError as exc:
                raise PatientError(f"{path}:{row_number}: {exc}") from None
            patients.append(patient)
    ids = [p.id for p in patients]
    if len(set(ids)) != len(ids):
        raise PatientError(f"{path}: patient ids must be unique")
    return patients


# -- reasoning -----------------------------------------------------------------------------------


def patient_graph(patients: list[Patient]) -> Graph:
    g = Graph()
    for p in patients:
        x = p.iri
        g.add((x, RDF.type, OWL.NamedIndividual))
        g.add((x, RDF.type, RKG.PatientInFirstRelapse))
        if p.site is not None:
            g.add((x, RKG.relapseSite, p.site))
        if p.cns is not None:
            g.add((x, RKG.cnsStatus, p.cns))
        for prop, value in ((RKG.monthsFromDiagnosis, p.months), (RKG.endOfReinductionMRD, p.mrd)):
            if value is None:
                continue
            literal = Literal(value.number, datatype=XSD.decimal)
            if value.op == "=":
                g.add((x, prop, literal))
            else:
                facet = BNode()
                g.add((facet, XSD[FACETS[value.op]], literal))
                datatype = BNode()
                g.add((datatype, RDF.type, RDFS.Datatype))
                g.add((datatype, OWL.onDatatype, XSD.decimal))
                g.add((datatype, OWL.withRestrictions, rdf_list(g, [facet])))
                g.add((x, RDF.type, restriction(g, prop, someValuesFrom=datatype)))
    return g


def classify(patients: list[Patient], tbox: Graph) -> list[Classification]:
    """One HermiT run for all patients; an inconsistent description is reported, the rest classified."""
    vocabulary = Vocabulary(tbox)
    if not patients:
        return []
    if len({p.iri for p in patients}) != len(patients):
        raise PatientError(
            "two patients have the same id (ids are compared after replacing spaces and symbols by '-')"
        )
    abox = patient_graph(patients)
    try:
        answer = run_hermit(tbox + abox)
    except InconsistentOntology:
        bad: dict[URIRef, str] = {}
        for conflict in localize(tbox, abox):
            for entity in conflict.entities:
                bad.setdefault(entity, " or ".join(dict.fromkeys(conflict.facts)))
        if not bad:
            raise PatientError("the patient descriptions contradict the ontology together") from None
        good = [p for p in patients if p.iri not in bad]
        results = {r.patient.iri: r for r in classify(good, tbox)} if good else {}
        out = []
        for p in patients:
            if p.iri in bad:
                out.append(Classification(p, "unknown", None, error=_contradiction(p, bad[p.iri])))
            else:
                out.append(results[p.iri])
        return out
    closure = TypeClosure(tbox + abox, answer)
    types = closure.types(tbox + abox, answer)
    return [_result(p, types.get(p.iri, set()), vocabulary) for p in patients]


def _contradiction(p: Patient, facts: str) -> str:
    return f"the description of patient {p.id!r} contradicts the ontology: {facts} cannot hold"


def _result(p: Patient, types: set[URIRef], vocabulary: Vocabulary) -> Classification:
    groups = sorted(vocabulary.groups[c] for c in types if c in vocabulary.groups)
    fired = sorted(
        (vocabulary.rules[c] for c in types if c in vocabulary.rules),
        key=lambda r: (r.risk_group is None, -r.conditions, r.id),
    )
    classes = sorted(short(c) for c in types if str(c).startswith(str(RKG)))
    if not groups:
        return Classification(p, "unknown", None, fired, classes, note=_unknown_note(p, types))
    group = groups[0]
    rule = next(r for r in fired if r.risk_group == group)
    return Classification(p, group, rule, fired, classes)


def _unknown_note(p: Patient, types: set[URIRef]) -> str:
    missing = [
        name
        for name, value in (
            ("relapse site", p.site),
            ("months from diagnosis", p.months),
            ("end-of-reinduction MRD", p.mrd),
        )
        if value is None
    ]
    if missing:
        return f"the source states no risk rule for this description without the {' and '.join(missing)}"
    return "the source states no risk rule that covers this description"


def tbox_from_dataset(dataset) -> Graph:
    g = Graph()
    for s, p, o in dataset.graph(ONTOLOGY_GRAPH):
        g.add((s, p, o))
    return g


def load_tbox(store_root: Path | None = None, sources_dir: Path | None = None) -> tuple[Graph, str]:
    """The ontology with the risk-rule classes: from the built store, else from the curated sources.

    Returns the graph and where it came from. The store is used when it holds a graph built with
    reasoning (its ontology graph then has the rule classes) and no sources folder is named.
    """
    from ..store import StoreMissing
    from .summary import ontology_graph

    if store_root is not None and sources_dir is None:
        try:
            g = ontology_graph(store_root)
            if (None, RKG.formalizes, None) in g:
                return g, f"the graph built in {store_root}"
        except (StoreMissing, OSError):
            pass
    from ..pipeline import validate
    from .rules import read_rules, rules_graph, rules_turtle

    validation = validate(sources_dir, reason=False)
    if not validation.ok:
        raise PatientError(
            "the curated sources have problems, run `relapsekg validate`:\n"
            + "\n".join(str(p) for p in validation.problems[:10])
        )
    if validation.dataset is None:
        raise PatientError(
            "the curated sources are too large to keep as one graph; build them with reasoning "
            "(`relapsekg build --reasoning`) and classify against the store"
        )
    rules, errors = read_rules(validation.dataset)
    if errors:
        raise PatientError("; ".join(str(e) for e in errors))
    return tbox_from_dataset(validation.dataset) + rules_graph(rules_turtle(rules)), "the curated sources"


__all__ = [
    "Patient",
    "Value",
    "PatientError",
    "Classification",
    "Vocabulary",
    "parse_patient",
    "read_csv",
    "classify",
    "load_tbox",
    "patient_graph",
]
