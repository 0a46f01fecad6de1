"""What a person sees in Debian's chromium: a named question's page whose parameters change its
rows, quotes shown with their math typeset and their emphasis set (no `$` or `\\pm` left) while the
verbatim text stays in ``data-quote``, and the graph view's first render with legible labels that do
not overlap and a legend that covers no node. Screenshots go to test-artifacts/."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from test_graph_view_browser import Watched

from graph.namespaces import ID

RESULT = f"{ID}result/aall1331-bm-em-os-blin"  # "for BM + EM relapse ($n=32$), the 4-year DFS ($P=0.30$)…"


@pytest.fixture()
def page_watch(browser):
    w = Watched(browser)
    yield w
    w.close()


def assert_rendered(locator) -> None:
    """Every quote in ``locator`` reads as typeset text, and keeps its source in data-quote."""
    assert locator.count() > 0
    for i in range(locator.count()):
        q = locator.nth(i)
        shown = q.inner_text()
        assert "$" not in shown and "\\pm" not in shown and "\\geq" not in shown, shown
        assert q.get_attribute("data-quote"), "the verbatim text is kept"


def test_a_question_page_reruns_with_a_changed_parameter(page_watch, server, artifacts) -> None:
    page = page_watch.page
    page.goto(f"{server}/queries/arm-outcomes-by-subgroup")
    every = page.locator("table.qtable tbody tr").count()
    page.select_option("#p-endpoint", "os")
    with page.expect_navigation():
        page.click("form.qform button[type=submit]")
    assert "endpoint=os" in page.url
    rows = page.locator("table.qtable tbody tr")
    assert 0 < rows.count() < every
    assert set(rows.locator("td:nth-child(4)").all_inner_texts()) == {"os"}
    page.wait_for_selector(".rq-quote .katex")
    assert_rendered(page.locator("table.qtable .rq-quote"))
    sources = page.locator("table.qtable .rq-quote").evaluate_all("qs => qs.map(q => q.dataset.quote)")
    assert any("BM \\pm EM relapse ($n=174$)" in s for s in sources)
    assert page.locator("a", has_text="Draw in the graph").get_attribute("href") == (
        "/graph?question=arm-outcomes-by-subgroup&study=aall1331&endpoint=os"
    )
    page.screenshot(path=str(artifacts / "question-page.png"), full_page=True)
    page_watch.clean()


def test_a_quote_on_an_entity_page_and_in_the_graph_panel_is_typeset(page_watch, server, artifacts) -> None:
    page = page_watch.page
    page.goto(f"{server}/id/result/aall1331-bm-em-os-blin")
    page.wait_for_selector("blockquote.quote .katex")
    assert_rendered(page.locator("blockquote.quote .rq-quote"))
    assert "($n=32$)" in page.locator("blockquote.quote .rq-quote").first.get_attribute("data-quote")
    page = page_watch.open(f"{server}/graph?focus={quote(RESULT)}&depth=1")
    page.wait_for_selector("#gv-panel .gv-quote .katex")
    assert_rendered(page.locator("#gv-panel .gv-quote"))
    assert "null" not in page.locator("#gv-panel").inner_text().split(), "an empty section leaves no trace"
    page.screenshot(path=str(artifacts / "graph-panel-quote.png"))
    page_watch.clean()


def test_the_sparql_editor_shows_quote_columns_typeset(page_watch, server) -> None:
    page = page_watch.page
    page.goto(f"{server}/sparql?tab=significant-dfs-benefit")
    page.wait_for_selector(".yasr .rq-quote .katex", timeout=30000)
    assert_rendered(page.locator(".yasr .rq-quote"))
    page_watch.clean()


LABEL_BOXES = """() => {
  const g = window.relapsekgGraph, net = g.network, scale = net.getScale();
  const threshold = g.data.options.nodes.scaling.label.drawThreshold;
  return g.nodes.get().filter(n => n.label && (n.font ? n.font.size : 0) * scale >= threshold).map(n => {
    const s = net.body.nodes[n.id].labelModule.size;
    const a = net.canvasToDOM({x: s.left, y: s.top});
    const b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
    return {label: n.label, kind: n.kind, px: n.font.size * scale, x1: a.x, y1: a.y, x2: b.x, y2: b.y};
  });
}"""


def test_the_graph_view_first_render_has_legible_labels_that_do_not_overlap(
    page_watch, server, artifacts
) -> None:
    page = page_watch.open(f"{server}/graph")
    boxes = page.evaluate(LABEL_BOXES)
    assert len(boxes) >= 30, "the overview names its main nodes"
    assert min(b["px"] for b in boxes) >= 11, "every drawn label is legible at the default zoom"
    overlaps = [
        (p["label"], q["label"])
        for i, p in enumerate(boxes)
        for q in boxes[i + 1 :]
        if min(p["x2"], q["x2"]) - max(p["x1"], q["x1"]) > 1
        and min(p["y2"], q["y2"]) - max(p["y1"], q["y1"]) > 1
    ]
    assert overlaps == []
    labelled = {b["label"] for b in boxes}
    assert {"AALL1331", "blinatumomab"} <= labelled, "the trial and the drug the article is about"
    studies = page.evaluate("() => window.relapsekgGraph.nodes.get().filter(n => n.kind === 'study').length")
    named_studies = sum(b["kind"] == "study" for b in boxes)
    # The rest are named as zooming in makes room: a study with more relations goes first.
    assert named_studies >= studies / 3, f"only {named_studies} of {studies} studies named"
    legend = page.locator("#gv-legend").bounding_box()
    canvas = page.locator("#gv-canvas").bounding_box()
    assert legend["y"] + legend["height"] <= canvas["y"], "the legend is above the canvas, over no node"
    page.screenshot(path=str(artifacts / "graph-view-first-render.png"))
    page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    page.mouse.wheel(0, -600)
    labels = lambda: page.evaluate("() => Number(document.body.dataset.labels)")  # noqa: E731
    deadline = time.monotonic() + 10
    while labels() <= len(boxes) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert labels() > len(boxes), "zooming in makes room for more labels"
    page_watch.clean()


def test_the_self_contained_file_typesets_quotes_once_with_mathml(page_watch, store, tmp_path) -> None:
    from typer.testing import CliRunner

    from graph.cli import app
    from graph.commands import load_all

    load_all()
    out = tmp_path / "result.html"
    result = CliRunner().invoke(
        app, ["viz", "--store", str(store), "-o", str(out), "--focus", RESULT, "--depth", "1"]
    )
    assert result.exit_code == 0, result.output
    page = page_watch.open(out.as_uri())
    page.wait_for_selector("#gv-panel .gv-quote math")
    assert_rendered(page.locator("#gv-panel .gv-quote"))
    tex = page.locator("#gv-panel .gv-quote annotation").evaluate_all("a => a.map(x => x.textContent)")
    assert tex[:2] == ["n=32", "P=0.30"], "each formula typeset once, from its own TeX"
    page_watch.clean()
