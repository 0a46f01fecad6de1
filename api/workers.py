"""Run every query in a worker process that can be killed when it overruns its time budget.

pyoxigraph offers no cancellation from Python, so a runaway query is stopped the only reliable
way: its process is killed and replaced, while the other workers go on serving. Each worker
opens the store read-only and notices when a build swapped in a newer graph.
"""
from __future__ import annotations

import asyncio
import multiprocessing as mp
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Optional

_CTX = mp.get_context("spawn")


@dataclass(frozen=True)
class QueryRequest:
    sparql: str
    format: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryOutcome:
    status: str  # "ok", "bad" (the query's fault) or "error" (ours)
    body: bytes = b""
    media_type: str = ""
    capped: bool = False
    kind: str = ""
    message: str = ""


class QueryTimeout(Exception):
    pass


class ServiceBusy(Exception):
    pass


def _serve_queries(conn: Connection, store: Optional[str], endpoint: Optional[str]) -> None:
    """The worker's loop: one request in, one outcome out, until the pipe closes."""
    from graph.engine import QueryError, engine_for
    from graph.results import FormatError, render_capped
    from graph.store import StoreMissing

    engine = engine_for(Path(store) if store else None, endpoint)
    while True:
        try:
            request: QueryRequest = conn.recv()
        except EOFError:
            return
        try:
            answer = engine.query(request.sparql, request.default_graphs, request.named_graphs)
            body, media, capped, kind = render_capped(answer, request.format, request.max_rows)
            outcome = QueryOutcome("ok", body, media, capped, kind)
        except (QueryError, FormatError) as exc:
            outcome = QueryOutcome("bad", message=str(exc))
        except StoreMissing as exc:
            outcome = QueryOutcome("error", message=str(exc))
        except Exception as exc:  # an engine failure must not kill the worker silently
            outcome = QueryOutcome("bad" if isinstance(exc, (SyntaxError, ValueError)) else "error",
                                   message=f"{type(exc).__name__}: {exc}")
        conn.send(outcome)


@dataclass
class _Worker:
    process: mp.Process
    conn: Connection

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


@dataclass
class QueryPool:
    """A fixed number of query workers; a request waits for an idle one (within its budget)."""

    store: Optional[Path]
    endpoint: Optional[str]
    size: int = 3
    timeout: float = 10.0
    _idle: asyncio.Queue = field(init=False)
    _all: list[_Worker] = field(init=False, default_factory=list)

    def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = _CTX.Pipe()
        process = _CTX.Process(target=_serve_queries, args=(child, str(self.store) if self.store else None, self.endpoint),
                               daemon=True, name="relapsekg-query-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.append(worker)
        return worker

    async def run(self, request: QueryRequest) -> QueryOutcome:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            worker: _Worker = await asyncio.wait_for(self._idle.get(), timeout=self.timeout)
        except asyncio.TimeoutError:
            raise ServiceBusy(f"every query worker stayed busy for {self.timeout:g} s") from None
        remaining = max(0.1, self.timeout - (loop.time() - started))
        try:
            worker.conn.send(request)
            ready = await loop.run_in_executor(None, worker.conn.poll, remaining)
            if not ready:
                self._replace(worker)
                worker = None
                raise QueryTimeout(f"the query was stopped after its time budget of {self.timeout:g} s")
            return worker.conn.recv()
        except (EOFError, BrokenPipeError, OSError):
            self._replace(worker)
            worker = None
            return QueryOutcome("error", message="the query worker died; it has been replaced")
        finally:
            if worker is not None:
                self._idle.put_nowait(worker)

    def _replace(self, worker: Optional[_Worker]) -> None:
        if worker is not None:
            worker.kill()
            if worker in self._all:
                self._all.remove(worker)
        self._idle.put_nowait(self._spawn())

    def stop(self) -> None:
        for worker in self._all:
            worker.kill()
        self._all.clear()
