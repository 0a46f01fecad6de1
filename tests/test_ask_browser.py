"""The /ask page in Debian's chromium: the question box asks, answer cards show each fact with
its quote and links, an unanswerable question says so, and a question that is markup is shown as
text and runs nothing; no console errors, no request to another host."""

from __future__ import annotations

from urllib.parse import quote, urlparse

XSS = '<script>window.__xss=true;alert(1)</script><img src=x onerror="window.__xss=true"> CNS relapse'


class Watched:
    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request) -> None:
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost") and not request.url.startswith(
            "data:"
        ):
            self.foreign.append(request.url)

    def clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign
        assert self.dialogs == [], self.dialogs


def test_the_question_box_asks_and_the_cards_show_facts_quotes_and_links(browser, server, artifacts) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{server}/ask")
    page.fill("#ask-q", "4-year DFS blinatumomab versus chemotherapy isolated BM relapse")
    page.click(".ask-box button[type=submit]")
    page.wait_for_selector("article.answer")
    assert "/ask?q=" in page.url
    cards = page.locator("article.answer")
    assert cards.count() == 5
    first = cards.first
    assert "72.9% and 96.3% for blinatumomab" in first.locator("blockquote.quote").inner_text()
    assert "0.031" in first.inner_text()
    entity = first.get_by_role("link", name="entity page").get_attribute("href")
    assert entity.startswith("/id/result/aall1331-ibm-dfs-")
    focus = first.get_by_role("link", name="show in the graph").get_attribute("href")
    assert focus.startswith("/graph?focus=https%3A%2F%2Fw3id.org%2Frelapsekg%2Fid%2Fresult%2F")
    page.screenshot(path=str(artifacts / "ask-page.png"), full_page=True)
    first.get_by_role("link", name="entity page").click()
    page.wait_for_selector("h1")
    assert "/id/result/aall1331-ibm-dfs-" in page.url
    watched.clean()
    page.close()


def test_a_named_query_shows_its_rows_and_an_unanswerable_question_says_so(browser, server) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{server}/ask?q={quote('Which therapies show CNS efficacy?')}")
    assert "cns-efficacy" in page.locator("main").inner_text()
    assert page.locator("table.facts tr").count() > 3
    page.goto(f"{server}/ask?q={quote('How did inotuzumab ozogamicin compare with blinatumomab?')}")
    assert page.locator(".unanswered").is_visible()
    assert page.locator("article.answer.closest").count() >= 1
    watched.clean()
    page.close()


def test_an_injected_question_is_shown_as_text_and_runs_nothing(browser, server, artifacts) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{server}/ask?q={quote(XSS)}")
    page.wait_for_selector("h2.asked")
    assert page.locator("h2.asked").inner_text() == XSS
    assert page.locator("#ask-q").input_value() == XSS
    assert page.evaluate("window.__xss === undefined")
    assert page.locator("main script, main img").count() == 0
    page.screenshot(path=str(artifacts / "ask-page-injected.png"))
    watched.clean()
    page.close()
