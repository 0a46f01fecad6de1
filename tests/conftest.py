"""Shared fixtures: a graph built once per session from graph/sources, an engine over it, an
in-process HTTP client, and a real server on a free loopback port for protocol and browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from serving import start_server
from swapped import swap_in

from graph import paths
from graph.build import build
from graph.engine import LocalEngine

ARTIFACTS = paths.ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("store")
    report = build(root)
    assert report.ok, "\n".join(map(str, report.problems))
    return root


@pytest.fixture(scope="session")
def engine(store: Path) -> LocalEngine:
    return LocalEngine(store)


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    """A store whose live build holds two triples (see swapped.py), for tests that swap builds in."""
    root = tmp_path / "store"
    swap_in(root, 2)
    return root


@pytest.fixture()
def sources_copy(tmp_path: Path) -> Path:
    """A private copy of the curated sources that a test may break."""
    target = tmp_path / "sources"
    shutil.copytree(paths.SOURCES_DIR, target)
    return target


@pytest.fixture(scope="session")
def client(store: Path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(store=store, query_timeout=10, workers=2))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def server(store: Path) -> Iterator[str]:
    proc, url = start_server(store, "--workers", "3", "--query-timeout", "5")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright (`make test` installs it; never skipped)."""
    from playwright.sync_api import sync_playwright

    assert shutil.which("chromium") or Path(CHROMIUM).exists(), (
        "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shacl_after() -> Callable[[Callable[[Graph], None]], list[str]]:
    """The SHACL problems of the curated graph after ``mutate`` changed it, each naming the file and
    line of the fact it concerns: how a test shows a shape rejects a broken fact. The sources are
    validated once per session."""
    from rdflib import Dataset, URIRef

    from graph.pipeline import validate
    from graph.validate import load_shapes, shacl_problems

    curated = validate()
    assert curated.ok, curated.problems
    shapes = load_shapes()

    def problems(mutate: Callable[[Graph], None]) -> list[str]:
        g = Graph()
        for s, p, o, _ in curated.dataset.quads((None, None, None, None)):
            g.add((s, p, o))
        mutate(g)
        ds = Dataset()
        target = ds.graph(URIRef("urn:test"))
        for t in g:
            target.add(t)
        return [str(p) for p in shacl_problems(ds, shapes, curated.origins)]

    return problems
