"""OWL reasoning: the ontology's rules and evidence classes, the inferred graph, inconsistencies.

Every test needs Java for HermiT; without it they fail (they do not skip) with a message saying
what to install.
"""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph import paths
from graph.engine import LocalEngine
from graph.named import NamedQueries
from graph.namespaces import ID, INFERRED_GRAPH, RKG
from graph.pipeline import validate
from graph.quotes import SourceText, numbers_in
from graph.reasoning import DERIVED_GRAPH, reason
from graph.reasoning.hermit import (
    HermitAnswer,
    ReasonerUnavailable,
    java_executable,
    owl_input,
    read_answer,
    require_java,
    run_hermit,
)
from graph.reasoning.pipeline import materialize
from graph.reasoning.rules import SNAPSHOT, read_rules, rules_turtle
from graph.vocab import default_allow_list

ARTICLE = SourceText(paths.texts_dir() / "murphy-aldoss-2024-tp-23-521.txt")
REASONING_TTL = paths.ONTOLOGY_DIR / "reasoning.ttl"
HOGAN = "references/ref-11-hogan-2023.yaml"
ARTICLE_YAML = "murphy-aldoss-2024.yaml"
CLASS_AXIOMS = (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith)


@pytest.fixture(scope="module", autouse=True)
def java() -> None:
    assert java_executable(), (
        "OWL reasoning needs Java for HermiT and no `java` was found: install the Debian "
        "package default-jre-headless (`make test` does) or set JAVA_HOME"
    )


def members(engine: LocalEngine, cls: str) -> set[str]:
    rows = engine.query(f"SELECT ?x WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?x a rkg:{cls} }} }}")
    return {str(r["x"].value).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for r in rows}


def edit(sources: Path, name: str, old: str, new: str) -> None:
    path = sources / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the ontology files ------------------------------------------------------------------------


def annotated_axioms(g: Graph) -> dict[tuple, list[str]]:
    found: dict[tuple, list[str]] = {}
    for axiom in g.subjects(RDF.type, OWL.Axiom):
        key = (
            g.value(axiom, OWL.annotatedSource),
            g.value(axiom, OWL.annotatedProperty),
            g.value(axiom, OWL.annotatedTarget),
        )
        found.setdefault(key, []).extend(str(q) for q in g.objects(axiom, RKG.sourceQuote))
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        found[(node, RDF.type, OWL.AllDisjointClasses)] = [str(q) for q in g.objects(node, RKG.sourceQuote)]
    return found


@pytest.mark.parametrize("path", [REASONING_TTL, SNAPSHOT], ids=["reasoning.ttl", "generated/risk-rules.ttl"])
def test_every_class_axiom_carries_a_verbatim_quote(path: Path) -> None:
    g = Graph().parse(path)
    annotated = annotated_axioms(g)
    axioms = [(s, p, o) for p in CLASS_AXIOMS for s, o in g.subject_objects(p)]
    axioms += [(n, RDF.type, OWL.AllDisjointClasses) for n in g.subjects(RDF.type, OWL.AllDisjointClasses)]
    assert len(axioms) > 5
    for axiom in axioms:
        quotes = annotated.get(axiom)
        assert quotes, f"{path.name}: axiom {axiom} has no rkg:sourceQuote annotation"
        for quote in quotes:
            assert ARTICLE.find(quote), f"{path.name}: quote not verbatim in the article: {quote!r}"


def facets(g: Graph, node) -> list[Decimal]:
    """Every numeric facet value inside a class expression."""
    from rdflib.namespace import XSD  # imported here: pytest warns when it inspects XSD as a module attribute

    found, stack, seen = [], [node], set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in g.predicate_objects(n):
            if str(p).startswith(str(XSD)) and isinstance(o, Literal):
                found.append(Decimal(str(o)))
            elif isinstance(o, BNode):
                stack.append(o)
    return found


