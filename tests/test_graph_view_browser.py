"""The graph view in Debian's chromium: it draws without console errors or requests to other
hosts; search, the type filter, focus, expansion, questions and the side panel work; a label
that is an XSS payload is shown as text and runs nothing; screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from browsing import Watched
from serving import start_server

from graph.build import build
from graph.cli import app
from graph.commands import load_all
from graph.namespaces import ID

CAR_T = f"{ID}intervention/cd19-car-t"
XSS = '<img src=x onerror="window.__xss=true"> "><script>window.__xss=true</script> Jacoby CNS study'


@pytest.fixture()
def watched(browser) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


def search_and_choose(page, text: str) -> None:
    page.fill("#gv-search-input", text)
    page.wait_for_selector("#gv-search-results button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gv-node-title")


def status(page) -> tuple[int, int]:
    shown, total = re.match(r"(\d+) of (\d+) nodes", page.inner_text("#gv-status")).groups()
    return int(shown), int(total)


def test_the_graph_draws_and_clicking_car_t_shows_the_cns_evidence_with_quotes(
    watched, server, artifacts
) -> None:
    page = watched.open(f"{server}/graph")
    shown, total = status(page)
    assert shown == total > 200
    assert page.locator("#gv-legend .gv-legend-item").count() == 10
    page.screenshot(path=str(artifacts / "graph-view.png"))
    search_and_choose(page, "CD19 CAR T cell therapy")
    panel = page.locator("#gv-panel")
    assert panel.locator(".gv-node-title").inner_text() == "CD19 CAR T cell therapy"
    assert "efficacy against CNS disease" in panel.inner_text()
    assert (
        "CAR T cells are effective at clearing CNS disease" in panel.locator(".gv-quote").first.inner_text()
    )
    assert panel.locator(".gv-dir-for").count() >= 3
    assert panel.locator(".gv-iri a").get_attribute("href") == "/id/intervention/cd19-car-t"
    assert page.evaluate("window.relapsekgGraph.network.getSelectedNodes()") == [CAR_T]
    page.screenshot(path=str(artifacts / "graph-view-car-t.png"))
    watched.clean()


def test_the_type_filter_hides_a_kind_and_brings_it_back(watched, server) -> None:
    page = watched.open(f"{server}/graph")
    _shown, total = status(page)
    page.locator('#gv-legend input[value="publication"]').uncheck()
    assert status(page) == (total - 30, total), "the 30 publications are hidden"
    page.locator('#gv-legend input[value="publication"]').check()
    assert status(page) == (total, total)
    watched.clean()


def test_focus_and_depth_draw_a_neighbourhood_and_double_click_expands_it(watched, server, artifacts) -> None:
    page = watched.open(f"{server}/graph?focus={quote(CAR_T)}&depth=1")
    shown, total = status(page)
    assert shown == total < 30
    assert page.locator(".gv-node-title").inner_text() == "CD19 CAR T cell therapy", (
        "the focus node's panel opens"
    )
    assert page.locator("#gv-depth").input_value() == "1"
    page.screenshot(path=str(artifacts / "graph-view-focus.png"))
    study = f"{ID}study/jacoby-cns-car-t"
    point = page.evaluate(
        "id => { const n = window.relapsekgGraph.network; const p = n.getPositions([id])[id];"
        " return n.canvasToDOM(p); }",
        study,
    )
    box = page.locator("#gv-canvas").bounding_box()
    page.mouse.dblclick(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector(f"#gv-status:has-text('of {total} nodes')", state="detached", timeout=10000)
    page.wait_for_selector("#gv-status:has-text(' nodes')")
    assert status(page)[1] > total, "double-click added the study's neighbours"
    watched.clean()


def test_the_cns_question_draws_its_answer_with_rows_that_find_their_nodes(
    watched, server, artifacts
) -> None:
    page = watched.open(f"{server}/graph?question=cns-efficacy")
    table = page.locator("ol.gv-answer")
    text = table.inner_text()
    assert "CD19 CAR T cell therapy" in text and "blinatumomab" in text and "against" in text
    page.screenshot(path=str(artifacts / "graph-view-cns-question.png"))
    table.get_by_role("button", name="blinatumomab", exact=True).first.click()
    page.wait_for_selector(".gv-node-title")
    panel = page.locator("#gv-panel").inner_text()
    assert "not particularly effective in treating CNS disease" in panel
    assert page.locator("#gv-question").input_value() == "cns-efficacy"
    watched.clean()


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    """The curated sources with one study named by an XSS payload."""
    from graph import paths

    sources = tmp_path_factory.mktemp("hostile") / "sources"
    shutil.copytree(paths.SOURCES_DIR, sources)
    path = sources / "references" / "ref-27-jacoby-2022.yaml"
    text = path.read_text()
    old = "    name: CD19 CAR T cells for pediatric relapsed ALL with active CNS involvement (Jacoby et al. 2022)\n"
    assert old in text
    path.write_text(text.replace(old, "    name: '" + XSS.replace("'", "''") + "'\n"))
    root = tmp_path_factory.mktemp("hostile-store")
    report = build(root, sources, reason=False)
    assert report.ok, "\n".join(map(str, report.problems))
    return root


def _assert_payload_is_text(page) -> None:
    assert page.evaluate("window.__xss") is None, "the payload ran"
    assert page.locator("#gv-panel img, #gv-panel script, #gv-search-results img").count() == 0
    assert page.locator(".gv-node-title").inner_text() == XSS


def test_a_hostile_label_is_shown_as_text_on_the_server_page(watched, hostile_store, artifacts) -> None:
    proc, url = start_server(hostile_store, "--workers", "1")
    try:
        page = watched.open(f"{url}/graph?focus={quote(ID + 'study/jacoby-cns-car-t')}&depth=1")
        page.wait_for_selector(".gv-node-title")
        _assert_payload_is_text(page)
        assert XSS in page.title() or "Around" in page.title()
        page.fill("#gv-search-input", "Jacoby CNS study")
        page.wait_for_selector("#gv-search-results button")
        assert XSS in page.inner_text("#gv-search-results")
        node = page.evaluate(
            f"window.relapsekgGraph.nodes.get('{ID}study/jacoby-cns-car-t').title.textContent"
        )
        assert XSS in node, "the tooltip is a text node"
        page.screenshot(path=str(artifacts / "graph-view-hostile-label.png"))
        _assert_payload_is_text(page)
        watched.clean()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_hostile_label_is_shown_as_text_in_the_self_contained_file(
    watched, hostile_store, tmp_path
) -> None:
    from typer.testing import CliRunner

    load_all()
    out = tmp_path / "hostile.html"
    result = CliRunner().invoke(app, ["viz", "--store", str(hostile_store), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = watched.open(out.as_uri())
    search_and_choose(page, "Jacoby CNS study")
    _assert_payload_is_text(page)
    watched.clean()
