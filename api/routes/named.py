"""``/queries``: the named research questions, their documentation, and running them."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from graph.named import NamedQueries, NamedQueryError

from ..negotiation import wants_html
from ..pages import render_page
from ..querying import run_sparql
from . import query_page

router = APIRouter(tags=["Named queries"])


@router.get("/queries", summary="The named research questions with their documentation and parameters")
async def list_queries(request: Request) -> Response:
    queries = [q.to_json() for q in NamedQueries().all().values()]
    for q in queries:
        q["href"] = f"/queries/{q['name']}"
    if wants_html(request.headers.get("accept")):
        return render_page(request, "queries.html", title="Research questions", queries=queries)
    return JSONResponse(queries)


@router.get("/queries/{name}", summary="Run a named query; parameters as ?param=value, results by Accept")
async def run_named(name: str, request: Request) -> Response:
    if query_page.wanted(request):  # a browser: the question's page (form, table, CSV, graph)
        return await query_page.page(request, name)
    try:
        query = NamedQueries().get(name)
        sparql = query.sparql(dict(request.query_params))
    except NamedQueryError as exc:
        raise HTTPException(404 if "no named query" in str(exc) else 400, str(exc)) from None
    return await run_sparql(request, sparql, request.headers.get("accept"))
