"""The server under load, with a rebuild swapped in and a query worker killed while it serves.

Starts `relapsekg serve` on a freshly built store and runs ``--clients`` concurrent clients for
``--seconds``, each sending, one after another, requests drawn from a fixed mix: named queries
(at their defaults and with parameters), SPARQL no cache can answer (every text is new), the JSON
API, entity pages (HTML and Turtle), the graph view's data and exports. A third of the way in, a
rebuild of the graph is swapped in; two thirds of the way in, one query worker is killed with
SIGKILL. Prints the requests, the failed ones (any status other than 200, or no answer), p50/p99
per kind and overall, and the server's tracebacks if it wrote any. The target: no failed request.

The rebuild is built before the run, into a second store, and swapped in with the build's own
atomic swap (``graph.store.activate``): on a busy 2-core machine a whole build takes about a
minute, longer than the run. ``--rebuild full`` runs `relapsekg build` on the served store
instead, a third of the way in, competing with the server for the CPU.

    .venv/bin/python benchmarks/load.py [--clients 50] [--seconds 60] [--workers 3] [--rebuild swap|full]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import build_store, descendants, load, machine, p50, process, relapsekg_server

HTML = "text/html"
TURTLE = "text/turtle"
# (kind, path, params, accept): what the clients ask, in turn.
MIX: list[tuple[str, str, dict[str, str], str]] = [
    ("named", "/queries/cns-efficacy", {}, "application/sparql-results+json"),
    ("named", "/queries/evidence-table", {"study": "aall1331"}, "text/csv"),
    ("named", "/queries/evidence-network", {}, "application/sparql-results+json"),
    ("named", "/queries/studies", {}, "application/sparql-results+json"),
    ("named", "/queries/references", {}, "text/tab-separated-values"),
    ("uncached", "/sparql", {}, "application/sparql-results+json"),
    ("uncached", "/sparql", {}, "application/sparql-results+xml"),
    ("api", "/api/studies", {}, "application/json"),
    ("api", "/api/results", {"study": "aall1331"}, "application/json"),
    ("api", "/api/references", {}, "application/json"),
    ("entity", "/id/study/aall1331", {}, HTML),
    ("entity", "/id/intervention/blinatumomab", {}, TURTLE),
    ("graph", "/graph/data", {"focus": "study/aall1331", "depth": "1"}, "application/json"),
    ("export", "/export/evidence-csv", {}, "text/csv"),
    ("export", "/export/ris", {}, "*/*"),
    ("export", "/export/turtle", {}, TURTLE),
]


def uncached_query() -> str:
    """A query text never sent before, so neither the answer cache nor a kept answer has it."""
    return (
        "SELECT ?r ?value WHERE { ?r rkg:value ?value . "
        f'FILTER(STR(?value) != "{uuid.uuid4()}") }} ORDER BY ?r LIMIT 20'
    )


async def client(
    http: httpx.AsyncClient, start: int, until: float, results: list[tuple[str, int, float, str]]
) -> None:
    for kind, path, params, accept in itertools.islice(itertools.cycle(MIX), start, None):
        if time.monotonic() >= until:
            return
        if kind == "uncached":
            params = {"query": uncached_query()}
        began = time.perf_counter()
        try:
            response = await http.get(path, params=params, headers={"accept": accept})
            status, note = response.status_code, "" if response.status_code == 200 else response.text[:160]
        except httpx.HTTPError as exc:
            status, note = 0, f"{type(exc).__name__}: {exc}"
        results.append((kind, status, (time.perf_counter() - began) * 1000, note))


def workers_of(server: int) -> list[int]:
    return [
        pid
        for pid in descendants(server)
        if b"api.workers" in Path(f"/proc/{pid}/cmdline").read_bytes()  # the query workers
    ]


async def events(store: Path, spare: Path | None, server: int, seconds: float, log: list[str]) -> None:
    """The rebuild a third of the way in (``spare``: a build made beforehand, swapped in; None:
    `relapsekg build` run then), the killed worker two thirds of the way in."""
    from graph import store as stores

    started = time.monotonic()
    await asyncio.sleep(seconds / 3)
    build = None
    if spare is not None:
        moved = store / stores.BUILDS / ("swapped-" + spare.name)
        spare.rename(moved)
        stores.activate(store, stores.Build(moved))
        log.append(f"{time.monotonic() - started:5.1f} s: rebuild swapped in ({moved.name})")
    else:
        build = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "graph.cli", "build", "--store", str(store),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        log.append(f"{time.monotonic() - started:5.1f} s: rebuild started")
    await asyncio.sleep(max(0.0, started + 2 * seconds / 3 - time.monotonic()))
    kill_a_worker(server, started, log)
    if build is not None:
        await build.wait()
        log.append(f"{time.monotonic() - started:5.1f} s: rebuild swapped in (exit {build.returncode})")


def kill_a_worker(server: int, started: float, log: list[str]) -> bool:
    pids = workers_of(server)
    if not pids:
        log.append(f"{time.monotonic() - started:5.1f} s: no query worker found to kill")
        return False
    os.kill(pids[0], signal.SIGKILL)
    log.append(f"{time.monotonic() - started:5.1f} s: query worker {pids[0]} killed (SIGKILL)")
    return True


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def run(url: str, store: Path, spare: Path | None, server: int, clients: int, seconds: float) -> None:
    results: list[tuple[str, int, float, str]] = []
    log: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        until = time.monotonic() + seconds
        began = time.monotonic()
        happenings = asyncio.ensure_future(events(store, spare, server, seconds, log))
        await asyncio.gather(*(client(http, i * 3, until, results) for i in range(clients)))
        elapsed = time.monotonic() - began
        await happenings
    failed = [r for r in results if r[1] != 200]
    print("## Events")
    print("\n".join(log))
    print("\n## Requests")
    print("| kind | requests | failed | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    by_kind: dict[str, list[tuple[str, int, float, str]]] = defaultdict(list)
    for r in results:
        by_kind[r[0]].append(r)
    for kind, rows in sorted(by_kind.items()):
        times = [r[2] for r in rows]
        print(
            f"| {kind} | {len(rows)} | {sum(r[1] != 200 for r in rows)} | {p50(times):.1f} | {p99(times):.1f} |"
        )
    times = [r[2] for r in results]
    print(
        f"| all | {len(results)} | {len(failed)} | {p50(times):.1f} | {p99(times):.1f} |\n\n"
        f"{len(results)} requests in {elapsed:.1f} s ({len(results) / elapsed:.0f}/s) from {clients} clients; "
        f"{len(failed)} failed (target: 0)"
    )
    for (kind, status, note), n in Counter((r[0], r[1], r[3]) for r in failed).most_common(10):
        print(f"- {n} × {kind} → {status or 'no answer'}: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rebuild", choices=("swap", "full"), default="swap")
    args = parser.parse_args()
    from graph import store as stores

    store = build_store()
    spare = stores.current_build(build_store()).path if args.rebuild == "swap" else None
    print(f"# relapsekg under load — {machine()}")
    print(
        f"# {args.clients} clients for {args.seconds:g} s, {args.workers} query workers; a rebuild swapped "
        f"in at {args.seconds / 3:g} s, a worker killed at {2 * args.seconds / 3:g} s; {load()} at the start\n"
    )
    cmd, url = relapsekg_server(store, "--workers", str(args.workers))
    server_log = Path(tempfile.mkdtemp(prefix="relapsekg-load-")) / "server.log"
    logged = ["sh", "-c", f'exec "$@" 2>>{server_log}', "sh", *cmd]  # the server's own pid, its stderr kept
    with process(logged, f"{url}/sparql?query=ASK%7B%7D") as server:
        asyncio.run(run(url, store, spare, server.pid, args.clients, args.seconds))
    text = server_log.read_text(errors="replace") if server_log.exists() else ""
    print(f"\nThe server wrote {text.count('Traceback')} traceback(s) ({server_log})")
    print(f"\n# {load()} at the end")


if __name__ == "__main__":
    main()
