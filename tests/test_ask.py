"""Questions in plain words: `relapsekg ask`, `GET /api/ask` and what a researcher relies on.

An answer is a fact of the graph with its verbatim quote, its numbers and the SPARQL that gives
it back; a named query that answers the question comes with its rows; a question the graph cannot
answer says so; bad input is refused with a 4xx (HTTP) or exit status 2 (command line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import paths
from graph.ask.source import FOLDER
from graph.cli import app
from graph.commands import load_all
from graph.exports.tables import rows_of
from graph.namespaces import ID
from graph.store import current_build

load_all()
TEXT = (paths.SOURCES_DIR / "texts" / "murphy-aldoss-2024-tp-23-521.txt").read_text(encoding="utf-8")
IBM_DFS = "What was the 4-year DFS for blinatumomab versus chemotherapy in isolated BM relapse?"
CONTRACT = {"rank", "kind", "label", "quote", "iri", "reference_numbers", "score"}


def ask_cli(store: Path, *args: str):
    return CliRunner().invoke(app, ["ask", *args, "--store", str(store)])


def ask_json(store: Path, question: str, *args: str) -> dict:
    result = ask_cli(store, question, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_build_writes_the_index_beside_the_graph(store: Path) -> None:
    assert (current_build(store).path / FOLDER / "ask.sqlite").is_file()


def test_a_result_comes_with_its_numbers_arm_comparator_study_and_verbatim_quote(store: Path) -> None:
    answer = ask_json(store, IBM_DFS, "--top", "3")
    assert answer["question"] == IBM_DFS and answer["unanswered"] is False
    top = answer["answers"][0]
    assert top["kind"] == "result" and top["endpoint"] == "disease-free survival"
    assert top["value"] in ("72.9", "57.1") and top["unit"] == "%" and top["p_value"] == "0.031"
    assert top["timepoint"] == "4 years" and top["study"] == "Children's Oncology Group AALL1331"
    assert {top["arm"], top["comparator"]} == {
        "AALL1331 LR isolated BM relapse: blinatumomab arm",
        "AALL1331 LR isolated BM relapse: chemotherapy arm",
    }
    assert top["reference_numbers"] == [11]
    assert "72.9% and 96.3% for blinatumomab" in top["quote"] and top["quote"] in TEXT


def test_every_answer_keeps_the_contract_and_quotes_the_text_verbatim(client) -> None:
    for question in (
        IBM_DFS,
        "Which therapies show CNS efficacy?",
        "What does IEM stand for?",
        "Jacoby 2022",
    ):
        response = client.get("/api/ask", params={"q": question, "top": 5})
        assert response.status_code == 200
        body = response.json()
        assert {"question", "answers", "query", "sparql", "unanswered"} <= set(body)
        assert [a["rank"] for a in body["answers"]] == list(range(1, len(body["answers"]) + 1))
        scores = [a["score"] for a in body["answers"]]
        assert scores == sorted(scores, reverse=True), "best first"
        for a in body["answers"]:
            assert set(a) >= CONTRACT, a
            assert a["iri"].startswith(str(ID)) and a["quote"] in TEXT


def test_the_sparql_of_an_answer_gives_the_fact_and_its_quote_back(store: Path, engine) -> None:
    answer = ask_json(store, IBM_DFS, "--top", "3")
    for a in answer["answers"]:
        rows = rows_of(engine, a["sparql"])
        assert [r["fact"] for r in rows] == [a["iri"]]
        assert a["quote"] in rows[0]["quote"]
        for field in ("value", "p_value", "arm", "timepoint"):
            if field in a:
                assert rows[0][field] == str(a[field])
    everything = rows_of(engine, answer["sparql"])
    assert {r["fact"] for r in everything} == {a["iri"] for a in answer["answers"]}


QUOTES_OF = """PREFIX rkg: <https://w3id.org/relapsekg/ontology#>
SELECT ?fact ?quote WHERE { VALUES ?fact { %s } ?fact rkg:quote ?quote }"""


def test_an_answer_names_the_other_facts_its_sentence_states(store: Path, engine) -> None:
    """Asked for the eligible age range, a reader is answered with the eligible-population cohort,
    whose sentence also states the study (its population and ages): the card names it, with its IRI."""
    top = ask_json(store, "age range eligible for AALL1331", "--top", "1")["answers"][0]
    assert top["iri"] == f"{ID}cohort/aall1331-eligible"
    mates = top["same_sentence"]
    assert {
        "kind": "study",
        "label": "Children's Oncology Group AALL1331",
        "iri": f"{ID}study/aall1331",
    } in mates
    assert top["iri"] not in {m["iri"] for m in mates}
    rows = rows_of(engine, QUOTES_OF % " ".join(f"<{i}>" for i in [top["iri"], *(m["iri"] for m in mates)]))
    quotes = {r["fact"]: set() for r in rows}
    for r in rows:
        quotes[r["fact"]].add(r["quote"])
    assert all(quotes[m["iri"]] & quotes[top["iri"]] for m in mates), "each shares a quote with the answer"


def test_the_third_answer_is_not_more_of_the_same_sentence_and_kind(store: Path) -> None:
    """The IR/HR sentence states their cohort, two treatment phases and the high-risk rule: with
    the cohort and one phase first, the third answer is the rule, not the other phase; a reader who
    named the rule finds it among the first three."""
    answer = ask_json(
        store, "Did intermediate and high-risk patients in AALL1331 get transplant?", "--top", "4"
    )
    kinds = [a["kind"] for a in answer["answers"]]
    assert kinds[:3] == ["cohort", "phase", "rule"], kinds
    assert answer["answers"][2]["iri"] == f"{ID}risk-rule/aall1331-high-risk"
    assert kinds[3] == "phase", "the phase it displaced follows"


def test_the_third_answer_stays_when_it_states_what_the_question_asks_for(store: Path) -> None:
    """ "How many": the other arm's cohort states its n, and is not displaced by a result of the
    same sentence."""
    answer = ask_json(store, "How many had a late IEM relapse?", "--top", "3")
    assert [(a["kind"], a.get("n")) for a in answer["answers"]] == [
        ("cohort", "81"),
        ("cohort", "40"),
        ("cohort", "41"),
    ]


def test_a_fact_whose_sentence_states_nothing_else_names_no_other_fact(store: Path) -> None:
    top = ask_json(store, "What does IEM stand for?", "--top", "1")["answers"][0]
    assert top["kind"] == "definition" and top["same_sentence"] == []


def test_a_question_a_named_query_answers_comes_with_its_rows(store: Path) -> None:
    answer = ask_json(store, "Which therapies show CNS efficacy?")
    assert answer["query"]["name"] == "cns-efficacy"
    rows = answer["query"]["rows"]
    assert {"therapy", "direction", "quote"} <= set(rows[0])
    assert {"CD19 CAR T cell therapy", "blinatumomab"} <= {r["therapy"] for r in rows}
    assert all(a["kind"] == "finding" for a in answer["answers"][:3])


def test_a_named_query_gets_the_entity_the_question_names_as_parameter(store: Path) -> None:
    answer = ask_json(store, "Evidence for and against CAR T cells")
    assert answer["query"]["name"] == "evidence-by-therapy"
    assert answer["query"]["params"]["therapy"] == "cd19-car-t"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Who should get a transplant after an early marrow relapse?",
            "risk-rule/hsct-indication-first-relapse",
        ),
        ("Jacoby 2022", "publication/ref-27-jacoby-2022"),
        ("What does IEM stand for?", "definition/iem"),
        (
            "median OS first salvage vs later salvage blinatumomab",
            "result/tower-first-salvage-median-os result/topp-first-salvage-median-os",
        ),
        ("CR rate of intensive chemo in adults with R/R B-ALL", "result/adult-rr-intensive-chemo-cr"),
        ("AALL1331 follow-up IQR", "result/aall1331-follow-up-iqr"),
        # A reinduction drug by the class clinicians name it with
        ("Which steroid was given in AALL1331 reinduction?", "intervention/dexamethasone"),
        ("Which asparaginase was given in AALL1331 reinduction?", "intervention/pegaspargase"),
        ("anthracenedione in AALL1331 reinduction", "intervention/mitoxantrone"),
        ("Which asparaginase formulation was used in AALL1331 reinduction?", "intervention/pegaspargase"),
        # The licence by what it allows; the prescribing information by what clinicians call it
        ("Can I redistribute an edited version of this article?", "declaration/open-access"),
        ("What is on the blinatumomab product label?", "publication/ref-10-blincyto-2023"),
        # Leukemia-free survival is DFS by another name (EFS is not: see below)
        (
            "4-year leukemia-free survival with blinatumomab in isolated BM relapse",
            "result/aall1331-ibm-dfs-blin",
        ),
    ],
)
def test_abbreviations_synonyms_authors_and_misspellings_find_the_fact(
    store: Path, question: str, expected: str
) -> None:
    answer = ask_json(store, question, "--top", "3")
    found = [a["iri"] for a in answer["answers"]]
    assert any(f"{ID}{one}" in found for one in expected.split()), answer["answers"]
    assert answer["unanswered"] is False


def test_a_misspelt_name_is_read_as_the_graph_spells_it(store: Path) -> None:
    answer = ask_json(store, "blinatumab dfs isolated extramedulary relapse", "--top", "3")
    linked = {iri for link in answer["linked"] for iri in link["iris"]}
    assert {f"{ID}intervention/blinatumomab", f"{ID}endpoint/dfs"} <= linked
    assert "https://w3id.org/relapsekg/ontology#SiteIsolatedEM" in linked
    assert all("iem-" in a["iri"] for a in answer["answers"]), answer["answers"]  # all about IEM relapse
    assert answer["unanswered"] is False


@pytest.mark.parametrize(
    "question",
    [
        "How did inotuzumab ozogamicin compare with blinatumomab in first relapse?",
        "What was the 5-year DFS in AALL1331?",
        "What was the 4-year DFS for intermediate-risk patients in AALL1331?",
    ],
)
def test_a_question_the_graph_cannot_answer_is_reported_unanswered(store: Path, question: str) -> None:
    answer = ask_json(store, question)
    assert answer["unanswered"] is True
    assert answer["query"] is None
    assert all(a["quote"] in TEXT for a in answer["answers"]), "the closest facts, quoted, not claimed"


def test_the_table_shows_the_fact_and_its_quote(store: Path) -> None:
    result = ask_cli(store, IBM_DFS, "--top", "1")
    assert result.exit_code == 0, result.output
    assert "72.9" in result.stdout and "For isolated BM relapse" in result.stdout
    unanswered = ask_cli(store, "How did inotuzumab ozogamicin compare with blinatumomab?")
    assert "does not answer" in unanswered.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("",),
        ("   ",),
        ("x" * 501,),
        ("CNS", "--top", "0"),
        ("CNS", "--top", "51"),
        ("CNS", "--format", "xml"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_status_2(store: Path, args: tuple[str, ...]) -> None:
    result = ask_cli(store, *args)
    assert result.exit_code == 2
    assert "error" in result.output


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "  "}, {"q": "x" * 501}, {"q": "CNS", "top": "0"}, {"q": "CNS", "top": "51"},
     {"q": "CNS", "top": "many"}],
)  # fmt: skip
def test_the_api_refuses_bad_input_with_400(client, params: dict) -> None:
    response = client.get("/api/ask", params=params)
    assert response.status_code == 400, response.text


def test_a_question_never_reaches_sparql(client) -> None:
    question = '"} UNION { ?s ?p ?o } # <script>alert(1)</script> DROP ALL'
    response = client.get("/api/ask", params={"q": question})
    assert response.status_code == 200
    body = response.json()
    assert body["question"] == question
    assert "UNION { ?s ?p ?o }" not in (body["sparql"] or "") and "DROP" not in (body["sparql"] or "")
    page = client.get("/ask", params={"q": question})
    assert page.status_code == 200
    assert (
        "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    )


def test_the_page_shows_cards_with_quotes_and_links(client) -> None:
    page = client.get("/ask", params={"q": IBM_DFS})
    assert page.status_code == 200
    html = page.text
    assert 'class="answer' in html and "72.9% and 96.3% for blinatumomab" in html
    assert 'href="/id/result/aall1331-ibm-dfs-' in html
    assert "/graph?focus=https%3A%2F%2Fw3id.org%2Frelapsekg%2Fid%2Fresult%2Faall1331-ibm-dfs-" in html
    assert client.get("/ask").status_code == 200
    assert client.get("/ask", params={"q": "x" * 600}).status_code == 400


def test_a_card_links_the_other_facts_its_sentence_states(client) -> None:
    html = client.get("/ask", params={"q": "age range eligible for AALL1331", "top": 1}).text
    assert "The same sentence also states:" in html
    assert 'href="/id/cohort/aall1331-eligible"' in html


def test_an_endpoint_gets_the_same_answers_as_the_store(store: Path, server: str) -> None:
    here = ask_json(store, IBM_DFS, "--top", "3")
    result = CliRunner().invoke(
        app, ["ask", IBM_DFS, "--top", "3", "--format", "json", "--endpoint", f"{server}/sparql"]
    )
    assert result.exit_code == 0, result.output
    there = json.loads(result.stdout)
    assert [a["iri"] for a in there["answers"]] == [a["iri"] for a in here["answers"]]
    assert there["answers"][0]["quote"] == here["answers"][0]["quote"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What was the 4-year DFS with blinatumomab in the low-risk cohort?", "result/aall1331-lr-dfs-blin"),
        ("p-value of DFS in the BM±EM subgroup", "result/aall1331-bm-pm-em-dfs-blin"),
    ],
)
def test_a_word_naming_a_kind_of_thing_prefers_that_kind_without_requiring_it(
    store: Path, question: str, expected: str
) -> None:
    """ "In the low-risk cohort" says whose DFS, not that the answer is a cohort: the result about
    those patients answers it, ahead of the cohort that shares its sentence."""
    answer = ask_json(store, question, "--top", "3")
    assert answer["answers"][0]["kind"] == "result", answer["answers"]
    assert f"{ID}{expected}" in [a["iri"] for a in answer["answers"]]
    assert answer["unanswered"] is False


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many patients had a BM + EM relapse?", "cohort/aall1331-bm-em"),
        ("How many patients had a BM ± EM relapse?", "cohort/aall1331-bm-pm-em"),
        ("How many patients had a BM +/- EM relapse?", "cohort/aall1331-bm-pm-em"),
    ],
)
def test_plus_minus_is_not_plus(store: Path, question: str, expected: str) -> None:
    """Marrow relapse with or without EM disease (BM ± EM) is not combined relapse (BM + EM)."""
    answer = ask_json(store, question, "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}{expected}", answer["answers"]


def test_a_why_question_is_answered_by_a_finding_before_the_numbers(store: Path) -> None:
    """ "Why" is a word of the question (a stopword) that asks for a kind of fact: the authors'
    explanation, not the results it explains."""
    answer = ask_json(store, "Why was the difference for BM + EM relapse not significant?", "--top", "3")
    assert answer["answers"][0]["kind"] == "finding", answer["answers"]
    assert f"{ID}finding/aall1331-bm-em-underpowered" in [a["iri"] for a in answer["answers"]]
    assert any(link["words"] == "why" for link in answer["linked"]), answer["linked"]


def test_a_long_word_that_is_part_of_a_name_the_graph_has_is_not_an_unknown_name(store: Path) -> None:
    """ "experimental" is in no quote, but "experimental arm" is a name of the blinatumomab arm: the
    question names nothing the graph lacks."""
    answer = ask_json(store, "how long were the blinatumomab blocks in the experimental arm?", "--top", "3")
    linked = {iri for link in answer["linked"] for iri in link["iris"]}
    assert f"{ID}intervention/blinatumomab-chemotherapy" in linked
    assert answer["unanswered"] is False


def test_a_question_for_a_trials_aim_gets_the_study(store: Path) -> None:
    answer = ask_json(store, "What was the primary aim of the AALL1331 trial?", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}study/aall1331"


def test_a_fact_without_the_code_the_question_writes_does_not_answer_it(store: Path) -> None:
    """The graph knows CNS3 disease, but no fact gives its share among low-risk patients: the
    low-risk results found for the rest of the question do not answer it."""
    answer = ask_json(store, "How many of the low-risk AALL1331 patients had CNS3 disease, in percent?")
    assert answer["unanswered"] is True


def test_a_did_it_improve_question_is_answered_by_the_finding_without_a_number(store: Path) -> None:
    """ "Improve" asks for the authors' claim; "outcomes" for numbers: the finding answers, and it
    needs no number of its own to count as an answer."""
    answer = ask_json(
        store, "Did adding blinatumomab improve outcomes in low-risk patients as a whole?", "--top", "3"
    )
    assert f"{ID}finding/aall1331-no-overall-benefit" in [a["iri"] for a in answer["answers"]], answer[
        "answers"
    ]
    assert answer["unanswered"] is False


@pytest.mark.parametrize(
    "question",
    [
        "4-year overall survival in isolated BM relapse, blinatumomab arm",
        "overall survival at 4 years for marrow relapse with or without EM disease, blinatumomab arm",
    ],
)
def test_the_result_comes_before_the_cohort_that_shares_its_sentence(store: Path, question: str) -> None:
    """The cohort quotes the sentence that gives the survival; the result points at the endpoint
    the question names, and comes first."""
    answer = ask_json(store, question, "--top", "3")
    top = answer["answers"][0]
    assert top["kind"] == "result" and top["endpoint"] == "overall survival", answer["answers"]


def test_a_word_no_fact_has_does_not_leave_an_answerable_question_unanswered(store: Path) -> None:
    """ "everybody" is in no fact: it cannot tell facts apart, and weighs less than the words that do."""
    answer = ask_json(store, "Which reinduction was given to everybody on AALL1331?", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}phase/aall1331-reinduction"
    assert answer["unanswered"] is False


def test_a_word_for_a_thing_must_be_answered_by_a_fact_about_that_thing(store: Path) -> None:
    """ "steroid" is a word a question may use for dexamethasone (a hidden label): a fact about the
    patients but not about the drug does not answer the question, as with a name of the thing."""
    answer = ask_json(
        store, "steroid given to patients with testicular involvement persisting after reinduction"
    )
    assert answer["unanswered"] is True
    found = ask_json(store, "which steroid in the AALL1331 reinduction", "--top", "1")
    assert found["answers"][0]["iri"] == f"{ID}phase/aall1331-reinduction" and found["unanswered"] is False


@pytest.mark.parametrize("words", ["EFS", "event-free survival"])
def test_a_question_on_what_the_article_does_not_report_lists_the_closest_facts_unanswered(
    store: Path, words: str
) -> None:
    """The article reports DFS, never EFS (which also counts induction failure): a question on EFS is
    read, the DFS results come as the closest facts, and it is said unanswered, with the reason."""
    answer = ask_json(store, f"4-year {words} in the AALL1331 LR blinatumomab arm")
    assert answer["unanswered"] is True
    assert answer["not_reported"] == [{"text": words, "closest": ["disease-free survival"]}]
    assert answer["answers"][0]["endpoint"] == "disease-free survival"
    assert answer["query"] is None, "no named query claims to answer it either"


def test_a_question_on_t_cell_all_is_not_answered_with_b_all(store: Path) -> None:
    """The article is about B-ALL: blinatumomab in T-cell ALL is read, and said unanswered."""
    answer = ask_json(store, "Does blinatumomab improve outcome in T-cell ALL relapse?")
    assert answer["unanswered"] is True
    assert answer["not_reported"] == [{"text": "T-cell ALL", "closest": ["B acute lymphoblastic leukemia"]}]
    assert ask_json(store, "Does blinatumomab improve outcome in B-ALL?")["not_reported"] == []


def test_does_it_work_asks_and_names_no_topic(store: Path) -> None:
    """ "Work" is a way of asking ("does blinatumomab work"), not the word of the declarations
    ("accountable for all aspects of the work") that would answer it."""
    answer = ask_json(store, "Does blinatumomab work in B-ALL?", "--top", "3")
    assert all(a["kind"] != "declaration" for a in answer["answers"]), answer["answers"]
    assert answer["linked"] and [link["text"] for link in answer["linked"]] == ["blinatumomab", "B-ALL"]
    assert answer["unknown"] == [] and answer["unanswered"] is False


def test_a_quote_names_a_thing_only_with_its_name_as_a_phrase(store: Path) -> None:
    """The IEM sentence has "isolated", "CNS" and "relapse" here and there, but gives no survival for
    isolated CNS relapse: its results do not answer a question about that."""
    answer = ask_json(store, "OS for isolated CNS relapse, blinatumomab vs chemo")
    assert answer["unanswered"] is True


def test_the_results_come_before_the_analysis_that_groups_them(store: Path) -> None:
    """The analysis quotes the sentence its results come from; the results give the numbers."""
    answer = ask_json(store, "median OS in first salvage versus later salvage, Dombret 2019", "--top", "2")
    assert [a["kind"] for a in answer["answers"]] == ["result", "result"], answer["answers"]


@pytest.mark.parametrize(
    "question",
    [
        "venetoclax with blinatumomab in first relapse",
        "cost-effectiveness of blinatumomab in first relapse",
        "blinatumomab DFS by sex in first relapse",
        "blinatumomab DFS in first relapse by sex.",
    ],
)
def test_a_topic_the_graph_lacks_leaves_the_question_unanswered(store: Path, question: str) -> None:
    """ "venetoclax", "cost" and "sex" are in no quote, name or synonym: a drug and topics the graph
    does not have, so the blinatumomab facts the rest of the question finds do not answer it ("sex"
    is short, and a topic all the same: graph/ask/topics.txt)."""
    assert ask_json(store, question)["unanswered"] is True


def test_a_question_asking_for_a_quantity_is_answered_by_a_fact_stating_that_quantity(store: Path) -> None:
    """The graph gives the p-value of the CAR consortium's 12-month RFS by CNS status, not the RFS
    itself, and the hazard ratio and medians of Topp's analysis, not its number of patients: a
    number of another kind does not answer. The p-value, asked for, does."""
    assert (
        ask_json(store, "Real World CAR consortium 12-month RFS percentage in CNS group")["unanswered"]
        is True
    )
    assert ask_json(store, "number of patients in Topp 2021")["unanswered"] is True
    # Named as cohorts, Topp's cohorts still do not say how many patients they had.
    assert ask_json(store, "how many patients were in the Topp 2021 cohorts")["unanswered"] is True
    p_value = ask_json(store, "PRWCC 12-month RFS p value CNS vs no CNS", "--top", "1")
    assert p_value["answers"][0]["iri"] == f"{ID}result/prwcc-rfs-by-site" and p_value["unanswered"] is False
    blocks = ask_json(
        store, "How was blinatumomab given in the experimental arm, how many blocks?", "--top", "1"
    )
    assert blocks["answers"][0]["iri"] == f"{ID}phase/aall1331-blin-consolidation"


def test_a_name_holding_a_rate_asks_for_the_rate(store: Path) -> None:
    """ "Cure rate" and "CR rate" name an endpoint and ask for its value: the result stating the cure
    rate comes before the analysis that quotes the same sentence, and Leahy's pooled analysis,
    which the graph quotes on CAR T clearing CNS disease but gives no rate for, does not answer."""
    cure = ask_json(store, "cure rate for children relapsing after completing primary therapy", "--top", "1")
    assert cure["answers"][0]["iri"] == f"{ID}result/cure-rate-relapse-after-completion"
    assert cure["unanswered"] is False
    leahy = ask_json(store, "CR rate in the Leahy 2021 pooled CAR T analysis for CNS relapse")
    assert leahy["unanswered"] is True
    # The rate asked for is the named endpoint's: Jacoby's CR rate is no OS rate, nor a follow-up
    # median a CR rate.
    assert ask_json(store, "OS rate in Jacoby 2022")["unanswered"] is True
    assert ask_json(store, "CR rate in the AALL1331 LR cohort")["unanswered"] is True


def test_an_acronym_names_what_it_is_written_for_though_it_stems_like_another(store: Path) -> None:
    """The stemmer reads "CRS" (cytokine release syndrome) as "CR" (complete remission): written in
    capitals, each names its own thing, so the CR rates of the CAR T series answer no question on
    its CRS rate, and still answer one on its CR rate."""
    crs = ask_json(store, "CRS rate with CAR T in CNS positive patients")
    assert crs["unanswered"] is True
    assert [link["labels"] for link in crs["linked"] if link["text"] == "CRS"] == [
        ["cytokine release syndrome"]
    ]
    cr = ask_json(store, "CR rate with CAR T in CNS disease", "--top", "1")
    assert cr["answers"][0]["endpoint"] == "complete remission" and cr["unanswered"] is False
    assert ask_json(store, "crs rate with CAR T")["unanswered"] is True  # lower case, the same
    second = ask_json(store, "second CR rate after relapse on therapy", "--top", "1")  # a longer name
    assert [link["labels"] for link in second["linked"] if link["text"] == "second CR"] == [
        ["second complete remission after relapse"]
    ]


def test_a_named_query_does_not_answer_a_question_on_what_the_graph_lacks(store: Path) -> None:
    """The significant-benefit query answers "which subgroups had a significant DFS benefit", but
    not the same question about ETV6-RUNX1 subgroups, which the graph has nowhere."""
    known = ask_json(store, "Which subgroups had a significant DFS benefit with blinatumomab?")
    assert known["query"]["name"] == "significant-dfs-benefit" and known["unanswered"] is False
    lacked = ask_json(store, "Which ETV6-RUNX1 subgroups had a significant DFS benefit with blinatumomab?")
    assert lacked["unknown"] == ["ETV6-RUNX1"]
    assert lacked["query"] is None and lacked["unanswered"] is True
    by_dose = ask_json(store, "Which subgroups had a significant DFS benefit with blinatumomab by dose?")
    assert by_dose["query"] is None and by_dose["unanswered"] is True


def test_a_study_answers_for_its_aim_with_the_sentence_that_states_it(store: Path) -> None:
    """ "One of the aims of this study was to compare survival ..." is the AALL1331 study's aim: the
    study answers, quoting that sentence, and gives its aim as its statement."""
    answer = ask_json(store, "aim of the Hogan low risk analysis", "--top", "1")
    top = answer["answers"][0]
    assert top["iri"] == f"{ID}study/aall1331" and answer["unanswered"] is False
    assert top["quote"].startswith("One of the aims of this study was to compare survival")
    assert "to compare survival of patients specifically with LR first relapse" in top["statement"]


def test_a_word_names_one_thing(store: Path) -> None:
    """ "isolated BM relapsed" names isolated marrow relapse; its "BM relapsed" is not also marrow
    relapse with or without EM, which the finding comparing EM disease with isolated BM is not
    about."""
    answer = ask_json(store, "blinatumomab in EM disease versus isolated BM relapsed patients", "--top", "1")
    assert [link["text"] for link in answer["linked"]] == [
        "blinatumomab",
        "EM disease",
        "isolated BM",
        "relapsed",
    ]
    assert answer["answers"][0]["iri"] == f"{ID}finding/blinatumomab-decreased-em-efficacy"
    assert answer["unanswered"] is False


def test_a_colloquial_word_is_read_as_the_article_writes_it(store: Path) -> None:
    """ "combo" is graph/ask/words.tsv's "combination", a word the article prints: no topic it lacks."""
    answer = ask_json(store, "did the blinatumomab and chemo combo help LR patients", "--top", "1")
    assert answer["unknown"] == [] and answer["unanswered"] is False
    assert answer["answers"][0]["iri"] == f"{ID}finding/aall1331-no-overall-benefit"


