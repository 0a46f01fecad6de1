"""Shared fixtures: a graph built once per session from graph/sources, an engine over it, an
in-process HTTP client, and a real server on a free loopback port for protocol and browser tests."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, *extra: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--store", str(store), "--port", str(port), *extra]
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read().decode()}")
        try:
            if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 60 s")


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
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright (`make test` installs it; never skipped)."""
    from playwright.sync_api import sync_playwright

    assert shutil.which("chromium") or Path(CHROMIUM).exists(), \
        "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
