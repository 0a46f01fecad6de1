"""Questions in plain words: how well `relapsekg ask` answers, and how fast, side by side.

Quality, in process, on a question set written by a reader who had not seen the code
(tests/data/ask-questions.yaml: each answerable question with the facts whose quote answers it,
and questions the graph cannot answer): recall@1, @3, @5 and MRR on the answerable ones, and how
many of the unanswerable ones are reported unanswered (and how many answerable ones are wrongly).

Speed, over HTTP (``GET /api/ask``, one kept-alive connection, after one untimed round): p50 and
p99 per question on the curated graph and, given ``--synth-store``, on a built synthetic corpus
(`relapsekg synth --triples 1m`, then `relapsekg build --sources`), asking the same questions.
The index's cost in the build: the seconds to write it against the build's own seconds.

    .venv/bin/python benchmarks/ask.py [--store STORE] [--synth-store STORE] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, build_store, load, machine, process, relapsekg_server

QUESTIONS = ROOT / "tests" / "data" / "ask-questions.yaml"


def quality(store: Path, items: list[dict]) -> dict:
    from graph.ask import AskerSource

    asker = AskerSource(store).get()
    answerable = [i for i in items if not i.get("unanswerable")]
    unanswerable = [i for i in items if i.get("unanswerable")]
    ranks, wrongly = [], 0
    for item in answerable:
        response = asker.ask(item["question"], 5).response
        iris = [a["iri"] for a in response["answers"]]
        expected = set(item.get("expected") or ())
        ranks.append(next((n for n, iri in enumerate(iris, 1) if iri in expected), None))
        wrongly += response["unanswered"]
    said = sum(asker.ask(i["question"], 5).response["unanswered"] for i in unanswerable)
    n = len(answerable)
    return {
        "answerable": n,
        "recall@1": sum(r is not None and r <= 1 for r in ranks) / n,
        "recall@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "recall@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "answerable reported unanswered": wrongly,
        "unanswerable": len(unanswerable),
        "unanswerable reported unanswered": said,
    }


def speed(store: Path, questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per question over HTTP, every question asked ``rounds`` times after one round."""
    cmd, url = relapsekg_server(store, "--workers", "2")
    times: list[float] = []
    with process(cmd, f"{url}/sparql?query=ASK%7B%7D", timeout=600), httpx.Client(timeout=120) as client:
        for round_ in range(rounds + 1):
            for question in questions:
                started = time.perf_counter()
                response = client.get(f"{url}/api/ask", params={"q": question, "top": 5})
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                if round_:
                    times.append(elapsed)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def index_cost(store: Path) -> tuple[float, float]:
    """(seconds to write the index, seconds of the whole build), from the build's own records."""
    import sqlite3

    from graph.ask.index import FILE
    from graph.ask.source import FOLDER
    from graph.store import current_build

    build = current_build(store)
    db = sqlite3.connect(build.path / FOLDER / FILE)
    seconds = json.loads(db.execute("SELECT value FROM meta WHERE key = 'seconds'").fetchone()[0])
    return seconds, float(build.manifest["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a built curated store (default: build one)")
    parser.add_argument("--synth-store", type=Path, help="a built synthetic store (e.g. 1M triples)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    questions = [i["question"] for i in items]
    print(f"# relapsekg ask — {machine()}")
    print(f"# load before: {load()}\n")
    store = args.store or build_store()
    q = quality(store, items)
    print(
        f"quality on {args.questions.name} ({q['answerable']} answerable, {q['unanswerable']} unanswerable):"
    )
    print(
        f"  recall@1 {q['recall@1']:.1%}  recall@3 {q['recall@3']:.1%}  recall@5 {q['recall@5']:.1%}  "
        f"MRR {q['mrr']:.3f}   (target: recall@3 >= 95%)"
    )
    print(
        f"  unanswerable reported unanswered: {q['unanswerable reported unanswered']} of {q['unanswerable']} "
        f"({q['unanswerable reported unanswered'] / q['unanswerable']:.0%}; target >= 90%); "
        f"answerable reported unanswered: {q['answerable reported unanswered']} of {q['answerable']}"
    )
    written, built = index_cost(store)
    print(
        f"\nindex in the build: {written:.2f} s of a {built:.2f} s build "
        f"({written / (built - written):.0%} added; target < 10%)"
    )
    rows = [("curated", store, "p50 < 30 ms, p99 < 100 ms")]
    if args.synth_store:
        rows.append(("synthetic", args.synth_store, "p50 < 300 ms"))
    print(f"\nover HTTP, GET /api/ask, {len(questions)} questions x {args.rounds} rounds:")
    print(f"  {'graph':10} {'quads':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  target")
    for name, path, target in rows:
        from graph.store import current_build

        quads = current_build(path).manifest.get("quads", 0)
        times = speed(path, questions, args.rounds)
        print(
            f"  {name:10} {quads:>10,} {statistics.median(times):8.1f} {percentile(times, 0.99):8.1f} "
            f"{max(times):8.1f}  {target}"
        )
    print(f"\n# load after: {load()}")


if __name__ == "__main__":
    main()
