"""``relapsekg classify``: OWL reasoning over the graph, or the risk group of a patient.

Without a patient it builds the graph (validation, HermiT, the inferred graph in its own named
graph, atomic swap: the live store is never written in place) and prints what was inferred.
With ``--patient`` (or ``--patients FILE.csv``) it asks HermiT for the risk group of each
patient under the ontology and the curated risk rules, and names the rule that fired and its quote.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..cli import StoreOption, _fail, _report_problems, _store, app, err

PATIENT_HELP = (
    "a patient in first relapse: site=BM|BM+EM|IEM|ICNS (or any relapse-site key) months=N mrd=PCT, "
    "optionally cns=CNS1|CNS2|CNS3 and id=NAME; a value may be a bound (months=>=36) for a group of "
    "patients; the fields may follow as separate arguments"
)


@app.command()
def classify(
    patient: str | None = typer.Option(None, "--patient", help=PATIENT_HELP),
    fields: list[str] | None = typer.Argument(
        None, metavar="[KEY=VALUE]...", help="more fields of --patient"
    ),
    patients: Path | None = typer.Option(
        None, "--patients", help="a CSV of patients; header: id,site,months,mrd[,cns]"
    ),
    fmt: str = typer.Option("table", "--format", help="table|json"),
    store: Path | None = StoreOption,
    sources: Path | None = typer.Option(
        None, "--sources", help="curated sources folder (default graph/sources)"
    ),
    write_ontology: bool = typer.Option(
        False,
        "--write-ontology",
        help="also write the risk rules as OWL to ontology/generated/risk-rules.ttl",
    ),
) -> None:
    """OWL reasoning: risk groups, CNS involvement and evidence classes inferred by HermiT into their own named graph."""
    from ..reasoning.hermit import ReasonerUnavailable, require_java

    if fmt not in ("table", "json"):
        _fail(f"unknown format {fmt!r}; use table or json", 2)
    if fields and patient is None:
        _fail(f"{' '.join(fields)}: KEY=VALUE fields belong to --patient", 2)
    if patient is not None and patients is not None:
        _fail("give --patient or --patients, not both", 2)
    try:
        require_java()
    except ReasonerUnavailable as exc:
        _fail(str(exc), 1)
    if write_ontology:
        _write_ontology(sources)
    if patient is not None or patients is not None:
        _classify_patients(
            [patient, *(fields or [])] if patient is not None else None, patients, fmt, store, sources
        )
    else:
        _classify_graph(fmt, store, sources)


def _write_ontology(sources: Path | None) -> None:
    from ..pipeline import validate
    from ..reasoning.rules import SNAPSHOT, read_rules, rules_turtle, write_snapshot

    validation = validate(sources, reason=False)
    if not validation.ok:
        _report_problems(validation.problems)
        raise typer.Exit(1)
    if validation.dataset is None:
        _fail("the curated sources are too large to keep as one graph (scale mode): no ontology written")
    rules, errors = read_rules(validation.dataset)
    if errors:
        _fail("; ".join(str(e) for e in errors))
    write_snapshot(rules_turtle(rules), SNAPSHOT)
    err.print(f"[green]✓[/] wrote {len(rules)} risk rules as OWL classes to {SNAPSHOT}")


def _classify_graph(fmt: str, store: Path | None, sources: Path | None) -> None:
    from ..build import build
    from ..reasoning.summary import summarize

    root = _store(store)
    report = build(root, sources, show_progress=sys.stderr.isatty())
    if not report.ok:
        _report_problems(report.problems)
        err.print(f"[yellow]the previous graph in {root} is unchanged[/]")
        raise typer.Exit(1)
    summary = summarize(root)
    if fmt == "json":
        print(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
        return
    reasoning = summary.manifest.get("reasoning", {})
    out = Console(highlight=False, soft_wrap=True)
    out.print(
        f"[bold]OWL reasoning[/] — {reasoning.get('reasoner')}: "
        f"{'consistent' if reasoning.get('consistent') else 'INCONSISTENT'}, "
        f"{reasoning.get('input_triples')} triples reasoned over in {reasoning.get('hermit_seconds')} s "
        f"(reasoning step {reasoning.get('seconds')} s, build {summary.manifest.get('seconds')} s)"
    )
    out.print(
        f"inferred graph <{summary.to_json()['inferred_graph']}>: {summary.inferred_triples} triples "
        f"({summary.inferred_types} inferred types, {len(summary.axioms)} entailed class axioms); "
        f"derived graph: {summary.derived_triples} triples → {root}"
    )
    table = Table(title="defined classes and their inferred members", title_justify="left")
    table.add_column("class")
    table.add_column("label")
    table.add_column("inferred", justify="right")
    table.add_column("members (first 3)")
    for c in summary.classes:
        more = f" … (+{len(c.members) - 3})" if len(c.members) > 3 else ""
        table.add_row(c.iri.split("#")[-1], c.label, str(len(c.members)), ", ".join(c.members[:3]) + more)
    out.print(table)
    if summary.axioms:
        out.print("[bold]entailed class axioms[/] (not asserted):")
        for a, relation, b in summary.axioms:
            out.print(f"  {a} {relation} {b}")


def _classify_patients(
    items: list[str] | None,
    csv_path: Path | None,
    fmt: str,
    store: Path | None,
    sources: Path | None,
) -> None:
    from ..reasoning.patients import PatientError, Vocabulary, classify, load_tbox, parse_patient, read_csv

    try:
        tbox, origin = load_tbox(_store(store), sources)
        vocabulary = Vocabulary(tbox)
        if items is not None:
            group = [parse_patient(items, vocabulary)]
        else:
            if csv_path is None or not csv_path.is_file():
                _fail(f"{csv_path}: no such file", 2)
            group = read_csv(csv_path, vocabulary)
        results = classify(group, tbox)
    except PatientError as exc:
        _fail(str(exc), 2)
    failed = [r for r in results if r.error]
    if fmt == "json":
        body = results[0].to_json() if items is not None else [r.to_json() for r in results]
        print(json.dumps(body, indent=2, ensure_ascii=False))
    elif items is not None:
        _print_one(results[0], origin)
    else:
        _print_many(results, origin)
    for r in failed:
        err.print(f"[red]✗[/] {r.error}", soft_wrap=True)
    if failed:
        raise typer.Exit(1)


def _print_one(r, origin: str) -> None:
    out = Console(highlight=False, soft_wrap=True)
    if r.error:
        return
    given = ", ".join(f"{k}={v}" for k, v in r.patient.description().items() if v is not None) or "nothing"
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("patient", f"{r.patient.id} ({given})")
    table.add_row("risk group", r.risk_group)
    if r.rule:
        table.add_row("rule", f"{r.rule.id} — {r.rule.label}")
        table.add_row("quote", "\n".join(f"“{q}”" for q in r.rule.quotes))
    if r.note:
        table.add_row("note", r.note)
    others = [f"{f.id} ({f.risk_group or 'no risk group'})" for f in r.fired if f is not r.rule]
    if others:
        table.add_row("also fired", ", ".join(others))
    table.add_row("classes", ", ".join(c.removeprefix("rkg:") for c in r.classes))
    table.add_row("rules from", origin)
    out.print(table)


def _print_many(results, origin: str) -> None:
    out = Console(highlight=False, soft_wrap=True)
    table = Table(title=f"risk groups (rules from {origin})", title_justify="left")
    for column in ("patient", "site", "months", "mrd", "cns", "risk group", "rule"):
        table.add_column(column)
    for r in results:
        d = r.patient.description()
        table.add_row(
            r.patient.id,
            d["site"] or "",
            d["months"] or "",
            d["mrd"] or "",
            d["cns"] or "",
            "error" if r.error else r.risk_group,
            r.rule.id if r.rule else "",
        )
    out.print(table)
