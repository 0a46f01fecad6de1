"""Starting ``relapsekg serve`` for a test: shared by the fixtures of tests/ and tests/integration/
(a module of its own, since a conftest.py cannot be imported from another conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, *extra: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """``relapsekg serve`` on a free loopback port, once it answers ``ASK {}``. Its output goes to a
    temporary file, not a pipe nobody reads (a chatty server would block on a full pipe)."""
    port = free_port()
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--store", str(store), "--port", str(port), *extra]
    handle, name = tempfile.mkstemp(prefix="relapsekg-serve-", suffix=".log")
    with os.fdopen(handle, "wb") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            cmd,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"

    def output() -> str:
        return Path(name).read_text(errors="replace")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {output()}")
        try:
            if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start within 60 s: {output()}")
