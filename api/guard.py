"""What the read-only endpoint refuses before a query reaches a worker.

SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) and federated ``SERVICE`` calls are refused with
a message, so no request ever writes to the store or leaves the server. Keywords are looked for
in the query with its comments, strings and IRIs blanked out, so a string that mentions SERVICE
does not count.
"""

from __future__ import annotations

import re

from graph.sparqltext import masked

_UPDATE = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b\s+(DATA\b|WHERE\b|SILENT\b|GRAPH\b|DEFAULT\b|NAMED\b|ALL\b|\{|<|INTO\b|TO\b)?",
    re.I,
)
_SERVICE = re.compile(r"\bSERVICE\b", re.I)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


class Refused(ValueError):
    """A request the endpoint will not run; the message tells the user why."""


def query_form(sparql: str) -> str | None:
    m = _FORM.search(masked(sparql))
    return m.group(1).upper() if m else None


def check(sparql: str, max_length: int) -> str:
    """Return the query form (SELECT, ASK, CONSTRUCT, DESCRIBE) or raise :class:`Refused`."""
    if len(sparql) > max_length:
        raise Refused(
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
