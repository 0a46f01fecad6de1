"""Checks that need the whole corpus: ids, references, controlled keys, quotes, numbers, IRIs.

Each check returns the :class:`Problem`s it found, naming file and line; none stops at the first
problem, so a curator sees everything wrong in one run. The quote check also returns where each
quote is in its source text (:data:`~graph.quotes.Spans`), which the converter needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .corpus import Corpus, Problem
from .model import ENTITY_SECTIONS, Condition
from .quotes import Spans, missing_numbers
from .vocab import FIELD_SCHEMES, IriAllowList, Vocabulary, expand_curie

# Fields that point at another entity: (section, field) -> sections the id may be found in.
ENTITY_REFS: dict[tuple[str, str], tuple[str, ...]] = {
    ("studies", "interventions"): ("interventions",),
    ("studies", "comparators"): ("interventions",),
    ("studies", "part_of"): ("studies",),
    ("cohorts", "study"): ("studies",),
    ("cohorts", "parent"): ("cohorts",),
    ("cohorts", "arm"): ("cohorts",),
    ("cohorts", "interventions"): ("interventions",),
    ("interventions", "components"): ("interventions",),
    ("results", "study"): ("studies",),
    ("results", "cohort"): ("cohorts",),
    ("results", "comparator"): ("cohorts",),
    ("results", "intervention"): ("interventions",),
    ("results", "endpoint"): ("endpoints",),
    ("findings", "subject"): ("interventions", "studies", "cohorts"),
    ("findings", "study"): ("studies",),
    ("findings", "cohort"): ("cohorts",),
    ("findings", "endpoint"): ("endpoints",),
    ("definitions", "study"): ("studies",),
    ("risk_rules", "study"): ("studies",),
    ("risk_rules", "recommends"): ("interventions",),
    ("risk_rules", "withholds"): ("interventions",),
    ("findings", "attributed_to"): ("interventions",),
    ("phases", "study"): ("studies",),
    ("phases", "cohorts"): ("cohorts",),
    ("phases", "regimens"): ("interventions",),
    ("phases", "follows_regimen"): ("interventions",),
    ("phases", "components"): ("interventions",),
    ("phases", "after"): ("phases",),
    ("analyses", "study"): ("studies",),
    ("analyses", "cohort"): ("cohorts",),
    ("analyses", "endpoints"): ("endpoints",),
    ("analyses", "finding"): ("findings",),
    ("adverse_events", "intervention"): ("interventions",),
    ("adverse_events", "study"): ("studies",),
    ("adverse_events", "cohort"): ("cohorts",),
    ("adverse_events", "comparator"): ("cohorts",),
    ("adverse_events", "finding"): ("findings",),
    ("organisations", "part_of"): ("organisations",),
    ("people", "affiliations"): ("organisations",),
    ("declarations", "declared_by"): ("people",),
    ("declarations", "organisation"): ("organisations",),
}


def _values(item: Any, name: str) -> list[str]:
    value = getattr(item, name, None)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def check_unique_ids(corpus: Corpus) -> list[Problem]:
    problems: list[Problem] = []
    for section in ENTITY_SECTIONS:
        seen: dict[str, str] = {}
        for f in corpus.files:
            for index, item in enumerate(getattr(f.source, section)):
                where = f"{f.name}:{f.line_of(section, index)}"
                if item.id in seen:
                    problems.append(
                        Problem(
                            f.name,
                            f.line_of(section, index, "id"),
                            f"duplicate {section} id {item.id!r} (first at {seen[item.id]})",
                        )
                    )
                else:
                    seen[item.id] = where
    pubs: dict[str, str] = {}
    numbers: dict[int, str] = {}
    for f in corpus.files:
        pub = f.source.publication
        if pub.id in pubs:
            problems.append(
                Problem(
                    f.name,
                    f.line_of("publication", "id"),
                    f"duplicate publication id {pub.id!r} (also in {pubs[pub.id]})",
                )
            )
        pubs[pub.id] = f.name
        if pub.reference_number is not None:
            if pub.reference_number in numbers:
                problems.append(
                    Problem(
                        f.name,
                        f.line_of("publication", "reference_number"),
                        f"reference number {pub.reference_number} is also used by {numbers[pub.reference_number]}",
                    )
                )
            numbers[pub.reference_number] = f.name
    if sum(1 for f in corpus.files if f.source.publication.reference_number is None) > 1:
        problems.append(
            Problem(
                "graph/sources",
                None,
                "more than one publication has no reference_number; exactly one (the commented article) may",
            )
        )

    return problems


def check_entity_refs(corpus: Corpus) -> list[Problem]:
    problems: list[Problem] = []
    index = {section: set(corpus.entities(section)) for section in ENTITY_SECTIONS}
    factors = index["prognostic_factors"]
    for f in corpus.files:
        for (section, field_name), targets in ENTITY_REFS.items():
            for i, item in enumerate(getattr(f.source, section)):
                for value in _values(item, field_name):
                    if not any(value in index[t] for t in targets):
                        kinds = " or ".join(ENTITY_SECTIONS[t] for t in targets)
                        problems.append(
                            Problem(
                                f.name,
                                f.line_of(section, i, field_name),
                                f"{section}[{i}].{field_name}: unknown {kinds} id {value!r}",
                            )
                        )
        for i, analysis in enumerate(f.source.analyses):
            for predictor in analysis.predictors:
                if predictor.factor not in factors:
                    corpus.problems.append(
                        Problem(
                            f.name,
                            f.line_of("analyses", i, "predictors"),
                            f"analyses[{i}]: unknown prognostic factor {predictor.factor!r}",
                        )
                    )
        for i, rule in enumerate(f.source.risk_rules):
            for condition in _conditions(rule.any_of):
                if condition.factor not in factors:
                    problems.append(
                        Problem(
                            f.name,
                            f.line_of("risk_rules", i, "any_of"),
                            f"risk_rules[{i}]: unknown prognostic factor {condition.factor!r}",
                        )
                    )

    return problems


def _conditions(any_of: list[list[Condition]]) -> list[Condition]:
    return [c for conj in any_of for c in conj]


def check_reference_numbers(corpus: Corpus) -> list[Problem]:
    problems: list[Problem] = []
    known = corpus.publications_by_number()
    for f in corpus.files:
        comments_on = f.source.publication.comments_on
        if comments_on is not None and comments_on not in known:
            problems.append(
                Problem(
                    f.name,
                    f.line_of("publication", "comments_on"),
                    f"comments_on: no publication has reference number {comments_on}",
                )
            )
        for path, fact in f.facts():
            for number in getattr(fact, "references", []) + getattr(fact, "refs", []):
                if number not in known:
                    problems.append(
                        Problem(
                            f.name, f.line_of(*path), f"{_label(path)}: unknown reference number {number}"
                        )
                    )

    return problems


def check_controlled_keys(corpus: Corpus, vocab: Vocabulary) -> list[Problem]:
    problems: list[Problem] = []
    for f in corpus.files:
        for section, field_name in FIELD_SCHEMES:
            if section == "publication":
                items: list[tuple[tuple[Any, ...], Any]] = [(("publication",), f.source.publication)]
            else:
                items = [((section, i), item) for i, item in enumerate(getattr(f.source, section))]
            for path, item in items:
                values = _values(item, field_name)
                if section == "risk_rules" and field_name == "site":
                    values = [s for c in _conditions(item.any_of) for s in c.site]
                for value in values:
                    if vocab.resolve(section, field_name, value) is None:
                        allowed = ", ".join(vocab.keys(section, field_name))
                        problems.append(
                            Problem(
                                f.name,
                                f.line_of(*path, field_name),
                                f"{_label(path)}.{field_name}: unknown key {value!r}; known: {allowed}",
                            )
                        )

    return problems


def check_quotes(corpus: Corpus) -> tuple[list[Problem], Spans]:
    """Every quote is found verbatim (up to whitespace) in the file's source text; returns the
    problems and where each fact's quotes are (the converter annotates the facts with them)."""
    problems: list[Problem] = []
    spans_of: Spans = {}
    for f in corpus.files:
        text = corpus.text(f.source.text)
        if text is None:
            problems.append(
                Problem(
                    f.name,
                    f.line_of("text"),
                    f"source text {f.source.text!r} not found in texts/ beside the sources or in graph/sources/texts",
                )
            )
            continue
        for path, fact in f.facts():
            spans = []
            for quote in fact.quotes:
                found = text.find(quote)
                if not found:
                    problems.append(
                        Problem(
                            f.name,
                            f.line_of(*path, "quote"),
                            f"{_label(path)}: quote not found verbatim in {f.source.text}: {_short(quote)!r}",
                        )
                    )
                else:
                    spans.append(found[0])
            spans_of[(f.name, path)] = spans
    return problems, spans_of


