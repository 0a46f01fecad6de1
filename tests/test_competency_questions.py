"""A researcher's competency questions are answered by the graph's structure, not by searching text.

tests/data/competency-questions.yaml holds each question (written by a reader who had not seen
the code), the SPARQL that answers it and the rows it must give. A query may not search text
(REGEX, CONTAINS, STRSTARTS, …) nor read a prose field (quotes, statements, notes, definitions,
free-text populations and consequences): the answer has to come from nodes, links and
controlled keys. Questions marked ``needs: curate`` use the structures of engineer curate's
branch (treatment phases, analyses, adverse-event findings, populations, attributions); on a
graph without them they are skipped, and the skip says why.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from graph.engine import LocalEngine
from graph.results import term_text, to_table

DATA = Path(__file__).parent / "data" / "competency-questions.yaml"
SPEC = yaml.safe_load(DATA.read_text(encoding="utf-8"))
QUESTIONS = SPEC["questions"]
PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in SPEC["prefixes"].items())

TEXT_SEARCH = re.compile(
    r"\b(REGEX|CONTAINS|STRSTARTS|STRENDS|STRBEFORE|LCASE|UCASE|ENCODE_FOR_URI)\s*\(", re.I
)
PROSE = re.compile(
    r"\b(rkg:quote|rkg:statement|rkg:searchText|rkg:citedFor|rkg:population|rkg:effect|rkg:consequence|"
    r"rkg:note|skos:definition|oa:exact)\b"
)
CURATE_MARKER = (
    "ASK { rkg:TreatmentPhase a owl:Class . rkg:Analysis a owl:Class . rkg:AdverseEventFinding a owl:Class }"
)


def structural_problem(sparql: str) -> str | None:
    """Why a query does not answer from structure alone, or None."""
    if m := TEXT_SEARCH.search(sparql):
        return f"searches text with {m.group(1).upper()}"
    if m := PROSE.search(sparql):
        return f"reads the prose field {m.group(1)}"
    return None


def rows_of(engine: LocalEngine, sparql: str) -> list[tuple[str, ...]]:
    answer = engine.query(PREFIXES + sparql)
    assert isinstance(answer, ox.QuerySolutions), "a competency question is a SELECT"
    table = to_table(answer)
    return [
        tuple(term_text(row[v]) if row.get(v) is not None else "" for v in table.variables)
        for row in table.rows
    ]


@pytest.fixture(scope="module")
def has_curate_structures(engine: LocalEngine) -> bool:
    return bool(engine.query(CURATE_MARKER))


def test_there_are_at_least_sixty_questions_covering_every_kind_of_fact() -> None:
    assert len(QUESTIONS) >= 60
    assert len({q["id"] for q in QUESTIONS}) == len(QUESTIONS), "question ids are unique"
    kinds = Counter(q["kind"] for q in QUESTIONS)
    assert set(kinds) >= {"study", "cohort", "intervention", "result", "finding", "rule", "reference"}
    assert all(q["before"] in ("structure", "text") for q in QUESTIONS)


@pytest.mark.parametrize(
    "sparql, problem",
    [
        ('SELECT ?f WHERE { ?f rkg:quote ?q FILTER(CONTAINS(?q, "CNS")) }', "CONTAINS"),
        ('SELECT ?f WHERE { ?f rkg:statement ?s FILTER(regex(?s, "MRD")) }', "REGEX"),
        ('SELECT ?f WHERE { ?f rkg:statement ?s FILTER(STRSTARTS(?s, "MRD")) }', "STRSTARTS"),
        ("SELECT ?f ?q WHERE { ?f rkg:quote ?q }", "rkg:quote"),
    ],
)
def test_a_text_search_is_not_accepted_as_an_answer(sparql: str, problem: str) -> None:
    assert problem in (structural_problem(sparql) or "")


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_competency_question_is_answered_from_structure(
    question: dict, engine: LocalEngine, has_curate_structures: bool
) -> None:
    assert structural_problem(question["sparql"]) is None, structural_problem(question["sparql"])
    if question.get("needs") == "curate" and not has_curate_structures:
        pytest.skip(
            f"needs: curate - {question['id']} uses the structures of engineer curate's branch "
            "(treatment phases, analyses, adverse-event findings, populations), not in this graph"
        )
    expected = sorted(tuple(str(value) for value in row) for row in question["expected"])
    assert sorted(rows_of(engine, question["sparql"])) == expected, question["question"]
