"""``GET /queries/{name}`` in a browser: a named question as a page, so every question has a path
without SPARQL.

The page is a form for the question's parameters (a choice list drawn from the graph where the
parameter names an entity or a key: ``queries/choices/*.rq``), the answer as a table with its
quotes rendered for reading, a CSV download and a link that draws the answer in the graph view.
Programs asking the same path (any ``Accept`` but HTML) keep getting the results
(:mod:`api.routes.named` sends only browsers here).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import Response

from graph import paths
from graph.named import NamedQueries, NamedQuery, NamedQueryError, Param
from graph.namespaces import ID

from ..negotiation import wants_html
from ..pages import local_href, render_page
from ..querying import answer_query, run_sparql, select_rows

DOWNLOAD = "download"  # ?download=csv: the answer as a CSV file (a link cannot set Accept)
MAX_CHOICES = 400  # entries of a parameter's choice list
SHOWN_ROWS = 500  # rows drawn in the page's table; the CSV has them all
CHOICES_DIR = paths.QUERIES_DIR / "choices"
_FOR = re.compile(r"^#\s*for:\s*(?P<names>.+)$", re.M)
_QUOTE_COLUMN = re.compile(r"quote|^exact$")


def wanted(request: Request) -> bool:
    """Whether this request is for the page (a browser) or a download from it, not for results."""
    return DOWNLOAD in request.query_params or wants_html(request.headers.get("accept"))


@dataclass(frozen=True)
class Field:
    """One parameter as the form shows it."""

    name: str
    doc: str
    type: str
    value: str
    default: str
    choices: list[tuple[str, str]]  # (value, label); empty: a free text or number field


def choice_queries(directory: Path = CHOICES_DIR) -> dict[str, str]:
    """The SPARQL that lists the values a parameter may take, by parameter name (each file says
    which parameters it serves in a ``# for: a, b`` line)."""
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        m = _FOR.search(text)
        for name in (n.strip() for n in (m["names"] if m else path.stem).split(",")):
            found.setdefault(name, text)
    return found


def _choices_for(param: Param, queries: dict[str, str]) -> str | None:
    if param.name in queries:
        return queries[param.name]
    if param.type == "id":  # an entity id parameter under another name: its kind's list
        kind = re.match(r"id:([a-z-]+)/", param.default)
        return queries.get(kind[1]) if kind else None
    return None


async def _fields(request: Request, query: NamedQuery, values: dict[str, str]) -> list[Field]:
    queries = choice_queries()
    fields = []
    for p in query.params:
        sparql = _choices_for(p, queries)
        rows = await select_rows(request, f"{sparql}\nLIMIT {MAX_CHOICES + 1}") if sparql else []
        # A list longer than a person scrolls (a large graph's cohorts) is a text field instead.
        choices = (
            [(r["value"], r.get("label") or r["value"]) for r in rows] if len(rows) <= MAX_CHOICES else []
        )
        value = values.get(p.name, p.default_value)
        listed = {v for v, _ in choices}
        if choices and p.default_value not in listed:
            choices.insert(
                0, (p.default_value, "any" if p.default_value == "" else f"{p.default_value} (default)")
            )
        if choices and value not in listed | {p.default_value}:
            choices.insert(1, (value, value))
        fields.append(Field(p.name, p.doc, p.type, value, p.default_value, choices))
    return fields


def _cell(column: str, value: str) -> dict[str, str]:
    """How a cell is shown: an entity IRI as a link to its page, a quote rendered, else text."""
    if value.startswith(str(ID)):
        return {"kind": "link", "href": local_href(value), "text": value.removeprefix(str(ID))}
    if _QUOTE_COLUMN.search(column):
        return {"kind": "quote", "text": value}
    return {"kind": "text", "text": value}


async def _select(request: Request, sparql: str) -> tuple[list[str], list[dict[str, str]]]:
    """The answer's columns, in the query's order, and its rows as strings."""
    answer = await answer_query(request, sparql, "json", None)
    data = json.loads(answer.body)
    rows = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
    return data["head"]["vars"], rows


async def page(request: Request, name: str) -> Response:
    """The question's page, or its answer as CSV for the page's download link."""
    try:
        query = NamedQueries().get(name)
    except NamedQueryError as exc:
        raise HTTPException(404, str(exc)) from None
    values = {k: v for k, v in request.query_params.items() if k != DOWNLOAD}
    error = ""
    try:
        sparql = query.sparql(values)
    except NamedQueryError as exc:
        if DOWNLOAD in request.query_params:
            raise HTTPException(400, str(exc)) from None
        error, sparql = str(exc), ""
    if DOWNLOAD in request.query_params:
        if request.query_params[DOWNLOAD] != "csv":
            raise HTTPException(400, f"{DOWNLOAD}= takes csv, got {request.query_params[DOWNLOAD]!r}")
        answer = await run_sparql(request, sparql, "text/csv")
        answer.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return answer
    columns, rows = await _select(request, sparql) if sparql else ([], [])
    params = {p.name: values.get(p.name, p.default_value) for p in query.params if p.name in values}
    here = urlencode(params)
    return render_page(
        request,
        "query.html",
        status_code=400 if error else 200,
        title=query.title,
        query=query,
        fields=await _fields(request, query, values),
        error=error,
        columns=columns,
        rows=[[_cell(c, r.get(c, "")) for c in columns] for r in rows[:SHOWN_ROWS]],
        total=len(rows),
        shown=min(len(rows), SHOWN_ROWS),
        csv_href=f"/queries/{name}?{urlencode({**params, DOWNLOAD: 'csv'})}",
        graph_href="/graph?" + urlencode({"question": name, **params}),
        editor_href=f"/sparql?tab={name}",
        json_hint=f"/queries/{name}" + (f"?{here}" if here else ""),
    )