@pytest.mark.parametrize(
    "cls",
    [
        "EarlyBoneMarrowRelapse",
        "LateBoneMarrowRelapse",
        "LateIsolatedExtramedullaryRelapse",
        "LowEndOfReinductionMRD",
        "HighEndOfReinductionMRD",
        "MeetsRule-aall1331-low-risk",
        "MeetsRule-aall1331-intermediate-risk",
        "MeetsRule-aall1331-high-risk",
        "MeetsRule-cog-low-risk-first-relapse",
        "MeetsRule-hsct-indication-first-relapse",
    ],
)
def test_thresholds_of_a_definition_appear_in_its_quotes(cls: str) -> None:
    g = Graph().parse(REASONING_TTL) + Graph().parse(SNAPSHOT)
    definition = g.value(RKG[cls], OWL.equivalentClass)
    numbers = facets(g, definition)
    assert numbers, f"{cls} has a datatype restriction"
    quotes = annotated_axioms(g)[(RKG[cls], OWL.equivalentClass, definition)]
    printed = set().union(*(numbers_in(q) for q in quotes))
    assert set(numbers) <= printed, f"{cls}: thresholds {numbers} not all in its quotes"


def test_the_significance_level_agrees_with_every_verdict_of_the_text(engine: LocalEngine) -> None:
    """The article never prints 0.05: it is the level that separates what it calls significant from what it does not."""
    called_significant = {"0.015", "0.02", "0.031", "0.044"}
    called_not = {"0.089", "0.11", "0.30", "0.14", "0.62", "0.53"}
    rows = engine.query(f"""SELECT ?printed ?class WHERE {{ ?r rkg:pValue ?p . ?p rkg:printed ?printed .
        GRAPH <{INFERRED_GRAPH}> {{ ?r a ?class FILTER(?class IN (rkg:StatisticallySignificantResult, rkg:NonSignificantResult)) }} }}""")
    verdict: dict[str, set[str]] = {}
    for r in rows:
        verdict.setdefault(r["printed"].value, set()).add(r["class"].value.split("#")[1])
    for p in called_significant:
        assert verdict[p] == {"StatisticallySignificantResult"}, p
    for p in called_not:
        assert verdict[p] == {"NonSignificantResult"}, p


def test_the_risk_rule_ontology_is_reproducible() -> None:
    validation = validate(reason=False)
    rules, errors = read_rules(validation.dataset)
    assert not errors
    assert SNAPSHOT.read_text(encoding="utf-8") == rules_turtle(rules), (
        "ontology/generated/risk-rules.ttl is out of date with the curated risk_rules: "
        "run `relapsekg classify --write-ontology`"
    )


def test_every_risk_rule_is_an_owl_class_in_the_store(engine: LocalEngine) -> None:
    rows = engine.query(
        "SELECT ?rule ?cls WHERE { ?rule a rkg:RiskRule . OPTIONAL { ?cls rkg:formalizes ?rule } }"
    )
    pairs = {(r["rule"].value, r["cls"].value if r["cls"] else None) for r in rows}
    assert len(pairs) >= 6
    assert all(cls for _, cls in pairs), f"rules without an OWL class: {[r for r, c in pairs if not c]}"


# -- rules are data ----------------------------------------------------------------------------

NEW_RULE = """
  - id: test-early-marrow-relapse
    label: early BM relapse goes to HSCT (test rule)
    risk_group: high
    any_of:
      - - {factor: relapse-site, site: [bm-pm-em]}
        - {factor: time-to-relapse, operator: '<', threshold: 36, unit: months}
    quote: 'early BM relapse (<36 months from diagnosis)'
"""


def test_adding_a_rule_is_adding_yaml(sources_copy: Path) -> None:
    from graph.reasoning.patients import Patient, Value, classify, load_tbox

    edit(sources_copy, ARTICLE_YAML, "\nfindings:\n", NEW_RULE + "\nfindings:\n")
    tbox, origin = load_tbox(None, sources_copy)
    assert origin == "the curated sources"
    assert (RKG["MeetsRule-test-early-marrow-relapse"], RDF.type, OWL.Class) in tbox
    [result] = classify([Patient("p", RKG.SiteBM, "bm", Value("=", Decimal(20)))], tbox)
    assert result.risk_group == "high"
    assert "test-early-marrow-relapse" in {r.id for r in result.fired}


