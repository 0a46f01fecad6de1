"""Questions in plain words: how well `relapsekg ask` answers, and how fast, side by side.

Quality, in process, on question sets written by fourteen readers who had seen neither the code nor
each other's sets, side by side (tests/data/ask-questions*.yaml; each says in its header whether
its misses were read while the ask code changed or only its figures were looked at): each
answerable question with the facts whose quote answers it, and questions the graph cannot
answer. Printed: recall@1, @3, @5 and MRR on the answerable ones, and how many of the
unanswerable ones are reported unanswered (and how many answerable ones are wrongly). Beside
them, two weaker measures that are not the target's: how often the expected fact is in the top 3
or named on a top-3 answer's card as a fact its sentence also states (the results a reader named
where the finding drawn from them came first), and how often it is in the top 3 or a top-3 answer
quotes the reader's sentence: the user reads the answer in its quote, not in the fact's fields.

Speed, over HTTP (``GET /api/ask``, one kept-alive connection, after one untimed round): p50 and
p99 per question on the curated graph and, given ``--synth-store``, on a built synthetic corpus
(`relapsekg synth --triples 1m`, then `relapsekg build --sources`), asking the same questions.
The index's cost in the build: the seconds to write it against the build's own seconds.

    .venv/bin/python benchmarks/ask.py [--store STORE] [--synth-store STORE] [--rounds 3]
        [--questions FILE ...] [--quality-only]
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

from benchmarks.ask_expected import normalized
from benchmarks.common import ROOT, build_store, load, machine, process, relapsekg_server

QUESTIONS = [
    ROOT / "tests" / "data" / "ask-questions.yaml",
    ROOT / "tests" / "data" / "ask-questions-heldout.yaml",
    ROOT / "tests" / "data" / "ask-questions-third.yaml",
    ROOT / "tests" / "data" / "ask-questions-fourth.yaml",
    ROOT / "tests" / "data" / "ask-questions-fifth.yaml",
    ROOT / "tests" / "data" / "ask-questions-sixth.yaml",
    ROOT / "tests" / "data" / "ask-questions-seventh.yaml",
    ROOT / "tests" / "data" / "ask-questions-eighth.yaml",
    ROOT / "tests" / "data" / "ask-questions-ninth.yaml",
    ROOT / "tests" / "data" / "ask-questions-tenth.yaml",
    ROOT / "tests" / "data" / "ask-questions-eleventh.yaml",
    ROOT / "tests" / "data" / "ask-questions-twelfth.yaml",
    ROOT / "tests" / "data" / "ask-questions-thirteenth.yaml",
    ROOT / "tests" / "data" / "ask-questions-fourteenth.yaml",
]


def quality(store: Path, items: list[dict]) -> dict:
    from graph.ask import AskerSource

    asker = AskerSource(store).get()
    answerable = [i for i in items if not i.get("unanswerable")]
    unanswerable = [i for i in items if i.get("unanswerable")]
    ranks, wrongly, card, sentence = [], 0, 0, 0
    for item in answerable:
        response = asker.ask(item["question"], 5).response
        iris = [a["iri"] for a in response["answers"]]
        expected = set(item.get("expected") or ())
        ranks.append(next((n for n, iri in enumerate(iris, 1) if iri in expected), None))
        wrongly += response["unanswered"]
        in_top_3 = ranks[-1] is not None and ranks[-1] <= 3
        top_3 = response["answers"][:3]
        card += in_top_3 or any(m["iri"] in expected for a in top_3 for m in a["same_sentence"])
        sentence += in_top_3 or any(_quotes(a, item["quote"]) for a in top_3)
    said = sum(asker.ask(i["question"], 5).response["unanswered"] for i in unanswerable)
    n = len(answerable)
    return {
        "answerable": n,
        "recall@1": sum(r is not None and r <= 1 for r in ranks) / n,
        "recall@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "recall@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "card@3": card / n,
        "sentence@3": sentence / n,
        "answerable reported unanswered": wrongly,
        "unanswerable": len(unanswerable),
        "unanswerable reported unanswered": said,
    }


def _quotes(answer: dict, quote: str) -> bool:
    """Whether an answer quotes the reader's sentence (as benchmarks/ask_expected.py compares them)."""
    wanted = normalized(quote)
    return any(wanted in normalized(q) for q in answer.get("quotes", [answer["quote"]]))


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


def quality_table(results: list[tuple[str, dict]]) -> list[str]:
    """The sets' figures in columns, one line per measure."""
    width = max(24, *(len(name) + 2 for name, _q in results))
    lines = [f"  {'':38}" + "".join(f"{name:>{width}}" for name, _q in results)]

    def row(label: str, cell) -> None:
        lines.append(f"  {label:38}" + "".join(f"{cell(q):>{width}}" for _name, q in results))

    row("answerable / unanswerable", lambda q: f"{q['answerable']} / {q['unanswerable']}")
    row("recall@1", lambda q: f"{q['recall@1']:.1%}")
    row("recall@3 (target >= 95%)", lambda q: f"{q['recall@3']:.1%}")
    row("recall@5", lambda q: f"{q['recall@5']:.1%}")
    row("MRR", lambda q: f"{q['mrr']:.3f}")
    row("in top 3 or on a top-3 answer's card", lambda q: f"{q['card@3']:.1%}")
    row("in top 3 or its sentence quoted there", lambda q: f"{q['sentence@3']:.1%}")
    row(
        "unanswerable said unanswered (>= 90%)",
        lambda q: (
            f"{q['unanswerable reported unanswered']} of {q['unanswerable']} "
            f"({q['unanswerable reported unanswered'] / max(q['unanswerable'], 1):.0%})"
        ),
    )
    row(
        "answerable said unanswered",
        lambda q: f"{q['answerable reported unanswered']} of {q['answerable']}",
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a built curated store (default: build one)")
    parser.add_argument("--synth-store", type=Path, help="a built synthetic store (e.g. 1M triples)")
    parser.add_argument("--questions", type=Path, nargs="+", default=[q for q in QUESTIONS if q.exists()])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quality-only", action="store_true", help="no timing over HTTP")
    args = parser.parse_args()
    sets = [(path.name, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in args.questions]
    questions = [i["question"] for i in sets[0][1]]  # timed: the first set's questions
    print(f"# relapsekg ask — {machine()}")
    print(f"# load before: {load()}\n")
    store = args.store or build_store()
    results = [(name, quality(store, items)) for name, items in sets]
    print("quality, in process:")
    print("\n".join(quality_table(results)))
    written, built = index_cost(store)
    print(
        f"\nindex in the build: {written:.2f} s of a {built:.2f} s build "
        f"({written / (built - written):.0%} added; target < 10%)"
    )
    if args.quality_only:
        print(f"\n# load after: {load()}")
        return
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