def test_a_topic_few_facts_hold_must_be_in_the_answer(store: Path) -> None:
    """ "dose" is in five facts, none about Jacoby's CAR T series: the facts about the series do not
    give its dose. The sentence on fewer intrathecal doses does answer a question about them; an
    infection (the article's "infectious" toxicities) is the topic of five facts, none giving a rate;
    "whole", a common word of English, is a way of asking, not a topic an answer must hold."""
    assert ask_json(store, "What is the CAR T cell dose in Jacoby 2022?")["unanswered"] is True
    assert ask_json(store, "Jacoby 2022 CAR T dose.")["unanswered"] is True  # a full stop changes nothing
    doses = ask_json(
        store, "Why did ICNS relapse patients get fewer intrathecal doses on AALL1331?", "--top", "1"
    )
    assert doses["answers"][0]["iri"] == f"{ID}finding/aall1331-icns-reduced-cns-therapy"
    assert doses["unanswered"] is False
    infections = ask_json(store, "were infections lower with blinatumomab in AALL1331", "--top", "1")
    assert infections["answers"][0]["iri"] == f"{ID}adverse-event/aall1331-infectious-toxicity-lower"
    assert ask_json(store, "infection rate in the chemotherapy arm")["unanswered"] is True  # no rate given
    whole = ask_json(store, "4-year DFS blinatumomab vs chemotherapy whole LR cohort", "--top", "1")
    assert whole["answers"][0]["iri"] == f"{ID}result/aall1331-lr-dfs-blin" and whole["unanswered"] is False


