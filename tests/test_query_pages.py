"""Every named question has a page for people at its own path: a browser asking
``GET /queries/{name}`` gets a form for the parameters (choices drawn from the graph), the answer
as a table with its quotes rendered, a CSV download and a link that draws it in the graph;
programs asking the same path keep getting results; ``/queries`` is a compact list of them."""

from __future__ import annotations

import csv
import io
import re

import pytest

from api.pages import quote_html
from graph.named import NamedQueries

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select id="p-{name}" name="{name}">(.*?)</select>', html, re.S)
    assert select, f"no select for {name}"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1]))


def test_a_browser_gets_the_page_a_program_gets_the_results(client) -> None:
    page = client.get("/queries/arm-outcomes-by-subgroup", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Outcomes of each arm in each subgroup</h1>" in page.text
    assert options(page.text, "study")["aall1331"].startswith("AALL1331"), "studies come from the graph"
    assert options(page.text, "endpoint")["os"] == "overall survival (OS)"
    assert options(page.text, "endpoint")[""] == "any"
    program = client.get("/queries/arm-outcomes-by-subgroup")
    assert program.headers["content-type"].startswith("application/sparql-results+json")


def test_the_parameters_change_the_rows(client) -> None:
    every = client.get("/queries/arm-outcomes-by-subgroup", headers=HTML).text
    os_only = client.get("/queries/arm-outcomes-by-subgroup", params={"endpoint": "os"}, headers=HTML).text
    count = lambda html: int(re.search(r'id="qcount">(\d+) row', html)[1])  # noqa: E731
    assert count(os_only) == 10 < count(every)
    assert re.search(r'<option value="os" selected>', os_only), "the form shows what was asked"


def test_csv_download_and_draw_in_the_graph(client) -> None:
    page = client.get("/queries/arm-outcomes-by-subgroup", params={"endpoint": "os"}, headers=HTML).text
    csv_href = re.search(r'<a class="button" href="([^"]+)" download>', page)[1].replace("&amp;", "&")
    assert "/graph?question=arm-outcomes-by-subgroup&amp;endpoint=os" in page
    r = client.get(csv_href, headers=HTML)
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="arm-outcomes-by-subgroup.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 10 and {row["endpoint"] for row in rows} == {"os"}
    assert "$n=174$" in r.text, "the CSV keeps the quotes verbatim"


def test_quotes_in_the_table_are_rendered_and_kept_verbatim(client) -> None:
    page = client.get("/queries/arm-outcomes-by-subgroup", params={"endpoint": "os"}, headers=HTML).text
    assert '<span class="math inline">n=174</span>' in page
    assert 'data-quote="Of the two-thirds of patients who had a BM \\pm EM relapse ($n=174$)' in page


@pytest.mark.parametrize("name", sorted(NamedQueries().all()))
def test_every_question_has_a_page(client, name: str) -> None:
    r = client.get(f"/queries/{name}", headers=HTML)
    assert r.status_code == 200, r.text[:500]
    assert 'class="qform"' in r.text or not NamedQueries().get(name).params


def test_a_bad_parameter_is_a_400_page_that_says_why(client) -> None:
    r = client.get("/queries/significant-comparisons", params={"alpha": "often"}, headers=HTML)
    assert r.status_code == 400 and "needs a number" in r.text and 'class="qform"' in r.text
    assert client.get("/queries/no-such-question", headers=HTML).status_code == 404
    assert client.get("/queries/studies", params={"download": "xml"}, headers=HTML).status_code == 400


def test_the_list_links_every_question_to_its_page(client) -> None:
    html = client.get("/queries", headers=HTML).text
    for name in NamedQueries().all():
        assert f'href="/queries/{name}"' in html
    assert 'class="card"' not in html, "one compact row per question, not a card"


def test_quote_html_joins_line_breaks_sets_emphasis_and_math_and_escapes() -> None:
    text = "Hogan LE, *et al.* Children's\n\nOncology Group: BM \\pm EM ($n=32$) <b>x</b>"
    html = str(quote_html(text))
    assert "Children's Oncology Group" in html.split(">", 1)[1], "the PDF's line break is joined"
    assert "<em>et al.</em>" in html
    assert '<span class="math inline">\\pm</span>' in html and '<span class="math inline">n=32</span>' in html
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'data-quote="Hogan LE, *et al.* Children&#39;s\n\nOncology' in html, "verbatim, breaks kept"
