"""The build's stages, each on its own: what one stage hands the next is all the next one gets.

The converter names the file and line of every node it writes, so a problem SHACL or the reasoner
finds on a node minted for a fact (a p-value, an interval, a rule's condition, a quote selector)
points at that fact in the YAML; the converter needs the quote spans the check found; the sink
keeps or streams the graph without changing a quad; and work added beside the database load
counts like any other check: its problems fail the build and the previous graph stays.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import XSD

from graph import pipeline
from graph.checks import run_all
from graph.convert import SECTION_WRITERS, PublicationGraph, convert
from graph.corpus import Corpus, Problem, load_corpus
from graph.install import Beside, NewGraph
from graph.model import ENTITY_SECTIONS
from graph.namespaces import ID, ONTOLOGY_GRAPH, RKG
from graph.origins import Origin
from graph.spool import NQuadsSpool, Sink
from graph.synth import generate
from graph.validate import load_shapes, shacl_problems
from graph.vocab import Vocabulary, default_allow_list, load_ontology

HOGAN = "graph/sources/references/ref-11-hogan-2023.yaml"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    loaded = load_corpus()
    assert not loaded.problems
    return loaded


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_ontology(load_ontology())


@pytest.fixture(scope="module")
def graphs(corpus: Corpus, vocab: Vocabulary) -> list[PublicationGraph]:
    checked = run_all(corpus, vocab, default_allow_list())
    assert not checked.problems
    return list(convert(corpus, vocab, checked.spans))


def line_of(name: str, needle: str) -> int:
    for number, line in enumerate(Path(name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_every_node_a_publication_graph_writes_has_its_file_and_line(graphs: list[PublicationGraph]) -> None:
    for graph in graphs:
        subjects = {s for s, _p, _o in graph.triples}
        assert subjects <= set(graph.origins), graph.iri
        assert {origin.file for origin in graph.origins.values()} == {
            graph.origins[next(iter(subjects))].file
        }


def test_nodes_minted_for_a_fact_come_from_the_facts_line(graphs: list[PublicationGraph]) -> None:
    origins = {node: origin for graph in graphs for node, origin in graph.origins.items()}
    result = ID["result/aall1331-lr-dfs-blin"]
    line = line_of(HOGAN, "{id: aall1331-lr-dfs-blin,")
    for node in (
        result,
        ID[f"{result.removeprefix(str(ID))}/p-value"],
        ID[f"{result.removeprefix(str(ID))}#quote-1-text"],
    ):
        assert (origins[node].file, origins[node].line) == (HOGAN, line), node
    rule = ID["risk-rule/aall1331-low-risk"]
    condition = ID[f"{rule.removeprefix(str(ID))}/any-of-1/condition-1"]
    assert origins[condition] == origins[rule] == Origin(HOGAN, line_of(HOGAN, "- id: aall1331-low-risk"))


def test_every_entity_section_of_the_yaml_has_its_writer() -> None:
    """A section added to graph/model.py's ENTITY_SECTIONS needs its line in convert.SECTION_WRITERS."""
    assert set(SECTION_WRITERS) == set(ENTITY_SECTIONS)


def test_the_converter_cannot_run_without_the_quote_checks_spans(corpus: Corpus, vocab: Vocabulary) -> None:
    """Without the spans every annotation would silently lose its target."""
    with pytest.raises(KeyError):
        next(convert(corpus, vocab, {}))


def test_a_shacl_problem_on_a_p_value_names_the_results_line(graphs: list[PublicationGraph]) -> None:
    dataset = Dataset()
    origins = {}
    for graph in graphs:
        named = dataset.graph(graph.iri)
        named.addN((s, p, o, named) for s, p, o in graph.triples)
        origins.update(graph.origins)
    p_value = ID["result/aall1331-lr-dfs-blin/p-value"]
    for named in dataset.graphs():
        if (p_value, RKG.value, None) in named:
            named.set((p_value, RKG.value, Literal(Decimal("1.089"), datatype=XSD.decimal)))
    named = dataset.graph(ONTOLOGY_GRAPH)
    named += load_ontology()
    problems = [p for p in shacl_problems(dataset, load_shapes(), origins) if "p-value" in p.message]
    assert problems and all(
        (p.file, p.line) == (HOGAN, line_of(HOGAN, "{id: aall1331-lr-dfs-blin,")) for p in problems
    ), problems


def test_the_sink_streams_exactly_the_quads_it_would_have_kept(
    graphs: list[PublicationGraph], tmp_path: Path
) -> None:
    kept, streamed = NQuadsSpool(tmp_path / "kept.nq"), NQuadsSpool(tmp_path / "streamed.nq")
    full, scale = Sink(kept, keep_up_to=None), Sink(streamed, keep_up_to=1000, sample_budget=500)
    for graph in graphs:
        full.add(graph)
        scale.add(graph)
    whole, part = full.finish(), scale.finish()
    for graph in whole.kept:
        kept.write(graph.iri, graph.triples)
    assert not whole.streamed and part.streamed and part.kept == []
    assert part.sample and sum(len(g) for g in part.sample[:-1]) < 500 <= sum(len(g) for g in part.sample)
    assert sorted(kept.path.read_text().splitlines()) == sorted(streamed.path.read_text().splitlines())
    assert whole.triples == part.triples and whole.graphs == part.graphs == len(graphs)


@pytest.fixture(scope="module")
def small_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("synthetic") / "sources", studies=1, seed=0).directory


def test_work_beside_the_load_adds_to_the_manifest_and_its_problems_keep_the_previous_graph(
    small_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "store"

    def count_the_quads(new: NewGraph) -> Beside:
        return Beside(
            "count", {"lines": len(new.build.nquads.read_text().splitlines()), "parsed": len(new.graph)}
        )

    monkeypatch.setattr(pipeline, "BESIDE_THE_LOAD", (*pipeline.BESIDE_THE_LOAD, count_the_quads))
    first = pipeline.build(root, small_sources, reason=False)
    assert first.ok and first.manifest is not None, first.problems
    assert first.manifest["lines"] >= first.quads == first.manifest["parsed"]
    assert "count" in first.manifest["phases"]
    before = (root / "current").resolve()

    def object_to_it(new: NewGraph) -> Beside:
        return Beside("object", problems=[Problem("somewhere.yaml", 3, "no")])

    monkeypatch.setattr(pipeline, "BESIDE_THE_LOAD", (object_to_it,))
    second = pipeline.build(root, small_sources, reason=False)
    assert not second.ok and [str(p) for p in second.problems] == ["somewhere.yaml:3: no"]
    assert (root / "current").resolve() == before and len(list((root / "builds").iterdir())) == 1