@pytest.mark.parametrize(
    "lacked, known",
    [
        ("T-ALL in first relapse: blinatumomab", "B-ALL in first relapse: blinatumomab"),
        ("Ph-positive CNS relapse", "MRD-positive CNS relapse"),
        ("ph-positive ALL and blinatumomab", "MRD-positive ALL and blinatumomab"),
        ("CAR T cells in T-ALL as in B-ALL", "CAR T cells in B-ALL"),
    ],
)
def test_a_compound_name_the_graph_never_has_is_a_topic_it_lacks(
    store: Path, lacked: str, known: str
) -> None:
    """The graph has "T" (CAR T), "ALL" and "positive", but never "T-ALL" or "Ph-positive": those
    questions are about something else than the article; "B-ALL" and "MRD-positive" it has."""
    assert ask_json(store, lacked)["unanswered"] is True
    assert ask_json(store, known)["unanswered"] is False


@pytest.mark.parametrize(
    "question",
    [
        "Re-induction drugs in AALL1331",
        "Up-front blinatumomab in children",
        "second remission after on-treatment relapse",
    ],
)
def test_a_hyphenated_word_is_no_code_when_the_graph_writes_it_joined_or_it_is_plain_english(
    store: Path, question: str
) -> None:
    """ "Re-induction" is the article's "reinduction", "up-front" its "frontline" (a variant), and
    "on-treatment" is made of an English word: none is a topic the graph lacks."""
    answer = ask_json(store, question, "--top", "3")
    assert answer["unanswered"] is False, answer["answers"]


