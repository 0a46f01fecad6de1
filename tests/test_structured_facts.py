"""Facts that were prose are nodes and links: a researcher's SPARQL finds them by structure.

Treatment phases, the predictors of an analysis, adverse-event findings, each study's age group
and disease setting, the targets of a therapy and the treatments a finding credits: each test asks
the built graph with a short pattern (no text search over quotes or statements) and checks the
answer the article gives. The shape tests break one such fact and expect SHACL to name the rule,
the file and the line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions
from rdflib import Literal, URIRef

from graph.engine import LocalEngine
from graph.named import NamedQueries
from graph.namespaces import ID, RKG
from graph.pipeline import validate
from graph.results import term_text, to_table

HOGAN = "graph/sources/references/ref-11-hogan-2023.yaml"
_SHORT_ID = re.compile(r"\bid:([a-z-]+/[A-Za-z0-9._-]*[A-Za-z0-9_-])")


def select(engine: LocalEngine, sparql: str) -> list[dict[str, str]]:
    """Rows of a query whose entities are written ``id:KIND/ID`` (a short id, made a full IRI here:
    SPARQL's prefixed names may not contain '/')."""
    sparql = _SHORT_ID.sub(lambda m: f"<{ID}{m[1]}>", sparql)
    solutions = engine.query(sparql)
    assert isinstance(solutions, QuerySolutions)
    return [{k: term_text(v) for k, v in row.items()} for row in to_table(solutions).rows]


def ask(engine: LocalEngine, name: str, **params: str) -> list[dict[str, str]]:
    return select(engine, NamedQueries().all()[name].sparql(params))


# -- regimens: phases with components, duration, regimen followed and order ----------------------


def test_the_ukall_r3_reinduction_is_given_to_aall1331_and_both_arms(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?cohort ?drug ?duration ?regimen ?ref WHERE {
             ?phase rkg:phaseType rkg:Reinduction ; rkg:aboutStudy id:study/aall1331 ;
                    rkg:givenTo ?c ; rkg:phaseComponent ?d ; rkg:durationText ?duration ;
                    rkg:followsRegimen ?r .
             ?c rdfs:label ?cohort . ?d rdfs:label ?drug .
             ?r rdfs:label ?regimen ; prov:wasDerivedFrom/rkg:referenceNumber ?ref }""",
    )
    cohorts = {r["cohort"] for r in rows}
    assert {"AALL1331 LR chemotherapy arm", "AALL1331 LR blinatumomab arm"} <= cohorts
    assert "AALL1331 intermediate- and high-risk patients" in cohorts
    assert {r["drug"] for r in rows} == {
        "dexamethasone",
        "vincristine",
        "pegaspargase",
        "mitoxantrone",
        "intrathecal chemotherapy",
    }
    assert {(r["duration"], r["regimen"], r["ref"]) for r in rows} == {
        ("4 weeks", "UKALL R3 reinduction (4 weeks)", "12")
    }


def test_each_arms_treatment_reads_as_a_chain_of_phases(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?arm ?first ?second ?third WHERE {
             ?m rkg:givenTo ?a ; rkg:phaseType/rdfs:label ?third ; rkg:precededBy ?c .
             ?c rkg:givenTo ?a ; rkg:phaseType/rdfs:label ?second ; rkg:precededBy ?r .
             ?r rkg:givenTo ?a ; rkg:phaseType/rdfs:label ?first .
             ?a a rkg:Arm ; rdfs:label ?arm }""",
    )
    assert {(r["arm"], r["first"], r["second"], r["third"]) for r in rows} == {
        ("AALL1331 LR chemotherapy arm", "reinduction", "consolidation", "maintenance"),
        ("AALL1331 LR blinatumomab arm", "reinduction", "consolidation", "maintenance"),
    }


def test_the_blinatumomab_arm_adds_three_4_week_blinatumomab_blocks_to_consolidation(
    engine: LocalEngine,
) -> None:
    rows = select(
        engine,
        """SELECT ?arm ?component ?blocks ?duration WHERE {
             ?phase rkg:phaseType rkg:Consolidation ; rkg:aboutStudy id:study/aall1331 ;
                    rkg:givenTo ?a ; rkg:phaseComponent/rdfs:label ?component .
             ?a a rkg:Arm ; rdfs:label ?arm .
             OPTIONAL { ?phase rkg:blocks ?blocks ; rkg:durationText ?duration } }""",
    )
    by_arm: dict[str, set[str]] = {}
    for r in rows:
        by_arm.setdefault(r["arm"], set()).add(r["component"])
    assert by_arm == {
        "AALL1331 LR chemotherapy arm": {"consolidation chemotherapy"},
        "AALL1331 LR blinatumomab arm": {"consolidation chemotherapy", "blinatumomab"},
    }
    assert {(r["blocks"], r["duration"]) for r in rows if "blinatumomab arm" in r["arm"]} == {
        ("3", "4 weeks")
    }


def test_an_arm_reaches_its_phases_through_its_regimen_too(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT DISTINCT ?type WHERE {
             id:cohort/aall1331-lr-chemo rkg:receives ?regimen .
             ?phase rkg:phaseOf ?regimen ; rkg:phaseType/skos:notation ?type }""",
    )
    assert {r["type"] for r in rows} == {"reinduction", "consolidation", "maintenance"}


def test_intermediate_and_high_risk_patients_proceed_to_hsct(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?cohort WHERE { ?p rkg:phaseType rkg:TransplantPhase ; rkg:phaseComponent id:intervention/hsct ;
                                     rkg:givenTo/rdfs:label ?cohort }""",
    )
    assert [r["cohort"] for r in rows] == ["AALL1331 intermediate- and high-risk patients"]
    after = select(
        engine,
        """SELECT ?before WHERE { ?p rkg:phaseType rkg:TransplantPhase ; rkg:aboutStudy id:study/aall1331 ;
                                     rkg:precededBy/rkg:phaseComponent/rdfs:label ?before }""",
    )
    assert {r["before"] for r in after} == {"blinatumomab", "consolidation chemotherapy"}


def test_a_cohorts_risk_group_reaches_its_subgroups_and_arms(engine: LocalEngine) -> None:
    """The randomized "LR patients" are low risk, and so is every subgroup and arm of theirs: one
    pattern finds the low-risk isolated-marrow arms, though only the randomized cohort says "LR"."""
    rows = select(
        engine,
        """SELECT ?cohort WHERE { ?c rkg:partOf*/rkg:riskGroup rkg:LowRisk ; rkg:relapseSite rkg:SiteIsolatedBM ;
                                     rdfs:label ?cohort }""",
    )
    assert {r["cohort"] for r in rows} == {
        "AALL1331 LR isolated BM relapse",
        "AALL1331 LR isolated BM relapse: blinatumomab arm",
        "AALL1331 LR isolated BM relapse: chemotherapy arm",
    }
    groups = select(engine, "SELECT ?g WHERE { id:cohort/aall1331-ir-hr rkg:riskGroup/rdfs:label ?g }")
    assert {r["g"] for r in groups} == {"intermediate risk", "high risk"}


def test_the_first_relapse_rules_say_which_treatment_they_lead_to_and_away_from(engine: LocalEngine) -> None:
    """Early BM relapse, or late with MRD >= 0.1%: consolidation then HSCT; late with MRD < 0.1%:
    chemotherapy alone, without HSCT. Structure, not the words of the rule's consequence."""
    rows = select(
        engine,
        """SELECT ?rule ?how ?treatment WHERE {
             ?rule a rkg:RiskRule ; rkg:diseaseSetting rkg:FirstRelapse ; ?how ?t . ?t rdfs:label ?treatment .
             VALUES ?how { rkg:recommends rkg:withholds } }""",
    )
    got = {(r["rule"].rsplit("/", 1)[-1], r["how"].rsplit("#", 1)[-1], r["treatment"]) for r in rows}
    HSCT = "hematopoietic stem cell transplant (HSCT)"
    assert got == {
        ("hsct-indication-first-relapse", "recommends", "consolidation chemotherapy"),
        ("hsct-indication-first-relapse", "recommends", HSCT),
        (
            "chemotherapy-alone-late-low-mrd",
            "recommends",
            "standard chemotherapy for first relapse (reinduction and consolidation)",
        ),
        ("chemotherapy-alone-late-low-mrd", "withholds", HSCT),
    }


# -- multivariable analyses: each predictor a factor with direction and cut-off ------------------


def test_the_multivariable_analysis_of_dfs_names_three_favorable_predictors(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?factor ?direction ?level ?operator ?threshold ?unit ?endpoint ?cohort WHERE {
             ?a rkg:analysisKind rkg:MultivariableAnalysis ; rkg:aboutStudy id:study/aall1331 ;
                rkg:endpoint ?e ; rkg:cohort/rkg:relapseSite/skos:notation ?cohort ;
                rkg:predictor ?p .
             ?p rkg:predictorFactor ?f ; rkg:effectDirection/skos:notation ?direction ; rkg:factorLevel ?level .
             BIND(STRAFTER(STR(?f), "/factor/") AS ?factor)
             BIND(STRAFTER(STR(?e), "/endpoint/") AS ?endpoint)
             OPTIONAL { ?p rkg:operator ?operator ; rkg:threshold ?threshold ; rkg:unit ?unit } }""",
    )
    assert {(r["factor"], r["direction"]) for r in rows} == {
        ("age", "favorable"),
        ("time-to-relapse", "favorable"),
        ("mrd", "favorable"),
    }
    assert {(r["endpoint"], r["cohort"]) for r in rows} == {("dfs", "bm-pm-em")}
    mrd = next(r for r in rows if r["factor"] == "mrd")
    assert (mrd["operator"], Decimal(mrd["threshold"]), mrd["unit"]) == ("<", Decimal("0.01"), "%")
    assert {r["level"] for r in rows if r["factor"] != "mrd"} == {"younger patients", "relapsed later"}


def test_every_factor_of_an_analysis_is_a_prognostic_factor_with_a_direction(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?analysis (COUNT(?p) AS ?predictors) WHERE {
             ?a a rkg:Analysis ; rdfs:label ?analysis ; rkg:predictor ?p .
             ?p rkg:predictorFactor/a rkg:PrognosticFactor ; rkg:effectDirection/a rkg:EffectDirection }
           GROUP BY ?analysis""",
    )
    counts = {r["analysis"]: int(r["predictors"]) for r in rows}
    assert counts["multivariable analysis of DFS for BM ± EM relapse on AALL1331"] == 3
    assert len(counts) == 8
    details = select(
        engine, "SELECT ?f WHERE { ?a rkg:analysisKind rkg:MultivariableAnalysis ; rkg:detailsFinding ?f }"
    )
    assert [r["f"] for r in details] == [str(ID["finding/aall1331-multivariable-dfs"])]


# -- adverse events: type, arms compared, direction, rate, grade, reversibility ------------------


def test_toxicities_lower_with_blinatumomab_than_with_chemotherapy_blocks(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?event ?significant WHERE {
             ?e rkg:eventType/skos:notation ?event ; rkg:eventDirection rkg:Lower ;
                rkg:cohort id:cohort/aall1331-lr-blin ; rkg:comparedWith id:cohort/aall1331-lr-chemo .
             OPTIONAL { ?e rkg:significant ?significant } }""",
    )
    assert {r["event"]: r.get("significant") for r in rows} == {
        "toxicity": "true",
        "hematologic-toxicity": None,
        "infectious-toxicity": None,
    }


def test_crs_and_neurotoxicity_are_rare_mostly_low_grade_and_reversible(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?type ?rate ?grade ?extent ?reversibility WHERE {
             ?e rkg:intervention id:intervention/blinatumomab ; rkg:eventType ?type ;
                rkg:eventRate/skos:notation ?rate ; rkg:eventGrade/skos:notation ?grade ;
                rkg:gradeExtent ?extent ; rkg:reversibility/skos:notation ?reversibility }""",
    )
    assert sorted((r["type"], r["rate"], r["grade"], r["extent"], r["reversibility"]) for r in rows) == [
        ("http://purl.obolibrary.org/obo/NCIT_C27961", "low", "low-grade", "most", "fully-reversible"),
        (str(RKG.CytokineReleaseSyndrome), "low", "low-grade", "most", "fully-reversible"),
    ]


def test_each_adverse_event_finding_details_a_safety_finding(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?e ?topic WHERE { ?e a rkg:AdverseEventFinding .
             OPTIONAL { ?e rkg:detailsFinding/rkg:topic/skos:notation ?topic } }""",
    )
    assert len(rows) == 6 and {r.get("topic") for r in rows} == {"safety"}


# -- populations: age group and disease setting as controlled keys -------------------------------


def test_every_study_has_one_age_group_and_a_disease_setting(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?s WHERE { ?s a rkg:Study .
             FILTER NOT EXISTS { ?s rkg:ageGroup/a rkg:AgeGroup ; rkg:diseaseSetting/a rkg:DiseaseSetting } }""",
    )
    assert rows == []


def test_studies_by_age_group_and_setting(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?study ?age (GROUP_CONCAT(?setting; separator=" ") AS ?settings) WHERE {
             ?s a rkg:Study ; rkg:ageGroup/skos:notation ?age ; rkg:diseaseSetting/skos:notation ?setting .
             BIND(STRAFTER(STR(?s), "/study/") AS ?study) } GROUP BY ?study ?age""",
    )
    found = {r["study"]: (r["age"], set(r["settings"].split())) for r in rows}
    assert found["aall1331"] == ("mixed", {"first-relapse"})
    assert found["all-r3"] == ("pediatric", {"first-relapse"})
    assert found["tower"] == ("adult", {"relapsed-refractory"})
    assert found["topp-pooled-analysis"] == (
        "adult",
        {"relapsed-refractory", "first-salvage", "later-salvage"},
    )
    assert found["blast"] == ("adult", {"relapsed-refractory", "mrd-positive"})
    assert found["e1910"] == ("adult", {"newly-diagnosed", "mrd-negative-remission"})
    assert found["allg-all08"] == ("older-adult", {"newly-diagnosed"})
    assert found["leahy-cns-car-t-pooled"][0] == "not-stated"


def test_older_adults_count_as_adults_and_first_relapse_as_relapsed(engine: LocalEngine) -> None:
    adults = select(
        engine, "SELECT ?s WHERE { ?s rkg:ageGroup/skos:broader* rkg:Adult }"
    )  # SKOS hierarchy of the keys
    relapsed = select(engine, "SELECT ?s WHERE { ?s rkg:diseaseSetting/skos:broader* rkg:Relapsed }")
    assert str(ID["study/allg-all08"]) in {r["s"] for r in adults}
    assert str(ID["study/aall1331"]) in {r["s"] for r in relapsed}


def test_aall1331_ages_are_1_to_30_years(engine: LocalEngine) -> None:
    rows = ask(engine, "study-populations", age_group="mixed")
    assert [(r["study"], r["min_age"], r["max_age"]) for r in rows] == [
        ("Children's Oncology Group AALL1331", "1", "30")
    ]


# -- lists inside one value: one link per item -----------------------------------------------------


def test_blinatumomab_targets_cd19_and_cd3_one_link_each(engine: LocalEngine) -> None:
    rows = select(
        engine, "SELECT ?target WHERE { id:intervention/blinatumomab rkg:targets/rdfs:label ?target }"
    )
    assert sorted(r["target"] for r in rows) == ["CD19", "CD3"]


def test_findings_on_combinations_credit_the_combined_regimens(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?finding ?treatment WHERE { ?f rkg:attributedTo ?t .
             BIND(STRAFTER(STR(?f), "/finding/") AS ?finding) BIND(STRAFTER(STR(?t), "/intervention/") AS ?treatment) }""",
    )
    credited: dict[str, set[str]] = {}
    for r in rows:
        credited.setdefault(r["finding"], set()).add(r["treatment"])
    assert credited["aall1331-no-overall-benefit"] == {"blinatumomab-chemotherapy"}
    assert credited["blinatumomab-standard-of-care-lr-bm"] == {"blinatumomab-chemotherapy"}
    assert credited["blinatumomab-frontline-adults"] == {
        "frontline-blinatumomab-consolidation",
        "sequential-blinatumomab-reduced-intensity",
        "hyper-cvad-sequential-blinatumomab",
    }


def test_the_icns_finding_credits_every_component_of_cns_directed_therapy(engine: LocalEngine) -> None:
    rows = select(
        engine,
        """SELECT ?treatment WHERE {
             id:finding/aall1331-icns-reduced-cns-therapy rkg:attributedTo/rdfs:label ?treatment }""",
    )
    assert {r["treatment"] for r in rows} == {
        "intrathecal chemotherapy",
        "high-dose cytarabine",
        "methotrexate",
        "cranial radiotherapy",
        "hematopoietic stem cell transplant (HSCT)",
    }


# -- the named queries show the patterns ----------------------------------------------------------


def test_named_queries_of_the_new_structures(engine: LocalEngine) -> None:
    phases = ask(engine, "treatment-phases", study="aall1331")
    assert {r["phase_type"] for r in phases} == {
        "reinduction",
        "consolidation",
        "maintenance",
        "hematopoietic stem cell transplant",
        "CNS-directed therapy",
        "local therapy of a persisting extramedullary site",
    }
    multivariable = ask(engine, "analysis-predictors", kind="multivariable")
    assert sorted(r["level"] for r in multivariable) == ["MRD < 0.01%", "relapsed later", "younger patients"]
    events = ask(engine, "adverse-event-findings", therapy="blinatumomab")
    assert {r["event"] for r in events} >= {"cytokine-release-syndrome", "neurotoxicity", "toxicity"}
    assert {r["study"] for r in ask(engine, "study-populations", setting="first-salvage")} == {
        "Pooled analysis of blinatumomab as first versus later salvage (Topp et al.)",
        "Retrospective analysis of TOWER by salvage line (Dombret et al.)",
    }
    listed = ask(engine, "listed-treatments")
    assert {r["item"] for r in listed if r["about"] == "blinatumomab"} == {"CD19", "CD3"}


def test_the_new_entities_resolve_as_linked_data(client) -> None:
    for path in (
        "/id/phase/aall1331-reinduction",
        "/id/analysis/aall1331-dfs-multivariable-analysis",
        "/id/adverse-event/aall1331-crs",
        "/id/declaration/funding",
        "/id/person/ibrahim-aldoss",
        "/id/organisation/amgen",
    ):
        response = client.get(path, headers={"accept": "text/turtle"})
        assert response.status_code == 200 and "quote" in response.text, path


# -- the shapes reject a broken fact, naming file and line ----------------------------------------


def line_of(file: str, needle: str) -> int:
    from graph import paths

    lines = (paths.ROOT / file).read_text(encoding="utf-8").splitlines()
    return next(
        i
        for i, line in enumerate(lines, start=1)
        if line.strip() == needle or line.strip().startswith(needle + ",")
    )


REINDUCTION = ID["phase/aall1331-reinduction"]
ANALYSIS = ID["analysis/aall1331-dfs-multivariable-analysis"]
CRS = ID["adverse-event/aall1331-crs"]
TOXICITY = ID["adverse-event/aall1331-toxicity-lower"]
BLINATUMOMAB = ID["intervention/blinatumomab"]

SHAPE_RULES = {
    "a phase without type": (
        lambda g: g.remove((REINDUCTION, RKG.phaseType, None)),
        "exactly one phase type",
        (HOGAN, "- id: aall1331-reinduction"),
    ),
    "a phase giving nothing": (
        lambda g: g.remove((REINDUCTION, RKG.phaseComponent, None)),
        "at least one intervention",
        (HOGAN, "- id: aall1331-reinduction"),
    ),
    "a phase lasting 'four weeks' as text": (
        lambda g: g.set((REINDUCTION, RKG.duration, Literal("four weeks"))),
        "one xsd:duration",
        (HOGAN, "- id: aall1331-reinduction"),
    ),
    "a phase after two phases": (
        lambda g: g.add((ID["phase/aall1331-chemo-maintenance"], RKG.precededBy, REINDUCTION)),
        "at most one phase",
        (HOGAN, "- id: aall1331-chemo-maintenance"),
    ),
    "a predictor that is no prognostic factor": (
        lambda g: g.set((URIRef(f"{ANALYSIS}/predictor-1"), RKG.predictorFactor, ID["endpoint/dfs"])),
        "exactly one prognostic factor",
        (HOGAN, "- id: aall1331-dfs-multivariable-analysis"),
    ),
    "a predictor without direction": (
        lambda g: g.remove((URIRef(f"{ANALYSIS}/predictor-3"), RKG.effectDirection, None)),
        "exactly one direction (favorable, unfavorable, no difference)",
        (HOGAN, "- id: aall1331-dfs-multivariable-analysis"),
    ),
    "a cut-off as text": (
        lambda g: g.set((URIRef(f"{ANALYSIS}/predictor-3"), RKG.threshold, Literal("0.01%"))),
        "one decimal number",
        (HOGAN, "- id: aall1331-dfs-multivariable-analysis"),
    ),
    "an adverse event of no type": (
        lambda g: g.remove((CRS, RKG.eventType, None)),
        "exactly one event type",
        (HOGAN, "- {id: aall1331-crs"),
    ),
    "an adverse event that says nothing": (
        lambda g: [g.remove((CRS, p, None)) for p in (RKG.eventRate, RKG.eventGrade, RKG.reversibility)],
        "direction, rate, grade or reversibility",
        (HOGAN, "- {id: aall1331-crs"),
    ),
    "a comparison of arms without direction": (
        lambda g: g.remove((TOXICITY, RKG.eventDirection, None)),
        "say in which direction",
        (HOGAN, "- {id: aall1331-toxicity-lower"),
    ),
    "a cohort in a risk group that is no risk group": (
        lambda g: g.set((ID["cohort/aall1331-lr"], RKG.riskGroup, RKG.FirstRelapse)),
        "one of the risk groups",
        (HOGAN, "- id: aall1331-lr"),
    ),
    "a target that is a string again": (
        lambda g: g.add((BLINATUMOMAB, RKG.targets, Literal("CD19 and CD3"))),
        "one link each",
        ("graph/sources/murphy-aldoss-2024.yaml", "- id: blinatumomab"),
    ),
}


@pytest.mark.parametrize("rule", list(SHAPE_RULES))
def test_shapes_reject_a_broken_structured_fact(rule: str, shacl_after) -> None:
    mutate, message, (file, needle) = SHAPE_RULES[rule]
    problems = shacl_after(mutate)
    assert any(message in p and p.startswith(f"{file}:{line_of(file, needle)}:") for p in problems), problems


def test_the_curated_structured_facts_conform(shacl_after) -> None:
    assert shacl_after(lambda g: None) == []


def test_a_study_without_age_group_is_named_by_file_and_line(sources_copy: Path) -> None:
    hogan = sources_copy / "references" / "ref-11-hogan-2023.yaml"
    hogan.write_text(
        hogan.read_text(encoding="utf-8").replace("    age_group: mixed\n", ""), encoding="utf-8"
    )
    problems = [str(p) for p in validate(sources_copy, reason=False).problems]
    study_line = line_of(HOGAN, "- id: aall1331")
    assert any(
        p.startswith(f"ref-11-hogan-2023.yaml:{study_line}:") or f"ref-11-hogan-2023.yaml:{study_line}:" in p
        for p in problems
        if "exactly one age group" in p
    ), problems


def test_an_adverse_event_that_states_nothing_is_refused_at_its_line(sources_copy: Path) -> None:
    hogan = sources_copy / "references" / "ref-11-hogan-2023.yaml"
    text = hogan.read_text(encoding="utf-8")
    hogan.write_text(text.replace("    direction: lower\n", "", 1), encoding="utf-8")
    problems = [str(p) for p in validate(sources_copy, reason=False).problems]
    line = line_of(HOGAN, "- {id: aall1331-toxicity-lower") - 1  # the item loses the line removed above it
    assert any(
        f"ref-11-hogan-2023.yaml:{line}: adverse_events.0" in p
        and "direction, rate, grade or reversibility" in p
        for p in problems
    ), problems


def test_a_result_given_as_a_range_is_named_by_both_ends(engine: LocalEngine) -> None:
    """ "Cure rates of only 20% to 30%" is no cure rate of 20%; a follow-up range of "25 days–6.6
    years" keeps each end's unit."""
    labels = {
        row["r"]: row["label"]
        for row in select(
            engine,
            f"""SELECT ?r ?label WHERE {{
              VALUES ?r {{ <{ID}result/relapse-on-therapy-cure-rate> <{ID}result/aall1331-follow-up-range> }}
              ?r rdfs:label ?label }}""",
        )
    }
    assert labels[f"{ID}result/relapse-on-therapy-cure-rate"].startswith("cure-rate proportion 20–30% ")
    assert labels[f"{ID}result/aall1331-follow-up-range"].startswith("follow-up range 25 days–6.6 years ")


def test_an_end_of_a_range_given_in_words_has_no_unit() -> None:
    """ "3.5 years–not reached", not "3.5–not reached years" (no range in the article has one yet)."""
    from graph.convert import _result_label
    from graph.model import Result

    def label(low: dict, high: dict) -> str:
        return _result_label(
            Result.model_validate(
                {"id": "r", "endpoint": "os", "statistic": "median", "qualifier": "range", "unit": "years",
                 "range": {"low": low, "high": high}, "study": "s", "quote": "median OS was not reached"}
            )
        )  # fmt: skip

    assert label({"value": 3.5}, {"text": "not reached"}).startswith("os median 3.5 years–not reached ")
    assert label({"text": "not reached"}, {"value": 4, "unit": "months"}).startswith(
        "os median not reached–4 months "
    )
    assert label({"value": 2.5}, {"value": 4.7}).startswith("os median 2.5–4.7 years ")
