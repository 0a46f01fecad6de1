"""Query patterns a SPARQL user relies on give every answer, without warning-free gaps (issue 22):
one arm pattern for every arm-level cohort, the standard vocabularies' entailments, searches that
match what the text prints, and named queries that say what the text says, once."""

from __future__ import annotations

from collections import Counter

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from graph.engine import LocalEngine
from graph.named import NamedQueries, Param
from graph.reasoning.rdfs import RDFS_ACTIVITY, rdfs_entailments
from graph.results import term_text, to_table
from graph.searchtext import search_form

QUERIES = NamedQueries().all()
RKG = Namespace("https://w3id.org/relapsekg/ontology#")
EX = Namespace("https://example.org/")
INFERRED = "https://w3id.org/relapsekg/graph/inferred"
INFERRED_NODE = URIRef(INFERRED)


def rows(engine: LocalEngine, sparql: str) -> list[dict[str, str]]:
    answer = engine.query(sparql)
    assert isinstance(answer, ox.QuerySolutions)
    return [{k: term_text(v) for k, v in row.items()} for row in to_table(answer).rows]


def ask(engine: LocalEngine, name: str, **params: str) -> list[dict[str, str]]:
    return rows(engine, QUERIES[name].sparql(params))


# -- one pattern for every arm-level cohort ------------------------------------------------------


def test_the_readme_arm_pattern_finds_the_whole_population_comparison(engine: LocalEngine) -> None:
    found = rows(
        engine,
        """SELECT ?arm ?dfs WHERE {
             ?r rkg:endpoint <https://w3id.org/relapsekg/id/endpoint/dfs> ; rkg:cohort ?c ; rkg:printed ?dfs .
             ?c rkg:partOf <https://w3id.org/relapsekg/id/cohort/aall1331-lr> ; rkg:arm/rdfs:label ?arm }""",
    )
    assert {(r["arm"], r["dfs"]) for r in found} == {
        ("AALL1331 LR blinatumomab arm", "61.2"),
        ("AALL1331 LR chemotherapy arm", "49.5"),
    }


def test_every_arm_names_itself_and_every_arm_level_result_reaches_an_arm(engine: LocalEngine) -> None:
    arms = rows(engine, "SELECT ?a ?arm WHERE { ?a a rkg:Arm . OPTIONAL { ?a rkg:arm ?arm } }")
    assert arms and all(r.get("arm") == r["a"] for r in arms)
    # Every result compared with another cohort is about an arm-level cohort: it has an arm.
    orphans = rows(
        engine,
        "SELECT ?r WHERE { ?r rkg:cohort ?c ; rkg:comparator ?k . ?k rkg:arm ?ka . FILTER NOT EXISTS { ?c rkg:arm ?a } }",
    )
    assert orphans == []


def test_arm_outcomes_lists_each_arm_result_once(engine: LocalEngine) -> None:
    found = ask(engine, "arm-outcomes-by-subgroup")
    keys = Counter((r["subgroup"], r["arm"], r["endpoint"]) for r in found)
    assert keys and max(keys.values()) == 1
    assert len(found) == 20  # 5 comparisons (whole LR population and 4 site subgroups) x 2 arms x DFS, OS


# -- RDFS entailments ----------------------------------------------------------------------------


def test_standard_vocabulary_patterns_find_what_the_ontology_entails(engine: LocalEngine) -> None:
    alt = {r["x"] for r in rows(engine, "SELECT ?x WHERE { ?s a rkg:Study ; skos:altLabel ?x }")}
    assert {"AALL1331", "TOWER", "BLAST"} <= alt
    parts = rows(
        engine, "SELECT ?c WHERE { ?c dcterms:isPartOf <https://w3id.org/relapsekg/id/cohort/aall1331-lr> }"
    )
    assert len(parts) >= 4
    in_inferred = rows(
        engine,
        f"SELECT ?x WHERE {{ GRAPH <{INFERRED}> {{ <https://w3id.org/relapsekg/id/study/aall1331> skos:altLabel ?x }} }}",
    )
    assert [r["x"] for r in in_inferred] == ["AALL1331"], "the entailment is in the inferred graph"


