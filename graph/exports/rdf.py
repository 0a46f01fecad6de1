"""The whole graph as RDF: Turtle and JSON-LD (all graphs merged), TriG and N-Quads (named graphs kept)."""

from __future__ import annotations

import pyoxigraph as ox

from ..engine import Engine
from ..results import PREFIX_MAP, serialized
from . import register
from .tables import solutions

TRIG_PREFIXES = {k: v for k, v in PREFIX_MAP.items() if k != "id"}
_ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def quads(engine: Engine) -> list[ox.Quad]:
    return [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in solutions(engine, _ALL_QUADS)]


def _triples(engine: Engine) -> list[ox.Triple]:
    return list({q.triple for q in quads(engine)})


@register("turtle", "text/turtle", "relapsekg.ttl", "the whole graph, named graphs merged")
def turtle(engine: Engine) -> bytes:
    return serialized(_triples(engine), ox.RdfFormat.TURTLE, PREFIX_MAP)


@register(
    "jsonld", "application/ld+json", "relapsekg.jsonld", "the whole graph as JSON-LD, named graphs merged"
)
def jsonld(engine: Engine) -> bytes:
    return serialized(_triples(engine), ox.RdfFormat.JSON_LD, PREFIX_MAP)


@register(
    "trig",
    "application/trig",
    "relapsekg.trig",
    "the whole graph with its named graphs (one per source file, the ontology, inferences)",
)
def trig(engine: Engine) -> bytes:
    # Entity IRIs are written in full: as `id:` names they need an escaped slash (id:cohort\/x),
    # which some loaders keep literally (Virtuoso 7.2 loads <…/id/cohort\/x>).
    return serialized(quads(engine), ox.RdfFormat.TRIG, TRIG_PREFIXES)


@register(
    "nquads", "application/n-quads", "relapsekg.nq", "the whole graph with its named graphs, one quad a line"
)
def nquads(engine: Engine) -> bytes:
    return serialized(quads(engine), ox.RdfFormat.N_QUADS)
