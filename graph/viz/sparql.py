"""The SPARQL the graph view runs: nodes, edges, neighbourhoods, details, search.

Every query is plain SPARQL 1.1 over the project's predeclared prefixes, so the same text runs
on the embedded store, through the HTTP worker pool (with its time budget and row cap) and on
an external endpoint. Node sets are passed as ``VALUES`` blocks of IRIs checked by
:func:`iri_term`; search text is written as an escaped string literal by :func:`string_term`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .kinds import CONDITIONS_ON, HIDDEN_RELATIONS, KINDS

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")


def is_iri(text: str) -> bool:
    return bool(_IRI.fullmatch(text or ""))


def iri_term(iri: str) -> str:
    if not is_iri(iri):
        raise ValueError(f"not an absolute IRI: {iri!r}")
    return f"<{iri}>"


def string_term(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def values(var: str, iris: Iterable[str] | None) -> str:
    """``VALUES ?var { <a> <b> }``, or nothing when ``iris`` is None (every node)."""
    if iris is None:
        return ""
    return f"VALUES ?{var} {{ {' '.join(iri_term(i) for i in sorted(set(iris)))} }}"


def _kind_values(var: str = "class", kind_var: str | None = "kind") -> str:
    if kind_var:
        pairs = " ".join(f'(<{k.cls}> "{k.key}")' for k in KINDS)
        return f"VALUES (?{var} ?{kind_var}) {{ {pairs} }}"
    return f"VALUES ?{var} {{ {' '.join(f'<{k.cls}>' for k in KINDS)} }}"


def _page(limit: int | None, offset: int) -> str:
    return f"LIMIT {limit} OFFSET {offset}" if limit else ""


def _result_value(var: str) -> str:
    """What a result's label is made of (see :data:`graph.viz.model.RESULT_FIELDS`): endpoint
    (acronym or label), time point, printed value, unit, qualifier, statistic, printed p-value."""
    return f"""
    OPTIONAL {{ ?{var} rkg:endpoint ?_en . ?_en rdfs:label ?_enl . OPTIONAL {{ ?_en rkg:acronym ?_ena }}
               BIND(COALESCE(?_ena, ?_enl) AS ?endpoint) }}
    OPTIONAL {{ ?{var} rkg:timepointText ?timepoint }}
    OPTIONAL {{ ?{var} rkg:printed ?printed }}
    OPTIONAL {{ ?{var} rkg:unit ?unit }}
    OPTIONAL {{ ?{var} rkg:qualifier ?qualifier }}
    OPTIONAL {{ ?{var} rkg:statisticType/skos:notation ?statistic }}
    OPTIONAL {{ ?{var} rkg:pValue/rkg:printed ?p }}"""


_HIDDEN = ", ".join(f"<{p}>" for p in HIDDEN_RELATIONS)
_PATH = "rkg:anyOf/rkg:allOf/rkg:factor"


def nodes(iris: Iterable[str] | None = None, limit: int | None = None, offset: int = 0) -> str:
    """Every node (or those of ``iris``) with its kind, label, short label and most specific class."""
    return f"""
SELECT ?node ?kind ?label ?short ?sublabel WHERE {{
  {values("node", iris)}
  {_kind_values()}
  ?node a ?class .
  OPTIONAL {{ ?node rdfs:label ?label }}
  OPTIONAL {{ ?node rkg:acronym ?short }}
  OPTIONAL {{ ?node a ?sub . ?sub rdfs:subClassOf ?class ; rdfs:label ?sublabel . FILTER(?sub != ?class) }}
}} ORDER BY ?node ?kind ?label ?short ?sublabel {_page(limit, offset)}"""  # one order: the first sublabel is kept


def extras(iris: Iterable[str] | None = None, limit: int | None = None, offset: int = 0) -> str:
    """What a node's label and tooltip add: a result's endpoint, time point and value; a
    finding's topic and direction; the first quote of any node."""
    return f"""
SELECT ?node ?endpoint ?timepoint ?printed ?unit ?qualifier ?statistic ?p ?direction ?topic ?quote WHERE {{
  {values("node", iris)}
  {{
    ?node a rkg:Result .
    {_result_value("node")}
  }} UNION {{
    ?node a rkg:Finding .
    OPTIONAL {{ ?node rkg:direction/skos:notation ?direction }}
    OPTIONAL {{ ?node rkg:topic/skos:notation ?topic }}
  }} UNION {{
    {{ SELECT ?node (MIN(?q) AS ?quote) WHERE {{ {values("node", iris)} ?node rkg:quote ?q }} GROUP BY ?node }}
  }}
}} ORDER BY ?node {_page(limit, offset)}"""


def edges(
    sources: Iterable[str] | None = None,
    targets: Iterable[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> str:
    """Relations between nodes (from ``sources`` to ``targets`` when given): every property
    except ``dcterms:source`` and ``rdf:type``, and a risk rule's conditions as one relation."""
    vs, vo = values("s", sources), values("o", targets)
    return f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ {vs} {vo} ?s ?p ?o . FILTER(isIRI(?o) && ?p NOT IN ({_HIDDEN})) }}
  UNION {{ {vs} {vo} ?s {_PATH} ?o . BIND({string_term(CONDITIONS_ON)} AS ?p) }}
  ?s a ?sc . ?o a ?oc .
  {_kind_values("sc", None)}
  {_kind_values("oc", None)}
}} ORDER BY ?s ?p ?o {_page(limit, offset)}"""


def incident(iris: Iterable[str]) -> str:
    """Relations with one end in ``iris`` (either direction): one hop of a neighbourhood."""
    vn = values("n", iris)
    return f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ {vn} ?n ?p ?o . BIND(?n AS ?s) FILTER(isIRI(?o) && ?p NOT IN ({_HIDDEN})) }}
  UNION {{ {vn} ?s ?p ?n . BIND(?n AS ?o) FILTER(?p NOT IN ({_HIDDEN})) }}
  UNION {{ {vn} ?n {_PATH} ?o . BIND(?n AS ?s) BIND({string_term(CONDITIONS_ON)} AS ?p) }}
  UNION {{ {vn} ?s {_PATH} ?n . BIND(?n AS ?o) BIND({string_term(CONDITIONS_ON)} AS ?p) }}
  ?s a ?sc . ?o a ?oc .
  {_kind_values("sc", None)}
  {_kind_values("oc", None)}
}} ORDER BY ?s ?p ?o"""


