"""The graph view in the browser: ``/graph`` (the whole graph, ``?focus=IRI&depth=N`` or
``?question=NAME``), the JSON the page asks for when a node is clicked, expanded or searched,
and vis-network served from pyvis's own copy, so the page loads nothing from another host.

Every query goes through the worker pool (same time budget and row cap as ``/sparql``). A view
(its queries and its networkx layout) is kept in the answer cache (:mod:`api.cache`), as the bytes
of its JSON and of its page, under the current build, since the graph is read-only until a
rebuild swaps it: the one bounded cache of answers, and off with it (``RELAPSEKG_CACHE=0``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from graph.named import NamedQueryError
from graph.store import current_name
from graph.viz import extract, render, views

from ..cache import CachedAnswer
from ..pages import SECURITY_HEADERS, local_href
from ..querying import select_rows

router = APIRouter(tags=["Graph view"])
RESERVED = {"focus", "depth", "question"}

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
    """A view: its nodes, edges and layout, and its title."""
    params = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    try:
        steps = views.steps(focus, depth, question, params)
    except (ValueError, NamedQueryError) as exc:
        raise HTTPException(400, str(exc)) from None
    view = await _run(request, steps)
    data = render.payload(view, questions=views.question_menu())
    data["title"] = views.title(view)
    return data


async def _kept_view(
    request: Request,
    as_bytes: Callable[[dict[str, Any]], bytes],
    media_type: str,
    focus: str | None,
    depth: int,
    question: str | None,
) -> bytes:
    """A view written by ``as_bytes`` (its JSON, its page), from the answer cache of the current build
    or computed and kept there."""
    build = _build_identity(request)
    cache = request.app.state.cache
    params = tuple(sorted((k, v) for k, v in request.query_params.items() if k not in RESERVED))
    key = (build, "graph view", media_type, focus, depth, question, params)
    hit = cache.get(key) if build is not None else None
    if hit is not None:
        return hit.body
    body = as_bytes(await _payload(request, focus, depth, question))
    if build is not None:
        cache.put(key, CachedAnswer(body, media_type, False, etag="", source="cache", build=build))
    return body


def _page(data: dict[str, Any]) -> bytes:
    return render.page(data, data["title"], asset_url=lambda name: f"/graph/assets/{name}").encode()


def _json(data: dict[str, Any]) -> bytes:
    return bytes(JSONResponse(data).body)  # as JSONResponse writes it


@router.get("/graph", response_class=HTMLResponse, summary="The evidence graph in the browser")
async def graph_page(
    request: Request,
    focus: str | None = FocusParam,
    depth: int = DepthParam,
    question: str | None = QuestionParam,
) -> HTMLResponse:
    html = await _kept_view(request, _page, "text/html", focus, depth, question)
    return HTMLResponse(html, headers=SECURITY_HEADERS)


@router.get("/graph/data", summary="What /graph draws, as JSON (vis-network nodes, edges and options)")
async def graph_data(
    request: Request,
    focus: str | None = FocusParam,
    depth: int = DepthParam,
    question: str | None = QuestionParam,
) -> Response:
    body = await _kept_view(request, _json, "application/json", focus, depth, question)
    return Response(body, media_type="application/json")


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
