"""What the reasoner inferred, read back from the built store (so it shows what SPARQL sees)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .. import store as stores
from ..namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, RKG
from .names import short
from .pipeline import DERIVED_GRAPH
from .rdfs import rdflib_term

_CLASSES = f"""
SELECT ?class ?label (COUNT(DISTINCT ?x) AS ?n) (GROUP_CONCAT(DISTINCT STR(?x); separator=" ") AS ?members)
WHERE {{
  GRAPH <{INFERRED_GRAPH}> {{ ?x a ?class }}
  FILTER(STRSTARTS(STR(?class), "{RKG}"))
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?class <http://www.w3.org/2002/07/owl#equivalentClass> ?definition }}
  OPTIONAL {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?class <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}
}}
GROUP BY ?class ?label ORDER BY ?class
"""
_COUNTS = f"""
SELECT
  (SUM(IF(?g = <{INFERRED_GRAPH}> && ?p = <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>, 1, 0)) AS ?types)
  (SUM(IF(?g = <{INFERRED_GRAPH}>, 1, 0)) AS ?inferred)
  (SUM(IF(?g = <{DERIVED_GRAPH}>, 1, 0)) AS ?derived)
WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g IN (<{INFERRED_GRAPH}>, <{DERIVED_GRAPH}>)) }}
"""
_AXIOMS = f"""
SELECT ?a ?relation ?b WHERE {{
  GRAPH <{INFERRED_GRAPH}> {{ ?a ?relation ?b }}
  FILTER(?relation IN (<http://www.w3.org/2000/01/rdf-schema#subClassOf>, <http://www.w3.org/2002/07/owl#equivalentClass>))
}} ORDER BY ?relation ?a ?b
"""


@dataclass
class InferredClass:
    iri: str
    label: str
    members: list[str]

    def to_json(self) -> dict:
        return {"class": self.iri, "label": self.label, "count": len(self.members), "members": self.members}


@dataclass
class Summary:
    manifest: dict
    classes: list[InferredClass] = field(default_factory=list)
    axioms: list[tuple[str, str, str]] = field(default_factory=list)
    inferred_triples: int = 0
    inferred_types: int = 0
    derived_triples: int = 0

    def to_json(self) -> dict:
        reasoning = self.manifest.get("reasoning", {})
        return {
            "reasoner": reasoning.get("reasoner"),
            "consistent": reasoning.get("consistent"),
            "reasoning_seconds": reasoning.get("seconds"),
            "hermit_seconds": reasoning.get("hermit_seconds"),
            "build_seconds": self.manifest.get("seconds"),
            "inferred_graph": str(INFERRED_GRAPH),
            "derived_graph": str(DERIVED_GRAPH),
            "inferred_triples": self.inferred_triples,
            "inferred_types": self.inferred_types,
            "derived_triples": self.derived_triples,
            "classes": [c.to_json() for c in self.classes],
            "entailed_class_axioms": [{"subject": a, "relation": r, "object": b} for a, r, b in self.axioms],
        }


def summarize(store_root: Path) -> Summary:
    build = stores.current_build(store_root)
    db = ox.Store.read_only(str(build.db))
    summary = Summary(build.manifest)
    for row in _solutions(db, _CLASSES):
        members = sorted(short(URIRef(m)) for m in row["members"].value.split())
        label = row["label"].value if row["label"] is not None else short(URIRef(row["class"].value))
        summary.classes.append(InferredClass(row["class"].value, label, members))
    counts = next(iter(_solutions(db, _COUNTS)))
    summary.inferred_types, summary.inferred_triples, summary.derived_triples = (
        int(counts[k].value) if counts[k] is not None else 0 for k in ("types", "inferred", "derived")
    )
    symbol = {
        "http://www.w3.org/2000/01/rdf-schema#subClassOf": "⊑",
        "http://www.w3.org/2002/07/owl#equivalentClass": "≡",
    }
    for row in _solutions(db, _AXIOMS):
        summary.axioms.append(
            (short(URIRef(row["a"].value)), symbol[row["relation"].value], short(URIRef(row["b"].value)))
        )
    return summary


def _solutions(db: ox.Store, sparql: str) -> ox.QuerySolutions:
    answer = db.query(sparql)
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError(f"a SELECT query answered with {type(answer).__name__}: {sparql[:60]}")
    return answer


def ontology_graph(store_root: Path) -> Graph:
    """The store's ontology graph (with the generated risk-rule axioms), as rdflib."""
    db = stores.open_read_only(store_root)
    g = Graph()
    constructed = db.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    if not isinstance(constructed, ox.QueryTriples):
        raise TypeError("a CONSTRUCT query answered with solutions")
    for triple in constructed:
        g.add((rdflib_term(triple.subject), rdflib_term(triple.predicate), rdflib_term(triple.object)))
    return g


__all__ = ["summarize", "Summary", "ontology_graph"]