def test_a_rule_the_ontology_cannot_translate_is_reported(sources_copy: Path) -> None:
    rule = NEW_RULE.replace(
        "{factor: time-to-relapse, operator: '<', threshold: 36, unit: months}",
        "{factor: age, operator: '<=', threshold: 30, unit: years}",
    ).replace(
        "'early BM relapse (<36 months from diagnosis)'",
        "'All patients aged 1–30 years old with B-ALL in first relapse'",
    )
    edit(sources_copy, ARTICLE_YAML, "\nfindings:\n", rule + "\nfindings:\n")
    problems = [str(p) for p in validate(sources_copy).problems]
    assert any("test-early-marrow-relapse" in p or "cannot be translated" in p for p in problems), problems
    [p] = [p for p in problems if "cannot be translated" in p]
    assert "murphy-aldoss-2024.yaml:" in p and "factor/age" in p and "rkg:measuresFactor" in p


def test_overlapping_rules_of_different_risk_groups_are_reported(sources_copy: Path) -> None:
    # Intermediate risk from MRD <= 0.1 instead of >= 0.1: it now overlaps low risk (MRD < 0.1).
    edit(
        sources_copy,
        HOGAN,
        "        - {factor: mrd, operator: '>=', threshold: 0.1, unit: '%'}",
        "        - {factor: mrd, operator: '<=', threshold: 0.1, unit: '%'}",
    )
    problems = [str(p) for p in validate(sources_copy).problems]
    overlap = [p for p in problems if "overlap" in p]
    assert overlap, problems
    assert any("aall1331-intermediate-risk" in p and "low-risk" in p for p in overlap), overlap
    assert all(p.startswith("graph/sources/") or HOGAN in p or ARTICLE_YAML in p for p in overlap)


def test_a_rule_that_can_never_apply_is_reported(sources_copy: Path) -> None:
    rule = (
        NEW_RULE.replace(
            "      - - {factor: relapse-site, site: [bm-pm-em]}",
            "      - - {factor: time-to-relapse, operator: '>=', threshold: 36, unit: months}",
        )
        .replace("'<', threshold: 36", "'<', threshold: 18")
        .replace(
            "'early BM relapse (<36 months from diagnosis)'",
            "'patients were stratified at end-induction to the LR group if they had BM relapse ≥ 36 months after diagnosis or IEM ≥ 18 months after diagnosis'",
        )
    )
    edit(sources_copy, ARTICLE_YAML, "\nfindings:\n", rule + "\nfindings:\n")
    problems = [str(p) for p in validate(sources_copy).problems]
    assert any("test-early-marrow-relapse can never apply" in p for p in problems), problems


# -- the inferred graph ------------------------------------------------------------------------


def test_the_inferred_graph_holds_only_what_is_not_asserted(engine: LocalEngine) -> None:
    count = engine.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}")
    assert int(next(iter(count))["n"].value) > 300
    overlap = engine.query(f"""SELECT ?s ?p ?o ?g WHERE {{
        GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED_GRAPH}>) }} LIMIT 5""")
    assert not list(overlap), "an inferred triple is also asserted"
    allow = default_allow_list()
    iris = engine.query(f"""SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ {{ ?t ?p ?o }} UNION {{ ?s ?t ?o }} UNION {{ ?s ?p ?t }} }}
        FILTER(?g IN (<{INFERRED_GRAPH}>, <{DERIVED_GRAPH}>) && isIRI(?t)) }}""")
    bad = [r["t"].value for r in iris if not allow.allows(r["t"].value)]
    assert not bad, f"IRIs outside vocabularies.md: {bad}"


