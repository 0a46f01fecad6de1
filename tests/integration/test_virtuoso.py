"""relapsekg on an established external SPARQL server: Virtuoso open source, for real.

``--endpoint URL`` must give the answers the embedded store gives: every named query, the
command line's ``query`` and ``export``, and ``serve`` (SPARQL protocol and JSON API). Answers
are compared as multisets of rows after normalising how terms are written (numbers by value,
blank-node labels, the order of values inside a ``GROUP_CONCAT``, which SPARQL leaves open);
an ``ORDER BY`` is checked too, as the sequence of its sort keys.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from answers import XSD, assert_same_answer, group_concats, order_keys

from graph.engine import LocalEngine, QueryError, RemoteEngine
from graph.exports import get_export
from graph.named import NamedQueries
from graph.namespaces import GRAPH

QUERIES = NamedQueries().all()
# Named queries whose answers differ on Virtuoso 7.2 for a reason no standard SPARQL avoids; each
# fails strictly (an XPASS is an error), so the entry goes when Virtuoso or the query changes.
VIRTUOSO_DIFFERENCES = {
    "risk-rule-classes": "Virtuoso 7.2 GROUP_CONCAT turns the query's non-Latin-1 characters ('≡ ', '⊑ ', "
    "the ' […] ' separator) into '?' (openlink/virtuoso-opensource#609, #944)",
}


def quad_count(engine: LocalEngine | RemoteEngine) -> int:
    [row] = engine.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(row["n"].value)


def relapsekg(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "graph.cli", *args], capture_output=True, timeout=300)
    assert done.returncode == 0, f"relapsekg {' '.join(args)} failed:\n{done.stderr.decode()[-3000:]}"
    return done


# --- the comparison helpers are themselves specified ----------------------------------------


def test_group_concat_variables_and_separators_are_found_in_the_query_text() -> None:
    sparql = """SELECT ?i (GROUP_CONCAT(DISTINCT STRAFTER(STR(?c), "/id/"); separator=";") AS ?parts)
                (GROUP_CONCAT(?x) AS ?spaced) (GROUP_CONCAT(?q; separator=" […] ") AS ?quotes) WHERE {}"""
    assert group_concats(sparql) == {"parts": ";", "spaced": " ", "quotes": " […] "}


def test_order_keys_stop_at_an_expression_or_an_unprojected_variable() -> None:
    assert order_keys(
        "SELECT ?a ?b WHERE { { SELECT ?x WHERE {} ORDER BY ?x } } ORDER BY DESC(?b) ?a", ["a", "b"]
    ) == ["b", "a"]
    assert order_keys("SELECT ?a ?b WHERE {} ORDER BY STR(?a) DESC(STR(?b))", ["a", "b"]) == ["a", "b"]
    assert order_keys("SELECT ?a WHERE {} ORDER BY ?a LCASE(?b) ?c", ["a", "c"]) == ["a"]
    assert order_keys("SELECT ?a WHERE {} ORDER BY ?hidden ?a", ["a"]) == []


# --- Virtuoso itself -------------------------------------------------------------------------


def test_the_trig_export_loads_into_virtuoso_with_its_iris_intact(
    trig_load: Any, engine: LocalEngine
) -> None:
    assert trig_load.quads == quad_count(engine)
    assert trig_load.quads_with_backslash_iris == 0, f"e.g. <{trig_load.example}>"


def test_the_nquads_export_loads_every_quad_into_its_named_graph(
    remote: RemoteEngine, engine: LocalEngine
) -> None:
    quads = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    per_graph = lambda answer: {row["g"].value: int(row["n"].value) for row in answer}  # noqa: E731
    assert per_graph(remote.query(quads)) == per_graph(engine.query(quads))


def test_without_a_dataset_virtuoso_also_answers_from_its_own_system_graphs(
    endpoint: str, remote: RemoteEngine
) -> None:
    """Why RemoteEngine sends the dataset: Virtuoso's default graph is every graph it holds."""
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    raw = httpx.post(
        endpoint, data={"query": graphs}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    everything = {b["g"]["value"] for b in raw.json()["results"]["bindings"]}
    ours = {row["g"].value for row in remote.query(graphs)}
    assert ours == set(remote.graphs()) and all(g.startswith(str(GRAPH)) for g in ours)
    assert everything - ours, "Virtuoso keeps graphs of its own (virtrdf#, ...) besides relapsekg's"


def test_a_query_without_from_sees_the_union_of_the_named_graphs(
    remote: RemoteEngine, engine: LocalEngine
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert [r["n"].value for r in remote.query(count)] == [r["n"].value for r in engine.query(count)]


def test_a_query_with_its_own_from_or_a_request_dataset_gets_that_dataset(
    remote: RemoteEngine, engine: LocalEngine
) -> None:
    ontology = f"{GRAPH}ontology"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = [r["n"].value for r in engine.query(count, default_graphs=[ontology])]
    assert [r["n"].value for r in remote.query(count, default_graphs=[ontology])] == expected
    from_clause = f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}"
    assert (
        [r["n"].value for r in remote.query(from_clause)]
        == expected
        == [r["n"].value for r in engine.query(from_clause)]
    )


# --- every named query -----------------------------------------------------------------------


def test_every_named_query_is_compared() -> None:
    assert len(QUERIES) >= 20 and set(VIRTUOSO_DIFFERENCES) <= set(QUERIES)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=VIRTUOSO_DIFFERENCES[n])
        )
        if n in VIRTUOSO_DIFFERENCES
        else n
        for n in sorted(QUERIES)
    ],
)
def test_named_query_answers_on_virtuoso_as_on_the_embedded_store(
    name: str, remote: RemoteEngine, engine: LocalEngine
) -> None:
    sparql = QUERIES[name].sparql()
    assert assert_same_answer(sparql, engine.query(sparql), remote.query(sparql)) > 0, (
        "the default parameters give rows"
    )


