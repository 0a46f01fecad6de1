"""The ``relapsekg`` command line: build, validate, query, export, serve, viz, classify, analyze."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from . import paths

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="relapsekg: the clinical-evidence graph of Murphy & Aldoss 2024 and its 29 references.",
)
err = Console(stderr=True, highlight=False)

StoreOption = typer.Option(
    None, "--store", envvar="RELAPSEKG_STORE", help="store folder (default: .relapsekg/store in the checkout)"
)
EndpointOption = typer.Option(
    None, "--endpoint", help="an external SPARQL 1.1 endpoint holding the same graph"
)


def _store(store: Path | None) -> Path:
    return (store or paths.default_store()).resolve()


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def _report_problems(problems: list) -> None:
    for problem in problems:
        err.print(f"[red]✗[/] {problem}", markup=True, soft_wrap=True)
    err.print(f"[bold red]{len(problems)} problem(s)[/]")


SourcesOption = typer.Option(None, "--sources", help="curated sources folder (default graph/sources)")
ReasoningOption = typer.Option(
    None,
    "--reasoning/--no-reasoning",
    help="run the OWL reasoner (HermiT), or not; default: up to 12,000 source triples",
)


def _shacl_mode(value: str) -> str:
    from .pipeline import SHACL_MODES

    if value not in SHACL_MODES:
        raise typer.BadParameter(f"must be one of {', '.join(SHACL_MODES)}")
    return value


ShaclOption = typer.Option(
    "auto",
    "--shacl",
    callback=_shacl_mode,
    help="auto|full|sample|off: SHACL over the whole graph, a sample of "
    "publication graphs (scale mode), or none; auto: full up to 150,000 triples",
)


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        err.print(f"[yellow]note:[/] {note}", markup=True, soft_wrap=True)


@app.command()
def validate(
    sources: Path | None = SourcesOption,
    reasoning: bool | None = ReasoningOption,
    shacl: str = ShaclOption,
) -> None:
    """Check every curated source: YAML, schema, SHACL, verbatim quotes, numbers in quotes, references, IRIs."""
    from .pipeline import validate as run_validation

    result = run_validation(sources, reason=reasoning, shacl=shacl)
    _print_notes(result.notes)
    if not result.ok:
        _report_problems(result.problems)
        raise typer.Exit(1)
    files = len(result.corpus.files)
    facts = sum(1 for f in result.corpus.files for _ in f.facts())
    shapes = (
        "shapes conform"
        if result.shacl.startswith("all")
        else f"shapes conform on {result.shacl}"
        if result.shacl != "skipped"
        else "shapes not checked"
    )
    err.print(
        f"[green]✓[/] {files} files, {facts} facts: every quote found verbatim, every number in its quote, {shapes}"
    )


@app.command()
def build(
    store: Path | None = StoreOption,
    sources: Path | None = SourcesOption,
    reasoning: bool | None = ReasoningOption,
    shacl: str = ShaclOption,
) -> None:
    """Validate, build the graph and swap it in atomically; on any problem the previous graph stays."""
    from .pipeline import build as run_build

    root = _store(store)
    report = run_build(root, sources, show_progress=sys.stderr.isatty(), reason=reasoning, shacl=shacl)
    _print_notes(report.notes)
    if not report.ok:
        _report_problems(report.problems)
        err.print(f"[yellow]the previous graph in {root} is unchanged[/]")
        raise typer.Exit(1)
    err.print(f"[green]✓[/] built {report.quads} quads in {report.seconds:.2f} s → {root}")


@app.command()
def query(
    text: str | None = typer.Argument(None, help="a SPARQL query"),
    file: Path | None = typer.Option(None, "-f", "--file", help="read the query from a .rq file"),
    named: str | None = typer.Option(None, "--named", help="run a named query of queries/*.rq"),
    param: list[str] = typer.Option([], "--param", help="k=v for a named query's parameter (repeatable)"),
    fmt: str = typer.Option("table", "--format", help="table|json|csv|tsv|xml|turtle|jsonld|ntriples"),
    store: Path | None = StoreOption,
    endpoint: str | None = EndpointOption,
) -> None:
    """Run SPARQL against the local store or an external endpoint."""
    from .engine import QueryError, engine_for
    from .named import NamedQueries, NamedQueryError
    from .results import CLI_FORMATS, FormatError, render
    from .store import StoreMissing

    if sum(x is not None for x in (text, file, named)) != 1:
        _fail("give exactly one of: a QUERY argument, -f FILE.rq, or --named NAME", 2)
    if fmt not in CLI_FORMATS:
        _fail(f"unknown format {fmt!r}; use one of: {', '.join(CLI_FORMATS)}", 2)
    values = {}
    for item in param:
        if "=" not in item:
            _fail(f"--param needs k=v, got {item!r}", 2)
        k, v = item.split("=", 1)
        values[k] = v
    try:
        if named:
            sparql = NamedQueries().get(named).sparql(values)
        else:
            if values:
                _fail("--param only applies to --named queries", 2)
            sparql = file.read_text(encoding="utf-8") if file else text or ""
        answer = engine_for(_store(store), endpoint).query(sparql)
        body, _media = render(answer, fmt)
    except (QueryError, NamedQueryError, FormatError, StoreMissing, OSError) as exc:
        _fail(str(exc), 2)
    sys.stdout.buffer.write(body)
    sys.stdout.flush()


@app.command()
def export(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="an export format (see `relapsekg export --list`)"),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="write to FILE instead of standard output"
    ),
    store: Path | None = StoreOption,
    endpoint: str | None = EndpointOption,
) -> None:
    """Export the graph for RDF tools, reference managers, screening tools, spreadsheets and FHIR."""
    from .engine import QueryError, engine_for
    from .exports import UnknownFormat, all_exports, get_export
    from .store import StoreMissing

    if fmt == "list":
        for name, exp in sorted(all_exports().items()):
            print(f"{name:16} {exp.media_type:34} {exp.description}")
        return
    try:
        body = get_export(fmt).write(engine_for(_store(store), endpoint))
    except UnknownFormat as exc:
        _fail(str(exc), 2)
    except (QueryError, StoreMissing, OSError) as exc:
        _fail(str(exc), 2)
    if output:
        output.write_bytes(body)
        err.print(f"[green]✓[/] wrote {output} ({len(body)} bytes)")
    else:
        sys.stdout.buffer.write(body)


def main() -> None:
    """The console script: a file the project needs and cannot read is one line naming it."""
    from .commands import load_all

    load_all()
    try:
        app()
    except OSError as exc:
        name = exc.filename or "an input file"
        typer.echo(f"error: cannot read {name}: {exc.strerror or exc}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    # Run through the package module, so command plugins register on this same app object.
    from graph.cli import main as package_main

    package_main()