@pytest.mark.parametrize(
    "question",
    [
        "What is the role of blinatumomab in relapsed B-ALL?",
        "Is blinatumomab safe?",
        "What are the treatment options for relapsed B-ALL?",
        "long-term survival after blinatumomab",
        "blinatumomab toxicity etc.",
    ],
)
def test_a_common_way_of_asking_is_no_topic_the_graph_lacks(store: Path, question: str) -> None:
    assert ask_json(store, question)["unanswered"] is False


def test_a_question_sqlite_cannot_store_is_answered_and_harms_no_later_question(store: Path) -> None:
    """A lone surrogate (from a Python caller, or a command line in another encoding) is read as
    "?", and the tokenizer it passed through still works for the next question."""
    from graph.ask.search import AskIndex

    index = AskIndex(current_build(store).path / FOLDER)
    assert index.search("T-ALL \ud800 blinatumomab", 3).unanswered is True
    assert index.search("blinatumomab in first relapse", 3).hits


def test_a_kind_asked_for_finds_the_parts_of_what_the_question_names(store: Path) -> None:
    """The drugs of the AALL1331 reinduction are about neither AALL1331 nor reinduction: the phase
    is, and points at them. Asked for "drugs", the answer gives them after the phase (other
    AALL1331 phases, which hold drugs too, may come between)."""
    answer = ask_json(store, "reinduction drugs AALL1331", "--top", "5")
    iris = [a["iri"] for a in answer["answers"]]
    drugs = {
        f"{ID}intervention/{d}" for d in ("vincristine", "pegaspargase", "mitoxantrone", "dexamethasone")
    }
    assert iris[0] == f"{ID}phase/aall1331-reinduction", iris
    assert len(drugs & set(iris)) >= 2, iris
    first_intervention = next(a["iri"] for a in answer["answers"] if a["kind"] == "intervention")
    assert first_intervention in drugs, "the first intervention is one of its drugs"


def test_a_word_asking_for_a_kind_finds_the_parts_of_what_the_question_names(store: Path) -> None:
    """ "Backbone regimen" names no class, yet asks for a regimen: the one the AALL1331 reinduction
    phase points at (UKALL R3) answers, before the phase itself."""
    answer = ask_json(store, "Which backbone regimen was used for reinduction in AALL1331?", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}intervention/ukall-r3-reinduction", answer["answers"]


def test_the_parts_of_a_kind_asked_for_are_found_however_many_facts_point_at_them(store: Path) -> None:
    """Reference 11 is what 84 facts derive from, too many to be linked back to each; still, asked
    who reported the LR results of AALL1331, the paper the LR cohort is derived from answers."""
    answer = ask_json(store, "Who reported the LR results of AALL1331?", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}publication/ref-11-hogan-2023", answer["answers"]


def test_what_a_study_reported_is_asked_for_by_its_results_not_a_publication(store: Path) -> None:
    """Only "who reported" asks for a publication: "what results were reported by the consortium"
    asks for its results; and "comment on" is the verb, not a name of the article the commentary
    comments on (reference 11)."""
    results = ask_json(
        store, "What results were reported by the Pediatric Real World CAR Consortium?", "--top", "3"
    )
    assert [a["kind"] for a in results["answers"]] == ["result", "result", "result"], results["answers"]
    comment = ask_json(store, "Did the authors comment on CAR T cell therapy?", "--top", "3")
    assert comment["unanswered"] is False
    assert f"{ID}publication/ref-11-hogan-2023" not in {i for link in comment["linked"] for i in link["iris"]}


def test_a_product_asked_for_is_the_intervention_of_the_study_named(store: Path) -> None:
    answer = ask_json(
        store, "Which CAR T product did the Pediatric Real World CAR Consortium evaluate?", "--top", "1"
    )
    assert answer["answers"][0]["iri"] == f"{ID}intervention/tisagenlecleucel", answer["answers"]


