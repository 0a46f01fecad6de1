"""A clone alone works: the repository cloned into an empty folder, with nothing beside it (no
``../shared``, no virtualenv, no store), builds and serves with ``make run``, and answers a query.

This is what a newcomer does first, so it runs the real Makefile: it creates its own .venv,
installs from PyPI and npm, builds the graph and serves it. It takes minutes; the answer is the
proof that the repository holds everything it needs."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from serving import free_port

from graph import paths

QUERY = """PREFIX rkg: <https://w3id.org/relapsekg/ontology#>
SELECT (COUNT(*) AS ?quotes) WHERE { ?fact rkg:quote ?quote }"""


def clone(into: Path) -> Path:
    """A clone of the committed repository: what a user gets from the public host."""
    target = into / "relapsekg"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(paths.ROOT), str(target)], check=True)
    assert not (into / "shared").exists()
    return target


def test_make_run_on_a_clone_alone_builds_serves_and_answers(tmp_path: Path) -> None:
    checkout = clone(tmp_path)
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("RELAPSEKG_", "VIRTUAL_ENV", "PYTHONPATH"))
    }
    with tempfile.TemporaryFile() as log:
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=checkout,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

        def output() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-4000:]

        url = f"http://127.0.0.1:{port}/sparql"
        answer = None
        try:
            deadline = time.monotonic() + 1200
            while time.monotonic() < deadline and answer is None:
                assert make.poll() is None, f"make run stopped:\n{output()}"
                try:
                    answer = httpx.get(
                        url,
                        params={"query": QUERY},
                        headers={"Accept": "application/sparql-results+json"},
                        timeout=10,
                    )
                    if answer.status_code == 503:  # up, its query workers still starting
                        answer = None
                        time.sleep(1)
                except httpx.HTTPError:
                    time.sleep(2)
            assert answer is not None, f"make run did not serve within 20 minutes:\n{output()}"
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=60)
    assert answer.status_code == 200, answer.text
    quotes = int(answer.json()["results"]["bindings"][0]["quotes"]["value"])
    assert quotes > 200, quotes
    assert (checkout / ".relapsekg" / "store").is_dir()
