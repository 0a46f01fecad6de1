"""``relapsekg validate``: every check, every problem, no store touched.

Order matters only for usefulness: syntax and schema problems stop a file from being checked
further (there is nothing reliable to check), everything else is reported together.

Two engines do not scale with the corpus: pyshacl (about 7 s at 120k triples, minutes at 1M) and
HermiT (3 s on the curated 8k triples, 15 minutes on a 16k-triple synthetic corpus: its time grows
far faster than the graph). So the graph is converted into plain lists first, and its size picks
the mode (each choice is printed, see ``Validation.notes``):

* up to ``FULL_CHECK_TRIPLES`` converted triples: an rdflib Dataset, SHACL over the union of all
  graphs, the IRI check, and OWL reasoning up to ``REASONING_TRIPLES`` - what the curated corpus
  always gets;
* above: *scale mode*. Every per-file and cross-file check of checks.py still runs on every file
  (YAML, schema, ids, references, controlled keys, quotes, numbers, codes), and the IRI check on
  every triple; each publication's graph is streamed to the caller (the build's N-Quads spool)
  instead of being kept; SHACL runs on a sample of publication graphs (``SHACL_SAMPLE_TRIPLES``);
  OWL reasoning is off unless asked for.

``reason`` and ``shacl`` override the automatic choice (``shacl="full"`` or ``reason=True`` keep
the whole graph in an rdflib Dataset whatever its size).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH

from . import paths
from .checks import run_all
from .convert import Converter, Origin, add_ontology, expand_curie
from .corpus import Corpus, Problem, load_corpus
from .spool import QuadCollector
from .vocab import IriAllowList, Vocabulary, default_allow_list, load_ontology

# Sizes in triples converted from the sources (the ontology graph not counted); see the docstring.
FULL_CHECK_TRIPLES = 150_000
REASONING_TRIPLES = 12_000
SHACL_SAMPLE_TRIPLES = 30_000
SHACL_MODES = ("auto", "full", "sample", "off")

if TYPE_CHECKING:
    from .reasoning import Reasoning


@dataclass
class Validation:
    corpus: Corpus
    dataset: Dataset | None = None
    origins: dict[URIRef, Origin] = field(default_factory=dict)
    reasoning: Reasoning | None = None
    # What the size made the validation do differently, for the command line to print.
    notes: list[str] = field(default_factory=list)
    triples: int = 0  # converted from the sources (without the ontology)
    graphs: int = 0  # named graphs converted from the sources
    ontology: Graph | None = None
    scale: bool = False  # the graph was streamed (``dataset`` is None), see the module docstring
    shacl: str = ""  # what SHACL covered: "all N triples", "a sample of …", "skipped"
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for the manifest
    # Checks left for the build to run beside the database load (scale mode's SHACL sample, when
    # asked to defer it): their problems fail the build before the new graph is swapped in.
    pending: Callable[[], list[Problem]] | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.corpus.problems

    @property
    def ok(self) -> bool:
        return not self.corpus.problems and (self.dataset is not None or self.scale)


def load_shapes() -> Graph:
    return Graph().parse(paths.ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def shacl_problems(dataset: Dataset, shapes: Graph, origins: dict[URIRef, Origin]) -> list[Problem]:
    """Run the SHACL shapes over the union of all graphs; map each focus node to its file."""
    data = Graph()
    for quad in dataset.quads((None, None, None, None)):
        data.add(quad[:3])
    return shacl_graph_problems(data, shapes, origins)


def shacl_graph_problems(
    data: Graph, shapes: Graph, origins: dict[URIRef, Origin], focus_nodes: set | None = None
) -> list[Problem]:
    """SHACL over ``data``; only violations whose focus node is in ``focus_nodes``, when given (a
    sample carries the types of the entities it points at, which are not themselves checked)."""
    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus_nodes is not None and focus not in focus_nodes:
            continue
        message = "; ".join(str(m) for m in report.objects(result, SH.resultMessage)) or "SHACL violation"
        path = report.value(result, SH.resultPath)
        origin = _origin_of(focus, origins)
        where = f"<{focus}>" + (f" {_short_iri(path)}" if isinstance(path, URIRef) else "")
        problems.append(Problem(origin.file, origin.line, f"SHACL: {where}: {message}"))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))


def _origin_of(node: object, origins: dict[URIRef, Origin]) -> Origin:
    if isinstance(node, URIRef):
        iri = str(node)
        for candidate in (iri, iri.split("#")[0], iri.rsplit("/", 1)[0], iri.split("/any-of-")[0]):
            if URIRef(candidate) in origins:
                return origins[URIRef(candidate)]
    return Origin("(graph)", None)


def _short_iri(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def iri_problems(dataset: Dataset, allow: IriAllowList, origins: dict[URIRef, Origin]) -> list[Problem]:
    """No IRI in the graph may come from outside vocabularies.md or the printed source."""
    seen: dict[str, Problem] = {}
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        for term in (s, p, o):
            if isinstance(term, URIRef) and not allow.allows(str(term)) and str(term) not in seen:
                origin = _origin_of(s, origins)
                seen[str(term)] = Problem(
                    origin.file,
                    origin.line,
                    f"IRI <{term}> is neither listed in vocabularies.md nor printed in the source",
                )
    return list(seen.values())


_RDF_TYPE = str(RDF.type)


@dataclass
class StreamedChecks:
    """The checks scale mode runs on each publication graph as it streams past (see the module
    docstring): the IRI check on every triple, and the graphs kept as SHACL's sample."""

    allow: IriAllowList
    origins: dict[URIRef, Origin]
    forward: Callable[[URIRef, list], None] | None = None
    sample_budget: int = SHACL_SAMPLE_TRIPLES
    problems: dict[str, Problem] = field(default_factory=dict)
    verdicts: dict[URIRef, bool] = field(default_factory=dict)
    sample: list[tuple[URIRef, list]] = field(default_factory=list)
    sampled: int = 0
    types: dict[URIRef, list] = field(default_factory=dict)

    def __call__(self, graph: URIRef, triples: list) -> None:
        verdicts, allows = self.verdicts, self.allow.allows
        for s, p, o in triples:
            for term in (s, p, o):
                if isinstance(term, URIRef):
                    ok = verdicts.get(term)
                    if ok is None:
                        ok = verdicts[term] = allows(str(term))
                        if not ok:
                            origin = _origin_of(s, self.origins)
                            self.problems[str(term)] = Problem(
                                origin.file,
                                origin.line,
                                f"IRI <{term}> is neither listed in vocabularies.md nor printed in the source",
                            )
            # Entity types, for the sample's references. str's own equality: rdflib's URIRef.__eq__
            # is Python, and this runs once per triple.
            if isinstance(p, URIRef) and str.__eq__(p, _RDF_TYPE) and "#" not in s:
                self.types.setdefault(s, []).append((s, p, o))
        if self.sampled < self.sample_budget:
            self.sample.append((graph, triples))
            self.sampled += len(triples)
        if self.forward is not None:
            self.forward(graph, triples)

    def keep_only_the_sample(self) -> None:
        """Let go of what SHACL on the sample does not need: the file and line of entities outside
        it, and the types of entities it does not point at."""
        triples = [triple for _graph, sampled in self.sample for triple in sampled]
        subjects, objects = {s for s, _p, _o in triples}, {o for _s, _p, o in triples}
        self.origins = {node: origin for node, origin in self.origins.items() if node in subjects}
        self.types = {node: typed for node, typed in self.types.items() if node in objects}

    def shacl(self, shapes: Graph, ontology: Graph) -> list[Problem]:
        """SHACL on the sampled graphs, with the ontology and the types of what they point at."""
        data = Graph()
        focus: set = set()
        for _graph, triples in self.sample:
            for triple in triples:
                data.add(triple)
                focus.add(triple[0])
        for s, p, o in list(data):
            if isinstance(o, URIRef) and o not in focus:
                for triple in self.types.get(o, ()):
                    data.add(triple)
        for triple in ontology:
            data.add(triple)
        return shacl_graph_problems(data, shapes, self.origins, focus)


