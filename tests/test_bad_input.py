"""A curator's mistake is reported with file, line and problem, and the previous graph stays.

Each case breaks a private copy of the curated sources in one way, runs `relapsekg build` on a
store that already holds a good graph, and checks the message and that the store still answers
exactly as before.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from swapped import triples

from graph.engine import LocalEngine
from graph.pipeline import build

HOGAN = "references/ref-11-hogan-2023.yaml"
JACOBY = "references/ref-27-jacoby-2022.yaml"


def edit(sources: Path, name: str, old: str, new: str) -> None:
    path = sources / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(sources: Path, name: str, needle: str) -> int:
    for number, line in enumerate((sources / name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.fixture()
def live_store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    assert build(root).ok
    return root


def triple_count(root: Path) -> int:
    return triples(LocalEngine(root))


def run_build(store: Path, sources: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", "build", "--store", str(store), "--sources", str(sources)],
        capture_output=True,
        text=True,
        timeout=120,
    )


CASES = {
    # name: (file, old, new, expected message pattern, line needle)
    "yaml syntax error": (JACOBY, "    kind: series\n", "    kind: [series\n", r"YAML syntax error", None),
    "wrong type": (HOGAN, "    n: 142\n", "    n: many\n", r"n: Input should be a valid integer", "n: many"),
    "missing quote": (JACOBY, "    quote: *jacoby\n", "\n", r"quote: Field required", None),
    "quote not in the text": (
        JACOBY,
        "with 94% of patients achieving",
        "with 95% of patients achieving",
        r"quote not found verbatim",
        None,
    ),
    "number not in its quote": (
        JACOBY,
        "    value: 94\n",
        "    value: 96\n",
        r"value = 96 does not appear in its quote",
        "value: 96",
    ),
    "unknown reference": (
        JACOBY,
        "    n: 55\n    interventions: [cd19-car-t]\n    references: [27]",
        "    n: 55\n    interventions: [cd19-car-t]\n    references: [31]",
        r"unknown reference number 31",
        None,
    ),
    "unknown IRI": (
        "references/ref-25-fabrizio-2022.yaml",
        "code: NCIT:C102758",
        "code: NCIT:C99999",
        r"NCIT:C99999 is not a verified term of vocabularies.md",
        "NCIT:C99999",
    ),
    "unknown entity id": (
        JACOBY,
        "    cohort: jacoby2022-cns\n",
        "    cohort: jacoby2022-cnss\n",
        r"unknown cohort id 'jacoby2022-cnss'",
        "jacoby2022-cnss",
    ),
    "unknown controlled key": (
        JACOBY,
        "design: [retrospective, international]",
        "design: [retrospektive, international]",
        r"unknown key 'retrospektive'; known: .*retrospective",
        "retrospektive",
    ),
    "p-value above 1": (
        HOGAN,
        "value: 61.2, p: '0.089'",
        "value: 61.2, p: '1.089'",
        r"p-value '1.089' is above 1",
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_source_is_reported_and_previous_graph_kept(
    case: str, sources_copy: Path, live_store: Path
) -> None:
    file, old, new, pattern, needle = CASES[case]
    before = triple_count(live_store)
    edit(sources_copy, file, old, new)
    result = run_build(live_store, sources_copy)
    assert result.returncode == 1, result.stderr
    output = " ".join(result.stderr.split())
    assert re.search(pattern, output), output
    assert Path(file).name in output, "the message names the file"
    if needle:
        assert f"{Path(file).name}:{line_of(sources_copy, file, needle)}" in output, (
            "the message names the line"
        )
    assert "previous graph" in output and "unchanged" in output
    assert triple_count(live_store) == before


def test_validate_lists_every_problem_at_once(sources_copy: Path) -> None:
    edit(sources_copy, JACOBY, "    value: 94\n", "    value: 96\n")
    edit(sources_copy, "references/ref-25-fabrizio-2022.yaml", "code: NCIT:C102758", "code: NCIT:C99999")
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "validate", "--sources", str(sources_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "value = 96" in result.stderr and "NCIT:C99999" in result.stderr
    assert "2 problem(s)" in result.stderr


def test_validate_is_clean_on_the_curated_sources() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "validate"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "every quote found verbatim" in result.stderr


def test_a_good_build_replaces_the_graph_atomically(sources_copy: Path, live_store: Path) -> None:
    old_build = (live_store / "current").resolve()
    reader = LocalEngine(live_store)
    assert triple_count(live_store) > 0 and reader.query("ASK { ?s ?p ?o }")
    result = run_build(live_store, sources_copy)
    assert result.returncode == 0, result.stderr
    new_build = (live_store / "current").resolve()
    assert new_build != old_build and new_build.is_dir()
    assert old_build.is_dir(), "the previous build is kept for readers that still have it open"
    assert bool(reader.query("ASK { ?s ?p ?o }")), "an open reader switches to the new build"


@pytest.mark.parametrize("mode", ["full", "sample"])
@pytest.mark.parametrize("failing", ["the database load", "keeping the answers"])
def test_a_build_that_fails_while_loading_leaves_the_previous_graph(
    failing: str, mode: str, live_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database is loaded while the named queries' answers are kept beside it: whichever of
    the two fails, in the full mode or the scale mode (``--shacl sample``, which streams the
    graph to a spool file moved into the build), the previous graph keeps answering, the
    half-made build is removed and no spool file is left behind."""
    import graph.kept_answers
    import graph.store

    def fail(*_args: object) -> None:
        raise OSError(f"{failing} failed")

    target = (
        (graph.store, "load_placed_nquads")
        if failing == "the database load"
        else (graph.kept_answers, "keep")
    )
    monkeypatch.setattr(*target, fail)
    before = (live_store / "current").resolve()
    builds = set((live_store / "builds").iterdir())
    with pytest.raises(OSError, match=f"{failing} failed"):
        build(live_store, reason=False, shacl=mode)
    assert (live_store / "current").resolve() == before and triple_count(live_store) > 0
    assert set((live_store / "builds").iterdir()) == builds
    assert not list(live_store.glob(".spool-*"))


