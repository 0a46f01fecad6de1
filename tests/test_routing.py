"""The hot routes' class: parameters declared to FastAPI (documented, validated as declared), read
by a handler of their own only when each is a plain string from the query string or the path."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from api.routing import PlainRoute, plain_parameters


def tiny_app() -> FastAPI:
    router = APIRouter(route_class=PlainRoute)

    @router.get("/echo/{name}")
    async def echo(request: Request, name: str = Path(), q: str | None = Query(None)) -> Response:
        return JSONResponse({"name": name, "q": q, "path": request.url.path})

    @router.get("/count")
    async def count(request: Request, n: int = Query(1)) -> Response:
        return JSONResponse({"n": n})

    @router.get("/agent")
    async def agent(request: Request, user_agent: str | None = Header(None)) -> Response:
        return JSONResponse({"agent": user_agent})

    app = FastAPI()
    app.include_router(router)
    return app


def test_plain_string_parameters_reach_the_endpoint_as_fastapi_would_pass_them() -> None:
    client = TestClient(tiny_app())
    assert client.get("/echo/abc", params={"q": "x y"}).json() == {
        "name": "abc",
        "q": "x y",
        "path": "/echo/abc",
    }
    assert client.get("/echo/abc").json()["q"] is None  # the declared default
    assert client.get("/echo/abc?q=1&q=2").json()["q"] == "2"  # the last value, as FastAPI reads one


def test_a_route_with_any_other_parameter_keeps_fastapis_handler() -> None:
    client = TestClient(tiny_app())
    assert client.get("/count", params={"n": "3"}).json() == {"n": 3}
    assert client.get("/count", params={"n": "three"}).status_code == 422  # FastAPI's validation
    assert client.get("/agent", headers={"user-agent": "me"}).json() == {"agent": "me"}


def test_the_hot_routes_are_plain_and_their_parameters_documented(client) -> None:
    from api.routes import named, sparql

    def route(router: APIRouter, path: str) -> PlainRoute:
        found = [r for r in router.routes if getattr(r, "path", "") == path and "GET" in r.methods]
        assert found and isinstance(found[0], PlainRoute), (path, found)
        return found[0]

    assert [p.alias for p in plain_parameters(route(sparql.router, "/sparql").dependant) or []] == ["query"]
    assert [p.alias for p in plain_parameters(route(named.router, "/queries/{name}").dependant) or []] == [
        "name"
    ]
    schema = client.get("/openapi.json").json()["paths"]
    assert "query" in {p["name"] for p in schema["/sparql"]["get"]["parameters"]}
    assert "name" in {p["name"] for p in schema["/queries/{name}"]["get"]["parameters"]}
