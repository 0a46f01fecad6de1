"""OWL reasoning over the graph: risk rules as OWL 2 defined classes, evidence classes, HermiT.

* ``rules``      curated risk rules -> OWL defined classes (ontology/generated/risk-rules.ttl)
* ``pipeline``   the reasoning step of validate/build: consistency, coherence, inferred graph
* ``patients``   risk group of a patient (or of a homogeneous group described by ranges)
* ``localize``   which entities make an inconsistent graph inconsistent
* ``hermit``     running HermiT (the copy owlready2 ships) and reading its answer
"""

from __future__ import annotations

from .hermit import ReasonerUnavailable, hermit_version, java_executable, require_java
from .pipeline import DERIVED_GRAPH, Reasoning, reason

__all__ = [
    "reason",
    "Reasoning",
    "DERIVED_GRAPH",
    "ReasonerUnavailable",
    "require_java",
    "java_executable",
    "hermit_version",
]
