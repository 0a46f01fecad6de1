"""The view's model: nodes, edges and the side panel's details, assembled from query rows.

Rows are plain dicts of strings (what ``select_rows`` and :func:`graph.viz.extract.engine_select`
return), so the same functions serve the HTTP service, the CLI and the tests. Nothing here
writes HTML: labels are kept as the graph has them and escaped where they are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .kinds import BY_KEY, DIRECTION_COLORS, TOPIC_ORDER, relation_label

Row = dict[str, str]
# The query columns a result's label is made of (graph.viz.sparql selects them).
RESULT_FIELDS = ("endpoint", "timepoint", "printed", "unit", "qualifier", "statistic", "p")

DISPLAY_CHARS = 40
TOOLTIP_QUOTE_CHARS = 320
_QUALIFIER = {"about": "≈", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_STATISTIC = {"hazard-ratio": "HR ", "median": "median ", "count": "n=", "interquartile-range": "IQR "}


def shorten(text: str, limit: int = DISPLAY_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def value_text(
    printed: str = "", unit: str = "", qualifier: str = "", statistic: str = "", p: str = "", **_: Any
) -> str:
    """A reported number as a clinician reads it: ``69.5%``, ``median 10.4 months``, ``HR 0.52``."""
    if not printed:
        return f"P={p}" if p else ""
    unit_part = "" if not unit or unit in ("ratio",) else (unit if unit == "%" else f" {unit}")
    text = f"{_STATISTIC.get(statistic, '')}{_QUALIFIER.get(qualifier, '')}{printed}{unit_part}"
    return f"{text} (P={p})" if p else text


def result_label(endpoint: str = "", timepoint: str = "", **parts: Any) -> str:
    """``DFS at 4 years: 69.5% (P=0.015)`` from a result's endpoint, time point and value."""
    head = endpoint or "result"
    if timepoint:
        head += f" at {timepoint}"
    value = value_text(**parts)
    return f"{head}: {value}" if value else head


@dataclass
class Node:
    iri: str
    kind: str
    label: str = ""
    short: str = ""
    sublabel: str = ""
    quote: str = ""
    direction: str = ""
    topic: str = ""
    value: str = ""

    @property
    def full(self) -> str:
        """The label the panel and search show: a result's number, else the graph's label."""
        if self.kind == "result" and self.value:
            return self.value
        return self.label or self.short or self.iri

    @property
    def display(self) -> str:
        """The label drawn on the canvas."""
        if self.short and self.kind in ("study",):
            return self.short
        return shorten(self.full)

    def tooltip(self) -> str:
        """Plain text (the page shows it as text, never as HTML)."""
        kind = BY_KEY[self.kind]
        head = kind.label if not self.sublabel else f"{kind.label} · {self.sublabel}"
        lines = [head, self.full]
        if self.kind == "result" and self.label and self.label != self.full:
            lines.append(self.label)
        if self.direction:
            lines.append(f"direction: {self.direction}")
        if self.quote:
            lines.append(f"“{shorten(self.quote, TOOLTIP_QUOTE_CHARS)}”")
        return "\n".join(lines)


@dataclass
class Edge:
    source: str
    target: str
    relations: list[str] = field(default_factory=list)


@dataclass
class Vocabulary:
    """Property labels and super-properties, from the ontology graph."""

    labels: dict[str, str] = field(default_factory=dict)
    supers: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Row]) -> Vocabulary:
        vocab = cls()
        for row in rows:
            if row.get("label"):
                vocab.labels.setdefault(row["p"], row["label"])
            if row.get("super"):
                vocab.supers.setdefault(row["p"], set()).add(row["super"])
        return vocab

    def label(self, relation: str) -> str:
        return relation_label(relation, self.labels)

    def most_specific(self, relations: Iterable[str]) -> list[str]:
        """Drop each relation that is a super-property of another one present (cito:cites when
        cito:citesAsEvidence is there too)."""
        rels = list(dict.fromkeys(relations))
        implied = {s for r in rels for s in self._ancestors(r)}
        return [r for r in rels if r not in implied] or rels

    def _ancestors(self, relation: str) -> set[str]:
        seen, todo = set(), list(self.supers.get(relation, ()))
        while todo:
            r = todo.pop()
            if r not in seen:
                seen.add(r)
                todo.extend(self.supers.get(r, ()))
        return seen


