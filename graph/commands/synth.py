"""``relapsekg synth``: write a deterministic synthetic corpus for scale tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

import typer

from ..cli import _fail, app, err


@app.command()
def synth(
    output: Path = typer.Option(..., "-o", "--output", help="folder to write the corpus to (empty or new)"),
    studies: int | None = typer.Option(None, "--studies", help="number of synthetic trial reports"),
    triples: str | None = typer.Option(
        None, "--triples", help="target size instead of --studies: a number, or 10k, 100k, 1m"
    ),
    seed: int = typer.Option(0, "--seed", help="random seed; the same seed writes byte-identical files"),
    force: bool = typer.Option(False, "--force", help="replace a synthetic corpus written to OUTPUT before"),
) -> None:
    """Write a synthetic corpus in the layout of graph/sources, every quote verbatim in its text.

    Build it with `relapsekg build --sources OUTPUT --store DIR`. About 1,200 triples per study:
    10k ≈ 6 studies, 100k ≈ 81, 1m ≈ 831 (graph/synth/__init__.py).
    """
    from ..synth import PRESETS, OutputNotEmpty, generate, studies_for_triples

    if (studies is None) == (triples is None):
        _fail("give exactly one of --studies N or --triples T (a number, or 10k, 100k, 1m)", 2)
    if triples is not None:
        target = PRESETS.get(triples.lower())
        if target is None:
            try:
                target = int(triples.replace("_", "").replace(",", ""))
            except ValueError:
                _fail(f"--triples needs a number or one of {', '.join(PRESETS)}, got {triples!r}", 2)
        studies = studies_for_triples(target)
    if studies is None or studies < 1:
        _fail("--studies must be at least 1", 2)
    try:
        result = generate(output, studies, seed, force=force)
    except OutputNotEmpty as exc:
        _fail(str(exc), 2)
    err.print(
        f"[green]✓[/] wrote {result.files} files ({result.bytes:,} bytes) for {studies} stud{'y' if studies == 1 else 'ies'}, seed {seed}, "
        f"about {result.estimated_triples:,} triples → {output}"
    )
