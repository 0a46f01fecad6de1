"""The analyses: citation network, support of claims, centrality, therapy→outcome paths, components.

Each returns plain rows (dicts), printed as a table by the CLI and served as JSON by the API.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .network import EvidenceNetwork, entity


def _short(iri: str) -> str:
    return iri.rsplit("/id/", 1)[-1]


def citations(net: EvidenceNetwork) -> list[dict]:
    """Each reference with the intents the article cites it with, and how many facts derive from it."""
    cites = net.citation_graph()
    derived: defaultdict[str, int] = defaultdict(int)
    for _source, target, data in net.graph.edges(data=True):
        if data["relation"] == "wasDerivedFrom":
            derived[target] += 1
    rows = []
    for citing, cited, data in cites.edges(data=True):
        rows.append(
            {
                "citing": net.label(citing),
                "reference": net.label(cited),
                "iri": cited,
                "intents": sorted(data["intents"]),
                "facts_derived": derived[cited],
            }
        )
    return sorted(rows, key=lambda r: _ref_number(r["reference"]))


def _ref_number(label: str) -> int:
    return int(label[1 : label.index("]")]) if label.startswith("[") else 0


def support(net: EvidenceNetwork) -> list[dict]:
    """Which references support which claims: results and findings attributed to each reference."""
    claims = defaultdict(list)
    for source, target, data in net.graph.edges(data=True):
        if data["relation"] == "wasDerivedFrom" and net.kind(source) in ("result", "finding"):
            claims[target].append((net.kind(source), net.label(source)))
    rows = [
        {
            "reference": net.label(ref),
            "iri": ref,
            "results": sum(1 for k, _ in c if k == "result"),
            "findings": sum(1 for k, _ in c if k == "finding"),
            "claims": sorted(label for _, label in c),
        }
        for ref, c in claims.items()
    ]
    return sorted(rows, key=lambda r: (-(r["results"] + r["findings"]), _ref_number(r["reference"])))


def centrality(
    net: EvidenceNetwork, kinds: tuple[str, ...] = ("publication", "study"), top: int = 15
) -> list[dict]:
    """Degree, betweenness and PageRank of references and studies in the evidence graph."""
    g = net.evidence_graph()
    degree = nx.degree_centrality(g)
    betweenness = nx.betweenness_centrality(g, normalized=True)
    pagerank = nx.pagerank(nx.Graph(g))
    rows = [
        {
            "entity": net.label(n),
            "type": net.kind(n),
            "iri": n,
            "degree": round(degree[n], 4),
            "betweenness": round(betweenness[n], 4),
            "pagerank": round(pagerank[n], 4),
        }
        for n in g.nodes
        if net.kind(n) in kinds
    ]
    return sorted(rows, key=lambda r: -r["pagerank"])[:top]


def paths(
    net: EvidenceNetwork, therapy: str, endpoint: str, max_length: int = 3, limit: int = 20
) -> list[dict]:
    """Paths from a therapy to an endpoint through the evidence: a result or finding about the
    therapy itself, or about a regimen that contains it, shortest first."""
    g = net.evidence_graph()
    source, target = entity("intervention", therapy), entity("endpoint", endpoint)
    for node in (source, target):
        if node not in g:
            raise KeyError(f"no {_short(node)} in the evidence graph")
    found = sorted(nx.all_simple_paths(g, source, target, cutoff=max_length), key=lambda p: (len(p), p))
    evidence_kinds = {"result", "finding"}
    rows = []
    for path in found:
        middle = path[1:-1]
        if not middle or net.kind(middle[-1]) not in evidence_kinds:
            continue  # a path must reach the outcome through a reported result or finding
        rows.append(
            {
                "length": len(path) - 1,
                "path": [net.label(n) for n in path],
                "via": [_short(n) for n in middle],
            }
        )
        if len(rows) == limit:
            break
    return rows


def components(net: EvidenceNetwork) -> list[dict]:
    """For each finding topic, the groups of therapies, studies and references its findings connect."""
    g = net.evidence_graph()
    rows = []
    by_topic = defaultdict(list)
    for finding in net.nodes_of("finding"):
        by_topic[net.graph.nodes[finding].get("topic", "")].append(finding)
    for topic, findings in sorted(by_topic.items()):
        sub = g.subgraph(set(findings) | {m for f in findings for m in g.neighbors(f)})
        for i, comp in enumerate(sorted(nx.connected_components(sub), key=len, reverse=True), start=1):
            rows.append(
                {
                    "topic": topic,
                    "component": i,
                    "size": len(comp),
                    "therapies": sorted(net.label(n) for n in comp if net.kind(n) == "intervention"),
                    "studies": sorted(net.label(n) for n in comp if net.kind(n) == "study"),
                    "references": sorted(
                        (net.label(n) for n in comp if net.kind(n) == "publication"), key=_ref_number
                    ),
                    "findings": sum(1 for n in comp if net.kind(n) == "finding"),
                }
            )
    return rows
