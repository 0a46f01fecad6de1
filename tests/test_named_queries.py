"""Every named research question is documented and answers with the article's figures."""

from __future__ import annotations

import pytest

from graph.engine import LocalEngine
from graph.named import NamedQueries, NamedQueryError
from graph.results import term_text, to_table

QUERIES = NamedQueries().all()


def ask(engine: LocalEngine, name: str, **params: str) -> list[dict[str, str]]:
    return to_table_rows(engine, QUERIES[name].sparql(params))


def to_table_rows(engine: LocalEngine, sparql: str) -> list[dict[str, str]]:
    return [{k: term_text(v) for k, v in row.items()} for row in to_table(engine.query(sparql)).rows]


def test_there_are_at_least_twenty_research_questions() -> None:
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_query_is_documented_and_runs(name: str, engine: LocalEngine) -> None:
    query = QUERIES[name]
    assert query.title and len(query.description) > 40, "title and a plain-words description"
    for param in query.params:
        assert param.doc, f"parameter {param.name} is documented"
        assert f"?_{param.name}" in query.body, f"parameter {param.name} is used"
    assert ask(engine, name), "the default parameters give an answer"


def test_cns_efficacy_has_car_t_for_and_blinatumomab_against(engine: LocalEngine) -> None:
    rows = ask(engine, "cns-efficacy")
    columns = to_table(engine.query(QUERIES["cns-efficacy"].sparql())).variables
    assert {"therapy", "direction", "evidence", "quote", "reference_number"} <= set(columns)
    directions = {(r["therapy"], r["direction"]) for r in rows}
    assert ("CD19 CAR T cell therapy", "for") in directions
    assert ("blinatumomab", "against") in directions
    assert ("blinatumomab", "for") not in directions and (
        "CD19 CAR T cell therapy",
        "against",
    ) not in directions
    car_t = [r for r in rows if r["therapy"] == "CD19 CAR T cell therapy"]
    assert any("94%" in r["quote"] and r.get("reference_number") == "27" for r in car_t)
    assert any(
        "not particularly effective in treating CNS disease" in r["quote"]
        for r in rows
        if r["therapy"] == "blinatumomab"
    )


def test_arm_outcomes_per_subgroup(engine: LocalEngine) -> None:
    rows = ask(engine, "arm-outcomes-by-subgroup", endpoint="dfs")
    got = {(r["subgroup"], r["arm"].split()[-2]): (r["value"], r["p_value"]) for r in rows}
    assert got[("AALL1331 low-risk randomized patients", "blinatumomab")] == ("61.2", "0.089")
    assert got[("AALL1331 LR BM ± EM relapse", "chemotherapy")] == ("53.7", "0.015")
    assert got[("AALL1331 LR combined BM + EM relapse", "blinatumomab")] == ("69.5", "0.30")
    assert got[("AALL1331 LR late isolated extramedullary relapse", "chemotherapy")] == ("38.8", "0.62")
    assert len(rows) == 10


def test_significant_comparisons_are_those_below_alpha(engine: LocalEngine) -> None:
    rows = ask(engine, "significant-comparisons")
    assert sorted(
        (r["group"] if r.get("group") else "", r["endpoint"], r["p_value"]) for r in rows
    ) == sorted(
        [
            ("AALL1331 LR BM ± EM relapse", "dfs", "0.015"),
            ("AALL1331 LR BM ± EM relapse", "os", "0.02"),
            ("AALL1331 LR isolated BM relapse", "dfs", "0.031"),
            ("AALL1331 LR isolated BM relapse", "os", "0.044"),
            ("", "median-os", "<0.001"),
        ]
    )
    assert {r["p_value"] for r in ask(engine, "significant-comparisons", alpha="0.02")} == {"0.015", "<0.001"}


