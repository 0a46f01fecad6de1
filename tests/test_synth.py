"""The synthetic corpus (`relapsekg synth`) and the build's scale mode.

A synthetic corpus is written in the curated source layout and must go through the same checks as
the curated one: every quote verbatim in its publication's text, every number in its quote. It is
deterministic, grows with --studies, and every named query runs on it. Scale mode (streaming the
graph to Oxigraph's bulk loader, SHACL on a sample) must build exactly the graph the full mode
builds. Corpora here are a few studies, so the whole file runs in about half a minute.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.engine import LocalEngine
from graph.named import NamedQueries
from graph.pipeline import build
from graph.synth import PRESETS, TRIPLES_PER_STUDY, generate, studies_for_triples

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def relapsekg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args], capture_output=True, text=True, timeout=300
    )


def quads(store: Path) -> int:
    return int(next(iter(LocalEngine(store).query(COUNT)))["n"].value)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synthetic") / "sources"
    generate(directory, studies=3, seed=0)
    return directory


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("synthetic-store")
    report = build(store, corpus, reason=False)
    assert report.ok, "\n".join(map(str, report.problems))
    return store


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", studies=3, seed=7)
    generate(tmp_path / "b", studies=3, seed=7)
    generate(tmp_path / "c", studies=3, seed=8)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c"), "another seed, another corpus"


def test_a_larger_corpus_extends_a_smaller_one(tmp_path: Path) -> None:
    small, large = (
        files_of(generate(tmp_path / "s", studies=2, seed=3).directory),
        files_of(generate(tmp_path / "l", studies=5, seed=3).directory),
    )
    reports = [name for name in small if name.startswith("references/")]
    assert len(reports) == 2 and all(small[name] == large[name] for name in reports)
    assert len([name for name in large if name.startswith("references/")]) == 5


def test_the_layout_is_that_of_the_curated_sources(corpus: Path) -> None:
    assert (corpus / "synthetic-review.yaml").is_file(), "one commented article"
    assert len(list((corpus / "references").glob("ref-*.yaml"))) == 3, "one file per reference"
    for source in corpus.rglob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        assert "Not clinical evidence" in text, "every file says it is synthetic"
        name = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("text: "))
        assert (corpus / "texts" / name).is_file(), "every publication has its source text"


def test_the_synthetic_corpus_passes_every_check_of_validate(tmp_path: Path) -> None:
    generate(tmp_path / "sources", studies=2, seed=0)
    result = relapsekg("validate", "--sources", str(tmp_path / "sources"))  # SHACL and OWL reasoning included
    assert result.returncode == 0, result.stderr
    assert "every quote found verbatim, every number in its quote" in " ".join(result.stderr.split())


def test_a_broken_synthetic_file_is_reported_with_file_and_line(tmp_path: Path) -> None:
    sources = generate(tmp_path / "sources", studies=2, seed=0).directory
    report = sources / "references" / next(p.name for p in (sources / "references").glob("ref-00002-*.yaml"))
    text = report.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.strip().startswith("n: "))
    report.write_text(text.replace(line, line.replace("n: ", "n: 9"), 1), encoding="utf-8")
    result = relapsekg(
        "build", "--store", str(tmp_path / "store"), "--sources", str(sources), "--shacl", "sample"
    )
    assert result.returncode == 1
    output = " ".join(result.stderr.split())
    assert (
        f"{report.name}:{text.splitlines().index(line) + 1}" in output
        and "does not appear in its quote" in output
    )


def test_the_corpus_grows_with_the_number_of_studies(built: Path, tmp_path: Path) -> None:
    one = generate(tmp_path / "one", studies=1, seed=0).directory
    assert build(tmp_path / "store", one, reason=False).ok
    small, large = quads(tmp_path / "store"), quads(built)
    per_study = (large - small) / 2
    assert 0.6 * TRIPLES_PER_STUDY < per_study < 1.4 * TRIPLES_PER_STUDY, per_study
    assert studies_for_triples(PRESETS["1m"]) > 10 * studies_for_triples(PRESETS["100k"]) * 0.9
    assert studies_for_triples(PRESETS["10k"]) >= 1


def test_scale_mode_builds_exactly_the_graph_of_the_full_mode(
    corpus: Path, built: Path, tmp_path: Path
) -> None:
    report = build(tmp_path / "store", corpus, shacl="sample")
    assert report.ok, report.problems
    assert report.manifest["mode"] == "scale" and built.joinpath("current/manifest.json").is_file()
    assert any("scale mode" in note for note in report.notes), "the choice is printed"
    assert any("OWL reasoning skipped" in note for note in report.notes)

    def source_quads(store: Path) -> set[str]:
        return {
            str(q) for q in LocalEngine(store).store if "/graph/ontology" not in str(q.graph_name)
        }  # the ontology's blank nodes are relabelled

    assert source_quads(tmp_path / "store") == source_quads(built)
    assert quads(tmp_path / "store") == quads(built)


def test_every_named_query_runs_on_the_synthetic_graph(corpus: Path, built: Path) -> None:
    parameters = json.loads((corpus / "synth.json").read_text())["query_parameters"]
    engine = LocalEngine(built)
    answers = {}
    for name, query in NamedQueries().all().items():
        values = {
            p.name: parameters[p.name]
            for p in query.params
            if p.name in parameters and p.default_value not in ("", "0", "-1")
        }
        answers[name] = list(engine.query(query.sparql(values)))
    assert len(answers["studies"]) == 3
    assert answers["cohort-tree"] and answers["arm-outcomes-by-subgroup"] and answers["provenance"]
    assert answers["evidence-table"] and answers["cns-outcomes"] and answers["references"]


def test_the_command_line(tmp_path: Path) -> None:
    result = relapsekg("synth", "-o", str(tmp_path / "c"), "--triples", "10k", "--seed", "2")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "c" / "synth.json").read_text())
    assert manifest["studies"] == studies_for_triples(10_000) and manifest["seed"] == 2
    again = relapsekg("synth", "-o", str(tmp_path / "c"), "--studies", "2")
    assert again.returncode == 2 and "not empty" in again.stderr
    assert relapsekg("synth", "-o", str(tmp_path / "c"), "--studies", "2", "--force").returncode == 0
    assert json.loads((tmp_path / "c" / "synth.json").read_text())["studies"] == 2
    unrelated = tmp_path / "notes"
    unrelated.mkdir()
    (unrelated / "keep.txt").write_text("mine")
    refused = relapsekg("synth", "-o", str(unrelated), "--studies", "1", "--force")
    assert refused.returncode == 2 and (unrelated / "keep.txt").is_file(), (
        "never deletes what synth did not write"
    )
