"""``/api``: JSON for programs that do not speak SPARQL, with typed response models.

Every endpoint reads the graph through a named query of ``queries/``, so the API and SPARQL
users see the same answers.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from graph.exports.tables import EVIDENCE_COLUMNS, evidence_table, sorted_references
from graph.lookup import Lookup, contains_words, names_query, words
from graph.named import NamedQueries
from graph.namespaces import entity_iri

from ..querying import select_rows
from .query_page import choice_queries

router = APIRouter(prefix="/api", tags=["JSON API"])


class Study(BaseModel):
    id: str
    iri: str
    name: str
    acronym: str | None = None
    phase: int | None = None
    population: str | None = None
    min_age_years: float | None = None
    max_age_years: float | None = None
    design: list[str] = Field(
        default_factory=list, description="design keys (skos:notation of the ontology's design features)"
    )
    references: list[int] = Field(
        default_factory=list, description="reference numbers of the article that report the study"
    )
    part_of: str | None = None


class Result(BaseModel):
    iri: str
    result_id: str
    study: str = ""
    reference_number: str = ""
    population: str = ""
    cohort: str = ""
    arm: str = ""
    comparator: str = ""
    intervention: str = ""
    endpoint: str = ""
    timepoint: str = ""
    statistic: str = ""
    qualifier: str = ""
    value: str = ""
    unit: str = ""
    n: str = ""
    p_value: str = ""
    ci_level: str = ""
    ci_low: str = ""
    ci_high: str = ""
    quote: str = ""


class StudyDetail(Study):
    results: list[Result] = Field(default_factory=list)


class Intervention(BaseModel):
    id: str
    iri: str
    label: str
    kind: str
    code: str | None = None
    components: list[str] = Field(default_factory=list)


class Citation(BaseModel):
    intents: list[str]
    cited_for: str
    quote: str


class Reference(BaseModel):
    number: int
    id: str
    iri: str
    authors: str = ""
    title: str
    journal: str | None = None
    year: int
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    citations: list[Citation] = Field(default_factory=list)


def _no_unknown(request: Request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise HTTPException(
            400,
            f"unknown parameter(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed)) or 'none'}",
        )


async def _named(request: Request, name: str, params: dict[str, str]) -> list[dict]:
    """A named query's rows, through the worker pool (a bad parameter value is a typed 400)."""
    return await select_rows(request, NamedQueries().get(name).sparql(params))


def _study(row: dict) -> Study:
    return Study(
        id=row["id"],
        iri=entity_iri("study", row["id"]),
        name=row["name"],
        acronym=row.get("acronym"),
        phase=int(row["phase"]) if row.get("phase") else None,
        population=row.get("population"),
        min_age_years=float(row["min_age"]) if row.get("min_age") else None,
        max_age_years=float(row["max_age"]) if row.get("max_age") else None,
        design=[d for d in row.get("designs", "").split(";") if d],
        references=[int(n) for n in sorted_references(row.get("references", "")).split(";") if n],
        part_of=row.get("parent"),
    )


def _result(row: dict) -> Result:
    """A row of :func:`graph.exports.tables.evidence_table`, as the export reads it."""
    return Result(iri=entity_iri("result", row["result_id"]), **{k: row[k] for k in EVIDENCE_COLUMNS})


@router.get(
    "/studies",
    response_model=list[Study],
    summary="Every study, with design, phase, population and references",
)
async def studies(
    request: Request,
    design: str | None = Query(
        None, description="a design key or words of its label, e.g. randomized, phase III"
    ),
) -> list[Study]:
    _no_unknown(request, {"design"})
    if not design:
        return [_study(r) for r in await _named(request, "studies", {"design": ""})]
    by_id: dict[str, dict] = {}
    for key in await _keys(request, "design", design):
        for r in await _named(request, "studies", {"design": key}):
            by_id.setdefault(r["id"], r)
    return [_study(by_id[i]) for i in sorted(by_id)]


@router.get("/studies/{study_id}", response_model=StudyDetail, summary="One study with its results")
async def study(study_id: str, request: Request) -> StudyDetail:
    _no_unknown(request, set())
    rows = await _named(request, "studies", {"study": study_id})
    if not rows:
        raise HTTPException(404, f"no study {study_id!r}; see /api/studies")
    results = [
        _result(r) for r in evidence_table(await _named(request, "evidence-table", {"study": study_id}))
    ]
    return StudyDetail(**_study(rows[0]).model_dump(), results=results)


