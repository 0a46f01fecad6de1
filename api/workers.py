"""Run every query in a worker process that can be killed when it overruns its time budget.

pyoxigraph offers no cancellation from Python, so a runaway query is stopped the only reliable
way: its process is killed and replaced, while the other workers go on serving. Each worker
opens the store read-only, by default copied into memory before it says it is ready, and notices
when a build swapped in a newer graph.

A worker is a plain ``python -c`` child that imports only the query engine (no web stack, not
the command line), connected by a socket pair: the request goes down pickled, the answer comes
back already serialized (bytes) in the format the client asked for, row cap applied. The server
waits for it on its event loop (no thread hop), with the time budget as a timer. Exports run in
the workers too (:class:`ExportRequest`), under the same budget.

A request is not lost when its worker dies (killed by the system, a crash in the engine): every
request is read-only, so it is sent once more, to another worker, within what is left of its
budget. A request that kills that worker too is refused with :class:`api.errors.WorkerDied`
and remembered for :attr:`QueryPool.poison_seconds`, during which it is refused without being
run: one poison query cannot take the pool down again and again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import Busy, OverBudget, Starting, WorkerDied

_ROOT = str(Path(__file__).resolve().parent.parent)
_WORKER_MAIN = "from api.workers import worker_main; worker_main()"
_HUGE_PAGES = "glibc.malloc.hugetlb=1"
POISON_REMEMBERED = 256  # requests that stopped two workers, refused for a while


@dataclass(frozen=True)
class QueryRequest:
    sparql: str
    format: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None  # what relative IRIs in the query resolve against (the endpoint's URL)


@dataclass(frozen=True)
class ExportRequest:
    """A whole export (graph/exports), written by a worker from the graph it holds."""

    format: str


@dataclass(frozen=True)
class QueryOutcome:
    status: str  # "ok", "bad" (the query's fault) or "error" (ours)
    body: bytes = b""
    media_type: str = ""
    capped: bool = False
    kind: str = ""
    message: str = ""
    build: str = ""  # the build of the graph that answered ("" for a remote endpoint)
    digest: str = ""  # a hash of the body, for the ETag
    store: str = ""  # where the graph was read: "memory" or "disk" ("" for a remote endpoint)


class _Died(Exception):
    """The worker went away while it held the request."""


def _serve_queries(conn: Connection, store: str | None, endpoint: str | None, in_memory: bool) -> None:
    """The worker's loop: one request in, one outcome out, until the connection closes."""
    from graph.engine import LocalEngine, QueryError, engine_for
    from graph.exports import get_export
    from graph.results import FormatError, digest, render_capped
    from graph.store import StoreMissing

    engine = engine_for(Path(store) if store else None, endpoint, in_memory)
    if isinstance(engine, LocalEngine):
        try:
            _ = engine.store  # open (or copy into memory) before saying ready, not during the first query
        except StoreMissing:
            pass  # every query will say so
        except Exception as exc:
            print(
                f"relapsekg query worker: the graph could not be opened: {type(exc).__name__}: {exc}",
                file=sys.stderr,
                flush=True,
            )
    conn.send("ready")  # the pool hands out a worker only once it has started
    while True:
        try:
            request: QueryRequest | ExportRequest = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if isinstance(request, ExportRequest):
                export = get_export(request.format)
                body = export.write(engine)
                media, capped, kind = export.media_type, False, "export"
            else:
                answer = engine.query(
                    request.sparql, request.default_graphs, request.named_graphs, request.base_iri
                )
                body, media, capped, kind = render_capped(answer, request.format, request.max_rows)
            build = getattr(engine, "build_id", "")
            outcome = QueryOutcome(
                "ok",
                body,
                media,
                capped,
                kind,
                build=build,
                digest=digest(body),
                store=engine.serving_from() if isinstance(engine, LocalEngine) else "",
            )
        except (QueryError, FormatError) as exc:
            outcome = QueryOutcome("bad", message=str(exc))
        except StoreMissing as exc:
            outcome = QueryOutcome("error", message=str(exc))
        except Exception as exc:  # an engine failure must not kill the worker silently
            outcome = QueryOutcome(
                "bad" if isinstance(exc, (SyntaxError, ValueError)) else "error",
                message=f"{type(exc).__name__}: {exc}",
            )
        try:
            conn.send(outcome)
        except OSError:
            return


