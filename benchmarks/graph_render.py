"""How fast the graph view draws, in Debian's chromium, next to pyvis's own page for the same graph.

    .venv/bin/python benchmarks/graph_render.py [--repeat N] [--nodes 5000]

For each view it prints, as medians over N page loads: the time to build the page on the
server or in Python (SPARQL + networkx layout), the HTML size, the time from navigation to the
first frame drawn, and to the first frame drawn with a settled layout (physics stabilised, or
physics off because positions were precomputed). The peer is pyvis's default page
(``Network.write_html``, vis-network inlined, browser-side physics and layout) for the same
nodes and edges; its requests to other hosts (pyvis's template loads Bootstrap from a CDN) are
blocked and counted.

The same hook measures both pages: an init script wraps ``vis.Network`` as the page defines it
and records the first ``afterDrawing`` and the first one after ``stabilizationIterationsDone``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from benchmarks.common import build_store, machine, process, relapsekg_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PEER_TIMEOUT_S = 120

HOOK = """
(() => {
  const t = { firstRender: null, settled: null };
  window.__renderTimings = t;
  const wrap = (Original) => {
    const Network = function (container, data, options) {
      const network = new Original(container, data, options);
      let stable = Boolean(options && options.physics && options.physics.enabled === false);
      network.on("afterDrawing", function drawn() {
        if (t.firstRender === null) t.firstRender = performance.now();
        if (stable) { t.settled = performance.now(); network.off("afterDrawing", drawn); }
      });
      network.once("stabilizationIterationsDone", () => { stable = true; network.redraw(); });
      return network;
    };
    Network.prototype = Original.prototype;
    return Network;
  };
  // vis-network's UMD bundle sets window.vis = {} and then assigns vis.Network = ...: trap both.
  let vis;
  Object.defineProperty(window, "vis", {
    configurable: true,
    get() { return vis; },
    set(exports) {
      vis = exports;
      let network;
      Object.defineProperty(exports, "Network", {
        configurable: true, enumerable: true,
        get() { return network; },
        set(value) { network = wrap(value); },
      });
    },
  });
})();
"""


def measure(browser, url: str, timeout_s: float) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1500, "height": 950})
    page.add_init_script(HOOK)
    blocked: list[str] = []

    def route(r) -> None:
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("file:", "data:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="commit")
    deadline = time.monotonic() + timeout_s
    timings: dict[str, Any] = {}
    while time.monotonic() < deadline:
        timings = page.evaluate("window.__renderTimings || {}")
        if timings.get("settled") is not None:
            break
        page.wait_for_timeout(100)
    page.close()
    return {
        "first": timings.get("firstRender"),
        "settled": timings.get("settled"),
        "blocked": len(set(blocked)),
    }


def peer_file(data: dict[str, Any], path: Path) -> Path:
    """pyvis's own page for the same nodes and edges: its template, its default physics."""
    from pyvis.network import Network

    colors = {k["key"]: k["color"] for k in data["kinds"]}
    net = Network(directed=True, cdn_resources="in_line", height="900px")
    for n in data["nodes"]:
        net.add_node(n["id"], label=n["label"], title=n["title"], shape=n["shape"], color=colors[n["kind"]])
    for e in data["edges"]:
        net.add_edge(e["from"], e["to"], title=e["title"], label=e.get("label", ""))
    net.write_html(str(path), notebook=False)
    return path


def median(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return statistics.median(real) if len(real) == len(values) and real else None


def fmt_ms(value: float | None) -> str:
    return f"{value:,.0f} ms" if value is not None else f"> {PEER_TIMEOUT_S} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=5000, help="size of the synthetic graph")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from graph.viz import render
    from graph.viz.synthetic import synthetic_view

    work = Path(tempfile.mkdtemp(prefix="relapsekg-render-"))
    print(f"# graph view rendering · {machine()}")
    print(f"# chromium {CHROMIUM}, headless, 1500×950; medians of {args.repeat} page loads\n")
    store = build_store()
    rows: list[list[str]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        cmd, url = relapsekg_server(store)
        with process(cmd, f"{url}/sparql?query=ASK%7B%7D"):
            views = [("curated graph", "/graph"), ("cns-efficacy question", "/graph?question=cns-efficacy")]
            for name, path in views:
                started = time.perf_counter()
                data = httpx.get(f"{url}/graph/data" + path.removeprefix("/graph"), timeout=120).json()
                cold = time.perf_counter() - started
                started = time.perf_counter()
                size = len(httpx.get(url + path, timeout=120).content)
                warm = time.perf_counter() - started
                runs = [measure(browser, url + path, PEER_TIMEOUT_S) for _ in range(args.repeat)]
                peer = peer_file(data, work / f"peer-{len(rows)}.html")
                peer_runs = [measure(browser, peer.as_uri(), PEER_TIMEOUT_S) for _ in range(args.repeat)]
                rows.append(
                    [
                        f"{name} (server)",
                        f"{len(data['nodes'])}/{len(data['edges'])}",
                        f"{cold * 1000:,.0f} ms cold, {warm * 1000:,.0f} ms cached",
                        f"{size // 1024} KiB",
                        fmt_ms(median([r["first"] for r in runs])),
                        fmt_ms(median([r["settled"] for r in runs])),
                        fmt_ms(median([r["first"] for r in peer_runs])),
                        fmt_ms(median([r["settled"] for r in peer_runs])),
                        str(peer_runs[0]["blocked"]),
                    ]
                )
        started = time.perf_counter()
        view = synthetic_view(args.nodes, seed=1)
        data = render.payload(view, standalone=True)
        html = render.standalone(data, f"Synthetic graph of {args.nodes} nodes")
        built = time.perf_counter() - started
        ours = work / "synthetic.html"
        ours.write_text(html, encoding="utf-8")
        runs = [measure(browser, ours.as_uri(), PEER_TIMEOUT_S) for _ in range(args.repeat)]
        peer = peer_file(data, work / "peer-synthetic.html")
        peer_runs = [measure(browser, peer.as_uri(), PEER_TIMEOUT_S) for _ in range(max(1, args.repeat // 3))]
        rows.append(
            [
                "synthetic (viz file)",
                f"{len(data['nodes'])}/{len(data['edges'])}",
                f"{built * 1000:,.0f} ms (layout + page)",
                f"{len(html) // 1024} KiB",
                fmt_ms(median([r["first"] for r in runs])),
                fmt_ms(median([r["settled"] for r in runs])),
                fmt_ms(median([r["first"] for r in peer_runs])),
                fmt_ms(median([r["settled"] for r in peer_runs])),
                str(peer_runs[0]["blocked"]),
            ]
        )
        browser.close()

    header = [
        "view",
        "nodes/edges",
        "page built in",
        "HTML",
        "first render",
        "settled",
        "pyvis default: first render",
        "pyvis: settled",
        "pyvis: CDN requests blocked",
    ]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths]] + rows:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)))
    print(
        "\nfirst render / settled: from navigation start to the first frame drawn / the first frame with a "
        "stable layout.\nrelapsekg precomputes positions with networkx (physics only up to 600 nodes, starting "
        "from them);\npyvis's page lays out in the browser with its default physics."
    )


if __name__ == "__main__":
    main()
