"""``/queries``: the named research questions, their documentation, and running them.

An unknown name, an unknown parameter or a value of the wrong type raise the typed errors of
:mod:`graph.named`, which :mod:`api.errors` maps to 404 and 400."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response

from graph.named import NamedQueries, NamedQuery

from ..cache import MEMO_CHARS, Memo
from ..negotiation import wants_html
from ..pages import render_page
from ..querying import run_sparql
from ..routing import PlainRoute
from . import query_page

router = APIRouter(tags=["Named queries"], route_class=PlainRoute)
Asked = tuple[NamedQuery, tuple[tuple[str, str], ...]]  # a version of a query file, and the values asked


def _sparql(asked: Asked) -> str:
    query, values = asked
    return query.sparql(dict(values))


# A named query's text for the values asked, made once per version of its file and values: filling
# in the parameters takes 0.1 ms for `studies` and 0.28 ms for `evidence-table?study=aall1331`
# (each parameter's type is worked out and the body searched for it), a third of a cached answer.
_TEXTS: Memo[Asked, str] = Memo(
    MEMO_CHARS, _sparql, size=lambda asked: len(asked[0].body) + sum(map(len, sum(asked[1], ())))
)


@router.get("/queries", summary="The named research questions with their documentation and parameters")
async def list_queries(request: Request) -> Response:
    queries = [q.to_json() for q in NamedQueries().all().values()]
    for q in queries:
        q["href"] = f"/queries/{q['name']}"
    if wants_html(request.headers.get("accept")):
        return render_page(request, "queries.html", title="Research questions", queries=queries)
    return JSONResponse(queries)


@router.get(
    "/queries/{name}",
    summary="Run a named query; its parameters as ?param=value (see /queries), results by Accept",
)
async def run_named(
    request: Request, name: str = Path(description="the query's name, e.g. cns-efficacy (see /queries)")
) -> Response:
    if query_page.wanted(request):  # a browser: the question's page (form, table, CSV, graph)
        return await query_page.page(request, name)
    sparql = _TEXTS((NamedQueries().get(name), tuple(request.query_params.items())))
    return await run_sparql(request, sparql, request.headers.get("accept"))
