"""RDFS entailments the ontology declares, materialised into the inferred graph.

The ontology says ``rkg:acronym rdfs:subPropertyOf skos:altLabel``, ``rkg:partOf
rdfs:subPropertyOf dcterms:isPartOf``, ``rkg:Cohort rdfs:subClassOf obo:STATO_0000193``, domains
and ranges; a SPARQL user asking in the standard vocabulary (``?s skos:altLabel ?x``,
``?c dcterms:isPartOf ?p``) gets nothing unless those entailments are triples of the graph, since
the store does no inference at query time. HermiT's realisation (pipeline.py) already gives every
individual its entailed named types, but OWL 2 DL says nothing of annotation properties
(skos:altLabel, skos:editorialNote) and the pipeline keeps only types and subsumptions, so the
sub-property entailments were missing.

The rules (rdfs2, rdfs3, rdfs5, rdfs7, rdfs9, rdfs11) are one SPARQL CONSTRUCT, ``rdfs.rq``, run by
Oxigraph in memory as comparisons.rq is: their closure is property paths (``subPropertyOf+``,
``subClassOf*``). owlrl's RDFS semantics gives the same entailments (tested) but, on the loaded
2-core VM, took 10 s on the curated graph when handed only the triples a rule can read and 25-70 s
on all of it (it re-reads the graph on every pass, and it rewrote ``"true"^^xsd:boolean`` as
``"1"^^xsd:integer``); this step takes 0.2 s on the curated graph, 4.4 s at 100k triples
(``benchmarks/rdfs_materialisation.py``). What comes out is kept when it is not already asserted
and not trivial (a node its own superclass, ``x a owl:Thing``).

It runs inside the reasoning step, so only where HermiT does; README "OWL reasoning" says why.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD

from ..namespaces import ID, INFERRED_GRAPH

RULES = Path(__file__).with_name("rdfs.rq")
_PROLOGUE = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
_SCHEMA = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
RDFS_ACTIVITY = ID["activity/rdfs-materialisation"]
_TRIVIAL_TYPES = {
    RDFS.Resource,
    RDFS.Class,
    RDF.Property,
    RDFS.Datatype,
    RDFS.Literal,
    OWL.Thing,
    OWL.Class,
}


def rdfs_entailments(ontology: Graph, data: Graph, known: Graph | None = None) -> Graph:
    """The RDFS entailments of ``data`` (and of ``known``, facts already entailed, e.g. HermiT's)
    under ``ontology``'s RDFS axioms that none of them holds, with the provenance of the step.
    Takes graphs, returns the triples to add. (The graphs are read, never merged: copying 10k
    triples into a union rdflib graph cost more than the rules.)"""
    graphs = (ontology, data) if known is None else (ontology, data, known)
    store = ox.Store()
    store.extend(_quad(triple) for triple in relevant(ontology, *graphs[1:]))
    entailed = Graph()
    triples = store.query(_PROLOGUE + RULES.read_text(encoding="utf-8"))
    assert isinstance(triples, ox.QueryTriples)
    for triple in triples:
        s, p, o = (rdflib_term(t) for t in (triple.subject, triple.predicate, triple.object))
        if isinstance(s, BNode) or isinstance(o, BNode) or s == o:
            continue
        if p == RDF.type and o in _TRIVIAL_TYPES:
            continue
        if any((s, p, o) in graph for graph in graphs):
            continue
        entailed.add((s, p, o))
    if len(entailed):
        _provenance(entailed)
    return entailed


def relevant(ontology: Graph, *data: Graph) -> list[tuple]:
    """What a rule can read: the RDFS axioms, the class assertions, and the triples of properties
    that have a super-property, a domain or a range (serialising all of the graph for the store
    took longer than the rules: 2.9 s for 10k triples through rdflib)."""
    schema = [(s, p, o) for p in _SCHEMA for s, o in ontology.subject_objects(p)]
    properties = {s for s, p, _o in schema if p != RDFS.subClassOf}
    return schema + [
        triple
        for graph in (ontology, *data)
        for p in (RDF.type, *properties)
        for triple in graph.triples((None, p, None))
    ]


def _quad(triple: tuple) -> ox.Quad:
    s, p, o = (_oxigraph(t) for t in triple)
    return ox.Quad(s, p, o)  # type: ignore[arg-type]  # subjects and predicates are never literals


def _oxigraph(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal), term
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """A pyoxigraph term as rdflib's (what both reasoning steps read back from Oxigraph)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):  # a plain literal, as rdflib writes it
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _provenance(entailed: Graph) -> None:
    entailed.add((INFERRED_GRAPH, PROV.wasGeneratedBy, RDFS_ACTIVITY))
    entailed.add((RDFS_ACTIVITY, RDF.type, PROV.Activity))
    entailed.add(
        (
            RDFS_ACTIVITY,
            RDFS.label,
            Literal(
                "RDFS entailments (sub-property, sub-class, domain, range): SPARQL CONSTRUCT graph/reasoning/rdfs.rq"
            ),
        )
    )


__all__ = ["rdfs_entailments", "relevant", "RDFS_ACTIVITY", "RULES"]