def validate_sources(
    sources_dir: Path | None = None,
    allow: IriAllowList | None = None,
    reason: bool | None = None,
    shacl: str = "auto",
    on_graph: Callable[[URIRef, list], None] | None = None,
    defer_shacl: bool = False,
) -> Validation:
    """Every check on the corpus in ``sources_dir`` (see the module docstring for the modes).

    ``reason``: None reasons up to REASONING_TRIPLES, True always, False never. ``shacl``: one of
    SHACL_MODES. ``on_graph(graph_iri, triples)`` receives each publication graph in scale mode
    (the build writes them to its N-Quads spool); it is not called otherwise.
    """
    if shacl not in SHACL_MODES:
        raise ValueError(f"shacl must be one of {', '.join(SHACL_MODES)}, not {shacl!r}")
    clock = _Clock()
    corpus = load_corpus(sources_dir)
    validation = Validation(corpus, phases=clock.phases)
    clock.lap("load")
    ontology = load_ontology()
    vocab = Vocabulary.from_ontology(ontology)
    allow = allow or default_allow_list()
    run_all(corpus, vocab, allow, expand_curie)
    clock.lap("checks")
    if corpus.problems:
        return validation
    keep_all = shacl == "full" or reason is True
    streamed = StreamedChecks(
        allow, {}, on_graph, sample_budget=SHACL_SAMPLE_TRIPLES if shacl in ("auto", "sample") else 0
    )
    # --shacl sample asks for scale mode whatever the size (it streams from the first graph on).
    keep_up_to = None if keep_all else 0 if shacl == "sample" else FULL_CHECK_TRIPLES
    collector = QuadCollector(keep_up_to=keep_up_to, on_graph=streamed)
    converter = Converter(corpus, vocab, collector)
    converter.convert()
    collector.finish()
    streamed.origins = origins = converter.origins
    validation.origins, validation.ontology = origins, ontology
    validation.triples, validation.graphs = collector.count, collector.graph_count
    clock.lap("convert")
    if collector.streaming:
        _scale_checks(validation, streamed, shacl, reason, defer_shacl)
        clock.lap("shacl")
        return validation
    dataset = collector.to_dataset()
    add_ontology(dataset, ontology)
    clock.lap("dataset")
    if shacl == "off":
        validation.shacl = "skipped"
        validation.notes.append("SHACL skipped (--shacl off)")
    else:
        corpus.problems.extend(shacl_problems(dataset, load_shapes(), origins))
        validation.shacl = f"all {collector.count:,} triples"
    clock.lap("shacl")
    corpus.problems.extend(iri_problems(dataset, allow, origins))
    validation.dataset = dataset
    if reason is None and collector.count > REASONING_TRIPLES:
        validation.notes.append(_reasoning_skipped(collector.count))
    elif reason is False:
        validation.notes.append("OWL reasoning skipped (--no-reasoning)")
    elif not corpus.problems:
        # OWL 2 DL reasoning (graph/reasoning): consistency with the entities involved, risk rules
        # that overlap or never apply; its inferred facts are kept for the build to store.
        from .reasoning import reason as run_reasoner

        validation.reasoning = run_reasoner(dataset, origins)
        corpus.problems.extend(validation.reasoning.problems)
        clock.lap("reasoning")
    return validation