@router.get(
    "/interventions",
    response_model=list[Intervention],
    summary="Every intervention with its kind, code and components",
)
async def interventions(
    request: Request,
    kind: str | None = Query(
        None,
        description="drug, regimen, procedure, cell-therapy, radiotherapy (or words of the kind's label)",
    ),
) -> list[Intervention]:
    _no_unknown(request, {"kind"})
    keys = await _keys(request, "kind", kind) if kind else [""]
    rows = [r for key in keys for r in await _named(request, "interventions", {"kind": key})]
    return [
        Intervention(
            id=r["id"],
            iri=entity_iri("intervention", r["id"]),
            label=r["label"],
            kind=r["kind"],
            code=r.get("code"),
            components=[c for c in r.get("components", "").split(";") if c],
        )
        for r in rows
    ]


@router.get(
    "/results",
    response_model=list[Result],
    summary="Reported results, filtered by study, cohort, intervention, endpoint",
)
async def results(
    request: Request,
    study: str | None = Query(
        None, description="study id, acronym or words of its name, e.g. aall1331, AALL1331"
    ),
    cohort: str | None = Query(None, description="cohort id or words of its label, e.g. aall1331-ibm-blin"),
    intervention: str | None = Query(
        None, description="intervention id or words of its label, e.g. blinatumomab"
    ),
    endpoint: str | None = Query(
        None,
        description="endpoint id, label or abbreviation, e.g. os, OS, overall survival "
        "(whole words: 'overall survival' includes median overall survival)",
    ),
) -> list[Result]:
    _no_unknown(request, {"study", "cohort", "intervention", "endpoint"})
    asked = {"study": study, "cohort": cohort, "intervention": intervention, "endpoint": endpoint}
    wanted = await _resolve(request, {k: v for k, v in asked.items() if v})
    # One entity per filter goes into the query; several (a label naming more than one) filter its rows.
    params = {k: next(iter(wanted[k])) if len(wanted.get(k, ())) == 1 else "" for k in asked}
    rows = await _named(request, "evidence-table", params)
    return [_result(r) for r in evidence_table(rows) if all(r.get(k, "") in ids for k, ids in wanted.items())]


async def _keys(request: Request, param: str, term: str) -> list[str]:
    """The keys (skos:notation) a filter value names: the key itself, or whole words of its label
    ("phase III" is phase-3). A value that names none is a 400 listing them."""
    rows = await select_rows(request, choice_queries()[param])
    if any(r["value"] == term for r in rows):
        return [term]
    wanted = words(term)
    keys = [
        r["value"] for r in rows if wanted and contains_words(words(r.get("label", "")), wanted) is not None
    ]
    if not keys:
        known = "; ".join(r.get("label") or r["value"] for r in rows)
        raise HTTPException(
            400, f"no {param} is named {term!r} (a key or words of its label); known: {known}"
        )
    return keys


async def _resolve(request: Request, terms: dict[str, str]) -> dict[str, set[str]]:
    """The ids each filter names: an id, a label, an abbreviation or a synonym (see graph.lookup).
    A term that names nothing is a 400 listing what the graph knows, not an empty answer."""
    wanted = {}
    for kind, term in terms.items():
        matches = Lookup(await select_rows(request, names_query([kind], term))).resolve(term, kind)
        if not matches:
            every = Lookup(await select_rows(request, names_query([kind])))
            raise HTTPException(
                400,
                f"no {kind} is named {term!r} (an id, label or abbreviation, matched on whole words); "
                f"known: {'; '.join(every.known(kind))}",
            )
        wanted[kind] = {m.id for m in matches}
    return wanted


@router.get(
    "/references",
    response_model=list[Reference],
    summary="The article's 29 references and what each is cited for",
)
async def references(request: Request) -> list[Reference]:
    _no_unknown(request, set())
    by_number: dict[int, Reference] = {}
    for r in await _named(request, "references", {}):
        number = int(r["number"])
        ref = by_number.get(number)
        if ref is None:
            ref = by_number[number] = Reference(
                number=number,
                id=r["id"],
                iri=entity_iri("publication", r["id"]),
                authors=r.get("authors", ""),
                title=r["title"],
                journal=r.get("journal"),
                year=int(r["year"]),
                volume=r.get("volume"),
                issue=r.get("issue"),
                pages=r.get("pages"),
                doi=r.get("doi"),
            )
        if r.get("cited_for"):
            ref.citations.append(
                Citation(intents=r.get("intents", "").split(";"), cited_for=r["cited_for"], quote=r["quote"])
            )
    return [by_number[n] for n in sorted(by_number)]
