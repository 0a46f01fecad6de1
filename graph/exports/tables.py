"""Spreadsheet tables: the evidence table (one row per result) and the cohort table.

Both come from named queries (``queries/evidence-table.rq``, ``queries/cohort-table.rq``), so
what a spreadsheet shows is exactly what SPARQL users get; this module only fixes the column
order of the documented export columns and writes CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from ..engine import Engine, QueryError
from ..named import NamedQueries
from ..results import term_text, to_table
from . import register

EVIDENCE_COLUMNS = [
    "result_id",
    "study",
    "reference_number",
    "population",
    "cohort",
    "arm",
    "comparator",
    "intervention",
    "endpoint",
    "timepoint",
    "statistic",
    "qualifier",
    "value",
    "unit",
    "n",
    "p_value",
    "ci_level",
    "ci_low",
    "ci_high",
    "quote",
]
COHORT_COLUMNS = [
    "cohort_id",
    "study",
    "reference_number",
    "name",
    "parent",
    "arm",
    "n",
    "definition",
    "quote",
]


def sorted_references(text: str) -> str:
    return ";".join(sorted({n for n in text.split(";") if n}, key=int))


def solutions(engine: Engine, sparql: str) -> ox.QuerySolutions:
    """The rows of a SELECT query (an export's queries are all SELECT queries)."""
    answer = engine.query(sparql)
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError(f"expected a SELECT query, got a {type(answer).__name__}: {sparql[:80]}")
    return answer


def rows_of(engine: Engine, sparql: str) -> list[dict[str, str]]:
    """A SELECT answer as dicts of plain strings; an unbound variable is an empty string."""
    table = to_table(solutions(engine, sparql))
    return [{v: term_text(row.get(v)) for v in table.variables} for row in table.rows]


def named_rows(engine: Engine, name: str, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    return rows_of(engine, NamedQueries().get(name).sparql(params))


def evidence_table(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """The ``evidence-table`` query's rows as the export and the JSON API give them: every
    documented column present (empty where the query left it unbound), reference numbers in
    order. The one reading of that query's answer, whoever asked the graph for it."""
    return [_tidy(row, EVIDENCE_COLUMNS) for row in rows]


def cohort_table(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """The ``cohort-table`` query's rows, read as :func:`evidence_table` reads the evidence table."""
    return [_tidy(row, COHORT_COLUMNS) for row in rows]


def _tidy(row: Mapping[str, str], columns: list[str]) -> dict[str, str]:
    tidy = {**dict.fromkeys(columns, ""), **row}
    tidy["reference_number"] = sorted_references(tidy["reference_number"])
    return tidy


def evidence_rows(engine: Engine, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    return evidence_table(named_rows(engine, "evidence-table", params))


def cohort_rows(engine: Engine, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    return cohort_table(named_rows(engine, "cohort-table", params))


def write_csv(rows: Sequence[Mapping[str, object]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@register(
    "evidence-csv",
    "text/csv; charset=utf-8",
    "relapsekg-evidence.csv",
    "one row per reported result (columns of interface.md)",
)
def evidence_csv(engine: Engine) -> bytes:
    return write_csv(evidence_rows(engine), EVIDENCE_COLUMNS)


@register(
    "cohorts-csv",
    "text/csv; charset=utf-8",
    "relapsekg-cohorts.csv",
    "one row per arm, risk group, subgroup or series",
)
def cohorts_csv(engine: Engine) -> bytes:
    return write_csv(cohort_rows(engine), COHORT_COLUMNS)
