"""The SPARQL 1.1 Protocol, as the W3C protocol test suite (w3c/rdf-tests, sparql11/protocol)
names its behaviours, for a read-only service; plus content negotiation and the refusals that
make the endpoint safe to expose."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph

G11 = "https://w3id.org/relapsekg/graph/source/ref-11-hogan-2023"
G27 = "https://w3id.org/relapsekg/graph/source/ref-27-jacoby-2022"
G25 = "https://w3id.org/relapsekg/graph/source/ref-25-fabrizio-2022"
S11 = "<https://w3id.org/relapsekg/id/study/aall1331>"
S27 = "<https://w3id.org/relapsekg/id/study/jacoby-cns-car-t>"
S25 = "<https://w3id.org/relapsekg/id/study/prwcc>"
FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}
JSON_RESULTS = "application/sparql-results+json"


def boolean(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(JSON_RESULTS)
    return response.json()["boolean"]


# --- query operations -------------------------------------------------------------------------


def test_query_via_get(client) -> None:
    assert boolean(client.get("/sparql", params={"query": "ASK {}"})) is True


def test_query_via_url_encoded_post(client) -> None:
    assert boolean(client.post("/sparql", content="query=ASK%20%7B%7D", headers=FORM)) is True


def test_form_fields_are_decoded_as_utf8_with_plus_for_space(client) -> None:
    """The form as browsers and curl --data-urlencode send it: '+' is a space, %2B a plus sign,
    and the escapes spell UTF-8 ("≥" is one character); the same again, and as a query string."""
    body = "query=ASK+%7B+FILTER%281%2B1+%3D+2+%26%26+STRLEN%28%22%E2%89%A5%22%29+%3D+1%29+%7D"
    for _ in range(2):
        assert boolean(client.post("/sparql", content=body, headers=FORM)) is True
    assert boolean(client.get("/sparql?" + body)) is True


def test_a_form_of_thousands_of_fields_is_a_400(client) -> None:
    body = "query=ASK+%7B%7D" + "&x=1" * 1000
    r = client.post("/sparql", content=body, headers=FORM)
    assert r.status_code == 400 and "more than 1000 fields" in r.text


def test_query_via_direct_post(client) -> None:
    assert boolean(client.post("/sparql", content="ASK {}", headers=DIRECT)) is True


def test_query_content_type_construct_resolves_relative_iris_against_the_endpoint(client) -> None:
    """W3C protocol test query_content_type_construct: the endpoint's URL is the base IRI."""
    r = client.post(
        "/sparql", content="CONSTRUCT { <s> <p> 1 } WHERE {}", headers={**DIRECT, "accept": "text/turtle"}
    )
    assert r.status_code == 200, r.text
    triples = list(Graph().parse(data=r.text, format="turtle"))
    assert [(str(s), str(p), o.toPython()) for s, p, o in triples] == [
        ("http://testserver/s", "http://testserver/p", 1)
    ]


def test_a_query_of_its_own_base_keeps_it(client) -> None:
    r = client.get(
        "/sparql",
        params={"query": "BASE <http://example.org/a/> SELECT ?x WHERE { BIND(<b> AS ?x) }"},
    )
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://example.org/a/b"


def test_get_with_protocol_default_graphs(client) -> None:
    query = f"ASK {{ {S11} a ?type . {S27} a ?type }}"
    assert boolean(
        client.get(
            "/sparql", params=[("query", query), ("default-graph-uri", G11), ("default-graph-uri", G27)]
        )
    )
    assert not boolean(client.get("/sparql", params=[("query", query), ("default-graph-uri", G11)]))


def test_post_with_protocol_default_graphs(client) -> None:
    query = f"ASK {{ {S11} a ?type . {S27} a ?type }}"
    url = f"/sparql?default-graph-uri={G11}&default-graph-uri={G27}"
    assert boolean(client.post(url, content=query, headers=DIRECT))


def test_post_and_get_with_protocol_named_graphs(client) -> None:
    query = f"ASK {{ GRAPH ?g1 {{ {S11} a ?type }} GRAPH ?g2 {{ {S27} a ?type }} }}"
    assert boolean(
        client.post(f"/sparql?named-graph-uri={G11}&named-graph-uri={G27}", content=query, headers=DIRECT)
    )
    assert boolean(
        client.get("/sparql", params=[("query", query), ("named-graph-uri", G11), ("named-graph-uri", G27)])
    )
    assert not boolean(client.get("/sparql", params=[("query", query), ("named-graph-uri", G11)]))


