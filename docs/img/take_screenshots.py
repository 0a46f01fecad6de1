"""Retake the screenshots of the README and the docs from a running server.

    relapsekg serve --port 8731 &
    .venv/bin/python docs/img/take_screenshots.py http://127.0.0.1:8731

Debian's chromium, headless, through playwright (both installed by `make test`); the PNGs land
beside this file. Run it after a change to the graph view, so the pictures show what users see.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# file name -> path on the server; each page sets body[data-state=settled] once its layout is drawn
SHOTS = {
    "graph-view.png": "/graph",
    "cns-efficacy-question.png": "/graph?question=cns-efficacy",
}


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 850})
        for name, path in SHOTS.items():
            page.goto(base.rstrip("/") + path)
            page.wait_for_selector("body[data-state=settled]", state="attached", timeout=60000)
            page.wait_for_timeout(1500)  # let the last frame paint
            page.screenshot(path=str(HERE / name))
            print(f"wrote {HERE / name}")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
