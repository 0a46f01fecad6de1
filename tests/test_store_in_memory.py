"""The server's query workers copy the graph into memory; what they answer must not change.

Answers are compared as the Virtuoso integration test compares them (tests/answers.py): rows that
tie on every ORDER BY key, and values inside a GROUP_CONCAT, come in the store's own order, which
SPARQL leaves open and which differs between Oxigraph's disk and memory stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from answers import assert_same_answer
from fastapi.testclient import TestClient
from swapped import COUNT, app_client, count, run, swap_in, triples
from typer.testing import CliRunner

from api.app import create_app
from api.settings import Settings
from api.workers import QueryPool, QueryRequest
from graph import store as stores
from graph.cli import app
from graph.commands import load_all
from graph.engine import LocalEngine
from graph.named import NamedQueries

QUERIES = NamedQueries().all()


@pytest.fixture(scope="module")
def copied(store: Path) -> LocalEngine:
    engine = LocalEngine(store, in_memory=True)
    assert engine.serving_from() == "disk"  # nothing read yet
    _ = engine.store
    return engine


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_in_memory_copy_answers_every_named_query_as_the_disk_store_does(
    engine: LocalEngine, copied: LocalEngine, name: str
) -> None:
    sparql = QUERIES[name].sparql()
    assert_same_answer(sparql, engine.query(sparql), copied.query(sparql), ("on disk", "in memory"))
    assert copied.serving_from() == "memory" and engine.serving_from() == "disk"


def test_bibliography_lists_each_records_keywords_alphabetically_from_either_store(
    engine: LocalEngine, copied: LocalEngine
) -> None:
    sparql = QUERIES["bibliography"].sparql()
    for source in (engine, copied):
        keywords = [
            row["keywords"].value.split("|") for row in source.query(sparql) if row["keywords"] is not None
        ]
        assert keywords and all(k == sorted(k) for k in keywords)
        assert ["Acute lymphoblastic leukemia (ALL)", "blinatumomab", "first relapse"] in keywords


def test_a_build_swapped_in_is_answered_at_once_from_disk_then_from_its_copy(tmp_path: Path) -> None:
    root = tmp_path / "store"
    first = swap_in(root, 2)
    engine = LocalEngine(root, in_memory=True)
    assert triples(engine) == 2 and engine.build_id == first and engine.serving_from() == "memory"
    second = swap_in(root, 5)
    assert triples(engine) == 5 and engine.build_id == second  # no waiting for the copy
    assert engine.wait_for_copy(timeout=30) and engine.serving_from() == "memory"
    assert triples(engine) == 5


def test_the_pool_answers_from_memory_unless_told_to_read_the_disk_store(tmp_path: Path) -> None:
    root = tmp_path / "store"
    swap_in(root, 3)

    async def outcome(in_memory: bool):
        pool = QueryPool(root, None, size=1, timeout=30, in_memory=in_memory)
        pool.start()
        try:
            return await pool.run(QueryRequest(COUNT, "csv", 10))
        finally:
            pool.stop()

    assert run(outcome(True)).store == "memory"
    assert run(outcome(False)).store == "disk"


@pytest.mark.parametrize("value, expected", [("0", False), ("off", False), ("1", True), ("yes", True)])
def test_relapsekg_in_memory_turns_the_copy_on_or_off(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("RELAPSEKG_IN_MEMORY", value)
    assert Settings().in_memory is expected


def test_a_misspelt_switch_is_an_error_that_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAPSEKG_IN_MEMORY", "disk")
    with pytest.raises(ValueError, match="RELAPSEKG_IN_MEMORY='disk'"):
        Settings()


@pytest.mark.parametrize("in_memory", [True, False], ids=["in-memory", "on-disk"])
def test_the_server_sees_a_rebuild_at_once_from_memory_or_from_disk(tmp_path: Path, in_memory: bool) -> None:
    root = tmp_path / "store"
    swap_in(root, 3)
    with app_client(root, in_memory=in_memory, cache_mb=0) as client:
        assert count(client.get("/sparql", params={"query": COUNT})) == 3
        swap_in(root, 4)
        assert count(client.get("/sparql", params={"query": COUNT})) == 4


def test_until_a_worker_has_the_graph_a_query_gets_503_still_loading_not_busy(tmp_path: Path) -> None:
    root = tmp_path / "store"
    swap_in(root, 3)
    with TestClient(create_app(Settings(store=root, workers=0, query_timeout=0.3, cache_mb=0))) as client:
        response = client.get("/sparql", params={"query": COUNT})
    assert response.status_code == 503 and "still loading the graph" in response.text
    assert response.headers["retry-after"]


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("RELAPSEKG_IN_MEMORY", "maybe", "RELAPSEKG_IN_MEMORY='maybe': expected 1, on"),
        ("RELAPSEKG_KEPT_ANSWERS", "kept", "RELAPSEKG_KEPT_ANSWERS='kept': expected 1, on"),
        ("RELAPSEKG_QUERY_TIMEOUT", "ten", "RELAPSEKG_QUERY_TIMEOUT='ten': expected a number"),
        ("RELAPSEKG_QUERY_WORKERS", "2.5", "RELAPSEKG_QUERY_WORKERS='2.5': expected a whole number"),
    ],
)
def test_serve_refuses_an_unreadable_setting_naming_the_variable(
    tiny: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    load_all()  # registers `serve`
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(app, ["serve", "--store", str(tiny), "--port", "1"])
    assert result.exit_code == 2 and message in " ".join(result.output.split())


def test_a_build_keeps_its_quads_beside_the_database_and_the_copy_loads_them(tmp_path: Path) -> None:
    root = tmp_path / "store"
    swap_in(root, 3)
    build = stores.current_build(root)
    assert build.nquads.read_bytes().count(b"\n") == 3
    # Same number of quads, other quads: the copy must come from the file, not from the database.
    build.nquads.write_text("".join(f"<urn:x{i}> <urn:p> <urn:y{i}> .\n" for i in range(3)))
    engine = LocalEngine(root, in_memory=True)
    assert {str(r["s"]) for r in engine.query("SELECT ?s WHERE { ?s ?p ?o }")} == {
        f"<urn:x{i}>" for i in range(3)
    }


@pytest.mark.parametrize("damage", ["missing", "short"])
def test_without_a_whole_quads_file_the_copy_is_read_from_the_database(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "store"
    swap_in(root, 3)
    build = stores.current_build(root)
    if damage == "missing":
        build.nquads.unlink()
    else:
        build.nquads.write_text("<urn:x0> <urn:p> <urn:y0> .\n")
    engine = LocalEngine(root, in_memory=True)
    assert {str(r["s"]) for r in engine.query("SELECT ?s WHERE { ?s ?p ?o }")} == {
        f"<urn:s{i}>" for i in range(3)
    }


def test_the_curated_build_keeps_every_quad_it_loaded(store: Path) -> None:
    build = stores.current_build(store)
    copy = LocalEngine(store, in_memory=True)
    assert triples(copy) == build.manifest["quads"] == triples(LocalEngine(store))
