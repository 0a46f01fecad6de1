"""``relapsekg ask "QUESTION"``: a question in plain words, answered with facts of the graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..cli import EndpointOption, StoreOption, _fail, _store, app


@app.command()
def ask(
    question: str = typer.Argument(..., help="the question, in plain words"),
    top: int = typer.Option(5, "--top", help="how many facts to give (1-50)"),
    fmt: str = typer.Option("table", "--format", help="table or json"),
    store: Path | None = StoreOption,
    endpoint: str | None = EndpointOption,
) -> None:
    """Answer a question with the graph's facts and their verbatim quotes (no SPARQL needed)."""
    from ..ask import AskerSource, BadQuestion
    from ..engine import QueryError, engine_for
    from ..exports.tables import rows_of
    from ..named import NamedQueryError
    from ..store import StoreMissing

    if fmt not in ("table", "json"):
        _fail(f"unknown format {fmt!r}; use table or json", 2)
    root = None if endpoint else _store(store)
    try:
        asked = AskerSource(root, endpoint).get().ask(question, top)
        sparql = asked.named_sparql
        rows = rows_of(engine_for(root, endpoint), sparql) if sparql else None
    except BadQuestion as exc:
        _fail(str(exc), 2)
    except (QueryError, NamedQueryError, StoreMissing) as exc:
        _fail(str(exc), 2)
    response = asked.with_rows(rows)
    if fmt == "json":
        sys.stdout.write(json.dumps(response, ensure_ascii=False, indent=2) + "\n")
        return
    _print_table(response)


def _print_table(response: dict) -> None:
    console = Console(width=max(120, Console().width), highlight=False)
    if response["linked"]:
        console.print(
            "read as: "
            + " · ".join(
                f"“{link['text']}”: {', '.join(dict.fromkeys(link['labels']))}" for link in response["linked"]
            ),
            markup=False,
        )
    if response["unknown"]:
        console.print("not in the graph: " + ", ".join(f"“{w}”" for w in response["unknown"]), markup=False)
    for near in response["not_reported"]:
        console.print(
            f"the article does not report “{near['text']}”; the closest it reports: {', '.join(near['closest'])}",
            markup=False,
        )
    if response["unanswered"]:
        console.print(
            "[yellow]The graph does not answer this question.[/] The closest facts, not claimed as the answer:"
        )
    table = Table(show_lines=True)
    for column in ("#", "kind", "fact", "quote", "refs", "score"):
        table.add_column(column, overflow="fold")
    for a in response["answers"]:
        facts = [a["label"]] + [
            f"{k}: {a[k]}" for k in ("value", "unit", "timepoint", "n", "p_value", "arm", "comparator", "study",
                                       "endpoint", "direction", "therapy", "statement") if k in a
        ]  # fmt: skip
        if a.get("same_sentence"):
            facts.append(
                "same sentence: " + "; ".join(f"{m['kind']} {m['label']}" for m in a["same_sentence"])
            )
        table.add_row(
            str(a["rank"]), a["kind"], "\n".join(map(str, facts)), a["quote"],
            ", ".join(map(str, a["reference_numbers"])), f"{a['score']:.3f}",
        )  # fmt: skip
    console.print(table)
    query = response.get("query")
    if query:
        console.print(
            f"named query [bold]{query['name']}[/] ({query['title']}) "
            f"{json.dumps(query['params'])}: {query['rows_total']} row(s); "
            f"relapsekg query --named {query['name']}"
            + "".join(f" --param {k}={v}" for k, v in query["params"].items())
        )