def test_rdfs_entailments_follow_sub_properties_classes_domains_and_ranges_and_keep_literals() -> None:
    ontology = Graph()
    ontology.add((EX.acronym, RDFS.subPropertyOf, SKOS.altLabel))
    ontology.add((EX.partOf, RDFS.subPropertyOf, DCTERMS.isPartOf))
    ontology.add((EX.Arm, RDFS.subClassOf, EX.Cohort))
    ontology.add((EX.Cohort, RDFS.subClassOf, EX.Group))
    ontology.add((EX.inStudy, RDFS.domain, EX.Cohort))
    ontology.add((EX.inStudy, RDFS.range, EX.Study))
    ontology.add((EX.flag, RDFS.subPropertyOf, EX.marker))
    data = Graph()
    data.add((EX.s, EX.acronym, Literal("AALL1331")))
    data.add((EX.a, RDF.type, EX.Arm))
    data.add((EX.a, EX.partOf, EX.p))
    data.add((EX.c, EX.inStudy, EX.s))
    data.add((EX.s, EX.flag, Literal(True)))
    data.add((EX.a, RDF.type, EX.Cohort))  # asserted: not repeated
    entailed = rdfs_entailments(ontology, data)
    assert (EX.s, SKOS.altLabel, Literal("AALL1331")) in entailed
    assert (EX.a, DCTERMS.isPartOf, EX.p) in entailed
    assert (EX.a, RDF.type, EX.Group) in entailed
    assert (EX.c, RDF.type, EX.Cohort) in entailed and (EX.c, RDF.type, EX.Group) in entailed
    assert (EX.s, RDF.type, EX.Study) in entailed
    assert list(entailed.objects(EX.s, EX.marker)) == [Literal(True)], "a literal comes out as asserted"
    assert (EX.a, RDF.type, EX.Cohort) not in entailed
    assert not [t for t in entailed if t[2] == RDFS.Resource]
    assert {t for t in entailed if t[0] not in (INFERRED_NODE, RDFS_ACTIVITY)} == owlrl_rdfs(
        ontology, data
    ), "the SPARQL rules give what owlrl's RDFS semantics gives"


def owlrl_rdfs(ontology: Graph, data: Graph) -> set:
    """owlrl's RDFS closure of the same graphs, trivia and asserted triples left out, literals
    passed as stand-ins (owlrl rewrites the literals it reasons about)."""
    closure, literals = Graph(), dict[URIRef, Literal]()
    for s, p, o in ontology + data:
        if isinstance(o, Literal):
            literals[stand_in := URIRef(f"urn:x-literal:{len(literals)}")] = o
            o = stand_in
        closure.add((s, p, o))
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    trivial = {RDFS.Resource, RDFS.Class, RDF.Property, RDFS.Datatype, RDFS.Literal}
    out = set()
    for s, p, o in closure:
        o = literals.get(o, o) if isinstance(o, URIRef) else o
        if str(s).startswith("urn:x-literal:") or isinstance(s, Literal) or s == o:
            continue
        if (p == RDF.type and o in trivial) or (s, p, o) in data or (s, p, o) in ontology:
            continue
        out.add((s, p, o))
    return out


# -- searching what the text prints --------------------------------------------------------------


def test_search_form_is_nfkc_and_case_folded() -> None:
    assert search_form("MRD⁺  CR1") == search_form("mrd+ cr1") == "mrd+ cr1"
    assert search_form("Straße") == search_form("STRASSE")


def test_a_search_parameter_is_put_in_the_query_in_its_search_form() -> None:
    param = Param("text", 'search:"CNS"', "words")
    assert param.type == "search" and param.default_value == "CNS"
    assert param.term("MRD⁺") == '"mrd+"'
    assert param.term('a "b" \\') == '"a \\"b\\" \\\\"', "still escaped"


@pytest.mark.parametrize("typed", ["MRD+", "mrd⁺", "Mrd+ CR1"])
def test_quote_search_finds_mrd_plus_as_the_text_prints_it(typed: str, engine: LocalEngine) -> None:
    found = ask(engine, "quote-search", text=typed)
    printed = rows(
        engine,
        f'SELECT DISTINCT ?fact WHERE {{ ?fact rkg:quote ?q FILTER(CONTAINS(?q, "{typed.upper().replace("+", "⁺")}")) }}',
    )
    assert printed, "the text prints MRD⁺"
    assert {r["fact"] for r in printed} <= {r["fact"] for r in found}, (
        f"{typed!r} finds every quote printing it"
    )
    matched_quotes = [r["quote"] for r in found if search_form(typed) in search_form(r["quote"])]
    assert matched_quotes and all("MRD⁺" in q for q in matched_quotes)


def test_quote_search_gives_the_clause_that_matched_not_every_quote_of_the_fact(engine: LocalEngine) -> None:
    found = ask(engine, "quote-search", text="utmost importance")
    assert found and all("utmost importance" in r["quote"] for r in found)


