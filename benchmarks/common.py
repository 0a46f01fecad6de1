"""Shared helpers for the benchmark scripts: a built store, servers on loopback, timing, tables."""

from __future__ import annotations

import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_worker_environment() -> None:
    """Re-run this script in the environment relapsekg's query workers get (glibc's huge pages),
    so that in-process timings measure the engine as the server runs it."""
    from api.workers import worker_environment

    if os.environ.get("RELAPSEKG_BENCHMARK_REEXEC") == "1":  # once: C libraries may rewrite GLIBC_TUNABLES
        return
    wanted = {**worker_environment(os.environ), "RELAPSEKG_BENCHMARK_REEXEC": "1"}
    os.execve(sys.executable, [sys.executable, *sys.argv], wanted)


def build_store(sources: Path | None = None) -> Path:
    from graph.build import build

    root = Path(tempfile.mkdtemp(prefix="relapsekg-bench-")) / "store"
    report = build(root, sources)
    if not report.ok:
        raise SystemExit("\n".join(map(str, report.problems)))
    return root


@contextmanager
def process(
    cmd: list[str], ready_url: str, timeout: float = 120, env: dict | None = None, poll: float = 0.2
) -> Iterator[subprocess.Popen]:
    """Start a server on loopback and wait until ``ready_url`` answers (asking every ``poll``
    seconds: a start-up benchmark polls often, to time the first answer closely); stop it afterwards."""
    with tempfile.TemporaryFile() as log:  # not a pipe: a chatty server must never block on a full one
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + timeout
        try:
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"{cmd[0]} exited: {log.read().decode(errors='replace')[-2000:]}")
                try:
                    if httpx.get(ready_url, timeout=5).status_code < 500:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{ready_url} did not answer within {timeout} s")
                time.sleep(poll)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def relapsekg_server(store: Path, *extra: str) -> tuple[list[str], str]:
    port = free_port()
    return (
        [sys.executable, "-m", "graph.cli", "serve", "--store", str(store), "--port", str(port), *extra],
        f"http://127.0.0.1:{port}",
    )


def timings(run: Callable[[], object], repeats: int, budget_s: float, min_s: float = 0.0) -> list[float]:
    """Timed runs (ms) after one warm-up: ``repeats`` of them, or more until they have taken
    ``min_s`` (a p50 of a sub-millisecond answer over 20 runs is 10 ms of a machine's life, which
    one stall on a shared VM moves), stopping early once ``budget_s`` is spent."""
    run()
    out: list[float] = []
    started = time.perf_counter()
    while True:
        elapsed = time.perf_counter() - started
        if out and (elapsed >= budget_s or (len(out) >= repeats and elapsed >= min_s)):
            return out
        t0 = time.perf_counter()
        run()
        out.append((time.perf_counter() - t0) * 1000)


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


