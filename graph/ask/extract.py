"""Facts of the graph, read through SPARQL, as records the ask index holds.

A fact is any entity with a verbatim quote (``rkg:quote``): results, findings, definitions,
rules, studies, cohorts, interventions, publications, citations, and whatever kind the curators
add next, with no code for it. Its kind is the ``KIND`` of its IRI (``…/id/KIND/ID``). The fields
a researcher reads (value, unit, time point, n, p-value, CI, arm, comparator, study, endpoint,
direction, therapy, statement, reference numbers) come from the properties below; every other
property still links the fact to what it points at, which is what the question's words select by.

Only SPARQL is used, so the same records come from the embedded store at build time and from an
external endpoint on first use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..namespaces import BASE, ID

RKG = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
CITO_CITED = "http://purl.org/spar/cito/hasCitedEntity"
BIBO_AUTHOR_LIST = "http://purl.org/ontology/bibo/authorList"
RDF_MEMBER = "http://www.w3.org/1999/02/22-rdf-syntax-ns#_"  # rdf:_1, rdf:_2…: the members of an rdf:Seq
FIRST_MEMBER = RDF_MEMBER + "1"  # of the authorList
SECOND_MEMBER = RDF_MEMBER + "2"

Select = Callable[[str], Any]  # a SPARQL SELECT -> its rows of pyoxigraph terms (QuerySolutions)

_QUOTED = "{ SELECT DISTINCT ?s WHERE { ?s rkg:quote ?quote } }"
TRIPLES = f"SELECT ?s ?p ?o WHERE {{ {_QUOTED} ?s ?p ?o }}"
# Parts of a fact that are nodes of their own (p-value, CI, range, a rule's conditions): blank,
# or named under the fact's own IRI.
NESTED = f"""SELECT ?s ?p ?xp ?xo WHERE {{ {_QUOTED} ?s ?p ?x . ?x ?xp ?xo .
  FILTER(isBlank(?x) || STRSTARTS(STR(?x), CONCAT(STR(?s), "/")) || STRSTARTS(STR(?x), CONCAT(STR(?s), "#"))) }}"""
LABEL_PROPERTIES = (
    RDFS_LABEL,
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SKOS + "hiddenLabel",
    RKG + "nearLabel",
    RKG + "acronym",
    SKOS + "notation",
    DCTERMS + "title",
)
LABELS = (
    "SELECT ?x ?p ?l WHERE { VALUES ?p { "
    + " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    + " } ?x ?p ?l . FILTER(isIRI(?x)) }"
)
# The primary name of a thing, best first.
NAME_PROPERTIES = (RDFS_LABEL, SKOS + "prefLabel", DCTERMS + "title", SKOS + "notation")

# Field of the answer <- property of the fact (a reference to another node gives that node's name).
FIELDS: dict[str, str] = {
    RKG + "unit": "unit",
    RKG + "qualifier": "qualifier",
    RKG + "timepointText": "timepoint",
    RKG + "sampleSize": "n",
    RKG + "cohort": "arm",
    RKG + "comparator": "comparator",
    RKG + "aboutStudy": "study",
    RKG + "inStudy": "study",
    RKG + "endpoint": "endpoint",
    RKG + "direction": "direction",
    RKG + "subject": "therapy",
    RKG + "topic": "topic",
    RKG + "statement": "statement",
    SKOS + "definition": "statement",
    RKG + "effect": "statement",
    RKG + "consequence": "statement",
    RKG + "aim": "statement",  # what a study set out to do
    RKG + "citedFor": "statement",
    RKG + "population": "population",
}
# Not links a question selects by: every fact has them, or they are the annotation machinery.
NOT_LINKS = {DCTERMS + "source", RKG + "quote"}
KIND_NAMES = {"publication": "reference", "risk-rule": "rule", "factor": "prognostic-factor"}
# Kinds that are not facts of their own: a citation record restates the sentence of the facts it
# supports (their quotes are the same), and would stand in their place.
NOT_ANSWERS = {"citation", "text"}


def term_value(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def kind_of(iri: str) -> str:
    path = iri.removeprefix(str(ID)).split("/")
    kind = path[0] if iri.startswith(str(ID)) and len(path) > 1 else "entity"
    return KIND_NAMES.get(kind, kind)


@dataclass
class Graph:
    """What the index is made of: the quoted facts' triples, their nested parts, every name."""

    triples: dict[str, list[tuple[str, str, bool]]] = field(default_factory=lambda: defaultdict(list))
    nested: dict[str, dict[str, dict[str, str]]] = field(default_factory=lambda: defaultdict(dict))
    names: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    parts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # IRIs a part points at


