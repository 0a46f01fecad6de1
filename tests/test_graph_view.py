"""The graph view over HTTP and as a file: what /graph draws, how it answers a focus or a
question, the side panel's evidence with verbatim quotes, clear 4xx errors, a page that loads
nothing from other hosts, and a layout precomputed for thousands of nodes."""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.commands import load_all
from graph.namespaces import ID
from graph.viz import render
from graph.viz.synthetic import synthetic_view

CAR_T = f"{ID}intervention/cd19-car-t"
BLINA = f"{ID}intervention/blinatumomab"
KINDS = {
    "study",
    "publication",
    "cohort",
    "intervention",
    "endpoint",
    "result",
    "finding",
    "factor",
    "risk-rule",
    "definition",
}


def _data(client, **params) -> dict:
    response = client.get("/graph/data", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_whole_graph_is_drawn_with_every_kind_positioned_and_a_legend(client) -> None:
    data = _data(client)
    assert {n["kind"] for n in data["nodes"]} == KINDS
    assert len(data["nodes"]) > 200 and len(data["edges"]) > 500
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    legend = {k["key"]: k for k in data["kinds"]}
    assert set(legend) == KINDS
    assert len({(k["color"], k["shape"]) for k in legend.values()}) == len(KINDS), "each kind looks different"
    assert all(n["shape"] == legend[n["kind"]]["shape"] for n in data["nodes"])
    relations = {e.get("label") for e in data["edges"]}
    assert {"subject", "cites as evidence"} <= {r for rel in relations if rel for r in rel.split(" · ")}
    assert data["physics"] is True, "the curated graph is small enough to settle with physics"


def test_the_page_loads_only_from_this_server_under_a_strict_policy(client) -> None:
    response = client.get("/graph")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "connect-src 'self'" in csp and "object-src 'none'" in csp
    urls = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert urls and all(u.startswith("/") for u in urls), urls
    for asset in ("vis-network.min.js", "vis-network.css", "graph.js", "graph.css"):
        assert f"/graph/assets/{asset}" in urls
        assert client.get(f"/graph/assets/{asset}").status_code == 200
    assert client.get("/graph/assets/..%2Fsettings.py").status_code == 404
    assert "<script>" not in response.text, "no inline script: the policy would block it"


def test_focus_draws_only_the_neighbourhood_within_depth(client) -> None:
    one = _data(client, focus="/id/intervention/cd19-car-t", depth=1)
    ids = {n["id"] for n in one["nodes"]}
    assert CAR_T in ids and f"{ID}finding/car-t-clears-cns" in ids
    touching = {e["from"] for e in one["edges"] if e["to"] == CAR_T} | {
        e["to"] for e in one["edges"] if e["from"] == CAR_T
    }
    assert ids - {CAR_T} <= touching, "depth 1: every other node is one relation away"
    two = _data(client, focus=CAR_T, depth=2)
    assert len(ids) < len(two["nodes"]) < len(_data(client)["nodes"])
    assert [n["id"] for n in _data(client, focus=CAR_T, depth=0)["nodes"]] == [CAR_T]
    assert one["mode"] == "focus" and one["title"].startswith("Around CD19 CAR T cell therapy")


def test_a_question_draws_its_answer_subgraph_with_the_rows_beside_it(client) -> None:
    data = _data(client, question="cns-efficacy")
    ids = {n["id"] for n in data["nodes"]}
    assert {CAR_T, BLINA} <= ids
    answer = data["answer"]
    rows = {(r["therapy"], r["direction"]) for r in answer["rows"]}
    assert ("CD19 CAR T cell therapy", "for") in rows and ("blinatumomab", "against") in rows
    linked = {iri for links in answer["links"] for iri in links.values()}
    assert {CAR_T, BLINA} <= linked, "answer cells naming a therapy link to its node"


def test_evidence_on_the_therapy_itself_comes_before_evidence_on_its_products(client) -> None:
    """CD19 CAR T cells have products (tisagenlecleucel, memory-enriched CAR T cells): within a
    topic, what the article says of CAR T cells comes before what it says of a product."""
    evidence = client.get("/graph/details", params={"iri": CAR_T}).json()["evidence"]
    cns = [e for e in evidence if e["topic"] == "cns-efficacy"]
    assert any(e["via"] for e in cns) and any(not e["via"] for e in cns)
    assert [bool(e["via"]) for e in cns] == sorted(bool(e["via"]) for e in cns)


def test_clicking_car_t_shows_cns_evidence_with_verbatim_quotes(client) -> None:
    details = client.get("/graph/details", params={"iri": CAR_T}).json()
    assert details["label"] == "CD19 CAR T cell therapy" and details["href"] == "/id/intervention/cd19-car-t"
    cns = [e for e in details["evidence"] if e["topic"] == "cns-efficacy"]
    assert cns and all(e["direction"] == "for" for e in cns)
    assert any("CAR T cells are effective at clearing CNS disease" in e["quote"] for e in cns)
    assert details["evidence"][0]["topic"] == "cns-efficacy", "CNS evidence is listed first"
    blina = client.get("/graph/details", params={"iri": BLINA}).json()
    against = [e for e in blina["evidence"] if e["topic"] == "cns-efficacy" and e["direction"] == "against"]
    assert any("not particularly effective in treating CNS disease" in e["quote"] for e in against)


def test_expanding_a_node_returns_its_neighbours_and_search_finds_undrawn_nodes(client) -> None:
    more = client.get("/graph/neighbours", params={"iri": "/id/study/aall1331"}).json()
    ids = {n["id"] for n in more["nodes"]}
    assert f"{ID}study/aall1331" in ids and len(ids) > 10
    assert all(e["from"] in ids and e["to"] in ids for e in more["edges"])
    hits = client.get("/graph/search", params={"q": "blinatumomab"}).json()
    assert hits[0]["node"] == BLINA, "an exact label match comes first"


@pytest.mark.parametrize(
    "path, params, status, message",
    [
        ("/graph", {"focus": "not an iri"}, 400, "absolute IRI"),
        ("/graph", {"focus": "/id/study/no-such-study"}, 404, "not a node of the graph"),
        ("/graph", {"question": "no-such-question"}, 404, "no named query"),
        ("/graph", {"question": "cns-efficacy", "colour": "red"}, 400, "unknown parameter"),
        ("/graph", {"focus": CAR_T, "question": "cns-efficacy"}, 400, "either a focus node or a question"),
        ("/graph", {"depth": "9"}, 400, "less than or equal to 4"),
        ("/graph/details", {"iri": f"{ID}study/no-such-study"}, 404, "not a node of the graph"),
        ("/graph/neighbours", {"iri": "javascript:alert"}, 404, "not a node"),
        ("/graph/search", {"q": ""}, 400, "at least 1 character"),
    ],
)
def test_bad_requests_get_a_4xx_that_says_what_is_wrong(client, path, params, status, message) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert message in response.text


def test_script_data_cannot_close_its_element() -> None:
    label = '</script><img src=x onerror="alert(1)">"><script>alert(2)</script>\u2028'
    text = render.json_for_script({"label": label})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text)["label"] == label


