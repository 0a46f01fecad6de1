"""The build, top to bottom: ``relapsekg build`` runs every stage, ``relapsekg validate`` the same
stopped after verify and reason. Each stage takes values and returns values:

    load      graph/corpus.py      the curated YAML files, parsed and schema-checked
    check     graph/checks.py      ids, references, keys, quotes (and where they are), numbers, codes
    convert   graph/convert.py     one named graph per file, with the file and line of every node
              graph/spool.py       the sink: kept in memory (full mode), or streamed to the N-Quads (scale)
    verify    graph/validate.py    the IRI allow-list on every triple; SHACL on all, or on a sample
    reason    graph/reasoning/     OWL 2 DL (HermiT): consistency, rule coherence, inferred graph
    write     graph/spool.py       the N-Quads the database is loaded from
    load the database ∥ BESIDE_THE_LOAD   graph/install.py: kept answers (graph/kept_answers.py), question index (graph/ask/)
    activate  graph/store.py       the ``current`` link moves; on any problem the previous graph stays

docs/architecture.md says how to add a stage, a check or a section of the YAML.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rdflib import Dataset, Graph, URIRef
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import paths
from .checks import run_all
from .convert import convert
from .corpus import Corpus, Problem, load_corpus
from .install import Beside, BesideTask, install, keep_answers, write_question_index
from .namespaces import ONTOLOGY_GRAPH
from .origins import Origin, merged
from .quotes import Spans
from .spool import FULL_CHECK_TRIPLES, SHACL_SAMPLE_TRIPLES, NQuadsSpool, Sink, Sunk, keep_up_to
from .validate import IriCheck, shacl_on_graph, shacl_on_sample
from .vocab import Vocabulary, default_allow_list, load_ontology

if TYPE_CHECKING:
    from .reasoning import Reasoning

SHACL_MODES = ("auto", "full", "sample", "off")
REASONING_TRIPLES = 12_000  # converted triples up to which HermiT runs by default (see graph/spool.py)

# Work on the new graph that runs while the database loads; a new one is a function taking a
# NewGraph (the build folder, the graph in memory) and returning a Beside (graph/install.py), added here.
BESIDE_THE_LOAD: tuple[BesideTask, ...] = (keep_answers, write_question_index)

T = TypeVar("T")


@dataclass(frozen=True)
class Converted:
    """The graph as the convert stage leaves it."""

    sunk: Sunk
    ontology: Graph
    dataset: Dataset | None  # full mode: every graph and the ontology, for SHACL and the reasoner
    origins: dict[URIRef, Origin]  # full mode: of every node (scale mode: each sampled graph has its own)
    iri_problems: list[Problem]


@dataclass(frozen=True)
class Validation:
    """What ``relapsekg validate`` reports; the build goes on from it."""

    corpus: Corpus
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)  # what the size made it do differently
    converted: Converted | None = None
    reasoning: Reasoning | None = None
    shacl: str = ""  # what SHACL covered: "all N triples", "a sample of ...", "skipped"
    phases: dict[str, float] = field(default_factory=dict)  # seconds per stage, for the manifest

    @property
    def ok(self) -> bool:
        return not self.problems and self.converted is not None

    @property
    def dataset(self) -> Dataset | None:
        return self.converted.dataset if self.converted else None

    @property
    def origins(self) -> dict[URIRef, Origin]:
        return self.converted.origins if self.converted else {}


@dataclass(frozen=True)
class BuildReport:
    ok: bool
    problems: list[Problem]
    quads: int = 0
    seconds: float = 0.0
    path: Path | None = None
    manifest: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # what the size made the build skip, to print


def validate(
    sources_dir: Path | None = None,
    reason: bool | None = None,
    shacl: str = "auto",
    spool: NQuadsSpool | None = None,
    shacl_now: bool = True,
) -> Validation:
    """load → check → convert → verify → reason. ``reason``: None reasons up to REASONING_TRIPLES,
    True always, False never; ``shacl``: one of SHACL_MODES. The build passes its ``spool`` (where
    scale mode streams the graph) and ``shacl_now=False``: scale mode's SHACL sample then runs
    beside the database load instead."""
    if shacl not in SHACL_MODES:
        raise ValueError(f"shacl must be one of {', '.join(SHACL_MODES)}, not {shacl!r}")
    clock = Clock()
    corpus = clock.lap("load", load_corpus(sources_dir))
    if corpus.problems:
        return Validation(corpus, corpus.problems, phases=clock.phases)
    ontology, allow = load_ontology(), default_allow_list()
    vocab = Vocabulary.from_ontology(ontology)
    checked = clock.lap("check", run_all(corpus, vocab, allow))
    if checked.problems:
        return Validation(corpus, checked.problems, phases=clock.phases)
    sample = SHACL_SAMPLE_TRIPLES if shacl in ("auto", "sample") else 0
    sink = Sink(spool, keep_up_to(reason, shacl), sample)
    converted = clock.lap(
        "convert", convert_into(sink, corpus, vocab, checked.spans, ontology, IriCheck(allow))
    )
    problems, notes = list(converted.iri_problems), _notes(converted.sunk, reason, shacl)
    if shacl != "off" and (shacl_now or not converted.sunk.streamed):
        problems += clock.lap("verify", verify_shapes(converted))
    reasoning = None
    if converted.dataset is not None and _reasons(converted.sunk, reason) and not problems:
        from .reasoning import reason as run_reasoner

        reasoning = clock.lap("reason", run_reasoner(converted.dataset, converted.origins))
        problems += reasoning.problems
    covered = _shacl_covered(converted.sunk, shacl)
    return Validation(corpus, problems, notes, converted, reasoning, covered, clock.phases)


def build(
    store_root: Path,
    sources_dir: Path | None = None,
    show_progress: bool = False,
    reason: bool | None = None,
    shacl: str = "auto",
) -> BuildReport:
    """validate → write → load the database ∥ BESIDE_THE_LOAD (∥ scale mode's SHACL) → activate."""
    started = time.perf_counter()
    spool = NQuadsSpool(store_root / f".spool-{os.getpid()}-{time.monotonic_ns()}.nq")
    try:
        with _progress(show_progress) as say:
            say("validating curated sources" + (" and reasoning (OWL)" if reason is not False else ""))
            validation = validate(sources_dir, reason, shacl, spool, shacl_now=False)
            converted, notes = validation.converted, validation.notes
            if validation.problems or converted is None:
                return BuildReport(False, validation.problems, seconds=_since(started), notes=notes)
            say("writing the N-Quads")
            clock = Clock(dict(validation.phases))
            clock.lap("write", write(spool, converted, validation.reasoning))
            tasks = [*BESIDE_THE_LOAD, *_shacl_beside_the_load(converted, shacl)]
            facts = _manifest(validation, spool)
            del validation  # the parsed sources: freed before the database load takes its memory,
            gc.collect()  # so the build's peak is the larger of the two rather than their sum
            say("loading the Oxigraph store; beside it: " + ", ".join(_name(task) for task in tasks))
            installed = install(
                store_root,
                spool.path,
                tasks,
                lambda quads, phases: (
                    facts
                    | {"quads": quads, "seconds": round(_since(started), 3), "phases": clock.phases | phases}
                ),
            )
    finally:
        spool.discard()
    return BuildReport(
        installed.ok,
        installed.problems,
        installed.quads,
        _since(started),
        installed.path,
        installed.manifest,
        notes + installed.notes,
    )


# -- the stages' own steps ---------------------------------------------------------------------


def convert_into(
    sink: Sink, corpus: Corpus, vocab: Vocabulary, spans: Spans, ontology: Graph, iris: IriCheck
) -> Converted:
    """Every publication graph through the IRI check into the sink; in full mode, the kept graphs
    and the ontology as one rdflib Dataset for SHACL and the reasoner."""
    for graph in convert(corpus, vocab, spans):
        iris.see(graph.triples, graph.origins)
        sink.add(graph)
    iris.see(ontology, {})
    sunk = sink.finish()
    if sunk.streamed:
        return Converted(sunk, ontology, None, {}, iris.found())
    dataset = Dataset(default_union=False)
    for kept in sunk.kept:
        named = dataset.graph(kept.iri)
        named.addN((s, p, o, named) for s, p, o in kept.triples)
    named = dataset.graph(ONTOLOGY_GRAPH)
    named += ontology
    return Converted(sunk, ontology, dataset, merged([kept.origins for kept in sunk.kept]), iris.found())


def verify_shapes(converted: Converted) -> list[Problem]:
    """SHACL on the whole graph (full mode) or on the sink's sample (scale mode)."""
    if converted.dataset is not None:
        return shacl_on_graph(converted.dataset, converted.origins)
    return shacl_on_sample(converted.sunk.sample, converted.sunk.types, converted.ontology)


def _shacl_beside_the_load(converted: Converted, shacl: str) -> list[BesideTask]:
    if not converted.sunk.streamed or shacl == "off":
        return []

    def shacl_on_the_sample(_new: object) -> Beside:
        return Beside("verify", problems=verify_shapes(converted))

    return [shacl_on_the_sample]


def write(spool: NQuadsSpool, converted: Converted, reasoning: Reasoning | None) -> int:
    """The N-Quads the database loads: the source graphs (scale mode's are there already), the
    ontology, and what reasoning added. Returns the quads written."""
    for graph in converted.sunk.kept:
        spool.write(graph.iri, graph.triples)
    spool.write(ONTOLOGY_GRAPH, converted.ontology)
    if reasoning is not None and reasoning.ran:
        for iri, triples in reasoning.graphs():
            spool.write(iri, triples)
    return spool.quads


def _reasons(sunk: Sunk, reason: bool | None) -> bool:
    return not sunk.streamed and (reason is True or (reason is None and sunk.triples <= REASONING_TRIPLES))


def _notes(sunk: Sunk, reason: bool | None, shacl: str) -> list[str]:
    """What the size made validation do differently, for the command line to print."""
    notes = ["SHACL skipped (--shacl off)"] if shacl == "off" else []
    if sunk.streamed and shacl != "off":
        why = (
            f"{sunk.triples:,} triples is above the {FULL_CHECK_TRIPLES:,} that SHACL checks as one graph "
            "within the build budget"
            if sunk.triples > FULL_CHECK_TRIPLES
            else "--shacl sample"
        )
        notes.append(
            f"scale mode ({why}): SHACL ran on {_shacl_covered(sunk, shacl)}; every other check ran on "
            "every file and triple. Pass --shacl full to check every triple"
        )
    if reason is False:
        notes.append("OWL reasoning skipped (--no-reasoning)")
    elif sunk.triples > REASONING_TRIPLES and (sunk.streamed or reason is None):
        notes.append(
            f"OWL reasoning skipped: {sunk.triples:,} triples is above the {REASONING_TRIPLES:,} the HermiT "
            "step handles in reasonable time (its time grows far faster than the graph); the inferred "
            "graph is absent, so the named queries over inferred classes answer nothing. "
            "Pass --reasoning to run it anyway"
        )
    elif sunk.streamed:
        notes.append(
            "OWL reasoning skipped: scale mode does not keep the graph the reasoner needs; "
            "pass --reasoning to run it"
        )
    return notes


def _shacl_covered(sunk: Sunk, shacl: str) -> str:
    if shacl == "off":
        return "skipped"
    if not sunk.streamed:
        return f"all {sunk.triples:,} triples"
    sampled = sum(len(graph) for graph in sunk.sample)
    return f"a sample of {len(sunk.sample)} of {sunk.graphs} publication graphs ({sampled:,} triples)"


def _manifest(validation: Validation, spool: NQuadsSpool) -> dict[str, Any]:
    """The build's manifest but for what the load adds (quads, seconds, phases)."""
    files = [f.path for f in validation.corpus.files] + sorted(paths.ONTOLOGY_DIR.glob("*.ttl"))
    reasoning = validation.reasoning
    converted = validation.converted
    assert converted is not None
    return {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "graphs": len(spool.graphs),
        "sources": {_shown(f): hashlib.sha256(f.read_bytes()).hexdigest()[:16] for f in files},
        "reasoning": reasoning.manifest()
        if reasoning is not None
        else {"skipped": next((n for n in validation.notes if "reasoning" in n), "not requested")},
        "mode": "scale" if converted.sunk.streamed else "full",
        "shacl": validation.shacl,
        "source_triples": converted.sunk.triples,
    }


def _shown(file: Path) -> str:
    return str(file.relative_to(paths.ROOT)) if file.is_relative_to(paths.ROOT) else str(file)


def _name(task: BesideTask) -> str:
    return getattr(task, "__name__", "a task").replace("_", " ")


def _since(started: float) -> float:
    return time.perf_counter() - started


class Clock:
    """Seconds per stage, for the manifest: ``value = clock.lap("stage", stage(...))``."""

    def __init__(self, phases: dict[str, float] | None = None) -> None:
        self.phases: dict[str, float] = phases if phases is not None else {}
        self._last = time.perf_counter()

    def lap(self, name: str, value: T) -> T:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - self._last, 3)
        self._last = now
        return value


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[str], None]]:
    """A spinner on a terminal, saying which stage runs."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        disable=not show,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)
        yield lambda description: progress.update(task, description=description)


__all__ = ["build", "validate", "BuildReport", "Validation", "BESIDE_THE_LOAD", "SHACL_MODES"]