def test_risk_groups_give_the_thresholds_of_the_text(engine: LocalEngine) -> None:
    rows = ask(engine, "risk-groups", group="low")
    thresholds = {(r["factor"], r["operator"], r["threshold"]) for r in rows if r.get("threshold")}
    assert ("time from diagnosis to relapse", ">=", "36") in thresholds
    assert ("time from diagnosis to relapse", ">=", "18") in thresholds
    assert ("minimal residual disease (MRD) after reinduction chemotherapy", "<", "0.1") in thresholds
    assert {r.get("risk_group") for r in ask(engine, "risk-groups")} >= {"low", "intermediate", "high"}


def test_cns_outcomes(engine: LocalEngine) -> None:
    values = {(r["cohort"], r.get("value", ""), r.get("p_value", "")) for r in ask(engine, "cns-outcomes")}
    assert ("AALL1331 LR isolated CNS relapse", "66.7", "") in values
    assert ("AALL1331 LR isolated CNS relapse", "71", "") in values
    assert ("CNS involvement at relapse", "88", "") in values
    assert ("CNS involvement at relapse", "", "0.92") in values


def test_therapies_by_study(engine: LocalEngine) -> None:
    rows = {r["study"]: r for r in ask(engine, "therapies-by-study")}
    assert rows["TOWER"]["intervention"] == "blinatumomab"
    assert rows["TOWER"]["comparator"] == "conventional chemotherapy (TOWER comparator)"
    assert "randomized" in rows["AALL1331"]["designs"]


def test_adverse_events_of_blinatumomab(engine: LocalEngine) -> None:
    rows = ask(engine, "adverse-events", therapy="blinatumomab")
    quotes = " ".join(r["quote"] for r in rows)
    assert "cytokine release syndrome and neurotoxicity" in quotes and "fully reversible" in quotes
    assert {r["reference_number"] for r in rows} == {"11"}


def test_cohort_tree_of_aall1331(engine: LocalEngine) -> None:
    rows = {r["cohort"]: r for r in ask(engine, "cohort-tree")}
    assert rows["AALL1331 low-risk randomized patients"]["n"] == "255"
    assert rows["AALL1331 LR isolated BM relapse: blinatumomab arm"]["depth"] == "4"
    assert rows["AALL1331 LR isolated BM relapse"]["parent"] == "AALL1331 LR BM ± EM relapse"


def test_prognostic_factors(engine: LocalEngine) -> None:
    factors = {r["factor"]: r for r in ask(engine, "prognostic-factors")}
    assert factors["time from diagnosis to relapse"]["reference_numbers"].split(";") == [
        "2",
        "5",
        "6",
    ] or sorted(factors["time from diagnosis to relapse"]["reference_numbers"].split(";"), key=int) == [
        "2",
        "5",
        "6",
    ]
    assert "history of extramedullary disease before blinatumomab" in factors


def test_definitions(engine: LocalEngine) -> None:
    terms = {r["term"]: r["definition"] for r in ask(engine, "definitions")}
    assert (
        terms["blinatumomab failure"]
        == "primary refractory disease to blinatumomab or relapse after an initial response"
    )
    assert terms["IEM"] == "isolated extramedullary relapse"


def test_salvage_line(engine: LocalEngine) -> None:
    rows = ask(engine, "salvage-line")
    got = {(r["value"], r.get("ci_low", ""), r.get("ci_high", ""), r.get("n", "")) for r in rows}
    assert {
        ("11.1", "8.2", "not reached", "104"),
        ("5.1", "3.2", "7.1", "167"),
        ("10.4", "", "", ""),
        ("5.7", "", "", ""),
    } <= got
    assert any(r["statistic"] == "hazard ratio" and r["value"] == "1.58" for r in rows)


def test_evidence_by_therapy_includes_regimens_containing_it(engine: LocalEngine) -> None:
    rows = ask(engine, "evidence-by-therapy", therapy="blinatumomab", topic="efficacy")
    assert any(r["direction"] == "no-difference" for r in rows)
    assert any("TOWER" in r.get("study", "") for r in rows)


def test_results_by_reference(engine: LocalEngine) -> None:
    values = {
        r.get("value") for r in ask(engine, "results-by-reference", number="16") if r["kind"] == "result"
    }
    assert values == {"11.1", "5.1"}


