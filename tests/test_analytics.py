"""Citation and evidence analytics (networkx), on the command line and over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graph.analytics import centrality, citations, components, load_network, paths, support
from graph.engine import LocalEngine
from graph.exports.tables import rows_of


@pytest.fixture(scope="module")
def net(engine: LocalEngine):
    return load_network(lambda q: rows_of(engine, q))


def test_citation_network_has_the_29_references_with_their_intents(net) -> None:
    rows = citations(net)
    assert len(rows) == 29 and all(r["citing"] == "Murphy & Aldoss 2024" for r in rows)
    hogan = next(r for r in rows if r["reference"].startswith("[11]"))
    assert {"reviews", "citesAsDataSource"} <= set(hogan["intents"]) and hogan["facts_derived"] > 30
    assert next(r for r in rows if r["reference"].startswith("[17]"))["intents"] == [
        "agreesWith",
        "citesAsEvidence",
    ]


def test_support_ranks_the_aall1331_report_first(net) -> None:
    rows = support(net)
    assert rows[0]["reference"].startswith("[11]") and rows[0]["results"] == 27
    jacoby = next(r for r in rows if r["reference"].startswith("[27]"))
    assert any("94%" in claim for claim in jacoby["claims"])


def test_centrality_puts_aall1331_and_its_report_at_the_centre(net) -> None:
    top = centrality(net, top=2)
    assert {r["entity"] for r in top} == {"Children's Oncology Group AALL1331", "[11] Hogan et al. 2023"}
    assert all(0 < r["pagerank"] < 1 and 0 <= r["betweenness"] <= 1 for r in top)


def test_paths_from_a_therapy_to_an_outcome_go_through_results_and_regimens(net) -> None:
    rows = paths(net, "blinatumomab", "dfs")
    vias = [r["via"] for r in rows]
    assert ["intervention/blinatumomab-chemotherapy", "result/aall1331-ibm-dfs-blin"] in vias
    assert all(r["length"] <= 3 for r in rows)
    assert paths(net, "cd19-car-t", "complete-remission")[0]["via"] == ["result/jacoby2022-cns-cr"]
    with pytest.raises(KeyError):
        paths(net, "aspirin", "dfs")


def test_cns_efficacy_components_separate_car_t_from_blinatumomab(net) -> None:
    cns = [r for r in components(net) if r["topic"] == "cns-efficacy"]
    car_t = next(r for r in cns if "CD19 CAR T cell therapy" in r["therapies"])
    blin = next(r for r in cns if "blinatumomab" in r["therapies"])
    assert car_t is not blin
    assert (
        "[27] Jacoby et al. 2022" in car_t["references"] and "[24] Aldoss et al. 2022" in blin["references"]
    )


def test_analyze_on_the_command_line_as_json(store) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "analyze",
            "paths",
            "--from",
            "blinatumomab",
            "--to",
            "os",
            "--store",
            str(store),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert any(row["via"][-1].startswith("result/aall1331") for row in json.loads(result.stdout))
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "analyze",
            "paths",
            "--from",
            "aspirin",
            "--to",
            "os",
            "--store",
            str(store),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "aspirin" in bad.stderr


def test_analytics_over_http(client) -> None:
    assert len(client.get("/api/analytics/citations").json()) == 29
    assert client.get("/api/analytics/centrality", params={"top": 3}).json()[0]["type"] in (
        "study",
        "publication",
    )
    rows = client.get(
        "/api/analytics/paths", params={"from": "cd19-car-t", "to": "complete-remission"}
    ).json()
    assert rows and rows[0]["via"] == ["result/jacoby2022-cns-cr"]
    assert client.get("/api/analytics/paths", params={"from": "aspirin", "to": "dfs"}).status_code == 404
    assert any(r["topic"] == "cns-efficacy" for r in client.get("/api/analytics/components").json())
    assert client.get("/api/analytics/support").json()[0]["reference"].startswith("[11]")
