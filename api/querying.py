"""Run a SPARQL query for an HTTP request: refuse, negotiate, execute within budget, answer.

Shared by ``/sparql``, ``/queries/{name}`` and every page or API that reads the graph, so each
gets the same budgets and the same 4xx messages. Answers carry an ``ETag`` (a hash of the bytes
and their media type) and ``Cache-Control``; a GET whose ``If-None-Match`` names the current
answer gets ``304 Not Modified``. Answers of the current build are kept in a bounded cache
(:mod:`api.cache`), so asking again skips the query worker altogether; a named query at its
defaults is answered from the body its build kept (:mod:`graph.kept_answers`) even the first time.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from hashlib import blake2b
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.kept_answers import lookup
from graph.results import GRAPH_FORMATS, RESULT_FORMATS, SERVED_GRAPH_FORMATS
from graph.sparqltext import volatile
from graph.store import BUILDS, current_name

from .cache import CachedAnswer
from .guard import Refused, check
from .negotiation import choose
from .workers import QueryRequest, QueryTimeout, ServiceBusy, ServiceStarting

RESULT_MEDIA = {media: name for name, (_f, media) in RESULT_FORMATS.items()}
GRAPH_MEDIA = {GRAPH_FORMATS[name][1]: name for name in SERVED_GRAPH_FORMATS}
# Aliases clients send for the same formats.
RESULT_MEDIA.update({"application/json": "json", "application/xml": "xml", "text/xml": "xml"})
GRAPH_MEDIA.update({"application/x-turtle": "turtle", "text/plain": "ntriples", "application/json": "jsonld"})
RESULT_OFFERS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
    "text/xml",
]
GRAPH_OFFERS = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/trig",
    "application/x-turtle",
    "text/plain",
    "application/json",
]
# A kept body up to this size is also copied into the answer cache: for a small answer, the index
# lookup and the file read are about 30 µs of a 0.4 ms request. A larger one is read from its file
# every time: sending it costs far more than the read, and the cache's room is better spent on
# evaluated answers.
KEPT_IN_CACHE = 64 * 1024


def error_response(exc: StarletteHTTPException) -> PlainTextResponse:
    """How every 4xx/5xx of the service reads: the status, the reason, a newline."""
    return PlainTextResponse(
        f"{exc.status_code} {exc.detail}\n",
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def negotiate(form: str, accept: str | None) -> tuple[str, str]:
    """(format name, media type) for a query form and an Accept header; 406 if nothing fits."""
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    offers, table = (GRAPH_OFFERS, GRAPH_MEDIA) if graph_form else (RESULT_OFFERS, RESULT_MEDIA)
    media = choose(accept, offers)
    if media is None:
        raise HTTPException(
            406,
            f"none of the accepted types ({accept}) can carry a {form or 'query'} answer; "
            f"offered: {', '.join(offers)}",
        )
    return table[media], media


# The read-only guard and the volatility test scan the whole query text; the same texts come back
# again and again (named queries, pages), so their verdicts are remembered (refusals are not).
_check = lru_cache(maxsize=256)(check)
_volatile = lru_cache(maxsize=256)(volatile)


def _guard(request: Request, sparql: str) -> str:
    """The query form, or the 4xx that says why the query is refused."""
    try:
        return _check(sparql, request.app.state.settings.max_query_length)
    except Refused as exc:
        raise HTTPException(413 if "characters long" in str(exc) else 400, str(exc)) from None


def _cache_control(max_age: int) -> str:
    return f"public, max-age={max_age}" if max_age > 0 else "no-cache"


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against the answer's ETag."""
    if not if_none_match:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


