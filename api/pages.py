"""HTML pages: Jinja2 templates with autoescaping and a strict Content-Security-Policy.

Pages load scripts and styles only from this server (``/static``), never a CDN, so they work
offline and a label in the graph can never run code in a reader's browser.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from mdit_py_plugins.dollarmath import dollarmath_plugin

TEMPLATES = Path(__file__).parent / "templates"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def local_href(iri: str) -> str:
    """The path on this server where an entity IRI resolves (its w3id path under /id/)."""
    from graph.namespaces import BASE

    return "/" + iri.removeprefix(BASE) if iri.startswith(BASE) else iri


def entity_href(iri: str) -> str:
    """The path of an entity page on this server (``/id/...``), or "" for a vocabulary term or an
    external code, which have none."""
    from graph.namespaces import ID

    return local_href(iri) if iri.startswith(str(ID)) else ""


_env.filters["local_href"] = local_href
_env.filters["entity_href"] = entity_href

# Quotes: only emphasis and $…$ math are read (no links, no HTML, no lists): the same settings as
# api/static/quote.js, whose KaTeX typesets the math spans written here.
_QUOTE_MARKDOWN = (
    MarkdownIt("zero")
    .enable("emphasis")
    .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=False, allow_labels=False)
)
_MATH_OR_BARE_COMMAND = re.compile(r"\$[^$]*\$|\\[A-Za-z]+")


def quote_html(text: str | None) -> Markup:
    """A verbatim quote as a person reads it: the PDF's line breaks inside a sentence joined,
    ``*et al.*`` in italics, ``$P=0.30$`` and a bare ``\\pm`` as inline math (typeset by KaTeX in
    the browser, readable as TeX without it). The verbatim text stays in ``data-quote``."""
    if not text:
        return Markup("")
    joined = " ".join(text.split())
    marked = _MATH_OR_BARE_COMMAND.sub(lambda m: m[0] if m[0].startswith("$") else f"${m[0]}$", joined)
    body = _QUOTE_MARKDOWN.renderInline(marked)
    return Markup('<span class="rq-quote" data-quote="{}">{}</span>').format(escape(text), Markup(body))


_env.filters["quote"] = quote_html


def render_page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