def test_a_shacl_violation_found_beside_the_load_fails_the_build_with_file_and_line(
    live_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In scale mode SHACL checks its sample while the database loads; what it finds still fails
    the build before the swap, named by file and line like every other problem."""
    from rdflib import Graph

    import graph.validate

    every_study_needs = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix rkg: <https://w3id.org/relapsekg/ontology#> .
        rkg:StudyNeedsAWitness a sh:NodeShape ; sh:targetClass rkg:Study ;
            sh:property [ sh:path rkg:witness ; sh:minCount 1 ] .""",
    )
    monkeypatch.setattr(graph.validate, "load_shapes", lambda: every_study_needs)
    before = (live_store / "current").resolve()
    builds = set((live_store / "builds").iterdir())
    report = build(live_store, reason=False, shacl="sample")
    assert not report.ok and report.problems
    assert all(p.message.startswith("SHACL: <") and " witness: " in p.message for p in report.problems)
    assert any(p.file.endswith(".yaml") and p.line for p in report.problems), report.problems
    assert (live_store / "current").resolve() == before and set((live_store / "builds").iterdir()) == builds


def test_a_virtuoso_refusal_by_cost_estimate_names_the_setting_to_change(monkeypatch) -> None:
    """Virtuoso 7.2's stock MaxQueryCostEstimationTime refuses some queries with an overflowed
    estimate; the error says which setting of virtuoso.ini to change."""
    import httpx

    from graph.engine import QueryError, RemoteEngine

    refusal = (
        "Virtuoso 42000 Error The estimated execution time -1899646976 (sec) exceeds the limit of 400 (sec)."
    )
    monkeypatch.setattr(httpx, "post", lambda *a, **k: httpx.Response(500, text=refusal))
    with pytest.raises(QueryError, match=r"answered 500; .*MaxQueryCostEstimationTime = 0 .*-1899646976"):
        RemoteEngine("http://127.0.0.1:9/sparql").query("SELECT * WHERE { GRAPH <urn:g> { ?s ?p ?o } }")