def test_query_with_full_protocol_dataset(client) -> None:
    query = f"ASK {{ {S25} a ?type GRAPH ?g1 {{ {S11} a ?type }} GRAPH ?g2 {{ {S27} a ?type }} }}"
    url = f"/sparql?default-graph-uri={G25}&named-graph-uri={G11}&named-graph-uri={G27}"
    assert boolean(client.post(url, content=query, headers=DIRECT))


def test_protocol_dataset_overrides_the_query_dataset(client) -> None:
    query = f"ASK FROM <{G11}> {{ {S27} a ?type }}"
    assert not boolean(client.get("/sparql", params={"query": query}))
    assert boolean(client.get("/sparql", params=[("query", query), ("default-graph-uri", G27)]))


def test_default_graph_is_the_union_of_named_graphs(client) -> None:
    query = f"ASK {{ {S11} a ?type . {S27} a ?type }}"
    assert boolean(client.get("/sparql", params={"query": query}))


# --- content types ----------------------------------------------------------------------------

SELECT = "SELECT ?n WHERE { id:cohort\\/aall1331-lr rkg:sampleSize ?n }"


@pytest.mark.parametrize(
    "accept, check",
    [
        (
            "application/sparql-results+json",
            lambda r: r.json()["results"]["bindings"][0]["n"]["value"] == "255",
        ),
        ("application/sparql-results+xml", lambda r: "255" in "".join(ET.fromstring(r.content).itertext())),
        ("text/csv", lambda r: list(csv.reader(io.StringIO(r.text))) == [["n"], ["255"]]),
        (
            "text/tab-separated-values",
            lambda r: r.text.splitlines()[0] == "?n" and "255" in r.text.splitlines()[1],
        ),
    ],
)
def test_select_content_types(client, accept: str, check) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert check(response)


def test_ask_content_types(client) -> None:
    r = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"accept": "application/sparql-results+xml"}
    )
    assert r.headers["content-type"].startswith("application/sparql-results+xml") and b"true" in r.content


@pytest.mark.parametrize(
    "form",
    [
        "CONSTRUCT { ?s ?p ?o } WHERE { BIND(id:study\\/aall1331 AS ?s) ?s ?p ?o }",
        "DESCRIBE id:study\\/aall1331",
    ],
)
@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
    ],
)
def test_graph_content_types(client, form: str, accept: str, fmt: str) -> None:
    response = client.get("/sparql", params={"query": form}, headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    g = Graph()
    if fmt == "trig":
        from rdflib import Dataset

        g = Dataset()
    g.parse(data=response.content, format=fmt)
    assert len(g) > 5


def test_q_values_decide_between_formats(client) -> None:
    accept = "text/csv;q=0.4, application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.5"
    r = client.get("/sparql", params={"query": SELECT}, headers={"accept": accept})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    r = client.get("/sparql", params={"query": SELECT}, headers={"accept": "text/*;q=0.8, */*;q=0.1"})
    assert r.headers["content-type"].startswith("text/csv")


def test_default_result_format_is_json(client) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"accept": "*/*"})
    assert r.headers["content-type"].startswith(JSON_RESULTS)


def test_unacceptable_type_is_406(client) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"accept": "image/png"})
    assert r.status_code == 406 and "offered" in r.text


