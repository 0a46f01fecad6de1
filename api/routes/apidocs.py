"""``/docs``: the OpenAPI reference, rendered by a Swagger UI that relapsekg serves itself.

FastAPI's default page loads its script and styles from a CDN, so offline (or behind a strict
proxy) it is blank. This is the same FastAPI helper pointed at the copy the Makefile vendors from
the npm registry into ``/static/vendor``. ReDoc is not offered: its page fetches its logo from its
vendor's CDN whatever its options say.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

VENDOR = "/static/vendor"
FAVICON = "/static/favicon.svg"


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} · OpenAPI",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=FAVICON,
    )
