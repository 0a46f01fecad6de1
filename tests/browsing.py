"""A browser page that records what a person would not see: console errors, page errors, dialogs
and every request to another host (relapsekg serves everything itself, so there must be none)."""

from __future__ import annotations

from urllib.parse import urlparse


class Watched:
    """A playwright page with every console error, page error, dialog and foreign request recorded."""

    def __init__(self, browser, width: int = 1500, height: int = 950) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        # On the context: requests made by workers and shadow DOM images are seen there, not on the page.
        self.page.context.on("request", self._request)

    def _request(self, request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "file:")) or host in ("127.0.0.1", "localhost"):
            return
        self.foreign.append(request.url)

    def open(self, url: str, ready: str = "body[data-state=settled]"):
        """Go to ``url`` and wait until ``ready`` (a CSS selector) is in the page."""
        self.page.goto(url)
        self.page.wait_for_selector(ready, state="attached", timeout=60000)
        return self.page

    def clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        assert self.dialogs == []

    def close(self) -> None:
        self.page.close()