def test_the_inferred_subsumptions_do_not_depend_on_which_equivalent_class_hermit_names() -> None:
    """HermiT reports a subsumption of a set of equivalent classes under one of them, chosen anew on
    each run; two builds of the same sources must still be the same graph."""
    rule, group, parent, other = RKG["MeetsRule-x"], RKG.SomeRiskGroup, RKG.SomeParent, RKG.Unrelated
    expected = {(rule, RDFS.subClassOf, parent), (group, RDFS.subClassOf, parent)}
    asserted = Graph()
    asserted.add((rule, OWL.equivalentClass, group))
    asserted.add((other, RDFS.subClassOf, parent))
    for tbox, found_equal in ((asserted, set()), (Graph(), {frozenset((str(rule), str(group)))})):
        # the equivalence asserted in the ontology, or found by HermiT alone
        graphs = [
            set(
                materialize(
                    HermitAnswer(subclasses={(str(named), str(parent))}, equivalents=found_equal),
                    tbox,
                    Graph(),
                    "HermiT",
                    [],
                )
            )
            for named in (rule, group)
        ]
        subsumptions = {t for t in graphs[0] if t[1] == RDFS.subClassOf}
        assert graphs[0] == graphs[1] and subsumptions == expected


EX = Namespace("https://example.org/")


def in_order(triples: list[tuple], seed: int) -> Graph:
    """The triples added in a shuffled order: the order HermiT reads them in."""
    shuffled = list(triples)
    random.Random(seed).shuffle(shuffled)
    g = Graph()
    for triple in shuffled:
        g.add(triple)
    return g


def test_the_reasoner_reads_the_same_ontology_whatever_the_order_of_the_triples() -> None:
    """A class with a SKOS label, and a data property declared a sub-property of skos:altLabel (as
    rkg:acronym is): left undeclared, skos:altLabel was a data property in some orders, which
    made the class an individual and gave it its superclass as a type."""
    triples = [
        (EX.PValue, RDF.type, OWL.Class),
        (EX.Estimate, RDF.type, OWL.Class),
        (EX.PValue, RDFS.subClassOf, EX.Estimate),
        (EX.PValue, SKOS.altLabel, Literal("p-value")),
        (EX.acronym, RDF.type, OWL.DatatypeProperty),
        (EX.acronym, RDFS.subPropertyOf, SKOS.altLabel),
        (EX.Study, RDF.type, OWL.Class),
        (EX.study, RDF.type, EX.Study),
        (EX.study, EX.acronym, Literal("S")),
    ]
    answers = [run_hermit(in_order(triples, seed)) for seed in range(4)]
    for answer in answers:
        assert (answer.types, answer.subclasses) == (answers[0].types, answers[0].subclasses)
    assert (str(EX.PValue), str(EX.Estimate)) in answers[0].subclasses
    assert not {c for x, c in answers[0].types if x == str(EX.PValue)}, "a class typed as an instance"


def test_a_punned_iri_keeps_its_subsumptions_apart_from_its_types() -> None:
    """OWL 2 punning: an IRI used as a class (or property) and as an individual names two things.
    CiTO does this on purpose (``?citation cito:hasCitationCharacterization cito:supports``); the
    individual gets only the types entailed for it, never the superclasses of the class or the
    super-properties of the property it shares a name with."""
    g = Graph()
    for cls in (EX.Kind, EX.Super, EX.Characterization):
        g.add((cls, RDF.type, OWL.Class))
    g.add((EX.Kind, RDFS.subClassOf, EX.Super))
    for prop in (EX.supports, EX.cites, EX.characterization):
        g.add((prop, RDF.type, OWL.ObjectProperty))
    g.add((EX.supports, RDFS.subPropertyOf, EX.cites))
    g.add((EX.characterization, RDFS.range, EX.Characterization))
    g.add((EX.citation, EX.characterization, EX.supports))
    g.add((EX.citation, EX.characterization, EX.Kind))
    answer = run_hermit(g)
    assert (str(EX.Kind), str(EX.Super)) in answer.subclasses
    assert {c for x, c in answer.types if x == str(EX.Kind)} == {str(EX.Characterization)}
    assert {c for x, c in answer.types if x == str(EX.supports)} == {str(EX.Characterization)}