def read_graph(select: Select) -> Graph:
    graph = Graph()
    for s, p, o in select(TRIPLES):
        graph.triples[term_value(s)].append((p.value, term_value(o), isinstance(o, ox.Literal)))
    for s, p, xp, xo in select(NESTED):
        graph.nested[term_value(s)].setdefault(p.value, {})[xp.value] = term_value(xo)
        if isinstance(xo, ox.NamedNode):
            graph.parts[term_value(s)].add(xo.value)
    for x, p, label in select(LABELS):
        graph.names[x.value].append((p.value, label.value))
    return graph


def name_of(graph: Graph, iri: str) -> str:
    names = graph.names.get(iri, ())
    for prop in NAME_PROPERTIES:
        for p, label in names:
            if p == prop:
                return label
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass
class Fact:
    iri: str
    kind: str
    record: dict[str, Any]
    quotes: list[str]
    context: list[str]  # names of what the fact points at (and their synonyms)
    links: dict[
        str, float
    ]  # IRI -> 1.0 pointed at (or the fact itself), FAR one step further, BACK pointing at it


def _reference_numbers(graph: Graph, targets: Iterable[str]) -> list[int]:
    numbers = set()
    for target in targets:
        for p, o, _lit in graph.triples.get(target, ()):
            if p == RKG + "referenceNumber" and o.isdigit():
                numbers.add(int(o))
    return sorted(numbers)


def _all_names(graph: Graph, iri: str) -> list[str]:
    """Its names and synonyms, not its near labels: "EFS" is no name of DFS, and the facts about
    DFS do not hold it."""
    return [label for p, label in graph.names.get(iri, ()) if p != RKG + "nearLabel"]


# A thing pointed at by at most this many facts (citation records aside) is linked back to them (a
# publication to the study reported in it, a cohort to its study's...): a question naming it then
# finds them too. Pointed at by more (an article every result derives from), the link would say
# nothing. The commentary itself is pointed at by its 12 declarations, exactly this many.
REVERSE_MAX = 12
# Link weights: what a fact points at (and the fact itself) 1; one step further FAR; what points at it BACK.
FAR = 0.65
BACK = 0.4


def _reverse(graph: Graph) -> dict[str, list[str]]:
    incoming: dict[str, list[str]] = defaultdict(list)
    for iri, triples in graph.triples.items():
        if kind_of(iri) in NOT_ANSWERS:  # a citation record is no fact of its own to link back to
            continue
        for p, o, literal in triples:
            if not literal and p not in NOT_LINKS and p != RDF_TYPE and o in graph.triples and o != iri:
                incoming[o].append(iri)
    return {o: sorted(set(s)) for o, s in incoming.items() if len(set(s)) <= REVERSE_MAX}