def test_extramedullary_failure(engine: LocalEngine) -> None:
    rows = ask(engine, "extramedullary-failure")
    assert [(r.get("value"), r.get("n")) for r in rows[:3]] == [("89", "132"), ("38", "89"), ("15", "89")]
    assert rows[3]["p_value"] == "0.019"


def test_population_outcomes(engine: LocalEngine) -> None:
    rows = {
        (r["endpoint"], r.get("qualifier", ""), r["value"], r.get("range_high", ""))
        for r in ask(engine, "population-outcomes")
    }
    assert ("treatment failure due to disease relapse", "about", "15", "") in rows
    assert ("second complete remission after relapse", "range", "50", "70") in rows
    assert ("complete remission", "<", "40", "") in rows
    assert ("overall survival", "<", "20", "") in rows


def test_quote_search(engine: LocalEngine) -> None:
    rows = ask(engine, "quote-search", text="Pediatric Real World")
    assert rows and all("pediatric real world" in r["quote"].lower() for r in rows)
    assert (
        ask(engine, "quote-search", text='"quoted" \\ text') == []
    )  # parameters are escaped, never injected


def test_provenance_gives_exact_characters_and_offsets(engine: LocalEngine) -> None:
    [row] = ask(engine, "provenance")
    from graph.paths import texts_dir

    text = (texts_dir() / "murphy-aldoss-2024-tp-23-521.txt").read_text(encoding="utf-8")
    assert text[int(row["start"]) : int(row["end"])] == row["exact"]
    assert "72.9%" in row["exact"] and row["reference"].startswith("[11]")


def test_design_summary(engine: LocalEngine) -> None:
    rows = {r["design"]: r for r in ask(engine, "design-summary")}
    assert "AALL1331" in rows["phase III trial"]["names"] and "TOWER" in rows["phase III trial"]["names"]
    assert int(rows["retrospective study design"]["studies"]) >= 4


def test_citation_intents(engine: LocalEngine) -> None:
    rows = {r["intent"]: r for r in ask(engine, "citation-intents")}
    assert "16" in rows["cites as evidence"]["references"].split(";")
    assert rows["reviews"]["references"] == "11"


def test_treatment_rules(engine: LocalEngine) -> None:
    treatments = {r["treatment"] for r in ask(engine, "treatment-rules")}
    assert "consolidation chemotherapy followed by HSCT as the best chance of cure" in treatments
    assert "cranial radiotherapy" in treatments and "testicular radiation" in treatments


def test_studies_and_references_and_interventions(engine: LocalEngine) -> None:
    assert len(ask(engine, "studies")) >= 18
    refs = ask(engine, "references")
    assert {int(r["number"]) for r in refs} == set(range(1, 30))
    assert {r["id"] for r in ask(engine, "interventions", kind="drug")} >= {
        "blinatumomab",
        "mitoxantrone",
        "pegaspargase",
    }


def test_unknown_or_ill_typed_parameters_are_refused() -> None:
    with pytest.raises(NamedQueryError, match="unknown parameter"):
        QUERIES["studies"].sparql({"studdy": "x"})
    with pytest.raises(NamedQueryError, match="needs a number"):
        QUERIES["significant-comparisons"].sparql({"alpha": "0.05 || true"})
    with pytest.raises(NamedQueryError, match="absolute IRI"):
        QUERIES["provenance"].sparql({"fact": "x> } ; DROP ALL ; <y"})
    with pytest.raises(NamedQueryError, match="needs an id of kind .intervention."):
        QUERIES["evidence-by-therapy"].sparql({"therapy": "blinatumomab> } ; DROP ALL ; <y"})