class _Clock:
    """Seconds per step of the validation (the build adds its own), for the manifest."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - self._last, 3)
        self._last = now


def _reasoning_skipped(triples: int) -> str:
    return (
        f"OWL reasoning skipped: {triples:,} triples is above the {REASONING_TRIPLES:,} the HermiT "
        "step handles in reasonable time (its time grows far faster than the graph); the inferred "
        "graph is absent, so the named queries over inferred classes answer nothing. "
        "Pass --reasoning to run it anyway"
    )


def _scale_checks(
    validation: Validation, streamed: StreamedChecks, shacl: str, reason: bool | None, defer_shacl: bool
) -> Validation:
    """What scale mode adds once every graph has streamed past: IRI problems, SHACL on the sample
    (or, with ``defer_shacl``, a ``pending`` check that runs it later, needing only the sample)."""
    corpus, count = validation.corpus, validation.triples
    validation.scale = True
    corpus.problems.extend(streamed.problems.values())
    if shacl == "off":
        validation.shacl = "skipped"
        validation.notes.append("SHACL skipped (--shacl off)")
    else:
        if defer_shacl:
            streamed.keep_only_the_sample()  # the build frees the rest of the corpus meanwhile
            ontology = validation.ontology
            validation.pending = lambda: streamed.shacl(load_shapes(), ontology)
        else:
            corpus.problems.extend(streamed.shacl(load_shapes(), validation.ontology))
        graphs = len(streamed.sample)
        validation.shacl = (
            f"a sample of {graphs} of {validation.graphs} publication graphs ({streamed.sampled:,} triples)"
        )
        why = (
            f"{count:,} triples is above the {FULL_CHECK_TRIPLES:,} that SHACL checks as one graph within "
            "the build budget"
            if count > FULL_CHECK_TRIPLES
            else "--shacl sample"
        )
        validation.notes.append(
            f"scale mode ({why}): SHACL ran on {validation.shacl}; every other check ran on every file and "
            "triple. Pass --shacl full to check every triple"
        )
    if reason is False:
        validation.notes.append("OWL reasoning skipped (--no-reasoning)")
    elif count > REASONING_TRIPLES:
        validation.notes.append(_reasoning_skipped(count))
    else:
        validation.notes.append(
            "OWL reasoning skipped: scale mode does not keep the graph the reasoner needs; "
            "pass --reasoning to run it"
        )
    return validation


__all__ = ["validate_sources", "Validation"]
