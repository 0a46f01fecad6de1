"""The SHACL shapes reject what a reviewer would reject: one test per rule.

Each test takes the graph built from the curated sources (which conforms), breaks one thing in
it, and expects the shapes to name the broken node and the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from graph.namespaces import CITO, ID, OA, RKG
from graph.pipeline import validate
from graph.validate import load_shapes, shacl_problems

RESULT = ID["result/aall1331-ibm-dfs-blin"]
COHORT = ID["cohort/aall1331-ibm-blin"]
STUDY = ID["study/aall1331"]
RULE = ID["risk-rule/aall1331-low-risk"]
FINDING = ID["finding/car-t-clears-cns"]
PUBLICATION = ID["publication/ref-11-hogan-2023"]


@pytest.fixture(scope="module")
def curated() -> Dataset:
    validation = validate()
    assert validation.ok, validation.problems
    return validation.dataset


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def union(dataset: Dataset) -> Graph:
    g = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def violations(curated: Dataset, shapes: Graph, mutate: Callable[[Graph], None]) -> list[str]:
    g = union(curated)
    mutate(g)
    ds = Dataset()
    target = ds.graph(URIRef("urn:test"))
    for t in g:
        target.add(t)
    return [p.message for p in shacl_problems(ds, shapes, {})]


def test_the_curated_graph_conforms(curated: Dataset, shapes: Graph) -> None:
    assert violations(curated, shapes, lambda g: None) == []


def set_(node: URIRef, prop: URIRef, value) -> Callable[[Graph], None]:
    return lambda g: g.set((node, prop, value))


def add(node: URIRef, prop: URIRef, value) -> Callable[[Graph], None]:
    return lambda g: g.add((node, prop, value))


def drop(node: URIRef, prop: URIRef) -> Callable[[Graph], None]:
    return lambda g: g.remove((node, prop, None))


RULES = {
    "a fact without a quote": (drop(RESULT, RKG.quote), "verbatim quote"),
    "a fact nobody annotated": (lambda g: g.remove((None, OA.hasBody, RESULT)), "oa:Annotation"),
    "a result with two quotes": (add(RESULT, RKG.quote, Literal("another clause")), "one quote"),
    "a result without statistic type": (drop(RESULT, RKG.statisticType), "exactly one statistic type"),
    "a result without endpoint": (drop(RESULT, RKG.endpoint), "exactly one endpoint"),
    "a result with two values": (
        add(RESULT, RKG.value, Literal(Decimal("1.5"))),
        "at most one decimal value",
    ),
    "a result with a text value": (set_(RESULT, RKG.value, Literal("high")), "decimal value"),
    "a result with an unknown qualifier": (
        set_(RESULT, RKG.qualifier, Literal("roughly")),
        "qualifier is one of",
    ),
    "a result with neither value nor p-value": (
        lambda g: (g.remove((RESULT, RKG.value, None)), g.remove((RESULT, RKG.pValue, None))),
        "a value or a p-value",
    ),
    "a p-value above 1": (
        set_(URIRef(f"{RESULT}/p-value"), RKG.value, Literal(Decimal("1.2"))),
        "between 0 and 1",
    ),
    "a confidence interval upside down": (
        set_(ID["result/tower-later-salvage-median-os/ci"], RKG.low, Literal(Decimal("9.9"))),
        "not above its high bound",
    ),
    "a confidence level of 95 instead of 0.95": (
        set_(ID["result/tower-later-salvage-median-os/ci"], RKG.level, Literal(Decimal("95"))),
        "fraction between 0 and 1",
    ),
    "a range without qualifier range": (
        set_(ID["result/aall1331-follow-up-iqr"], RKG.qualifier, Literal("about")),
        "qualifier 'range'",
    ),
    "a result about two studies": (add(RESULT, RKG.aboutStudy, ID["study/tower"]), "at most one study"),
    "a cohort in no study": (drop(COHORT, RKG.inStudy), "exactly one study"),
    "a negative cohort size": (set_(COHORT, RKG.sampleSize, Literal(-3)), "non-negative integer"),
    "a cohort with two parents": (add(COHORT, RKG.partOf, ID["cohort/aall1331-iem"]), "at most one parent"),
    "a study phase of 7": (set_(STUDY, RKG.phase, Literal(7)), "integer from 1 to 4"),
    "a minimum age above the maximum": (
        set_(STUDY, RKG.minAgeYears, Literal(Decimal("40"), datatype=XSD.decimal)),
        "not above the maximum age",
    ),
    "a cohort's minimum age above its maximum": (
        set_(ID["cohort/aall1331-eligible"], RKG.minAgeYears, Literal(Decimal("40"), datatype=XSD.decimal)),
        "not above the maximum age",
    ),
    "a study with two maximum ages": (
        add(STUDY, RKG.maxAgeYears, Literal(Decimal("40"), datatype=XSD.decimal)),
        "at most one number",
    ),
    "a design that is not a design feature": (add(STUDY, RKG.design, RKG.LowRisk), "design features"),
    "a publication without title": (
        drop(PUBLICATION, URIRef("http://purl.org/dc/terms/title")),
        "exactly one title",
    ),
    "a reference number of 0": (set_(PUBLICATION, RKG.referenceNumber, Literal(0)), "positive integer"),
    "a malformed DOI": (
        add(
            ID["publication/murphy-aldoss-2024"],
            URIRef("http://purl.org/ontology/bibo/doi"),
            Literal("doi:tp-23-521"),
        ),
        "10.NNNN/suffix",
    ),
    "a finding without direction": (drop(FINDING, RKG.direction), "exactly one direction"),
    "a risk rule without conditions": (drop(RULE, RKG.anyOf), "at least one set of conditions"),
    "a condition on no factor": (
        drop(URIRef(f"{RULE}/any-of-1/condition-2"), RKG.factor),
        "exactly one prognostic factor",
    ),
    "a citation of something outside the graph": (
        lambda g: g.set((ID["citation/murphy-aldoss-2024-1-11"], CITO.hasCitedEntity, URIRef("urn:nowhere"))),
        "cites exactly one publication",
    ),
    "an entity with two labels": (add(STUDY, RDFS.label, Literal("another name")), "exactly one rdfs:label"),
    "an annotation without target": (
        lambda g: g.remove((URIRef(f"{RESULT}#quote"), OA.hasTarget, None)),
        "targets at least one span",
    ),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_shapes_reject(rule: str, curated: Dataset, shapes: Graph) -> None:
    mutate, expected = RULES[rule]
    messages = violations(curated, shapes, mutate)
    assert any(expected in m for m in messages), messages
