"""Where in the curated YAML a node of the graph was written: the file and line a problem names.

The converter records the origin of every IRI it mints as it writes it (an entity, and every
node minted for it: its p-value, interval, condition sets, quote annotations and selectors), so
SHACL, the IRI check and the reasoner find a node's file and line by looking it up, never by
guessing from the shape of its IRI. A node nobody recorded (the ontology's, a derived one) is
"(graph)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import URIRef

from .corpus import Problem


@dataclass(frozen=True, slots=True)
class Origin:
    file: str
    line: int | None


NOWHERE = Origin("(graph)", None)

Origins = Mapping[URIRef, Origin]


def origin_of(node: object, origins: Origins) -> Origin:
    """The recorded origin of ``node``, or NOWHERE (a literal, a blank node, an unrecorded IRI)."""
    return origins.get(node, NOWHERE) if isinstance(node, URIRef) else NOWHERE


def problem_at(node: object, origins: Origins, message: str) -> Problem:
    """A problem about ``node``, named by the file and line that wrote it."""
    origin = origin_of(node, origins)
    return Problem(origin.file, origin.line, message)


def merged(many: list[Origins]) -> dict[URIRef, Origin]:
    """One lookup for several graphs' origins; a node written in several keeps its first."""
    found: dict[URIRef, Origin] = {}
    for origins in reversed(many):
        found.update(origins)
    return found
