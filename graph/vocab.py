"""Controlled vocabularies and the allow-list of external IRIs.

Curated YAML names controlled values by short keys (``design: [randomized, phase-3]``); the
ontology gives each key an IRI through ``skos:notation`` within a ``skos:ConceptScheme``. Adding a
term is an edit to ``ontology/relapsekg.ttl``, not to code.

External IRIs are allowed only if ``ontology/vocabularies.csv`` lists them (OBO terms one by one,
each with its label and where it was verified; CiTO, BIBO, FaBiO, PROV, OA and the W3C
vocabularies by namespace) or the source text prints them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from . import paths
from .namespaces import BASE, RKG

# Which scheme each controlled field draws from: (section, field) -> scheme local name.
FIELD_SCHEMES: dict[tuple[str, str], str] = {
    ("publication", "kind"): "PublicationKinds",
    ("cohorts", "kind"): "CohortKinds",
    ("interventions", "kind"): "InterventionKinds",
    ("studies", "design"): "DesignFeatures",
    ("studies", "condition"): "Conditions",
    ("results", "statistic"): "StatisticTypes",
    ("cohorts", "site"): "RelapseSites",
    ("cohorts", "risk_groups"): "RiskGroups",
    ("risk_rules", "risk_group"): "RiskGroups",
    ("risk_rules", "site"): "RelapseSites",
    ("risk_rules", "setting"): "DiseaseSettings",
    ("findings", "topic"): "Topics",
    ("findings", "direction"): "Directions",
    ("citations", "intent"): "CitationIntents",
    ("studies", "age_group"): "AgeGroups",
    ("studies", "settings"): "DiseaseSettings",
    ("interventions", "targets"): "TargetAntigens",
    ("phases", "phase"): "TreatmentPhases",
    ("analyses", "kind"): "AnalysisKinds",
    ("analyses", "direction"): "EffectDirections",  # of each predictor; pydantic allows two keys
    ("adverse_events", "event"): "AdverseEventTypes",
    ("adverse_events", "direction"): "AdverseEventDirections",
    ("adverse_events", "rate"): "AdverseEventRates",
    ("adverse_events", "grade"): "AdverseEventGrades",
    ("adverse_events", "reversibility"): "Reversibility",
    ("declarations", "kind"): "DeclarationKinds",
    ("declarations", "relationship"): "CompetingInterestKinds",
}

# Prefixes a curator may write a code with (``code: NCIT:C123``), and the IRI each stands for.
CURIE_PREFIXES = {
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
}


def expand_curie(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return CURIE_PREFIXES[prefix] + local if prefix in CURIE_PREFIXES else curie


_W3C_NAMESPACES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/ns/shacl#",
)
_OBO = "http://purl.obolibrary.org/obo/"
_URL = re.compile(r"https?://[^\s<>`|)*]+")


def load_ontology() -> Graph:
    graph = Graph()
    for ttl in sorted(paths.ONTOLOGY_DIR.glob("*.ttl")):
        if ttl.name != "shapes.ttl":
            graph.parse(ttl, format="turtle")
    return graph


@dataclass
class Vocabulary:
    """Key -> IRI for every controlled field, from the ontology."""

    schemes: dict[str, dict[str, URIRef]] = field(default_factory=dict)

    @classmethod
    def from_ontology(cls, ontology: Graph) -> Vocabulary:
        schemes: dict[str, dict[str, URIRef]] = {}
        for term, scheme in ontology.subject_objects(SKOS.inScheme):
            name = str(scheme).removeprefix(str(RKG))
            for notation in ontology.objects(term, SKOS.notation):
                schemes.setdefault(name, {})[str(notation)] = URIRef(str(term))
        return cls(schemes)

    def resolve(self, section: str, field_name: str, key: str) -> URIRef | None:
        return self.schemes.get(FIELD_SCHEMES[(section, field_name)], {}).get(key)

    def keys(self, section: str, field_name: str) -> list[str]:
        return sorted(self.schemes.get(FIELD_SCHEMES[(section, field_name)], {}))


@dataclass
class IriAllowList:
    codes: set[str]
    namespaces: tuple[str, ...]
    printed: tuple[str, ...]

    @classmethod
    def load(cls, vocabularies_csv: Path, texts: list[Path]) -> IriAllowList:
        """Read the allow-list (``kind,iri,label,...``) and the URLs the source texts print."""
        with vocabularies_csv.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        codes = {
            r["iri"].removeprefix(_OBO) for r in rows if r["kind"] == "term" and r["iri"].startswith(_OBO)
        }
        namespaces = tuple(sorted(r["iri"] for r in rows if r["kind"] == "namespace"))
        printed: list[str] = []
        for text in texts:
            printed += [u.rstrip(".,") for u in _URL.findall(text.read_text(encoding="utf-8"))]
        return cls(codes, namespaces + _W3C_NAMESPACES, tuple(printed))

    def allows(self, iri: str) -> bool:
        if iri.startswith(BASE):
            return True
        if iri.startswith(_OBO):
            return iri.rsplit("/", 1)[1] in self.codes
        if iri.startswith("https://doi.org/"):
            return any(iri.removeprefix("https://doi.org/") in p for p in self.printed)
        if any(iri == p or iri.rstrip("/") == p.rstrip("/") for p in self.printed):
            return True
        return any(iri.startswith(ns) for ns in self.namespaces)


@lru_cache(maxsize=1)
def default_allow_list() -> IriAllowList:
    return IriAllowList.load(paths.vocabularies_file(), sorted(paths.texts_dir().glob("*.txt")))
