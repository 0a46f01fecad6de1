"""``relapsekg analyze``: citation and evidence analytics (networkx) as tables or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..cli import EndpointOption, StoreOption, _fail, _store, app

analyze_app = typer.Typer(
    help="Citation and evidence analytics over the graph (networkx).", no_args_is_help=True
)
app.add_typer(analyze_app, name="analyze")
FormatOption = typer.Option("table", "--format", help="table or json")


def _network(store: Path | None, endpoint: str | None):
    from ..analytics import load_network
    from ..engine import engine_for
    from ..exports.tables import rows_of

    engine = engine_for(_store(store), endpoint)
    return load_network(lambda q: rows_of(engine, q))


def _print(rows: list[dict], fmt: str, title: str) -> None:
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if fmt != "table":
        _fail(f"unknown format {fmt!r}; use table or json", 2)
    table = Table(title=title, show_lines=False)
    columns = [c for c in (rows[0] if rows else {}) if c != "iri"]
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(
            *("; ".join(map(str, v)) if isinstance(v, list) else str(v) for v in (row[c] for c in columns))
        )
    Console(width=200).print(table)


def _command(name: str, title: str, measure: str) -> None:
    @analyze_app.command(name, help=title)
    def run(
        store: Path | None = StoreOption, endpoint: str | None = EndpointOption, fmt: str = FormatOption
    ) -> None:
        from .. import analytics  # networkx loads when an analysis runs, not with every command

        _print(getattr(analytics, measure)(_network(store, endpoint)), fmt, title)


def _register() -> None:
    _command(
        "citations",
        "The citation network: each reference, the CiTO intents it is cited with, facts derived from it.",
        "citations",
    )
    _command(
        "support",
        "Which references support which claims (results and findings attributed to each).",
        "support",
    )
    _command(
        "centrality",
        "Degree, betweenness and PageRank of references and studies in the evidence graph.",
        "centrality",
    )
    _command(
        "components",
        "Per finding topic, the connected groups of therapies, studies and references.",
        "components",
    )


_register()


@analyze_app.command("paths", help="Paths from a therapy to an outcome through the evidence.")
def paths(
    therapy: str = typer.Option(..., "--from", help="intervention id, e.g. blinatumomab"),
    endpoint: str = typer.Option(..., "--to", help="endpoint id, e.g. dfs"),
    max_length: int = typer.Option(3, "--max-length", help="longest path, in links"),
    store: Path | None = StoreOption,
    endpoint_url: str | None = EndpointOption,
    fmt: str = FormatOption,
) -> None:
    from ..analytics import paths as find_paths

    try:
        rows = find_paths(_network(store, endpoint_url), therapy, endpoint, max_length)
    except KeyError as exc:
        _fail(str(exc.args[0]), 2)
    _print(rows, fmt, f"Evidence paths from {therapy} to {endpoint}")