async def answer_query(
    request: Request,
    sparql: str,
    fmt: str,
    media: str | None,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
) -> CachedAnswer:
    """The serialized answer: from the cache of the current build, from the body the build kept
    for this request, or from a query worker, in that order."""
    state = request.app.state
    settings = state.settings
    cache = state.cache
    build = "" if settings.endpoint else current_name(settings.store)
    key = None
    if build and cache.enabled and not _volatile(sparql):
        key = (build, fmt, media, settings.max_rows, sparql, default_graphs, named_graphs)
        hit = cache.get(key)
        if hit is not None:
            return hit
    if build and settings.kept_answers and not default_graphs and not named_graphs:
        kept = await _kept_answer(
            os.path.join(settings.store, BUILDS, build), sparql, fmt, media, settings.max_rows
        )
        if kept is not None:
            if key is not None and len(kept.body) <= KEPT_IN_CACHE:
                cache.put(key, replace(kept, source="cache"))
            return kept
    try:
        outcome = await state.pool.run(
            QueryRequest(sparql, fmt, settings.max_rows, default_graphs, named_graphs)
        )
    except QueryTimeout as exc:
        raise HTTPException(422, str(exc)) from None
    except ServiceStarting as exc:
        raise HTTPException(503, f"{exc}; try again shortly", headers={"Retry-After": "5"}) from None
    except ServiceBusy as exc:
        raise HTTPException(429, f"{exc}; try again shortly", headers={"Retry-After": "5"}) from None
    if outcome.status == "bad":
        raise HTTPException(400, f"malformed or unsupported query: {outcome.message}")
    if outcome.status == "error":
        raise HTTPException(503, outcome.message)
    answer = _answer(outcome.body, media or outcome.media_type, outcome.capped, outcome.digest)
    if key is not None and outcome.build:
        # Filed under the build the worker actually read, which a rebuild may have changed meanwhile.
        cache.put((outcome.build, *key[1:]), replace(answer, source="cache"))
    return answer


def _answer(
    body: bytes, media_type: str, capped: bool, digest: str, source: str = "evaluated"
) -> CachedAnswer:
    """An answer with its full media type and its ETag (a hash of the media type and the body's digest)."""
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    etag = '"' + blake2b(f"{media_type} {digest}".encode(), digest_size=16).hexdigest() + '"'
    return CachedAnswer(body, media_type, capped, etag, source)


async def _kept_answer(
    build: str, sparql: str, fmt: str, media: str | None, max_rows: int
) -> CachedAnswer | None:
    """The body ``build`` kept for this exact query, format and row cap, if it kept one (a build
    pruned meanwhile, or a file gone or damaged, is a miss: the query is evaluated)."""
    kept = lookup(build, sparql, fmt, max_rows)
    if kept is None:
        return None
    body = await asyncio.to_thread(kept.read) if kept.size > 1 << 20 else kept.read()
    return None if body is None else _answer(body, media or kept.media_type, kept.capped, kept.digest, "kept")


async def run_sparql(
    request: Request,
    sparql: str,
    accept: str | None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    fmt: str | None = None,
) -> Response:
    settings = request.app.state.settings
    form = _guard(request, sparql)
    negotiated = fmt is None
    if negotiated:
        fmt, media = negotiate(form, accept)
    else:
        media = None
    answer = await answer_query(request, sparql, fmt, media, tuple(default_graphs), tuple(named_graphs))
    headers = {
        "Vary": "Accept",
        "ETag": answer.etag,
        "Cache-Control": _cache_control(settings.cache_max_age),
        "X-Relapsekg-Answer": answer.source,
    }
    if answer.capped:
        headers["X-Relapsekg-Capped"] = str(settings.max_rows)
        headers["Warning"] = f'199 relapsekg "result capped at {settings.max_rows} rows"'
    if (
        negotiated
        and request.method == "GET"
        and _not_modified(request.headers.get("if-none-match"), answer.etag)
    ):
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def select_rows(request: Request, sparql: str) -> list[dict[str, Any]]:
    """A SELECT answer as plain dicts of strings (for pages and the JSON API)."""
    _guard(request, sparql)
    answer = await answer_query(request, sparql, "json", None)
    data = json.loads(answer.body)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]