class HTTPStatusError(RuntimeError):
    """A server answered with an error status (4xx or 5xx)."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status}: {body[:200].decode(errors='replace')}")
        self.status = status


@dataclass(frozen=True)
class Request:
    """One HTTP request, encoded once before it is timed.

    A timed loop should repeat the round trip, not the client's own preparation: ``urlencode``
    of a 7 KB query takes about 0.4 ms here, as long as the whole round trip of a cached answer
    from relapsekg's server.
    """

    method: str  # GET or POST
    path: str
    body: bytes | None  # a POST's body
    headers: tuple[str, ...]  # "Name: value", as libcurl takes them

    @classmethod
    def form(cls, path: str, form: dict[str, str], accept: str) -> Request:
        """POST ``form`` as an HTML form."""
        return cls(
            "POST",
            path,
            urlencode(form).encode("ascii"),
            ("Content-Type: application/x-www-form-urlencoded", f"Accept: {accept}"),
        )

    @classmethod
    def get(cls, path: str, params: dict[str, str] | None = None, accept: str = "*/*") -> Request:
        return cls("GET", path + (f"?{urlencode(params)}" if params else ""), None, (f"Accept: {accept}",))


class KeptAliveClient:
    """Asks one server over one kept-alive connection, for timing servers.

    A client's own cost per request is part of every figure it records, and it hides the
    difference between servers: on this machine a loopback request for a tiny answer from a bare
    ASGI app on uvicorn takes about 0.29 ms through libcurl, 0.41 ms through the standard
    library's ``http.client``, and 0.35 ms more than that through httpx. So requests go through
    libcurl (pycurl, the binding curl's authors keep), one handle per server, which reuses its
    connection and never a proxy. Both servers of a comparison are asked the same way.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        import pycurl

        self._pycurl = pycurl
        self.base_url = base_url.rstrip("/")
        self._curl = pycurl.Curl()
        self._curl.setopt(pycurl.TIMEOUT_MS, int(timeout * 1000))
        self._curl.setopt(pycurl.NOSIGNAL, 1)
        self._curl.setopt(pycurl.NOPROXY, "*")  # loopback timings must not pass through an http_proxy
        self._header_lines: list[bytes] = []
        self._curl.setopt(pycurl.HEADERFUNCTION, self._header_lines.append)

    @property
    def last_headers(self) -> dict[str, str]:
        """The last answer's headers, names in lower case (to see how it was served)."""
        fields = (
            line.decode("latin-1").split(":", 1)
            for line in self._header_lines
            if b":" in line and not line.startswith(b"HTTP/")
        )
        return {name.strip().lower(): value.strip() for name, value in fields}

    def send(self, request: Request) -> bytes:
        """The answer's body; raises :class:`HTTPStatusError` for an error status,
        ``TimeoutError`` when the server does not answer in time and ``ConnectionError`` when it
        cannot be reached."""
        pycurl, curl, body = self._pycurl, self._curl, BytesIO()
        self._header_lines.clear()
        curl.setopt(pycurl.URL, self.base_url + request.path)
        if request.method == "GET":
            curl.setopt(pycurl.HTTPGET, 1)
        elif request.method == "POST":
            curl.setopt(pycurl.POSTFIELDS, request.body or b"")
        else:
            raise ValueError(f"the benchmark client sends GET or POST, not {request.method}")
        # "Expect:" stops libcurl asking leave to send a larger body, a round trip neither server needs.
        curl.setopt(pycurl.HTTPHEADER, [*request.headers, "Expect:"])
        curl.setopt(pycurl.WRITEDATA, body)
        try:
            curl.perform()
        except pycurl.error as exc:
            if exc.args[0] == pycurl.E_OPERATION_TIMEDOUT:
                raise TimeoutError(f"{request.method} {request.path[:80]}: no answer in time") from None
            raise ConnectionError(f"{request.method} {request.path[:80]}: {exc.args[1]}") from None
        status = curl.getinfo(pycurl.RESPONSE_CODE)
        if status >= 400:
            raise HTTPStatusError(status, body.getvalue())
        return body.getvalue()

    def close(self) -> None:
        self._curl.close()


def rss_mib(pid: int) -> float:
    """Resident memory of one process (MiB; 0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid``, its children's children included (from each process's
    parent in /proc, so children started by any of its threads count)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, []))
    return found


def machine() -> str:
    import platform

    try:  # the mode in brackets: "always [madvise] never"
        thp = Path("/sys/kernel/mm/transparent_hugepage/enabled").read_text().split("[")[1].split("]")[0]
    except (OSError, IndexError):
        thp = "unknown"
    return (
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"transparent huge pages {thp} · {time.strftime('%Y-%m-%d')}"
    )


def load() -> str:
    """The machine's load average (1, 5, 15 min), and its pace: the time a fixed piece of Python
    work takes now. Other work beside a benchmark skews its figures, and so does a shared VM whose
    speed drifts: the pace printed beside them says which machine they come from."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    pace = time.perf_counter() - started
    return "load average " + " ".join(open("/proc/loadavg").read().split()[:3]) + f", pace {pace:.2f} s"


def http_stack() -> str:
    """What uvicorn serves with here (it picks httptools and uvloop when they are installed)."""
    import importlib.util
    from importlib.metadata import version

    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return (
        f"uvicorn {version('uvicorn')} ({parser}, {loop}) for both servers; "
        "client: libcurl (pycurl), one kept-alive connection per server, requests encoded before timing"
    )
