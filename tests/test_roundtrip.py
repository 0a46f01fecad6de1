"""Sources → RDF → SPARQL gives back every number as curated, with its verbatim quote."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from graph.corpus import load_corpus
from graph.engine import LocalEngine
from graph.exports import get_export
from graph.exports.tables import COHORT_COLUMNS, EVIDENCE_COLUMNS
from graph.paths import texts_dir


@pytest.fixture(scope="module")
def curated_results() -> dict:
    corpus = load_corpus()
    assert not corpus.problems
    return {r.id: r for f in corpus.files for r in f.source.results}


@pytest.fixture(scope="module")
def evidence(engine: LocalEngine) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(get_export("evidence-csv").write(engine).decode("utf-8"))))
    return {row["result_id"]: row for row in rows}


def test_every_curated_result_is_one_row(curated_results: dict, evidence: dict) -> None:
    assert set(evidence) == set(curated_results)
    assert len(evidence) >= 45


def test_numbers_survive_the_round_trip(curated_results: dict, evidence: dict) -> None:
    for rid, result in curated_results.items():
        row = evidence[rid]
        if result.value is not None:
            assert row["value"] == str(result.value), rid
            assert Decimal(row["value"]) == result.value
        if result.p is not None:
            assert row["p_value"] == result.p, rid
        if result.n is not None:
            assert row["n"] == str(result.n), rid
        assert row["statistic"] == result.statistic
        assert row["endpoint"] == result.endpoint
        assert row["timepoint"] == (result.timepoint or "")
        assert row["reference_number"] == ";".join(map(str, sorted(result.references)))


def test_every_quote_is_character_for_character_in_the_source(evidence: dict) -> None:
    text = (texts_dir() / "murphy-aldoss-2024-tp-23-521.txt").read_text(encoding="utf-8")
    for rid, row in evidence.items():
        assert row["quote"] in text, rid
        if row["value"]:
            assert row["value"] in row["quote"], rid


def test_evidence_csv_has_the_interface_columns(engine: LocalEngine) -> None:
    header = get_export("evidence-csv").write(engine).decode("utf-8").splitlines()[0]
    assert header.split(",") == EVIDENCE_COLUMNS


def test_cohorts_csv_has_every_cohort_with_its_n(engine: LocalEngine) -> None:
    rows = list(csv.DictReader(io.StringIO(get_export("cohorts-csv").write(engine).decode("utf-8"))))
    assert list(rows[0]) == COHORT_COLUMNS
    sizes = {r["cohort_id"]: r["n"] for r in rows}
    assert sizes["aall1331-lr"] == "255"
    assert (sizes["aall1331-lr-blin"], sizes["aall1331-lr-chemo"]) == ("127", "128")
    assert (sizes["aall1331-ibm-blin"], sizes["aall1331-ibm-chemo"]) == ("70", "72")
    assert (
        sizes["aldoss2022-all"] == "132" and sizes["prwcc-all"] == "184" and sizes["jacoby2022-cns"] == "55"
    )
    assert sizes["tower-first-salvage"] == "104" and sizes["tower-later-salvage"] == "167"
    parents = {r["cohort_id"]: r["parent"] for r in rows}
    assert parents["aall1331-ibm"] == "aall1331-bm-pm-em" and parents["aall1331-ibm-blin"] == "aall1331-ibm"