def test_the_authors_of_the_paper_a_question_describes_follow_it(store: Path) -> None:
    """ "Authors" asks for a person or a paper: the commentary the question describes answers, and
    the persons it points at as its authors follow it; a paper whose authors are no facts of the
    graph (only its printed author list) is followed by none."""
    answer = ask_json(
        store,
        "Who wrote the Transl Pediatr 2024 commentary on blinatumomab in low-risk first relapse B-ALL?",
        "--top",
        "3",
    )
    assert [a["iri"] for a in answer["answers"]] == [
        f"{ID}publication/murphy-aldoss-2024",
        f"{ID}person/ibrahim-aldoss",
        f"{ID}person/lindsey-murphy",
    ], answer["answers"]
    aldoss = answer["answers"][1]
    assert [m["iri"] for m in aldoss["same_sentence"]] == [f"{ID}person/lindsey-murphy"], (
        "its card names the co-author"
    )
    other = ask_json(store, "authors of the Jacoby 2022 CAR T paper", "--top", "2")
    assert other["answers"][0]["iri"] == f"{ID}publication/ref-27-jacoby-2022"
    assert all(a["kind"] != "person" for a in other["answers"]), other["answers"]


def test_a_paper_described_by_its_title_is_the_context_of_its_study(store: Path) -> None:
    """ "Extramedullary" is a word of the title of Aldoss 2022 ("Extramedullary disease relapse and
    progression after blinatumomab..."): the study it reports, and that study's whole series, are
    about what the title names, though the series is not an extramedullary cohort."""
    answer = ask_json(store, "Aldoss 2022 extramedullary blinatumomab study size", "--top", "3")
    iris = [a["iri"] for a in answer["answers"]]
    assert f"{ID}cohort/aldoss2022-all" in iris, iris


def test_treatment_asks_for_an_intervention(store: Path) -> None:
    """ "Treatment" and "therapy" name the kind of thing interventions are: the chemotherapy that
    is the standard of care comes before the phases that quote the same sentence."""
    answer = ask_json(store, "standard treatment for first relapse pediatric ALL", "--top", "3")
    assert answer["answers"][0]["iri"] == f"{ID}intervention/chemotherapy", answer["answers"]


def test_a_way_of_asking_the_graph_lacks_is_no_topic(store: Path) -> None:
    common = ask_json(store, "Which reinduction was given to everybody on AALL1331?", "--top", "1")
    assert common["unanswered"] is False


def test_a_misspelling_is_compared_with_the_graphs_words_not_their_stems(store: Path) -> None:
    """ "mechnism" is close to "mechanism", not to its stem "mechan": it is read as the word."""
    answer = ask_json(store, "blinatumomab mechnism of action", "--top", "3")
    assert answer["unanswered"] is False
    assert any(a["kind"] == "intervention" and "blinatumomab" in a["iri"] for a in answer["answers"])


def test_first_author_et_al_names_the_paper_they_wrote_first(store: Path) -> None:
    """Topp is second author of reference 16 and first of reference 17: "Topp et al." is 17."""
    answer = ask_json(store, "Topp et al. blinatumomab first salvage", "--top", "5")
    linked = {iri for link in answer["linked"] for iri in link["iris"]}
    assert f"{ID}publication/ref-17-topp-2021" in linked
    assert f"{ID}publication/ref-16-dombret-2019" not in linked


def test_how_many_is_answered_by_any_fact_stating_the_number_asked(store: Path) -> None:
    """ "How many blocks" asks for a number that is not a count of patients: the treatment phase
    that has its blocks answers it, before the cohorts that have an n."""
    answer = ask_json(store, "how many blinatumomab blocks in the experimental arm", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}phase/aall1331-blin-consolidation", answer["answers"]
    assert answer["unanswered"] is False


def test_an_index_an_older_release_wrote_is_made_again_not_read(store: Path, tmp_path: Path) -> None:
    """A store built before an upgrade keeps its old index; questions still get answers."""
    import shutil
    import sqlite3

    from graph.ask import AskerSource

    copy = tmp_path / "store"
    shutil.copytree(store, copy, symlinks=True)
    index = current_build(copy).path / FOLDER / "ask.sqlite"
    with sqlite3.connect(index) as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'version'")
        db.execute("DROP TABLE words")  # what the first release's index lacked
    answer = AskerSource(copy).get().ask(IBM_DFS, 1).response
    assert answer["unanswered"] is False and "-ibm-dfs-" in answer["answers"][0]["iri"]


def test_a_publication_asked_for_is_the_one_the_named_study_is_reported_in(store: Path) -> None:
    """ "TOWER trial citation": the publication does not point at the study (the study points at
    it), yet it is what the question asks for, and answers it."""
    answer = ask_json(store, "TOWER trial citation Kantarjian NEJM", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}publication/ref-15-kantarjian-2017"
    assert answer["unanswered"] is False


def test_where_a_cohort_was_published_is_the_publication_it_is_derived_from(store: Path) -> None:
    """ "Published" asks for a publication; the AALL1331 intermediate- and high-risk patients are
    derived from reference 9, which the three citation records of its sentences point at too.
    Those records are no facts, so they do not make Brown 2021 too common a target to link back."""
    answer = ask_json(store, "where are AALL1331 IR/HR results published", "--top", "3")
    iris = [a["iri"] for a in answer["answers"]]
    assert f"{ID}publication/ref-09-brown-2021" in iris, iris
    assert answer["unanswered"] is False


