"""Where SPARQL runs: the embedded store, or any SPARQL 1.1 endpoint that holds the same graph.

Both return pyoxigraph result objects (solutions, boolean or triples), so formatting, exports
and the API never care which engine answered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol, Union

import pyoxigraph as ox

from . import store as stores
from .namespaces import PREFIXES, sparql_prologue
from .sparqltext import declares_dataset

Answer = Union[ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples, list]


class QueryError(ValueError):
    """The query is malformed or refused; the message says why (parser position included)."""


class Engine(Protocol):
    def query(self, sparql: str, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()) -> Answer: ...

    def describe(self) -> str: ...


def with_prologue(sparql: str) -> str:
    """Prepend the project's PREFIX lines; a query redefining a prefix keeps its own."""
    return sparql_prologue() + sparql


@dataclass
class LocalEngine:
    """The embedded Oxigraph store (read-only; builds swap in beside it)."""

    root: Path
    _store: ox.Store | None = field(default=None, init=False, repr=False)
    _build: Path | None = field(default=None, init=False, repr=False)

    @property
    def store(self) -> ox.Store:
        """The current build, reopened when a new build has been swapped in."""
        build = stores.current_build(self.root).path
        if self._store is None or build != self._build:
            self._store, self._build = ox.Store.read_only(str(stores.Build(build).db)), build
        return self._store

    @property
    def build_id(self) -> str:
        """The name of the build the last query read (builds are never rewritten, so it names a graph)."""
        return self._build.name if self._build is not None else ""

    def query(self, sparql: str, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()) -> Answer:
        default = [ox.NamedNode(g) for g in default_graphs]
        named = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self.store.query(
                sparql,
                prefixes={p: str(ns) for p, ns in PREFIXES.items()},
                # The default graph is the union of all graphs unless the request or the query names one.
                use_default_graph_as_union=not default and not declares_dataset(sparql),
                default_graph=default or None,
                named_graphs=named or None,
            )
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc

    def describe(self) -> str:
        return f"embedded Oxigraph store at {self.root}"


@dataclass
class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint (Virtuoso, Oxigraph server, ...), loaded with `export trig`."""

    url: str
    timeout: float = 60.0

    def query(self, sparql: str, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()) -> Answer:
        import httpx  # only a remote engine needs an HTTP client

        params = [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]
        headers = {"Accept": "application/sparql-results+json, application/n-triples;q=0.9, text/plain;q=0.5"}
        response = httpx.post(self.url, params=params, data={"query": with_prologue(sparql)},
                              headers=headers, timeout=self.timeout)
        if response.status_code >= 400:
            raise QueryError(f"endpoint {self.url} answered {response.status_code}: {response.text[:500]}")
        ctype = response.headers.get("content-type", "").split(";")[0].strip()
        if ctype in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        if ctype == "application/sparql-results+xml":
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML)
        fmt = {"text/turtle": ox.RdfFormat.TURTLE}.get(ctype, ox.RdfFormat.N_TRIPLES)
        return [q.triple for q in ox.parse(response.content, format=fmt)]

    def describe(self) -> str:
        return f"SPARQL endpoint {self.url}"


def engine_for(store: Path | None = None, endpoint: str | None = None) -> Engine:
    if endpoint:
        return RemoteEngine(endpoint)
    from . import paths

    return LocalEngine(store or paths.default_store())
