"""A newcomer opens /sparql in a real browser, runs the cns-efficacy tab and sees CAR T cells
"for" and blinatumomab "against", each with its quote — with no request to any other host."""

from __future__ import annotations

from urllib.parse import urlparse


def test_cns_efficacy_tab_runs_in_the_editor(browser, server: str, artifacts) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    foreign: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/sparql?tab=cns-efficacy", wait_until="networkidle")
    page.wait_for_selector(".yasr table, .yasr .dataTable", timeout=30000)
    tabs = page.locator(".tabPanel, .tab").all_inner_texts() or page.locator("[role=tab]").all_inner_texts()
    table = page.locator(".yasr").inner_text()
    page.screenshot(path=str(artifacts / "sparql-editor-cns-efficacy.png"))
    assert "CD19 CAR T cell therapy" in table and "for" in table
    assert "blinatumomab" in table and "against" in table
    assert "not particularly effective in treating CNS disease" in table
    assert any("cns-efficacy" in t for t in tabs) or "cns-efficacy" in page.content()
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert errors == [], errors
    page.close()