def vocabulary() -> str:
    """Labels and super-properties of the properties the graph uses (from the ontology graph)."""
    return """
SELECT ?p ?label ?super WHERE {
  VALUES ?t { owl:ObjectProperty owl:DatatypeProperty rdf:Property }
  ?p a ?t .
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p rdfs:subPropertyOf ?super }
}"""


def facts(iris: Iterable[str] | None = None, limit: int | None = None, offset: int = 0) -> str:
    """What the side panel lists: each property of a node with a readable value."""
    return f"""
SELECT ?node ?p ?plabel ?o ?olabel WHERE {{
  {values("node", iris)}
  {{ SELECT DISTINCT ?node WHERE {{ {values("node", iris)} {_kind_values("class", None)} ?node a ?class }} }}
  ?node ?p ?o .
  FILTER(?p NOT IN (rkg:quote, rdfs:label, rdf:type, dcterms:source, bibo:authorList))
  OPTIONAL {{ ?p rdfs:label ?pl }}
  OPTIONAL {{ ?o rdfs:label ?ol1 }}
  OPTIONAL {{ ?o skos:prefLabel ?ol2 }}
  OPTIONAL {{ ?o rkg:printed ?lo . OPTIONAL {{ ?o rkg:printedHigh|rkg:highText ?hi }} }}
  BIND(COALESCE(STR(?pl), "") AS ?plabel)
  BIND(COALESCE(STR(?ol1), STR(?ol2), IF(BOUND(?lo), CONCAT(?lo, IF(BOUND(?hi), CONCAT("–", ?hi), "")), "")) AS ?olabel)
}} ORDER BY ?node ?plabel ?o {_page(limit, offset)}"""


def quotes(iris: Iterable[str] | None = None, limit: int | None = None, offset: int = 0) -> str:
    """Verbatim quotes of nodes, with the publication they are quoted from."""
    return f"""
SELECT ?node ?quote ?source WHERE {{
  {values("node", iris)}
  ?node rkg:quote ?quote .
  OPTIONAL {{ ?node dcterms:source/rdfs:label ?source }}
}} ORDER BY ?node ?quote {_page(limit, offset)}"""


def evidence(iris: Iterable[str] | None = None, limit: int | None = None, offset: int = 0) -> str:
    """The findings, results and risk rules that are about a node, each with its quote: a
    finding's subject, a result's cohort, arm, comparator, intervention, endpoint or study, the
    publication a fact is derived from, a regimen that contains a therapy, a rule's factors."""
    return f"""
SELECT ?node ?e ?ekind ?elabel ?rel ?via ?vialabel ?quote ?topic ?topiclabel ?direction
       ?endpoint ?timepoint ?printed ?unit ?qualifier ?statistic ?p ?cohort ?cns WHERE {{
  {values("node", iris)}
  {{ VALUES ?rel {{ rkg:subject rkg:intervention rkg:cohort rkg:comparator rkg:endpoint rkg:aboutStudy prov:wasDerivedFrom }}
     ?e ?rel ?node . }}
  UNION {{ ?e rkg:subject|rkg:intervention ?via . ?via rkg:hasComponent+ ?node . BIND(rkg:hasComponent AS ?rel)
           OPTIONAL {{ ?via rdfs:label ?vialabel }} }}
  UNION {{ ?e {_PATH} ?node . BIND(rkg:factor AS ?rel) }}
  VALUES (?eclass ?ekind) {{ (rkg:Finding "finding") (rkg:Result "result") (rkg:RiskRule "risk-rule") }}
  ?e a ?eclass ; rkg:quote ?quote .
  OPTIONAL {{ ?e rdfs:label ?elabel }}
  OPTIONAL {{ ?e rkg:topic ?t . ?t skos:notation ?topic . OPTIONAL {{ ?t rdfs:label ?topiclabel }} }}
  OPTIONAL {{ ?e rkg:direction/skos:notation ?direction }}
  {_result_value("e")}
  OPTIONAL {{ ?e rkg:cohort/rdfs:label ?cohort }}
  OPTIONAL {{ ?e rkg:cohort/rkg:relapseSite/rkg:involvesSite obo:NCIT_C12438 . BIND(true AS ?cns) }}
}} ORDER BY ?node ?e {_page(limit, offset)}"""


def by_label(labels: Iterable[str]) -> str:
    """Nodes whose label or acronym is exactly one of ``labels`` (answers that name entities)."""
    vals = " ".join(string_term(x) for x in sorted(set(labels)))
    return f"""
SELECT DISTINCT ?node ?value WHERE {{
  VALUES ?value {{ {vals} }}
  {_kind_values("class", None)}
  ?node a ?class ; rdfs:label|rkg:acronym ?l .
  FILTER(STR(?l) = ?value)
}}"""


def exists(iris: Iterable[str]) -> str:
    return f"""
SELECT DISTINCT ?node WHERE {{ {values("node", iris)} {_kind_values("class", None)} ?node a ?class }}"""