@pytest.mark.parametrize(
    "question, expected",
    [
        ("the AALL1331 trial", "study/aall1331"),
        (
            "Kantarjian 2017 blinatumomab versus chemotherapy for advanced ALL",
            "publication/ref-15-kantarjian-2017",
        ),
    ],
)
def test_a_question_naming_a_thing_and_no_more_gets_the_thing_itself_first(
    store: Path, question: str, expected: str
) -> None:
    """AALL1331 is pointed at by more facts than are read as candidates; the study itself still
    comes first, before its phases and cohorts."""
    answer = ask_json(store, question, "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}{expected}"


def test_a_paper_named_and_described_by_the_words_of_its_title_answers(store: Path) -> None:
    """Lew 2021 points at no marrow relapse, but its title is on "late bone marrow and very early
    central nervous system relapse": a paper the question names is about what its title names,
    the words in their order. Brown 2021's title is on "disease-free survival ... in first
    relapse", which does not name relapse-free survival."""
    lew = ask_json(store, "Lew 2021 AALL0433 late marrow relapse paper", "--top", "1")
    assert lew["answers"][0]["iri"] == f"{ID}publication/ref-07-lew-2021", lew["answers"]
    assert lew["unanswered"] is False
    assert ask_json(store, "Brown 2021 relapse-free survival", "--top", "1")["unanswered"] is True


def test_a_question_asking_a_number_of_a_named_thing_is_not_answered_by_the_thing(store: Path) -> None:
    answer = ask_json(store, "How many low-risk patients were randomized in AALL1331?", "--top", "1")
    assert answer["answers"][0]["kind"] == "cohort" and answer["answers"][0]["n"], answer["answers"]


def test_the_articles_declarations_are_found_by_the_words_researchers_use(store: Path) -> None:
    """ "conflicts of interest" is the competing-interest declaration; "Aldoss" names the author
    listed as "Aldoss I" as well as the papers he wrote first."""
    coi = ask_json(store, "Aldoss conflicts of interest with Amgen", "--top", "3")
    assert coi["answers"][0]["iri"].startswith(f"{ID}declaration/aldoss-"), coi["answers"]
    assert coi["unanswered"] is False
    funding = ask_json(store, "How was the commentary funded?", "--top", "1")
    assert (
        funding["answers"][0]["iri"] == f"{ID}declaration/funding"
        and "Funding: None." in funding["answers"][0]["quote"]
    )


def test_a_population_word_qualifies_the_question_and_does_not_select(store: Path) -> None:
    """Only the studies say "pediatric" (their age group): the result on how many children relapse
    answers a question saying "paediatric", though it does not point at the age group itself."""
    answer = ask_json(
        store, "what % of paediatric ALL patients relapse after frontline treatment", "--top", "3"
    )
    iris = [a["iri"] for a in answer["answers"]]
    assert f"{ID}result/relapse-treatment-failure-pediatric" in iris, iris
    assert answer["unanswered"] is False


def test_a_study_design_word_qualifies_the_question_and_does_not_select(store: Path) -> None:
    """ "Randomised" is AALL1331's design, not something its results point at: the p-value of the
    low-risk DFS comparison answers a question about "the randomised LR cohort"."""
    answer = ask_json(
        store, "p value for disease free survival in the whole LR randomised cohort", "--top", "3"
    )
    iris = [a["iri"] for a in answer["answers"]]
    assert {f"{ID}result/aall1331-lr-dfs-blin", f"{ID}result/aall1331-lr-dfs-chemo"} & set(iris), iris
    assert answer["unanswered"] is False


@pytest.mark.parametrize("question", ["can CAR-T cells clear CNS leukemia", "CAR T cells in CNS relapse"])
def test_cns_relapse_and_cns_leukemia_name_the_cns_site(store: Path, question: str) -> None:
    """ "CNS relapse" is also an endpoint (a second relapse in the CNS), and "Leukemia" a journal:
    the CAR T facts on patients with CNS disease answer both questions."""
    answer = ask_json(store, question, "--top", "3")
    assert answer["unanswered"] is False
    assert any("car" in a["iri"] or "jacoby" in a["iri"] for a in answer["answers"]), answer["answers"]


def test_extramedullary_relapse_names_the_site_as_well_as_the_endpoint(store: Path) -> None:
    """ "EM relapse" is both a site of first relapse and an endpoint (relapse at an EM site after
    blinatumomab): the finding on blinatumomab's efficacy by site answers it."""
    answer = ask_json(store, "blinatumomab efficacy EM relapse vs isolated marrow", "--top", "3")
    iris = [a["iri"] for a in answer["answers"]]
    assert f"{ID}finding/blinatumomab-decreased-em-efficacy" in iris, iris
    assert answer["unanswered"] is False


def test_timing_asks_about_time_not_the_salvage_line_topic(store: Path) -> None:
    """ "Timing" in a question about a time cut-off is the time to relapse of the risk rules, not the
    finding topic on the line of salvage (whose code once was "timing")."""
    answer = ask_json(
        store, "timing cut-off for isolated extramedullary relapse to be low risk", "--top", "3"
    )
    kinds = [a["kind"] for a in answer["answers"]]
    assert kinds[0] == "rule", kinds
    assert answer["unanswered"] is False


@pytest.mark.parametrize(
    "british, american",
    [
        ("paediatric relapse after frontline therapy", "pediatric relapse after frontline therapy"),
        (
            "haematopoietic stem cell transplant in first relapse",
            "hematopoietic stem cell transplant in first relapse",
        ),
        ("randomised low-risk patients", "randomized low-risk patients"),
    ],
)
def test_british_spellings_find_what_the_american_ones_find(store: Path, british: str, american: str) -> None:
    answer = ask_json(store, british, "--top", "3")
    assert answer["unanswered"] is False
    assert [a["iri"] for a in answer["answers"]] == [
        a["iri"] for a in ask_json(store, american, "--top", "3")["answers"]
    ]


def test_the_research_the_authors_call_for_is_found_in_researchers_words(store: Path) -> None:
    """The article calls for CAR T trials, better CNS-directed therapy and frontline
    blinatumomab (findings on the topic "research need"); readers ask for "further research" and
    "future directions". "Going forward" is no name of it: the standard of care going forward is
    the standard of care."""
    research = ask_json(store, "What further research do the authors call for?", "--top", "3")
    assert research["unanswered"] is False
    assert research["answers"][0]["iri"].startswith(f"{ID}finding/need-"), research["answers"]
    cns = ask_json(store, "future directions for CNS relapse", "--top", "2")
    assert {a["iri"] for a in cns["answers"]} == {
        f"{ID}finding/need-cns-directed-therapy",
        f"{ID}finding/need-car-t-cns-trials",
    }, cns["answers"]
    care = ask_json(store, "What should be the standard of care going forward?", "--top", "1")
    assert care["answers"][0]["iri"] == f"{ID}finding/blinatumomab-standard-of-care-lr-bm"
    assert care["unanswered"] is False


@pytest.mark.parametrize(
    "variant, article",
    [
        ("CNS recurrence after blinatumomab", "CNS relapse after blinatumomab"),
        ("upfront blinatumomab in children", "frontline blinatumomab in children"),
        ("undetectable MRD after reinduction", "negative MRD after reinduction"),
        ("TOWER subanalysis by salvage line", "TOWER analysis by salvage line"),
    ],
)
def test_a_clinical_synonym_finds_what_the_articles_word_finds(
    store: Path, variant: str, article: str
) -> None:
    """The article writes "relapse", "frontline", "MRD-negative"; researchers also write
    "recurrence", "upfront", "undetectable MRD" (graph/ask/words.tsv)."""
    answer = ask_json(store, variant, "--top", "3")
    assert answer["unanswered"] is False
    assert [a["iri"] for a in answer["answers"]] == [
        a["iri"] for a in ask_json(store, article, "--top", "3")["answers"]
    ]


def test_a_percent_sign_asks_for_a_percentage(store: Path) -> None:
    assert [a["iri"] for a in ask_json(store, "what % of children relapse", "--top", "3")["answers"]] == [
        a["iri"] for a in ask_json(store, "what percentage of children relapse", "--top", "3")["answers"]
    ]


def test_a_number_in_words_is_the_number_and_a_fraction_is_not(store: Path) -> None:
    """The article writes "three 4-week blinatumomab blocks": a question's "3 blocks" is that
    number. "Two-thirds of patients" (BM ± EM) is no 2-year figure, which the article does not give."""
    blocks = ask_json(store, "were there 3 blinatumomab blocks", "--top", "1")
    assert "three 4-week blinatumomab blocks" in blocks["answers"][0]["quote"], blocks["answers"]
    two_year = ask_json(store, "2-year DFS with blinatumomab in BM ± EM relapse", "--top", "3")
    assert two_year["unanswered"] is True


def test_a_kind_the_question_names_comes_before_the_thing_it_names(store: Path) -> None:
    """ "The funding of the Murphy and Aldoss commentary" asks for a funding statement, not for the
    commentary."""
    funding = ask_json(store, "funding source for Murphy Aldoss commentary", "--top", "1")
    assert funding["answers"][0]["iri"] == f"{ID}declaration/funding", funding["answers"]


def test_affiliation_asks_for_the_organisations_a_person_points_at(store: Path) -> None:
    """ "Affiliation" asks for an organisation (a hidden label of the class: a word asking for the
    kind), among those the person named points at (her department), not those of the facts about
    her (the companies of Aldoss's declared interests)."""
    for question, department in (
        ("Murphy affiliation", "coh-department-of-pediatrics"),
        ("Lindsey Murphy affiliation", "coh-department-of-pediatrics"),
        ("Which affiliations are listed for Ibrahim Aldoss?", "coh-department-of-hematology-and-hct"),
    ):
        affiliation = ask_json(store, question, "--top", "3")
        iris = [a["iri"] for a in affiliation["answers"]]
        assert iris[0] == f"{ID}organisation/{department}", affiliation
        assert not {f"{ID}organisation/amgen", f"{ID}organisation/kite-pharm"} & set(iris), iris
        assert affiliation["unanswered"] is False


def test_a_paper_by_two_authors_is_named_by_both(store: Path) -> None:
    answer = ask_json(store, "Murphy and Aldoss 2024", "--top", "1")
    linked = [link for link in answer["linked"] if "aldoss" in link["words"]]
    assert linked and linked[0]["iris"] == [f"{ID}publication/murphy-aldoss-2024"], answer["linked"]


def test_an_author_without_conflicts_is_answered_by_her_statement_not_her_coauthors(store: Path) -> None:
    """Aldoss's declarations are of the same article as Murphy's statement, two links away from
    her: they are not about her."""
    answer = ask_json(store, "Lindsey Murphy conflicts of interest", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}declaration/murphy-no-conflicts", answer["answers"]


def test_a_thresholds_side_is_kept() -> None:
    """ "MRD <0.1%" (low risk, chemotherapy alone) and "MRD ≥0.1%" (a transplant) differ only in the
    sign, which the full-text tokenizer would drop, however the sign is written."""
    from graph.ask.text import Tokenizer

    below, at_most, le, at_least, ge, above, latex = Tokenizer().many(
        ["MRD <0.1%", "MRD <=0.1%", "MRD ≤0.1%", "MRD ≥0.1%", "MRD >= 0.1%", "MRD >0.1%", r"MRD $\geq 0.1\%$"]
    )
    assert below == at_most == le
    assert at_least == ge == above == latex
    assert below != above


def test_an_abbreviation_the_article_expands_is_a_definition(store: Path) -> None:
    answer = ask_json(store, "what does HSCT stand for", "--top", "1")
    top = answer["answers"][0]
    assert top["iri"] == f"{ID}definition/hsct" and top["statement"] == "hematopoietic stem cell transplant"
    assert top["quote"] == "hematopoietic stem cell transplant (HSCT)"


def test_crs_is_cytokine_release_syndrome_not_complete_remission(store: Path) -> None:
    """The stemmer reads "CRS" as "CR"s. The article never writes "CRS", but clinicians do; its
    synonym (ontology/synonyms.ttl) makes the question about the adverse event first."""
    answer = ask_json(store, "CRS and neurotoxicity with blinatumomab in AALL1331", "--top", "3")
    assert answer["unanswered"] is False
    kinds = {a["kind"] for a in answer["answers"]}
    assert kinds <= {"adverse-event", "finding"}, answer["answers"]
    assert f"{ID}adverse-event/aall1331-crs" in [a["iri"] for a in answer["answers"]]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The article writes "treated with CAR therapy" of the Pediatric Real World CAR Consortium.
        ("24-month OS with CAR T in CNS involvement", "result/prwcc-os-by-site"),
        # And "the 89 patients who failed blinatumomab" of what it defines as blinatumomab failure:
        # the 15 CNS relapses among them before the definition.
        (
            "CNS relapses after blinatumomab failure in Aldoss 2022",
            "cohort/aldoss2022-cns-relapse result/aldoss2022-cns-relapse-count",
        ),
    ],
)
def test_a_quote_naming_a_thing_in_the_articles_own_words_is_about_it(
    store: Path, question: str, expected: str
) -> None:
    wanted = [f"{ID}{one}" for one in expected.split()]
    answer = ask_json(store, question, "--top", "3")
    assert answer["unanswered"] is False
    assert set(wanted) <= {a["iri"] for a in answer["answers"][: len(wanted)]}, answer["answers"]


