"""Which named query (queries/*.rq) answers a question, and with which parameters.

A named query answers a question when the question says what its title says: most of the
title's words (by rarity) are among the question's, and most of the question's words are in its
title or description. Its parameters are filled from the entities the question names (a study,
an endpoint, a therapy, a reference); the rest keep their defaults. Queries about one IRI given
in full (``provenance``, ``asserted-and-inferred-types``) are never chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..named import NamedQueries, NamedQuery
from ..namespaces import ID
from .text import Tokenizer

TITLE_COVERED = 0.6  # share of the title's words the question must hold
QUESTION_COVERED = 0.6  # share of the question's words the title and description must hold
# A parameter named like this takes the id of an entity of that kind.
PARAM_KINDS = {
    "therapy": "intervention",
    "intervention": "intervention",
    "study": "study",
    "endpoint": "endpoint",
    "cohort": "cohort",
    "number": "publication",
}


@dataclass
class Choice:
    query: NamedQuery
    params: dict[str, str]
    score: float


class NamedQueryMatcher:
    def __init__(self, tokenizer: Tokenizer, stop: set[str], queries: NamedQueries | None = None) -> None:
        self._queries = [
            q
            for q in (queries or NamedQueries()).all().values()
            if not any(p.type == "iri" for p in q.params)
        ]
        titles = tokenizer.many([q.title for q in self._queries])
        texts = tokenizer.many([f"{q.title} {q.description}" for q in self._queries])
        self._titles = [{t for t in terms if t not in stop} for terms in titles]
        self._texts = [set(terms) for terms in texts]
        self._param_terms = [
            {
                p.name: set(terms)
                for p, terms in zip(q.params, tokenizer.many([p.name for p in q.params]), strict=True)
            }
            for q in self._queries
        ]
        df: dict[str, int] = {}
        for terms in self._texts:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        n = len(self._queries) or 1
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}

    def choose(
        self,
        content: list[str],
        concepts: list[tuple[tuple[str, ...], tuple[str, ...]]],
        reference_numbers: list[int],
    ) -> Choice | None:
        """The query for a question's terms and its concepts ((terms, IRIs) of each thing it names).
        A parameter the question fills stands for its words: "evidence for and against CAR T cells"
        asks "evidence for and against a therapy" about one."""
        iris = [iri for _terms, concept_iris in concepts for iri in concept_iris]
        weight = lambda terms: sum(self._idf.get(t, 1.0) for t in terms)  # noqa: E731
        best: Choice | None = None
        for query, title, text, names in zip(
            self._queries, self._titles, self._texts, self._param_terms, strict=True
        ):
            if not title:
                continue
            params = self._params(query, iris, reference_numbers)
            asked = set(content)
            said = set(text)
            for name, value in params.items():
                asked |= names[name]
                said |= {
                    t
                    for terms, c_iris in concepts
                    if any(i.endswith("/" + value) for i in c_iris)
                    for t in terms
                }
            title_share = weight(title & asked) / weight(title)
            question_share = weight(set(content) & said) / (weight(set(content)) or 1.0)
            if title_share < TITLE_COVERED or question_share < QUESTION_COVERED:
                continue
            score = title_share + question_share
            if best is None or score > best.score:
                best = Choice(query, params, score)
        return best

    def _params(self, query: NamedQuery, iris: list[str], reference_numbers: list[int]) -> dict[str, str]:
        params: dict[str, str] = {}
        for param in query.params:
            kind = PARAM_KINDS.get(param.name)
            if kind == "publication":
                if reference_numbers and param.type == "integer":
                    params[param.name] = str(reference_numbers[0])
                continue
            for iri in iris:
                if kind and iri.startswith(f"{ID}{kind}/"):
                    params[param.name] = iri.removeprefix(f"{ID}{kind}/")
                    break
        return params
