"""``/export/{format}``: every export format, with its media type and a download file name."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from graph.engine import engine_for
from graph.exports import UnknownFormat, all_exports, get_export

router = APIRouter(tags=["Exports"])


@router.get("/export", summary="The export formats")
async def list_exports() -> JSONResponse:
    return JSONResponse(
        [
            {
                "format": e.name,
                "media_type": e.media_type,
                "filename": e.filename,
                "description": e.description,
                "href": f"/export/{e.name}",
            }
            for e in all_exports().values()
        ]
    )


@router.get("/export/{fmt}", summary="Download an export (RIS, BibTeX, CSL-JSON, CSV tables, FHIR, RDF...)")
async def export(fmt: str, request: Request) -> Response:
    try:
        exp = get_export(fmt)
    except UnknownFormat as exc:
        raise HTTPException(404, str(exc)) from None
    settings = request.app.state.settings
    body = await run_in_threadpool(exp.write, engine_for(settings.store, settings.endpoint))
    return Response(
        body,
        media_type=exp.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exp.filename}"'},
    )
