"""The JSON API's filters and the graph view's search take what people type: an id, a label, an
abbreviation or a synonym the graph records (skos:altLabel), matched on whole words after NFKC
normalisation and case folding; a value that names nothing is a 400 that lists what is known."""

from __future__ import annotations

from graph.lookup import Lookup, names_query, words


def endpoints(client, **params) -> set[str]:
    r = client.get("/api/results", params=params)
    assert r.status_code == 200, r.text
    return {row["endpoint"] for row in r.json()}


def test_overall_survival_by_label_gives_the_os_and_the_median_os_results(client) -> None:
    assert endpoints(client, endpoint="overall survival") == {"os", "median-os"}
    assert endpoints(client, endpoint="Overall Survival") == {"os", "median-os"}
    rows = client.get("/api/results", params={"endpoint": "overall survival"}).json()
    assert len(rows) == len(client.get("/api/results", params={"endpoint": "os"}).json()) + len(
        client.get("/api/results", params={"endpoint": "median-os"}).json()
    )


def test_an_id_names_one_entity_and_an_abbreviation_every_entity_it_is_a_word_of(client) -> None:
    assert endpoints(client, endpoint="os") == {"os"}
    assert endpoints(client, endpoint="OS") == {"os", "median-os"}
    assert endpoints(client, endpoint="median OS") == {"median-os"}
    assert endpoints(client, endpoint="DFS") == {"dfs"}


def test_a_study_by_its_acronym_and_filters_combined(client) -> None:
    by_acronym = client.get("/api/results", params={"study": "AALL1331", "endpoint": "overall survival"})
    by_id = client.get("/api/results", params={"study": "aall1331", "endpoint": "os"})
    assert by_acronym.json() == by_id.json() and len(by_id.json()) > 5


def test_whole_words_only_os_is_not_inside_positive(client) -> None:
    r = client.get("/api/results", params={"endpoint": "positive"})
    assert r.status_code == 400
    detail = r.text
    # Each known endpoint once, as its id and main label (its synonyms would make the list unreadable).
    assert (
        "'positive'" in detail
        and "os (overall survival);" in detail
        and "dfs (disease-free survival)" in detail
    )
    assert "OS rate" not in detail, "synonyms are matched, not listed"
    assert client.get("/api/results", params={"endpoint": "surv"}).status_code == 400, "no part-words"


def test_an_unknown_intervention_lists_the_known_ones(client) -> None:
    r = client.get("/api/results", params={"intervention": "aspirin"})
    assert r.status_code == 400 and "blinatumomab (blinatumomab)" in r.text


def test_matching_is_unicode_normalised_and_case_folded() -> None:
    assert words("ＯＳ") == ("os",), "full-width letters are NFKC-normalised"
    assert words("Median-OS") == ("median", "os")
    lookup = Lookup(
        [
            {"entity": "https://w3id.org/relapsekg/id/endpoint/os", "name": "overall survival"},
            {"entity": "https://w3id.org/relapsekg/id/endpoint/os", "name": "OS"},
            {"entity": "https://w3id.org/relapsekg/id/cohort/mrd-pos", "name": "MRD-positive B-ALL"},
        ]
    )
    assert [m.id for m in lookup.resolve("ＯＳ")] == ["os"]
    assert [m.id for m in lookup.resolve("OVERALL   survival")] == ["os"]
    assert lookup.resolve("os", "cohort") == []


def test_the_names_come_from_the_graph(engine) -> None:
    from graph.viz.extract import engine_select

    select = engine_select(engine)
    lookup = Lookup(select(names_query(["endpoint"])))
    assert {m.id for m in lookup.resolve("overall survival", "endpoint")} == {"os", "median-os"}
    narrowed = select(names_query(["endpoint"], "overall survival"))
    assert len(narrowed) < len(select(names_query(["endpoint"]))), "a term reads only the names it may match"
    assert {m.id for m in Lookup(narrowed).resolve("overall survival", "endpoint")} == {"os", "median-os"}
    by_id = Lookup(select(names_query(["cohort"], "aall1331-ibm-blin"))).resolve(
        "aall1331-ibm-blin", "cohort"
    )
    assert [m.id for m in by_id] == ["aall1331-ibm-blin"], "an id whose labels do not contain it"


def test_the_graph_search_finds_the_median_os_results_for_overall_survival(client) -> None:
    hits = client.get("/graph/search", params={"q": "overall survival", "limit": 100}).json()
    ids = {h["node"].rsplit("/", 1)[-1] for h in hits}
    assert {"os", "median-os"} <= ids
    assert {"tower-first-salvage-median-os", "aall1331-ibm-os-blin"} <= ids, ids
    assert hits[0]["label"] == "overall survival", "the exact name first"
    os_hits = client.get("/graph/search", params={"q": "OS", "limit": 100}).json()
    assert not any("positive" in h["label"].lower() for h in os_hits), "whole words only"


def test_design_and_kind_filters_take_keys_or_words_of_their_labels(client) -> None:
    by_key = {s["id"] for s in client.get("/api/studies", params={"design": "phase-3"}).json()}
    by_words = {s["id"] for s in client.get("/api/studies", params={"design": "phase III"}).json()}
    assert "aall1331" in by_key and by_words == by_key
    r = client.get("/api/studies", params={"design": "astrology"})
    assert r.status_code == 400 and "randomized" in r.text
    cells = client.get("/api/interventions", params={"kind": "cell therapy"}).json()
    assert {i["kind"] for i in cells} == {"cell-therapy"} and any(i["id"] == "cd19-car-t" for i in cells)
    assert client.get("/api/interventions", params={"kind": "vaccine"}).status_code == 400
