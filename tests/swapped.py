"""Tiny graphs swapped in the way `relapsekg build` swaps a build in, an in-process client on
them, and a fresh event loop for the query pool: for tests of what the server does when the
graph under it changes."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph import store as stores
from graph.engine import LocalEngine

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def swap_in(root: Path, triples: int) -> str:
    """Build a graph of ``triples`` triples beside the live one and swap it in, as `relapsekg build` does."""
    build = stores.new_build(root)
    stores.place_nquads(build, "".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(triples)).encode())
    stores.load_placed_nquads(build)
    stores.write_manifest(build, {"quads": triples})
    stores.activate(root, build)
    return build.path.name


def triples(engine: LocalEngine) -> int:
    """The number of triples the engine's default graph (all graphs) holds."""
    return int(next(iter(engine.query(COUNT)))["n"].value)


def app_client(store: Path, **settings) -> TestClient:
    return TestClient(create_app(Settings(store=store, workers=1, query_timeout=10, **settings)))


def count(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def run(coro, loop_factory=asyncio.new_event_loop):
    """Run ``coro`` on a fresh event loop in its own thread (a browser test may hold this thread's loop)."""

    def on_fresh_loop():
        loop = loop_factory()
        try:
            return loop.run_until_complete(coro)
        finally:
            loop.close()

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(on_fresh_loop).result()
