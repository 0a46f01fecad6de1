"""Citation and evidence analytics with networkx, over the `evidence-network` named query."""

from .measures import centrality, citations, components, paths, support
from .network import EvidenceNetwork, load_network

__all__ = ["EvidenceNetwork", "load_network", "citations", "support", "centrality", "paths", "components"]
