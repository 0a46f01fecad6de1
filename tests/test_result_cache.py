"""The answer cache: keyed by build, query, dataset and format; bounded; ETag and 304 like an HTTP
cache expects; never an answer of an earlier build after a rebuild is swapped in."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from swapped import COUNT, app_client, count, swap_in

from api.cache import CachedAnswer, Memo, ResultCache
from api.settings import Settings
from graph.sparqltext import volatile

JSON = {"accept": "application/sparql-results+json"}


def test_a_rebuild_is_never_answered_from_the_cache(tiny: Path) -> None:
    with app_client(tiny) as client:
        cache = client.app.state.cache
        first = client.get("/sparql", params={"query": COUNT}, headers=JSON)
        assert count(first) == 2
        assert count(client.get("/sparql", params={"query": COUNT}, headers=JSON)) == 2
        assert cache.hits == 1, "the second identical request is served from the cache"
        swap_in(tiny, 3)
        again = client.get(
            "/sparql", params={"query": COUNT}, headers={**JSON, "if-none-match": first.headers["etag"]}
        )
        assert count(again) == 3, "the new build answers, not the cached answer of the previous one"
        assert again.headers["etag"] != first.headers["etag"]
        assert count(client.post("/sparql", data={"query": COUNT}, headers=JSON)) == 3
        # Named queries and pages go through the same cache.
        assert client.get("/queries/definitions", headers=JSON).status_code == 200


def test_each_format_is_its_own_entry(tiny: Path) -> None:
    with app_client(tiny) as client:
        cache = client.app.state.cache
        formats = {
            "application/sparql-results+json": b'"n"',
            "application/sparql-results+xml": b"<sparql",
            "text/csv": b"n\r\n2",
            "text/tab-separated-values": b"?n\n2",
        }
        for _ in range(2):
            for accept, marker in formats.items():
                r = client.get("/sparql", params={"query": COUNT}, headers={"accept": accept})
                assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
                assert marker in r.content, (accept, r.content)
        assert len(cache) == 4 and cache.hits == 4
        etags = {
            client.get("/sparql", params={"query": COUNT}, headers={"accept": a}).headers["etag"]
            for a in formats
        }
        assert len(etags) == 4
        # An alias media type is a different representation (another Content-Type), so another entry and ETag.
        alias = client.get("/sparql", params={"query": COUNT}, headers={"accept": "application/json"})
        assert (
            alias.headers["content-type"].startswith("application/json")
            and alias.headers["etag"] not in etags
        )


def test_etag_and_if_none_match(tiny: Path) -> None:
    with app_client(tiny) as client:
        r = client.get("/sparql", params={"query": COUNT}, headers=JSON)
        etag = r.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"')
        assert r.headers["cache-control"] == "no-cache" and "Accept" in r.headers["vary"]
        for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            not_modified = client.get(
                "/sparql", params={"query": COUNT}, headers={**JSON, "if-none-match": header}
            )
            assert not_modified.status_code == 304, header
            assert not_modified.content == b"" and not_modified.headers["etag"] == etag
        assert (
            client.get(
                "/sparql", params={"query": COUNT}, headers={**JSON, "if-none-match": '"other"'}
            ).status_code
            == 200
        )
        # The same answer in XML is another representation: the JSON ETag does not validate it.
        xml = client.get(
            "/sparql",
            params={"query": COUNT},
            headers={"accept": "application/sparql-results+xml", "if-none-match": etag},
        )
        assert xml.status_code == 200
        # A POST is not a conditional GET.
        assert (
            client.post("/sparql", data={"query": COUNT}, headers={**JSON, "if-none-match": etag}).status_code
            == 200
        )


def test_max_age_is_configurable(tiny: Path) -> None:
    with app_client(tiny, cache_max_age=60) as client:
        assert client.get("/sparql", params={"query": COUNT}).headers["cache-control"] == "public, max-age=60"


def test_volatile_queries_are_not_cached(tiny: Path) -> None:
    query = "SELECT (STRUUID() AS ?id) WHERE {}"
    assert (
        volatile(query)
        and volatile("SELECT (rand () AS ?r) {}")
        and not volatile('SELECT ?x { ?x ?p "NOW()" }')
    )
    with app_client(tiny) as client:
        ids = {
            client.get("/sparql", params={"query": query}).json()["results"]["bindings"][0]["id"]["value"]
            for _ in range(3)
        }
        assert len(ids) == 3 and len(client.app.state.cache) == 0


def test_capped_answers_stay_capped_from_the_cache(tiny: Path) -> None:
    swap_in(tiny, 10)
    with app_client(tiny, max_rows=4) as client:
        for _ in range(2):
            r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers=JSON)
            assert r.headers["x-relapsekg-capped"] == "4" and len(r.json()["results"]["bindings"]) == 4
            assert r.json()["relapsekg"] == {"capped": True, "max_rows": 4}
        assert client.app.state.cache.hits == 1


def test_the_cache_can_be_turned_off(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAPSEKG_CACHE", "0")
    assert Settings().cache_mb == 0
    with app_client(tiny, cache_mb=0) as client:
        for _ in range(3):
            r = client.get("/sparql", params={"query": COUNT})
            assert count(r) == 2 and r.headers["etag"]
        assert len(client.app.state.cache) == 0 and client.app.state.cache.hits == 0


def test_the_cache_is_bounded_and_least_recently_used_goes_first() -> None:
    cache = ResultCache(100_000)
    answer = lambda size: CachedAnswer(b"x" * size, "text/csv", False, '"e"')  # noqa: E731
    for i in range(5):
        cache.put(("build", i), answer(10_000))
    assert cache.get(("build", 0)) is not None  # now the most recently used
    for i in range(5, 10):
        cache.put(("build", i), answer(10_000))
    assert cache.bytes <= 100_000 and len(cache) == 9
    assert cache.get(("build", 0)) is not None and cache.get(("build", 1)) is None
    cache.put(("build", "huge"), answer(20_000))  # more than an eighth of the budget: not kept
    assert cache.get(("build", "huge")) is None


def test_a_memo_is_bounded_by_the_characters_of_its_keys_and_forgets_refusals() -> None:
    computed: list[str] = []

    def verdict(text: str) -> str | None:
        computed.append(text)
        if text == "refused":
            raise ValueError(text)
        return None if text.startswith("none") else text.upper()

    memo: Memo[str, str | None] = Memo(80, verdict)
    assert memo("a" * 10) == memo("a" * 10) == "A" * 10 and computed == ["a" * 10]
    assert memo("none") is None and memo("none") is None and computed.count("none") == 1
    for _ in range(2):
        with pytest.raises(ValueError):
            memo("refused")
    assert computed.count("refused") == 2, "a refusal is computed again, not remembered"
    memo("x" * 11)  # more than an eighth of the bound: computed, not kept
    assert len(memo) == 2
    for i in range(10):
        memo(f"{i}" * 10)
    assert memo.chars <= 80 and len(memo) == 8, "the least recently used went first"


def test_identical_requests_in_flight_share_one_evaluation(tiny: Path) -> None:
    """Twenty clients asking the same uncached query at once take one worker run, not twenty."""
    import concurrent.futures

    with app_client(tiny) as client:
        pool = client.app.state.pool
        runs: list[object] = []
        run = pool.run

        async def counted(request):
            runs.append(request)
            await asyncio.sleep(0.3)  # still running when the others arrive
            return await run(request)

        pool.run = counted
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?x ?y ?z }"
        with concurrent.futures.ThreadPoolExecutor(20) as threads:
            answers = list(
                threads.map(lambda _: client.get("/sparql", params={"query": query}, headers=JSON), range(20))
            )
        assert [count(a) for a in answers] == [4] * 20
        assert len(runs) == 1
        exports = list(
            concurrent.futures.ThreadPoolExecutor(5).map(lambda _: client.get("/export/nquads"), range(5))
        )
        assert {e.status_code for e in exports} == {200} and len(runs) == 2


def test_a_graph_view_is_drawn_once_per_build_and_kept_with_the_answers(tiny: Path) -> None:
    with app_client(tiny) as client:
        cache = client.app.state.cache
        first = client.get("/graph/data")
        page = client.get("/graph")
        assert first.status_code == 200 and page.status_code == 200
        entries, hits = len(cache), cache.hits
        assert client.get("/graph/data").content == first.content
        assert client.get("/graph").content == page.content
        assert cache.hits == hits + 2 and len(cache) == entries, "both are the kept bytes, nothing redrawn"
        swap_in(tiny, 3)
        assert client.get("/graph/data").status_code == 200
        assert cache.hits == hits + 2, "a rebuild draws the view again, from the new build's answers"


def test_without_the_cache_a_graph_view_is_drawn_every_time(tiny: Path) -> None:
    with app_client(tiny, cache_mb=0) as client:
        for _ in range(2):
            assert client.get("/graph/data").status_code == 200
        assert len(client.app.state.cache) == 0
