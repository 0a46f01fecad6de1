"""The FHIR export is a valid R5 Bundle of Evidence, one per result, that round-trips the numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fhir.resources.bundle import Bundle

from graph.engine import LocalEngine
from graph.exports import get_export


@pytest.fixture(scope="module")
def evidence(engine: LocalEngine) -> dict:
    bundle = Bundle.model_validate_json(get_export("fhir").write(engine))
    assert bundle.type == "collection"
    return {entry.resource.id: entry.resource for entry in bundle.entry}


def test_one_evidence_per_result(evidence: dict, engine: LocalEngine) -> None:
    from graph.exports.tables import evidence_rows

    assert set(evidence) == {r["result_id"] for r in evidence_rows(engine)}
    assert all(e.get_resource_type() == "Evidence" and e.status == "active" for e in evidence.values())


def test_arm_results_round_trip_with_population_exposure_comparator_outcome(evidence: dict) -> None:
    e = evidence["aall1331-ibm-dfs-blin"]
    roles = {v.variableRole.coding[0].code: v.description for v in e.variableDefinition}
    assert roles["population"] == "AALL1331 LR isolated BM relapse: blinatumomab arm"
    assert roles["referenceExposure"] == "AALL1331 LR isolated BM relapse: chemotherapy arm"
    assert roles["measuredVariable"] == "disease-free survival at 4 years"
    stat = e.statistic[0]
    assert stat.quantity.value == Decimal("72.9") and stat.quantity.code == "%"
    assert stat.sampleSize.numberOfParticipants == 70
    [p] = stat.attributeEstimate
    assert p.type.coding[0].code == "C44185" and p.quantity.value == Decimal("0.031")
    assert "72.9%" in e.description


def test_hazard_ratio_confidence_interval_and_qualified_values(evidence: dict) -> None:
    hr = evidence["topp-salvage-hazard-ratio"].statistic[0]
    assert hr.statisticType.coding[0].code == "C93150" and hr.quantity.value == Decimal("1.58")
    assert hr.attributeEstimate[0].quantity.comparator == "<" and hr.attributeEstimate[
        0
    ].quantity.value == Decimal("0.001")
    ci = [
        a
        for a in evidence["tower-later-salvage-median-os"].statistic[0].attributeEstimate
        if a.type.coding[0].code == "C53324"
    ][0]
    assert ci.level == Decimal("0.95") and (ci.range.low.value, ci.range.high.value) == (
        Decimal("3.2"),
        Decimal("7.1"),
    )
    open_ci = evidence["tower-first-salvage-median-os"].statistic[0].attributeEstimate[0]
    assert open_ci.range.high is None and "not reached" in open_ci.description
    below = evidence["adult-rr-5y-os"].statistic[0].quantity
    assert below.comparator == "<" and below.value == Decimal("20")
