"""The query worker pool on its own: answers in the format asked, budgets, and no answer ever
delivered to the wrong request (an abandoned request's worker is taken back only after it answered)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import pytest
import uvloop
from swapped import run, swap_in

from api.errors import Busy, OverBudget, Starting, WorkerDied
from api.workers import ExportRequest, QueryPool, QueryRequest, worker_environment

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
            await _ready(pool)  # a loaded machine may take longer than the budget to start a worker
            await pool.run(QueryRequest("ASK {}", "json", 10))
            slow = asyncio.create_task(pool.run(QueryRequest(SLOW.replace("}", ". ?g ?h ?i }"), "json", 10)))
            await asyncio.sleep(0.1)
            # Waiting for the only worker: refused as busy, or given the replacement with too little budget left.
            with pytest.raises((Busy, OverBudget)):
                await pool.run(QueryRequest("ASK {}", "json", 10))
            with pytest.raises(OverBudget):
                await slow
            while pool._idle.empty():  # the replacement worker starts (seconds on a loaded machine)
                await asyncio.sleep(0.05)
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

    with pytest.raises(Starting, match="still loading the graph"):
        run(scenario())


async def _ready(pool: QueryPool) -> None:
    while not pool._ready_once:
        await asyncio.sleep(0.05)


async def _kill_busy_workers(pool: QueryPool, kills: int) -> list[int]:
    """SIGKILL the worker that holds a request, ``kills`` times (each time the one then busy)."""
    killed: list[int] = []
    while len(killed) < kills:
        idle = {id(w) for w in pool._idle._queue}  # type: ignore[attr-defined]
        busy = [w for w in pool._all if id(w) not in idle and w not in pool._starting]
        busy = [w for w in busy if w.process.pid not in killed and w.process.poll() is None]
        if busy:
            await asyncio.sleep(0.3)  # let it get well into the query
            os.kill(busy[0].process.pid, signal.SIGKILL)
            killed.append(busy[0].process.pid)
        else:
            await asyncio.sleep(0.02)
    return killed


def test_a_worker_killed_mid_query_loses_no_request(medium: Path) -> None:
    """The request is read-only, so it runs again on another worker and is answered."""

    async def scenario():
        pool = QueryPool(medium, None, size=2, timeout=30)
        pool.start()
        try:
            await pool.run(QueryRequest("ASK {}", "json", 10))
            asked = asyncio.create_task(pool.run(QueryRequest(SLOW, "json", 10)))
            killed = await _kill_busy_workers(pool, 1)
            return killed, await asked
        finally:
            pool.stop()

    killed, outcome = run(scenario())
    assert len(killed) == 1
    assert outcome.status == "ok" and json.loads(outcome.body)["results"]["bindings"][0]["n"]["value"] == str(
        2500 * 2500
    )


def test_a_request_that_kills_two_workers_is_refused_for_a_while(medium: Path) -> None:
    """The second death is the request's doing: 503, and asked again it is refused without running."""

    async def scenario():
        pool = QueryPool(medium, None, size=2, timeout=30, poison_seconds=60)
        pool.start()
        try:
            await pool.run(QueryRequest("ASK {}", "json", 10))
            poison = QueryRequest(SLOW, "json", 10)
            asked = asyncio.create_task(pool.run(poison))
            await _kill_busy_workers(pool, 2)
            with pytest.raises(WorkerDied, match="retried on"):
                await asked
            started = asyncio.get_running_loop().time()
            with pytest.raises(WorkerDied, match="refused for 60 s"):
                await pool.run(poison)
            refused_in = asyncio.get_running_loop().time() - started
            await asyncio.sleep(1.5)  # the replacements start
            other = await pool.run(QueryRequest("ASK {}", "json", 10))
            return refused_in, other
        finally:
            pool.stop()

    refused_in, other = run(scenario())
    assert refused_in < 0.5, "refused without being run (it takes a second or so)"
    assert other.status == "ok", "other requests are served"


def test_an_export_is_written_by_a_worker_and_stopped_at_the_budget(tmp_path: Path) -> None:
    root = tmp_path / "store"
    swap_in(root, 1_000_000)  # an export of it takes seconds: well over the budget, even on a fast machine

    async def scenario():
        pool = QueryPool(root, None, size=1, timeout=0.2, in_memory=False)
        pool.start()
        try:
            await _ready(pool)
            with pytest.raises(OverBudget, match="time budget of 0.2 s"):
                await pool.run(ExportRequest("turtle"))
        finally:
            pool.stop()

    run(scenario())


def test_workers_ask_glibc_for_huge_pages_and_keep_other_tunables_and_paths() -> None:
    env = worker_environment({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2", "PYTHONPATH": "/elsewhere"})
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"
    assert env["PYTHONPATH"].endswith(":/elsewhere") and Path(env["PYTHONPATH"].split(":")[0], "api").is_dir()
    assert worker_environment({})["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=1"
    assert worker_environment(env) == env  # asking twice changes nothing (a benchmark re-runs itself with it)