def test_viz_writes_one_self_contained_file_whose_scripts_the_policy_allows_by_hash(
    store: Path, tmp_path: Path
) -> None:
    load_all()
    out = tmp_path / "car-t.html"
    result = CliRunner().invoke(
        app, ["viz", "--store", str(store), "-o", str(out), "--focus", CAR_T, "--depth", "1"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    markup = re.sub(
        r"<script>.*?</script>", "<script></script>", html, flags=re.S
    )  # the page, not script text
    assert not re.search(r"<(?:script|link|img)[^>]+(?:src|href)=", markup), "nothing is loaded from anywhere"
    csp = html_lib.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    )
    assert "connect-src 'none'" in csp and "default-src 'none'" in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == len([name for name in render.assets() if name.endswith(".js")]) >= 2
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    data = json.loads(
        re.search(r'<script type="application/json" id="gv-data">(.*?)</script>', html, re.S).group(1)
    )
    assert data["standalone"] and CAR_T in data["details"], "the side panel works without a server"
    assert any("clearing CNS disease" in e["quote"] for e in data["details"][CAR_T]["evidence"])


def test_viz_refuses_an_unknown_focus_with_a_clear_message(store: Path, tmp_path: Path) -> None:
    load_all()
    result = CliRunner().invoke(
        app, ["viz", "--store", str(store), "-o", str(tmp_path / "x.html"), "--focus", "study/nope"]
    )
    assert result.exit_code == 2 and "not a node of the graph" in result.output
    assert not (tmp_path / "x.html").exists()


def test_a_5000_node_graph_is_laid_out_in_python_and_drawn_without_physics() -> None:
    view = synthetic_view(5000, seed=3)
    data = render.payload(view, standalone=True)
    assert (
        len(data["nodes"]) > 4900
        and data["physics"] is False
        and data["options"]["physics"]["enabled"] is False
    )
    assert data["options"]["layout"]["improvedLayout"] is False
    positions = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) > 0.99 * len(data["nodes"]), "nodes are spread, not stacked"
    xs = [n["x"] for n in data["nodes"]]
    assert max(xs) - min(xs) > 2000
    again = render.payload(synthetic_view(5000, seed=3), standalone=True)
    assert [(n["x"], n["y"]) for n in again["nodes"]] == [(n["x"], n["y"]) for n in data["nodes"]], (
        "deterministic"
    )


def test_the_views_queries_stay_under_the_endpoints_length_cap_however_many_nodes_they_list(
    engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The views' own queries pass the cap on query length (MAX_QUERY_LENGTH, 20 000 characters)
    as a reader's do; expanding AALL1331, whose neighbours' neighbours number in the hundreds,
    lists them a part at a time."""
    from graph.viz import extract

    select = extract.engine_select(engine)
    lengths: list[int] = []

    def measured(query: str) -> list[dict[str, str]]:
        lengths.append(len(query))
        return select(query)

    expanded = extract.run(extract.neighbours(f"{ID}study/aall1331"), measured)
    assert len(expanded.nodes) > 2 * extract.IRIS_PER_QUERY
    view = extract.run(extract.neighbourhood(f"{ID}study/aall1331", depth=2), measured)
    assert len(view.subgraph.nodes) > 2 * extract.IRIS_PER_QUERY
    answer = extract.run(extract.question("evidence-network"), measured)
    assert answer.subgraph.nodes
    assert max(lengths) < 20_000
    # Asked for in parts, the views are what one query each would give.
    monkeypatch.setattr(extract, "IRIS_PER_QUERY", 10**6)
    whole_expanded = extract.run(extract.neighbours(f"{ID}study/aall1331"), select)
    whole_view = extract.run(extract.neighbourhood(f"{ID}study/aall1331", depth=2), select)
    assert expanded.nodes == whole_expanded.nodes and expanded.edges == whole_expanded.edges
    assert (
        view.subgraph.nodes == whole_view.subgraph.nodes and view.subgraph.edges == whole_view.subgraph.edges
    )
