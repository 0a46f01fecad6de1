"""RDFS entailments the ontology declares, materialised into the inferred graph.

The ontology says ``rkg:acronym rdfs:subPropertyOf skos:altLabel``, ``rkg:partOf
rdfs:subPropertyOf dcterms:isPartOf``, ``rkg:Cohort rdfs:subClassOf obo:STATO_0000193``, domains
and ranges; a SPARQL user asking in the standard vocabulary (``?s skos:altLabel ?x``,
``?c dcterms:isPartOf ?p``) gets nothing unless those entailments are triples of the graph, since
the store does no inference at query time. HermiT's realisation (pipeline.py) already gives every
individual its entailed named types, but OWL 2 DL says nothing of annotation properties (skos:altLabel,
skos:editorialNote) and the pipeline keeps only types and subsumptions, so the sub-property
entailments were missing.

The closure is owlrl's RDFS semantics (rules rdfs2, rdfs3, rdfs5, rdfs7, rdfs9, rdfs11), run on what
can take part in it: the ontology's rdfs:subClassOf / subPropertyOf / domain / range axioms and the
curated triples whose predicate or class they mention. Over the whole graph owlrl takes tens of
seconds (it re-reads every triple on every pass); over that part it takes about a second on the
curated graph. What comes out is kept when it is about named nodes, not already asserted, and not
trivial (``x a rdfs:Resource``, ``p a rdf:Property``, a class its own subclass).

It runs inside the reasoning step, so where HermiT is skipped (graphs above
validate.REASONING_TRIPLES, and scale mode, which never holds the graph in memory) there is no
RDFS materialisation either; README "Reasoning" gives the measured costs behind that choice.
"""

from __future__ import annotations

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from ..namespaces import ID, INFERRED_GRAPH

RDFS_ACTIVITY = ID["activity/rdfs-materialisation"]
RDFS_AGENT = ID["software/owlrl"]
_STAND_IN = "urn:x-relapsekg:literal:"
SCHEMA = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
_TRIVIAL_TYPES = {
    RDFS.Resource,
    RDFS.Class,
    RDF.Property,
    RDFS.Datatype,
    RDFS.Literal,
    RDFS.ContainerMembershipProperty,
    OWL.Thing,
    OWL.Class,
}


def schema_of(ontology: Graph) -> Graph:
    """The ontology's RDFS axioms between named terms: all the closure reads of the ontology."""
    schema = Graph()
    for p in SCHEMA:
        for s, o in ontology.subject_objects(p):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                schema.add((s, p, o))
    return schema


def relevant(data: Graph, schema: Graph) -> Graph:
    """The triples of ``data`` an RDFS rule can fire on: a predicate with a super-property, domain
    or range, or a type whose class has a superclass."""
    properties = {s for p in SCHEMA[1:] for s in schema.subjects(p)}
    classes = set(schema.subjects(RDFS.subClassOf))
    out = Graph()
    for s, p, o in data:
        if p in properties or (p == RDF.type and o in classes):
            out.add((s, p, o))
    return out


def rdfs_entailments(ontology: Graph, data: Graph) -> Graph:
    """The RDFS entailments of ``data`` under ``ontology``'s RDFS axioms that are not asserted in
    either, with the provenance of the step. Takes graphs, returns the triples to add.

    Literals go through the closure as stand-in IRIs: owlrl rewrites the literals it reasons about
    (it gave ``"true"^^xsd:boolean`` back as ``"1"^^xsd:integer``), and a sub-property entailment
    must carry the asserted value unchanged."""
    schema = schema_of(ontology)
    closure = Graph()
    literals: dict[URIRef, Literal] = {}
    for s, p, o in schema + relevant(data, schema):
        if isinstance(o, Literal):
            stand_in = URIRef(f"{_STAND_IN}{len(literals)}")
            literals[stand_in] = o
            o = stand_in
        closure.add((s, p, o))
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    entailed = Graph()
    for s, p, o in closure:
        if isinstance(s, (BNode, Literal)) or str(s).startswith(_STAND_IN) or isinstance(o, BNode) or s == o:
            continue
        o = literals.get(o, o) if isinstance(o, URIRef) else o
        if p == RDF.type and o in _TRIVIAL_TYPES:
            continue
        if (s, p, o) in data or (s, p, o) in ontology:
            continue
        entailed.add((s, p, o))
    if len(entailed):
        _provenance(entailed)
    return entailed


def _provenance(entailed: Graph) -> None:
    entailed.add((INFERRED_GRAPH, PROV.wasGeneratedBy, RDFS_ACTIVITY))
    entailed.add((RDFS_ACTIVITY, RDF.type, PROV.Activity))
    entailed.add(
        (
            RDFS_ACTIVITY,
            RDFS.label,
            Literal("RDFS materialisation: sub-property, sub-class, domain and range entailments"),
        )
    )
    entailed.add((RDFS_ACTIVITY, PROV.wasAssociatedWith, RDFS_AGENT))
    entailed.add((RDFS_AGENT, RDF.type, PROV.SoftwareAgent))
    entailed.add((RDFS_AGENT, RDFS.label, Literal(f"owlrl {owlrl.__version__} (RDFS semantics)")))


__all__ = ["rdfs_entailments", "schema_of", "relevant", "RDFS_ACTIVITY"]
