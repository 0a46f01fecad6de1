"""Which part of the graph a view shows, read with SPARQL: the whole graph, a node's
neighbourhood, the answer of a named question, one node's details, a node's neighbours.

Each reader is a generator that *yields* SPARQL and is *sent* the rows back (sans-IO), so the
same logic runs on the embedded engine (:func:`run`), and in the HTTP service through the
worker pool with its time budget (:func:`run_async` with ``api.querying``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from ..lookup import Lookup, names_query
from ..namespaces import ID
from . import sparql
from .model import Row, Subgraph, Vocabulary
from .model import details as build_details

T = TypeVar("T")
Steps = Generator[str, list[Row], T]

MAX_DEPTH = 4
DEFAULT_DEPTH = 2
MAX_NODES = 20000  # the whole graph is drawn up to this many nodes
MAX_FOCUS_NODES = 2000  # a neighbourhood or an answer stops growing here
MAX_ANSWER_ROWS = 300  # answer rows shown beside a question's subgraph
PAGE = 5000  # rows per query page (below the server's default row cap)
ENTITY_PATHS = (
    "study",
    "cohort",
    "intervention",
    "endpoint",
    "result",
    "finding",
    "factor",
    "risk-rule",
    "definition",
    "publication",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")


class NotFound(LookupError):
    """The focus node is not a node of the graph."""


@dataclass
class Answer:
    """A named question's answer rows, and which cells name nodes of the graph."""

    name: str
    title: str
    description: str
    columns: list[str]
    rows: list[Row]
    links: list[dict[str, str]]
    total: int


@dataclass
class View:
    subgraph: Subgraph
    mode: str = "all"  # all | focus | question
    focus: str | None = None
    depth: int = DEFAULT_DEPTH
    answer: Answer | None = None
    complete: bool = True  # False when a cap cut the view
    notices: list[str] = field(default_factory=list)


# --- drivers -------------------------------------------------------------------------------


def run(steps: Steps[T], select: Callable[[str], list[Row]]) -> T:
    try:
        query = next(steps)
        while True:
            query = steps.send(select(query))
    except StopIteration as stop:
        return stop.value


async def run_async(steps: Steps[T], select: Callable[[str], Awaitable[list[Row]]]) -> T:
    try:
        query = next(steps)
        while True:
            query = steps.send(await select(query))
    except StopIteration as stop:
        return stop.value


def engine_select(engine) -> Callable[[str], list[Row]]:
    """Rows of plain strings from a :class:`graph.engine.Engine` (what ``select_rows`` returns)."""
    from ..results import term_text, to_table

    def select(query: str) -> list[Row]:
        table = to_table(engine.query(query))
        return [{k: term_text(v) for k, v in row.items()} for row in table.rows]

    return select


# --- building blocks -------------------------------------------------------------------------


# The views' own queries pass the endpoint's length cap (MAX_QUERY_LENGTH, 20 000 characters by
# default) as a reader's do: a list of IRIs is asked for this many at a time, so that a query
# listing them (two or four times over, once per branch) stays far below it.
IRIS_PER_QUERY = 40


def _parts(iris: Iterable[str]) -> list[list[str]]:
    """IRIs (or labels, at most 200 characters each) sorted and cut into lists of ``IRIS_PER_QUERY``."""
    ordered = sorted(set(iris))
    return [ordered[i : i + IRIS_PER_QUERY] for i in range(0, len(ordered), IRIS_PER_QUERY)]


def _pages(make: Callable[..., str], page: int, **kwargs) -> Steps[list[Row]]:
    rows: list[Row] = []
    offset = 0
    while True:
        batch = yield make(limit=page, offset=offset, **kwargs)
        rows.extend(batch)
        if len(batch) < page:
            return rows
        offset += page


def _paged(make: Callable[..., str], page: int, **kwargs) -> Steps[list[Row]]:
    """Every row of ``make``'s query, a page at a time; its ``iris`` (or ``sources``) asked for a
    part at a time, and ``targets`` too many to list kept by the rows' ends instead."""
    targets = kwargs.get("targets")
    ends = set(targets) if targets is not None and len(set(targets)) > IRIS_PER_QUERY else None
    if ends is not None:
        kwargs["targets"] = None
    key = next((k for k in ("iris", "sources") if kwargs.get(k) is not None), None)
    rows: list[Row] = []
    for part in _parts(kwargs[key]) if key else [None]:
        if key:
            kwargs[key] = part
        rows.extend((yield from _pages(make, page, **kwargs)))
    return rows if ends is None else [r for r in rows if r["o"] in ends]


def _in_parts(make: Callable[[list[str]], str], items: Iterable[str]) -> Steps[list[Row]]:
    """The rows of ``make``'s query over ``items`` (IRIs or labels), asked for a part at a time."""
    rows: list[Row] = []
    for part in _parts(items):
        rows.extend((yield make(part)))
    return rows


