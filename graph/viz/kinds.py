"""What the graph view draws: the kinds of node (by ``rdf:type`` in the relapsekg ontology), how
each looks, and how relations are named on edges.

Colours follow a colour-blind-safe palette and every kind has its own shape as well, so the
legend can be read without colour. The same table drives the SPARQL (which classes make a
node), pyvis (``groups`` in the vis-network options), the legend and the type filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import CITO, DCTERMS, PROV, RDF, RKG


@dataclass(frozen=True)
class Kind:
    key: str  # stable id used in URLs, CSS classes and the JSON payload
    label: str  # legend text
    plural: str
    cls: str  # the ontology class whose instances are nodes of this kind
    color: str  # fill
    border: str  # outline, darker than the fill
    shape: str  # a vis-network shape
    font: str = "#1d2733"


KINDS: tuple[Kind, ...] = (
    Kind("study", "Study", "studies", str(RKG.Study), "#2b6cb0", "#1a4971", "box", font="#ffffff"),
    Kind("publication", "Publication", "publications", str(RKG.Publication), "#a3adb8", "#5f6b78", "square"),
    Kind("cohort", "Cohort, arm, subgroup", "cohorts", str(RKG.Cohort), "#e69f00", "#9a6b00", "dot"),
    Kind(
        "intervention",
        "Intervention",
        "interventions",
        str(RKG.Intervention),
        "#b0479a",
        "#772f68",
        "diamond",
    ),
    Kind("endpoint", "Endpoint", "endpoints", str(RKG.Endpoint), "#d8b62b", "#8a7414", "triangle"),
    Kind("result", "Result", "results", str(RKG.Result), "#16a394", "#0b6b61", "hexagon"),
    Kind("finding", "Finding", "findings", str(RKG.Finding), "#43a047", "#2a6a2d", "triangleDown"),
    Kind(
        "factor",
        "Prognostic factor",
        "prognostic factors",
        str(RKG.PrognosticFactor),
        "#d1495b",
        "#8c2b39",
        "star",
    ),
    Kind(
        "risk-rule",
        "Risk rule",
        "risk rules",
        str(RKG.RiskRule),
        "#6d5bd0",
        "#453a8c",
        "ellipse",
        font="#ffffff",
    ),
    Kind("definition", "Definition", "definitions", str(RKG.Definition), "#dfe6ee", "#7d8a97", "circle"),
)
BY_KEY = {k.key: k for k in KINDS}

# Relations never drawn: every curated entity has dcterms:source (the commented article), so
# drawing it would tie everything to one hub; rdf:type is shown by colour and shape.
HIDDEN_RELATIONS = (str(DCTERMS.source), str(RDF.type))

# Edges that are a path in the graph, drawn as one relation: a risk rule conditions on a factor.
# The relation's id is the SPARQL property path itself: the view mints no IRI for it.
CONDITIONS_ON = f"<{RKG.anyOf}>/<{RKG.allOf}>/<{RKG.factor}>"

# Labels for relations the ontology reuses without labelling, or that only the view draws.
RELATION_LABELS = {
    str(PROV.wasDerivedFrom): "derived from",
    str(CITO.cites): "cites",
    CONDITIONS_ON: "conditions on",
}

# Finding directions (skos:notation of rkg:direction) colour the finding's edges.
DIRECTION_COLORS = {"for": "#2e7d32", "against": "#c62828", "no-difference": "#6b7785"}

# Finding topics (skos:notation), in the order a clinician reads them; unknown topics follow.
TOPIC_ORDER = (
    "cns-efficacy",
    "em-efficacy",
    "efficacy",
    "safety",
    "prognosis",
    "salvage-line",
    "standard-of-care",
    "mechanism",
    "approval",
    "research-need",
)

EDGE_COLOR = "#9aa9b8"
EDGE_HIGHLIGHT = "#0b6e99"


def local_name(iri: str) -> str:
    """``https://…#wasDerivedFrom`` → ``was derived from``: a readable fallback label."""
    import re

    name = re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()


def relation_label(iri: str, labels: dict[str, str]) -> str:
    return labels.get(iri) or RELATION_LABELS.get(iri) or local_name(iri)