def facts(graph: Graph) -> list[Fact]:
    out = []
    reverse = _reverse(graph)
    asked_for = _asked_for(graph)
    for iri, triples in graph.triples.items():
        if not iri.startswith(str(ID)) or kind_of(iri) in NOT_ANSWERS:
            continue
        record: dict[str, Any] = {}
        quotes: list[str] = []
        links: dict[str, float] = {iri: 1.0}
        context: list[str] = []
        derived: list[str] = []
        for p, o, literal in triples:
            if p == RKG + "quote":
                quotes.append(o)
                continue
            if p in (PROV_DERIVED, CITO_CITED):
                derived.append(o)
            if p not in NOT_LINKS and p not in LABEL_PROPERTIES and p in graph.names:
                # What it has ("number of blocks", "how long"): words a question asks for it with.
                context.extend(_all_names(graph, p))
                if p in asked_for:  # a number, or a rate the text gives in words ("low")
                    links[p] = 1.0
            name = p in FIELDS and (o if literal else name_of(graph, o))
            if name and FIELDS[p] not in record:
                record[FIELDS[p]] = name
            if literal or p in NOT_LINKS or o.startswith("_:"):
                continue
            links[o] = 1.0
            context.extend(_all_names(graph, o))
            for p2, o2, literal2 in graph.triples.get(o, ()):
                if literal2 or p2 in NOT_LINKS or o2.startswith("_:") or o2 in links:
                    continue
                links.setdefault(o2, FAR)
                if p2 != RDF_TYPE:  # the name (one) of what it points at one step further
                    context.append(name_of(graph, o2))
        for part in graph.parts.get(iri, ()):  # what its parts are (a p-value, a CI) is what it has
            links.setdefault(part, 1.0)
        for source in reverse.get(iri, ()):
            links.setdefault(source, BACK)
        for p, node in graph.nested.get(iri, {}).items():
            local = p.rsplit("#", 1)[-1]
            if local == "pValue":
                record["p_value"] = node.get(RKG + "printed")
            elif local in ("confidenceInterval", "range"):
                record["ci_low"] = node.get(RKG + "printed", node.get(RKG + "low"))
                record["ci_high"] = node.get(
                    RKG + "printedHigh", node.get(RKG + "highText", node.get(RKG + "high"))
                )
        printed = next((o for p, o, _l in triples if p == RKG + "printed"), None)
        value = printed or next((o for p, o, _l in triples if p == RKG + "value"), None)
        if value is not None:
            record["value"] = value
        kind = kind_of(iri)
        numbers = _reference_numbers(graph, [iri] if kind == "reference" else derived)
        record = {
            "kind": kind,
            "label": name_of(graph, iri),
            "iri": iri,
            "reference_numbers": numbers,
            **{k: v for k, v in record.items() if v not in (None, "")},
        }
        names = [*_all_names(graph, iri), *_bibliographic_names(graph, iri)]
        out.append(Fact(iri, kind, record, sorted(quotes), names + context, links))
    return out


def _asked_for(graph: Graph) -> set[str]:
    """The properties questions ask for the value of in words of their own (their hidden labels:
    "how long" for a duration); a fact stating one is linked to it, and found by them. Read once,
    not for each triple of each fact."""
    return {
        prop for prop, names in graph.names.items() if any(p == SKOS + "hiddenLabel" for p, _label in names)
    }


ISSUED, CREATOR = DCTERMS + "issued", DCTERMS + "creator"
REFERENCE_NUMBER, LISTED_AS = RKG + "referenceNumber", RKG + "listedAs"
_BIBLIOGRAPHIC = {ISSUED, CREATOR, REFERENCE_NUMBER, LISTED_AS}


def _bibliographic_names(graph: Graph, iri: str) -> list[str]:
    """How researchers name a publication: "Jacoby 2022", "Jacoby et al. 2022", "ref 27", by its
    first author (the head of its ``bibo:authorList``; any author when the list is not given):
    "Topp et al." is the paper Topp wrote first, not one where Topp is second."""
    # Of the properties above, what the thing has, in one pass over its triples: this runs for
    # every fact, and most have none of them.
    said: dict[str, list[str]] = {}
    for p, o, _l in graph.triples.get(iri, ()):
        if p in _BIBLIOGRAPHIC:
            said.setdefault(p, []).append(o)
    if not said:
        return []
    year = said[ISSUED][0][:4] if ISSUED in said else None
    number = said[REFERENCE_NUMBER][0] if REFERENCE_NUMBER in said else None
    names = [f"reference {number}", f"ref {number}"] if number else []
    # A person is named by surname too: "Aldoss" for the author listed as "Aldoss I".
    names += [o.split(" ", 1)[0] for o in said.get(LISTED_AS, ())]
    listed = graph.nested.get(iri, {}).get(BIBO_AUTHOR_LIST, {})
    first = listed.get(FIRST_MEMBER)
    authors = [first] if first else said.get(CREATOR, [])
    if year:
        for author in authors:
            surname = _surname(author)
            names += [surname, f"{surname} {year}", f"{surname} et al {year}"]
        # A paper by two authors is cited by both names: "Murphy and Aldoss (2024)", "Murphy & Aldoss".
        members = sum(p.startswith(RDF_MEMBER) for p in listed)
        if first and members == 2 and SECOND_MEMBER in listed:
            for both in (
                f"{_surname(first)} and {_surname(listed[SECOND_MEMBER])}",
                f"{_surname(first)} {_surname(listed[SECOND_MEMBER])}",
            ):
                names += [both, f"{both} {year}"]
    return names


