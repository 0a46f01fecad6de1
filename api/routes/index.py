"""``/``: the front page, saying where everything is."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from graph.exports import all_exports
from graph.named import NamedQueries

from ..pages import render_page
from ..querying import select_rows

router = APIRouter(include_in_schema=False)

_COUNTS = """
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES (?class ?kind) { (rkg:Study "studies") (rkg:Cohort "cohorts") (rkg:Intervention "interventions")
                          (rkg:Result "results") (rkg:Finding "findings") (rkg:Publication "publications")
                          (rkg:Definition "definitions") (rkg:RiskRule "risk rules") }
  ?x a ?class
} GROUP BY ?kind"""


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    counts = {r["kind"]: r["n"] for r in await select_rows(request, _COUNTS)}
    studies = await select_rows(request, NamedQueries().get("studies").sparql())
    return render_page(
        request,
        "index.html",
        title="relapsekg",
        counts=counts,
        studies=studies,
        queries=list(NamedQueries().all().values()),
        exports=list(all_exports().values()),
    )


@router.get("/favicon.ico")
async def favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", status_code=301)
