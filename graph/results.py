"""Render a query answer in the formats users ask for, and read it back as plain rows.

Standard formats are serialized by pyoxigraph itself (SPARQL Results JSON/XML/CSV/TSV; Turtle,
N-Triples, JSON-LD, RDF/XML, TriG); only the terminal table is ours.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from hashlib import blake2b
from itertools import islice
from typing import IO, Any, cast

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


def triples_of(answer: Iterable[Any]) -> list[ox.Triple]:
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
        return cast(bytes, answer.serialize(format=rformat)), media
    if fmt not in GRAPH_FORMATS:
        raise FormatError(
            f"format {fmt!r} does not fit a CONSTRUCT/DESCRIBE answer; "
            f"use one of: table, {', '.join(GRAPH_FORMATS)}"
        )
    gformat, media = GRAPH_FORMATS[fmt]
    triples: list[ox.Triple] | list[ox.Quad] = triples_of(answer)
    if gformat in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples_of(answer)]
    prefixes = (
        PREFIX_MAP
        if gformat in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD)
        else None
    )
    return serialized(triples, gformat, prefixes), media


def serialized(
    items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """pyoxigraph's serialization as bytes (it returns None only when given a file to write to)."""
    return cast(bytes, ox.serialize(items, format=fmt, prefixes=prefixes))


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


@dataclass(frozen=True)
class Cut:
    """An answer read no further than one row past the cap: what every served format is written from.

    ``tsv`` holds a SELECT answer's kept rows as SPARQL TSV (one line a row, line breaks inside
    literals escaped), ``ntriples`` a CONSTRUCT/DESCRIBE answer's kept triples as N-Triples (one
    line a triple), ``boolean`` an ASK answer; ``rows`` counts the rows or triples kept.
    """

    kind: str
    capped: bool
    rows: int
    max_rows: int
    tsv: bytes = b""
    ntriples: bytes = b""
    boolean: ox.QueryBoolean | None = None


class _Enough(Exception):
    """Raised through pyoxigraph's serializer to stop it: the lines wanted are written."""


class _FirstLines(io.RawIOBase):
    """Where pyoxigraph writes an answer (in chunks of about 8 KiB, as it evaluates): keeps what it
    is given and stops the serializer, and with it the evaluation, once ``lines`` lines are in."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.lines, self.seen = lines, 0
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, chunk: Any) -> int:
        data = bytes(chunk)
        self.parts.append(data)
        self.seen += data.count(b"\n")
        if self.seen >= self.lines:
            raise _Enough
        return len(data)


def _first_lines(answer: ox.QuerySolutions | ox.QueryTriples, fmt: Any, lines: int) -> tuple[bytes, bool]:
    """The first ``lines`` lines ``answer`` serializes to in the line-based ``fmt`` (TSV, N-Triples),
    and whether it had more; it is not evaluated further than that."""
    sink = _FirstLines(lines + 1)
    with suppress(_Enough):
        answer.serialize(cast(IO[bytes], sink), format=fmt)
    text = b"".join(sink.parts)
    capped = sink.seen > lines
    return (_cut_lines(text, lines) if capped else text), capped


def _cut_lines(body: bytes, lines: int) -> bytes:
    """The first ``lines`` lines of ``body`` (each ending in a newline)."""
    end = -1
    for _ in range(lines):
        end = body.index(b"\n", end + 1)
    return body[: end + 1]


def cut(answer: Any, max_rows: int) -> Cut:
    """At most ``max_rows`` rows (or triples) of ``answer``, and whether it had more.

    pyoxigraph evaluates an answer as it serializes it, and it writes SPARQL TSV (SELECT) and
    N-Triples (CONSTRUCT, DESCRIBE) one line a row; the serializer is stopped once it has
    written the line after the cap (:class:`_FirstLines`). So a capped answer costs time in
    proportion to the cap, not to the answer: a cross product of 125 million rows is cut in a
    fraction of a second. The lines kept are lossless (both formats write every term in full),
    so :func:`render_cut` writes any format from them.
    """
    k = kind(answer)
    if k == "boolean":
        return Cut(k, False, 0, max_rows, boolean=answer)
    if k == "triples":
        if isinstance(answer, ox.QueryTriples):
            nt, capped = _first_lines(answer, ox.RdfFormat.N_TRIPLES, max_rows)
        else:  # a list of triples (from a remote endpoint)
            triples = triples_of(islice(answer, max_rows + 1))
            capped = len(triples) > max_rows
            nt = serialized(triples[:max_rows], ox.RdfFormat.N_TRIPLES)
        return Cut(k, capped, nt.count(b"\n"), max_rows, ntriples=nt)
    tsv, capped = _first_lines(
        answer, ox.QueryResultsFormat.TSV, max_rows + 1
    )  # the first line names the variables
    return Cut(k, capped, tsv.count(b"\n") - 1, max_rows, tsv=tsv)


def render_cut(answer: Cut, fmt: str) -> tuple[bytes, str]:
    """A cut answer serialized by pyoxigraph as ``fmt``; a capped JSON answer also says so in a
    ``relapsekg`` member that SPARQL clients ignore."""
    if fmt == "table":
        raise FormatError("the table format is for the terminal; use render() for it")
    if answer.kind == "boolean":
        return render(answer.boolean, fmt)
    if answer.kind == "triples":
        if fmt == "ntriples":
            return answer.ntriples, GRAPH_FORMATS[fmt][1]
        return render([q.triple for q in ox.parse(answer.ntriples, format=ox.RdfFormat.N_TRIPLES)], fmt)
    if fmt not in RESULT_FORMATS:
        raise FormatError(
            f"format {fmt!r} does not fit a SELECT answer; use one of: table, {', '.join(RESULT_FORMATS)}"
        )
    rformat, media = RESULT_FORMATS[fmt]
    if fmt == "tsv":
        return answer.tsv, media
    parsed = ox.parse_query_results(answer.tsv, format=ox.QueryResultsFormat.TSV)
    body = cast(bytes, parsed.serialize(format=rformat))  # bytes: no file was given to write to
    if answer.capped and fmt == "json":
        # pyoxigraph's JSON is one object ending in "}": add a member that says the answer was cut.
        body = body[:-1] + b',"relapsekg":{"capped":true,"max_rows":%d}}' % answer.max_rows
    return body, media


def render_capped(answer: Any, fmt: str, max_rows: int) -> tuple[bytes, str, bool, str]:
    """Like :func:`render`, keeping at most ``max_rows`` rows or triples and reading no further
    (:func:`cut`). Returns the body, its media type, whether it was capped, and the answer kind."""
    if fmt == "table":
        raise FormatError("the table format is for the terminal; use render() for it")
    k = kind(answer)
    fits = RESULT_FORMATS if k != "triples" else GRAPH_FORMATS
    if fmt not in fits:  # refused before a row is read
        render([] if k == "triples" else answer, fmt)
    kept = cut(answer, max_rows)
    body, media = render_cut(kept, fmt)
    return body, media, kept.capped, k


def digest(body: bytes) -> str:
    """The hash of an answer's bytes that its ETag is made from (with its media type)."""
    return blake2b(body, digest_size=16).hexdigest()