def _incident(iris: Iterable[str]) -> Steps[list[Row]]:
    """The relations with one end in ``iris``, each once (two parts may both hold it), in order."""
    rows = {(r["s"], r["p"], r["o"]): r for r in (yield from _in_parts(sparql.incident, iris))}
    return [rows[k] for k in sorted(rows)]


def _fill(sub: Subgraph, iris: Iterable[str] | None, page: int) -> Steps[None]:
    """Nodes (with their labels, values, quotes) and the edges among them."""
    iris = None if iris is None else sorted(set(iris))
    sub.add_node_rows((yield from _paged(sparql.nodes, page, iris=iris)))
    sub.add_extra_rows((yield from _paged(sparql.extras, page, iris=iris)))
    sub.add_edge_rows((yield from _paged(sparql.edges, page, sources=iris, targets=iris)))


def normalise_focus(focus: str) -> str:
    """Accept a full IRI, its path on this server (``/id/study/aall1331``) or ``study/aall1331``."""
    focus = focus.strip()
    if focus.startswith("/id/"):
        focus = str(ID) + focus.removeprefix("/id/")
    elif re.fullmatch(r"[a-z-]+/[A-Za-z0-9][A-Za-z0-9._-]*", focus):
        focus = str(ID) + focus
    if not sparql.is_iri(focus):
        raise ValueError(f"focus must be an absolute IRI (or a path /id/KIND/ID), got {focus!r}")
    return focus


# --- views ------------------------------------------------------------------------------------


def whole(page: int = PAGE, max_nodes: int = MAX_NODES) -> Steps[View]:
    sub = Subgraph(vocabulary=Vocabulary.from_rows((yield sparql.vocabulary())))
    node_rows = yield from _paged(sparql.nodes, page)
    sub.add_node_rows(node_rows)
    view = View(sub)
    iris: list[str] | None = None
    if len(sub.nodes) > max_nodes:
        keep = sorted(sub.nodes)[:max_nodes]
        view.complete = False
        view.notices.append(
            f"The graph has {len(sub.nodes)} nodes; the first {max_nodes} are drawn. "
            "Search or focus on a node to see the rest."
        )
        sub.nodes = {i: sub.nodes[i] for i in keep}
        iris = keep
    sub.add_extra_rows((yield from _paged(sparql.extras, page, iris=iris)))
    sub.add_edge_rows((yield from _paged(sparql.edges, page, sources=iris, targets=iris)))
    return view


def neighbourhood(
    focus: str, depth: int = DEFAULT_DEPTH, page: int = PAGE, max_nodes: int = MAX_FOCUS_NODES
) -> Steps[View]:
    """The nodes within ``depth`` relations of ``focus`` (either direction), and their edges."""
    depth = max(0, min(int(depth), MAX_DEPTH))
    if not (yield sparql.exists([focus])):
        raise NotFound(
            f"<{focus}> is not a node of the graph (a study, publication, cohort, intervention, "
            "endpoint, result, finding, prognostic factor, risk rule or definition)"
        )
    sub = Subgraph(vocabulary=Vocabulary.from_rows((yield sparql.vocabulary())), highlight=[focus])
    view = View(sub, mode="focus", focus=focus, depth=depth)
    seen, frontier = {focus}, {focus}
    for hop in range(depth):
        rows = yield from _incident(frontier)
        new = sorted({end for r in rows for end in (r["s"], r["o"])} - seen)
        if len(seen) + len(new) > max_nodes:
            new = new[: max(0, max_nodes - len(seen))]
            view.complete = False
            view.notices.append(
                f"The neighbourhood was cut at {max_nodes} nodes after {hop} hop(s); "
                "double-click a node to expand it."
            )
        seen.update(new)
        frontier = set(new)
        if not frontier or not view.complete:
            break
    yield from _fill(sub, seen, page)
    return view


def _candidates(value: str) -> list[str]:
    if sparql.is_iri(value) and value.startswith(("http://", "https://", "urn:")):
        return [value]
    if _SLUG.match(value):
        return [f"{ID}{kind}/{value}" for kind in ENTITY_PATHS]
    return []


