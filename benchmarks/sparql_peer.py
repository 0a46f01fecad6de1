"""relapsekg versus its closest peer, side by side in one run.

Over HTTP: rdflib-endpoint (rdflib + FastAPI, its default in-memory rdflib store) serving the same
graph (`relapsekg export trig`), and relapsekg's /sparql, each asked every named query. relapsekg
runs twice: "cold" with its answer cache and the build's kept answers off (RELAPSEKG_CACHE=0,
RELAPSEKG_KEPT_ANSWERS=0: every request is evaluated by a query worker) and "cached" with both on
(the figure for a repeated request, or a named query the build kept; rdflib-endpoint has neither). In process: rdflib's SPARQL engine (its in-memory store)
versus pyoxigraph's in-memory store, the copy of the graph relapsekg's query workers answer from.
Prints p50/p95 per query and the ratios, the geometric mean of the ratios, and whether both
servers returned the same number of rows (the curated graph's answers are all under the row cap).

    .venv/bin/python benchmarks/sparql_peer.py [--repeats 20] [--budget 20] [--min-time 1]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    HTTPStatusError,
    KeptAliveClient,
    Request,
    build_store,
    free_port,
    geomean,
    http_stack,
    load,
    machine,
    p50,
    p95,
    process,
    relapsekg_server,
    timings,
    with_worker_environment,
)
from benchmarks.scale import consume

PEER_APP = """
import sys, uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
ds = Dataset(default_union=True)
ds.parse(sys.argv[1], format="trig")
uvicorn.run(SparqlEndpoint(graph=ds), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def solutions(body: bytes) -> int:
    """Rows in a SPARQL JSON answer (1 for a boolean): both servers must give the same count."""
    answer = json.loads(body)
    return len(answer["results"]["bindings"]) if "results" in answer else 1


def start_peer(stack: ExitStack, trig: Path) -> str:
    port = free_port()
    stack.enter_context(
        process(
            [sys.executable, "-c", PEER_APP, str(trig), str(port)],
            f"http://127.0.0.1:{port}/?query=ASK%7B%7D",
            timeout=300,
        )
    )
    return f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per query and server")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and server at most")
    parser.add_argument(
        "--min-time",
        type=float,
        default=1.0,
        help="seconds of timed runs per query and contender at least (more runs of fast answers)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds the peer may take for one answer"
    )
    parser.add_argument(
        "--server-tree",
        type=Path,
        help="run relapsekg's servers from this tree (say, the one before a change) to compare like with "
        "like in one session; the graph is built by this tree either way",
    )
    parser.add_argument("--http-only", action="store_true", help="skip the in-process comparison")
    args = parser.parse_args()

    from rdflib import Dataset

    from graph.engine import LocalEngine
    from graph.exports import get_export
    from graph.named import NamedQueries
    from graph.namespaces import sparql_prologue

    store = build_store()
    engine = LocalEngine(store)
    trig = Path(tempfile.mkdtemp()) / "relapsekg.trig"
    trig.write_bytes(get_export("trig").write(engine))
    queries = {name: q.sparql() for name, q in NamedQueries().all().items()}
    print(f"# relapsekg vs rdflib-endpoint — {machine()}")
    print(
        f"# graph: {trig.read_text(encoding='utf-8').count(chr(10))} lines of TriG; {len(queries)} named queries; "
        f"{args.repeats} runs per query and engine, more until {args.min_time:g} s, at most {args.budget:g} s"
    )
    print(f"# {http_stack()}; {load()} at the start")
    server_env = {"PYTHONPATH": str(args.server_tree.resolve())} if args.server_tree else {}
    print(
        f"# relapsekg's servers run from {args.server_tree.resolve() if args.server_tree else 'this tree'}\n"
    )

    cold_cmd, cold_url = relapsekg_server(store, "--workers", "2", "--query-timeout", "60")
    warm_cmd, warm_url = relapsekg_server(store, "--workers", "2", "--query-timeout", "60")
    accept = "application/sparql-results+json"
    http_rows: list[tuple[str, list[float], list[float], list[float] | None, str]] = []
    served: dict[str, str] = {}  # how the cached server answered the last timed request of each query
    rows: dict[str, str] = {}  # rows in the answer, "ours ≠ theirs" where the servers disagree
    peer = ExitStack()
    peer_url = start_peer(peer, trig)
    with (
        process(
            cold_cmd,
            f"{cold_url}/sparql?query=ASK%7B%7D",
            env={"RELAPSEKG_CACHE": "0", "RELAPSEKG_KEPT_ANSWERS": "0", **server_env},
        ),
        process(
            warm_cmd,
            f"{warm_url}/sparql?query=ASK%7B%7D",
            env={"RELAPSEKG_CACHE": "1", "RELAPSEKG_KEPT_ANSWERS": "1", **server_env},
        ),
    ):
        cold_client, warm_client = (
            KeptAliveClient(cold_url, args.timeout),
            KeptAliveClient(warm_url, args.timeout),
        )
        peer_client = KeptAliveClient(peer_url, args.timeout)
        for name, sparql in queries.items():
            ours = Request.form("/sparql", {"query": sparql}, accept)
            full = Request.form(
                "/", {"query": sparql_prologue() + sparql}, accept
            )  # rdflib-endpoint needs the prefixes
            cold = timings(lambda r=ours: cold_client.send(r), args.repeats, args.budget, args.min_time)  # type: ignore[misc]
            cached = timings(lambda r=ours: warm_client.send(r), args.repeats, args.budget, args.min_time)  # type: ignore[misc]
            served[name] = warm_client.last_headers.get(
                "x-relapsekg-answer", "?"
            )  # cache, or kept (over 64 KiB)
            ours_n = solutions(cold_client.send(ours))
            try:
                theirs_n = solutions(peer_client.send(full))  # also its warm-up
                theirs = timings(
                    lambda c=peer_client, r=full: c.send(r),  # type: ignore[misc]
                    args.repeats,
                    args.budget,
                    args.min_time,
                )
                rows[name] = f"{ours_n}" if ours_n == theirs_n else f"{ours_n} ≠ {theirs_n}"
                http_rows.append((name, cold, cached, theirs, ""))
            except TimeoutError:
                http_rows.append((name, cold, cached, None, f"no answer within {args.timeout:g} s"))
                peer.close()  # rdflib-endpoint answers one query at a time: a runaway one blocks the rest
                peer = ExitStack()
                peer_url = start_peer(peer, trig)
                peer_client = KeptAliveClient(peer_url, args.timeout)
            except HTTPStatusError as exc:
                http_rows.append((name, cold, cached, None, f"error {exc.status}"))
        # The floor: the smallest query there is, on each server, asked last, when every server has
        # warmed up. No answer can come back faster than this over HTTP, so peer p50 / relapsekg's
        # floor bounds the ratio any engine could show.
        floor = {
            label: p50(
                timings(
                    lambda c=client, r=Request.form(path, {"query": "ASK {}"}, accept): c.send(r),  # type: ignore[misc]  # noqa: B008
                    200,
                    10,
                )
            )
            for label, client, path in (
                ("cold", cold_client, "/sparql"),
                ("cached", warm_client, "/sparql"),
                ("peer", peer_client, "/"),
            )
        }
    peer.close()

    print("## Over HTTP: p50/p95 in ms")
    print(
        "relapsekg cold: answer cache and kept answers off, every request runs the query in a worker; cached: "
        "the same request again, answered from relapsekg's cache of the current build, or for a named query's "
        "kept answer over 64 KiB from the build's file (served: which). rdflib-endpoint has no answer cache. "
        "bound: rdflib-endpoint's p50 over relapsekg's floor (its p50 for ASK {}), the largest ratio any "
        "engine behind relapsekg's HTTP layer could show for that query.\n"
    )
    print(
        f"Floor (ASK {{}}, p50 of 200): relapsekg cold {floor['cold']:.2f} ms, cached {floor['cached']:.2f} ms; "
        f"rdflib-endpoint {floor['peer']:.2f} ms\n"
    )
    print(
        "| query | rows | relapsekg cold p50 | p95 | relapsekg cached p50 | p95 | served | rdflib-endpoint p50 | p95 | ratio cold | ratio cached | bound |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    ratios: dict[str, list[tuple[float, str]]] = {"cold": [], "cached": [], "bound": []}
    for name, cold, cached, peer_times, failure in http_rows:
        if peer_times is None:
            print(
                f"| {name} | | {p50(cold):.1f} | {p95(cold):.1f} | {p50(cached):.2f} | {p95(cached):.2f} | {served[name]} | "
                f"{failure} | | | | |"
            )
            continue
        ratios["cold"].append((p50(peer_times) / p50(cold), name))
        ratios["cached"].append((p50(peer_times) / p50(cached), name))
        ratios["bound"].append((p50(peer_times) / floor["cached"], name))
        print(
            f"| {name} | {rows[name]} | {p50(cold):.1f} | {p95(cold):.1f} | {p50(cached):.2f} | {p95(cached):.2f} | "
            f"{served[name]} | {p50(peer_times):.1f} | {p95(peer_times):.1f} | {ratios['cold'][-1][0]:.0f}× | {ratios['cached'][-1][0]:.0f}× | "
            f"{ratios['bound'][-1][0]:.0f}× |"
        )
    failed = [r[0] for r in http_rows if r[3] is None]
    print()
    for label, column in (("cold", 1), ("cached", 2)):
        rs = ratios[label]
        print(
            f"HTTP, relapsekg {label}: geometric mean ratio {geomean([r for r, _ in rs]):.0f}× over the {len(rs)} queries "
            f"both answered; smallest {min(rs)[0]:.1f}× ({min(rs)[1]}); {sum(r >= 10 for r, _ in rs)} of {len(rs)} at 10× "
            f"or more; relapsekg p50 {min(p50(r[column]) for r in http_rows):.2f}–{max(p50(r[column]) for r in http_rows):.1f} ms"  # type: ignore[arg-type]
        )
    bound = ratios["bound"]
    print(
        f"Bound over HTTP (rdflib-endpoint p50 / relapsekg's {floor['cached']:.2f} ms floor): geometric mean "
        f"{geomean([r for r, _ in bound]):.0f}×; {sum(r < 10 for r, _ in bound)} of {len(bound)} queries cannot reach 10× "
        f"(rdflib-endpoint answers them in under ten floors: {', '.join(n for r, n in bound if r < 10) or 'none'})"
    )
    print(f"The peer failed or timed out on {len(failed)}: {', '.join(failed) or 'none'}")
    disagree = [n for n, r in rows.items() if "≠" in r]
    print(
        f"Same number of rows from both servers: {len(rows) - len(disagree)} of {len(rows)} queries both answered"
        + (f"; they differ on {', '.join(disagree)}" if disagree else "")
        + "\n"
    )
    if args.http_only:
        print(f"# {load()} at the end")
        return

    ds = Dataset(default_union=True)
    ds.parse(trig, format="trig")
    in_memory = LocalEngine(store, in_memory=True)
    inproc = []
    for name, sparql in queries.items():
        if name in failed:
            continue
        text = sparql_prologue() + sparql
        ox = timings(lambda s=sparql: consume(in_memory.query(s)), args.repeats, args.budget, args.min_time)  # type: ignore[misc]
        rd = timings(lambda t=text: list(ds.query(t)), args.repeats, args.budget, args.min_time)  # type: ignore[misc]
        inproc.append((name, p50(ox), p50(rd), p50(rd) / p50(ox)))
    print("## In process: p50 in ms (queries rdflib answers); both stores in memory")
    print("| query | pyoxigraph | rdflib | ratio |")
    print("|---|---:|---:|---:|")
    for name, a, b, ratio in inproc:
        print(f"| {name} | {a:.2f} | {b:.1f} | {ratio:.0f}× |")
    print(f"\nIn-process geometric mean ratio: {geomean([r[-1] for r in inproc]):.0f}×")
    print(f"\n# {load()} at the end")


if __name__ == "__main__":
    with_worker_environment()
    main()
