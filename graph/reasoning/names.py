"""Short, readable names for IRIs in messages and tables."""

from __future__ import annotations

from rdflib import Literal, URIRef

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


def slug(term: URIRef) -> str:
    """The last path segment of an entity IRI: ``aall1331-icns``."""
    return str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