@dataclass
class Subgraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    highlight: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    # --- assembly from rows -------------------------------------------------------------
    def add_node_rows(self, rows: Iterable[Row]) -> None:
        from .kinds import KINDS

        order = {k.key: i for i, k in enumerate(KINDS)}
        for row in rows:
            iri, kind = row["node"], row["kind"]
            node = self.nodes.get(iri)
            if node is None or order[kind] < order[node.kind]:
                node = self.nodes[iri] = Node(
                    iri, kind, label=node.label if node else "", short=node.short if node else ""
                )
            node.label = node.label or row.get("label", "")
            node.short = node.short or row.get("short", "")
            if row.get("sublabel") and not node.sublabel:
                node.sublabel = row["sublabel"]

    def add_extra_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            node = self.nodes.get(row["node"])
            if node is None:
                continue
            if row.get("quote") and not node.quote:
                node.quote = row["quote"]
            if row.get("direction"):
                node.direction = row["direction"]
            if row.get("topic"):
                node.topic = row["topic"]
            if node.kind == "result" and any(row.get(k) for k in ("endpoint", "printed", "p")):
                node.value = result_label(**{k: row.get(k, "") for k in RESULT_FIELDS})

    def add_edge_rows(self, rows: Iterable[Row], only_known: bool = True) -> int:
        """Add relations; returns how many were new. Several relations between the same two
        nodes are one edge; a relation implied by a more specific one is dropped."""
        added = 0
        for row in rows:
            s, o, p = row["s"], row["o"], row["p"]
            if s == o or (only_known and (s not in self.nodes or o not in self.nodes)):
                continue
            edge = self.edges.get((s, o))
            if edge is None:
                edge = self.edges[(s, o)] = Edge(s, o)
                added += 1
            if p not in edge.relations:
                edge.relations.append(p)
        return added

    def edge_label(self, edge: Edge) -> str:
        return " · ".join(self.vocabulary.label(r) for r in self.vocabulary.most_specific(edge.relations))

    def edge_tooltip(self, edge: Edge) -> str:
        src, dst = self.nodes[edge.source], self.nodes[edge.target]
        return f"{src.full}\n  — {self.edge_label(edge)} →\n{dst.full}"

    def edge_color(self, edge: Edge) -> str | None:
        """A finding's edge to its subject takes the finding's direction (for / against)."""
        src = self.nodes[edge.source]
        if src.kind == "finding" and src.direction and any(r.endswith("#subject") for r in edge.relations):
            return DIRECTION_COLORS.get(src.direction)
        return None

    def degrees(self) -> dict[str, int]:
        deg = {iri: 0 for iri in self.nodes}
        for s, o in self.edges:
            deg[s] += 1
            deg[o] += 1
        return deg


# --- the side panel --------------------------------------------------------------------------


def details(
    nodes: dict[str, Node],
    fact_rows: Iterable[Row],
    quote_rows: Iterable[Row],
    evidence_rows: Iterable[Row],
    href,
) -> dict[str, dict]:
    """Per node: its facts, its verbatim quotes and the evidence about it, as JSON-ready dicts.

    ``href`` maps an IRI to the link of its page (``/id/...`` on the server, the IRI itself in
    a standalone file)."""
    out: dict[str, dict] = {}

    def entry(iri: str) -> dict:
        if iri not in out:
            node = nodes.get(iri)
            out[iri] = {
                "iri": iri,
                "href": href(iri),
                "label": node.full if node else iri,
                "kind": node.kind if node else "",
                "sublabel": node.sublabel if node else "",
                "facts": [],
                "quotes": [],
                "evidence": [],
            }
        return out[iri]

    for row in fact_rows:
        o = row["o"]
        is_entity = o in nodes
        label = row.get("olabel") or (nodes[o].full if is_entity else "")
        entry(row["node"])["facts"].append(
            {
                "property": row.get("plabel") or relation_label(row["p"], {}),
                "propertyIri": row["p"],
                "value": label or o,
                "iri": o if (label or is_entity or o.startswith("http")) and _looks_like_iri(o) else "",
                "href": href(o) if _looks_like_iri(o) else "",
                "inGraph": is_entity,
            }
        )
    for row in quote_rows:
        quote = {"text": row["quote"], "source": row.get("source", "")}
        quotes = entry(row["node"])["quotes"]
        if quote not in quotes:
            quotes.append(quote)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in evidence_rows:
        key = (row["node"], row["e"])
        if key in seen:
            if row.get("cns") == "true":
                seen[key]["cns"] = True
            continue
        kind = row["ekind"]
        if kind == "result":
            statement = result_label(**{k: row.get(k, "") for k in RESULT_FIELDS})
            if row.get("cohort"):
                statement += f" in {row['cohort']}"
        else:
            statement = row.get("elabel") or row["e"]
        topic = row.get("topic") or (
            "results" if kind == "result" else "rules" if kind == "risk-rule" else "other"
        )
        item: dict[str, Any] = {
            "iri": row["e"],
            "href": href(row["e"]),
            "kind": kind,
            "statement": statement,
            "quote": row["quote"],
            "topic": topic,
            "topicLabel": row.get("topiclabel")
            or {"results": "reported results", "rules": "risk rules"}.get(topic, topic),
            "direction": row.get("direction", ""),
            "cns": row.get("cns") == "true",
            "via": row.get("vialabel", ""),
            "relation": row.get("rel", ""),
        }
        seen[key] = item
        entry(row["node"])["evidence"].append(item)
    order = {t: i for i, t in enumerate(TOPIC_ORDER)}
    for d in out.values():
        d["facts"].sort(key=lambda f: (f["property"], f["value"]))
        d["evidence"].sort(
            key=lambda e: (
                order.get(e["topic"], len(order))
                if e["topic"] not in ("results", "rules")
                else len(order) + 1,
                bool(e["via"]),  # what is said of the therapy itself before what is said of its products
                not e["cns"],
                {"for": 0, "against": 1}.get(e["direction"], 2),
                e["statement"],
            )
        )
    for iri in nodes:
        entry(iri)
    return out


def _looks_like_iri(text: str) -> bool:
    from .sparql import is_iri

    return text.startswith(("http://", "https://", "urn:")) and is_iri(text)