def test_a_misspelt_word_is_corrected_by_its_length_not_its_stems(store: Path) -> None:
    """ "cyles" (5 letters) is "cycles", though its stem "cyle" is short: the question is about
    the blinatumomab blocks, not a topic the graph lacks."""
    misspelt = ask_json(store, "how many blinatumomab cyles in AALL1331", "--top", "3")
    spelt = ask_json(store, "how many blinatumomab cycles in AALL1331", "--top", "3")
    assert misspelt["unanswered"] is spelt["unanswered"] is False
    assert [a["iri"] for a in misspelt["answers"]] == [a["iri"] for a in spelt["answers"]]


def test_of_two_words_as_close_to_a_misspelling_the_one_more_facts_hold_wins(store: Path) -> None:
    """ "relaspe" is as close to "release" (of cytokine release syndrome) as to "relapse": the
    article's word is relapse."""
    misspelt = ask_json(store, "IEM relaspe OS 4yr", "--top", "3")
    spelt = ask_json(store, "IEM relapse OS 4yr", "--top", "3")
    assert misspelt["unanswered"] is spelt["unanswered"] is False
    assert [a["iri"] for a in misspelt["answers"]] == [a["iri"] for a in spelt["answers"]]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How did LR patients with IEM and specifically ICNS relapse fare despite blinatumomab?",
            "finding/iem-icns-poor-despite-blinatumomab",
        ),
        (
            "Were blinatumomab blocks given instead of or alongside chemo blocks?",
            "intervention/blinatumomab-chemotherapy",
        ),
        ("Did the intermediate- and high-risk AALL1331 patients undergo HSCT?", "cohort/aall1331-ir-hr"),
        ("What unmet need do the authors highlight?", "finding/need-cns-directed-therapy"),
    ],
)
def test_ways_of_asking_the_graph_lacks_leave_a_question_answered(
    store: Path, question: str, expected: str
) -> None:
    """ "Fare", "alongside" (stop words), "undergo", "highlight" (ways of asking the article's
    sentences also use: "all of whom underwent HSCT") are no topic the graph lacks."""
    answer = ask_json(store, question, "--top", "1")
    assert answer["unanswered"] is False and answer["unknown"] == [], answer
    assert answer["answers"][0]["iri"] == f"{ID}{expected}", answer["answers"]


def test_a_superlative_the_graph_cannot_compare_leaves_a_question_unanswered(store: Path) -> None:
    """Nothing compares values: "the longest follow-up" is not the follow-up range, and "the longest
    survival" is not whichever survival ranks first."""
    for question in ("longest follow up in AALL1331 LR cohort", "Which subgroup had the longest survival?"):
        answer = ask_json(store, question, "--top", "1")
        assert answer["unanswered"] is True and answer["unknown"] == ["longest"], answer


def test_an_english_word_is_not_read_as_a_misspelt_name(store: Path) -> None:
    """ "agent" is one letter from "Amgen", but no misspelling of it: the question is about the drug,
    not the company blinatumomab's maker is."""
    answer = ask_json(store, "What kind of agent is blinatumomab?", "--top", "3")
    linked = {iri for link in answer["linked"] for iri in link["iris"]}
    assert f"{ID}organisation/amgen" not in linked
    assert answer["answers"][0]["iri"] == f"{ID}intervention/blinatumomab", answer["answers"]


def test_a_code_a_digit_apart_from_the_graphs_is_another_thing(store: Path) -> None:
    """AALL1731 (frontline blinatumomab) is not AALL1331: the graph does not have it."""
    answer = ask_json(store, "AALL1731 blinatumomab results", "--top", "3")
    assert answer["unanswered"] is True
    linked = {iri for link in answer["linked"] for iri in link["iris"]}
    assert f"{ID}study/aall1331" not in linked


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        # Common English words the graph lacks are ways of asking...
        ("overall survival p-value blinatumomab vs chemotherapy in the entire LR cohort", True),
        ("how were the BM + EM patients split between the arms", True),
        # ...unless they name a topic (graph/ask/topics.txt), or are rare words the graph lacks.
        ("cost of blinatumomab per block", False),
        ("flow cytometry MRD assay in AALL1331", False),
    ],
)
def test_a_common_word_the_graph_lacks_is_a_way_of_asking_unless_it_names_a_topic(
    store: Path, question: str, answered: bool
) -> None:
    assert ask_json(store, question)["unanswered"] is not answered


def test_a_time_point_with_its_unit_glued_on_is_the_time_point(store: Path) -> None:
    """ "4y OS", as researchers abbreviate it, is the 4-year OS: no code the graph lacks."""
    glued = ask_json(store, "4y OS blinatumomab isolated BM relapse", "--top", "3")
    spaced = ask_json(store, "4-year OS blinatumomab isolated BM relapse", "--top", "3")
    assert glued["unanswered"] is spaced["unanswered"] is False
    assert [a["iri"] for a in glued["answers"]] == [a["iri"] for a in spaced["answers"]]


def test_a_server_opens_the_question_index_as_it_starts(store: Path) -> None:
    """The first question does not wait for the index to open or the English word list to load:
    the server starts both on a thread of their own."""
    import threading

    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    with TestClient(create_app(Settings(store=store, workers=1))) as c:
        for thread in [t for t in threading.enumerate() if t.name == "ask-warm"]:
            thread.join(timeout=30)
        source = c.app.state.ask_source
        opened = source._asker
        assert opened is not None, "opened before any question"
        assert c.get("/api/ask", params={"q": IBM_DFS}).json()["answers"]
        assert source.get() is opened, "the question used the index opened at start"


def test_warming_leaves_an_index_still_to_be_written_to_the_first_question(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server nobody asks does not read a whole graph: an endpoint's index (the remote graph read
    over SPARQL) is written on the first question, not as the server starts."""
    from graph.ask import AskerSource, warm

    source = AskerSource(endpoint="http://127.0.0.1:9/sparql")  # nothing listens: reading it would fail
    warm(source)
    assert source._asker is None and caplog.text == "", "the endpoint was not asked for its graph"


def test_warming_leaves_an_older_releases_index_to_be_remade_on_the_first_question(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build whose index an older release wrote has its index remade from its graph, which
    reads the whole graph: that waits for the first question, as an endpoint's does."""
    import shutil
    import sqlite3

    from graph.ask import AskerSource, warm

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))  # where remade indexes go
    (tmp_path / "tmp").mkdir()
    copy = tmp_path / "store"
    shutil.copytree(store, copy, symlinks=True)
    with sqlite3.connect(current_build(copy).path / FOLDER / "ask.sqlite") as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'version'")
    source = AskerSource(copy)
    warm(source)
    assert source._asker is None and not any((tmp_path / "tmp").iterdir()), "nothing written yet"
    assert source.get().ask(IBM_DFS, 1).response["answers"], "remade on the first question"
    assert any((tmp_path / "tmp").iterdir())


