"""Run a SPARQL query for an HTTP request: refuse, negotiate, execute within budget, answer.

Shared by ``/sparql``, ``/queries/{name}`` and every page or API that reads the graph, so each
gets the same budgets and the same 4xx messages.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

from fastapi import HTTPException, Request
from fastapi.responses import Response

from graph.results import GRAPH_FORMATS, RESULT_FORMATS

from .guard import Refused, check
from .negotiation import choose
from .workers import QueryRequest, QueryTimeout, ServiceBusy

RESULT_MEDIA = {media: name for name, (_f, media) in RESULT_FORMATS.items()}
GRAPH_MEDIA = {media: name for name, (_f, media) in GRAPH_FORMATS.items() if name != "nquads"}
# Aliases clients send for the same formats.
RESULT_MEDIA.update({"application/json": "json", "application/xml": "xml", "text/xml": "xml"})
GRAPH_MEDIA.update({"application/x-turtle": "turtle", "text/plain": "ntriples", "application/json": "jsonld"})
RESULT_OFFERS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                 "text/tab-separated-values", "application/json", "application/xml", "text/xml"]
GRAPH_OFFERS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                "application/trig", "application/x-turtle", "text/plain", "application/json"]


def negotiate(form: str, accept: str | None) -> tuple[str, str]:
    """(format name, media type) for a query form and an Accept header; 406 if nothing fits."""
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    offers, table = (GRAPH_OFFERS, GRAPH_MEDIA) if graph_form else (RESULT_OFFERS, RESULT_MEDIA)
    media = choose(accept, offers)
    if media is None:
        raise HTTPException(406, f"none of the accepted types ({accept}) can carry a {form or 'query'} answer; "
                                 f"offered: {', '.join(offers)}")
    return table[media], media


async def run_sparql(request: Request, sparql: str, accept: str | None,
                     default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
                     fmt: str | None = None) -> Response:
    settings = request.app.state.settings
    try:
        form = check(sparql, settings.max_query_length)
    except Refused as exc:
        status = 413 if "characters long" in str(exc) else 400
        raise HTTPException(status, str(exc)) from None
    if fmt is None:
        fmt, media = negotiate(form, accept)
    else:
        media = None
    try:
        outcome = await request.app.state.pool.run(
            QueryRequest(sparql, fmt, settings.max_rows, tuple(default_graphs), tuple(named_graphs)))
    except QueryTimeout as exc:
        raise HTTPException(422, str(exc)) from None
    except ServiceBusy as exc:
        raise HTTPException(429, f"{exc}; try again shortly", headers={"Retry-After": "5"}) from None
    if outcome.status == "bad":
        raise HTTPException(400, f"malformed or unsupported query: {outcome.message}")
    if outcome.status == "error":
        raise HTTPException(503, outcome.message)
    headers = {"Vary": "Accept"}
    if outcome.capped:
        headers["X-Relapsekg-Capped"] = str(settings.max_rows)
        headers["Warning"] = f'199 relapsekg "result capped at {settings.max_rows} rows"'
    media_type = media or outcome.media_type
    if media_type in ("text/csv", "text/tab-separated-values") or media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    return Response(outcome.body, media_type=media_type, headers=headers)


async def select_rows(request: Request, sparql: str) -> list[dict[str, Any]]:
    """A SELECT answer as plain dicts of strings (for pages and the JSON API)."""
    response = await run_sparql(request, sparql, None, fmt="json")
    data = json.loads(response.body)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]
