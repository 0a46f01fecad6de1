"""The RDF namespaces of the graph: our own, and the standard vocabularies it reuses."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace


class TermNamespace(Namespace):
    """A namespace that makes each of its terms once, as rdflib's own vocabularies (RDF, RDFS...) do.

    rdflib's plain ``Namespace`` makes a new URIRef on every ``RKG.quote``: it checks the IRI's
    characters again, and two equal terms that are not the same object are compared in Python
    wherever one is a dict key (stores, sets, caches). A 1M-triple build asks for a few million of
    them, and made once they cost a dict lookup."""

    def term(self, name: str) -> URIRef:
        terms = _TERMS.get(self)
        if terms is None:
            terms = _TERMS[str(self)] = {}
        found = terms.get(name) if isinstance(name, str) else None
        if found is None:
            found = super().term(name)  # rdflib's answer, a slice included
            if isinstance(name, str):
                terms[name] = found
        return found


_TERMS: dict[str, dict[str, URIRef]] = {}

BASE = "https://w3id.org/relapsekg/"
RKG = TermNamespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")  # one term per entity, millions at scale: the converter keeps the ones it reuses
GRAPH = Namespace(BASE + "graph/")

OBO = Namespace("http://purl.obolibrary.org/obo/")
CITO = TermNamespace("http://purl.org/spar/cito/")
FABIO = TermNamespace("http://purl.org/spar/fabio/")
BIBO = TermNamespace("http://purl.org/ontology/bibo/")
OA = TermNamespace("http://www.w3.org/ns/oa#")
PRISM = TermNamespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = TermNamespace("https://schema.org/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
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
