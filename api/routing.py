"""The route class of the hot paths (``/sparql``, ``/queries/{name}``): declared to FastAPI like any
route, handed their parameters without FastAPI's general parameter solving.

A route declares its parameters in its signature, so FastAPI documents them in the OpenAPI schema
and the schema-driven tests send them. FastAPI then solves those parameters on every request with
machinery made for any type, dependency and body (about 0.1 ms a request on this machine, more
than a cached answer takes). When every parameter of an endpoint is the request itself or a plain
string from the query string or the path, reading them takes a dictionary lookup each, and this
class's handler does that instead; an endpoint with anything else keeps FastAPI's handler.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


@dataclass(frozen=True)
class PlainParameter:
    name: str  # the endpoint's argument
    alias: str  # the name in the request
    in_path: bool
    default: str | None


def plain_parameters(dependant: Dependant) -> list[PlainParameter] | None:
    """The endpoint's parameters if each is a string from the query string or the path (besides the
    request); None when one is anything else (a header, a body, a dependency, a number, a list)."""
    if (
        dependant.dependencies
        or dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
        or dependant.background_tasks_param_name
        or dependant.response_param_name
        or dependant.websocket_param_name
        or dependant.security_scopes_param_name
        or not dependant.request_param_name
    ):
        return None
    out = []
    for fields, in_path in ((dependant.query_params, False), (dependant.path_params, True)):
        for field in fields:
            if field.field_info.annotation not in (str, str | None):
                return None
            default = None if field.field_info.is_required() else field.field_info.default
            if default is not None and not isinstance(default, str):
                return None
            out.append(PlainParameter(field.name, field.alias, in_path, default))
    return out


class PlainRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        plain = plain_parameters(self.dependant)
        endpoint = self.dependant.call
        request_name = self.dependant.request_param_name
        if plain is None or endpoint is None or request_name is None:
            return super().get_route_handler()

        async def handler(request: Request) -> Response:
            arguments: dict[str, Any] = {request_name: request}
            if plain:
                query, path = request.query_params, request.path_params
                for p in plain:
                    arguments[p.name] = path[p.alias] if p.in_path else query.get(p.alias, p.default)
            return await endpoint(**arguments)

        return handler
