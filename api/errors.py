"""What can go wrong with a request, one exception type each, and the HTTP status of each type.

Code that finds a problem raises the type that names it; :data:`STATUS` is the one place that
says which status a client gets for it, so rewording a message never changes a status. This
module imports nothing of the web stack: query workers raise some of these types too.
"""

from __future__ import annotations

from graph.engine import QueryError
from graph.named import NamedQueryError, UnknownNamedQuery
from graph.results import FormatError


class RequestError(Exception):
    """A request the service cannot answer; the message tells the client why."""

    retry_after: int | None = None  # seconds a client should wait before asking again, if it may


class Refused(RequestError):
    """SPARQL Update or a federated SERVICE call: this endpoint is read-only and stays local."""


class QueryTooLong(RequestError):
    """The query text is longer than the endpoint accepts."""


class MalformedQuery(RequestError):
    """The engine could not parse or evaluate the query (the parser's message and position)."""


class NotAcceptable(RequestError):
    """None of the media types the client accepts can carry this answer."""


class OverBudget(RequestError):
    """The query ran past its time budget and was stopped."""


class Busy(RequestError):
    """Every query worker stayed busy for the whole time budget."""

    retry_after = 5


class Starting(RequestError):
    """No query worker has the graph open yet."""

    retry_after = 5


class WorkerDied(RequestError):
    """The query killed the worker that ran it, and the fresh one it was retried on."""

    retry_after = 60


class EngineFailed(RequestError):
    """The engine failed for a reason that is not the query's (no graph built, a store error)."""

    retry_after = 5


STATUS: dict[type[Exception], int] = {
    Refused: 400,
    MalformedQuery: 400,
    QueryError: 400,
    FormatError: 400,
    NamedQueryError: 400,
    UnknownNamedQuery: 404,
    NotAcceptable: 406,
    QueryTooLong: 413,
    OverBudget: 422,
    Busy: 429,
    Starting: 503,
    WorkerDied: 503,
    EngineFailed: 503,
}
"""The HTTP status of each kind of problem (the most specific type listed wins)."""


def status_of(exc: Exception) -> int:
    """The status for ``exc``: that of the first of its types (most specific first) in :data:`STATUS`."""
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 500
