"""``/sparql``: the SPARQL 1.1 Protocol (query operation), its service description and editor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from graph.named import NamedQueries
from graph.namespaces import sparql_prologue

from ..cache import MEMO_CHARS, Memo
from ..negotiation import choose, wants_html
from ..pages import render_page
from ..querying import run_sparql
from ..routing import PlainRoute

router = APIRouter(tags=["SPARQL"], route_class=PlainRoute)
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_SD_OFFERS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/trig": "trig",
}
_FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_FIELDS = 1000  # as Starlette's form parser allows
FormFields = Mapping[str, tuple[str, ...]]


def _parse_form(body: str) -> FormFields:
    """Each field of a form body with all its values, as Starlette parses a form (``+`` is a space,
    ``%XX`` escapes spell UTF-8, an invalid sequence becomes U+FFFD; ``body`` is the bytes as
    latin-1), or a 400 past :data:`MAX_FORM_FIELDS` fields."""
    fields: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise HTTPException(400, f"the form has more than {MAX_FORM_FIELDS} fields") from None
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return MappingProxyType({name: tuple(values) for name, values in fields.items()})


# A form body is parsed once per distinct text: the same queries are POSTed again and again, and
# Starlette's parser takes 67 µs for a 0.9 KiB query and 415 µs for a 6 KiB one (evidence-table),
# more than answering it from the cache; a remembered parse costs the lookup (about 3 µs at 6 KiB).
_FORMS: Memo[str, FormFields] = Memo(MEMO_CHARS, _parse_form)


async def _body(request: Request) -> bytes:
    """The POST body, refused (413) when longer than any acceptable query can make it: the query
    is at most ``max_query_length`` characters, and percent-encoded UTF-8 takes up to 12 bytes a
    character. A declared length is checked before anything is read."""
    longest = request.app.state.settings.max_query_length
    limit = 12 * longest + 64 * 1024
    declared = request.headers.get("content-length", "")
    body = None if declared.isdigit() and int(declared) > limit else await request.body()
    size = int(declared) if body is None else len(body)
    if body is None or size > limit:
        raise HTTPException(
            413,
            f"the request body is {size} bytes long; a query of at most {longest} "
            f"characters takes at most {limit}",
        )
    return body


def _one(values: Sequence[str], name: str) -> str | None:
    if len(values) > 1:
        raise HTTPException(
            400, f"the request has {len(values)} '{name}' parameters; the protocol allows one"
        )
    return values[0] if values else None


def service_description(request: Request) -> Graph:
    g = Graph()
    g.bind("sd", SD)
    service = BNode()
    endpoint = URIRef(str(request.url.replace(query="")))
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, endpoint))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "TriG",
    ):
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add(
        (
            service,
            URIRef("http://purl.org/dc/terms/description"),
            Literal(
                "relapsekg: read-only SPARQL 1.1 endpoint. The default graph is the union of all named graphs. "
                f"Budgets: {request.app.state.settings.query_timeout:g} s per query, "
                f"{request.app.state.settings.max_rows} rows per answer."
            ),
        )
    )
    return g


async def _answer(
    request: Request, query: str | None, default_graphs: list[str], named_graphs: list[str]
) -> Response:
    accept = request.headers.get("accept")
    if query is None:
        if wants_html(accept):
            return editor(request)
        media = choose(accept, list(_SD_OFFERS)) or "text/turtle"
        body = service_description(request).serialize(format=_SD_OFFERS[media])
        return Response(body, media_type=media, headers={"Vary": "Accept"})
    return await run_sparql(request, query, accept, default_graphs, named_graphs, _base(request))


QUERY_DOC = "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE); without one, the service description"
# The dataset parameters are described for the OpenAPI schema (and the schema-driven tests) and
# read by the handlers: declared as FastAPI list parameters, they took half of a cached answer's
# time in the server (FastAPI re-inspects a list parameter's type on every request).
_DATASET = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
        "description": description,
    }
    for name, description in (
        ("default-graph-uri", "the default graph of the query's dataset (repeatable)"),
        ("named-graph-uri", "a named graph of the query's dataset (repeatable)"),
    )
]
# A POST body is a form or the query itself: FastAPI cannot declare "one of two bodies", so the body
# is described here for the OpenAPI schema (and the schema-driven tests) and read by the handler,
# which refuses an overlong body before reading it.
_POST_BODY = {
    "parameters": _DATASET,
    "requestBody": {
        "required": True,
        "content": {
            _FORM_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string", "description": QUERY_DOC},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            "application/sparql-query": {"schema": {"type": "string", "description": QUERY_DOC}},
        },
    },
}


def _base(request: Request) -> str:
    """The endpoint's URL, which relative IRIs in a query resolve against (SPARQL 1.1 Protocol);
    from the request's parts, as Starlette builds ``request.url`` (which takes 30 µs more)."""
    scope = request.scope
    host = request.headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


@router.get(
    "/sparql",
    summary="SPARQL query via GET (?query=); without a query: service description, or the editor for a browser",
    openapi_extra={"parameters": _DATASET},
)
async def sparql_get(request: Request, query: str | None = Query(None, description=QUERY_DOC)) -> Response:
    params = request.query_params
    if "update" in params:
        raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
    if query is not None:
        _one(params.getlist("query"), "query")
    return await _answer(
        request, query, params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    )


@router.post(
    "/sparql",
    summary="SPARQL query via POST (form or application/sparql-query)",
    openapi_extra=_POST_BODY,
)
async def sparql_post(request: Request) -> Response:
    default_graph_uri = request.query_params.getlist("default-graph-uri")
    named_graph_uri = request.query_params.getlist("named-graph-uri")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == _FORM_TYPE:
        form = _FORMS((await _body(request)).decode("latin-1"))  # an overlong body is refused unread
        if "update" in form:
            raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
        query = _one(form.get("query", ()), "query")
        if query is None:
            raise HTTPException(400, "a form POST needs a 'query' parameter")
        defaults = [*form.get("default-graph-uri", ()), *default_graph_uri]
        named = [*form.get("named-graph-uri", ()), *named_graph_uri]
        return await _answer(request, query, defaults, named)
    if ctype == "application/sparql-query":
        if "query" in request.query_params:
            raise HTTPException(400, "a direct POST carries the query in its body, not also in ?query=")
        body = await _body(request)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the query body is not UTF-8") from None
        return await _answer(request, text, default_graph_uri, named_graph_uri)
    if ctype == "application/sparql-update":
        raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
    raise HTTPException(
        415, f"POST needs Content-Type {_FORM_TYPE} or application/sparql-query, not {ctype or 'none'!r}"
    )


def editor(request: Request) -> HTMLResponse:
    queries = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "sparql": sparql_prologue() + q.sparql(),
        }
        for q in NamedQueries().all().values()
    ]
    return render_page(request, "sparql.html", title="SPARQL editor", queries=queries)
