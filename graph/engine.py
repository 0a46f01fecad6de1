"""Where SPARQL runs: the embedded store, or any SPARQL 1.1 endpoint that holds the same graph.

Both return pyoxigraph result objects (solutions, boolean or triples), so formatting, exports
and the API never care which engine answered.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from . import store as stores
from .namespaces import GRAPH as GRAPH_NAMESPACE
from .namespaces import PREFIXES, sparql_prologue
from .sparqltext import declares_dataset, masked

if TYPE_CHECKING:
    import httpx

Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list


class QueryError(ValueError):
    """The query is malformed or refused; the message says why (parser position included)."""


class Engine(Protocol):
    def query(
        self,
        sparql: str,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
        base_iri: str | None = None,
    ) -> Answer: ...

    def describe(self) -> str: ...


def with_prologue(sparql: str) -> str:
    """Prepend the project's PREFIX lines; a query redefining a prefix keeps its own."""
    return sparql_prologue() + sparql


@dataclass
class LocalEngine:
    """The embedded Oxigraph store (read-only; builds swap in beside it).

    ``in_memory`` copies the build into Oxigraph's memory store instead of reading RocksDB: a
    long-running server pays the copy (about 8 s and 500 MiB per million quads) and then answers
    up to 5x faster, because every triple-pattern lookup skips RocksDB's block decoding. The first
    build is copied before the first query (a server worker says it is ready only then); a build
    swapped in later is answered from disk at once while a thread copies it, so a rebuild never
    makes a query wait for the copy, and the earlier copy is let go as soon as the swap is seen.
    A one-off command reads the disk store, where the copy would cost more than it saves.
    """

    root: Path
    in_memory: bool = False
    _store: ox.Store | None = field(default=None, init=False, repr=False)
    _build: Path | None = field(default=None, init=False, repr=False)
    _copied: bool = field(default=False, init=False, repr=False)
    _copying: threading.Thread | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def store(self) -> ox.Store:
        """The current build, reopened when a new build has been swapped in (checked before every
        query with one system call)."""
        if (
            self._store is not None
            and self._build is not None
            and stores.current_name(self.root) == self._build.name
        ):
            return self._store
        current = stores.current_build(self.root)
        build = current.path
        with self._lock:
            if self._store is not None and build == self._build:
                return self._store
            first = self._store is None
            on_disk = ox.Store.read_only(str(current.db))
            self._store, self._build, self._copied = on_disk, build, False
        if self.in_memory:
            if first:
                self._install(build, memory_copy(current, on_disk))
            else:
                self._copying = threading.Thread(
                    target=lambda: self._install(build, memory_copy(current, on_disk)),
                    name=f"copy {build.name}",
                    daemon=True,
                )
                self._copying.start()
        return self._store

    def _install(self, build: Path, copy: ox.Store) -> None:
        with self._lock:
            if build == self._build:  # a later swap may have overtaken this copy
                self._store, self._copied = copy, True

    def serving_from(self) -> str:
        """Where the last query read the graph: "memory" or "disk"."""
        return "memory" if self._copied else "disk"

    def wait_for_copy(self, timeout: float | None = None) -> bool:
        """Wait for a copy a swap started; True once the current build answers from memory."""
        if self._copying is not None:
            self._copying.join(timeout)
        return self._copied

    @property
    def build_id(self) -> str:
        """The name of the build the last query read (builds are never rewritten, so it names a graph)."""
        return self._build.name if self._build is not None else ""

    def query(
        self,
        sparql: str,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
        base_iri: str | None = None,
    ) -> Answer:
        return evaluate(self.store, sparql, default_graphs, named_graphs, base_iri)

    def describe(self) -> str:
        return f"embedded Oxigraph store at {self.root}" + (", copied into memory" if self.in_memory else "")


_PREFIX_IRIS = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def evaluate(
    store: ox.Store,
    sparql: str,
    default_graphs: Iterable[str] = (),
    named_graphs: Iterable[str] = (),
    base_iri: str | None = None,
) -> Answer:
    """``sparql`` on an Oxigraph store as every relapsekg command and worker asks it: the project's
    prefixes declared, the default graph the union of all graphs unless the request or the query
    names one, and relative IRIs resolved against ``base_iri`` (the HTTP service passes its
    endpoint's URL, as the SPARQL 1.1 Protocol has it) unless the query declares its own BASE."""
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(g) for g in default_graphs]
    named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in named_graphs]
    try:
        return store.query(
            sparql,
            base_iri=base_iri,
            prefixes=_PREFIX_IRIS,
            use_default_graph_as_union=not default and not declares_dataset(sparql),
            default_graph=default or None,
            named_graphs=named or None,
        )
    except SyntaxError as exc:
        raise QueryError(str(exc)) from exc


