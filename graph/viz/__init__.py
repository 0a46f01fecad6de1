"""The graph view: which part of the graph to draw (:mod:`.extract`, SPARQL only, so it runs on
the embedded store, through the server's worker pool or on an external endpoint), what it looks
like (:mod:`.kinds`, :mod:`.model`), where nodes go (:mod:`.layout`, networkx) and the page
(:mod:`.render`, pyvis + vis-network served locally)."""
