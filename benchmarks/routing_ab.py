"""This tree's server against another tree's (say, before a change), asked in turn, request by request.

On a shared machine two benchmark runs minutes apart measure the machine as much as the code.
Here both servers serve the same store at the same time, with the same settings, and each
request goes to one then the other, so a stall of the machine falls on both alike. Prints the p50
of each server per request, cold (answer cache and kept answers off: every request is evaluated)
and cached, and the geometric mean of the ratios.

    cd /tmp && /path/to/.venv/bin/python /path/to/tree/benchmarks/routing_ab.py --other /path/to/other/tree

(run from a folder that holds neither tree: ``python -m`` puts the working folder first on the path)
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    KeptAliveClient,
    Request,
    build_store,
    geomean,
    load,
    machine,
    p50,
    process,
    relapsekg_server,
)

ACCEPT = "application/sparql-results+json"


def requests() -> dict[str, Request]:
    from graph.named import NamedQueries

    named = NamedQueries()
    return {
        "ASK {} (GET /sparql)": Request.get("/sparql", {"query": "ASK {}"}, ACCEPT),
        "ASK {} (form POST)": Request.form("/sparql", {"query": "ASK {}"}, ACCEPT),
        "adverse-events (form POST)": Request.form(
            "/sparql", {"query": named.get("adverse-events").sparql()}, ACCEPT
        ),
        "/queries/adverse-events": Request.get("/queries/adverse-events", None, ACCEPT),
        "/queries/studies": Request.get("/queries/studies", None, ACCEPT),
        "/queries/evidence-table?study=aall1331": Request.get(
            "/queries/evidence-table", {"study": "aall1331"}, ACCEPT
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--other", type=Path, required=True, help="the other tree (its api/ and graph/)")
    parser.add_argument("--runs", type=int, default=200, help="requests to each server per row")
    args = parser.parse_args()
    store = build_store()
    print(f"# this tree vs {args.other} — {machine()}; {args.runs} requests to each, in turn; {load()}\n")
    print("| request | mode | this p50 ms | other p50 ms | this / other |")
    print("|---|---|---:|---:|---:|")
    ratios: dict[str, list[float]] = {"cold": [], "cached": []}
    for mode, env in (("cold", {"RELAPSEKG_CACHE": "0", "RELAPSEKG_KEPT_ANSWERS": "0"}), ("cached", {})):
        with ExitStack() as stack:
            clients = []
            for tree in (Path(__file__).resolve().parent.parent, args.other.resolve()):
                cmd, url = relapsekg_server(store, "--workers", "2", "--query-timeout", "60")
                stack.enter_context(
                    process(cmd, f"{url}/sparql?query=ASK%7B%7D", env={**env, "PYTHONPATH": str(tree)})
                )
                clients.append(KeptAliveClient(url, 60))
            for label, request in requests().items():
                times: tuple[list[float], list[float]] = ([], [])
                for client in clients:
                    client.send(request)  # warm-up (and, cached, the first answer)
                for _ in range(args.runs):  # in turn: a stall of the machine falls on both
                    for client, taken in zip(clients, times, strict=True):
                        started = time.perf_counter()
                        client.send(request)
                        taken.append((time.perf_counter() - started) * 1000)
                this, other = times
                ratio = p50(this) / p50(other)
                ratios[mode].append(ratio)
                print(f"| {label} | {mode} | {p50(this):.2f} | {p50(other):.2f} | {ratio:.2f} |")
    for mode, values in ratios.items():
        print(f"\n{mode}: geometric mean of this / other {geomean(values):.2f}")
    print(f"\n# {load()} at the end")


if __name__ == "__main__":
    main()