def test_hermits_lines_are_read_as_what_they_say() -> None:
    printed = "\n".join(
        [
            f"SubClassOf( <{EX.Kind}> <{EX.Super}> )",
            f"SubObjectPropertyOf( <{EX.supports}> <{EX.cites}> )",
            f"EquivalentClasses( <{EX.A}> <{EX.B}> <{EX.C}> )",
            f"EquivalentClasses( <{OWL.Nothing}> <{EX.Empty}> )",
            f"Type( <{EX.Kind}> <{EX.Characterization}> )",
            f"Type( <{EX.supports}> <{OWL.Thing}> )",
        ]
    )
    answer = read_answer(printed)
    assert answer.subclasses == {(str(EX.Kind), str(EX.Super))}
    assert answer.types == {(str(EX.Kind), str(EX.Characterization))}
    assert answer.equivalents == {
        frozenset(map(str, pair)) for pair in [(EX.A, EX.B), (EX.A, EX.C), (EX.B, EX.C)]
    }
    assert answer.unsatisfiable == {str(EX.Empty)}


def test_the_undeclared_properties_are_annotations_for_the_reasoner() -> None:
    g = Graph()
    g.add((EX.acronym, RDF.type, OWL.DatatypeProperty))
    g.add((EX.acronym, RDFS.subPropertyOf, SKOS.altLabel))
    g.add((EX.partOf, RDF.type, OWL.ObjectProperty))
    g.add((EX.within, RDF.type, OWL.ObjectProperty))
    g.add((EX.within, RDFS.subPropertyOf, EX.partOf))
    g.add((EX.PValue, SKOS.altLabel, Literal("p-value")))
    g.add((EX.p, RDF.type, OWL.Restriction))
    g.add((EX.p, OWL.onProperty, EX.undeclaredButLogical))
    owl = owl_input(g)
    assert (SKOS.altLabel, RDF.type, OWL.AnnotationProperty) in owl
    assert (EX.acronym, RDFS.subPropertyOf, SKOS.altLabel) not in owl, "not an OWL 2 DL axiom"
    assert (EX.within, RDFS.subPropertyOf, EX.partOf) in owl
    assert (EX.undeclaredButLogical, RDF.type, OWL.AnnotationProperty) not in owl


def test_no_class_or_property_is_typed_with_its_own_superclass_or_super_property(engine: LocalEngine) -> None:
    rows = engine.query(f"""SELECT ?x ?t WHERE {{
        GRAPH <{INFERRED_GRAPH}> {{ ?x a ?t }}
        GRAPH ?g {{ ?x rdfs:subClassOf|rdfs:subPropertyOf ?t }} }}""")
    assert isinstance(rows, ox.QuerySolutions)
    assert not [(r["x"].value, r["t"].value) for r in rows]


def test_significant_results_are_exactly_those_with_p_below_005(engine: LocalEngine) -> None:
    rows = engine.query(
        "SELECT ?r ?v ?q WHERE { ?r a rkg:Result ; rkg:pValue ?p . ?p rkg:value ?v OPTIONAL { ?p rkg:qualifier ?q } }"
    )
    expected = set()
    for r in rows:
        value, qualifier = Decimal(r["v"].value), r["q"].value if r["q"] else None
        if (qualifier is None and value < Decimal("0.05")) or (qualifier == "<" and value <= Decimal("0.05")):
            expected.add(r["r"].value.rsplit("/", 1)[-1])
    assert "topp-first-salvage-median-os" in expected or any("topp" in e for e in expected), "P<0.001 counts"
    assert members(engine, "StatisticallySignificantResult") == expected


def test_significant_benefit_of_blinatumomab_is_where_the_text_says(engine: LocalEngine) -> None:
    assert members(engine, "SignificantBenefitResult") == {
        "aall1331-bm-pm-em-dfs-blin",
        "aall1331-bm-pm-em-os-blin",
        "aall1331-ibm-dfs-blin",
        "aall1331-ibm-os-blin",
    }
    numerical = members(engine, "NonSignificantNumericalBenefit")
    assert {
        "aall1331-bm-em-dfs-blin",
        "aall1331-bm-em-os-blin",
        "aall1331-lr-dfs-blin",
        "aall1331-lr-os-blin",
    } <= numerical
    assert "aall1331-iem-dfs-blin" in members(engine, "ResultFavouringComparator"), "IEM DFS: 36.6% vs 38.8%"
    assert "aall1331-iem-dfs-blin" not in members(engine, "ResultFavouringIntervention")
    assert "prwcc-cns-cr" not in members(engine, "ResultFavouringIntervention"), "subgroups, not arms"
    assert members(engine, "TherapyWithSignificantBenefit") == {"blinatumomab-chemotherapy"}


