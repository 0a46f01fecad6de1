"""Reconciling the graph with an independent second extraction of the article."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from graph.engine import LocalEngine
from graph.exports import get_export

SECOND = Path(__file__).parent / "data" / "second-extraction"


def table(engine: LocalEngine, fmt: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(get_export(fmt).write(engine).decode("utf-8"))))


def second(name: str) -> list[dict[str, str]]:
    with open(SECOND / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def numbers_with_quotes(engine: LocalEngine) -> set[tuple[str, str]]:
    """(number, quote) pairs the graph states: result values, p-values, bounds and cohort sizes."""
    pairs = set()
    for row in table(engine, "evidence-csv"):
        for key in ("value", "p_value", "ci_low", "ci_high", "n"):
            if row[key]:
                pairs.add((row[key].lstrip("<>="), squash(row["quote"])))
    for row in table(engine, "cohorts-csv"):
        if row["n"]:
            pairs.add((row["n"], squash(row["quote"])))
    return pairs


def test_every_number_of_the_second_extraction_is_in_the_graph(numbers_with_quotes: set) -> None:
    missing = []
    for row in second("results.csv"):
        for key in ("value", "p_value", "ci_low", "ci_high"):
            number = row[key].lstrip("<>=")
            if not number or not number[0].isdigit():
                continue  # "NR": the graph keeps the text "not reached"
            their_quote = squash(row["quote"])
            if not any(
                n == number and (q in their_quote or their_quote in q) for n, q in numbers_with_quotes
            ):
                missing.append((row["result_id"], key, number))
    assert missing == []


def test_every_cohort_size_of_the_second_extraction_is_in_the_graph(engine: LocalEngine) -> None:
    ours = {r["n"] for r in table(engine, "cohorts-csv") if r["n"]}
    assert {r["n"] for r in second("cohorts.csv")} <= ours


def test_both_extractions_have_the_same_29_references(engine: LocalEngine) -> None:
    rows = rows_of(engine, "SELECT ?n ?title WHERE { ?p rkg:referenceNumber ?n ; dcterms:title ?title }")
    ours = {int(r["n"]): r["title"] for r in rows}
    theirs = {int(r["number"]): r["title"] for r in second("references.csv")}
    assert set(ours) == set(theirs) == set(range(1, 30))
    for number, title in theirs.items():
        assert squash(title).rstrip(".").lower().startswith(squash(ours[number]).rstrip(".").lower()[:40]), (
            number
        )


# -- the structured fields of issue 22: phases, predictors, adverse events, populations, lists --------
# Each row is one item of the second extraction, keyed to the graph's ids after reconciliation (its
# own words in ``reader_words``; ``disagreement`` says what the reconciliation changed or kept).


def ids(cell: str) -> set[str]:
    return {x for x in cell.split(";") if x}


def rows_of(engine: LocalEngine, sparql: str) -> list[dict[str, str]]:
    from graph.results import term_text, to_table

    solutions = engine.query(sparql)
    assert isinstance(solutions, QuerySolutions)
    return [{k: term_text(v) for k, v in row.items()} for row in to_table(solutions).rows]


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    "name", ["phases.csv", "predictors.csv", "adverse-events.csv", "populations.csv", "lists.csv"]
)
def test_every_quote_of_the_second_extraction_is_verbatim_in_the_text(name: str) -> None:
    from graph import paths
    from graph.quotes import SourceText

    text = SourceText(paths.texts_dir() / "murphy-aldoss-2024-tp-23-521.txt")
    assert [r["quote"] for r in second(name) if not text.find(r["quote"])] == []


def test_every_treatment_phase_of_the_second_extraction_is_in_the_graph(engine: LocalEngine) -> None:
    found = rows_of(
        engine,
        """SELECT ?p ?study ?cohort ?type ?component ?duration ?blocks ?regimen WHERE {
             ?p a rkg:TreatmentPhase ; rkg:phaseType/skos:notation ?type ; rkg:phaseComponent ?component .
             OPTIONAL { ?p rkg:aboutStudy ?study } OPTIONAL { ?p rkg:givenTo ?cohort }
             OPTIONAL { ?p rkg:durationText ?duration } OPTIONAL { ?p rkg:blocks ?blocks }
             OPTIONAL { ?p rkg:followsRegimen ?regimen } }""",
    )
    phases: dict[str, dict] = {}
    for r in found:
        p = phases.setdefault(r["p"], {"cohorts": set(), "components": set()})
        p.update(
            study=local(r.get("study", "")),
            type=r["type"],
            duration=r.get("duration", ""),
            blocks=r.get("blocks", ""),
            regimen=local(r.get("regimen", "")),
        )
        p["components"].add(local(r["component"]))
        if "cohort" in r:
            p["cohorts"].add(local(r["cohort"]))
    missing = []
    for row in second("phases.csv"):
        if not any(
            p["study"] == row["study"]
            and p["type"] == row["phase"]
            and ids(row["cohorts"]) <= p["cohorts"]
            and p["components"] == ids(row["components"])
            and p["duration"] == row["duration"]
            and p["blocks"] == row["blocks"]
            and p["regimen"] == row["follows_regimen"]
            for p in phases.values()
        ):
            missing.append(row["reader_words"])
    assert missing == []


def test_every_predictor_of_the_second_extraction_is_in_the_graph(engine: LocalEngine) -> None:
    found = rows_of(
        engine,
        """SELECT ?a ?study ?cohort ?kind ?endpoint ?factor ?direction ?operator ?threshold ?unit WHERE {
             ?a rkg:analysisKind/skos:notation ?kind ; rkg:predictor ?p .
             ?p rkg:predictorFactor ?factor ; rkg:effectDirection/skos:notation ?direction .
             OPTIONAL { ?a rkg:aboutStudy ?study } OPTIONAL { ?a rkg:cohort ?cohort }
             OPTIONAL { ?a rkg:endpoint ?endpoint }
             OPTIONAL { ?p rkg:operator ?operator ; rkg:threshold ?threshold ; rkg:unit ?unit } }""",
    )
    predictors: dict[tuple, set[str]] = {}
    for r in found:
        key = tuple(
            local(r.get(k, "")) if k in ("study", "cohort", "factor") else r.get(k, "")
            for k in ("a", "study", "cohort", "kind", "factor", "direction", "operator", "threshold", "unit")
        )
        predictors.setdefault(key, set())
        if "endpoint" in r:
            predictors[key].add(local(r["endpoint"]))
    missing = []
    for row in second("predictors.csv"):
        wanted = (row["study"], row["cohort"], row["kind"], row["factor"], row["direction"], row["operator"])
        if not any(
            key[1:7] == wanted
            and (
                key[7] == row["threshold"]
                or bool(key[7] and row["threshold"] and Decimal(key[7]) == Decimal(row["threshold"]))
            )
            and key[8] == row["unit"]
            and endpoints == ids(row["endpoints"])
            for key, endpoints in predictors.items()
        ):
            missing.append(row["reader_words"])
    assert missing == []


def test_every_adverse_event_of_the_second_extraction_is_in_the_graph(engine: LocalEngine) -> None:
    found = rows_of(
        engine,
        """SELECT ?event ?intervention ?cohort ?comparator ?direction ?significant ?rate ?grade ?extent
                  ?reversibility WHERE {
             ?e a rkg:AdverseEventFinding ; rkg:eventType/skos:notation ?event .
             OPTIONAL { ?e rkg:intervention ?intervention } OPTIONAL { ?e rkg:cohort ?cohort }
             OPTIONAL { ?e rkg:comparedWith ?comparator } OPTIONAL { ?e rkg:eventDirection/skos:notation ?direction }
             OPTIONAL { ?e rkg:significant ?significant } OPTIONAL { ?e rkg:eventRate/skos:notation ?rate }
             OPTIONAL { ?e rkg:eventGrade/skos:notation ?grade } OPTIONAL { ?e rkg:gradeExtent ?extent }
             OPTIONAL { ?e rkg:reversibility/skos:notation ?reversibility } }""",
    )
    ours = {
        tuple(
            local(r.get(k, "")) if k in ("intervention", "cohort", "comparator") else r.get(k, "")
            for k in (
                "event",
                "intervention",
                "cohort",
                "comparator",
                "direction",
                "significant",
                "rate",
                "grade",
                "extent",
                "reversibility",
            )
        )
        for r in found
    }
    theirs = {
        tuple(
            r[k]
            for k in (
                "event",
                "intervention",
                "cohort",
                "comparator",
                "direction",
                "significant",
                "rate",
                "grade",
                "grade_extent",
                "reversibility",
            )
        )
        for r in second("adverse-events.csv")
    }
    assert theirs == ours


def test_every_study_population_of_the_second_extraction_is_in_the_graph(engine: LocalEngine) -> None:
    found = rows_of(
        engine,
        """SELECT ?s ?age ?setting ?min ?max WHERE {
             ?s a rkg:Study ; rkg:ageGroup/skos:notation ?age ; rkg:diseaseSetting/skos:notation ?setting .
             OPTIONAL { ?s rkg:minAgeYears ?min ; rkg:maxAgeYears ?max } }""",
    )
    ours: dict[str, tuple[str, set[str], str, str]] = {}
    for r in found:
        study = local(r["s"])
        ours.setdefault(study, (r["age"], set(), r.get("min", ""), r.get("max", "")))[1].add(r["setting"])
    theirs = {
        r["study"]: (r["age_group"], ids(r["settings"]), r["min_age"], r["max_age"])
        for r in second("populations.csv")
    }
    assert {s: ours.get(s) for s in theirs} == theirs
    assert set(ours) == set(theirs), "every study of the graph was also extracted"


def test_every_list_of_the_second_extraction_is_one_link_per_item(engine: LocalEngine) -> None:
    from graph.namespaces import ID

    mismatched = []
    for row in second("lists.csv"):
        found = rows_of(
            engine, f"SELECT ?item WHERE {{ <{ID}{row['subject']}> rkg:{row['relation']} ?item }}"
        )
        items = {local(r["item"]) for r in found}
        if row["relation"] == "targets":
            items = {local(r["item"]).lower() for r in found}  # antigens are concepts rkg:CD19, rkg:CD3
            items = {i.split("#")[-1] for i in items}
        if items != ids(row["items"]):
            mismatched.append((row["subject"], sorted(items)))
    assert mismatched == []
