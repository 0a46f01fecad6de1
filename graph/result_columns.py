"""The shape of a result, written once: the columns a reported result is shown with.

A result travels through six hand-written places: its pydantic model (graph/model.py ``Result``),
the converter (graph/convert.py ``Converter.results``), the SHACL shape (ontology/shapes.ttl
``shapes:Result``), the evidence table query (queries/evidence-table.rq), the ``evidence-csv``
export (graph/exports/tables.py ``EVIDENCE_COLUMNS``) and the JSON API (api/routes/rest.py
``Result``). Each is checked against this table by tests/test_result_shape.py, so a field added
to one and forgotten in another fails a test that names both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str  # the evidence-table.rq variable, the evidence-csv column and the JSON field
    fields: tuple[str, ...]  # the curated YAML fields of model.Result it shows (none: derived)
    path: str | None  # the SPARQL property path from the result node to it (None: the IRI itself)


RESULT_COLUMNS: tuple[Column, ...] = (
    Column("result_id", ("id",), None),
    Column("study", ("study",), "rkg:aboutStudy"),  # else the study of its cohort
    Column("reference_number", ("references",), "prov:wasDerivedFrom/rkg:referenceNumber"),
    Column("population", ("population",), "rkg:population"),
    Column("cohort", ("cohort",), "rkg:cohort"),
    Column("arm", (), "rkg:cohort/rkg:arm"),  # the arm its cohort belongs to (or is)
    Column("comparator", ("comparator",), "rkg:comparator"),
    Column("intervention", ("intervention",), "rkg:intervention"),
    Column("endpoint", ("endpoint",), "rkg:endpoint"),
    Column("timepoint", ("timepoint",), "rkg:timepointText"),
    Column("statistic", ("statistic",), "rkg:statisticType/skos:notation"),
    Column("qualifier", ("qualifier",), "rkg:qualifier"),
    Column("value", ("value",), "rkg:printed"),
    Column("unit", ("unit",), "rkg:unit"),
    Column("n", ("n",), "rkg:sampleSize"),  # else the size of its cohort
    Column("p_value", ("p",), "rkg:pValue/rkg:printed"),
    Column("ci_level", ("ci", "range"), "(rkg:confidenceInterval|rkg:range)/rkg:level"),
    Column("ci_low", ("ci", "range"), "(rkg:confidenceInterval|rkg:range)/(rkg:printed|rkg:lowText)"),
    Column("ci_high", ("ci", "range"), "(rkg:confidenceInterval|rkg:range)/(rkg:printedHigh|rkg:highText)"),
    Column("quote", ("quote",), "rkg:quote"),
)

# Fields of model.Result that are no column, and why.
NOT_COLUMNS: dict[str, str] = {
    "note": "a curator's remark about the extraction, not something the source reports"
}

COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in RESULT_COLUMNS)
