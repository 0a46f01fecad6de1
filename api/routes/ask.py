"""``/api/ask`` (JSON) and ``/ask`` (a page): a question in plain words, answered with facts of the graph.

The question is untrusted text: it is capped in length, never put into SPARQL (it is matched
against an index; the SPARQL of an answer is made of the graph's own IRIs, and a named query's
parameters are entity ids the question linked to), and escaped in the page by Jinja2.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from graph.ask import MAX_QUESTION, MAX_TOP, AskerSource, BadQuestion
from graph.store import StoreMissing

from ..pages import render_page
from ..querying import select_rows
from ..settings import Settings

router = APIRouter(tags=["Ask"])


def ask_source(settings: Settings) -> AskerSource:
    """The asker of the graph the server answers from: its store's current build, or its endpoint."""
    return AskerSource(None if settings.endpoint else settings.store, settings.endpoint)


def _source(request: Request) -> AskerSource:
    """The server's asker, made as it starts (``api.app``), or on the first question where the
    application runs without its start-up (a test client outside a ``with`` block)."""
    state = request.app.state
    if getattr(state, "ask_source", None) is None:
        state.ask_source = ask_source(state.settings)
    source: AskerSource = state.ask_source
    return source


async def answer(request: Request, question: str, top: int) -> dict[str, Any]:
    """The answer as the interface describes it; 400 for a bad question, 503 without a graph."""
    source = _source(request)
    try:  # off the event loop: opening an index, and a question at 1M triples, take milliseconds
        asked = await asyncio.to_thread(lambda: source.get().ask(question, top))
    except BadQuestion as exc:
        raise HTTPException(400, str(exc)) from None
    except StoreMissing as exc:
        raise HTTPException(503, str(exc)) from None
    sparql = asked.named_sparql
    return asked.with_rows(await select_rows(request, sparql) if sparql else None)


@router.get(
    "/api/ask", summary="A question in plain words, answered with facts of the graph and their quotes"
)
async def api_ask(
    request: Request,
    q: str = Query(..., max_length=MAX_QUESTION, description="the question, in plain words"),
    top: int = Query(5, ge=1, le=MAX_TOP, description="how many facts to give"),
) -> JSONResponse:
    return JSONResponse(await answer(request, q, top))


@router.get("/ask", response_class=HTMLResponse, include_in_schema=False)
async def ask_page(request: Request, q: str | None = None, top: str = "5") -> HTMLResponse:
    error, response = None, None
    try:
        count = int(top)
    except ValueError:
        count, error = 5, f"top must be a whole number between 1 and {MAX_TOP}, got {top!r}"
    if q is not None and error is None:
        try:
            response = await answer(request, q, count)
        except HTTPException as exc:
            if exc.status_code != 400:
                raise
            error = str(exc.detail)
    return render_page(
        request,
        "ask.html",
        status_code=400 if error else 200,
        title="Ask the graph",
        question=q or "",
        top=count,
        max_question=MAX_QUESTION,
        response=response,
        error=error,
    )
