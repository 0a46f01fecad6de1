"""The shape of a curated source file: one publication and what the article says of it.

Pydantic checks types and required fields so a curator gets "line 42: n must be an integer"
instead of a broken graph. Controlled keys (design, statistic, site, ...) are plain strings here;
they are checked against the ``skos:notation`` terms of the ontology, so the vocabulary lives in
``ontology/`` and not in code.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Number = Decimal
PVALUE = re.compile(r"^(?P<qual><=|>=|<|>|=)?\s*(?P<num>\d*\.?\d+)$")
TIMEPOINT = re.compile(r"^(?P<num>\d+(?:\.\d+)?) (?P<unit>days|weeks|months|years)$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(Strict):
    """Anything the article states: it carries the clause that states it, verbatim."""

    quote: Union[str, list[str]]
    note: Optional[str] = None

    @field_validator("quote")
    @classmethod
    def _quote_not_empty(cls, v: Union[str, list[str]]) -> Union[str, list[str]]:
        clauses = [v] if isinstance(v, str) else v
        if not clauses or any(len(c.strip()) < 3 for c in clauses):
            raise ValueError("a quote must be a non-empty clause of the source (or a list of them)")
        return v

    @property
    def quotes(self) -> list[str]:
        """The clauses that state this fact; usually one, several when a rule spans sentences."""
        return [self.quote] if isinstance(self.quote, str) else list(self.quote)

    def numbers(self) -> list[tuple[str, Decimal]]:
        """The numbers this fact asserts, each of which must appear in its quote."""
        return []


class Publication(Fact):
    id: Slug
    kind: str
    reference_number: Optional[int] = Field(default=None, ge=1)
    authors: list[str] = Field(default_factory=list)
    et_al: bool = False
    title: str
    journal: Optional[str] = None
    year: int
    volume: Optional[str] = None
    issue: Optional[str] = None
    pages: Optional[str] = None
    article_number: Optional[str] = None
    doi: Optional[str] = None
    url: Optional[str] = None
    erratum: Optional[str] = None
    comments_on: Optional[int] = None
    submitted: Optional[date] = None
    accepted: Optional[date] = None
    published_online: Optional[date] = None
    keywords: list[str] = Field(default_factory=list)
    license: Optional[str] = None

    def numbers(self) -> list[tuple[str, Decimal]]:
        found = [("year", Decimal(self.year))]
        for name in ("submitted", "accepted", "published_online"):
            day = getattr(self, name)
            if day is not None:  # the text prints month names, so day and year are what can be checked
                found += [(name, Decimal(day.day)), (name, Decimal(day.year))]
        for name in ("volume", "issue", "article_number"):
            value = getattr(self, name)
            if value and value.isdigit():
                found.append((name, Decimal(value)))
        if self.pages:
            found += [("pages", Decimal(p)) for p in re.findall(r"\d+", self.pages)]
        return found


class Study(Fact):
    id: Slug
    name: str
    acronym: Optional[str] = None
    design: list[str] = Field(default_factory=list)
    phase: Optional[int] = None
    population: Optional[str] = None
    condition: Optional[str] = None
    age_min: Optional[Number] = None
    age_max: Optional[Number] = None
    interventions: list[Slug] = Field(default_factory=list)
    comparators: list[Slug] = Field(default_factory=list)
    part_of: Optional[Slug] = None
    references: list[int] = Field(default_factory=list)

    def numbers(self) -> list[tuple[str, Decimal]]:
        return [(k, v) for k, v in (("age_min", self.age_min), ("age_max", self.age_max)) if v is not None]


class Cohort(Fact):
    id: Slug
    study: Slug
    name: str
    kind: str
    parent: Optional[Slug] = None
    arm: Optional[Slug] = None
    n: Optional[int] = Field(default=None, ge=0)
    site: Optional[str] = None
    interventions: list[Slug] = Field(default_factory=list)
    definition: Optional[str] = None
    references: list[int] = Field(default_factory=list)

    def numbers(self) -> list[tuple[str, Decimal]]:
        return [("n", Decimal(self.n))] if self.n is not None else []


class Intervention(Fact):
    id: Slug
    label: str
    kind: str
    code: Optional[str] = None
    components: list[Slug] = Field(default_factory=list)
    targets: Optional[str] = None
    references: list[int] = Field(default_factory=list)


class Endpoint(Fact):
    id: Slug
    label: str
    abbreviation: Optional[str] = None
    code: Optional[str] = None


class Bound(Strict):
    value: Optional[Number] = None
    text: Optional[str] = None
    unit: Optional[str] = None

    @model_validator(mode="after")
    def _value_or_text(self) -> "Bound":
        if self.value is None and not self.text:
            raise ValueError("a bound needs a value or a text such as 'not reached'")
        return self


class Interval(Strict):
    level: Optional[Number] = None
    low: Bound
    high: Bound


class Result(Fact):
    id: Slug
    study: Optional[Slug] = None
    population: Optional[str] = None
    cohort: Optional[Slug] = None
    comparator: Optional[Slug] = None
    intervention: Optional[Slug] = None
    endpoint: Slug
    timepoint: Optional[str] = None
    statistic: str
    qualifier: Optional[Literal["about", "<", "<=", ">", ">=", "range"]] = None
    value: Optional[Number] = None
    unit: Optional[str] = None
    n: Optional[int] = Field(default=None, ge=0)
    p: Optional[str] = None
    ci: Optional[Interval] = None
    range: Optional[Interval] = None
    references: list[int] = Field(default_factory=list)

    @field_validator("p")
    @classmethod
    def _p_form(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            m = PVALUE.match(v.strip())
            if not m:
                raise ValueError(f"p-value {v!r} is not a number optionally preceded by <, <=, > or >=")
            if Decimal(m["num"]) > 1:
                raise ValueError(f"p-value {v!r} is above 1")
        return v

    @field_validator("timepoint")
    @classmethod
    def _timepoint_form(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not TIMEPOINT.match(v):
            raise ValueError(f"time point {v!r} must read like '4 years' or '12 months'")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> "Result":
        if self.statistic == "p-value":
            if self.p is None:
                raise ValueError("a result with statistic p-value needs p")
        elif self.value is None and self.range is None:
            raise ValueError("a result needs a value (or a range)")
        if self.qualifier == "range" and self.range is None:
            raise ValueError("qualifier 'range' needs range: {low:, high:}")
        if self.range is not None and self.qualifier != "range":
            raise ValueError("a range needs qualifier: range")
        return self

    def p_parts(self) -> tuple[Optional[str], Optional[Decimal]]:
        if self.p is None:
            return None, None
        m = PVALUE.match(self.p.strip())
        assert m
        qual = m["qual"] if m["qual"] not in (None, "=") else None
        return qual, Decimal(m["num"])

    def numbers(self) -> list[tuple[str, Decimal]]:
        found: list[tuple[str, Decimal]] = []
        if self.value is not None:
            found.append(("value", self.value))
        if self.n is not None:
            found.append(("n", Decimal(self.n)))
        if self.p is not None:
            found.append(("p", self.p_parts()[1]))
        if self.timepoint:
            found.append(("timepoint", Decimal(TIMEPOINT.match(self.timepoint)["num"])))
        for name, interval in (("ci", self.ci), ("range", self.range)):
            if interval:
                if interval.level is not None:
                    found.append((f"{name}.level", interval.level))
                for side in ("low", "high"):
                    bound = getattr(interval, side)
                    if bound.value is not None:
                        found.append((f"{name}.{side}", bound.value))
        return found


class Finding(Fact):
    """A qualitative claim: who or what it is about, on what, and in which direction."""

    id: Slug
    statement: str
    subject: Slug
    topic: str
    direction: str
    study: Optional[Slug] = None
    cohort: Optional[Slug] = None
    endpoint: Optional[Slug] = None
    references: list[int] = Field(default_factory=list)


class Definition(Fact):
    id: Slug
    term: str
    definition: str
    study: Optional[Slug] = None
    references: list[int] = Field(default_factory=list)


class Condition(Strict):
    """One clause of a risk rule. Thresholds are checked against the quote as numbers."""

    factor: str
    site: list[str] = Field(default_factory=list)
    operator: Optional[Literal["<", "<=", ">", ">="]] = None
    threshold: Optional[Number] = None
    unit: Optional[str] = None


class RiskRule(Fact):
    id: Slug
    risk_group: Optional[str] = None
    study: Optional[Slug] = None
    label: str
    any_of: list[list[Condition]] = Field(min_length=1)
    consequence: Optional[str] = None
    references: list[int] = Field(default_factory=list)

    def numbers(self) -> list[tuple[str, Decimal]]:
        return [(f"any_of.{i}.{c.factor}", c.threshold)
                for i, conj in enumerate(self.any_of) for c in conj if c.threshold is not None]


class PrognosticFactor(Fact):
    id: Slug
    label: str
    effect: Optional[str] = None
    references: list[int] = Field(default_factory=list)


class Citation(Fact):
    refs: list[int] = Field(min_length=1)
    intent: list[str] = Field(min_length=1)
    cited_for: str


class SourceFile(Strict):
    """A whole curated file. ``text`` names the source text in ``../shared/sources``."""

    text: str
    publication: Publication
    studies: list[Study] = Field(default_factory=list)
    cohorts: list[Cohort] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    definitions: list[Definition] = Field(default_factory=list)
    risk_rules: list[RiskRule] = Field(default_factory=list)
    prognostic_factors: list[PrognosticFactor] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)


# Sections whose items are entities with an ``id``, with the IRI path segment of each.
ENTITY_SECTIONS: dict[str, str] = {
    "studies": "study",
    "cohorts": "cohort",
    "interventions": "intervention",
    "endpoints": "endpoint",
    "results": "result",
    "findings": "finding",
    "definitions": "definition",
    "risk_rules": "risk-rule",
    "prognostic_factors": "factor",
}