@pytest.mark.parametrize(
    "name, params",
    [
        ("evidence-table", {"study": "aall1331"}),
        ("evidence-table", {"study": "aall1331", "endpoint": "os"}),
        ("evidence-by-therapy", {"therapy": "cd19-car-t"}),
    ],
)
def test_named_queries_asked_about_one_entity_answer_on_virtuoso_as_on_the_embedded_store(
    name: str, params: dict[str, str], remote: RemoteEngine, engine: LocalEngine
) -> None:
    """An entity parameter reaches the query as a constant IRI in a VALUES block (UNDEF when left
    empty, which the default-parameter test above covers)."""
    sparql = QUERIES[name].sparql(params)
    assert assert_same_answer(sparql, engine.query(sparql), remote.query(sparql)) > 0


def test_relapsekg_query_named_with_endpoint_prints_the_embedded_answer(
    endpoint: str, engine: LocalEngine
) -> None:
    sparql = QUERIES["cohort-tree"].sparql()
    out = relapsekg("query", "--named", "cohort-tree", "--endpoint", endpoint, "--format", "json").stdout
    assert_same_answer(
        sparql, engine.query(sparql), ox.parse_query_results(out, format=ox.QueryResultsFormat.JSON)
    )


def test_construct_ask_blank_nodes_and_booleans_come_back_as_standard_terms(
    remote: RemoteEngine, engine: LocalEngine
) -> None:
    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a rkg:Study ; rdfs:label ?l }"
    triples = remote.query(construct)
    assert isinstance(triples, list), "a CONSTRUCT answer is triples, not a table of ?s ?p ?o"
    assert set(triples) == {t for t in engine.query(construct)}
    assert bool(remote.query("ASK { ?s a rkg:Study }")) and not bool(
        remote.query("ASK { ?s a rkg:NoSuchClass }")
    )
    blank = "SELECT ?b WHERE { ?c owl:equivalentClass ?b FILTER(isBlank(?b)) }"
    assert all(isinstance(r["b"], ox.BlankNode) for r in remote.query(blank)) and list(remote.query(blank))
    flags = "SELECT ?pub ?et_al WHERE { ?pub rkg:etAl ?et_al }"
    assert {(r["pub"].value, r["et_al"]) for r in remote.query(flags)} == {
        (r["pub"].value, r["et_al"]) for r in engine.query(flags)
    }


@pytest.mark.parametrize(
    "virtuoso_value", ["48", "14", "0", "-12", "129600.0", "2.16e+06", "1.5", "86400.25"]
)
def test_durations_virtuoso_writes_as_months_or_seconds_read_as_the_embedded_store_writes_them(
    virtuoso_value: str,
) -> None:
    """Virtuoso stores xsd:duration as months (year-month) or seconds (day-time) and writes the number."""
    from graph.engine import _duration

    months = virtuoso_value.lstrip("-").isdigit()
    amount = Decimal(virtuoso_value)
    written = f"{'-' if amount < 0 else ''}P{abs(amount)}M" if months else f"PT{amount:f}S"
    store = ox.Store()
    duration = ox.NamedNode(XSD + "duration")
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(written, datatype=duration)))
    [row] = store.query("SELECT ?o WHERE { ?s ?p ?o }")
    assert _duration(virtuoso_value) == row["o"].value


# --- incomplete answers are errors -----------------------------------------------------------


def test_an_answer_cut_at_the_servers_row_limit_is_an_error(remote: RemoteEngine, virtuoso: Any) -> None:
    over_the_cap = "SELECT ?s ?p ?o ?copy WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?copy { 1 2 3 } }"
    with pytest.raises(QueryError, match=f"cut at {virtuoso.max_rows} rows; raise ResultSetMaxRows"):
        remote.query(over_the_cap)


