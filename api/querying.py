"""Run a SPARQL query for an HTTP request: refuse, negotiate, execute within budget, answer.

Shared by ``/sparql``, ``/queries/{name}`` and every page or API that reads the graph, so each
gets the same budgets, the same worker pool and the same errors (typed in :mod:`api.errors`).
Answers carry an ``ETag`` (a hash of the bytes and their media type) and ``Cache-Control``; a GET
whose ``If-None-Match`` names the current answer gets ``304 Not Modified``. Answers of the current
build are kept in a bounded cache (:mod:`api.cache`), so asking again skips the query worker
altogether; a named query at its defaults is answered from the body its build kept
(:mod:`graph.kept_answers`) even the first time. Exports run in the same workers
(:func:`export_answer`).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from hashlib import blake2b
from typing import Any

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

from graph.kept_answers import lookup, text_key
from graph.results import GRAPH_FORMATS, RESULT_FORMATS, SERVED_GRAPH_FORMATS
from graph.sparqltext import volatile
from graph.store import BUILDS, current_name

from .cache import MEMO_CHARS, CachedAnswer, Memo
from .errors import EngineFailed, MalformedQuery, NotAcceptable, status_of
from .guard import check
from .negotiation import choose
from .workers import ExportRequest, QueryOutcome, QueryRequest

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


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    """How every 4xx/5xx of the service reads: the status, the reason, a newline."""
    return PlainTextResponse(f"{status} {message}\n", status_code=status, headers=headers)


def request_error_response(exc: Exception) -> PlainTextResponse:
    """A typed problem (:mod:`api.errors`) as its response, with ``Retry-After`` where it helps."""
    retry = getattr(exc, "retry_after", None)
    return error_response(status_of(exc), str(exc), {"Retry-After": str(retry)} if retry else None)


@dataclass(frozen=True)
class QueryText:
    """What the service needs to know about a query text before running it, computed once per text."""

    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE ("" if none was found: the engine will say why)
    volatile: bool  # its answer changes from one run to the next (NOW(), RAND()...): never cached
    key: str  # what its kept answer is filed under


def _text_facts(max_length: int) -> Memo[str, QueryText]:
    return Memo(
        MEMO_CHARS, lambda sparql: QueryText(check(sparql, max_length), volatile(sparql), text_key(sparql))
    )


def query_text(request: Request, sparql: str) -> QueryText:
    """The query's form and what else the service needs about it, or the typed refusal
    (:class:`api.errors.Refused`, :class:`api.errors.QueryTooLong`)."""
    state = request.app.state
    if not hasattr(state, "query_texts"):
        state.query_texts = _text_facts(state.settings.max_query_length)
    return state.query_texts(sparql)


_NEGOTIATED: dict[bool, Memo[str, str | None]] = {
    False: Memo(MEMO_CHARS, lambda accept: choose(accept, RESULT_OFFERS)),
    True: Memo(MEMO_CHARS, lambda accept: choose(accept, GRAPH_OFFERS)),
}


def negotiate(form: str, accept: str | None) -> tuple[str, str]:
    """(format name, media type) for a query form and an Accept header; :class:`NotAcceptable` if nothing fits."""
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    media = _NEGOTIATED[graph_form](accept or "*/*")
    if media is None:
        offers = GRAPH_OFFERS if graph_form else RESULT_OFFERS
        raise NotAcceptable(
            f"none of the accepted types ({accept}) can carry a {form or 'query'} answer; "
            f"offered: {', '.join(offers)}"
        )
    return (GRAPH_MEDIA if graph_form else RESULT_MEDIA)[media], media


def _cache_control(max_age: int) -> str:
    return f"public, max-age={max_age}" if max_age > 0 else "no-cache"


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against the answer's ETag."""
    if not if_none_match:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _checked(outcome: QueryOutcome) -> QueryOutcome:
    """The worker's outcome, or the typed error it reports."""
    if outcome.status == "bad":
        raise MalformedQuery(f"malformed or unsupported query: {outcome.message}")
    if outcome.status == "error":
        raise EngineFailed(outcome.message)
    return outcome


async def answer_query(
    request: Request,
    sparql: str,
    fmt: str,
    media: str | None,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    base_iri: str | None = None,
    text: QueryText | None = None,
) -> CachedAnswer:
    """The serialized answer: from the cache of the current build, from the body the build kept
    for this request, or from a query worker, in that order. Identical requests that arrive
    while one is being answered wait for that answer instead of running again (:func:`_shared`).
    ``text``: the query's facts, if the caller has them already (:func:`query_text`)."""
    state = request.app.state
    settings = state.settings
    cache = state.cache
    text = text or query_text(request, sparql)
    build = "" if settings.endpoint else current_name(settings.store)
    if not (build and cache.enabled and not text.volatile):
        return await _fresh_answer(
            request, sparql, text, build, fmt, media, default_graphs, named_graphs, base_iri
        )
    key = (build, fmt, media, settings.max_rows, sparql, default_graphs, named_graphs, base_iri)
    hit = cache.get(key)
    if hit is not None:
        return hit

    async def fresh() -> CachedAnswer:
        answer = await _fresh_answer(
            request, sparql, text, build, fmt, media, default_graphs, named_graphs, base_iri
        )
        if answer.source == "kept":
            if len(answer.body) <= KEPT_IN_CACHE:
                cache.put(key, replace(answer, source="cache"))
        elif answer.build:
            # Filed under the build the worker actually read, which a rebuild may have changed meanwhile.
            cache.put((answer.build, *key[1:]), replace(answer, source="cache"))
        return answer

    return await _shared(request, key, fresh)


