"""Short, readable names for IRIs in messages and tables."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.term import Node

from ..namespaces import ID, PREFIXES, RKG


def short(term) -> str:
    """``cohort/aall1331-icns`` for an entity, ``rkg:BoneMarrowRelapse`` for a term, else a CURIE or <IRI>."""
    if isinstance(term, Literal):
        return str(term)
    text = str(term)
    if text.startswith(str(ID)):
        return text[len(str(ID)) :]
    if text.startswith(str(RKG)):
        return "rkg:" + text[len(str(RKG)) :]
    for prefix, ns in PREFIXES.items():
        if prefix not in ("id", "rkg") and text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    return f"<{text}>"


def slug(term: object) -> str:
    """The last path segment of an entity IRI: ``aall1331-icns``."""
    return str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def graph_name(g: object) -> Node | None:
    """The name of the graph ``Dataset.quads`` gives a quad in (a Graph, or its name)."""
    if isinstance(g, Graph):
        return g.identifier
    return g if isinstance(g, Node) else None