def memory_copy(build: stores.Build, on_disk: ox.Store | None = None) -> ox.Store:
    """The build in Oxigraph's memory store: parsed from the N-Quads kept beside the database
    (3 s per million quads), or, for a build without them or whose file does not hold as many
    quads as its manifest counts, read back from the database (8 s per million quads)."""
    expected = build.manifest.get("quads")
    if build.nquads.is_file() and expected is not None:
        copy = parse_nquads(build)
        if len(copy) == expected:
            return copy
    copy = ox.Store()
    on_disk = on_disk if on_disk is not None else ox.Store.read_only(str(build.db))
    copy.bulk_extend(on_disk.quads_for_pattern(None, None, None, None))
    return copy


def parse_nquads(build: stores.Build) -> ox.Store:
    """The N-Quads kept beside the build, parsed into Oxigraph's memory store."""
    copy = ox.Store()
    copy.load(path=str(build.nquads), format=ox.RdfFormat.N_QUADS)
    return copy


# Graphs a relapsekg endpoint holds: those `relapsekg export trig` / `nquads` name (one per
# curated source, the ontology, the derived and inferred graphs). A server also has graphs of its
# own (Virtuoso: its virtrdf# quad-map schema, ldp#, ...), which must stay out of the answers.
_OUR_GRAPHS = f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH_NAMESPACE}")) }}"""
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_XSD = "http://www.w3.org/2001/XMLSchema#"


def _blank_label(label: str) -> str:
    """A blank node label valid in SPARQL results and Turtle (Virtuoso writes ``nodeID://b10018``).

    Letters and digits stay, anything else becomes ``_<hex>_``, so distinct labels stay distinct.
    """
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in label)