def _surname(author: str) -> str:
    """ "Murphy" of "Murphy L", as the reference list prints an author."""
    return author.rsplit(" ", 1)[0] if " " in author else author


# How a surface form names its IRI (the lexicon's ``soft`` column): a name of a thing; a hidden
# label of a thing, a word a question may use for it ("steroid" for dexamethasone); the name of a class, a kind
# of thing; a hidden label of a class, a word asking for a kind of fact ("why": a finding); a hidden
# label of a property, a word asking for its value ("how many", "how long": a number); the name of
# a population's age group or disease setting, or of a study design, which qualifies a question
# rather than selecting facts (see QUALIFYING); a near label of a thing, a name of something the
# article does not report whose closest thing it is ("EFS" on DFS).
NAME, HIDDEN, KIND, ASKS, VALUE, QUALIFIES, NEAR = 0, 1, 2, 3, 4, 5, 6
# Properties whose values describe whom a study enrolled and how ("pediatric", "first relapse",
# "randomised"). Nearly every fact of the article is about children in first relapse, but only the
# studies say so, and "the randomised LR cohort" asks about the cohort, not the design: a question
# naming them prefers facts about them, and does not require it.
QUALIFYING = {RKG + "ageGroup", RKG + "diseaseSetting", RKG + "design"}


def lexicon(graph: Graph, linked: set[str]) -> list[tuple[str, str, int]]:
    """(surface form, IRI, how it names it) for everything some fact links to: labels, acronyms,
    synonyms. A hidden label (skos:hiddenLabel) is soft: a word a question may use for the thing,
    not its name, so a fact need not point at it to answer the question. The name of a class (the
    type of something) names a kind: "cohort", "subgroup", "trial". A question saying "in the
    low-risk cohort" asks about the low-risk patients, and a result about them answers it, though
    it is not itself a cohort; so a fact of that kind is preferred, not required."""
    classes = {o for triples in graph.triples.values() for p, o, literal in triples if p == RDF_TYPE}
    properties = {p for triples in graph.triples.values() for p, _o, _literal in triples}
    # What a fact's parts are (a p-value, a confidence interval, a range): a question naming one
    # asks for a fact that has it, as much as for a thing it names.
    parts = {iri for kinds in graph.parts.values() for iri in kinds} & classes
    qualifying = {o for triples in graph.triples.values() for p, o, literal in triples if p in QUALIFYING}
    forms = []
    for iri in linked:
        for p, label in graph.names.get(iri, ()):
            hidden = p == SKOS + "hiddenLabel"
            if iri in properties:  # only the words a question asks for its value with
                if hidden:
                    forms.append((label, iri, VALUE))
                continue
            if p == RKG + "nearLabel":
                how = NEAR
            elif iri in classes and iri not in parts:
                how = ASKS if hidden else KIND
            elif iri in qualifying:
                how = QUALIFIES
            else:
                how = HIDDEN if hidden else NAME
            forms.append((label, iri, how))
        for name in _bibliographic_names(graph, iri):
            forms.append((name, iri, NAME))
    return forms
