"""The short way in for query requests, which must cost as little as answering from a cache.

A query answered from the answer cache or from the body its build kept takes tens of
microseconds; FastAPI's routing and parameter machinery would take several times that before
the handler even ran (it tries the request against every route in turn). So this ASGI
middleware hands the requests that run queries straight to their handlers:

- ``GET /sparql`` with a ``query`` parameter, and every ``POST /sparql``;
- ``GET /queries/{name}``.

The handlers, the guard, the budgets, the headers and the error messages are the very ones the
routes use (the routes stay, for the OpenAPI description and for everything else: the editor,
the service description, other methods, other paths).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from .forms import fields_of
from .querying import error_response
from .routes.named import run_named
from .routes.sparql import sparql_get, sparql_post

Handler = Callable[[Request], Awaitable[Response]]
_NAMED = "/queries/"


def _handler(scope: Scope) -> Handler | None:
    """The handler of a query request, or None for everything the application routes itself."""
    method, path = scope["method"], scope["path"]
    if path == "/sparql":
        if method == "POST":
            return sparql_post
        if method == "GET" and fields_of(scope["query_string"]).get("query"):
            return sparql_get
        return None  # the editor, the service description, other methods
    if method == "GET" and path.startswith(_NAMED):
        name = path[len(_NAMED) :]
        if name and "/" not in name:
            return lambda request: run_named(name, request)
    return None


class QueryFastPath:
    """ASGI middleware: query requests go straight to their handlers, the rest to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = _handler(scope) if scope["type"] == "http" else None
        if handler is None:
            await self.app(scope, receive, send)
            return
        try:
            response = await handler(Request(scope, receive))
        except HTTPException as exc:
            response = error_response(exc)
        await response(scope, receive, send)
