"""``relapsekg viz``: the graph view as one self-contained HTML file (no server, no network)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..cli import EndpointOption, StoreOption, _fail, _store, app, err


@app.command()
def viz(
    output: Path = typer.Option(
        Path("relapsekg-graph.html"), "-o", "--output", help="the HTML file to write"
    ),
    focus: str | None = typer.Option(
        None, "--focus", help="draw this node's neighbourhood: an IRI, /id/KIND/ID or KIND/ID"
    ),
    depth: int = typer.Option(2, "--depth", min=0, max=4, help="relations away from --focus (0–4)"),
    question: str | None = typer.Option(
        None, "--question", help="draw a named question's answer subgraph, e.g. cns-efficacy"
    ),
    param: list[str] | None = typer.Option(None, "--param", help="NAME=VALUE for the question's parameters"),
    store: Path | None = StoreOption,
    endpoint: str | None = EndpointOption,
) -> None:
    """Write the graph view (legend, search, type filter, side panel with quotes) as one HTML file."""
    from ..engine import QueryError, engine_for
    from ..named import NamedQueryError
    from ..store import StoreMissing
    from ..viz import extract, render, views

    params = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep:
            _fail(f"--param needs NAME=VALUE, got {item!r}", 2)
        params[name] = value
    try:
        select = extract.engine_select(engine_for(_store(store), endpoint))
        view = extract.run(views.steps(focus, depth, question, params), select)
        details = extract.run(
            extract.node_details(views.detail_iris(view), view.subgraph.nodes, lambda iri: iri), select
        )
    except (ValueError, extract.NotFound, NamedQueryError, QueryError, StoreMissing) as exc:
        _fail(str(exc), 2)
    html = render.standalone(render.payload(view, details=details, standalone=True), views.title(view))
    output.write_text(html, encoding="utf-8")
    sub = view.subgraph
    err.print(
        f"[green]✓[/] wrote {output}: {len(sub.nodes)} nodes, {len(sub.edges)} relations ({len(html) // 1024} KiB)"
    )
