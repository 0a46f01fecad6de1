"""Adds to each answerable question of a question set the graph's facts that answer it.

The question set (tests/data/ask-questions.yaml) was written by a reader who had not seen the
code, with the verbatim quote that answers each question. A question's expected facts are the
facts of the graph whose quote contains that quote, or is contained in it, or shares most of it
(of the kind the reader named, when the graph has one of that kind with the quote). Run after a
build: ``python -m benchmarks.ask_expected QUESTIONS.yaml [--store DIR] > OUT.yaml``.

The reader guessed a kind without seeing the graph; where the graph states the answer in a fact of
another kind (a treatment phase for "what reinduction", a result for "what proportion"), the item
names both kinds (``kind: [intervention, phase]``) and says why in its ``note``. An item whose
expected facts were chosen by hand (the quote is in no fact's, or its sentence is shared by facts
that do not state the answer) has ``expected_by_hand: true`` and a ``note``, and is kept as it is.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from graph import paths
from graph.ask.index import FILE
from graph.ask.source import FOLDER
from graph.store import current_build


def normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9%.]+", "", text.lower().replace("\\pm", "±"))


def expected_for(
    quote: str, kind: str | list[str] | None, facts: list[tuple[str, str, list[str]]]
) -> list[str]:
    """Facts whose quote holds the reader's quote (or is held by it); only when none does, those
    sharing most of it (a reader may drop the article's LaTeX or reflow a sentence)."""
    wanted = normalized(quote)
    exact: list[tuple[str, str]] = []
    near: list[tuple[str, str]] = []
    for iri, fact_kind, quotes in facts:
        haves = [normalized(q) for q in quotes]
        if any(wanted in have or (len(have) > 20 and have in wanted) for have in haves):
            exact.append((iri, fact_kind))
        elif any(
            SequenceMatcher(None, wanted, have, autojunk=False).find_longest_match().size >= 0.6 * len(wanted)
            for have in haves
        ):
            near.append((iri, fact_kind))
    found = exact or near
    kinds = set(kind) if isinstance(kind, list) else {kind}
    of_kind = [iri for iri, k in found if k in kinds]
    return sorted(of_kind or [iri for iri, _k in found])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--store", type=Path, default=paths.default_store())
    args = parser.parse_args()
    db = sqlite3.connect(current_build(args.store).path / FOLDER / FILE)
    facts = [
        (iri, kind, json.loads(r)["quotes"])
        for iri, kind, r in db.execute("SELECT iri, kind, record FROM facts")
    ]
    items = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    missing = 0
    for item in items:
        if item.get("unanswerable") or item.get("expected_by_hand"):
            continue
        item["expected"] = expected_for(item["quote"], item.get("kind"), facts)
        if not item["expected"]:
            missing += 1
            print(f"no fact holds the quote of {item['id']}: {item['quote']!r}", file=sys.stderr)
    sys.stdout.write(
        "# Questions in plain words, written by a reader who had not seen the code (answerable ones with\n"
        "# the verbatim quote that answers them, and unanswerable ones); `expected` added by\n"
        "# benchmarks/ask_expected.py: the graph's facts whose quote holds the reader's quote.\n"
    )
    sys.stdout.write(yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=110))
    print(f"{missing} answerable question(s) without an expected fact", file=sys.stderr)


if __name__ == "__main__":
    main()
