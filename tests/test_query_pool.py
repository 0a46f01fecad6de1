"""The query worker pool on its own: answers in the format asked, budgets, and no answer ever
delivered to the wrong request (an abandoned request's worker is taken back only after it answered)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import uvloop
from swapped import run, swap_in

from api.workers import (
    QueryPool,
    QueryRequest,
    QueryTimeout,
    ServiceBusy,
    ServiceStarting,
    worker_environment,
)

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pool") / "store"
    swap_in(root, 2500)  # SLOW then takes a second or so
    return root


def test_answers_come_back_serialized_with_the_build_and_a_digest(medium: Path) -> None:
    async def scenario():
        pool = QueryPool(medium, None, size=1, timeout=10)
        pool.start()
        try:
            return await pool.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "csv", 2))
        finally:
            pool.stop()

    outcome = run(scenario())
    assert outcome.status == "ok" and outcome.capped and outcome.body.count(b"\r\n") == 3
    assert outcome.build == Path(medium, "current").resolve().name and len(outcome.digest) == 32


@pytest.mark.parametrize(
    "loop_factory", [asyncio.new_event_loop, uvloop.new_event_loop], ids=["asyncio", "uvloop"]
)
def test_an_answer_larger_than_the_socket_buffer_comes_back_whole_on_either_event_loop(
    medium: Path, loop_factory
) -> None:
    # uvicorn serves on uvloop when it is installed (uvicorn[standard]); uvloop leaves a watched
    # socket non-blocking, which once made every answer over ~200 kB look like a dead worker.
    async def scenario():
        pool = QueryPool(medium, None, size=1, timeout=30)
        pool.start()
        try:
            return [
                await pool.run(QueryRequest("SELECT * WHERE { ?s ?p ?o }", "json", 100_000)) for _ in range(2)
            ]
        finally:
            pool.stop()

    for outcome in run(scenario(), loop_factory):
        assert outcome.status == "ok", outcome.message
        assert len(outcome.body) > 250_000 and json.loads(outcome.body)["results"]["bindings"]


def test_an_abandoned_request_never_hands_its_answer_to_the_next(medium: Path) -> None:
    async def scenario():
        pool = QueryPool(medium, None, size=1, timeout=20)
        pool.start()
        try:
            await pool.run(QueryRequest("ASK {}", "json", 10))  # the worker is up
            slow = asyncio.create_task(pool.run(QueryRequest(SLOW, "json", 10)))
            await asyncio.sleep(0.2)
            slow.cancel()
            quick = await pool.run(QueryRequest("SELECT ?x WHERE { VALUES ?x { 42 } }", "json", 10))
            after = await pool.run(QueryRequest("ASK { <urn:nothing> ?p ?o }", "json", 10))
            return quick, after
        finally:
            pool.stop()

    quick, after = run(scenario())
    assert b"42" in quick.body and b'"n"' not in quick.body
    assert after.body == b'{"head":{},"boolean":false}'


def test_budget_and_busy(medium: Path) -> None:
    async def scenario():
        pool = QueryPool(medium, None, size=1, timeout=1.5)
        pool.start()
        try:
            await pool.run(QueryRequest("ASK {}", "json", 10))
            slow = asyncio.create_task(pool.run(QueryRequest(SLOW.replace("}", ". ?g ?h ?i }"), "json", 10)))
            await asyncio.sleep(0.1)
            # Waiting for the only worker: refused as busy, or given the replacement with too little budget left.
            with pytest.raises((ServiceBusy, QueryTimeout)):
                await pool.run(QueryRequest("ASK {}", "json", 10))
            with pytest.raises(QueryTimeout):
                await slow
            await asyncio.sleep(1.0)  # the replacement worker starts
            return await pool.run(QueryRequest("ASK {}", "json", 10))
        finally:
            pool.stop()

    assert run(scenario()).body == b'{"head":{},"boolean":true}'


def test_before_any_worker_is_ready_a_request_is_told_the_graph_is_still_loading(medium: Path) -> None:
    async def scenario():
        pool = QueryPool(medium, None, size=0, timeout=0.3)  # no worker will say it is ready
        pool.start()
        try:
            await pool.run(QueryRequest("ASK {}", "json", 10))
        finally:
            pool.stop()

    with pytest.raises(ServiceStarting, match="still loading the graph"):
        run(scenario())


def test_workers_ask_glibc_for_huge_pages_and_keep_other_tunables_and_paths() -> None:
    env = worker_environment({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2", "PYTHONPATH": "/elsewhere"})
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"
    assert env["PYTHONPATH"].endswith(":/elsewhere") and Path(env["PYTHONPATH"].split(":")[0], "api").is_dir()
    assert worker_environment({})["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=1"
    assert worker_environment(env) == env  # asking twice changes nothing (a benchmark re-runs itself with it)