def check_numbers(corpus: Corpus) -> list[Problem]:
    """Every number a fact asserts appears in its own quote."""
    problems: list[Problem] = []
    for f in corpus.files:
        for path, fact in f.facts():
            for name, value in missing_numbers(fact.numbers(), fact.quotes):
                problems.append(
                    Problem(
                        f.name,
                        f.line_of(*path, name.split(".")[0]),
                        f"{_label(path)}.{name} = {value} does not appear in its quote",
                    )
                )

    return problems


def check_printed(corpus: Corpus) -> list[Problem]:
    """Every name a fact gives "as printed" (an organisation, a person, "I.A.") is in its own quote,
    and a person ``listed_as`` is a name of the publication's author list."""
    problems: list[Problem] = []
    for f in corpus.files:
        for path, fact in f.facts():
            quotes = [" ".join(q.replace("*", "").split()) for q in fact.quotes]
            for name, value in fact.printed():
                if not any(" ".join(value.split()) in q for q in quotes):
                    problems.append(
                        Problem(
                            f.name,
                            f.line_of(*path, name),
                            f"{_label(path)}.{name} = {value!r} is not printed in its quote",
                        )
                    )
        for i, person in enumerate(f.source.people):
            if person.listed_as and person.listed_as not in f.source.publication.authors:
                problems.append(
                    Problem(
                        f.name,
                        f.line_of("people", i, "listed_as"),
                        f"people[{i}].listed_as: {person.listed_as!r} is not one of the publication's authors",
                    )
                )
    return problems


