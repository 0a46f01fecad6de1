"""Questions a researcher of relapsed B-ALL asks in SPARQL, answered with the article's figures."""

from __future__ import annotations

from graph.engine import LocalEngine
from graph.results import term_text, to_table


def rows(engine: LocalEngine, sparql: str) -> list[dict[str, str]]:
    return [{k: term_text(v) for k, v in r.items()} for r in to_table(engine.query(sparql)).rows]


def test_four_year_dfs_of_each_arm_in_isolated_bm_relapse(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT ?arm ?dfs ?p ?n WHERE {
          ?r a rkg:Result ; rkg:endpoint id:endpoint\\/dfs ; rkg:timepoint "P4Y"^^xsd:duration ;
             rkg:cohort ?c ; rkg:printed ?dfs ; rkg:pValue/rkg:printed ?p .
          ?c rkg:relapseSite rkg:SiteIsolatedBM ; rkg:arm/rdfs:label ?arm ; rkg:sampleSize ?n .
        } ORDER BY ?arm""",
    )
    assert answer == [
        {"arm": "AALL1331 LR blinatumomab arm", "dfs": "72.9", "p": "0.031", "n": "70"},
        {"arm": "AALL1331 LR chemotherapy arm", "dfs": "57.1", "p": "0.031", "n": "72"},
    ]


def test_median_os_by_salvage_line_in_tower_with_confidence_intervals(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT ?cohort ?median ?low ?high ?high_text WHERE {
          ?r rkg:aboutStudy/rkg:partOf id:study\\/tower ; rkg:statisticType obo:NCIT_C28007 ;
             rkg:cohort/rdfs:label ?cohort ; rkg:value ?median ; rkg:confidenceInterval ?ci .
          ?ci rkg:level 0.95 ; rkg:low ?low .
          OPTIONAL { ?ci rkg:high ?high } OPTIONAL { ?ci rkg:highText ?high_text }
        } ORDER BY DESC(?median)""",
    )
    assert [(r["median"], r["low"], r.get("high", ""), r.get("high_text", "")) for r in answer] == [
        ("11.1", "8.2", "", "not reached"),
        ("5.1", "3.2", "7.1", ""),
    ]


def test_hazard_ratio_is_a_between_arm_result_with_its_p_value(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT ?hr ?p ?qual ?arm ?comparator WHERE {
          ?r rkg:statisticType obo:NCIT_C93150 ; rkg:value ?hr ; rkg:pValue [ rkg:printed ?p ; rkg:qualifier ?qual ] ;
             rkg:cohort/rdfs:label ?arm ; rkg:comparator/rdfs:label ?comparator ; prov:wasDerivedFrom/rkg:referenceNumber 17 .
        }""",
    )
    assert answer == [
        {
            "hr": "1.58",
            "p": "<0.001",
            "qual": "<",
            "arm": "blinatumomab as first salvage (Topp et al.)",
            "comparator": "blinatumomab as second or later salvage (Topp et al.)",
        }
    ]


def test_which_subgroups_had_p_below_005_for_dfs(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT DISTINCT ?subgroup WHERE {
          ?r rkg:endpoint id:endpoint\\/dfs ; rkg:pValue/rkg:value ?p ; rkg:cohort/rkg:partOf ?sg .
          ?sg rdfs:label ?subgroup . FILTER(?p < 0.05)
        } ORDER BY ?subgroup""",
    )
    assert [r["subgroup"] for r in answer] == [
        "AALL1331 LR BM ± EM relapse",
        "AALL1331 LR isolated BM relapse",
    ]


def test_car_t_complete_remission_with_cns_involvement(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT ?value ?n ?ref WHERE {
          ?r rkg:endpoint id:endpoint\\/complete-remission ; rkg:printed ?value ; rkg:cohort ?c ;
             prov:wasDerivedFrom/rkg:referenceNumber ?ref .
          ?c rkg:relapseSite rkg:SiteCNS ; rkg:sampleSize ?n .
        } ORDER BY ?ref""",
    )
    assert answer == [{"value": "88", "n": "40", "ref": "25"}, {"value": "94", "n": "55", "ref": "27"}]


def test_what_reference_16_is_cited_for(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT ?intent ?for WHERE {
          ?c cito:hasCitedEntity ?ref ; cito:hasCitationCharacterization/skos:notation ?intent ; rkg:citedFor ?for .
          ?ref rkg:referenceNumber 16 .
        } ORDER BY ?intent ?for""",
    )
    assert {(r["intent"], r["for"]) for r in answer} >= {
        ("citesAsEvidence", "median OS 11.1 versus 5.1 months for blinatumomab in first versus later salvage")
    }


def test_the_article_cites_all_29_references(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT (COUNT(DISTINCT ?ref) AS ?n) WHERE { id:publication\\/murphy-aldoss-2024 cito:cites ?ref }""",
    )
    assert answer == [{"n": "29"}]


def test_every_quote_is_located_in_the_text_with_offsets(engine: LocalEngine) -> None:
    answer = rows(
        engine,
        """
        SELECT (COUNT(?fact) AS ?facts) (SUM(IF(BOUND(?start), 1, 0)) AS ?located) WHERE {
          ?fact rkg:quote ?q .
          OPTIONAL { ?a oa:hasBody ?fact ; oa:hasTarget/oa:hasSelector/oa:start ?start }
        }""",
    )
    assert answer[0]["facts"] == answer[0]["located"]


def test_no_triple_is_stated_in_two_named_graphs(engine: LocalEngine) -> None:
    """The default graph is the union of the named graphs; a triple in two of them would repeat answers."""
    answer = rows(
        engine,
        """
        SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }
        GROUP BY ?s ?p ?o HAVING (COUNT(DISTINCT ?g) > 1) LIMIT 5""",
    )
    assert answer == []
