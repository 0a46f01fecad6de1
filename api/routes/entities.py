"""Dereferenceable IRIs: ``/id/{kind}/{slug}`` answers for ``https://w3id.org/relapsekg/id/{kind}/{slug}``.

A browser gets a page with the entity's facts, its verbatim quotes and links to its neighbours;
an RDF client gets Turtle, JSON-LD, N-Triples or RDF/XML by ``Accept``.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from graph.namespaces import ID
from graph.viz.extract import ENTITY_PATHS

from ..negotiation import wants_html
from ..pages import render_page
from ..querying import run_sparql, select_rows

router = APIRouter(tags=["Entities"])
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
KINDS = (
    "study",
    "cohort",
    "intervention",
    "endpoint",
    "result",
    "finding",
    "definition",
    "risk-rule",
    "factor",
    "phase",
    "analysis",
    "adverse-event",
    "person",
    "organisation",
    "declaration",
    "publication",
    "citation",
    "journal",
    "text",
)

_DESCRIBE = """
CONSTRUCT {{ <{iri}> ?p ?o . ?x ?xp ?xo . ?in ?ip <{iri}> . }}
WHERE {{
  {{ <{iri}> ?p ?o }}
  UNION {{ <{iri}> rkg:attributeEstimate|rkg:pValue|rkg:confidenceInterval|rkg:range|rkg:anyOf|rkg:anyOf/rkg:allOf|bibo:authorList ?x . ?x ?xp ?xo }}
  UNION {{ ?x oa:hasBody <{iri}> . ?x ?xp ?xo }}
  UNION {{ ?a oa:hasBody <{iri}> ; oa:hasTarget ?x . ?x ?xp ?xo }}
  UNION {{ ?a oa:hasBody <{iri}> ; oa:hasTarget/oa:hasSelector ?x . ?x ?xp ?xo }}
  UNION {{ ?in ?ip <{iri}> FILTER(?ip != oa:hasBody) }}
}}"""

_FACTS = """
SELECT ?p ?plabel ?o ?olabel WHERE {{
  <{iri}> ?p ?o .
  FILTER(?p NOT IN (rkg:quote))
  OPTIONAL {{ ?p rdfs:label ?pl }} BIND(COALESCE(STR(?pl), REPLACE(STR(?p), "^.*[/#]", "")) AS ?plabel)
  OPTIONAL {{ ?o rdfs:label|skos:prefLabel|dcterms:title ?ol }}
  OPTIONAL {{ ?o rkg:printed ?printed }}
  BIND(COALESCE(STR(?ol), ?printed) AS ?olabel)
}} ORDER BY ?plabel"""

_QUOTES = """
SELECT ?exact ?start ?end WHERE {{
  ?a oa:hasBody <{iri}> ; oa:hasTarget ?t .
  ?t oa:hasSelector ?q, ?pos . ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
}} ORDER BY ?start"""

_INCOMING = """
SELECT DISTINCT ?s ?slabel ?plabel WHERE {{
  ?s ?p <{iri}> . FILTER(?p != oa:hasBody)
  OPTIONAL {{ ?s rdfs:label ?sl }} BIND(COALESCE(STR(?sl), STR(?s)) AS ?slabel)
  OPTIONAL {{ ?p rdfs:label ?pl }} BIND(COALESCE(STR(?pl), REPLACE(STR(?p), "^.*[/#]", "")) AS ?plabel)
}} ORDER BY ?plabel ?slabel LIMIT 500"""


@router.get(
    "/id/{kind}/{slug}",
    summary="An entity: HTML for browsers, Turtle / JSON-LD / N-Triples / RDF/XML by Accept",
)
async def entity(kind: str, slug: str, request: Request) -> Response:
    if kind not in KINDS or not _SLUG.match(slug):
        raise HTTPException(404, f"no entity /id/{kind}/{slug}")
    iri = f"{ID}{kind}/{slug}"
    if not await select_rows(request, f"SELECT ?p WHERE {{ <{iri}> ?p ?o }} LIMIT 1"):
        raise HTTPException(404, f"no entity <{iri}> in the graph")
    accept = request.headers.get("accept")
    if wants_html(accept):
        facts = await select_rows(request, _FACTS.format(iri=iri))
        quotes = await select_rows(request, _QUOTES.format(iri=iri))
        incoming = await select_rows(request, _INCOMING.format(iri=iri))
        label = next(
            (f["olabel"] for f in facts if f["p"].endswith("#label") and f.get("olabel")), None
        ) or next((f["o"] for f in facts if f["p"].endswith("#label")), slug)
        return render_page(
            request,
            "entity.html",
            title=label,
            iri=iri,
            kind=kind,
            facts=facts,
            quotes=quotes,
            incoming=incoming,
            in_graph_view=kind in ENTITY_PATHS,
        )
    return await run_sparql(request, _DESCRIBE.format(iri=iri), accept)