def test_an_answer_interrupted_by_the_servers_time_limit_is_an_error(endpoint: str) -> None:
    # Virtuoso's ?timeout= (ms) is an "anytime" budget: it answers 200 with the rows found so far.
    hurried = RemoteEngine(endpoint + "?timeout=200")
    with pytest.raises(QueryError, match="interrupted.*raise MaxQueryExecutionTime"):
        hurried.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c != ?f) }")


# --- exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["evidence-csv", "cohorts-csv", "asreview-csv", "fhir"])
def test_export_from_the_endpoint_is_identical(fmt: str, remote: RemoteEngine, engine: LocalEngine) -> None:
    assert get_export(fmt).write(remote) == get_export(fmt).write(engine)


def keywords_sorted(ris: bytes) -> list[str]:
    """The RIS lines with each record's run of ``KW`` lines sorted."""
    lines, out, run = ris.decode().splitlines(), [], []
    for line in lines + [""]:
        if line.startswith("KW  - "):
            run.append(line)
            continue
        out += sorted(run) + [line]
        run = []
    return out[:-1]


def test_relapsekg_export_ris_with_endpoint_is_the_embedded_file(
    endpoint: str, store: Path, tmp_path: Path
) -> None:
    """Byte for byte, except the order of a record's keywords: their GROUP_CONCAT has no defined
    order in SPARQL, and the sources keep none (dcterms:subject)."""
    remote_file, local_file = tmp_path / "endpoint.ris", tmp_path / "embedded.ris"
    relapsekg("export", "ris", "--endpoint", endpoint, "-o", str(remote_file))
    relapsekg("export", "ris", "--store", str(store), "-o", str(local_file))
    remote_ris, local_ris = remote_file.read_bytes(), local_file.read_bytes()
    assert len(remote_ris) == len(local_ris) and local_ris.count(b"\nER  -") >= 30
    assert keywords_sorted(remote_ris) == keywords_sorted(local_ris)


def test_the_whole_graph_exported_from_the_endpoint_has_every_quad(
    endpoint: str, store: Path, tmp_path: Path
) -> None:
    """``export nquads --endpoint``: the same quads; blank nodes are renamed by any server, so those
    quads are compared by count."""

    def split(body: bytes) -> tuple[set[ox.Quad], int]:
        quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
        blank = [
            q for q in quads if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
        ]
        return {q for q in quads if q not in blank}, len(blank)

    remote_file, local_file = tmp_path / "endpoint.nq", tmp_path / "embedded.nq"
    relapsekg("export", "nquads", "--endpoint", endpoint, "-o", str(remote_file))
    relapsekg("export", "nquads", "--store", str(store), "-o", str(local_file))
    assert split(remote_file.read_bytes()) == split(local_file.read_bytes())


# --- relapsekg serve --endpoint --------------------------------------------------------------


def test_serve_with_endpoint_answers_sparql_from_virtuoso(endpoint_server: str, engine: LocalEngine) -> None:
    sparql = QUERIES["significant-comparisons"].sparql()
    response = httpx.post(
        f"{endpoint_server}/sparql",
        data={"query": sparql},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    remote = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    assert assert_same_answer(sparql, engine.query(sparql), remote) == 5


def test_serve_with_endpoint_gives_entity_rdf_from_virtuoso(endpoint_server: str, client) -> None:
    """An entity IRI asked for as Turtle is a CONSTRUCT on the endpoint: triples, not a table."""
    path = "/id/result/aall1331-ibm-dfs-blin"
    served = httpx.get(endpoint_server + path, headers={"Accept": "text/turtle"}, timeout=60)
    embedded = client.get(path, headers={"Accept": "text/turtle"})
    assert served.status_code == embedded.status_code == 200, served.text

    def graph(body: bytes) -> set:
        return {
            (t.subject, t.predicate, t.object)
            for t in ox.parse(body, format=ox.RdfFormat.TURTLE)
            if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
        }

    assert graph(served.content) == graph(embedded.content) != set()


def test_serve_with_endpoint_answers_the_json_api_from_virtuoso(endpoint_server: str, client) -> None:
    served = httpx.get(f"{endpoint_server}/api/studies", timeout=60)
    assert served.status_code == 200, served.text
    studies = served.json()

    # design and references are GROUP_CONCATs, whose order SPARQL leaves open: compared as sets.
    def as_sets(rows: list[dict]) -> list[dict]:
        return [{**r, "design": sorted(r["design"]), "references": sorted(r["references"])} for r in rows]

    assert as_sets(studies) == as_sets(client.get("/api/studies").json())
    assert len(studies) >= 18 and any(s.get("acronym") == "AALL1331" for s in studies)
    one = httpx.get(f"{endpoint_server}/api/studies/aall1331", timeout=60)
    assert one.status_code == 200, one.text
    by_id = lambda study: sorted(study["results"], key=lambda r: r["result_id"])  # noqa: E731
    assert len(by_id(one.json())) == 27 and by_id(one.json()) == by_id(
        client.get("/api/studies/aall1331").json()
    )
