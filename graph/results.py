"""Render a query answer in the formats users ask for, and read it back as plain rows.

Standard formats are serialized by pyoxigraph itself (SPARQL Results JSON/XML/CSV/TSV; Turtle,
N-Triples, JSON-LD, RDF/XML, TriG); only the terminal table is ours.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from hashlib import blake2b
from typing import Any

import pyoxigraph as ox

from .namespaces import PREFIXES

RESULT_FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}
GRAPH_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "nquads": (ox.RdfFormat.N_QUADS, "application/n-quads"),
}
# What the HTTP service answers a CONSTRUCT or DESCRIBE with: a graph has no graph names for N-Quads to carry.
SERVED_GRAPH_FORMATS = tuple(name for name in GRAPH_FORMATS if name != "nquads")
# Rows an answer of the HTTP service holds at most unless RELAPSEKG_MAX_ROWS says otherwise.
DEFAULT_MAX_ROWS = 10_000
CLI_FORMATS = ("table", "json", "csv", "tsv", "xml", "turtle", "jsonld", "ntriples")
PREFIX_MAP = {p: str(ns) for p, ns in PREFIXES.items()}


class FormatError(ValueError):
    """A format that does not exist, or does not fit the kind of answer."""


@dataclass
class Table:
    """A SELECT answer materialised: variable names and one dict of terms per row."""

    variables: list[str]
    rows: list[dict[str, Any]]


def kind(answer: Any) -> str:
    if isinstance(answer, ox.QueryBoolean):
        return "boolean"
    if isinstance(answer, ox.QuerySolutions):
        return "solutions"
    return "triples"


def to_table(answer: ox.QuerySolutions) -> Table:
    variables = [v.value for v in answer.variables]
    rows = [{name: solution[name] for name in variables if solution[name] is not None} for solution in answer]
    return Table(variables, rows)


def term_text(term: Any) -> str:
    """A term as a person reads it: the IRI, the literal's lexical form, or an empty cell."""
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)


def triples_of(answer: Any) -> list[ox.Triple]:
    return [t if isinstance(t, ox.Triple) else t.triple for t in answer]


def render(answer: Any, fmt: str) -> tuple[bytes, str]:
    """Serialize ``answer`` as ``fmt``; returns the bytes and their media type."""
    k = kind(answer)
    if fmt == "table":
        return render_table(answer).encode(), "text/plain; charset=utf-8"
    if k in ("solutions", "boolean"):
        if fmt not in RESULT_FORMATS:
            raise FormatError(
                f"format {fmt!r} does not fit a {'SELECT' if k == 'solutions' else 'ASK'} answer; "
                f"use one of: table, {', '.join(RESULT_FORMATS)}"
            )
        rformat, media = RESULT_FORMATS[fmt]
        return answer.serialize(format=rformat), media
    if fmt not in GRAPH_FORMATS:
        raise FormatError(
            f"format {fmt!r} does not fit a CONSTRUCT/DESCRIBE answer; "
            f"use one of: table, {', '.join(GRAPH_FORMATS)}"
        )
    gformat, media = GRAPH_FORMATS[fmt]
    triples = triples_of(answer)
    if gformat in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = (
        PREFIX_MAP
        if gformat in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD)
        else None
    )
    return ox.serialize(triples, format=gformat, prefixes=prefixes), media


def render_table(answer: Any) -> str:
    from rich.console import Console
    from rich.table import Table as RichTable

    k = kind(answer)
    if k == "boolean":
        return f"{bool(answer)}\n"
    if k == "solutions":
        table = to_table(answer)
        columns, rows = table.variables, [[term_text(r.get(v)) for v in table.variables] for r in table.rows]
    else:
        columns = ["subject", "predicate", "object"]
        rows = [
            [term_text(t.subject), term_text(t.predicate), term_text(t.object)] for t in triples_of(answer)
        ]
    out = RichTable(*columns, show_lines=False)
    for row in rows:
        out.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=220, force_terminal=False, color_system=None).print(out)
    return buffer.getvalue() + f"{len(rows)} row(s)\n"


def _cut_lines(body: bytes, lines: int) -> bytes:
    """The first ``lines`` lines of ``body`` (each ending in a newline)."""
    end = -1
    for _ in range(lines):
        end = body.index(b"\n", end + 1)
    return body[: end + 1]


def render_capped(answer: Any, fmt: str, max_rows: int) -> tuple[bytes, str, bool, str]:
    """Like :func:`render`, keeping at most ``max_rows`` rows or triples.

    Returns the body, its media type, whether it was capped, and the answer kind. Rows are
    counted without materialising them in Python: pyoxigraph writes a SELECT answer as SPARQL
    TSV (one line per solution, line breaks inside literals escaped) and a CONSTRUCT/DESCRIBE
    answer as N-Triples (one line per triple); the lines are counted, cut at the cap if need
    be, and pyoxigraph re-serializes them in the format asked for (lossless: TSV and N-Triples
    write every term in full). TSV and N-Triples answers under the cap go out as written.
    A capped JSON answer also says so in a ``relapsekg`` member that SPARQL clients ignore.
    """
    k = kind(answer)
    if fmt == "table":
        raise FormatError("the table format is for the terminal; use render() for it")
    if k == "boolean":
        body, media = render(answer, fmt)
        return body, media, False, k
    if k == "triples":
        if fmt not in GRAPH_FORMATS:
            render([], fmt)  # raises the FormatError that names the formats that fit
        if isinstance(answer, ox.QueryTriples):
            nt = answer.serialize(format=ox.RdfFormat.N_TRIPLES)
            capped = nt.count(b"\n") > max_rows
            if capped:
                nt = _cut_lines(nt, max_rows)
            if fmt == "ntriples":
                return nt, GRAPH_FORMATS["ntriples"][1], capped, k
            triples = [q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
        else:  # a list of triples (from a remote endpoint)
            triples = list(answer)
            capped = len(triples) > max_rows
            triples = triples[:max_rows]
        body, media = render(triples, fmt)
        return body, media, capped, k
    if fmt not in RESULT_FORMATS:
        render(answer, fmt)  # raises the FormatError that names the formats that fit
    tsv, capped, _rows = cap_tsv(answer.serialize(format=ox.QueryResultsFormat.TSV), max_rows)
    body, media = from_tsv(tsv, fmt, capped, max_rows)
    return body, media, capped, k


def cap_tsv(tsv: bytes, max_rows: int) -> tuple[bytes, bool, int]:
    """A SPARQL TSV answer cut to its first ``max_rows`` rows, whether it had more, and how many it had."""
    rows = tsv.count(b"\n") - 1  # the first line names the variables
    capped = rows > max_rows
    return (_cut_lines(tsv, max_rows + 1) if capped else tsv), capped, rows


def digest(body: bytes) -> str:
    """The hash of an answer's bytes that its ETag is made from (with its media type)."""
    return blake2b(body, digest_size=16).hexdigest()


def from_tsv(tsv: bytes, fmt: str, capped: bool, max_rows: int) -> tuple[bytes, str]:
    """A SELECT answer written as SPARQL TSV, in the results format ``fmt``; a JSON answer that was
    cut says so in a ``relapsekg`` member that SPARQL clients ignore."""
    rformat, media = RESULT_FORMATS[fmt]
    if fmt == "tsv":
        return tsv, media
    body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=rformat)
    if capped and fmt == "json":
        # pyoxigraph's JSON is one object ending in "}": add a member that says the answer was cut.
        body = body[:-1] + b',"relapsekg":{"capped":true,"max_rows":%d}}' % max_rows
    return body, media
