"""An ORKG-style comparison: one row per study, the properties a reviewer compares side by side.

Built from the named queries (studies, evidence table, cohort table) and the CNS findings, so it
shows what SPARQL users see. A study's headline result is its results on the cohorts nearest its
population (the randomized arms before any subgroup; the whole series); its CNS outcome is every
result on a cohort with CNS involvement and every finding on CNS efficacy about it.
"""

from __future__ import annotations

from collections import defaultdict

from ..engine import Engine
from . import register
from .tables import cohort_rows, evidence_rows, named_rows, rows_of, write_csv

COLUMNS = [
    "study",
    "references",
    "design",
    "population",
    "intervention",
    "comparator",
    "n",
    "headline_result",
    "cns_outcome",
]
HEADERS = [
    "Study",
    "Refs",
    "Design",
    "Population",
    "Intervention",
    "Comparator",
    "n",
    "Headline result",
    "CNS outcome",
]
CNS_SITES = {"cns", "icns"}
_FINDINGS = """
SELECT ?study ?statement ?direction ?topic WHERE {
  ?f a rkg:Finding ; rkg:topic/skos:notation ?topic ; rkg:aboutStudy ?s ; rkg:statement ?statement ;
     rkg:direction/skos:notation ?direction .
  BIND(STRAFTER(STR(?s), "/id/study/") AS ?study)
} ORDER BY ?study ?statement"""
_THERAPIES = """
SELECT ?study ?role ?label WHERE {
  ?s a rkg:Study . BIND(STRAFTER(STR(?s), "/id/study/") AS ?study)
  { ?s rkg:studiesIntervention/rdfs:label ?label . BIND("intervention" AS ?role) }
  UNION { ?s rkg:comparatorIntervention/rdfs:label ?label . BIND("comparator" AS ?role) }
} ORDER BY ?study ?role ?label"""


def _depth(parent: dict[str, str], cohort: str) -> int:
    depth = 0
    while parent.get(cohort):
        cohort, depth = parent[cohort], depth + 1
    return depth


def result_text(r: dict[str, str]) -> str:
    """'72.9%', '11.1 months (95% CI 8.2–not reached)', '50–70%', 'P=0.92'."""
    if r["statistic"] == "p-value":
        return p_text(r["p_value"])
    unit = r["unit"] if r["unit"] == "%" else f" {r['unit']}"
    if r["qualifier"] == "range":
        return f"{r['ci_low']}–{r['ci_high']}{unit}"
    qualifier = {"about": "about ", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}.get(r["qualifier"], "")
    text = f"{qualifier}{r['value']}{unit}"
    if r["ci_level"] and r["ci_low"]:
        text += f" (95% CI {r['ci_low']}–{r['ci_high']})"
    if r["p_value"]:
        text += f", {p_text(r['p_value'])}"
    return text


def p_text(printed: str) -> str:
    return f"P{printed}" if printed[:1] in "<>" else f"P={printed}"


def comparison_rows(engine: Engine) -> list[dict[str, str]]:
    cohorts = cohort_rows(engine)
    parent = {c["cohort_id"]: c.get("parent", "") for c in cohorts}
    by_id = {c["cohort_id"]: c for c in cohorts}
    results, findings, cns_findings = defaultdict(list), defaultdict(list), defaultdict(list)
    for r in evidence_rows(engine):
        results[r["study"]].append(r)
    for f in rows_of(engine, _FINDINGS):
        findings[f["study"]].append(f["statement"])
        if f["topic"] == "cns-efficacy":
            cns_findings[f["study"]].append(f"{f['direction']}: {f['statement']}")
    therapies: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in rows_of(engine, _THERAPIES):
        therapies[t["study"]][t["role"]].append(t["label"])

    rows = []
    for s in named_rows(engine, "studies"):
        sid = s["id"]
        if not results[sid] and not findings[sid]:
            continue
        measured = [r for r in results[sid] if r["endpoint"] != "follow-up"]
        top = min((_depth(parent, r["cohort"]) for r in measured), default=0)
        headline = [r for r in measured if _depth(parent, r["cohort"]) == top]
        headline_text = "; ".join(
            f"{(r['timepoint'] + ' ') if r['timepoint'] else ''}{r['endpoint']}, "
            f"{by_id[r['cohort']]['name'] if r['cohort'] else r['population']}: {result_text(r)}"
            for r in headline
        )
        own = [c for c in cohorts if c["study"] == sid and c["n"]]
        root = min((_depth(parent, c["cohort_id"]) for c in own), default=0)
        cns = [
            f"{by_id[r['cohort']]['name']}: {r['endpoint']} {result_text(r)}"
            for r in results[sid]
            if r["cohort"] in by_id and by_id[r["cohort"]].get("site") in CNS_SITES
        ] + cns_findings[sid]
        rows.append(
            {
                "study": s.get("acronym") or s["name"],
                "references": ", ".join(sorted(filter(None, s.get("references", "").split(";")), key=int)),
                "design": s.get("designs", "").replace(";", ", "),
                "population": s.get("population", ""),
                "intervention": "; ".join(therapies[sid]["intervention"]),
                "comparator": "; ".join(therapies[sid]["comparator"]),
                "n": " + ".join(c["n"] for c in own if _depth(parent, c["cohort_id"]) == root),
                "headline_result": headline_text or " ".join(findings[sid]),
                "cns_outcome": " | ".join(cns),
            }
        )
    return rows


@register(
    "comparison-csv",
    "text/csv; charset=utf-8",
    "relapsekg-comparison.csv",
    "ORKG-style comparison: one row per study (design, population, intervention, comparator, n, headline result, CNS outcome)",
)
def comparison_csv(engine: Engine) -> bytes:
    return write_csv(comparison_rows(engine), COLUMNS)


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


@register(
    "comparison-latex",
    "application/x-latex; charset=utf-8",
    "relapsekg-comparison.tex",
    "the comparison as a LaTeX longtable (booktabs; compile with lualatex or xelatex for Unicode)",
)
def comparison_latex(engine: Engine) -> bytes:
    widths = ["1.6cm", "0.8cm", "2cm", "2.6cm", "2cm", "1.8cm", "0.8cm", "4.2cm", "3.6cm"]
    spec = "".join(f"p{{{w}}}" for w in widths)
    lines = [
        r"% Comparison of the studies in Murphy & Aldoss, Transl Pediatr 2024 (generated by relapsekg).",
        r"% Needs \usepackage{booktabs,longtable}.",
        rf"\begin{{longtable}}{{{spec}}}",
        r"\toprule",
        " & ".join(rf"\textbf{{{h}}}" for h in HEADERS) + r" \\",
        r"\midrule",
        r"\endhead",
    ]
    for row in comparison_rows(engine):
        lines.append(" & ".join(latex_escape(row[c]) for c in COLUMNS) + r" \\")
    lines += [r"\bottomrule", r"\end{longtable}", ""]
    return "\n".join(lines).encode("utf-8")