def test_an_entity_id_parameter_takes_the_short_id_and_reaches_the_query_as_a_constant_iri(
    engine: LocalEngine,
) -> None:
    therapy = next(p for p in QUERIES["evidence-by-therapy"].params if p.name == "therapy")
    assert (therapy.type, therapy.default_value) == ("id", "blinatumomab")
    sparql = QUERIES["evidence-by-therapy"].sparql({"therapy": "cd19-car-t"})
    assert "<https://w3id.org/relapsekg/id/intervention/cd19-car-t>" in sparql and "?_therapy" not in sparql
    rows = ask(engine, "evidence-by-therapy", therapy="cd19-car-t", topic="cns-efficacy")
    assert rows and {r["direction"] for r in rows} == {"for"}
    assert ask(engine, "evidence-by-therapy", therapy="no-such-therapy") == []


def test_an_optional_entity_id_left_empty_is_undef_so_a_values_block_admits_every_entity() -> None:
    study = next(p for p in QUERIES["evidence-table"].params if p.name == "study")
    assert (study.type, study.default_value, study.optional) == ("id", "", True)
    assert study.term("") == "UNDEF"
    assert study.term("aall1331") == "<https://w3id.org/relapsekg/id/study/aall1331>"
    therapy = next(p for p in QUERIES["evidence-by-therapy"].params if p.name == "therapy")
    with pytest.raises(NamedQueryError, match="needs an id of kind 'intervention'"):
        therapy.term("")  # a required id stays required
    assert not therapy.optional


def test_evidence_for_one_study_is_its_rows_of_the_whole_table(engine: LocalEngine) -> None:
    """The table restricted to a study, found from the study, is exactly the table's rows for it:
    a result's own study, else its cohort's; results about no study only in the whole table."""
    whole = ask(engine, "evidence-table")
    studies = {row.get("study", "") for row in whole}  # unbound for a result about no study
    assert {"aall1331", "prwcc", ""} <= studies
    key = lambda row: sorted(row.items())  # noqa: E731
    for study in sorted(studies - {""}):
        mine = ask(engine, "evidence-table", study=study)
        assert sorted(map(key, mine)) == sorted(key(r) for r in whole if r.get("study") == study), study
        assert sorted(map(key, ask(engine, "evidence-table", study=study, endpoint="dfs"))) == sorted(
            key(r) for r in mine if r.get("endpoint") == "dfs"
        )
    every_result = {
        row["r"].rsplit("/", 1)[-1] for row in to_table_rows(engine, "SELECT ?r WHERE { ?r a rkg:Result }")
    }
    assert sorted(row["result_id"] for row in whole) == sorted(every_result)  # one row per result, none lost
    assert len([r for r in whole if "study" not in r]) == 5  # general statements of the article
    assert ask(engine, "evidence-table", study="no-such-study") == []


def test_a_query_file_added_edited_or_removed_is_seen_at_once(tmp_path) -> None:
    """The server reads the folder on every request; parses are reused only for an unchanged file."""
    folder = tmp_path / "queries"
    folder.mkdir()
    first = folder / "first.rq"
    first.write_text("# title: Alpha\nSELECT * WHERE { ?s ?p ?o }\n")
    queries = NamedQueries(folder)
    assert queries.get("first").title == "Alpha"
    first.write_text("# title: Omega\nSELECT * WHERE { ?s ?p ?o }\n")  # same size, a moment later
    assert queries.get("first").title == "Omega"
    (folder / "second.rq").write_text("# title: Second\nASK {}\n")
    assert sorted(queries.all()) == ["first", "second"]
    first.unlink()
    assert sorted(queries.all()) == ["second"]
    with pytest.raises(NamedQueryError, match="no named query 'first'; known: second"):
        queries.get("first")


def test_only_query_files_of_the_folder_are_named_queries(tmp_path) -> None:
    """A name is looked up as one file of the folder: no other path, and no file that is not a query."""
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "q.rq").write_text("# title: Q\nASK {}\n")
    (tmp_path / "outside.rq").write_text("# title: Outside\nASK {}\n")
    (folder / "Notes.rq").write_text("# title: Not a query name\nASK {}\n")
    queries = NamedQueries(folder)
    for name in ("../outside", "Notes", "q.rq", "", "q\n"):
        with pytest.raises(NamedQueryError, match="known: q$"):
            queries.get(name)
    assert queries.get("q").title == "Q"
