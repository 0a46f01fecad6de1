"""Reconciling the graph with an independent second extraction of the article."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from graph.engine import LocalEngine
from graph.exports import get_export

SECOND = Path(__file__).parent / "data" / "second-extraction"


def table(engine: LocalEngine, fmt: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(get_export(fmt).write(engine).decode("utf-8"))))


def second(name: str) -> list[dict[str, str]]:
    with open(SECOND / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def numbers_with_quotes(engine: LocalEngine) -> set[tuple[str, str]]:
    """(number, quote) pairs the graph states: result values, p-values, bounds and cohort sizes."""
    pairs = set()
    for row in table(engine, "evidence-csv"):
        for key in ("value", "p_value", "ci_low", "ci_high", "n"):
            if row[key]:
                pairs.add((row[key].lstrip("<>="), squash(row["quote"])))
    for row in table(engine, "cohorts-csv"):
        if row["n"]:
            pairs.add((row["n"], squash(row["quote"])))
    return pairs


def test_every_number_of_the_second_extraction_is_in_the_graph(numbers_with_quotes: set) -> None:
    missing = []
    for row in second("results.csv"):
        for key in ("value", "p_value", "ci_low", "ci_high"):
            number = row[key].lstrip("<>=")
            if not number or not number[0].isdigit():
                continue  # "NR": the graph keeps the text "not reached"
            their_quote = squash(row["quote"])
            if not any(
                n == number and (q in their_quote or their_quote in q) for n, q in numbers_with_quotes
            ):
                missing.append((row["result_id"], key, number))
    assert missing == []


def test_every_cohort_size_of_the_second_extraction_is_in_the_graph(engine: LocalEngine) -> None:
    ours = {r["n"] for r in table(engine, "cohorts-csv") if r["n"]}
    assert {r["n"] for r in second("cohorts.csv")} <= ours


def test_both_extractions_have_the_same_29_references(engine: LocalEngine) -> None:
    from graph.results import term_text, to_table

    rows = to_table(
        engine.query("SELECT ?n ?title WHERE { ?p rkg:referenceNumber ?n ; dcterms:title ?title }")
    ).rows
    ours = {int(term_text(r["n"])): term_text(r["title"]) for r in rows}
    theirs = {int(r["number"]): r["title"] for r in second("references.csv")}
    assert set(ours) == set(theirs) == set(range(1, 30))
    for number, title in theirs.items():
        assert squash(title).rstrip(".").lower().startswith(squash(ours[number]).rstrip(".").lower()[:40]), (
            number
        )
