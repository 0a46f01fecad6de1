"""A real external SPARQL server for the ``--endpoint`` tests: a private Virtuoso open source instance.

The session installs Virtuoso (Debian ``virtuoso-opensource``) if it is missing, starts its own
server in a temporary folder with its own ``virtuoso.ini`` (free loopback ports, so a system
service on 1111/8890 is never touched), loads the graph the embedded store holds, and kills the
server at the end. Nothing here skips: a Virtuoso that cannot be installed, started or loaded
fails every test that needs it, with the reason.

What is loaded is ``relapsekg export nquads``. The TriG export is loaded first as well, only to
measure what Virtuoso 7.2 makes of it (it keeps the backslash of escaped prefixed names such as
``id:cohort\\/aall1331-lr`` in the IRIs), and then cleared; ``test_virtuoso.py`` pins that.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from serving import start_server

from graph.engine import LocalEngine, RemoteEngine

PACKAGE = "virtuoso-opensource"
# Loaded quads carry their own graph; ld_dir wants a graph for triples that have none.
FALLBACK_GRAPH = "urn:relapsekg:test:no-graph"
# Virtuoso's own default password of a fresh database; the instance listens on loopback only.
DBA = ("dba", "dba")


def _free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (sockets held open together, so none is handed out twice)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def install_virtuoso() -> None:
    """Install Virtuoso with apt-get when ``virtuoso-t`` or ``isql-vt`` is missing; fail saying why not."""
    if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        return
    if os.geteuid() == 0:
        sudo: list[str] = []
    elif shutil.which("sudo"):
        sudo = ["sudo", "-n"]
    else:
        pytest.fail(
            f"Virtuoso is not installed and this user cannot install it: run `make test-integration` "
            f"as root or with sudo, or `apt-get install {PACKAGE}`",
            pytrace=False,
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE],
    ):
        done = subprocess.run(sudo + command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(
                f"installing Virtuoso failed: `{' '.join(sudo + command)}` exited {done.returncode}:\n"
                f"{(done.stdout + done.stderr)[-3000:]}",
                pytrace=False,
            )
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        pytest.fail(f"{PACKAGE} is installed but virtuoso-t or isql-vt is not on PATH", pytrace=False)


INI = """\
; A throw-away Virtuoso for the relapsekg integration tests (written by tests/integration/conftest.py).
[Database]
DatabaseFile       = {root}/virtuoso.db
ErrorLogFile       = {root}/virtuoso.log
LockFile           = {root}/virtuoso.lck
TransactionFile    = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {root}/virtuoso-temp.db
TransactionFile    = {root}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
; The bulk loader reads files only from these folders.
DirsAllowed          = ., {root}/data
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
VADInstallDir        = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
EnabledDavVSP        = 0