def worker_main() -> None:
    """Entry point of a worker process: ``python -c ... FD STORE ENDPOINT MEMORY``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    fd, store, endpoint, memory = sys.argv[1:5]
    _serve_queries(Connection(int(fd)), store or None, endpoint or None, memory == "memory")


def worker_environment(base: Mapping[str, str]) -> dict[str, str]:
    """The environment a worker starts with: the server's, plus the project on ``PYTHONPATH`` and
    glibc's huge-page tunable. With it, glibc (2.35+) backs the in-memory graph with transparent
    huge pages where the kernel offers them on request (THP "madvise"): fewer TLB misses on a large
    store, 7-18% faster named queries at 1M quads, no change at 100k. Other C libraries ignore it."""
    env = dict(base)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([_ROOT] + [p for p in paths if p != _ROOT])
    tunables = [t for t in env.get("GLIBC_TUNABLES", "").split(":") if t]
    env["GLIBC_TUNABLES"] = ":".join(tunables + ([_HUGE_PAGES] if _HUGE_PAGES not in tunables else []))
    return env


@dataclass
class _Worker:
    process: subprocess.Popen
    conn: Connection

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.conn.close()


def _stop_watching(fd: int) -> None:
    """Stop watching a worker's socket on the event loop, and make reads from it block again.

    uvloop (which uvicorn uses when installed) switches a watched descriptor to non-blocking
    mode and leaves it so: a later ``recv`` of an answer larger than the socket buffer would
    then fail half-read, and the worker would be taken for dead.
    """
    asyncio.get_running_loop().remove_reader(fd)
    os.set_blocking(fd, True)


@dataclass
class QueryPool:
    """A fixed number of query workers; a request waits for an idle one (within its budget)."""

    store: Path | None
    endpoint: str | None
    size: int = 3
    timeout: float = 10.0
    in_memory: bool = True  # each worker copies the graph into memory (see graph.engine.LocalEngine)
    poison_seconds: float = 300.0  # how long a request that stopped two workers is refused
    _poison: OrderedDict[QueryRequest | ExportRequest, float] = field(init=False, default_factory=OrderedDict)
    _idle: asyncio.LifoQueue = field(init=False)
    _all: list[_Worker] = field(init=False, default_factory=list)
    _reclaiming: set = field(init=False, default_factory=set)
    _starting: list[_Worker] = field(init=False, default_factory=list)
    _stopped: bool = field(init=False, default=False)
    _ready_once: bool = field(init=False, default=False)

    def start(self) -> None:
        """Start the workers (on the running event loop); each becomes idle once it says it is ready."""
        self._idle = asyncio.LifoQueue()  # the worker that answered last is the warmest (CPU caches, pages)
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        if self._stopped:
            return
        parent, child = socket.socketpair()
        env = worker_environment(os.environ)
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _WORKER_MAIN,
                    str(child.fileno()),
                    str(self.store) if self.store else "",
                    self.endpoint or "",
                    "memory" if self.in_memory else "disk",
                ],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        worker = _Worker(process, Connection(parent.detach()))
        self._all.append(worker)
        self._starting.append(worker)
        asyncio.get_running_loop().add_reader(worker.conn.fileno(), self._started, worker)

    def _started(self, worker: _Worker) -> None:
        _stop_watching(worker.conn.fileno())
        loop = asyncio.get_running_loop()
        self._starting.remove(worker)
        try:
            hello = worker.conn.recv()
        except (EOFError, OSError):
            hello = None
        if hello == "ready":
            self._ready_once = True
            self._idle.put_nowait(worker)
            return
        # It died while starting (its error is on the server's stderr): try again, never in a tight loop.
        worker.kill()
        self._all.remove(worker)
        loop.call_later(1.0, self._spawn)

    async def run(self, request: QueryRequest | ExportRequest) -> QueryOutcome:
        """The worker's outcome for ``request``, within the time budget; sent once more to another
        worker if the first one dies (see the module docstring). Raises :class:`OverBudget`,
        :class:`Busy`, :class:`Starting` or :class:`WorkerDied`."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        remembered = self._poison.get(request)
        if remembered is not None and remembered > now:
            raise WorkerDied(
                f"this request stopped two query workers {self.poison_seconds - (remembered - now):.0f} s ago; "
                f"it is refused for {self.poison_seconds:g} s"
            )
        deadline = now + self.timeout
        for attempt in (1, 2):
            worker = await self._take(deadline)
            try:
                return await self._ask(worker, request, deadline)
            except _Died:
                if attempt == 1:
                    continue
        self._remember(request, loop.time() + self.poison_seconds)
        raise WorkerDied(
            "the request stopped the query worker that ran it, and the one it was retried on; "
            f"it is refused for {self.poison_seconds:g} s"
        )

    async def _take(self, deadline: float) -> _Worker:
        """An idle worker, waiting for one until ``deadline``."""
        try:
            return self._idle.get_nowait()
        except asyncio.QueueEmpty:
            pass
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(self._idle.get(), timeout=max(0.0, deadline - loop.time()))
        except TimeoutError:
            if not self._ready_once:
                raise Starting(
                    f"the query workers are still loading the graph "
                    f"(no answer possible within {self.timeout:g} s); try again shortly"
                ) from None
            raise Busy(f"every query worker stayed busy for {self.timeout:g} s; try again shortly") from None

    async def _ask(
        self, worker: _Worker, request: QueryRequest | ExportRequest, deadline: float
    ) -> QueryOutcome:
        loop = asyncio.get_running_loop()
        deadline = max(deadline, loop.time() + 0.1)
        try:
            worker.conn.send(request)
            ready = await self._answered(worker, deadline)
        except asyncio.CancelledError:
            # The request was abandoned while its query runs: take the worker back once it answers.
            task = loop.create_task(self._reclaim(worker, deadline))
            self._reclaiming.add(task)
            task.add_done_callback(self._reclaiming.discard)
            raise
        except OSError:  # a broken pipe: it was dead before the request reached it
            self._replace(worker)
            raise _Died from None
        if not ready:
            self._replace(worker)
            raise OverBudget(f"the query was stopped after its time budget of {self.timeout:g} s")
        try:
            outcome = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise _Died from None
        self._idle.put_nowait(worker)
        return outcome

    def _remember(self, request: QueryRequest | ExportRequest, until: float) -> None:
        """Refuse ``request`` until ``until`` (loop time); the oldest entries go first past the bound."""
        self._poison.pop(request, None)
        self._poison[request] = until
        while len(self._poison) > POISON_REMEMBERED:
            self._poison.popitem(last=False)

    @staticmethod
    async def _answered(worker: _Worker, deadline: float) -> bool:
        """Wait on the event loop until the worker has something to say (True) or ``deadline`` passes (False)."""
        loop = asyncio.get_running_loop()
        if worker.conn.poll(0):
            return True
        ready = loop.create_future()

        def settle(value: bool) -> None:
            if not ready.done():
                ready.set_result(value)

        fd = worker.conn.fileno()
        loop.add_reader(fd, settle, True)
        timer = loop.call_at(deadline, settle, False)
        try:
            return await ready
        finally:
            _stop_watching(fd)
            timer.cancel()

    async def _reclaim(self, worker: _Worker, deadline: float) -> None:
        try:
            ready = await self._answered(worker, deadline)
            if ready:
                worker.conn.recv()
                self._idle.put_nowait(worker)
                return
        except (EOFError, OSError):
            pass
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)
        self._spawn()

    def stop(self) -> None:
        self._stopped = True
        for task in list(self._reclaiming):
            task.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        for worker in self._starting:
            if loop is not None:
                _stop_watching(worker.conn.fileno())
        self._starting.clear()
        for worker in self._all:
            worker.kill()
        self._all.clear()
