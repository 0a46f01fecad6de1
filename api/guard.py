"""What the read-only endpoint refuses before a query reaches a worker.

SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) and federated ``SERVICE`` calls are refused with
a message, so no request ever writes to the store or leaves the server. The engines alone would
not do: pyoxigraph evaluates ``SERVICE`` by calling out, and a remote endpoint (Virtuoso) may
accept an Update sent as a query. Keywords are looked for
in the query with its comments, strings and IRIs blanked out, so a string that mentions SERVICE
does not count.
"""

from __future__ import annotations

import re

from graph.sparqltext import masked

from .errors import QueryTooLong, Refused

_UPDATE = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b\s+(DATA\b|WHERE\b|SILENT\b|GRAPH\b|DEFAULT\b|NAMED\b|ALL\b|\{|<|INTO\b|TO\b)?",
    re.I,
)
_SERVICE = re.compile(r"\bSERVICE\b", re.I)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def check(sparql: str, max_length: int) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE), or :class:`Refused` / :class:`QueryTooLong`."""
    if len(sparql) > max_length:
        raise QueryTooLong(
            f"the query is {len(sparql)} characters long; this endpoint accepts at most {max_length}"
        )
    text = masked(sparql)
    update = _UPDATE.search(text)
    form = _FORM.search(text)
    if update and (form is None or update.start() < form.start()):
        raise Refused(
            f"SPARQL Update ({update.group(1).upper()}) is not accepted: this endpoint is read-only"
        )
    if _SERVICE.search(text):
        raise Refused("SERVICE (federated query) is not accepted: this endpoint makes no outbound requests")
    return form.group(1).upper() if form else ""
