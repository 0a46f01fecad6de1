"""``/sparql``: the SPARQL 1.1 Protocol (query operation), its service description and editor."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.named import NamedQueries
from graph.namespaces import sparql_prologue

from ..negotiation import choose, wants_html
from ..pages import render_page
from ..querying import error_response, run_sparql

router = APIRouter(tags=["SPARQL"])
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_SD_OFFERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
              "application/n-triples": "nt", "application/trig": "trig"}
_FORM_TYPE = "application/x-www-form-urlencoded"


def _one(values: list[str], name: str) -> Optional[str]:
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
    params = request.query_params
    if params.getlist("update"):
        raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
    return await _answer(request, _one(params.getlist("query"), "query"),
                         params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))


@router.post("/sparql", summary="SPARQL query via POST (form or application/sparql-query)")
async def sparql_post(request: Request) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    url_params = request.query_params
    if ctype == _FORM_TYPE:
        form = await request.form()
        if form.getlist("update"):
            raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
        query = _one([str(v) for v in form.getlist("query")], "query")
        if query is None:
            raise HTTPException(400, "a form POST needs a 'query' parameter")
        defaults = [str(v) for v in form.getlist("default-graph-uri")] + url_params.getlist("default-graph-uri")
        named = [str(v) for v in form.getlist("named-graph-uri")] + url_params.getlist("named-graph-uri")
        return await _answer(request, query, defaults, named)
    if ctype == "application/sparql-query":
        if url_params.getlist("query"):
            raise HTTPException(400, "a direct POST carries the query in its body, not also in ?query=")
        body = await request.body()
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the query body is not UTF-8") from None
        return await _answer(request, query, url_params.getlist("default-graph-uri"), url_params.getlist("named-graph-uri"))
    if ctype == "application/sparql-update":
        raise HTTPException(400, "SPARQL Update is not accepted: this endpoint is read-only")
    raise HTTPException(415, f"POST needs Content-Type {_FORM_TYPE} or application/sparql-query, not {ctype or 'none'!r}")


def editor(request: Request) -> HTMLResponse:
    queries = [{"name": q.name, "title": q.title, "description": q.description, "sparql": sparql_prologue() + q.sparql()}
               for q in NamedQueries().all().values()]
    return render_page(request, "sparql.html", title="SPARQL editor", queries=queries)


class SparqlFastPath:
    """ASGI middleware that hands SPARQL queries at ``/sparql`` straight to the handlers above.

    The handlers, the guard, the budgets and the error messages are the same as through the
    router; what a query skips is FastAPI's routing and parameter machinery, which costs more
    than answering a small query from the cache. Everything else (the editor, the service
    description, other methods, other paths) goes on to the application.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if scope["method"] == "GET":
            if not request.query_params.getlist("query"):
                await self.app(scope, receive, send)  # the editor or the service description
                return
            handler = sparql_get
        else:
            handler = sparql_post
        try:
            response = await handler(request)
        except StarletteHTTPException as exc:
            response = error_response(exc)
        await response(scope, receive, send)