# -- cns-efficacy: for, against or no difference by what the text says it shows ------------------


def test_cns_efficacy_lists_evidence_not_calls_for_trials(engine: LocalEngine) -> None:
    found = ask(engine, "cns-efficacy")
    assert {r["direction"] for r in found} <= {"for", "against", "no difference"}
    sources = {r["source"] for r in found}
    research_needs = {r["f"] for r in rows(engine, "SELECT ?f WHERE { ?f rkg:topic rkg:ResearchNeed }")}
    assert research_needs and not sources & research_needs, "a call for further trials is not evidence"
    assert not any(r["source"].endswith("/need-car-t-cns-trials") for r in found)


def test_cns_efficacy_shows_the_isolated_cns_relapses_against_blinatumomab(engine: LocalEngine) -> None:
    found = ask(engine, "cns-efficacy")
    icns = {
        r["evidence"]
        for r in found
        if r["kind"] == "result" and r["therapy"] == "blinatumomab" and r["direction"] == "against"
    }
    assert any("66.7%" in e for e in icns) and any("71%" in e for e in icns)
    directions = {(r["therapy"], r["direction"]) for r in found}
    assert ("blinatumomab", "for") not in directions
    assert ("CD19 CAR T cell therapy", "for") in directions


def test_cns_efficacy_calls_a_non_significant_comparison_no_difference(engine: LocalEngine) -> None:
    found = ask(engine, "cns-efficacy")
    with_p = [r for r in found if r["kind"] == "result" and "(P=" in r["evidence"]]
    assert {r["evidence"].split("(P=")[1].rstrip(")").split(")")[0] for r in with_p} == {"0.92", "0.41"}
    assert {r["direction"] for r in with_p} == {"no difference"}


# -- risk-groups and treatment-rules: one row per condition --------------------------------------


def test_risk_groups_give_one_row_per_condition(engine: LocalEngine) -> None:
    found = ask(engine, "risk-groups")
    conditions = rows(
        engine, "SELECT (COUNT(?c) AS ?n) WHERE { ?r a rkg:RiskRule ; rkg:anyOf/rkg:allOf ?c }"
    )[0]["n"]
    assert len(found) == int(conditions)
    keys = Counter((r["rule"], r["alternative"], r["factor"]) for r in found)
    assert max(keys.values()) == 1
    high = [r for r in found if r["rule"] == "AALL1331 high risk (early relapse)"]
    assert len(high) == 4, "two alternatives of two conditions each"


def test_aall1331_rules_quote_aall1331_sentences_only(engine: LocalEngine) -> None:
    for r in ask(engine, "risk-groups"):
        if r.get("study") == "AALL1331":
            assert "For children who have early BM relapse" not in r["quote"], r["rule"]


def test_late_marrow_relapse_is_keyed_one_way_and_every_rule_states_its_site(engine: LocalEngine) -> None:
    found = ask(engine, "risk-groups")
    marrow_sites = {r["sites"] for r in found if r.get("sites") and "bm" in r["sites"].split(";")[0]}
    assert marrow_sites == {"bm-pm-em"}
    per_alternative = Counter((r["rule"], r["alternative"]) for r in found if r.get("sites"))
    alternatives = {(r["rule"], r["alternative"]) for r in found}
    assert set(per_alternative) == alternatives, "every alternative names its relapse site"


def test_treatment_rules_give_one_row_per_rule_or_cohort_and_treatment(engine: LocalEngine) -> None:
    found = ask(engine, "treatment-rules")
    keys = Counter((r["who"], r["treatment"]) for r in found)
    assert max(keys.values()) == 1
    assert ("AALL1331 patients with CNS3 disease", "cranial radiotherapy") in keys


def test_an_arm_without_its_arm_link_fails_validation_naming_its_file(sources_copy) -> None:
    from graph.pipeline import validate

    path = sources_copy / "references" / "ref-11-hogan-2023.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    arm: aall1331-lr-blin\n    parent: aall1331-lr\n" in text
    path.write_text(
        text.replace("    arm: aall1331-lr-blin\n    parent: aall1331-lr\n", "    parent: aall1331-lr\n")
    )
    problems = validate(sources_copy, reason=False).problems
    assert any(
        p.file.endswith("ref-11-hogan-2023.yaml")
        and "rkg:arm" in p.message
        and "aall1331-lr-blin" in p.message
        for p in problems
    ), problems
