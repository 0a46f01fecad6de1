"""``relapsekg serve``: the HTTP service (SPARQL, named queries, JSON API, pages, exports)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from ..cli import EndpointOption, StoreOption, _fail, _store, app


@app.command()
def serve(
    host: str = typer.Option(os.environ.get("HOST", "127.0.0.1"), "--host", help="address to listen on"),
    port: int = typer.Option(int(os.environ.get("PORT", "8000")), "--port", help="port to listen on"),
    store: Path | None = StoreOption,
    endpoint: str | None = EndpointOption,
    query_timeout: float = typer.Option(
        None, "--query-timeout", help="seconds a query may run (RELAPSEKG_QUERY_TIMEOUT, default 10)"
    ),
    max_rows: int = typer.Option(
        None, "--max-rows", help="rows or triples per answer (RELAPSEKG_MAX_ROWS, default 10000)"
    ),
    max_query_length: int = typer.Option(
        None, "--max-query-length", help="characters per query (RELAPSEKG_MAX_QUERY_LENGTH, default 20000)"
    ),
    workers: int = typer.Option(
        None, "--workers", help="query worker processes (RELAPSEKG_QUERY_WORKERS, default 3)"
    ),
    cache_mb: int = typer.Option(
        None,
        "--cache-mb",
        help="memory for cached answers of the current build, 0 for none (RELAPSEKG_CACHE_MB, default 64)",
    ),
    in_memory: bool | None = typer.Option(
        None,
        "--in-memory/--on-disk",
        help="query workers copy the graph into memory, or read the disk store (RELAPSEKG_IN_MEMORY, default in memory)",
    ),
    kept_answers: bool | None = typer.Option(
        None,
        "--kept-answers/--evaluate",
        help="answer named queries at their defaults with the bodies the build kept, or evaluate every request (RELAPSEKG_KEPT_ANSWERS, default kept)",
    ),
) -> None:
    """Serve the graph over HTTP (read-only)."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    try:
        settings = Settings(store=_store(store), endpoint=endpoint)
    except ValueError as exc:  # a RELAPSEKG_* variable that cannot be read
        _fail(str(exc), 2)
    for name, value in (
        ("query_timeout", query_timeout),
        ("max_rows", max_rows),
        ("max_query_length", max_query_length),
        ("workers", workers),
        ("cache_mb", cache_mb),
        ("in_memory", in_memory),
        ("kept_answers", kept_answers),
    ):
        if value is not None:
            setattr(settings, name, value)
    typer.echo(
        f"relapsekg serving {endpoint or settings.store} on http://{host}:{port}/  (SPARQL at /sparql)",
        err=True,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
