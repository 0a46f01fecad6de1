"""Answers kept by the build: every named query at its defaults, in every SPARQL results format,
answered by the server byte for byte as a query worker would answer it, and never for a request
whose answer could differ (other parameters, another build, a smaller row cap, a protocol dataset)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from answers import assert_same_answer, group_concats
from swapped import app_client, swap_in

from api.querying import KEPT_IN_CACHE
from api.settings import Settings
from graph import store as stores
from graph.engine import memory_copy
from graph.kept_answers import FOLDER, INDEX, keep, lookup, text_key
from graph.named import NamedQueries
from graph.results import DEFAULT_MAX_ROWS, RESULT_FORMATS

ACCEPT = {fmt: media for fmt, (_format, media) in RESULT_FORMATS.items()}


@pytest.fixture()
def private_store(store: Path, tmp_path: Path) -> Path:
    """A copy of the session's store whose kept answers a test may overwrite."""
    root = tmp_path / "store"
    shutil.copytree(store, root, symlinks=True)
    return root


def kept_file(root: Path, name: str, fmt: str) -> Path:
    build = stores.current_build(root)
    found = lookup(build.path, NamedQueries().get(name).sparql(), fmt, DEFAULT_MAX_ROWS)
    assert found is not None, f"{name} was not kept as {fmt}"
    return Path(found.path)


def mark(file: Path) -> bytes:
    """Overwrite a kept body with a marker of the same size, so a test can tell it was served."""
    marker = b"K" * file.stat().st_size
    file.write_bytes(marker)
    return marker


def test_the_build_keeps_every_named_query_in_every_results_format(store: Path) -> None:
    build = stores.current_build(store)
    index = json.loads((build.path / FOLDER / INDEX).read_text())
    queries = NamedQueries().all()
    assert index["max_rows"] == DEFAULT_MAX_ROWS
    assert sorted(entry["query"] for entry in index["answers"].values()) == sorted(queries)
    assert build.manifest["kept_answers"] == len(queries)
    for name, query in queries.items():
        entry = index["answers"][text_key(query.sparql())]
        assert set(entry["formats"]) == set(RESULT_FORMATS), name
        for body in entry["formats"].values():
            assert (build.path / FOLDER / body["file"]).stat().st_size == body["size"]