[SPARQL]
; Rows per answer. Virtuoso cuts longer answers silently (status 200, X-SPARQL-MaxRows header);
; relapsekg refuses a cut answer, so the whole-graph exports need room for every quad.
ResultSetMaxRows           = {max_rows}
MaxQueryExecutionTime      = 60
; No refusal by estimated cost: Virtuoso 7.2's estimate overflows (-1899646976 s) on a VALUES
; joined with a UNION, as in evidence-table asked about one study (the README says so).
MaxQueryCostEstimationTime = 0
"""


@dataclass
class Virtuoso:
    """One running private Virtuoso server."""

    root: Path
    sql_port: int
    http_port: int
    max_rows: int
    process: subprocess.Popen

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def isql(self, *statements: str, timeout: float = 300) -> str:
        """Run SQL statements with ``isql-vt``; isql exits 0 on SQL errors, so its output is checked."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", *DBA, "exec=" + " ".join(statements)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql-vt failed on {' '.join(statements)!r}:\n{output[-3000:]}")
        return done.stdout

    def bulk_load(self, path: Path) -> None:
        """Load one RDF file with the bulk loader (``ld_dir`` + ``rdf_loader_run``); quads keep their graphs."""
        self.isql(
            f"ld_dir('{path.parent}', '{path.name}', '{FALLBACK_GRAPH}');", "rdf_loader_run();", "checkpoint;"
        )
        # ll_state 2 is "done"; a file the loader could not parse has its message in ll_error.
        errors = self.isql(
            f"SELECT ll_file, ll_state, ll_error FROM DB.DBA.load_list WHERE ll_file = '{path}' "
            "AND (ll_state <> 2 OR ll_error IS NOT NULL);"
        )
        if "0 Rows." not in errors:
            raise RuntimeError(f"the bulk loader did not load {path}:\n{errors}")

    def log_tail(self) -> str:
        log = self.root / "virtuoso.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else "(no virtuoso.log)"

    def stop(self) -> None:
        """Shut down cleanly (checkpoint), killing the process if it does not exit."""
        if self.process.poll() is None:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.isql("shutdown;", timeout=30)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_virtuoso(root: Path, max_rows: int, timeout: float = 120) -> Virtuoso:
    """Start ``virtuoso-t`` in the foreground on free ports; return once /sparql answers."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    sql_port, http_port = _free_ports(2)
    ini = root / "virtuoso.ini"
    ini.write_text(INI.format(root=root, sql_port=sql_port, http_port=http_port, max_rows=max_rows))
    with open(root / "virtuoso.out", "wb") as out:
        process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = Virtuoso(root, sql_port, http_port, max_rows, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"virtuoso-t exited with {process.returncode} at start:\n{server.log_tail()}\n"
                f"{(root / 'virtuoso.out').read_text(errors='replace')[-2000:]}",
                pytrace=False,
            )
        try:
            if httpx.get(server.sparql_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.stop()
    pytest.fail(
        f"Virtuoso did not answer on {server.sparql_url} within {timeout:g} s:\n{server.log_tail()}",
        pytrace=False,
    )


def export(store: Path, fmt: str, target: Path, endpoint: str | None = None) -> bytes:
    """``relapsekg export FMT`` through the command line, as a user runs it."""
    where = ["--endpoint", endpoint] if endpoint else ["--store", str(store)]
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "export", fmt, *where, "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"relapsekg export {fmt} failed:\n{done.stderr[-3000:]}", pytrace=False)
    return target.read_bytes()


def quad_count(engine: LocalEngine | RemoteEngine) -> int:
    [row] = engine.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(row["n"].value)


@pytest.fixture(scope="session")
def virtuoso(
    store: Path, engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Virtuoso]:
    """A private, empty Virtuoso whose row cap leaves room for the whole graph twice over."""
    install_virtuoso()
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), max_rows=2 * quad_count(engine) + 1000)
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class TrigLoad:
    """What the TriG export became in Virtuoso before it was cleared."""

    quads: int
    quads_with_backslash_iris: int
    example: str


@pytest.fixture(scope="session")
def trig_load(virtuoso: Virtuoso, store: Path, engine: LocalEngine) -> TrigLoad:
    """Load ``relapsekg export trig`` into Virtuoso, count IRIs that kept a backslash, then clear the graphs."""
    trig = virtuoso.data / "relapsekg.trig"
    export(store, "trig", trig)
    virtuoso.bulk_load(trig)
    remote = RemoteEngine(virtuoso.sparql_url)
    # As strings: such IRIs are not valid IRIs, and no RDF library would parse them back.
    bad = (
        'SELECT (STR(?s) AS ?iri) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?s), "\\\\") '
        '|| (isIRI(?o) && CONTAINS(STR(?o), "\\\\"))) }'
    )
    rows = [row["iri"].value for row in remote.query(bad)]
    report = TrigLoad(quad_count(remote), len(rows), rows[0] if rows else "")
    graphs = [row["g"].value for row in engine.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]
    virtuoso.isql(*(f"SPARQL CLEAR GRAPH <{g}>;" for g in graphs), "checkpoint;")
    if RemoteEngine(virtuoso.sparql_url).graphs():
        pytest.fail("the graphs loaded from the TriG export were not cleared", pytrace=False)
    return report


@pytest.fixture(scope="session")
def endpoint(virtuoso: Virtuoso, trig_load: TrigLoad, store: Path, engine: LocalEngine) -> str:
    """The SPARQL endpoint URL of Virtuoso loaded with ``relapsekg export nquads``, checked quad for quad."""
    nquads = virtuoso.data / "relapsekg.nq"
    export(store, "nquads", nquads)
    virtuoso.bulk_load(nquads)
    loaded, expected = quad_count(RemoteEngine(virtuoso.sparql_url)), quad_count(engine)
    if loaded != expected:
        pytest.fail(
            f"Virtuoso holds {loaded} quads in relapsekg graphs, the embedded store {expected}", pytrace=False
        )
    return virtuoso.sparql_url


@pytest.fixture(scope="session")
def remote(endpoint: str) -> RemoteEngine:
    return RemoteEngine(endpoint)


@pytest.fixture(scope="session")
def endpoint_server(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``relapsekg serve --endpoint`` on a free port (no embedded store behind it), its base URL."""
    empty_store = tmp_path_factory.mktemp("no-store")
    proc, url = start_server(empty_store, "--endpoint", endpoint, "--workers", "2", "--query-timeout", "30")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
