"""Node positions computed in Python with networkx, so the browser never lays out a large graph.

vis-network's own layout (physics, or its Kamada-Kawai "improvedLayout") runs on the page's main
thread: fine for the curated graph's few hundred nodes, a frozen tab for thousands. Positions
are therefore always precomputed here, deterministically (a fixed seed), and the page turns
physics on only for small views, where it starts from these positions and settles in moments.

networkx's force-directed layout is quadratic per iteration (45 s for 5,000 nodes on the
reference machine), so large graphs use a two-level layout: communities (Louvain) are laid out
as one node each, then each community is laid out on its own around its centre.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # networkx loads with the first layout, not with the server
    import networkx as nx

Position = tuple[float, float]

SEED = 7
SMALL = 600  # up to this many nodes: one force-directed layout of the whole graph
NODE_SPACING = 90.0  # pixels of canvas per node, roughly, in a settled layout


def layout(
    nodes: Iterable[Hashable], edges: Iterable[tuple[Hashable, Hashable]], seed: int = SEED
) -> dict[Hashable, Position]:
    """Canvas coordinates (pixels, centred on 0, 0) for every node."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((s, o) for s, o in edges if s != o)
    if len(g) == 0:
        return {}
    if len(g) <= SMALL:
        unit = _spring(g, seed, iterations=120)
        scale = NODE_SPACING * math.sqrt(len(g)) / 2
        return {n: (x * scale, y * scale) for n, (x, y) in unit.items()}
    return _two_level(g, seed)


def _spring(g: nx.Graph, seed: int, iterations: int) -> dict[Hashable, Position]:
    if len(g) == 1:
        return {next(iter(g)): (0.0, 0.0)}
    import networkx as nx

    pos = nx.spring_layout(g, seed=seed, iterations=iterations)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _two_level(g: nx.Graph, seed: int) -> dict[Hashable, Position]:
    import networkx as nx

    communities = [sorted(c, key=str) for c in nx.community.louvain_communities(g, seed=seed)]
    communities.sort(key=lambda c: (-len(c), str(c[0])))
    member_of = {n: i for i, members in enumerate(communities) for n in members}
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(communities)))
    for s, o in g.edges:
        a, b = member_of[s], member_of[o]
        if a != b:
            weight = quotient.get_edge_data(a, b, {"weight": 0})["weight"]
            quotient.add_edge(a, b, weight=weight + 1)
    # A community of k nodes takes a disc of radius ~ sqrt(k); centres are spread so discs
    # rarely overlap: the quotient layout is scaled by the radius of the whole graph's disc.
    centres = (
        nx.spring_layout(quotient, seed=seed, weight="weight", iterations=100)
        if len(quotient) > 1
        else {0: (0.0, 0.0)}
    )
    outer = NODE_SPACING * math.sqrt(len(g)) * 0.75
    pos: dict[Hashable, Position] = {}
    for i, members in enumerate(communities):
        cx, cy = (float(v) * outer for v in centres[i])
        radius = NODE_SPACING * math.sqrt(len(members)) / 2
        local = _spring(g.subgraph(members), seed, iterations=50)
        for n, (x, y) in local.items():
            pos[n] = (cx + x * radius, cy + y * radius)
    return pos