def test_warming_without_a_graph_says_so_and_leaves_the_error_to_the_first_question(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from graph.ask import AskerSource, warm
    from graph.store import StoreMissing

    source = AskerSource(tmp_path / "empty")
    warm(source)
    assert "not opened ahead of questions" in caplog.text
    with pytest.raises(StoreMissing):
        source.get()


def test_a_question_begun_on_a_graph_finishes_on_it_when_a_new_one_is_swapped_in(tiny: Path) -> None:
    """A rebuild swaps a new graph in under the server; the asker a question already holds keeps
    answering (its index is not closed under it), and the next question gets the new graph's."""
    from swapped import swap_in

    from graph.ask import AskerSource

    source = AskerSource(tiny)
    before = source.get()
    swap_in(tiny, 3)
    after = source.get()
    assert after is not before
    assert before.ask("blinatumomab in first relapse", 3).response["unanswered"] is True
    assert after.ask("blinatumomab in first relapse", 3).response["unanswered"] is True


def test_an_answer_says_how_the_question_was_read_and_which_words_the_graph_lacks(store: Path) -> None:
    """Each run of the question's words that names something comes back as written, with the
    graph's names of what it names; the words the graph has nowhere are listed: they are why the
    question is unanswered."""
    answer = ask_json(store, "ponatinib versus blinatumomab 4-year DFS in isolated BM relapse", "--top", "1")
    assert answer["unanswered"] is True and answer["unknown"] == ["ponatinib"]
    read = {link["text"]: dict(zip(link["iris"], link["labels"], strict=True)) for link in answer["linked"]}
    assert read["DFS"][f"{ID}endpoint/dfs"] == "disease-free survival"
    assert read["isolated BM"] == {
        "https://w3id.org/relapsekg/ontology#SiteIsolatedBM": "isolated bone marrow relapse"
    }
    assert ask_json(store, IBM_DFS, "--top", "1")["unknown"] == []


def test_the_page_and_the_table_say_how_the_question_was_read(client, store: Path) -> None:
    html = client.get("/ask", params={"q": "ponatinib versus blinatumomab DFS", "top": 1}).text
    assert "Read as:" in html and '<a href="/id/endpoint/dfs">disease-free survival</a>' in html
    assert "Not in the graph: “ponatinib”" in html
    injected = client.get("/ask", params={"q": "Zorblax<script>alert(1)</script> DFS"}).text
    assert "<script>alert(1)" not in injected and "Zorblax&lt;script&gt;alert" in injected
    table = ask_cli(store, "ponatinib versus blinatumomab DFS", "--top", "1").stdout
    assert "read as: “blinatumomab”: blinatumomab" in table and "not in the graph: “ponatinib”" in table
    efs = client.get("/ask", params={"q": "4-year EFS in the AALL1331 LR arms"}).text
    assert "The article does not report “EFS”; the closest it reports: disease-free survival." in efs
    assert (
        "the article does not report “EFS”; the closest it reports: disease-free survival"
        in ask_cli(store, "4-year EFS in the AALL1331 LR arms").stdout
    )


def test_a_status_the_article_prints_as_a_superscript_sign_is_found_by_its_word(store: Path) -> None:
    """The article prints "MRD⁺ (n=29)" and "relapsed EM⁺ B-ALL"; researchers write "MRD-positive"
    and "EM-positive". The sign is the word, not a compound the graph lacks ("Ph-positive")."""
    from graph.ask.text import Tokenizer

    assert Tokenizer().terms("MRD⁺ (n=29)") == Tokenizer().terms("MRD-positive (n=29)")
    assert Tokenizer().terms("10⁻⁴") != Tokenizer().terms("10 negative ⁴")  # an exponent is no status
    em = ask_json(store, "is blinatumomab less effective in EM-positive relapse", "--top", "1")
    assert em["unanswered"] is False
    assert em["answers"][0]["iri"] == f"{ID}finding/blinatumomab-decreased-em-efficacy"


def test_a_rate_the_article_gives_in_words_answers_a_question_asking_for_the_rate(store: Path) -> None:
    """AALL1331 reports "overall low rates of cytokine release syndrome and neurotoxicity", a rate
    in words: it answers "what were the rates", not "what percentage", which asks for a number."""
    rates = ask_json(store, "CRS and neurotoxicity rates with blinatumomab in AALL1331", "--top", "2")
    assert rates["unanswered"] is False
    assert {a["iri"] for a in rates["answers"]} == {
        f"{ID}adverse-event/aall1331-crs",
        f"{ID}adverse-event/aall1331-neurotoxicity",
    }, rates["answers"]
    for question in (
        "What percentage of patients had neurotoxicity with blinatumomab in AALL1331?",
        "What was the CRS rate in percent with blinatumomab?",
    ):
        assert ask_json(store, question, "--top", "3")["unanswered"] is True, question


def test_an_abbreviation_and_its_expansion_name_the_same_thing(store: Path) -> None:
    """The article defines "R/R" as relapsed/refractory; Gökbuget 2016's title writes
    "relapsed/refractory". A question naming the paper and "R/R" is about what its title says."""
    answer = ask_json(store, "Gokbuget 2016 international reference analysis R/R Ph-negative", "--top", "2")
    assert f"{ID}publication/ref-13-gokbuget-2016" in [a["iri"] for a in answer["answers"]], answer["answers"]


def test_a_question_offering_the_opposite_of_a_declaration_is_answered_by_the_declaration(
    store: Path,
) -> None:
    """ "Commissioned or unsolicited?" is answered by the statement that the article was commissioned."""
    answer = ask_json(store, "Was the commentary commissioned or unsolicited?", "--top", "1")
    assert answer["unanswered"] is False
    assert answer["answers"][0]["iri"] == f"{ID}declaration/commissioned"


def test_a_question_on_the_whole_lr_population_is_answered_by_what_the_article_says_of_the_whole(
    store: Path,
) -> None:
    """AALL1331 found no significant DFS or OS difference for the LR population as a whole, and a
    significant one for its BM ± EM subgroup: a question about the whole is answered by the former."""
    answer = ask_json(
        store, "Did blinatumomab improve DFS or OS for the low-risk group overall?", "--top", "1"
    )
    assert answer["unanswered"] is False
    assert answer["answers"][0]["iri"] == f"{ID}finding/aall1331-lr-no-significant-difference"
    assert answer["answers"][0]["direction"] == "no difference", answer["answers"][0]


def test_a_fact_with_two_quotes_shows_the_one_that_states_it_when_the_question_does_not_decide(
    store: Path,
) -> None:
    """The HSCT rule is quoted with the sentence giving it and the sentence giving its setting
    (pediatric patients in first relapse); a question both hold as many words of shows the first."""
    answer = ask_json(store, "When is HSCT indicated in first relapse?", "--top", "1")
    top = answer["answers"][0]
    assert top["iri"] == f"{ID}risk-rule/hsct-indication-first-relapse", top
    assert "hematopoietic stem cell transplant (HSCT)" in top["quote"], top["quote"]


def test_an_acronym_glued_to_its_number_is_the_trial_the_article_writes_apart(store: Path) -> None:
    """The article writes "ECOG 1910"; "ECOG1910" is that trial, while "AALL1331" stays one word."""
    glued = ask_json(store, "ECOG1910 blinatumomab consolidation", "--top", "3")
    assert glued["unanswered"] is False and glued["unknown"] == [], glued
    assert [a["iri"] for a in glued["answers"]] == [
        a["iri"] for a in ask_json(store, "ECOG 1910 blinatumomab consolidation", "--top", "3")["answers"]
    ]
    assert ask_json(store, "AALL1731 blinatumomab", "--top", "1")["unknown"] == ["AALL1731"]


def test_analyzed_by_an_author_is_a_way_of_asking_not_a_topic_the_graph_lacks(store: Path) -> None:
    answer = ask_json(
        store, "How many adult patients in first relapse were analyzed by Dombret?", "--top", "1"
    )
    assert answer["unanswered"] is False
    assert answer["answers"][0]["iri"] == f"{ID}cohort/tower-first-salvage"


def test_what_the_authors_call_for_is_a_finding_not_a_reference_by_other_authors(store: Path) -> None:
    answer = ask_json(store, "What further clinical trials do the authors call for?", "--top", "1")
    assert answer["answers"][0]["iri"] == f"{ID}finding/need-car-t-cns-trials", answer["answers"]


def test_a_second_word_asking_for_a_quantity_ranks_like_the_first_but_must_be_answered_too(
    store: Path,
) -> None:
    """ "The 4-year DFS rate and how many patients in the blinatumomab arm": the LR arm's DFS (no n
    of its own) still comes first, and the question is not answered by it alone."""
    answer = ask_json(
        store,
        "What was the 4-year DFS rate and how many patients were in the blinatumomab arm?",
        "--top",
        "3",
    )
    assert answer["answers"][0]["iri"] == f"{ID}result/aall1331-lr-dfs-blin", answer["answers"]
    assert answer["unanswered"] is True


def test_whether_cooperative_groups_share_risk_criteria_is_answered_by_the_cog_rule_and_its_sentence(
    store: Path,
) -> None:
    """ "While different collaborative groups employ different risk stratification criteria,
    patients treated on Children's Oncology Group trials have historically been considered
    low-risk...": the COG rule, quoted from the start of its sentence."""
    answer = ask_json(
        store, "Do different cooperative groups use the same relapse risk criteria?", "--top", "3"
    )
    rule = next(a for a in answer["answers"] if a["iri"] == f"{ID}risk-rule/cog-low-risk-first-relapse")
    assert rule["quote"].startswith("While different collaborative groups employ different"), rule
