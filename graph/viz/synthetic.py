"""A synthetic view shaped like the curated graph (studies with publications, cohorts, results
and findings around shared therapies and endpoints), for testing and benchmarking how the view
behaves at thousands of nodes without building a store of that size. Deterministic per seed."""

from __future__ import annotations

import random

from ..namespaces import CITO, ID, PROV, RKG
from .extract import View
from .model import Node, Subgraph

BLOCK = 14  # nodes per study: study, publication, 3 cohorts, 6 results, 2 findings, 1 definition


def synthetic_view(nodes: int = 5000, seed: int = 1) -> View:
    rng = random.Random(seed)
    sub = Subgraph()

    def add(kind: str, slug: str, label: str, **extra: str) -> str:
        iri = f"{ID}{kind}/{slug}"
        sub.nodes[iri] = Node(iri, kind, label=label, **extra)
        return iri

    def relate(s: str, p: str, o: str) -> None:
        sub.add_edge_rows([{"s": s, "p": p, "o": o}])

    therapies = [add("intervention", f"therapy-{i}", f"therapy {i}") for i in range(max(4, nodes // 120))]
    endpoints = [
        add("endpoint", f"endpoint-{i}", label)
        for i, label in enumerate(
            (
                "disease-free survival",
                "overall survival",
                "complete remission",
                "relapse-free survival",
                "event-free survival",
                "MRD negativity",
                "adverse events",
            )
        )
    ]
    factors = [add("factor", f"factor-{i}", f"prognostic factor {i}") for i in range(6)]
    publications: list[str] = []
    study_no = 0
    while len(sub.nodes) + BLOCK <= nodes:
        study_no += 1
        s = add("study", f"s{study_no}", f"Synthetic study {study_no}", short=f"SYN{study_no}")
        pub = add("publication", f"p{study_no}", f"[{study_no}] Author et al. {2000 + study_no % 25}")
        relate(s, str(PROV.wasDerivedFrom), pub)
        for cited in rng.sample(publications, min(3, len(publications))):
            relate(pub, str(CITO.cites), cited)
        publications.append(pub)
        arms = rng.sample(therapies, 2)
        cohorts = []
        for c in range(3):
            cohort = add("cohort", f"s{study_no}-c{c}", f"arm {c + 1} of study {study_no}", sublabel="arm")
            relate(cohort, str(RKG.inStudy), s)
            relate(cohort, str(RKG.receives), arms[c % 2])
            cohorts.append(cohort)
        for r in range(6):
            endpoint = rng.choice(endpoints)
            value = f"{rng.uniform(20, 90):.1f}%"
            result = add(
                "result",
                f"s{study_no}-r{r}",
                f"result {r} of study {study_no}",
                quote=f"The {sub.nodes[endpoint].label} was {value} in arm {r % 3 + 1}.",
            )
            sub.nodes[result].value = f"{sub.nodes[endpoint].label}: {value}"
            relate(result, str(RKG.cohort), cohorts[r % 3])
            relate(result, str(RKG.endpoint), endpoint)
            relate(result, str(PROV.wasDerivedFrom), pub)
        for f in range(2):
            finding = add(
                "finding",
                f"s{study_no}-f{f}",
                f"finding {f} of study {study_no}",
                direction=rng.choice(("for", "against", "no-difference")),
            )
            relate(finding, str(RKG.subject), arms[f])
            relate(finding, str(PROV.wasDerivedFrom), pub)
        definition = add("definition", f"s{study_no}-d", f"definition of study {study_no}")
        relate(definition, str(PROV.wasDerivedFrom), pub)
        relate(rng.choice(factors), str(PROV.wasDerivedFrom), pub)
    return View(sub, mode="all")