def question(
    name: str,
    params: dict[str, str] | None = None,
    page: int = PAGE,
    max_nodes: int = MAX_FOCUS_NODES,
    queries=None,
) -> Steps[View]:
    """The answer subgraph of a named query: the nodes its answer names (by IRI, by id or by
    label) and what they are about (one relation out), with the answer rows beside it."""
    from ..named import NamedQueries

    named = (queries or NamedQueries()).get(name)
    text = named.sparql(params or {})
    rows: list[Row] = yield text
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    # Which cells name a node: an IRI, an id (slug) of some kind, or an exact label.
    by_value: dict[str, set[str]] = {}
    labels: set[str] = set()
    for row in rows:
        for value in row.values():
            if value in by_value:
                continue
            by_value[value] = set(_candidates(value))
            if (
                not by_value[value]
                and 1 < len(value) <= 200
                and not re.fullmatch(r"[\d.,;:%<>=≤≥ -]+", value)
            ):
                labels.add(value)
    candidates = sorted({c for cs in by_value.values() for c in cs})
    existing = {r["node"] for r in (yield from _in_parts(sparql.exists, candidates))}
    resolved: dict[str, str] = {}
    for value, cands in by_value.items():
        hits = sorted(cands & existing)
        if len(hits) == 1 or (hits and value in hits):
            resolved[value] = value if value in hits else hits[0]
    if labels:
        label_rows = yield from _in_parts(sparql.by_label, labels)
        by_label: dict[str, set[str]] = {}
        for r in label_rows:
            by_label.setdefault(r["value"], set()).add(r["node"])
        for value, nodes in by_label.items():
            if len(nodes) == 1:
                resolved.setdefault(value, next(iter(nodes)))
    seeds = sorted(set(resolved.values()))
    sub = Subgraph(vocabulary=Vocabulary.from_rows((yield sparql.vocabulary())), highlight=seeds)
    view = View(sub, mode="question")
    keep = set(seeds)
    if seeds:
        out_rows = yield from _paged(sparql.edges, page, sources=seeds)
        for r in out_rows:
            if len(keep) >= max_nodes:
                view.complete = False
                view.notices.append(f"The answer subgraph was cut at {max_nodes} nodes.")
                break
            keep.add(r["o"])
        yield from _fill(sub, keep, page)
    else:
        view.notices.append(
            "This question's answer names no node of the graph; its rows are listed beside it."
        )
    shown = rows[:MAX_ANSWER_ROWS]
    links = [{c: resolved[v] for c, v in row.items() if v in resolved} for row in shown]
    view.answer = Answer(named.name, named.title, named.description, columns, shown, links, len(rows))
    if len(rows) > MAX_ANSWER_ROWS:
        view.notices.append(f"The answer has {len(rows)} rows; the first {MAX_ANSWER_ROWS} are listed.")
    return view


def neighbours(iri: str, page: int = PAGE) -> Steps[Subgraph]:
    """A node's neighbours and every edge around them, for expanding a node in the browser
    (the page adds the edges whose both ends it draws)."""
    if not (yield sparql.exists([iri])):
        raise NotFound(f"<{iri}> is not a node of the graph")
    sub = Subgraph(vocabulary=Vocabulary.from_rows((yield sparql.vocabulary())), highlight=[iri])
    first = yield from _incident([iri])
    near = {iri} | {end for r in first for end in (r["s"], r["o"])}
    around = yield from _incident(near)
    ends = near | {end for r in around for end in (r["s"], r["o"])}
    iris = sorted(ends)
    sub.add_node_rows((yield from _paged(sparql.nodes, page, iris=iris)))
    sub.add_extra_rows((yield from _paged(sparql.extras, page, iris=iris)))
    sub.add_edge_rows(first + around)
    sub.highlight = sorted(near)
    return sub


def node_details(
    iris: Iterable[str] | None, nodes: dict, href: Callable[[str], str], page: int = PAGE
) -> Steps[dict[str, dict]]:
    """The side panel's content for ``iris`` (None: every node of ``nodes``)."""
    iris = None if iris is None else sorted(set(iris))
    facts = yield from _paged(sparql.facts, page, iris=iris)
    quotes = yield from _paged(sparql.quotes, page, iris=iris)
    evidence = yield from _paged(sparql.evidence, page, iris=iris)
    if iris is not None:
        missing = [i for i in iris if i not in nodes]
        if missing:
            extra = Subgraph()
            extra.add_node_rows((yield from _paged(sparql.nodes, page, iris=missing)))
            extra.add_extra_rows((yield from _paged(sparql.extras, page, iris=missing)))
            nodes = {**nodes, **extra.nodes}
    wanted = set(iris) if iris is not None else set(nodes)
    result = build_details(nodes, facts, [q for q in quotes if q["node"] in wanted], evidence, href)
    return {i: d for i, d in result.items() if i in wanted}


def search(text: str, limit: int = 20) -> Steps[list[Row]]:
    """Nodes a reader's words name (see :mod:`graph.lookup`: labels, abbreviations and synonyms on
    whole words; a result also by its endpoint's names), best first."""
    lookup = Lookup((yield names_query(ENTITY_PATHS, text)))
    return [
        {"node": m.iri, "kind": m.kind, "label": lookup.label(m.iri), "score": str(m.rank)}
        for m in lookup.resolve(text)[:limit]
    ]
