"""FHIR R5: a Bundle of Evidence resources, one per reported result.

Each Evidence carries the result as FHIR models it: variableDefinition for the population,
exposure, reference exposure (the comparator) and measured variable (endpoint and time point);
statistic with its type, quantity, sample size, and attribute estimates for the p-value and the
confidence interval or range. Built with fhir.resources, so an invalid resource cannot be written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhir.resources.annotation import Annotation
from fhir.resources.bundle import Bundle, BundleEntry
from fhir.resources.codeableconcept import CodeableConcept
from fhir.resources.coding import Coding
from fhir.resources.evidence import (
    Evidence,
    EvidenceStatistic,
    EvidenceStatisticAttributeEstimate,
    EvidenceStatisticSampleSize,
    EvidenceVariableDefinition,
)
from fhir.resources.quantity import Quantity
from fhir.resources.range import Range

from ..engine import Engine
from ..namespaces import entity_iri
from . import register
from .tables import cohort_rows, evidence_rows, rows_of

STATISTIC_TYPE = "http://terminology.hl7.org/CodeSystem/statistic-type"
ATTRIBUTE_ESTIMATE_TYPE = "http://terminology.hl7.org/CodeSystem/attribute-estimate-type"
VARIABLE_ROLE = "http://hl7.org/fhir/variable-role"
UCUM = "http://unitsofmeasure.org"
# NCIt codes the FHIR statistic-type and attribute-estimate-type code systems reuse (vocabularies.md).
STATISTIC_CODES = {
    "hazard-ratio": ("C93150", "Hazard Ratio"),
    "median": ("C28007", "Median"),
    "count": ("C25463", "Count"),
    "proportion": ("C44256", "Proportion"),
    "survival-rate": ("C44256", "Proportion"),
}
UCUM_CODES = {"%": "%", "months": "mo", "years": "a", "days": "d", "patients": "{patients}", "ratio": "1"}
COMPARATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_LABELS = """
SELECT ?kind ?id ?label WHERE {
  VALUES (?class ?kind) { (rkg:Endpoint "endpoint") (rkg:Intervention "intervention") }
  ?x a ?class ; rdfs:label ?label . BIND(REPLACE(STR(?x), "^.*/", "") AS ?id)
}"""


def _concept(system: str | None, code: str | None, display: str) -> CodeableConcept:
    coding = [Coding(system=system, code=code, display=display)] if system and code else None
    return CodeableConcept(coding=coding, text=display)


def _quantity(value: str, unit: str, qualifier: str = "") -> Quantity:
    fields: dict[str, Any] = {"value": Decimal(value)}
    if unit:
        fields.update(unit=unit, system=UCUM, code=UCUM_CODES.get(unit.split("–")[0], unit))
    if qualifier in COMPARATORS:
        fields["comparator"] = COMPARATORS[qualifier]
    return Quantity(**fields)


def _variable(role: str, description: str) -> EvidenceVariableDefinition:
    return EvidenceVariableDefinition(
        variableRole=_concept(VARIABLE_ROLE, role, role), description=description
    )


def _estimates(r: dict[str, str]) -> list[EvidenceStatisticAttributeEstimate]:
    out = []
    if r["p_value"]:
        p = r["p_value"]
        qualifier = p[0] if p[0] in "<>" else ""
        out.append(
            EvidenceStatisticAttributeEstimate(
                type=_concept(ATTRIBUTE_ESTIMATE_TYPE, "C44185", "P-value"),
                description=f"P {p}" if qualifier else f"P = {p}",
                quantity=_quantity(p.lstrip("<>="), "", qualifier),
            )
        )
    if r["ci_low"] and r["qualifier"] != "range":
        high = r["ci_high"]
        numeric_high = high and high[0].isdigit()
        out.append(
            EvidenceStatisticAttributeEstimate(
                type=_concept(ATTRIBUTE_ESTIMATE_TYPE, "C53324", "Confidence interval"),
                level=Decimal(r["ci_level"]) if r["ci_level"] else None,
                description=f"{r['ci_low']} to {high}",
                range=Range(
                    low=_quantity(r["ci_low"], r["unit"]),
                    high=_quantity(high, r["unit"]) if numeric_high else None,
                ),
            )
        )
    if r["qualifier"] == "range":
        out.append(
            EvidenceStatisticAttributeEstimate(
                type=_concept(None, None, r["statistic"].replace("-", " ")),
                description=f"{r['ci_low']} to {r['ci_high']} {r['unit']}",
            )
        )
    return out


def evidence_resource(
    r: dict[str, str], labels: dict[tuple[str, str], str], cohort_names: dict[str, str]
) -> Evidence:
    endpoint = labels.get(("endpoint", r["endpoint"]), r["endpoint"])
    population = cohort_names.get(r["cohort"], "") or r["population"]
    variables = [_variable("population", population or r["study"])]
    if r["intervention"]:
        variables.append(
            _variable("exposure", labels.get(("intervention", r["intervention"]), r["intervention"]))
        )
    if r["comparator"]:
        variables.append(_variable("referenceExposure", cohort_names.get(r["comparator"], r["comparator"])))
    variables.append(
        _variable("measuredVariable", f"{endpoint}{' at ' + r['timepoint'] if r['timepoint'] else ''}")
    )
    code = STATISTIC_CODES.get(r["statistic"])
    statistic = EvidenceStatistic(
        description=f"{r['statistic'].replace('-', ' ')} of {endpoint}",
        statisticType=_concept(STATISTIC_TYPE, code[0], code[1])
        if code
        else _concept(None, None, r["statistic"]),
        quantity=_quantity(r["value"], r["unit"], r["qualifier"]) if r["value"] else None,
        sampleSize=EvidenceStatisticSampleSize(numberOfParticipants=int(r["n"])) if r["n"] else None,
        attributeEstimate=_estimates(r) or None,
        note=[Annotation(text="about (approximate value)")] if r["qualifier"] == "about" else None,
    )
    refs = r["reference_number"]
    return Evidence(
        id=r["result_id"][:64],
        url=entity_iri("result", r["result_id"]),
        status="active",
        title=f"{endpoint}: {population}" if population else endpoint,
        description=r["quote"],
        citeAsMarkdown=(
            "Murphy L, Aldoss I. Transl Pediatr 2024;13(3):530-534. doi:10.21037/tp-23-521"
            + (f", citing reference(s) {refs.replace(';', ', ')}" if refs else "")
        ),
        variableDefinition=variables,
        statistic=[statistic],
    )


@register(
    "fhir",
    "application/fhir+json",
    "relapsekg-evidence.fhir.json",
    "FHIR R5 Bundle of Evidence resources, one per result",
)
def fhir_bundle(engine: Engine) -> bytes:
    labels = {(row["kind"], row["id"]): row["label"] for row in rows_of(engine, _LABELS)}
    cohort_names = {c["cohort_id"]: c["name"] for c in cohort_rows(engine)}
    entries = [
        BundleEntry(
            fullUrl=entity_iri("result", r["result_id"]), resource=evidence_resource(r, labels, cohort_names)
        )
        for r in evidence_rows(engine)
    ]
    bundle = Bundle(type="collection", entry=entries)
    return bundle.model_dump_json(exclude_none=True, indent=1).encode("utf-8")
