"""A question answered: the facts found, the named query that answers it, the SPARQL that
reproduces them, as the JSON contract documented in docs/ask.md.

Nothing here writes text: every field is a value of the graph, every quote its verbatim quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .extract import FIELDS, RKG
from .named import Choice, NamedQueryMatcher
from .reading import Concept
from .search import AskIndex, Hit, Search

MAX_ROWS = 100  # rows of a named query's answer shown with the facts
_IRI = re.compile(r"[^\s<>\"{}|\\^`]+")
ANSWER_FIELDS = (
    "value", "unit", "qualifier", "timepoint", "n", "p_value", "ci_low", "ci_high", "arm",
    "comparator", "study", "endpoint", "direction", "therapy", "topic", "statement", "population",
)  # fmt: skip

# How each field is read back in SPARQL (the properties of graph/ask/extract.py, as paths).
_LITERAL_FIELDS = {"unit", "qualifier", "timepoint", "n", "statement", "population"}


def _paths() -> dict[str, str]:
    by_field: dict[str, list[str]] = {}
    for prop, name in FIELDS.items():
        by_field.setdefault(name, []).append(f"<{prop}>")
    paths = {
        name: "|".join(props) if name in _LITERAL_FIELDS else f"({'|'.join(props)})/rdfs:label"
        for name, props in by_field.items()
    }
    paths["value"] = f"<{RKG}printed>"
    paths["p_value"] = f"<{RKG}pValue>/<{RKG}printed>"
    paths["ci_low"] = f"(<{RKG}confidenceInterval>|<{RKG}range>)/<{RKG}printed>"
    paths["ci_high"] = f"(<{RKG}confidenceInterval>|<{RKG}range>)/(<{RKG}printedHigh>|<{RKG}highText>)"
    return paths


PATHS = _paths()


def reproducing_sparql(iris: list[str], fields: list[str]) -> str:
    """A SELECT that gives these facts, their quotes, the fields shown and their reference numbers."""
    iris = [i for i in iris if _IRI.fullmatch(i)]
    fields = [f for f in ANSWER_FIELDS if f in fields and f in PATHS]
    optional = "\n".join(f"  OPTIONAL {{ ?fact {PATHS[f]} ?{f}_ }}" for f in fields)
    samples = " ".join(f"(SAMPLE(?{f}_) AS ?{f})" for f in fields)
    values = " ".join(f"<{i}>" for i in iris)
    return (
        f"SELECT ?fact (SAMPLE(?label_) AS ?label) {samples}\n"
        '       (GROUP_CONCAT(DISTINCT ?quote_; separator=" | ") AS ?quote)\n'
        '       (GROUP_CONCAT(DISTINCT STR(?ref_); separator=";") AS ?reference_numbers)\n'
        "WHERE {\n"
        f"  VALUES ?fact {{ {values} }}\n"
        "  ?fact rkg:quote ?quote_ .\n"
        "  OPTIONAL { ?fact rdfs:label ?label_ }\n"
        f"{optional}\n"
        "  OPTIONAL { ?fact (prov:wasDerivedFrom|cito:hasCitedEntity)?/rkg:referenceNumber ?ref_ }\n"
        "} GROUP BY ?fact"
    )


@dataclass
class Asked:
    """A question's answer before the named query's rows are read (the caller reads them: in a
    server through its query workers, on the command line through its engine)."""

    response: dict[str, Any]
    choice: Choice | None

    def with_rows(self, rows: list[dict[str, Any]] | None) -> dict[str, Any]:
        if self.choice is None or rows is None:
            return self.response
        query = {
            "name": self.choice.query.name,
            "title": self.choice.query.title,
            "params": self.choice.params,
            "rows": rows[:MAX_ROWS],
            "rows_total": len(rows),
        }
        return {**self.response, "query": query}

    @property
    def named_sparql(self) -> str | None:
        return self.choice.query.sparql(self.choice.params) if self.choice else None


class Asker:
    def __init__(self, index: AskIndex, matcher: NamedQueryMatcher | None = None) -> None:
        self.index = index
        self.matcher = matcher or NamedQueryMatcher(index.tokenizer, index.stop)

    def ask(self, question: str, top: int = 5) -> Asked:
        search = self.index.search(question, top)
        answers = [self._answer(rank, hit, search) for rank, hit in enumerate(search.hits, 1)]
        choice = None
        # A question naming what the graph lacks ("ETV6-RUNX1"), what the article does not report
        # ("EFS"), or a topic its facts give for other things ("by dose"), is not the one a named
        # query answers.
        if search.content and not search.unknown and not search.lacking and not search.near:
            iris = [iri for concept in search.concepts for iri in concept.iris]
            numbers = self.index.reference_numbers(iris)
            concepts = [(c.terms, c.iris) for c in search.concepts]
            choice = self.matcher.choose(search.content, concepts, numbers)
        fields = sorted({f for a in answers for f in a if f in ANSWER_FIELDS})
        response = {
            "question": question,
            "answers": answers,
            "query": None,
            "sparql": reproducing_sparql([a["iri"] for a in answers], fields) if answers else None,
            # A named query that answers the question answers it, whatever the facts found.
            "unanswered": search.unanswered and choice is None,
            "linked": self._linked(search),
            # The question's words the graph has nowhere ("ponatinib"): why it is unanswered.
            "unknown": search.unknown,
            # Its words for what the article does not report ("EFS"), each with what comes closest
            # (DFS), whose facts are listed: why it is unanswered.
            "not_reported": self._not_reported(search.near),
        }
        return Asked(response, choice)

    def _not_reported(self, near: list[Concept]) -> list[dict[str, Any]]:
        labels = self.index.labels([iri for c in near for iri in c.iris])
        return [{"text": c.text, "closest": [labels.get(i, i) for i in c.iris]} for c in near]

    def _linked(self, search: Search) -> list[dict[str, Any]]:
        """How the question was read: each run of its words that names something in the graph
        (``text``, as written; ``words``, its terms), with the things it names and their names."""
        labels = self.index.labels([iri for c in search.concepts for iri in c.iris])
        return [
            {
                "words": c.words,
                "text": c.text,
                "iris": list(c.iris),
                "labels": [labels.get(i, i) for i in c.iris],
            }
            for c in search.concepts
        ]

    def _answer(self, rank: int, hit: Hit, search: Search) -> dict[str, Any]:
        record = hit.record
        quotes = record.get("quotes", [])
        answer = {
            "rank": rank,
            "kind": record["kind"],
            "label": record["label"],
            "quote": self.index.best_quote(
                quotes, search.content, f"{record['label']} {record.get('statement', '')}"
            ),
            "iri": record["iri"],
            "reference_numbers": record.get("reference_numbers", []),
            "score": round(hit.score, 4),
            **{f: record[f] for f in ANSWER_FIELDS if f in record},
        }
        if len(quotes) > 1:
            answer["quotes"] = quotes
        # The other facts its sentence states: the reader who named another kind of fact (the
        # study where this is its cohort) finds it here.
        answer["same_sentence"] = hit.same_sentence
        answer["sparql"] = reproducing_sparql([record["iri"]], [f for f in ANSWER_FIELDS if f in record])
        return answer


RunSelect = Callable[[str], list[dict[str, Any]]]
