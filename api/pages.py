"""HTML pages: Jinja2 templates with autoescaping and a strict Content-Security-Policy.

Pages load scripts and styles only from this server (``/static``), never a CDN, so they work
offline and a label in the graph can never run code in a reader's browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

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


_env.filters["local_href"] = local_href


def render_page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
