"""``/export/{format}``: every export format, with its media type and a download file name."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from graph.exports import UnknownFormat, all_exports, get_export

from ..querying import export_answer

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
    """Written by a query worker, under the same time budget as a query (api/querying.py)."""
    try:
        exp = get_export(fmt)
    except UnknownFormat as exc:
        raise HTTPException(404, str(exc)) from None
    answer = await export_answer(request, exp.name)
    return Response(
        answer.body,
        media_type=answer.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{exp.filename}"',
            "ETag": answer.etag,
            "X-Relapsekg-Answer": answer.source,
        },
    )
