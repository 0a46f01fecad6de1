"""The evidence network as a networkx multigraph: entities as nodes, the graph's links as edges.

Rows come from the `evidence-network` named query, so the analytics see exactly the links SPARQL
users see; this module only turns rows into networkx objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from ..namespaces import ID

CITO_INTENTS = {
    "cites",
    "citesAsEvidence",
    "citesForInformation",
    "citesAsAuthority",
    "obtainsBackgroundFrom",
    "usesMethodIn",
    "reviews",
    "discusses",
    "agreesWith",
    "supports",
    "citesAsDataSource",
}


@dataclass
class EvidenceNetwork:
    graph: nx.MultiDiGraph

    def label(self, node: str) -> str:
        return self.graph.nodes[node].get("label", node)

    def kind(self, node: str) -> str:
        return self.graph.nodes[node].get("type", "")

    def nodes_of(self, kind: str) -> list[str]:
        return [n for n, data in self.graph.nodes(data=True) if data.get("type") == kind]

    def citation_graph(self) -> nx.DiGraph:
        """Publication → publication, each edge with the CiTO intents of its citations."""
        cites = nx.DiGraph()
        for source, target, data in self.graph.edges(data=True):
            if data["relation"] in CITO_INTENTS:
                if not cites.has_edge(source, target):
                    cites.add_edge(source, target, intents=set())
                cites[source][target]["intents"].add(data["relation"])
        return cites

    def evidence_graph(self) -> nx.Graph:
        """Undirected, citations left out: how facts connect therapies, cohorts, studies and sources."""
        g = nx.Graph()
        g.add_nodes_from(self.graph.nodes(data=True))
        g.add_edges_from(
            (s, t, d) for s, t, d in self.graph.edges(data=True) if d["relation"] not in CITO_INTENTS
        )
        return g


TOPICS_QUERY = "SELECT ?finding ?topic WHERE { ?f a rkg:Finding ; rkg:topic/skos:notation ?topic . BIND(STR(?f) AS ?finding) }"


def edges_query() -> str:
    from ..named import NamedQueries

    return NamedQueries().get("evidence-network").sparql()


def build_network(edges: Iterable[dict[str, str]], topics: Iterable[dict[str, str]] = ()) -> EvidenceNetwork:
    """The network from the rows of `edges_query()` and `TOPICS_QUERY`."""
    g = nx.MultiDiGraph()
    for row in edges:
        for end in ("source", "target"):
            g.add_node(row[end], type=row[f"{end}_type"], label=row[f"{end}_label"])
        g.add_edge(row["source"], row["target"], relation=row["relation"])
    for row in topics:
        if row["finding"] in g:
            g.nodes[row["finding"]]["topic"] = row["topic"]
    return EvidenceNetwork(g)


def load_network(select: Callable[[str], list[dict[str, str]]]) -> EvidenceNetwork:
    """``select`` runs SPARQL and returns rows of strings (e.g. an engine's rows)."""
    return build_network(select(edges_query()), select(TOPICS_QUERY))


def entity(kind: str, slug: str) -> str:
    return f"{ID}{kind}/{slug}"