def test_service_description_without_a_query(client) -> None:
    r = client.get("/sparql", headers={"accept": "text/turtle"})
    g = Graph().parse(data=r.content, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(str(o) == sd + "SPARQL11Query" for o in g.objects())
    assert any(str(o) == sd + "UnionDefaultGraph" for o in g.objects())


def test_browsers_get_the_query_editor_with_named_query_tabs(client) -> None:
    r = client.get("/sparql", headers={"accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/static/vendor/yasgui/yasgui.min.js" in r.text and "cns-efficacy" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "https://" not in r.text.split("<main>")[0], "no script or style from another host"


def test_editor_assets_are_served_locally(client) -> None:
    for path in (
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/yasgui.min.css",
        "/static/sparql-editor.js",
    ):
        assert client.get(path).status_code == 200, f"{path}: run `make vendor`"


# --- protocol errors --------------------------------------------------------------------------


def test_bad_query_method(client) -> None:
    assert client.put("/sparql", content="ASK {}", headers=DIRECT).status_code == 405


def test_bad_multiple_queries(client) -> None:
    r = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert r.status_code == 400 and "one" in r.text


def test_bad_query_wrong_media_type(client) -> None:
    assert client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"}).status_code == 415


def test_bad_query_missing_form_type(client) -> None:
    assert client.post("/sparql", content="query=ASK%20%7B%7D").status_code in (400, 415)


def test_bad_query_missing_direct_type(client) -> None:
    assert client.post("/sparql", content="ASK {}").status_code in (400, 415)


def test_bad_query_non_utf8(client) -> None:
    r = client.post(
        "/sparql",
        content='ASK { FILTER("café" = "café") }'.encode("iso-8859-1"),
        headers={"content-type": "application/sparql-query; charset=iso-8859-1"},
    )
    assert r.status_code == 400 and "UTF-8" in r.text


def test_bad_query_syntax_gives_the_parser_message_and_position(client) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400
    assert "error at 1:" in r.text


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "PREFIX x: <urn:x> INSERT { ?s x:p 1 } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(client, update: str) -> None:
    for response in (
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", content=update, headers={"content-type": "application/sparql-update"}),
    ):
        assert response.status_code == 400, response.text
        assert "read-only" in response.text


def test_service_is_refused_and_no_request_leaves(client) -> None:
    r = client.get(
        "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}
    )
    assert r.status_code == 400 and "SERVICE" in r.text


def test_keywords_inside_strings_are_not_refused(client) -> None:
    r = client.get(
        "/sparql",
        params={"query": 'SELECT ?q WHERE { ?x rkg:quote ?q FILTER(CONTAINS(?q, "SERVICE INSERT DATA")) }'},
    )
    assert r.status_code == 200


def test_the_openapi_schema_documents_the_query_parameter_and_bodies(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    get = {p["name"] for p in paths["/sparql"]["get"]["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri"} <= get
    bodies = paths["/sparql"]["post"]["requestBody"]["content"]
    assert "query" in bodies["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert "application/sparql-query" in bodies
    assert {p["name"] for p in paths["/queries/{name}"]["get"]["parameters"]} == {"name"}


def test_statuses_follow_what_went_wrong_not_how_it_is_worded(client) -> None:
    from api.errors import STATUS, QueryTooLong, status_of
    from graph.named import NamedQueryError, UnknownNamedQuery

    assert (
        status_of(UnknownNamedQuery("any words")) == 404
        and status_of(NamedQueryError("no named query")) == 400
    )
    assert status_of(QueryTooLong("")) == 413 and all(400 <= code < 600 for code in STATUS.values())
    assert client.get("/queries/no-such-question").status_code == 404
    assert client.get("/queries/evidence-table", params={"nonsense": "1"}).status_code == 400


def test_overlong_query_is_refused(client) -> None:
    long_query = "ASK {}" + " " * 30000
    assert client.post("/sparql", content=long_query, headers=DIRECT).status_code == 413


@pytest.mark.parametrize("headers", [FORM, DIRECT])
def test_a_body_longer_than_any_acceptable_query_is_refused_unread(client, headers) -> None:
    """Up to 12 bytes a character (percent-encoded UTF-8) for the longest query allowed, 20,000."""
    r = client.post("/sparql", content=b"query=" + b"%20" * 200_000, headers=headers)
    assert r.status_code == 413 and "600006 bytes long" in r.text and "20000 characters" in r.text
    encoded = "query=" + "ASK+%7B%7D" + "%E2%89%A5" * 19_000  # 19,003 characters, 171,016 bytes
    assert (
        client.post("/sparql", content=encoded, headers=FORM).status_code == 400
    )  # read, parsed, then refused by the parser


# --- budgets on a real server -----------------------------------------------------------------

PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_runaway_query_is_stopped_while_others_are_served(server: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        slow = pool.submit(httpx.get, f"{server}/sparql", params={"query": PATHOLOGICAL}, timeout=60)
        time.sleep(0.5)
        started = time.monotonic()
        quick = httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, timeout=30)
        assert quick.status_code == 200 and quick.json()["boolean"] is True
        assert time.monotonic() - started < 3, "a cheap query is not held up by a runaway one"
        stopped = slow.result()
    assert stopped.status_code == 422
    assert "time budget" in stopped.text
    after = httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, timeout=30)
    assert after.status_code == 200, "the server keeps serving after killing a worker"


def test_large_answers_are_capped_and_say_so(store) -> None:
    from serving import start_server

    proc, url = start_server(store, "--max-rows", "5")
    try:
        query = "SELECT ?s WHERE { ?s ?p ?o }"
        r = httpx.get(f"{url}/sparql", params={"query": query}, timeout=30)
        assert r.status_code == 200
        assert len(r.json()["results"]["bindings"]) == 5
        assert r.headers["x-relapsekg-capped"] == "5" and r.json()["relapsekg"]["capped"] is True
        csv_rows = httpx.get(
            f"{url}/sparql", params={"query": query}, headers={"accept": "text/csv"}, timeout=30
        ).text.splitlines()
        assert len(csv_rows) == 6
        small = httpx.get(
            f"{url}/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"}, timeout=30
        )
        assert "x-relapsekg-capped" not in small.headers
        turtle = httpx.get(
            f"{url}/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"accept": "text/turtle"},
            timeout=30,
        )
        assert (
            len(Graph().parse(data=turtle.content, format="turtle")) == 5
            and turtle.headers["x-relapsekg-capped"] == "5"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)


CROSS = "SELECT * WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?t ?q ?v } }"  # 125 million rows


def test_a_capped_answer_costs_the_cap_not_the_answer(store) -> None:
    """A cross product of the whole graph with itself is cut at the cap within a 2 s budget (a
    serialization of every row would run past it and get 422), in every format, marked capped."""
    from serving import start_server

    proc, url = start_server(
        store, "--max-rows", "1000", "--query-timeout", "2", env={"RELAPSEKG_CACHE": "0"}
    )
    try:
        for accept, rows in (
            ("application/sparql-results+json", lambda r: len(r.json()["results"]["bindings"])),
            ("application/sparql-results+xml", lambda r: r.text.count("<result>")),
            ("text/csv", lambda r: len(list(csv.reader(io.StringIO(r.text)))) - 1),
            ("text/tab-separated-values", lambda r: len(r.text.splitlines()) - 1),
        ):
            r = httpx.get(f"{url}/sparql", params={"query": CROSS}, headers={"accept": accept}, timeout=30)
            assert r.status_code == 200, f"{accept}: {r.text[:200]}"
            assert r.headers["x-relapsekg-capped"] == "1000" and "capped at 1000 rows" in r.headers["warning"]
            assert rows(r) == 1000, accept
        assert sorted(r.text.split("\n", 1)[0].split("\t")) == [
            "?a",
            "?b",
            "?o",
            "?p",
            "?q",
            "?s",
            "?t",
            "?v",
        ]
        construct = "CONSTRUCT { ?s ?p ?o . ?t ?q ?v . ?s ?q ?o } WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?t ?q ?v } }"
        turtle = httpx.get(
            f"{url}/sparql", params={"query": construct}, headers={"accept": "text/turtle"}, timeout=30
        )
        assert turtle.status_code == 200, turtle.text[:200]
        assert turtle.headers["x-relapsekg-capped"] == "1000"
        assert 0 < len(Graph().parse(data=turtle.content, format="turtle")) <= 1000
        json_answer = httpx.get(f"{url}/sparql", params={"query": CROSS}, timeout=30).json()
        assert json_answer["relapsekg"] == {"capped": True, "max_rows": 1000}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sparqlwrapper_and_rdflib_sparqlstore_speak_to_the_endpoint(server: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper

    wrapper = SPARQLWrapper(f"{server}/sparql")
    wrapper.setQuery(
        "PREFIX rkg: <https://w3id.org/relapsekg/ontology#> SELECT (COUNT(?r) AS ?n) WHERE { ?r a rkg:Result }"
    )
    wrapper.setReturnFormat(JSON)
    n = int(wrapper.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert n >= 45
    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    rows = list(
        graph.query(
            "SELECT ?n WHERE { <https://w3id.org/relapsekg/id/cohort/aall1331-lr> "
            "<https://w3id.org/relapsekg/ontology#sampleSize> ?n }"
        )
    )
    assert int(rows[0][0]) == 255
    assert json.loads(httpx.get(f"{server}/queries", timeout=10).text)
