"""The JSON API, entity IRIs and the export route, as programs and browsers use them."""

from __future__ import annotations

import csv
import io

from rdflib import Graph, Literal, URIRef


def test_studies_list_with_design_and_references(client) -> None:
    studies = {s["id"]: s for s in client.get("/api/studies").json()}
    assert {"aall1331", "tower", "blast", "e1910", "all-r3", "prwcc", "jacoby-cns-car-t"} <= set(studies)
    aall = studies["aall1331"]
    assert aall["phase"] == 3 and {"randomized", "phase-3"} <= set(aall["design"])
    assert aall["references"] == [9, 11] and aall["min_age_years"] == 1 and aall["max_age_years"] == 30
    assert {s["id"] for s in client.get("/api/studies", params={"design": "retrospective"}).json()} >= {
        "tower-salvage-analysis",
        "aldoss-em-blinatumomab",
        "jacoby-cns-car-t",
    }


def test_one_study_with_its_results(client) -> None:
    study = client.get("/api/studies/aall1331").json()
    assert study["acronym"] == "AALL1331"
    values = {(r["cohort"], r["endpoint"]): r["value"] for r in study["results"]}
    assert values[("aall1331-ibm-blin", "dfs")] == "72.9" and values[("aall1331-iem-chemo", "os")] == "68.8"
    assert client.get("/api/studies/nonexistent").status_code == 404


def test_results_filters(client) -> None:
    rows = client.get(
        "/api/results", params={"study": "aall1331", "cohort": "aall1331-bm-em-blin", "endpoint": "os"}
    ).json()
    assert [(r["value"], r["p_value"], r["n"]) for r in rows] == [("100", "0.14", "17")]
    by_intervention = client.get("/api/results", params={"intervention": "tisagenlecleucel"}).json()
    assert {r["result_id"] for r in by_intervention} >= {"prwcc-cns-cr", "prwcc-non-cns-em-cr"}
    assert client.get("/api/results", params={"colour": "blue"}).status_code == 400
    for unknown in ("no-such-study", "AALL 1332"):  # names no study: a 400 listing the studies
        r = client.get("/api/results", params={"study": unknown})
        assert r.status_code == 400 and "aall1331 (AALL1331" in r.text, r.text
    by_synonym = client.get("/api/results", params={"study": "AALL 1331"})  # skos:altLabel in synonyms.ttl
    assert by_synonym.json() == client.get("/api/results", params={"study": "aall1331"}).json()
    assert client.get("/api/results", params={"cohort": "no-such-cohort"}).status_code == 400
    assert len(client.get("/api/results", params={"study": "aall1331"}).json()) == 27


def test_interventions_with_codes_and_components(client) -> None:
    items = {i["id"]: i for i in client.get("/api/interventions").json()}
    assert items["blinatumomab"]["code"] == "http://purl.obolibrary.org/obo/NCIT_C62528"
    assert set(items["ukall-r3-reinduction"]["components"]) == {
        "dexamethasone",
        "vincristine",
        "pegaspargase",
        "mitoxantrone",
        "intrathecal-chemotherapy",
    }
    assert {i["id"] for i in client.get("/api/interventions", params={"kind": "cell-therapy"}).json()} >= {
        "cd19-car-t",
        "tisagenlecleucel",
    }


def test_references_with_what_each_is_cited_for(client) -> None:
    refs = client.get("/api/references").json()
    assert [r["number"] for r in refs] == list(range(1, 30))
    hogan = refs[10]
    assert hogan["title"].startswith("Children's Oncology Group AALL1331") and hogan["year"] == 2023
    assert hogan["journal"] == "J Clin Oncol" and hogan["pages"] == "4118-29"
    assert any("reviews" in c["intents"] for c in hogan["citations"])
    assert all(r["doi"] is None for r in refs), "the text prints no DOI for any reference"


def test_openapi_documents_the_api(client) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/studies",
        "/api/studies/{study_id}",
        "/api/interventions",
        "/api/results",
        "/api/references",
    ):
        assert path in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_entity_iris_resolve_as_turtle_and_jsonld(client) -> None:
    iri = "https://w3id.org/relapsekg/id/result/aall1331-ibm-dfs-blin"
    r = client.get("/id/result/aall1331-ibm-dfs-blin", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.content, format="turtle")
    rkg = "https://w3id.org/relapsekg/ontology#"
    assert (URIRef(iri), URIRef(rkg + "printed"), Literal("72.9")) in g
    assert any("72.9%" in str(o) for o in g.objects(None, URIRef("http://www.w3.org/ns/oa#exact")))
    j = client.get("/id/result/aall1331-ibm-dfs-blin", headers={"accept": "application/ld+json"})
    assert len(Graph().parse(data=j.content, format="json-ld")) == len(g)


def test_entity_iris_resolve_as_html_pages_with_quotes_and_links(client) -> None:
    r = client.get("/id/intervention/cd19-car-t", headers={"accept": "text/html"})
    assert r.status_code == 200 and "CD19 CAR T cell therapy" in r.text
    assert "CD19-directed chimeric antigen receptor (CAR) T cell therapy" in r.text
    assert 'href="/id/finding/car-t-clears-cns"' in r.text, "links to the findings about it"
    assert client.get("/id/study/aall1331", headers={"accept": "text/html"}).status_code == 200
    assert client.get("/id/study/no-such-study", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/id/unknown-kind/x").status_code == 404


def test_every_entity_kind_resolves(client) -> None:
    for path in (
        "/id/study/tower",
        "/id/cohort/aall1331-lr",
        "/id/intervention/blinatumomab",
        "/id/endpoint/dfs",
        "/id/result/topp-salvage-hazard-ratio",
        "/id/finding/car-t-clears-cns",
        "/id/definition/iem",
        "/id/risk-rule/aall1331-low-risk",
        "/id/factor/mrd",
        "/id/publication/ref-16-dombret-2019",
    ):
        assert client.get(path, headers={"accept": "text/turtle"}).status_code == 200, path


def test_exports_download_with_media_type_and_file_name(client) -> None:
    r = client.get("/export/evidence-csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="relapsekg-evidence.csv"' in r.headers["content-disposition"]
    assert len(list(csv.DictReader(io.StringIO(r.text)))) >= 45
    trig = client.get("/export/trig")
    assert trig.headers["content-type"].startswith("application/trig")
    r = client.get("/export/no-such-format")
    assert r.status_code == 404 and "known formats" in r.text and "evidence-csv" in r.text


def test_named_queries_over_http(client) -> None:
    listing = client.get("/queries").json()
    assert any(q["name"] == "cns-efficacy" for q in listing)
    rows = client.get(
        "/queries/arm-outcomes-by-subgroup", params={"endpoint": "os"}, headers={"accept": "text/csv"}
    ).text
    assert "97.1" in rows and "0.02" in rows
    assert client.get("/queries/arm-outcomes-by-subgroup", params={"nonsense": "1"}).status_code == 400
    assert client.get("/queries/no-such-question").status_code == 404


def test_front_page_says_where_everything_is(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    for link in (
        'href="/sparql"',
        'href="/queries"',
        'href="/docs"',
        'href="/export/evidence-csv"',
        'href="/export/ris"',
    ):
        assert link in r.text
