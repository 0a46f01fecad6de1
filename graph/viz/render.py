"""A view as what vis-network draws: pyvis assembles the nodes, edges and options; the page is
our own template, because pyvis's loads Bootstrap from a CDN, writes its heading unescaped and
turns any tooltip containing "href" into live HTML.

The page reads everything from one JSON data block (``<script type="application/json">``, with
``<``, ``>`` and ``&`` written as ``\\u003c``…, so no label can end the block), and the script
puts labels into the page only as text. The same payload drives the server page and the
self-contained file of ``relapsekg viz``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .kinds import BY_KEY, DIRECTION_COLORS, EDGE_COLOR, EDGE_HIGHLIGHT, KINDS
from .layout import SMALL, layout

HERE = Path(__file__).parent
STATIC = HERE / "static"
# Quotes are shown by the site's one quote renderer (api/static/quote.js) and the libraries it
# uses, which `make vendor` copies from their npm packages.
SITE_STATIC = HERE.parents[1] / "api" / "static"
QUOTE_SCRIPTS = {
    "katex.min.js": SITE_STATIC / "vendor" / "katex" / "katex.min.js",
    "markdown-it.min.js": SITE_STATIC / "vendor" / "markdown-it" / "markdown-it.min.js",
    "markdown-it-dollarmath.min.js": SITE_STATIC / "vendor" / "markdown-it" / "markdown-it-dollarmath.min.js",
    "quote.js": SITE_STATIC / "quote.js",
}
TEMPLATES = HERE / "templates"
INSIDE_SHAPES = ("box", "ellipse", "circle")  # vis-network draws these shapes' labels inside them
EDGE_LABELS_UP_TO = 1500  # edges; beyond, relation names are in tooltips only (drawing is costly)


def vis_network_dir() -> Path:
    """vis-network as pyvis ships it (the version pyvis's own pages use)."""
    import pyvis

    found = sorted((Path(pyvis.__file__).parent / "lib").glob("vis-*/vis-network.min.js"))
    if not found:
        raise FileNotFoundError("pyvis does not ship vis-network.min.js; reinstall pyvis")
    return found[-1].parent


def assets() -> dict[str, Path]:
    """The files the page loads, by the name it loads them under (an allow-list for the server)."""
    vis = vis_network_dir()
    quote = {
        name: path for name, path in QUOTE_SCRIPTS.items() if path.is_file()
    }  # absent before `make vendor`
    return {
        "vis-network.min.js": vis / "vis-network.min.js",
        "vis-network.css": vis / "vis-network.css",
        **quote,
        "graph.js": STATIC / "graph.js",
        "graph.css": STATIC / "graph.css",
    }


def options(physics: bool, edge_labels: bool) -> dict[str, Any]:
    groups = {
        k.key: {
            "shape": k.shape,
            "color": {
                "background": k.color,
                "border": k.border,
                "highlight": {"background": k.color, "border": EDGE_HIGHLIGHT},
                "hover": {"background": k.color, "border": EDGE_HIGHLIGHT},
            },
            # A label inside its shape is set on the kind's colour; one below it gets a white halo,
            # to stay legible across the edges it is drawn over.
            "font": {"color": k.font, "strokeWidth": 0}
            if k.shape in INSIDE_SHAPES
            else {"color": "#1d2733", "strokeWidth": 3, "strokeColor": "rgba(255,255,255,0.85)"},
        }
        for k in KINDS
    }
    return {
        "groups": groups,
        "nodes": {
            "size": 14,
            "borderWidth": 1.5,
            "font": {"size": 13, "face": "system-ui, sans-serif"},
            "scaling": {"label": {"drawThreshold": 6}},
        },
        "edges": {
            "color": {"color": EDGE_COLOR, "highlight": EDGE_HIGHLIGHT, "hover": EDGE_HIGHLIGHT},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "font": {
                "size": 9 if edge_labels else 0,
                "color": "#56636f",
                "strokeWidth": 3,
                "align": "middle",
            },
            "smooth": {"type": "continuous"} if physics else False,
            "width": 1,
        },
        "physics": (
            {
                "enabled": True,
                "solver": "forceAtlas2Based",
                "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 110, "avoidOverlap": 0.3},
                "stabilization": {"enabled": True, "iterations": 80, "updateInterval": 40, "fit": True},
            }
            if physics
            else {"enabled": False}
        ),
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 200,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "hideEdgesOnDrag": not physics,
            "hideEdgesOnZoom": not physics,
            "multiselect": False,
        },
    }


