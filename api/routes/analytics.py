"""``/api/analytics``: the citation and evidence analytics of `relapsekg analyze`, as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Query, Request

from ..querying import select_rows

if TYPE_CHECKING:  # networkx is imported on the first analytics request, not when the server starts
    from graph import analytics

router = APIRouter(prefix="/api/analytics", tags=["Analytics"])


async def _network(request: Request) -> analytics.EvidenceNetwork:
    from graph.analytics.network import TOPICS_QUERY, build_network, edges_query

    return build_network(await select_rows(request, edges_query()), await select_rows(request, TOPICS_QUERY))


@router.get("/citations", summary="Each reference with its CiTO intents and the facts derived from it")
async def citations(request: Request) -> list[dict]:
    from graph import analytics

    return analytics.citations(await _network(request))


@router.get("/support", summary="Which references support which claims")
async def support(request: Request) -> list[dict]:
    from graph import analytics

    return analytics.support(await _network(request))


@router.get("/centrality", summary="Degree, betweenness and PageRank of references and studies")
async def centrality(request: Request, top: int = Query(15, ge=1, le=200)) -> list[dict]:
    from graph import analytics

    return analytics.centrality(await _network(request), top=top)


@router.get("/components", summary="Per finding topic, connected groups of therapies, studies and references")
async def components(request: Request) -> list[dict]:
    from graph import analytics

    return analytics.components(await _network(request))


@router.get("/paths", summary="Paths from a therapy to an outcome through results and findings")
async def paths(
    request: Request,
    therapy: str = Query(..., alias="from", max_length=100),
    endpoint: str = Query(..., alias="to", max_length=100),
    max_length: int = Query(3, ge=1, le=4),
) -> list[dict]:
    from graph import analytics

    try:
        return analytics.paths(await _network(request), therapy, endpoint, max_length)
    except KeyError as exc:
        raise HTTPException(404, str(exc.args[0])) from None