def csv_rows(body: bytes, concats: dict[str, str]) -> Counter:
    """A CSV answer's rows as a multiset, the values of each GROUP_CONCAT unordered."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    header = next(reader)
    return Counter(
        tuple(
            tuple(sorted(value.split(concats[name]))) if name in concats else value
            for name, value in zip(header, row, strict=False)
        )
        for row in reader
    )


def test_a_kept_answer_is_what_a_query_worker_would_send(store: Path) -> None:
    """Byte for byte where the query fixes every byte; where SPARQL leaves the order of tied rows or
    of GROUP_CONCAT's values open, two evaluations differ as much, so the answers are compared as
    tests/answers.py compares two engines."""
    with app_client(store) as kept, app_client(store, kept_answers=False, cache_mb=0) as evaluated:
        for name, query in NamedQueries().all().items():
            sparql = query.sparql()
            for fmt, media in ACCEPT.items():
                a = kept.get(f"/queries/{name}", headers={"accept": media})
                b = evaluated.get(f"/queries/{name}", headers={"accept": media})
                assert a.status_code == b.status_code == 200, (name, fmt, a.text, b.text)
                assert (a.headers["x-relapsekg-answer"], b.headers["x-relapsekg-answer"]) == (
                    "kept",
                    "evaluated",
                )
                assert a.headers["content-type"] == b.headers["content-type"], (name, fmt)
                if a.content == b.content:
                    assert a.headers["etag"] == b.headers["etag"], (name, fmt)
                elif fmt == "csv":
                    assert csv_rows(a.content, group_concats(sparql)) == csv_rows(
                        b.content, group_concats(sparql)
                    ), name
                else:
                    parse = RESULT_FORMATS[fmt][0]
                    assert_same_answer(
                        sparql,
                        ox.parse_query_results(b.content, format=parse),
                        ox.parse_query_results(a.content, format=parse),
                        ("evaluated", "kept"),
                    )


def test_a_named_query_at_its_defaults_is_served_from_the_kept_body(private_store: Path) -> None:
    marker = mark(kept_file(private_store, "evidence-table", "csv"))
    with app_client(private_store, cache_mb=0) as client:
        r = client.get("/queries/evidence-table", headers={"accept": "text/csv"})
        assert r.status_code == 200 and r.content == marker
        assert r.headers["content-type"] == "text/csv; charset=utf-8"
        # The same text sent to /sparql is the same question.
        sparql = NamedQueries().get("evidence-table").sparql()
        assert (
            client.get("/sparql", params={"query": sparql}, headers={"accept": "text/csv"}).content == marker
        )


def test_other_parameters_a_dataset_or_another_format_are_evaluated(private_store: Path) -> None:
    marker = mark(kept_file(private_store, "evidence-table", "json"))
    sparql = NamedQueries().get("evidence-table").sparql()
    with app_client(private_store, cache_mb=0) as client:
        chosen = client.get(
            "/queries/evidence-table", params={"study": "aall1331"}, headers={"accept": ACCEPT["json"]}
        )
        assert chosen.status_code == 200 and chosen.content != marker
        rows = chosen.json()["results"]["bindings"]
        assert rows and {row["study"]["value"] for row in rows} == {"aall1331"}
        with_dataset = client.get(
            "/sparql",
            params={"query": sparql, "default-graph-uri": "urn:relapsekg:nothing"},
            headers={"accept": ACCEPT["json"]},
        )
        assert with_dataset.status_code == 200 and with_dataset.json()["results"]["bindings"] == []
        assert client.get("/queries/evidence-table", headers={"accept": "text/csv"}).content != marker


def test_a_row_cap_the_kept_body_does_not_fit_is_evaluated(private_store: Path) -> None:
    marker = mark(kept_file(private_store, "evidence-table", "json"))
    rows = json.loads((stores.current_build(private_store).path / FOLDER / INDEX).read_text())["answers"][
        text_key(NamedQueries().get("evidence-table").sparql())
    ]["rows"]
    with app_client(private_store, cache_mb=0, max_rows=rows - 1) as smaller:
        r = smaller.get("/queries/evidence-table", headers={"accept": ACCEPT["json"]})
        assert r.status_code == 200 and r.content != marker
        assert len(r.json()["results"]["bindings"]) == rows - 1 and r.headers["x-relapsekg-capped"] == str(
            rows - 1
        )
    with app_client(private_store, cache_mb=0, max_rows=rows) as exactly:
        assert exactly.get("/queries/evidence-table", headers={"accept": ACCEPT["json"]}).content == marker


def test_the_server_can_be_told_to_evaluate_every_request(
    private_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = mark(kept_file(private_store, "definitions", "json"))
    monkeypatch.setenv("RELAPSEKG_KEPT_ANSWERS", "0")
    assert Settings().kept_answers is False
    with app_client(private_store, cache_mb=0, kept_answers=False) as client:
        r = client.get("/queries/definitions", headers={"accept": ACCEPT["json"]})
        assert r.status_code == 200 and r.content != marker and r.json()["results"]["bindings"]
        assert r.headers["x-relapsekg-answer"] == "evaluated"


def test_a_small_kept_answer_is_copied_into_the_answer_cache_and_a_large_one_is_read_from_its_file(
    private_store: Path,
) -> None:
    with app_client(private_store) as client:
        small = [client.get("/queries/definitions", headers={"accept": ACCEPT["json"]}) for _ in range(2)]
        assert [r.headers["x-relapsekg-answer"] for r in small] == ["kept", "cache"]
        assert small[0].content == small[1].content and small[0].headers["etag"] == small[1].headers["etag"]
        assert len(small[0].content) <= KEPT_IN_CACHE and len(client.app.state.cache) == 1

        large = [
            client.get("/queries/evidence-network", headers={"accept": ACCEPT["json"]}) for _ in range(2)
        ]
        assert len(large[0].content) > KEPT_IN_CACHE
        assert [r.headers["x-relapsekg-answer"] for r in large] == ["kept", "kept"]
        assert len(client.app.state.cache) == 1

        chosen = {"study": "aall1331"}
        sources = [
            client.get("/queries/evidence-table", params=chosen).headers["x-relapsekg-answer"]
            for _ in range(2)
        ]
        assert sources == ["evaluated", "cache"]


@pytest.mark.parametrize("damage", ["removed", "truncated"])
def test_a_missing_or_damaged_kept_body_is_evaluated_instead(private_store: Path, damage: str) -> None:
    file = kept_file(private_store, "definitions", "json")
    expected = file.read_bytes()
    if damage == "removed":
        file.unlink()
    else:
        file.write_bytes(expected[:-10])
    with app_client(private_store, cache_mb=0) as client:
        r = client.get("/queries/definitions", headers={"accept": ACCEPT["json"]})
        assert r.status_code == 200 and r.content == expected


def test_a_rebuild_is_never_answered_with_the_previous_builds_kept_answers(private_store: Path) -> None:
    mark(kept_file(private_store, "definitions", "json"))
    with app_client(private_store, cache_mb=0) as client:
        assert client.get("/queries/definitions").content.startswith(b"KKK")
        swap_in(private_store, 2)  # a new build, of two triples and no kept answers
        r = client.get("/queries/definitions")
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []


def keep_files(
    store: Path, tmp_path: Path, files: dict[str, str], max_rows: int = 100
) -> tuple[stores.Build, dict, list[str]]:
    """Keep the answers of the query ``files`` (name: text) for the session graph in a build of their own."""
    queries = tmp_path / "queries"
    queries.mkdir(parents=True)
    for name, text in files.items():
        (queries / name).write_text(text)
    build = stores.new_build(tmp_path / "builds")
    index, notes = keep(
        build, memory_copy(stores.current_build(store)), NamedQueries(queries).files(), max_rows
    )
    return build, index, notes


def test_a_named_query_that_fails_or_changes_every_run_is_noted_and_the_others_are_kept(
    store: Path, tmp_path: Path
) -> None:
    _build, index, notes = keep_files(
        store,
        tmp_path,
        {
            "counted.rq": "# title: Count\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n",
            "broken.rq": "# title: Broken\nSELECT ?s WHERE { ?s ?p }\n",
            "untitled.rq": "SELECT ?s WHERE { ?s ?p ?o }\n",
            "random.rq": "# title: Random\nSELECT (RAND() AS ?r) WHERE {}\n",
        },
    )
    assert [entry["query"] for entry in index["answers"].values()] == ["counted"]
    assert sorted(note.split(":")[0] for note in notes) == ["broken.rq", "random.rq", "untitled.rq"]
    assert any(note.startswith("broken.rq: answer not kept: error at ") for note in notes)
    assert any(note.startswith("untitled.rq: answer not kept:") and "title" in note for note in notes)


def test_a_graph_answer_is_kept_in_every_graph_format_the_server_negotiates(
    store: Path, tmp_path: Path
) -> None:
    build, index, notes = keep_files(
        store,
        tmp_path,
        {
            "labels.rq": "# title: Labels\nCONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a rkg:Study ; rdfs:label ?l }\n"
        },
    )
    assert not notes
    text = NamedQueries(tmp_path / "queries").get("labels").sparql()
    for fmt in ("turtle", "ntriples", "jsonld", "rdfxml", "trig"):
        kept = lookup(build.path, text, fmt, 100)
        assert kept is not None and kept.read(), fmt
    assert lookup(build.path, text, "nquads", 100) is None  # /sparql offers no N-Quads
    assert next(iter(index["answers"].values()))["rows"] > 0


def test_a_cut_body_fits_only_its_own_cap_and_a_whole_one_any_cap_it_fits_under(
    store: Path, tmp_path: Path
) -> None:
    listing = "# title: Studies\nSELECT ?s WHERE { ?s a rkg:Study } ORDER BY ?s\n"
    build, index, _ = keep_files(store, tmp_path, {"studies.rq": listing}, max_rows=3)
    text = NamedQueries(tmp_path / "queries").get("studies").sparql()
    assert next(iter(index["answers"].values()))["rows"] == 3  # read no further than the cap
    assert lookup(build.path, text, "json", 3).capped
    whole, whole_index, _ = keep_files(store, tmp_path / "whole", {"studies.rq": listing}, max_rows=1000)
    rows = next(iter(whole_index["answers"].values()))["rows"]
    assert rows > 3
    assert lookup(build.path, text, "json", 2) is None and lookup(build.path, text, "json", rows) is None
    assert all(lookup(whole.path, text, "csv", cap) is not None for cap in (rows, 1000, 10**6))
    assert lookup(whole.path, text, "csv", rows - 1) is None


def test_answers_kept_by_other_code_or_in_a_damaged_index_are_not_used(private_store: Path) -> None:
    index_file = stores.current_build(private_store).path / FOLDER / INDEX
    kept = json.loads(index_file.read_text())
    with app_client(private_store, cache_mb=0) as client:
        assert client.get("/queries/definitions").headers["x-relapsekg-answer"] == "kept"
        for damaged in (
            {**kept, "fingerprint": "another version"},
            [],
            {**kept, "answers": {k: {} for k in kept["answers"]}},
            {**kept, "answers": None},
        ):
            index_file.write_text(json.dumps(damaged))
            r = client.get("/queries/definitions")
            assert r.status_code == 200 and r.headers["x-relapsekg-answer"] == "evaluated", damaged
            assert r.json()["results"]["bindings"]
