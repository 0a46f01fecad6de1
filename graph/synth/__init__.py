"""A deterministic synthetic corpus in the curated source layout, for scale tests and benchmarks.

``generate(DIR, studies=N, seed=S)`` writes what ``relapsekg build --sources DIR`` reads::

    DIR/synthetic-review.yaml          the commented article (shared endpoints, agents, rules…)
    DIR/references/ref-NNNNN-*.yaml    one synthetic trial report per reference number 1..N
    DIR/texts/*.txt                    each publication's source text, holding every quote verbatim
    DIR/synth.json                     seed, sizes and ids to use as named-query parameters

The same seed gives byte-identical files; report k does not depend on N (see study.py). Sizes:
a report is about 1,200 triples on average and the article plus ontology about 3,150, so
``studies_for_triples(T)`` picks N for a target of T triples (presets 10k, 100k, 1m).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .article import ARTICLE_ID, article
from .study import Report, report
from .writer import write_text, write_yaml

# Calibrated on seed 0 (`relapsekg build --sources` of 100 reports, quads in the store with the
# inferred graph absent): the base is the ontology graph plus the article file.
TRIPLES_PER_STUDY = 1200
BASE_TRIPLES = 3150
PRESETS = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def studies_for_triples(triples: int) -> int:
    """How many reports make a corpus of about ``triples`` triples (at least one)."""
    return max(1, round((triples - BASE_TRIPLES) / TRIPLES_PER_STUDY))


@dataclass
class Synthesis:
    """What :func:`generate` wrote."""

    directory: Path
    seed: int
    reports: list[Report] = field(default_factory=list)
    files: int = 0
    bytes: int = 0

    @property
    def estimated_triples(self) -> int:
        return BASE_TRIPLES + TRIPLES_PER_STUDY * len(self.reports)

    def parameters(self) -> dict[str, str]:
        """Values for the named queries' parameters that name a curated entity (study=aall1331,
        entity=…/cohort/aall1331-icns, fact=…/result/aall1331-ibm-dfs-blin, number=11), pointing at
        a synthetic entity of the same kind instead, so those queries answer on this corpus."""
        randomized = next((r for r in self.reports if r.randomized), self.reports[0])
        sid = randomized.study
        cohort = f"{sid}-all" if randomized.randomized else f"{sid}-series"
        result = f"{sid}-exp-dfs" if randomized.randomized else f"{sid}-series-cr"
        return {
            "study": sid,
            "number": str(randomized.number),
            "entity": f"https://w3id.org/relapsekg/id/cohort/{cohort}",
            "fact": f"https://w3id.org/relapsekg/id/result/{result}",
        }

    def manifest(self) -> dict:
        return {
            "generator": "relapsekg synth",
            "format": 1,
            "seed": self.seed,
            "studies": len(self.reports),
            "files": self.files,
            "bytes": self.bytes,
            "estimated_triples": self.estimated_triples,
            "article": ARTICLE_ID,
            "query_parameters": self.parameters(),
        }


class OutputNotEmpty(RuntimeError):
    """The output folder holds files that a synthetic corpus would not have written."""


def generate(directory: Path, studies: int, seed: int = 0, force: bool = False) -> Synthesis:
    """Write a synthetic corpus of ``studies`` reports to ``directory`` (see the module docstring)."""
    if studies < 1:
        raise ValueError("a synthetic corpus needs at least one study")
    directory = Path(directory)
    _prepare(directory, force)
    result = Synthesis(directory, seed)
    data, text = article(studies, seed)
    result.bytes += write_yaml(directory / f"{ARTICLE_ID}.yaml", data, seed)
    result.bytes += write_text(directory / "texts" / data["text"], text)
    for number in range(1, studies + 1):
        data, text, meta = report(number, seed)
        result.bytes += write_yaml(directory / meta.file, data, seed)
        result.bytes += write_text(directory / "texts" / data["text"], text)
        result.reports.append(meta)
    result.files = 2 * (studies + 1)
    (directory / "synth.json").write_text(
        json.dumps(result.manifest(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return result


def _prepare(directory: Path, force: bool) -> None:
    """An empty (or new) folder, or with ``force`` one whose previous synthetic corpus is removed."""
    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise OutputNotEmpty(
                f"{directory} is not empty; choose an empty folder or pass --force to replace "
                "a synthetic corpus written there before"
            )
        if not (directory / "synth.json").is_file():
            raise OutputNotEmpty(
                f"{directory} holds no synth.json, so it was not written by relapsekg synth; "
                "refusing to delete its contents"
            )
        for child in ("references", "texts"):
            shutil.rmtree(directory / child, ignore_errors=True)
        for stale in directory.glob("*.yaml"):
            stale.unlink()
        (directory / "synth.json").unlink()
    (directory / "references").mkdir(parents=True, exist_ok=True)
    (directory / "texts").mkdir(exist_ok=True)


__all__ = ["generate", "studies_for_triples", "PRESETS", "Synthesis", "OutputNotEmpty", "TRIPLES_PER_STUDY"]