def test_evidence_on_cns_efficacy_agrees_with_the_text(engine: LocalEngine) -> None:
    works = members(engine, "TherapyWithCNSEfficacyEvidence")
    fails = members(engine, "TherapyWithEvidenceAgainstCNSEfficacy")
    assert "cd19-car-t" in works, "CAR T cells are effective at clearing CNS disease"
    assert "blinatumomab" in fails and "blinatumomab" not in works, (
        "blinatumomab is not particularly effective in CNS disease"
    )
    assert "cd19-car-t" not in fails
    assert not members(engine, "TherapyWithConflictingCNSEvidence")
    assert {"cd19-car-t", "tisagenlecleucel"} <= members(engine, "TherapyMeasuredInCNSDisease")


def test_relapse_site_and_cns_classes_of_the_cohorts(engine: LocalEngine) -> None:
    assert {"aall1331-ibm", "aall1331-ibm-blin", "aall1331-ibm-chemo"} <= members(
        engine, "IsolatedBoneMarrowRelapse"
    )
    assert {"aall1331-bm-em", "aall1331-bm-em-blin"} <= members(engine, "CombinedRelapse")
    bm = members(engine, "BoneMarrowRelapse")
    assert {"aall1331-ibm", "aall1331-bm-em", "aall1331-bm-pm-em"} <= bm and "aall1331-iem" not in bm
    assert {"aall1331-iem", "aall1331-icns", "aall1331-itesticular"} <= members(
        engine, "IsolatedExtramedullaryRelapse"
    )
    assert members(engine, "IsolatedCNSRelapse") == {"aall1331-icns"}
    assert {"aall1331-icns", "aall1331-cns3", "prwcc-cns", "jacoby2022-cns"} <= members(
        engine, "CNSInvolvement"
    )
    assert "SiteIsolatedCNS" in members(engine, "CNSSite") and "SiteIsolatedCNS" not in members(
        engine, "MarrowSite"
    )


def test_the_reasoner_finds_what_the_rules_imply_about_each_other(engine: LocalEngine) -> None:
    def ask(a: str, rel: str, b: str) -> bool:
        return bool(
            engine.query(
                f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ {{ rkg:{a} {rel} rkg:{b} }} UNION {{ rkg:{b} {rel} rkg:{a} }} }} }}"
            )
        )

    assert ask(
        "MeetsRule-aall1331-low-risk", "owl:equivalentClass", "MeetsRule-cog-low-risk-first-relapse"
    ), "the article's COG low-risk definition and AALL1331's stratification are the same rule"
    assert ask("EarlyBoneMarrowRelapse", "rdfs:subClassOf", "HighRiskFirstRelapse")
    assert ask("IsolatedCNSRelapse", "rdfs:subClassOf", "IsolatedExtramedullaryRelapse")


def test_derived_differences_are_in_their_own_graph(engine: LocalEngine) -> None:
    rows = engine.query(f"""SELECT ?d WHERE {{ GRAPH <{DERIVED_GRAPH}> {{
        <{ID}result/aall1331-ibm-dfs-blin> rkg:differenceFromComparator ?d ; rkg:comparatorResult <{ID}result/aall1331-ibm-dfs-chemo> }} }}""")
    assert [Decimal(r["d"].value) for r in rows] == [Decimal("15.8")]


def test_the_build_manifest_records_the_reasoning(store: Path) -> None:
    manifest = json.loads(next(store.glob("current/manifest.json")).read_text())
    reasoning = manifest["reasoning"]
    assert reasoning["consistent"] is True and reasoning["reasoner"].startswith("HermiT")
    assert reasoning["inferred_triples"] > 300 and reasoning["seconds"] > 0


# -- the question, over SPARQL -------------------------------------------------------------------


def significant_subgroups(rows) -> set[str]:
    return {
        row["subgroup"]["value"] if isinstance(row["subgroup"], dict) else row["subgroup"] for row in rows
    }


