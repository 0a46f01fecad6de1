"""Reference-manager and screening exports parse in the libraries that consume them, and keep
the 30 records (the article and its 29 references) with their titles, names and Unicode."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy

from graph.engine import LocalEngine
from graph.exports import get_export

SCHEMA = Path(__file__).parent / "data" / "csl-data.schema.json"


def export(engine: LocalEngine, fmt: str) -> str:
    return get_export(fmt).write(engine).decode("utf-8")


def test_ris_has_30_records_that_rispy_reads_back(engine: LocalEngine) -> None:
    records = rispy.loads(export(engine, "ris"))
    assert len(records) == 30
    by_id = {r["id"]: r for r in records}
    hogan = by_id["ref-11-hogan-2023"]
    assert hogan["type_of_reference"] == "JOUR" and hogan["journal_name"] == "J Clin Oncol"
    assert hogan["authors"] == ["Hogan, LE", "Brown, PA", "Ji, L"]
    assert (hogan["year"], hogan["volume"], hogan["start_page"], hogan["end_page"]) == (
        "2023",
        "41",
        "4118",
        "4129",
    )
    assert by_id["murphy-aldoss-2024"]["doi"] == "10.21037/tp-23-521"
    assert by_id["ref-20-boissel-2021"]["type_of_reference"] == "ABST"
    assert not export(engine, "ris").startswith("1."), "plain RIS, no counter lines"


def test_bibtex_has_30_entries_that_bibtexparser_reads_back(engine: LocalEngine) -> None:
    library = bibtexparser.parse_string(export(engine, "bibtex"))
    assert library.failed_blocks == []
    assert len(library.entries) == 30
    entries = {e.key: e for e in library.entries}
    assert entries["ref-13-gokbuget-2016"]["author"].startswith("Gökbuget, N and Dombret, H")
    assert entries["ref-13-gokbuget-2016"]["author"].endswith("and others")
    assert entries["ref-09-brown-2021"]["title"] == (
        "{Effect of Postreinduction Therapy Consolidation With Blinatumomab vs Chemotherapy on Disease-Free Survival in "
        "Children, Adolescents, and Young Adults With First Relapse of B-Cell Acute Lymphoblastic Leukemia: "
        "A Randomized Clinical Trial}"
    )
    assert entries["ref-01-hunger-2015"]["pages"] == "1541--1552"


def test_csl_json_is_valid_against_the_csl_schema_and_renders_with_citeproc(engine: LocalEngine) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(export(engine, "csl-json"))
    jsonschema.validate(items, json.loads(SCHEMA.read_text()))
    assert len(items) == 30
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle("harvard-cite-them-right", validate=False), source, formatter.plain
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == 30
    assert any("Gökbuget" in line and "2016" in line for line in rendered)
    assert any("Paganin" in line and "'high-risk'" in line for line in rendered)


def test_asreview_csv_marks_the_references_used_as_evidence(engine: LocalEngine) -> None:
    rows = list(csv.DictReader(io.StringIO(export(engine, "asreview-csv"))))
    assert list(rows[0]) == ["id", "title", "abstract", "authors", "year", "doi", "included"]
    assert len(rows) == 30 and all(r["abstract"] == "" for r in rows)
    included = {r["id"] for r in rows if r["included"] == "1"}
    assert {
        "ref-11-hogan-2023",
        "ref-16-dombret-2019",
        "ref-25-fabrizio-2022",
        "ref-27-jacoby-2022",
    } <= included
    assert "murphy-aldoss-2024" not in included
    assert "ref-12-parker-2010" not in included, "cited only for the regimen"


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csl-json", "asreview-csv"])
def test_unicode_commas_and_quotes_survive_in_citations(engine: LocalEngine, fmt: str) -> None:
    text = export(engine, fmt)
    for probe in (
        "Gökbuget",
        "Children's Oncology Group",
        "BLINCYTO®",
        "Adolescents, and Young Adults",
        "relapsed 'high-risk' acute",
    ):
        assert probe in text, (fmt, probe)


@pytest.mark.parametrize(
    "fmt, probes",
    [
        ("evidence-csv", ("–", "\\pm", "*et al.*", "$P < 0.001$", ", ")),
        ("cohorts-csv", ("±", "–", "MRD⁺", ", ")),
    ],
)
def test_unicode_commas_and_quotes_survive_in_tables(engine: LocalEngine, fmt: str, probes: tuple) -> None:
    text = export(engine, fmt)
    rows = list(csv.DictReader(io.StringIO(text)))
    cells = [value for row in rows for value in row.values()]
    for probe in probes:
        assert any(probe in cell for cell in cells), (fmt, probe)
    assert all(len(row) == len(rows[0]) for row in rows)


def test_an_unknown_format_lists_the_known_ones(client) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "export", "endnote-xml"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "known formats" in result.stderr and "ris" in result.stderr
    response = client.get("/export/endnote-xml")
    assert response.status_code == 404 and "bibtex" in response.text