def _duration(value: str) -> str:
    """The canonical xsd:duration of what Virtuoso 7 writes: months (``48``) or seconds (``129600.0``)."""
    if value.lstrip("-").startswith("P"):
        return value
    sign, magnitude = ("-", value[1:]) if value.startswith("-") else ("", value)
    if magnitude.isdigit():
        years, months = divmod(int(magnitude), 12)
        parts = (f"{years}Y" if years else "") + (f"{months}M" if months else "")
        return f"{sign}P{parts}" if parts else "PT0S"
    try:
        seconds = Decimal(magnitude)
    except InvalidOperation:
        return value
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    time_part = "".join(f"{int(n)}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n)
    if rest:
        time_part += f"{rest.normalize():f}S"
    parts = (f"{int(days)}D" if days else "") + (f"T{time_part}" if time_part else "")
    return f"{sign}P{parts}" if parts else "PT0S"


def _standard_lexical(value: str, datatype: str) -> str:
    """A literal's lexical form as the embedded store writes it, where Virtuoso 7 writes its own.

    Same values, other spellings: booleans ``1``/``0`` and durations as a number of months or
    seconds. Exports and pages compare lexical forms (``"true"``, ``"P4Y"``), so they are mapped.
    """
    if datatype == _XSD + "boolean" and value in ("1", "0"):
        return "true" if value == "1" else "false"
    if datatype == _XSD + "duration":
        return _duration(value)
    return value


def _portable_results(body: bytes) -> bytes:
    """SPARQL JSON results with what Virtuoso writes its own way made standard.

    Virtuoso labels blank nodes ``nodeID://...`` (pyoxigraph refuses them) and spells some
    literals its own way (:func:`_standard_lexical`). Answers with neither are returned untouched,
    without parsing.
    """
    if b'"bnode"' not in body and b"XMLSchema#boolean" not in body and b"XMLSchema#duration" not in body:
        return body
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = _blank_label(term["value"])
            elif "datatype" in term:
                term["value"] = _standard_lexical(term["value"], term["datatype"])
    return json.dumps(data).encode()


def _portable_triple(triple: ox.Triple) -> ox.Triple:
    """A CONSTRUCT/DESCRIBE triple whose object literal is written as the embedded store writes it."""
    o = triple.object
    if isinstance(o, ox.Literal) and o.datatype is not None:
        value = _standard_lexical(o.value, o.datatype.value)
        if value != o.value:
            return ox.Triple(triple.subject, triple.predicate, ox.Literal(value, datatype=o.datatype))
    return triple


@dataclass
class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint (Virtuoso, Oxigraph server, ...) loaded with ``export nquads``/``trig``.

    Answers must not depend on the server's default-graph settings, so every query that names
    no dataset is sent with an explicit one, as the embedded store sees it: the default graph is
    the union of relapsekg's named graphs, and ``GRAPH ?g`` ranges over them only. The list of
    graphs is read from the endpoint and re-read after ``dataset_ttl`` seconds. A request's own
    ``default-graph-uri``/``named-graph-uri`` and a query's ``FROM`` are passed through as given.
    An answer the server cut (row limit) or interrupted (time limit) is an error, not a result.
    """

    url: str
    timeout: float = 60.0
    dataset_ttl: float = 300.0
    _graphs: tuple[str, ...] = field(default=(), init=False, repr=False)
    _graphs_read_at: float | None = field(default=None, init=False, repr=False)

    def graphs(self) -> tuple[str, ...]:
        """The relapsekg named graphs the endpoint holds (cached for ``dataset_ttl`` seconds)."""
        now = time.monotonic()
        if self._graphs_read_at is None or now - self._graphs_read_at > self.dataset_ttl:
            answer = self._send(_OUR_GRAPHS, (), ())
            if not isinstance(answer, ox.QuerySolutions):
                raise QueryError(f"endpoint {self.url} answered a SELECT with {type(answer).__name__}")
            self._graphs = tuple(sorted(row["g"].value for row in answer))
            self._graphs_read_at = now
        return self._graphs

    def query(
        self,
        sparql: str,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
        base_iri: str | None = None,
    ) -> Answer:
        # base_iri is not sent on: the external server resolves relative IRIs against its own URL, as
        # the protocol has it. With a BASE line put before every query, `serve --endpoint` on
        # Virtuoso 7.2 answered not even ASK {} (tests/integration).
        del base_iri
        default, named = list(default_graphs), list(named_graphs)
        if not (default or named) and declares_dataset(sparql):
            return self._send(sparql, (), ())
        ours = self.graphs()
        # No relapsekg graph on the endpoint (e.g. the data is in its default graph): ask as is.
        return self._send(sparql, default or list(ours), named or list(ours))

    def _send(self, sparql: str, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> Answer:
        import httpx  # only a remote engine needs an HTTP client

        form = _FORM.search(masked(sparql))
        graph_form = form is not None and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
        # Ask for one kind of answer: given both, Virtuoso answers a CONSTRUCT with a s/p/o table.
        accept = (
            "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
            if graph_form
            else "application/sparql-results+json, application/sparql-results+xml;q=0.9"
        )
        # The dataset goes in the form body, not the URL: a graph list can be long.
        data = {
            "query": with_prologue(sparql),
            "default-graph-uri": list(default_graphs),
            "named-graph-uri": list(named_graphs),
        }
        try:
            response = httpx.post(self.url, data=data, headers={"Accept": accept}, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise QueryError(f"endpoint {self.url} did not answer: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            hint = (
                "; Virtuoso refused it by its cost estimate, which overflows on some queries (a VALUES joined "
                "with a UNION): set MaxQueryCostEstimationTime = 0 in the [SPARQL] section of virtuoso.ini"
                if "estimated execution time" in response.text
                else ""
            )
            raise QueryError(
                f"endpoint {self.url} answered {response.status_code}{hint}: {response.text[:500]}"
            )
        ctype = response.headers.get("content-type", "").split(";")[0].strip()
        answer: Callable[[], Answer]
        if ctype in ("application/sparql-results+json", "application/json"):
            body = _portable_results(response.content)
            rows = lambda: len(json.loads(body).get("results", {}).get("bindings", []))  # noqa: E731
            answer = lambda: ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)  # noqa: E731
        elif ctype == "application/sparql-results+xml":
            rows = lambda: response.content.count(b"<result>")  # noqa: E731
            answer = lambda: ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML)  # noqa: E731
        else:
            fmt = {"text/turtle": ox.RdfFormat.TURTLE}.get(ctype, ox.RdfFormat.N_TRIPLES)
            triples = [_portable_triple(q.triple) for q in ox.parse(response.content, format=fmt)]
            rows, answer = (lambda: len(triples)), (lambda: triples)
        self._check_complete(response.headers, rows)
        return answer()

    def _check_complete(self, headers: httpx.Headers, rows: Callable[[], int]) -> None:
        """Refuse an answer the server cut or interrupted (Virtuoso says so in headers, status 200).

        ``X-SQL-State`` (e.g. ``S1TAT``) comes with rows computed before MaxQueryExecutionTime
        ran out. ``X-SPARQL-MaxRows: N`` comes whenever ResultSetMaxRows was applied as a LIMIT;
        the answer is cut only if it has N rows.
        """
        state = headers.get("x-sql-state")
        cap = headers.get("x-sparql-maxrows")
        if state:
            reason = f"interrupted ({state}: {headers.get('x-sql-message', '')[:160]}); raise MaxQueryExecutionTime"
        elif cap and cap.isdigit() and rows() >= int(cap):
            reason = f"cut at {cap} rows; raise ResultSetMaxRows"
        else:
            return
        raise QueryError(
            f"endpoint {self.url} returned an incomplete answer, {reason} ([SPARQL] section of "
            "virtuoso.ini) or narrow the query"
        )

    def describe(self) -> str:
        return f"SPARQL endpoint {self.url}"


def engine_for(store: Path | None = None, endpoint: str | None = None, in_memory: bool = False) -> Engine:
    if endpoint:
        return RemoteEngine(endpoint)
    from . import paths

    return LocalEngine(store or paths.default_store(), in_memory)
