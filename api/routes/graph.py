"""The graph view in the browser: ``/graph`` (the whole graph, ``?focus=IRI&depth=N`` or
``?question=NAME``), the JSON the page asks for when a node is clicked, expanded or searched,
and vis-network served from pyvis's own copy, so the page loads nothing from another host.

Every query goes through the worker pool (same time budget and row cap as ``/sparql``); a
view's payload (queries + networkx layout) is cached per graph build, since the graph is
read-only until a rebuild swaps it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from graph.named import NamedQueryError
from graph.store import current_name
from graph.viz import extract, render, views

from ..pages import SECURITY_HEADERS, local_href
from ..querying import select_rows

router = APIRouter(tags=["Graph view"])
RESERVED = {"focus", "depth", "question"}
CACHE_SIZE = 32  # views per server (each a few hundred KiB for the curated graph)

FocusParam = Query(None, description="draw this node's neighbourhood: an IRI, /id/KIND/ID or KIND/ID")
DepthParam = Query(
    extract.DEFAULT_DEPTH, ge=0, le=extract.MAX_DEPTH, description="relations away from the focus"
)
QuestionParam = Query(
    None,
    description="draw a named question's answer subgraph, e.g. cns-efficacy; "
    "other query parameters are the question's parameters",
)


def _build_identity(request: Request) -> str | None:
    """The current build (as the answer cache keys it): a rebuild changes it, so cached views
    never outlive their graph. None with an external endpoint, whose graph may change unseen."""
    settings = request.app.state.settings
    return None if settings.endpoint else current_name(settings.store) or None


def _views(request: Request) -> OrderedDict[tuple, dict[str, Any]]:
    """This app's cache of view payloads (per app: two servers in one process hold other graphs)."""
    state = request.app.state
    if not hasattr(state, "graph_views"):
        state.graph_views = OrderedDict()
    return state.graph_views


async def _run(request: Request, steps):
    try:
        return await extract.run_async(steps, lambda query: select_rows(request, query))
    except extract.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except NamedQueryError:
        raise  # typed: api/errors.py gives its status (404 for an unknown question)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


async def _payload(request: Request, focus: str | None, depth: int, question: str | None) -> dict[str, Any]:
    params = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    build = _build_identity(request)
    cache = _views(request)
    key = (build, focus, depth, question, tuple(sorted(params.items())))
    if build is not None and key in cache:
        cache.move_to_end(key)
        return cache[key]
    try:
        steps = views.steps(focus, depth, question, params)
    except (ValueError, NamedQueryError) as exc:
        raise HTTPException(400, str(exc)) from None
    view = await _run(request, steps)
    data = render.payload(view, questions=views.question_menu())
    data["title"] = views.title(view)
    if build is not None:
        cache[key] = data
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return data


@router.get("/graph", response_class=HTMLResponse, summary="The evidence graph in the browser")
async def graph_page(
    request: Request,
    focus: str | None = FocusParam,
    depth: int = DepthParam,
    question: str | None = QuestionParam,
) -> HTMLResponse:
    data = await _payload(request, focus, depth, question)
    html = render.page(data, data["title"], asset_url=lambda name: f"/graph/assets/{name}")
    return HTMLResponse(html, headers=SECURITY_HEADERS)


@router.get("/graph/data", summary="What /graph draws, as JSON (vis-network nodes, edges and options)")
async def graph_data(
    request: Request,
    focus: str | None = FocusParam,
    depth: int = DepthParam,
    question: str | None = QuestionParam,
) -> JSONResponse:
    return JSONResponse(await _payload(request, focus, depth, question))


def _iri(value: str) -> str:
    try:
        return extract.normalise_focus(value)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


@router.get("/graph/details", summary="A node's facts, verbatim quotes and the evidence about it")
async def graph_details(
    request: Request, iri: str = Query(..., description="the node's IRI")
) -> JSONResponse:
    node = _iri(iri)
    found = await _run(request, extract.node_details([node], {}, local_href))
    if node not in found or not found[node]["kind"]:
        raise HTTPException(404, f"<{node}> is not a node of the graph")
    return JSONResponse(found[node])


@router.get("/graph/neighbours", summary="A node's neighbours and the relations among them, to expand a view")
async def graph_neighbours(
    request: Request, iri: str = Query(..., description="the node's IRI")
) -> JSONResponse:
    sub = await _run(request, extract.neighbours(_iri(iri)))
    data = render.payload(extract.View(sub, mode="focus"), positions={})
    return JSONResponse({"nodes": data["nodes"], "edges": data["edges"]})


@router.get("/graph/search", summary="Nodes whose label contains the text (case-insensitive)")
async def graph_search(
    request: Request, q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=100)
) -> JSONResponse:
    return JSONResponse(await _run(request, extract.search(q, limit)))


@router.get("/graph/assets/{name}", include_in_schema=False)
async def graph_asset(name: str) -> FileResponse:
    files = render.assets()
    if name not in files:
        raise HTTPException(404, f"no asset {name}")
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return FileResponse(
        files[name],
        media_type=media,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
