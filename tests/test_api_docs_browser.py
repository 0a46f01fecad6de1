"""The OpenAPI page in Debian's chromium: Swagger UI at /docs draws the API from scripts relapsekg
serves itself, with no request to another host and no console error, so it works offline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsing import Watched


@pytest.fixture()
def watched(browser) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


def test_swagger_ui_lists_the_api_offline(watched, server, artifacts) -> None:
    page = watched.open(f"{server}/docs", ready=".swagger-ui .opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any(p.strip() == "/api/studies" for p in paths), paths
    assert any(p.strip() == "/sparql" for p in paths), paths
    page.screenshot(path=str(artifacts / "docs-swagger.png"))
    watched.clean()
