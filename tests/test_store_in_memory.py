"""The server's query workers copy the graph into memory; what they answer must not change.

Answers are compared as the Virtuoso integration test compares them (tests/answers.py): rows that
tie on every ORDER BY key, and values inside a GROUP_CONCAT, come in the store's own order, which
SPARQL leaves open and which differs between Oxigraph's disk and memory stores."""
from __future__ import annotations

from pathlib import Path

import pytest

from graph.engine import LocalEngine
from graph.named import NamedQueries
from answers import assert_same_answer
from test_result_cache import app_client, count, swap_in

QUERIES = NamedQueries().all()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_in_memory_copy_answers_every_named_query_as_the_disk_store_does(store: Path, name: str) -> None:
    sparql = QUERIES[name].sparql()
    assert_same_answer(sparql, LocalEngine(store).query(sparql), LocalEngine(store, in_memory=True).query(sparql))


def test_an_in_memory_copy_is_replaced_when_a_new_build_is_swapped_in(tmp_path: Path) -> None:
    root = tmp_path / "store"
    first = swap_in(root, 2)
    engine = LocalEngine(root, in_memory=True)
    assert int(next(iter(engine.query(COUNT)))["n"].value) == 2 and engine.build_id == first
    second = swap_in(root, 5)
    assert int(next(iter(engine.query(COUNT)))["n"].value) == 5 and engine.build_id == second


@pytest.mark.parametrize("in_memory", [True, False], ids=["in-memory", "on-disk"])
def test_the_server_answers_from_memory_or_from_the_disk_store(tmp_path: Path, in_memory: bool) -> None:
    root = tmp_path / "store"
    swap_in(root, 3)
    with app_client(root, in_memory=in_memory, cache_mb=0) as client:
        assert count(client.get("/sparql", params={"query": COUNT})) == 3
        swap_in(root, 4)
        assert count(client.get("/sparql", params={"query": COUNT})) == 4