def network(view, positions: dict | None = None):
    """The pyvis Network of a view: one node per entity (grouped by kind), one edge per related pair."""
    from pyvis.network import Network

    sub = view.subgraph
    positions = positions if positions is not None else layout(sub.nodes, sub.edges)
    physics = len(sub.nodes) <= SMALL
    edge_labels = len(sub.edges) <= EDGE_LABELS_UP_TO
    net = Network(directed=True, cdn_resources="local")
    highlight = set(sub.highlight)
    degrees = sub.degrees()
    for iri, node in sub.nodes.items():
        x, y = positions.get(iri, (0.0, 0.0))
        extra: dict[str, Any] = (
            {"borderWidth": 4, "size": 22} if iri in highlight else {"size": 10 + min(12, degrees[iri])}
        )
        net.add_node(
            iri,
            label=node.display,
            title=node.tooltip(),
            group=node.kind,
            shape=BY_KEY[node.kind].shape,
            x=round(x, 1),
            y=round(y, 1),
            full=node.full,
            kind=node.kind,
            **extra,
        )
    known = set(net.node_map)
    for (s, o), edge in sub.edges.items():
        if s not in known or o not in known:
            continue
        label = sub.edge_label(edge)
        attrs: dict[str, Any] = {"id": f"{s} {o}", "title": sub.edge_tooltip(edge), "relation": label}
        if edge_labels:
            attrs["label"] = label
        color = sub.edge_color(edge)
        if color:
            attrs["color"] = {"color": color, "highlight": color, "hover": color}
            attrs["width"] = 2
        net.edges.append({"from": s, "to": o, **attrs})  # pyvis's add_edge rescans every node per edge
    net.set_options(json.dumps(options(physics, edge_labels)))
    return net


def payload(
    view,
    *,
    questions: Sequence[dict[str, str]] = (),
    details: dict | None = None,
    standalone: bool = False,
    positions: dict | None = None,
) -> dict[str, Any]:
    """Everything the page needs, JSON-ready."""
    net = network(view, positions)
    counts: dict[str, int] = {}
    for node in view.subgraph.nodes.values():
        counts[node.kind] = counts.get(node.kind, 0) + 1
    answer = asdict(view.answer) if view.answer else None
    return {
        "mode": view.mode,
        "focus": view.focus,
        "depth": view.depth,
        "complete": view.complete,
        "notices": list(view.notices) + list(view.subgraph.notices),
        "physics": net.options["physics"]["enabled"],
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
        "kinds": [
            {
                "key": k.key,
                "label": k.label,
                "plural": k.plural,
                "color": k.color,
                "border": k.border,
                "shape": k.shape,
                "count": counts.get(k.key, 0),
            }
            for k in KINDS
        ],
        "directions": DIRECTION_COLORS,
        "answer": answer,
        "questions": list(questions),
        "details": details or {},
        "standalone": standalone,
    }


def json_for_script(data: Any) -> str:
    """JSON that can sit inside a ``<script>`` element whatever strings it holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def page(data: dict[str, Any], title: str, asset_url: Callable[[str], str]) -> str:
    """The server's page: scripts and styles from this server (the CSP header is set by the route)."""
    return _env.get_template("view.html").render(
        title=title,
        data=json_for_script(data),
        inline=None,
        asset=asset_url,
        csp=None,
        served=True,
        scripts=_scripts(),
    )


def _scripts() -> list[str]:
    """The page's scripts in the order they run: vis-network, the quote renderer, the view."""
    return [name for name in assets() if name.endswith(".js")]


def standalone(data: dict[str, Any], title: str) -> str:
    """One self-contained file: vis-network, the page's script and style inlined, and a CSP
    (meta) that allows exactly those inline scripts, by hash, and no connection anywhere."""
    files = {name: path.read_text(encoding="utf-8") for name, path in assets().items()}
    scripts = {
        name: body.replace("</script", "<\\/script") for name, body in files.items() if name.endswith(".js")
    }
    styles = {
        name: body.replace("</style", "<\\/style") for name, body in files.items() if name.endswith(".css")
    }
    csp = (
        "default-src 'none'; script-src "
        + " ".join(_sha256(s) for s in scripts.values())
        + "; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )
    return _env.get_template("view.html").render(
        title=title,
        data=json_for_script(data),
        inline={**scripts, **styles},
        asset=None,
        csp=csp,
        served=False,
        scripts=_scripts(),
    )