async def _fresh_answer(
    request: Request,
    sparql: str,
    text: QueryText,
    build: str,
    fmt: str,
    media: str | None,
    default_graphs: tuple[str, ...],
    named_graphs: tuple[str, ...],
    base_iri: str | None,
) -> CachedAnswer:
    """The answer the build kept for this request, or a query worker's."""
    settings = request.app.state.settings
    if build and settings.kept_answers and not default_graphs and not named_graphs:
        kept = await _kept_answer(
            os.path.join(settings.store, BUILDS, build), text.key, fmt, media, settings.max_rows
        )
        if kept is not None:
            return kept
    asked = QueryRequest(sparql, fmt, settings.max_rows, default_graphs, named_graphs, base_iri)
    outcome = _checked(await request.app.state.pool.run(asked))
    return _answer(
        outcome.body, media or outcome.media_type, outcome.capped, outcome.digest, build=outcome.build
    )


async def _shared(
    request: Request, key: tuple[Hashable, ...], compute: Callable[[], Awaitable[CachedAnswer]]
) -> CachedAnswer:
    """``compute()``, or the answer of the identical request already computing it.

    Under load the same cacheable request arrives many times before its first answer is in the
    cache (50 clients opening the same page, a rebuild emptying the cache): each would take a
    worker for the same work. The first runs as a task of its own that outlives its client (a
    client that gives up does not cancel the others' answer); the others wait for it.
    """
    state = request.app.state
    if not hasattr(state, "in_flight"):
        state.in_flight = {}
    in_flight: dict[tuple[Hashable, ...], asyncio.Task[CachedAnswer]] = state.in_flight
    task = in_flight.get(key)
    if task is None:
        task = asyncio.ensure_future(compute())
        in_flight[key] = task

        def settled(done: asyncio.Task[CachedAnswer]) -> None:
            in_flight.pop(key, None)
            if not done.cancelled():
                done.exception()  # retrieved: each waiter gets it raised; none is left unseen

        task.add_done_callback(settled)
    return await asyncio.shield(task)


async def export_answer(request: Request, fmt: str) -> CachedAnswer:
    """A whole export, written by a query worker under the same time budget as a query (and cached
    for the current build like an answer, within the cache's bound for one entry)."""
    state = request.app.state
    settings = state.settings
    build = "" if settings.endpoint else current_name(settings.store)
    key: tuple[Hashable, ...] = (build, "export", fmt)
    hit = state.cache.get(key) if build else None
    if hit is not None:
        return hit

    async def fresh() -> CachedAnswer:
        outcome = _checked(await state.pool.run(ExportRequest(fmt)))
        answer = _answer(outcome.body, outcome.media_type, False, outcome.digest)
        if outcome.build:
            state.cache.put((outcome.build, "export", fmt), replace(answer, source="cache"))
        return answer

    return await _shared(request, key, fresh)


def _answer(
    body: bytes, media_type: str, capped: bool, digest: str, source: str = "evaluated", build: str = ""
) -> CachedAnswer:
    """An answer with its full media type and its ETag (a hash of the media type and the body's digest)."""
    if media_type.startswith("text/") and "charset" not in media_type:
        media_type += "; charset=utf-8"
    etag = '"' + blake2b(f"{media_type} {digest}".encode(), digest_size=16).hexdigest() + '"'
    return CachedAnswer(body, media_type, capped, etag, source, build)


async def _kept_answer(
    build: str, key: str, fmt: str, media: str | None, max_rows: int
) -> CachedAnswer | None:
    """The body ``build`` kept for this exact query, format and row cap, if it kept one (a build
    pruned meanwhile, or a file gone or damaged, is a miss: the query is evaluated)."""
    kept = lookup(build, "", fmt, max_rows, key=key)
    if kept is None:
        return None
    body = await asyncio.to_thread(kept.read) if kept.size > 1 << 20 else kept.read()
    return None if body is None else _answer(body, media or kept.media_type, kept.capped, kept.digest, "kept")


def answer_headers(request: Request, answer: CachedAnswer) -> dict[str, str]:
    """``ETag``, ``Cache-Control``, where the answer came from, and the cap mark of a capped answer."""
    settings = request.app.state.settings
    headers = {
        "Vary": "Accept",
        "ETag": answer.etag,
        "Cache-Control": _cache_control(settings.cache_max_age),
        "X-Relapsekg-Answer": answer.source,
    }
    if answer.capped:
        headers["X-Relapsekg-Capped"] = str(settings.max_rows)
        headers["Warning"] = f'199 relapsekg "result capped at {settings.max_rows} rows"'
    return headers


async def run_sparql(
    request: Request,
    sparql: str,
    accept: str | None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    base_iri: str | None = None,
) -> Response:
    """The HTTP response to a query: negotiated by ``accept``, ``304`` for a GET that has it already."""
    text = query_text(request, sparql)
    fmt, media = negotiate(text.form, accept)
    answer = await answer_query(
        request, sparql, fmt, media, tuple(default_graphs), tuple(named_graphs), base_iri, text
    )
    headers = answer_headers(request, answer)
    if request.method == "GET" and _not_modified(request.headers.get("if-none-match"), answer.etag):
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def select_rows(request: Request, sparql: str) -> list[dict[str, Any]]:
    """A SELECT answer as plain dicts of strings (for pages and the JSON API)."""
    answer = await answer_query(request, sparql, "json", None)
    data = json.loads(answer.body)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]
