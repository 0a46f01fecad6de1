"""``/sparql``: the SPARQL 1.1 Protocol (query operation), its service description and editor."""
from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Mapping, Optional, Sequence
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from graph.named import NamedQueries
from graph.namespaces import sparql_prologue

from ..negotiation import choose, wants_html
from ..pages import render_page
from ..querying import run_sparql

router = APIRouter(tags=["SPARQL"])
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_SD_OFFERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
              "application/n-triples": "nt", "application/trig": "trig"}
_FORM_TYPE = "application/x-www-form-urlencoded"
_REMEMBERED_FIELDS = 32 * 1024  # bytes: longer query strings and forms are parsed every time
Fields = Mapping[str, tuple[str, ...]]


def query_fields(encoded: bytes) -> Fields:
    """The fields of a query string or of an HTML form's body, each with all its values.

    The same queries come back again and again, and percent-decoding a long one costs more than
    answering it from the cache, so each distinct text is parsed once (within a bounded memory).
    """
    return _parsed_fields(encoded) if len(encoded) <= _REMEMBERED_FIELDS else _parse_fields(encoded)


def _parse_fields(encoded: bytes) -> Fields:
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(encoded.decode("latin-1"), keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return MappingProxyType({name: tuple(values) for name, values in fields.items()})


_parsed_fields = lru_cache(maxsize=256)(_parse_fields)


def _one(values: Sequence[str], name: str) -> Optional[str]:
    if len(values) > 1:
        raise HTTPException(400, f"the request has {len(values)} '{name}' parameters; the protocol allows one")
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
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG"):
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((service, URIRef("http://purl.org/dc/terms/description"),
           Literal("relapsekg: read-only SPARQL 1.1 endpoint. The default graph is the union of all named graphs. "
                   f"Budgets: {request.app.state.settings.query_timeout:g} s per query, "
                   f"{request.app.state.settings.max_rows} rows per answer.")))
    return g


async def _answer(request: Request, query: Optional[str], default_graphs: list[str], named_graphs: list[str]) -> Response:
    accept = request.headers.get("accept")
    if query is None:
        if wants_html(accept):
            return editor(request)
        media = choose(accept, list(_SD_OFFERS)) or "text/turtle"
        body = service_description(request).serialize(format=_SD_OFFERS[media])
        return Response(body, media_type=media, headers={"Vary": "Accept"})
    return await run_sparql(request, query, accept, default_graphs, named_graphs)


@router.get("/sparql", summary="SPARQL query via GET (?query=); without a query: service description or editor")
async def sparql_get(request: Request) -> Response:
    params = query_fields(request.scope["query_string"])
    if params.get("update"):
        raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
    return await _answer(request, _one(params.get("query", ()), "query"),
                         list(params.get("default-graph-uri", ())), list(params.get("named-graph-uri", ())))


@router.post("/sparql", summary="SPARQL query via POST (form or application/sparql-query)")
async def sparql_post(request: Request) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    url_params = query_fields(request.scope["query_string"])
    if ctype == _FORM_TYPE:
        form = query_fields(await request.body())
        if form.get("update"):
            raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
        query = _one(form.get("query", ()), "query")
        if query is None:
            raise HTTPException(400, "a form POST needs a 'query' parameter")
        defaults = [*form.get("default-graph-uri", ()), *url_params.get("default-graph-uri", ())]
        named = [*form.get("named-graph-uri", ()), *url_params.get("named-graph-uri", ())]
        return await _answer(request, query, defaults, named)
    if ctype == "application/sparql-query":
        if url_params.get("query"):
            raise HTTPException(400, "a direct POST carries the query in its body, not also in ?query=")
        body = await request.body()
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the query body is not UTF-8") from None
        return await _answer(request, query, list(url_params.get("default-graph-uri", ())),
                             list(url_params.get("named-graph-uri", ())))
    if ctype == "application/sparql-update":
        raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
    raise HTTPException(415, f"POST needs Content-Type {_FORM_TYPE} or application/sparql-query, not {ctype or 'none'!r}")


def editor(request: Request) -> HTMLResponse:
    queries = [{"name": q.name, "title": q.title, "description": q.description, "sparql": sparql_prologue() + q.sparql()}
               for q in NamedQueries().all().values()]
    return render_page(request, "sparql.html", title="SPARQL editor", queries=queries)

