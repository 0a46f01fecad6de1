"""The comparison table reads as an ORKG-style comparison of the studies the article discusses."""

from __future__ import annotations

import csv
import io

from graph.engine import LocalEngine
from graph.exports import get_export
from graph.exports.comparison import COLUMNS


def rows(engine: LocalEngine) -> dict[str, dict[str, str]]:
    text = get_export("comparison-csv").write(engine).decode("utf-8")
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == COLUMNS
    return {r["study"]: r for r in table}


def test_the_studies_a_reviewer_compares_are_rows(engine: LocalEngine) -> None:
    table = rows(engine)
    aall = table["AALL1331"]
    assert aall["n"] == "255" and aall["references"] == "9, 11" and "randomized" in aall["design"]
    assert "61.2%, P=0.089" in aall["headline_result"] and "49.5%" in aall["headline_result"]
    assert "isolated CNS relapse: second-relapse 66.7%" in aall["cns_outcome"]
    assert "blinatumomab" in aall["intervention"] and "chemotherapy" in aall["comparator"]
    assert (
        "conventional chemotherapy" in table["TOWER"]["headline_result"]
        or "superior" in table["TOWER"]["headline_result"]
    )
    tower_salvage = table["Retrospective analysis of TOWER by salvage line (Dombret et al.)"]
    assert (
        tower_salvage["n"] == "104 + 167"
        and "11.1 months (95% CI 8.2–not reached)" in tower_salvage["headline_result"]
    )
    topp = table["Pooled analysis of blinatumomab as first versus later salvage (Topp et al.)"]
    assert "10.4 months, P<0.001" in topp["headline_result"]
    jacoby = table[
        "CD19 CAR T cells for pediatric relapsed ALL with active CNS involvement (Jacoby et al. 2022)"
    ]
    assert jacoby["n"] == "55" and "94%" in jacoby["cns_outcome"]
    prwcc = table["Pediatric Real World CAR Consortium"]
    assert prwcc["n"] == "184" and "88%" in prwcc["cns_outcome"] and "P=0.92" in prwcc["cns_outcome"]
    assert "against:" in table["Extramedullary relapse after blinatumomab (Aldoss et al.)"]["cns_outcome"]


def test_latex_comparison_is_escaped_and_complete(engine: LocalEngine) -> None:
    tex = get_export("comparison-latex").write(engine).decode("utf-8")
    assert tex.count(r"\\") >= len(rows(engine)) + 1
    assert r"61.2\%, P=0.089" in tex and r"\begin{longtable}" in tex and r"\end{longtable}" in tex
    body = tex.split(r"\endhead", 1)[1]
    assert "%" not in body.replace(r"\%", ""), "every percent sign is escaped"
