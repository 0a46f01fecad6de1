"""How long `relapsekg serve` takes to give its first SPARQL answer, and how much memory it holds.

Starts the server on an already-built store (one untimed start first, so the OS file cache is
warm), polls ``/sparql?query=ASK{}`` every 10 ms and prints the time from launching the process
to the first answer (any status below 500: the query workers have opened the graph); then the
resident memory (RSS) of the server process and of its query workers, after the first answer and
after each named query has run once.

    .venv/bin/python benchmarks/startup.py [--store STORE] [--runs 5] [--workers 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import build_store, descendants, load, machine, process, relapsekg_server, rss_mib


def memory(pid: int) -> tuple[float, list[float]]:
    """RSS of the server process and of each query worker it spawned (MiB)."""
    workers = []
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if (
            b"multiprocessing" in cmdline and b"resource_tracker" not in cmdline
        ) or b"api.workers" in cmdline:
            workers.append(rss_mib(child))
    return rss_mib(pid), workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a built store (default: build one from graph/sources)")
    parser.add_argument("--runs", type=int, default=5, help="timed starts")
    parser.add_argument("--workers", type=int, default=3, help="query workers (the server's default is 3)")
    args = parser.parse_args()

    from graph.named import NamedQueries

    store = args.store or build_store()
    print(f"# relapsekg serve: start-up to first SPARQL answer — {machine()}")
    print(f"# {args.workers} query workers; one untimed warm-up start, then {args.runs} timed starts\n")
    seconds = []
    for run in range(args.runs + 1):
        cmd, url = relapsekg_server(store, "--workers", str(args.workers))
        ready = f"{url}/sparql?query=ASK%7B%7D"
        started = time.perf_counter()
        with process(cmd, ready, timeout=60, poll=0.01) as proc:
            if run:  # the first start only warms the OS file cache
                seconds.append(time.perf_counter() - started)
            if run < args.runs:
                continue
            time.sleep(1.0)  # let every worker finish starting
            first_server, first_workers = memory(proc.pid)
            with httpx.Client(timeout=60) as client:
                for name in NamedQueries().all():
                    client.get(f"{url}/queries/{name}", headers={"Accept": "application/sparql-results+json"})
            after_server, after_workers = memory(proc.pid)
    print("| measure | value |")
    print("|---|---:|")
    print(f"| launch → first /sparql answer, median of {len(seconds)} | {statistics.median(seconds):.2f} s |")
    print(f"| fastest / slowest | {min(seconds):.2f} s / {max(seconds):.2f} s |")
    print(f"| server process RSS after the first answer | {first_server:.0f} MiB |")
    print(
        f"| each query worker's RSS after the first answer | {', '.join(f'{w:.0f}' for w in first_workers)} MiB |"
    )
    print(f"| server process RSS after every named query | {after_server:.0f} MiB |")
    print(
        f"| query workers' RSS after every named query | {', '.join(f'{w:.0f}' for w in after_workers)} MiB |"
    )
    print(
        f"| total (server + workers) after every named query | {after_server + sum(after_workers):.0f} MiB |"
    )
    print(f"\n# {load()} at the end")


if __name__ == "__main__":
    main()
