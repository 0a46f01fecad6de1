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
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Number = Decimal
PVALUE = re.compile(r"^(?P<qual><=|>=|<|>|=)?\s*(?P<num>\d*\.?\d+)$")
TIMEPOINT = re.compile(r"^(?P<num>\d+(?:\.\d+)?) (?P<unit>days|weeks|months|years)$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(Strict):
    """Anything the article states: it carries the clause that states it, verbatim."""

    quote: str | list[str]
    note: str | None = None

    @field_validator("quote")
    @classmethod
    def _quote_not_empty(cls, v: str | list[str]) -> str | list[str]:
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

    def printed(self) -> list[tuple[str, str]]:
        """Names and strings this fact gives as the text prints them, each of which must appear in
        its quote (the markup ``*`` of italics aside): a label "as printed" is checked, not trusted."""
        return []


class Publication(Fact):
    id: Slug
    kind: str
    reference_number: int | None = Field(default=None, ge=1)
    authors: list[str] = Field(default_factory=list)
    et_al: bool = False
    title: str
    journal: str | None = None
    year: int
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    article_number: str | None = None
    doi: str | None = None
    url: str | None = None
    erratum: str | None = None
    comments_on: int | None = None
    submitted: date | None = None
    accepted: date | None = None
    published_online: date | None = None
    keywords: list[str] = Field(default_factory=list)
    license: str | None = None

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


class AgeRange(Fact):
    """The ages (years) a quote gives the patients of a study or a cohort ("aged 1–30 years")."""

    age_min: Number | None = None
    age_max: Number | None = None

    def ages(self) -> list[tuple[str, Decimal]]:
        return [(k, v) for k, v in (("age_min", self.age_min), ("age_max", self.age_max)) if v is not None]


class Study(AgeRange):
    id: Slug
    name: str
    acronym: str | None = None
    design: list[str] = Field(default_factory=list)
    phase: int | None = None
    population: str | None = None
    # What the study set out to do, in the article's words: clauses of its quotes, "; " between them.
    aim: str | None = None
    condition: str | None = None
    interventions: list[Slug] = Field(default_factory=list)
    comparators: list[Slug] = Field(default_factory=list)
    part_of: Slug | None = None
    references: list[int] = Field(default_factory=list)
    # Who was studied, as controlled keys a query can match (the free-text population stays).
    age_group: str | None = None
    settings: list[str] = Field(default_factory=list)

    def numbers(self) -> list[tuple[str, Decimal]]:
        return self.ages()

    def printed(self) -> list[tuple[str, str]]:
        return [("aim", clause) for clause in (self.aim or "").split("; ") if clause]


class Cohort(AgeRange):
    id: Slug
    study: Slug
    name: str
    kind: str
    parent: Slug | None = None
    arm: Slug | None = None
    n: int | None = Field(default=None, ge=0)
    site: str | None = None
    risk_groups: list[str] = Field(default_factory=list)
    interventions: list[Slug] = Field(default_factory=list)
    definition: str | None = None
    references: list[int] = Field(default_factory=list)

    def numbers(self) -> list[tuple[str, Decimal]]:
        return ([("n", Decimal(self.n))] if self.n is not None else []) + self.ages()


class Intervention(Fact):
    id: Slug
    label: str
    kind: str
    code: str | None = None
    components: list[Slug] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    references: list[int] = Field(default_factory=list)


class Endpoint(Fact):
    id: Slug
    label: str
    abbreviation: str | None = None
    code: str | None = None


class Bound(Strict):
    value: Number | None = None
    text: str | None = None
    unit: str | None = None

    @model_validator(mode="after")
    def _value_or_text(self) -> Bound:
        if self.value is None and not self.text:
            raise ValueError("a bound needs a value or a text such as 'not reached'")
        return self


class Interval(Strict):
    level: Number | None = None
    low: Bound
    high: Bound


class Result(Fact):
    id: Slug
    study: Slug | None = None
    population: str | None = None
    cohort: Slug | None = None
    comparator: Slug | None = None
    intervention: Slug | None = None
    endpoint: Slug
    timepoint: str | None = None
    statistic: str
    qualifier: Literal["about", "<", "<=", ">", ">=", "range"] | None = None
    value: Number | None = None
    unit: str | None = None
    n: int | None = Field(default=None, ge=0)
    p: str | None = None
    ci: Interval | None = None
    range: Interval | None = None
    references: list[int] = Field(default_factory=list)

    @field_validator("p")
    @classmethod
    def _p_form(cls, v: str | None) -> str | None:
        if v is not None:
            m = PVALUE.match(v.strip())
            if not m:
                raise ValueError(f"p-value {v!r} is not a number optionally preceded by <, <=, > or >=")
            if Decimal(m["num"]) > 1:
                raise ValueError(f"p-value {v!r} is above 1")
        return v

    @field_validator("timepoint")
    @classmethod
    def _timepoint_form(cls, v: str | None) -> str | None:
        if v is not None and not TIMEPOINT.match(v):
            raise ValueError(f"time point {v!r} must read like '4 years' or '12 months'")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> Result:
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

    def p_parts(self) -> tuple[str | None, Decimal | None]:
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
        p_number = self.p_parts()[1]
        if p_number is not None:
            found.append(("p", p_number))
        timepoint = TIMEPOINT.match(self.timepoint) if self.timepoint else None
        if timepoint:
            found.append(("timepoint", Decimal(timepoint["num"])))
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
    study: Slug | None = None
    cohort: Slug | None = None
    endpoint: Slug | None = None
    # Every treatment the quote credits with the outcome, one link each (the subject is the main one).
    attributed_to: list[Slug] = Field(default_factory=list)
    references: list[int] = Field(default_factory=list)


class Definition(Fact):
    id: Slug
    term: str
    definition: str
    study: Slug | None = None
    references: list[int] = Field(default_factory=list)


class Condition(Strict):
    """One clause of a risk rule. Thresholds are checked against the quote as numbers."""

    factor: str
    site: list[str] = Field(default_factory=list)
    operator: Literal["<", "<=", ">", ">="] | None = None
    threshold: Number | None = None
    unit: str | None = None


class RiskRule(Fact):
    id: Slug
    risk_group: str | None = None
    study: Slug | None = None
    label: str
    any_of: list[list[Condition]] = Field(min_length=1)
    consequence: str | None = None
    setting: str | None = None  # the disease setting it applies in (first relapse)
    recommends: list[Slug] = Field(default_factory=list)  # the treatments it leads to
    withholds: list[Slug] = Field(default_factory=list)  # the treatments it leads away from ("without HSCT")
    references: list[int] = Field(default_factory=list)

    def numbers(self) -> list[tuple[str, Decimal]]:
        return [
            (f"any_of.{i}.{c.factor}", c.threshold)
            for i, conj in enumerate(self.any_of)
            for c in conj
            if c.threshold is not None
        ]


class PrognosticFactor(Fact):
    id: Slug
    label: str
    effect: str | None = None
    references: list[int] = Field(default_factory=list)


class TreatmentPhase(Fact):
    """One phase of a treatment (reinduction, consolidation, maintenance, HSCT): what it gives, to
    whom, for how long, the regimen it follows and the phase before it. A study's treatment is the
    chain of its phases, so "what did the arms receive before randomization" is a graph walk."""

    id: Slug
    label: str
    phase: str
    study: Slug | None = None
    cohorts: list[Slug] = Field(default_factory=list)
    regimens: list[Slug] = Field(default_factory=list)
    follows_regimen: Slug | None = None
    components: list[Slug] = Field(min_length=1)
    duration: str | None = None
    blocks: int | None = Field(default=None, ge=1)
    after: Slug | None = None
    references: list[int] = Field(default_factory=list)

    @field_validator("duration")
    @classmethod
    def _duration_form(cls, v: str | None) -> str | None:
        if v is not None and not TIMEPOINT.match(v):
            raise ValueError(f"duration {v!r} must read like '4 weeks' or '12 months'")
        return v

    def numbers(self) -> list[tuple[str, Decimal]]:
        found: list[tuple[str, Decimal]] = []
        if self.duration:
            m = TIMEPOINT.match(self.duration)
            assert m
            found.append(("duration", Decimal(m["num"])))
        if self.blocks is not None:
            found.append(("blocks", Decimal(self.blocks)))
        return found


class Predictor(Strict):
    """One factor of an analysis: which level of it goes with a better or worse outcome."""

    factor: Slug
    direction: Literal["favorable", "unfavorable", "no-difference"]
    level: str
    operator: Literal["<", "<=", ">", ">="] | None = None
    threshold: Number | None = None
    unit: str | None = None


class Analysis(Fact):
    """An analysis that names predictors of an endpoint (e.g. a multivariable analysis of DFS)."""

    id: Slug
    label: str
    kind: str
    study: Slug | None = None
    cohort: Slug | None = None
    endpoints: list[Slug] = Field(default_factory=list)
    finding: Slug | None = None
    predictors: list[Predictor] = Field(min_length=1)
    references: list[int] = Field(default_factory=list)

    def numbers(self) -> list[tuple[str, Decimal]]:
        return [
            (f"predictors.{i}.threshold", p.threshold)
            for i, p in enumerate(self.predictors)
            if p.threshold is not None
        ]


class AdverseEvent(Fact):
    """What the text says of one kind of adverse event: compared between arms (direction), or its
    rate, grade and reversibility under one treatment."""

    id: Slug
    statement: str
    event: str
    intervention: Slug | None = None
    study: Slug | None = None
    cohort: Slug | None = None
    comparator: Slug | None = None
    direction: str | None = None
    significant: bool | None = None
    rate: str | None = None
    grade: str | None = None
    grade_extent: Literal["most", "all"] | None = None
    reversibility: str | None = None
    finding: Slug | None = None
    references: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _says_something(self) -> AdverseEvent:
        if not (self.direction or self.rate or self.grade or self.reversibility):
            raise ValueError("an adverse event states a direction, rate, grade or reversibility")
        if self.comparator and not self.direction:
            raise ValueError("an adverse event compared with another cohort needs a direction")
        return self


class Organisation(Fact):
    """An organisation the text names (an affiliation, a company, an editorial office), by the name
    it prints, so a declaration or an author can point at it as a node."""

    id: Slug
    name: str
    part_of: Slug | None = None
    address: str | None = None

    def printed(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in (("name", self.name), ("address", self.address)) if v]


class Person(Fact):
    """A person the text names: an author with the name printed above the text, the name the
    article's own citation line lists (``listed_as``), affiliations and correspondence details."""

    id: Slug
    name: str
    listed_as: str | None = None
    degree: str | None = None
    affiliations: list[Slug] = Field(default_factory=list)
    corresponding: bool = False
    email: str | None = None
    address: str | None = None

    def printed(self) -> list[tuple[str, str]]:
        fields = (
            ("name", self.name),
            ("degree", self.degree),
            ("email", self.email),
            ("address", self.address),
        )
        return [(k, v) for k, v in fields if v]


class Declaration(Fact):
    """One of the article's own declarations (funding, provenance and peer review, disclosure,
    competing interests, ethics, licence): a kind, who declares it, and what it names.

    ``printed_as`` is how the text names the declarant where it does not print the name ("I.A.",
    "The other author"); ``none_declared`` is a declaration that there is nothing to declare
    ("Funding: None."). A competing interest is one relationship with one organisation."""

    id: Slug
    kind: str
    statement: str
    declared_by: list[Slug] = Field(default_factory=list)
    printed_as: str | None = None
    relationship: str | None = None
    organisation: Slug | None = None
    none_declared: bool = False
    document: str | None = None
    license: str | None = None
    license_label: str | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Declaration:
        if self.relationship and not (self.organisation and self.declared_by):
            raise ValueError("a relationship (competing interest) names the organisation and who declares it")
        if self.none_declared and self.relationship:
            raise ValueError("a declaration of none names no relationship")
        if self.license_label and not self.license:
            raise ValueError("license_label labels the license IRI: give license too")
        return self

    def printed(self) -> list[tuple[str, str]]:
        fields = (("printed_as", self.printed_as), ("license_label", self.license_label))
        return [(k, v) for k, v in fields if v]


class Citation(Fact):
    refs: list[int] = Field(min_length=1)
    intent: list[str] = Field(min_length=1)
    cited_for: str


class SourceFile(Strict):
    """A whole curated file. ``text`` names its source text in ``texts/`` beside the curated files."""

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
    phases: list[TreatmentPhase] = Field(default_factory=list)
    analyses: list[Analysis] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    declarations: list[Declaration] = Field(default_factory=list)


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
    "phases": "phase",
    "analyses": "analysis",
    "adverse_events": "adverse-event",
    "organisations": "organisation",
    "people": "person",
    "declarations": "declaration",
}