def test_which_subgroups_show_a_significant_dfs_benefit_over_sparql(client) -> None:
    query = NamedQueries().get("significant-dfs-benefit").sparql()
    response = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert significant_subgroups(rows) == {"aall1331-bm-pm-em", "aall1331-ibm"}
    p_values = {r["subgroup"]["value"]: r["p_value"]["value"] for r in rows}
    assert p_values == {"aall1331-bm-pm-em": "0.015", "aall1331-ibm": "0.031"}
    for excluded in ("0.30", "0.62", "0.089"):
        assert excluded not in p_values.values()


def test_the_answer_is_inferred_not_asserted(client) -> None:
    asserted = client.get(
        "/sparql",
        headers={"Accept": "application/sparql-results+json"},
        params={
            "query": f"""
        ASK {{ GRAPH ?g {{ ?r a rkg:SignificantBenefitResult }} FILTER(?g != <{INFERRED_GRAPH}>) }}"""
        },
    )
    assert asserted.json()["boolean"] is False
    named = client.get(
        "/queries/significant-dfs-benefit",
        params={"endpoint": "os"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert named.status_code == 200, named.text
    assert significant_subgroups(named.json()["results"]["bindings"]) == {"aall1331-bm-pm-em", "aall1331-ibm"}


def test_asserted_and_inferred_types_are_told_apart(engine: LocalEngine) -> None:
    query = NamedQueries().get("asserted-and-inferred-types").sparql()
    how = {(r["type"].value.split("#")[-1], r["how"].value) for r in engine.query(query)}
    assert ("Subgroup", "asserted") in how and ("IsolatedCNSRelapse", "inferred") in how
    assert ("CNSInvolvement", "inferred") in how and ("Subgroup", "inferred") not in how


# -- inconsistencies ---------------------------------------------------------------------------


def test_a_cohort_both_isolated_bm_and_isolated_em_is_reported_with_the_entities(sources_copy: Path) -> None:
    # The isolated CNS subgroup is part of the isolated EM cohort; say it had an isolated BM relapse.
    edit(
        sources_copy,
        HOGAN,
        "    parent: aall1331-iem\n    site: icns\n",
        "    parent: aall1331-iem\n    site: isolated-bm\n",
    )
    problems = [str(p) for p in validate(sources_copy).problems]
    owl = [p for p in problems if "OWL inconsistency" in p]
    assert owl, problems
    assert any("cohort/aall1331-icns" in p and "cohort/aall1331-iem>" in p for p in owl), owl
    assert all(re.search(r"references/ref-11-hogan-2023\.yaml:\d+: OWL inconsistency", p) for p in owl), owl
    assert any("rkg:SiteIsolatedBM" in p and "rkg:SiteIsolatedEM" in p for p in owl), (
        "names the conflicting facts"
    )


def test_a_p_value_above_one_is_an_inconsistency_with_its_entities() -> None:
    from rdflib.namespace import XSD

    validation = validate(reason=False)
    dataset = validation.dataset
    node = ID["result/aall1331-lr-dfs-blin/p-value"]
    for g in dataset.graphs():
        if (node, RKG.value, None) in g:
            g.set((node, RKG.value, Literal(Decimal("1.089"), datatype=XSD.decimal)))
    result = reason(dataset, validation.origins)
    assert result.consistent is False
    messages = [str(p) for p in result.problems]
    assert any("aall1331-lr-dfs-blin/p-value" in m and "1.089" in m for m in messages), messages
    assert any(m.startswith(f"graph/sources/{HOGAN}:") for m in messages), messages


def test_validate_on_the_command_line_names_the_inconsistent_entities(sources_copy: Path) -> None:
    import subprocess
    import sys

    edit(
        sources_copy,
        HOGAN,
        "    parent: aall1331-iem\n    site: icns\n",
        "    parent: aall1331-iem\n    site: bm-em\n",
    )
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "validate", "--sources", str(sources_copy)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 1
    assert re.search(
        r"ref-11-hogan-2023\.yaml:\d+: OWL inconsistency: .*aall1331-icns.*aall1331-iem",
        " ".join(done.stderr.split()),
    ), done.stderr


def test_without_java_reasoning_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert java_executable() is None
    with pytest.raises(ReasonerUnavailable, match="default-jre-headless"):
        require_java()
