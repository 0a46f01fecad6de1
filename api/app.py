"""The FastAPI application: SPARQL protocol, named queries, REST API, entity pages, exports, graph view."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.ask import warm

from .cache import ResultCache
from .errors import STATUS
from .querying import error_response, request_error_response
from .routes import all_routers
from .routes.ask import ask_source
from .settings import Settings
from .workers import QueryPool

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = QueryPool(
            None if settings.endpoint else settings.store,
            settings.endpoint,
            size=settings.workers,
            timeout=settings.query_timeout,
            in_memory=settings.in_memory,
            poison_seconds=settings.poison_seconds,
        )
        pool.start()
        app.state.pool = pool
        # The question index opens beside the first requests, not in the first question's time.
        app.state.ask_source = ask_source(settings)
        threading.Thread(target=warm, args=(app.state.ask_source,), name="ask-warm", daemon=True).start()
        try:
            yield
        finally:
            pool.stop()
            app.state.cache.clear()

    app = FastAPI(
        title="relapsekg",
        version="0.1.0",
        description="The clinical-evidence graph of Murphy & Aldoss, Transl Pediatr 2024 (COG AALL1331, "
        "blinatumomab in first relapse of pediatric B-ALL) and its 29 references: SPARQL 1.1, "
        "named research questions, a JSON API, entity pages and exports. Read-only.",
        lifespan=lifespan,
        docs_url=None,  # served by routes/apidocs.py from vendored copies, not a CDN
        redoc_url=None,
        # The service sends no telemetry; on, FastAPI asks OpenTelemetry on every request whether
        # a provider was set up (13 µs of a 0.2 ms answer from the cache).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.cache = ResultCache(settings.cache_mb * 2**20)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in all_routers():
        app.include_router(router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, exc.detail, getattr(exc, "headers", None))

    async def typed_error(request: Request, exc: Exception):
        return request_error_response(exc)

    for kind in STATUS:  # every typed problem, with the status api/errors.py gives it
        app.add_exception_handler(kind, typed_error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=400)

    return app