def check_external_iris(corpus: Corpus, allow: IriAllowList) -> list[Problem]:
    """Codes, DOIs and URLs a curator wrote must be verified or printed in the source."""
    problems: list[Problem] = []
    for f in corpus.files:
        pub = f.source.publication
        for field_name, iri in (
            ("doi", f"https://doi.org/{pub.doi}" if pub.doi else None),
            ("url", pub.url),
            ("license", pub.license),
        ):
            if iri and not allow.allows(iri):
                problems.append(
                    Problem(
                        f.name,
                        f.line_of("publication", field_name),
                        f"publication.{field_name}: {iri} is neither printed in the source nor listed in vocabularies.md",
                    )
                )
        for section in ("interventions", "endpoints"):
            for i, item in enumerate(getattr(f.source, section)):
                if item.code and not allow.allows(expand_curie(item.code)):
                    problems.append(
                        Problem(
                            f.name,
                            f.line_of(section, i, "code"),
                            f"{section}[{i}].code: {item.code} is not a verified term of vocabularies.md",
                        )
                    )
        for i, d in enumerate(f.source.declarations):
            for field_name in ("document", "license"):
                iri = getattr(d, field_name)
                if iri and not allow.allows(iri):
                    problems.append(
                        Problem(
                            f.name,
                            f.line_of("declarations", i, field_name),
                            f"declarations[{i}].{field_name}: {iri} is neither printed in the source nor listed in vocabularies.md",
                        )
                    )

    return problems


def _label(path: tuple[Any, ...]) -> str:
    return path[0] if len(path) == 1 else f"{path[0]}[{path[1]}]"


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Checked:
    """What the checks found: every problem, and where each fact's quotes are in its source text."""

    problems: list[Problem]
    spans: Spans


def run_all(corpus: Corpus, vocab: Vocabulary, allow: IriAllowList) -> Checked:
    """Every check on the loaded corpus; a new check is a function returning its problems, added here."""
    quote_problems, spans = check_quotes(corpus)
    problems = [
        *check_unique_ids(corpus),
        *check_entity_refs(corpus),
        *check_reference_numbers(corpus),
        *check_controlled_keys(corpus, vocab),
        *quote_problems,
        *check_numbers(corpus),
        *check_printed(corpus),
        *check_external_iris(corpus, allow),
    ]
    return Checked(problems, spans)
