"""The RDF namespaces of the graph: our own, and the standard vocabularies it reuses."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/relapsekg/"
RKG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

OBO = Namespace("http://purl.obolibrary.org/obo/")
CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
OA = Namespace("http://www.w3.org/ns/oa#")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = Namespace("https://schema.org/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]

PREFIXES: dict[str, Namespace] = {
    "rkg": RKG,
    "id": ID,
    "obo": OBO,
    "cito": CITO,
    "fabio": FABIO,
    "bibo": BIBO,
    "oa": OA,
    "prism": PRISM,
    "dcterms": DCTERMS,
    "prov": PROV,
    "skos": SKOS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
    "schema": SCHEMA,
}


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, so named queries and users can rely on them."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def entity_iri(kind: str, slug: str) -> str:
    return f"{ID}{kind}/{slug}"
