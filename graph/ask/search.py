"""A question against the ask index: select the facts about what it names, rank them, and say
whether the best one answers it.

1-2. The question is read against the graph's names (:mod:`.reading`): its terms, and the
   *concepts* it names, each a set of IRIs.
3. Candidates: the facts FTS5 ranks best by BM25 over their quotes and the names of what they
   point at, the facts that point at the rarer concepts, and the facts of a kind the question
   names or asks for that the facts about the things it names point at (the drugs of a named
   phase, the paper a named cohort is derived from).
4. Each candidate is scored by how much of the question it covers: the question's terms found in
   its text or in a concept it points at (weighted by rarity; a word no fact has weighs less; a
   number counts only if the fact's own quote or label says it), the concepts it points at
   (itself, one step further, or named in its quote as a phrase, or in a named paper's title in
   the name's order, each less), and its BM25 score.
   A fact that is not about every thing the question names, or lacks a number or code of the
   question (a time point, a year, "CNS3"), counts half; one of none of the kinds the question
   asks for, less. Of facts quoting the same sentence, those that point at what the question
   names (a result at its endpoint) come before those that only quote it (its cohort). The third
   answer is not more of the first's sentence and kind when that sentence states a fact of
   another kind (:func:`_another_kind_third`), and a paper asked for by "authors" is followed by
   the persons it points at (:meth:`AskIndex._through_best`).
5. The best fact answers the question only if it is complete in that sense, covers enough of
   the question, states the quantity asked for if one is (a sample size for "how many patients",
   unless it is of another kind asked for; one for each word asking for one: "the CRS rate in
   percent" is not answered by a rate in words), holds each topic word of the question that few
   facts hold ("dose"), and the question names nothing the graph does not know nor, by a near
   label, what the article does not report ("EFS"); otherwise the question is *unanswered*, and
   the closest facts are given apart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .extract import BACK, kind_of
from .index import FILE
from .reading import (
    Concept,
    QuestionReader,
    Reading,
    check_question,
)
from .text import is_code, is_number

CANDIDATES = 30  # by BM25
LINKED_CANDIDATES = 60  # facts of one concept, for concepts rarer than this
MAX_LINKED = 5000  # facts read per concept (a concept in more facts says little)
LINKED_CACHE = 128  # concepts whose facts are remembered
MAX_WHOLES = 500  # facts about a named thing whose parts of a kind asked for are looked up
# A best fact covering less of the question than this (rarity-weighted share of its terms) does
# not answer it.
ANSWERED_COVERAGE = 0.4
WEIGHTS = {"coverage": 0.5, "links": 0.3, "bm25": 0.2}
# BM25 over a fact's quotes (weight 1) and the names of what it points at (0.3): the words of the
# sentence a question paraphrases tell facts apart more than the names their links share. (0.5
# before 2026-12-08; 0.25 to 0.35 measure the same; 0.1 ranks more first but fewer in the top 3,
# and 1.0 fewer of both.)
BM25 = "bm25(docs, 1.0, 0.3)"
INCOMPLETE = 0.5
ITSELF = 1.15  # a fact that is a thing the question names, against the facts that point at it
OTHER_KIND = 0.7  # a fact of none of the kinds the question asks for (by their hidden labels)
SHARED_POOL = 20  # the best facts among which those sharing a sentence are compared
QUOTED_ONLY = 0.9  # per thing the question names that a fact only quotes and its sentence's others point at
UNNUMBERED = 0.95  # a fact of a sentence whose other facts give its numbers
FAR_ENOUGH = 0.6  # a link at least this close (one step further) is structure, not a quote
NAMED = 0.2  # the link of a fact to a thing its quote names (not a link of the graph's)
ABOUT = 1.0  # a fact is about what it points at itself (or what its quote names; see below)
MATES = 8  # the other facts of an answer's sentence named with it, at most


@dataclass
class Hit:
    id: int
    record: dict[str, Any]
    score: float
    coverage: float
    parts: dict[str, float] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)  # the question's terms it does not hold
    unlinked: list[str] = field(default_factory=list)  # the things the question names it is not about
    asked: bool = False  # of a kind the question asks for (points at a hidden label's IRI itself)
    links: dict[int, float] = field(default_factory=dict)  # concept index -> how closely it is about it
    states: bool = False  # states a quantity the question asks for (its n for "how many patients")
    states_all: bool = False  # ... one for each word asking for one ("the CRS rate in percent": a number)
    kind_asked: bool = False  # of a kind a word of the question asks for ("why"), not a number
    same_sentence: list[dict[str, str]] = field(default_factory=list)  # the other facts its sentence states

    @property
    def complete(self) -> bool:
        """About every thing the question names, with every number and code it writes (a time point,
        a year, "CNS3", "E1910": a fact without them is about something else)."""
        return not self.unlinked and not any(is_number(t) or is_code(t) for t in self.missing)


def _structure_first(hits: list[Hit], concepts: list[Concept]) -> list[Hit]:
    """Of facts quoting the same sentence (a cohort and the results measured in it), the ones that
    point at what the question names (a result at its endpoint) before those that only quote it:
    each thing named that a fact only quotes, and another fact of the sentence points at, costs it
    ``QUOTED_ONLY``. And the facts that give the sentence's numbers (its results, with their
    values) before those that only group them (the analysis they belong to)."""
    groups: dict[tuple[str, ...], list[Hit]] = {}
    for hit in hits:
        groups.setdefault(tuple(hit.record.get("quotes", ())), []).append(hit)
    for group in groups.values():
        if len(group) < 2:
            continue
        pointed = {i for h in group for i, w in h.links.items() if w >= ABOUT}
        for hit in group:
            quoted_only = [
                i
                for i, c in enumerate(concepts)
                if c.selects and i in pointed and hit.links.get(i, 0.0) < FAR_ENOUGH
            ]
            hit.score *= QUOTED_ONLY ** len(quoted_only)
        numbered = [h for h in group if _numbered(h)]
        if numbered:  # the facts that give the sentence's numbers before those that only group them
            for hit in group:
                if hit not in numbered:
                    hit.score *= UNNUMBERED
    return sorted(hits, key=lambda h: (-h.score, h.id))


def _numbered(hit: Hit) -> bool:
    """Whether the fact gives numbers (a value, a sample size, a p-value)."""
    return bool({"value", "n", "p_value"} & set(hit.record))


def _another_kind_third(ranked: list[Hit], mates: list[dict[str, str]]) -> list[Hit]:
    """The best fact's sentence seen from another side: when the third answer is more of the first's
    sentence and of a kind the first two already are (the other arm's cohort, after the cohort and
    a result), and that sentence states a fact of another kind (a rule, a study), the best scored of
    those comes third. Not when the third is of a kind the question asks for or states the quantity
    it asks for ("how many": the other arm's n), and a fact giving numbers, or about every thing the
    question names, gives way only to one that does too."""
    if len(ranked) < 3 or not mates:
        return ranked
    shown = {ranked[0].record["kind"], ranked[1].record["kind"]}
    displaced = ranked[2]
    if (
        displaced.record["kind"] not in shown
        or displaced.record["iri"] not in {m["iri"] for m in mates}
        or displaced.asked
        or displaced.states
    ):
        return ranked
    other = {m["iri"] for m in mates if m["kind"] not in shown}
    third = next(
        (
            h
            for h in ranked[3:]
            if h.record["iri"] in other
            and (_numbered(h) or not _numbered(displaced))
            and (h.complete or not displaced.complete)
        ),
        None,
    )
    if third is None:
        return ranked
    return [*ranked[:2], third, *(h for h in ranked[2:] if h is not third)]


def _in_order(name: tuple[str, ...], terms: list[str]) -> bool:
    """Whether ``terms`` hold the words of ``name`` in its order, other words between them."""
    words = iter(terms)
    return all(any(t == w for w in words) for t in name)


@dataclass(frozen=True)
class Candidates:
    """The facts a question is scored against, with their BM25 scores and their links to its
    concepts (fact -> concept index -> how closely it is about it)."""

    ids: list[int]
    bm25: dict[int, float]
    linked: dict[int, dict[int, float]]
    stating: frozenset[int] = frozenset()  # those stating a quantity the question asks for
    stating_all: frozenset[int] = frozenset()  # ... and one for each word asking for a quantity


def _lacking(best: Hit, reading: Reading) -> list[str]:
    """The topic words few facts hold that the best fact lacks ("dose", of Jacoby's series)."""
    return [t for t in reading.rare_topics if t in best.missing]


def _unanswered(hits: list[Hit], reading: Reading, lacking: list[str]) -> bool:
    """Step 5. Not answered: the best fact covers too little of the question, lacks a number the
    question asks about (a time point, a value, a year), is not about a thing the question names,
    does not state the quantities the question asks for ("how many patients": a sample size; "what
    rate": a value or a rate in words; "in percent": a value; hidden labels of those properties),
    lacks a topic word of the question that few facts hold (``lacking``: they say what it asks,
    "the CAR T dose in Jacoby 2022"), or the question names what the graph does not know, or what
    the article does not report by a near label ("EFS": its facts on DFS are the closest)."""
    if not hits or reading.unknown or reading.near:
        return True
    best = hits[0]
    return (
        best.coverage < ANSWERED_COVERAGE
        or not best.complete
        or bool(lacking)
        or (bool(reading.value_words) and not (best.states_all or best.kind_asked))
    )


@dataclass
class Search:
    question: str
    terms: list[str]
    content: list[str]
    concepts: list[Concept]
    hits: list[Hit]
    unanswered: bool
    unknown: list[str] = field(default_factory=list)  # words of the question the graph has nowhere
    # Topic words few facts hold ("dose") that the best fact lacks: what the question asks is
    # something else than what the graph says.
    lacking: list[str] = field(default_factory=list)

    @property
    def near(self) -> list[Concept]:
        """Its words for what the article does not report ("EFS"), each on the closest thing."""
        return [c for c in self.concepts if c.near]


class AskIndex:
    """One index file, opened read-only; safe to share between threads (one question at a time)."""

    def __init__(self, folder: Path) -> None:
        path = folder / FILE
        if not path.is_file():
            raise FileNotFoundError(f"no ask index at {path}")
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.total = self._db.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
        self.reader = QuestionReader(self._db, self.total)
        self.tokenizer, self.stop = self.reader.tokenizer, self.reader.stop
        self._linked_cache: dict[tuple[str, ...], list[tuple[int, float]]] = {}

    def search(self, question: str, top: int = 5) -> Search:
        question = check_question(question, top)
        with self._lock:
            return self._search(question, top)

    # -- the steps -------------------------------------------------------------------------------

    def _pointing_at(self, iris: tuple[str, ...]) -> list[tuple[int, float]]:
        """The facts that point at any of ``iris``, with the closest link's weight (remembered: the
        same things come back question after question)."""
        rows = self._linked_cache.get(iris)
        if rows is None:
            marks = ",".join("?" * len(iris))
            rows = self._db.execute(
                f"SELECT fact, MAX(weight) FROM links WHERE iri IN ({marks}) GROUP BY fact LIMIT ?",
                (*iris, MAX_LINKED + 1),
            ).fetchall()
            if len(self._linked_cache) >= LINKED_CACHE:
                self._linked_cache.pop(next(iter(self._linked_cache)))
            self._linked_cache[iris] = rows
        return rows

    def _parts_of_kind(
        self, kinds: list[int], named: list[int], linked: dict[int, dict[int, float]], named_facts: set[int]
    ) -> dict[int, dict[int, float]]:
        """The facts of a kind the question names or asks for that a fact about the things it names
        points at: "reinduction drugs on AALL1331" asks for the drugs (vincristine…) the AALL1331
        reinduction phase points at, which are about neither AALL1331 nor reinduction. Each is given
        with the whole's links to the things named, as links back (``BACK``), which a fact of a
        kind asked for may be about ("where were the AALL1331 IR/HR results published": the paper
        their cohort is derived from). Only wholes about every thing named are looked in: few; and
        of those, the things named themselves when they are wholes ("Aldoss affiliation": his
        department, not the companies his declarations point at)."""
        if not kinds or not named:
            return {}
        of_kind = {f for f, by in linked.items() if any(by.get(i, 0.0) >= ABOUT for i in kinds)}
        wholes = sorted(
            f for f, by in linked.items() if f not in of_kind and all(by.get(i, 0.0) >= ABOUT for i in named)
        )[:MAX_WHOLES]
        if not wholes:
            return {}
        # The parts of a thing named, if it is a whole, not of the facts about it: Aldoss's
        # department, not the companies of his declarations.
        wholes = [f for f in wholes if f in named_facts] or wholes
        rows = self._db.execute(
            f"SELECT DISTINCT f.id FROM links l JOIN facts f ON f.iri = l.iri "
            f"WHERE l.fact IN ({','.join('?' * len(wholes))}) AND l.weight = ?",
            (*wholes, ABOUT),
        ).fetchall()
        return {
            part: {i: max(linked[part].get(i, 0.0), BACK) for i in named}
            for (part,) in rows
            if part in of_kind
        }

    def _search(self, question: str, top: int) -> Search:
        reading = self.reader.read(question)
        found = self._candidates(reading) if reading.content else None
        if found is None or not found.ids:
            return Search(
                question, reading.terms, reading.content, reading.concepts, [], True, reading.unknown
            )
        hits = self._through_best(
            self._rank(self._score(reading, found), reading.concepts, top), reading, top
        )
        lacking = _lacking(hits[0], reading) if hits else []
        return Search(
            question, reading.terms, reading.content, reading.concepts, hits,
            _unanswered(hits, reading, lacking), reading.unknown, lacking,
        )  # fmt: skip

    def _bm25(self, match: str, among: list[int] | None = None) -> dict[int, float]:
        """BM25 scores (higher is better) of the best ``CANDIDATES`` facts, or of the facts ``among``."""
        if among is None:
            rows = self._db.execute(
                f"SELECT rowid, {BM25} FROM docs WHERE docs MATCH ? ORDER BY {BM25} LIMIT ?",
                (match, CANDIDATES),
            )
        else:
            rows = self._db.execute(
                f"SELECT rowid, {BM25} FROM docs WHERE docs MATCH ? "
                f"AND rowid IN ({','.join('?' * len(among))})",
                (match, *among),
            )
        return {rowid: -score for rowid, score in rows}

    def _candidates(self, reading: Reading) -> Candidates:
        """Step 3: the facts FTS5 ranks best, those pointing at the rarer concepts, the parts of a
        kind asked for of the things named, and the things named themselves; each with its BM25
        score and its links to the concepts."""
        bm25 = self._bm25(reading.match)
        candidates = set(bm25)
        # The facts that point at each concept (IRI index, the closest link when several match).
        linked: dict[int, dict[int, float]] = {}
        for index, concept in enumerate(reading.concepts):
            pointing = self._pointing_at(concept.iris)
            for fact, weight in pointing:
                linked.setdefault(fact, {})[index] = weight
            if len(pointing) <= LINKED_CANDIDATES:
                candidates.update(fact for fact, _w in pointing)
        named_things = reading.named_things  # the things named, themselves, however many facts point at them
        named_facts = {
            fact
            for (fact,) in self._db.execute(
                f"SELECT id FROM facts WHERE iri IN ({','.join('?' * len(named_things))})", named_things
            )
        }
        for part, links_back in self._parts_of_kind(
            reading.kinds_sought, reading.selecting, linked, named_facts
        ).items():
            linked[part].update(links_back)
            candidates.add(part)
        candidates.update(named_facts)
        unranked = [fact for fact in candidates if fact not in bm25]
        if unranked:  # the facts found by their links, ranked by BM25 too
            bm25.update(self._bm25(reading.match, unranked))
        ids = sorted(candidates)
        return Candidates(ids, bm25, linked, *self._stating(reading.quantities, ids))

    def _stating(
        self, quantities: tuple[tuple[str, ...], ...], ids: list[int]
    ) -> tuple[frozenset[int], frozenset[int]]:
        """Of the facts ``ids``, those that state a quantity some value word asks for, and those
        that state one for each (each fact links to the properties it gives a value of that
        questions ask for in words of their own): "the CRS rate" is stated in words ("low"), "the
        CRS rate in percent" only as a number. The first rank; the second answer."""
        wanted = sorted({iri for group in quantities for iri in group})
        if not wanted or not ids:
            return frozenset(), frozenset()
        rows = self._db.execute(
            f"SELECT fact, iri FROM links WHERE iri IN ({','.join('?' * len(wanted))}) "
            f"AND fact IN ({','.join('?' * len(ids))})",
            (*wanted, *ids),
        )
        stated: dict[int, set[str]] = {}
        for fact, iri in rows:
            stated.setdefault(fact, set()).add(iri)
        every = frozenset(f for f, iris in stated.items() if all(iris & set(group) for group in quantities))
        return frozenset(stated), every

    def _named_in_quotes(
        self, rows: list[tuple], concepts: list[Concept], linked: dict[int, dict[int, float]],
        names: list[set[tuple[str, ...]]], named_things: set[str],
    ) -> dict[int, set[int]]:  # fmt: skip
        """The concepts each fact's quote names, of those it does not point at: a quote names a
        thing if it holds one of its names as a phrase, not only its words here and there
        ("isolated ... testicular ... relapse" in a sentence on isolated EM relapse). A one-word
        name is its own phrase; one step away in the structure (a result's arm's intervention),
        the words suffice. And a paper the question names is about what its title names with
        words in their order, if not side by side: a question names a paper by author and year
        and describes it in words of its title ("Lew 2021 late marrow relapse paper": "late bone
        marrow and very early central nervous system relapse"), which the paper does not point
        at ("Brown 2021 relapse-free survival" is still not Brown 2021's "disease-free survival
        ... first relapse")."""
        maybe_named: dict[int, set[int]] = {}
        quote_terms = {row[0]: row[2] or "" for row in rows}
        iris = {row[0]: row[3] for row in rows}
        for fact, _terms, fact_quote_terms, _iri in rows:
            quoted = f" {fact_quote_terms or ''} "
            bag = {
                i
                for i in range(len(concepts))
                if linked.get(fact, {}).get(i, 0.0) < ABOUT
                and any(all(f" {t} " in quoted for t in n) for n in names[i])
            }
            if bag:
                maybe_named[fact] = bag
        near = {
            fact: {
                i
                for i in bag
                if linked.get(fact, {}).get(i, 0.0) >= FAR_ENOUGH
                or any(len(n) == 1 and f" {n[0]} " in f" {quote_terms[fact]} " for n in names[i])
            }
            for fact, bag in maybe_named.items()
        }
        titled = {f for f in maybe_named if iris[f] in named_things and kind_of(iris[f]) == "reference"}
        named_by_quote = self._named_as_phrases(
            {f: bag - near[f] for f, bag in maybe_named.items() if bag - near[f]}, names, titled
        )
        for fact, by_structure in near.items():
            if by_structure:
                named_by_quote[fact] = named_by_quote.get(fact, set()) | by_structure
        # What a named paper's title names, the study it reports and that study's facts are about
        # too: "the Aldoss 2022 extramedullary study" describes the paper by its title, and its
        # whole series (132 patients) is as much of it as the extramedullary relapses.
        for paper in titled:
            title_names = named_by_quote.get(paper, set())
            if title_names:
                for fact in self._of_studies_reported_in(iris[paper], list(quote_terms)):
                    named_by_quote[fact] = named_by_quote.get(fact, set()) | title_names
        return named_by_quote

    def _of_studies_reported_in(self, paper: str, among: list[int]) -> list[int]:
        """Of the facts ``among``, the studies that point at ``paper`` and the facts pointing at them."""
        studies = [
            iri
            for (iri,) in self._db.execute(
                "SELECT f.iri FROM facts f JOIN links l ON l.fact = f.id "
                "WHERE f.kind = 'study' AND l.iri = ? AND l.weight = ?",
                (paper, ABOUT),
            )
        ]
        if not studies:
            return []
        return [
            fact
            for (fact,) in self._db.execute(
                f"SELECT DISTINCT fact FROM links WHERE weight = ? AND iri IN ({','.join('?' * len(studies))}) "
                f"AND fact IN ({','.join('?' * len(among))})",
                (ABOUT, *studies, *among),
            )
        ]

    def _score(self, reading: Reading, found: Candidates) -> list[Hit]:
        """Step 4: each candidate scored by how much of the question it covers, the concepts it is
        about and its BM25 score; a fact that is a thing the question names scores more, one not
        about every thing it names, or without its numbers, counts half, and one of none of the
        kinds it asks for, less."""
        concepts, content, weights = reading.concepts, reading.content, reading.weights
        names = [{tuple(n) for iri in c.iris for n in self.reader.names.get(iri, ())} for c in concepts]
        rows = self._db.execute(
            f"SELECT id, terms, quote_terms, iri FROM facts WHERE id IN ({','.join('?' * len(found.ids))})",
            found.ids,
        ).fetchall()
        total_weight = sum(weights.values())
        concept_weight = sum(c.weight for c in concepts) or 1.0
        best_bm25 = max(found.bm25.values(), default=1.0) or 1.0
        asked, kinds, value_words = set(reading.asked), set(reading.kinds), reading.value_words
        asked_kinds = asked - set(value_words)  # kinds asked for by a word, not a number
        sought = set(reading.kinds_sought)  # ... or named, as the parts of a named thing are found
        named_things = set(reading.named_things)
        named_by_quote = self._named_in_quotes(rows, concepts, found.linked, names, named_things)
        hits = []
        for fact, fact_terms, fact_quote_terms, fact_iri in rows:
            held = f" {fact_terms or ''} "  # terms between spaces: a membership test is a substring test
            quoted = f" {fact_quote_terms or ''} "
            links = dict(found.linked.get(fact, {}))
            states = fact in found.stating
            if states:  # words asking for a quantity are answered by a fact stating it; a name
                # holding one ("cure rate") must still be pointed at
                links.update((i, ABOUT) for i in value_words if concepts[i].soft)
            named = named_by_quote.get(fact, set())
            for i in named:  # a quote that names a thing is about it, if less closely than a link
                links[i] = max(links.get(i, 0.0), NAMED)
            # A number (a time point, a value, a year) is the fact's only if it says it: a number in
            # the name of a neighbour (a "4-year DFS" result next to a treatment phase) is not.
            held_terms = {t for t in content if f" {t} " in (quoted if is_number(t) else held)}
            for index in links:
                if not concepts[index].soft:
                    held_terms.update(t for t in concepts[index].terms if t in weights)
            coverage = sum(weights[t] for t in held_terms) / total_weight
            link_score = sum(concepts[i].weight * w for i, w in links.items()) / concept_weight
            text_score = found.bm25.get(fact, 0.0) / best_bm25
            parts = {"coverage": coverage, "links": link_score, "bm25": text_score}
            score = sum(WEIGHTS[k] * v for k, v in parts.items())
            pointed = {i for i, w in links.items() if w >= ABOUT}  # the concepts it is about itself
            # A fact of a kind sought ("the citation of TOWER": a publication; "Murphy's
            # affiliation": an organisation) is about a thing the question names when it is linked
            # to it in either direction (the publication the study is reported in, the
            # organisation the author is affiliated with); any other fact must point at it, and so
            # must one about what a word for a thing names ("steroid": dexamethasone, which is no kind).
            # (Linked back, not two steps away: the other author's statement is not about Aldoss
            # because both are of one article.)
            linked_either_way = bool(pointed & sought)
            about = {i for i, w in links.items() if w >= ABOUT or (linked_either_way and w == BACK)}
            hit = Hit(
                fact,
                {},
                score,
                coverage,
                parts,
                missing=set(content) - held_terms,
                unlinked=[
                    c.words
                    for i, c in enumerate(concepts)
                    if (c.word_for or c.selects) and i not in about and i not in named
                ],
                asked=bool(pointed & asked),
                links=links,
                states=states,
                states_all=fact in found.stating_all,
                # Of a kind asked for by a word asking for it ("why"), not by a class's name: "the
                # Topp cohorts" names cohorts, and one without its n does not say how many patients
                # it had.
                kind_asked=bool(pointed & asked_kinds),
            )
            # The thing the question names itself ("Jacoby 2018", "the TOWER trial"), unless the
            # question asks for a number or for a kind of fact it is not ("the funding of Murphy
            # and Aldoss": a funding statement, not their article).
            if (
                fact_iri in named_things
                and not value_words
                and (hit.asked or not asked)
                and (not kinds or bool(pointed & kinds))
            ):
                hit.score *= ITSELF
            # A fact not about every thing the question names, or without its numbers, counts half;
            # one of none of the kinds the question asks for ("why": a finding), not stating the
            # quantity it asks for ("how many patients": an n; "the cure rate": its value), less.
            if not hit.complete:
                hit.score *= INCOMPLETE
            if (asked or value_words) and not (hit.asked or (value_words and hit.states)):
                hit.score *= OTHER_KIND
            hits.append(hit)
        return hits

    def _rank(self, hits: list[Hit], concepts: list[Concept], top: int) -> list[Hit]:
        """The best ``top`` facts, with their records and the other facts their sentences state; of
        those sharing a sentence, the ones about what the question names first
        (:func:`_structure_first`)."""
        hits = sorted(hits, key=lambda h: (-h.score, h.id))[: max(top, SHARED_POOL)]
        records = dict(
            self._db.execute(
                f"SELECT id, record FROM facts WHERE id IN ({','.join('?' * len(hits))})",
                [h.id for h in hits],
            )
        )
        for hit in hits:
            hit.record = json.loads(records[hit.id])
        ranked = _structure_first(hits, concepts)
        if not ranked:
            return ranked
        first = self._same_sentence([ranked[0].id]).get(ranked[0].id, [])
        best = _another_kind_third(ranked, first)[:top]
        mates = self._same_sentence([h.id for h in best[1:]])  # the first's are known
        for hit in best:
            hit.same_sentence = first if hit is best[0] else mates.get(hit.id, [])
        return best

    def _through_best(self, hits: list[Hit], reading: Reading, top: int) -> list[Hit]:
        """A word asking for either of two kinds of fact ("author": a person, or a paper), answered by
        a fact of one kind that points at facts of the other: those follow it ("the authors of the
        commentary in Translational Pediatrics": the commentary, then its authors). Not a word
        asking for a quantity ("numbers": a value or a sample size): the value asked for is not
        followed by the cohorts it was measured in."""
        if not hits:
            return hits
        best = hits[0]
        mixed = [
            reading.concepts[i].iris
            for i in reading.asked
            if len(reading.concepts[i].iris) > 1 and i not in reading.value_words
        ]
        if not mixed:
            return hits
        own = {
            iri
            for (iri,) in self._db.execute(
                "SELECT iri FROM links WHERE fact = ? AND weight = ?", (best.id, ABOUT)
            )
        }
        others = sorted({iri for iris in mixed if own & set(iris) for iri in iris} - own)
        if not others:
            return hits
        rows = self._db.execute(
            f"SELECT DISTINCT f.id, f.record FROM links l JOIN facts f ON f.iri = l.iri "
            f"JOIN links k ON k.fact = f.id AND k.weight = ? AND k.iri IN ({','.join('?' * len(others))}) "
            f"WHERE l.fact = ? AND l.weight = ? AND f.id != ? ORDER BY f.id",
            (ABOUT, *others, best.id, ABOUT, best.id),
        ).fetchall()
        if not rows:
            return hits
        parts = [
            Hit(
                fact,
                json.loads(record),
                best.score,
                best.coverage,
                dict(best.parts),
                links=dict(best.links),
                asked=True,
            )
            for fact, record in rows
        ]
        mates = self._same_sentence([h.id for h in parts])
        for hit in parts:
            hit.same_sentence = mates.get(hit.id, [])
        ids = {h.id for h in parts}
        return [best, *parts, *(h for h in hits[1:] if h.id not in ids)][:top]

    def _named_as_phrases(
        self, maybe: dict[int, set[int]], names: list[set[tuple[str, ...]]], titled: set[int]
    ) -> dict[int, set[int]]:
        """Of the concepts whose names' words a fact's quote holds, those it holds as a phrase,
        or, in the quote of one of the papers ``titled``, in the name's order."""
        if not maybe:
            return {}
        ids = sorted(maybe)
        rows = self._db.execute(
            f"SELECT id, record FROM facts WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
        records = [json.loads(x) for _i, x in rows]
        texts = [
            " \n".join([*r.get("quotes", []), r.get("statement", ""), r.get("label", "")]) for r in records
        ]
        out: dict[int, set[int]] = {}
        for (fact, _x), record, terms in zip(rows, records, self.tokenizer.many(texts), strict=True):
            joined = f" {' '.join(terms)} "
            titles = self.tokenizer.many(record.get("quotes", [])) if fact in titled else []
            found = {
                i
                for i in maybe[fact]
                if any(f" {' '.join(n)} " in joined or any(_in_order(n, t) for t in titles) for n in names[i])
            }
            if found:
                out[fact] = found
        return out

    def _same_sentence(self, facts: list[int]) -> dict[int, list[dict[str, str]]]:
        """The other facts that quote a sentence each of ``facts`` quotes (any one of its quotes,
        word for word), at most ``MATES`` each: a reader who asked for the study of a sentence and
        was answered with the cohort it states sees the study, and one answered with a finding
        sees the results it was drawn from."""
        if not facts:
            return {}
        rows = self._db.execute(
            "SELECT fact, kind, iri, record FROM ("
            " SELECT pair.fact, f.kind, f.iri, f.record,"
            "  ROW_NUMBER() OVER (PARTITION BY pair.fact ORDER BY f.kind, f.id) AS n"
            " FROM (SELECT DISTINCT a.fact, b.fact AS mate FROM sentences a"
            "  JOIN sentences b ON b.sentence = a.sentence AND b.fact != a.fact"
            f"  WHERE a.fact IN ({','.join('?' * len(facts))})) AS pair"
            " JOIN facts f ON f.id = pair.mate"
            ") WHERE n <= ?",
            (*facts, MATES),
        )
        mates: dict[int, list[dict[str, str]]] = {}
        for fact, kind, iri, record in rows:
            mates.setdefault(fact, []).append(
                {"kind": kind, "label": json.loads(record)["label"], "iri": iri}
            )
        return {fact: sorted(m, key=lambda m: (m["kind"], m["label"])) for fact, m in mates.items()}

    def labels(self, iris: list[str]) -> dict[str, str]:
        """The graph's name of each of ``iris`` that a question's words can name."""
        if not iris:
            return {}
        with self._lock:
            return dict(
                self._db.execute(
                    f"SELECT iri, label FROM labels WHERE iri IN ({','.join('?' * len(iris))})", iris
                )
            )

    def reference_numbers(self, iris: list[str]) -> list[int]:
        """The reference numbers of those of ``iris`` that are publications of the graph."""
        if not iris:
            return []
        with self._lock:
            rows = self._db.execute(
                f"SELECT record FROM facts WHERE kind = 'reference' AND iri IN ({','.join('?' * len(iris))})",
                iris,
            ).fetchall()
        return sorted({n for (record,) in rows for n in json.loads(record).get("reference_numbers", [])})

    def best_quote(self, quotes: list[str], terms: list[str], stated: str = "") -> str:
        """The fact's quote that holds most of the question's terms; of those holding as many, the
        one holding most of what the fact states (``stated``: its label and statement), so that a
        rule shows the sentence giving it, not the sentence giving its setting; then the shortest."""
        if len(quotes) <= 1:
            return quotes[0] if quotes else ""
        wanted = set(terms)
        with self._lock:
            tokenized = self.tokenizer.many([*quotes, stated])
        own = set(tokenized.pop())
        return max(
            zip(quotes, tokenized, strict=True),
            key=lambda q: (len(wanted & set(q[1])), len(own & set(q[1])), -len(q[1])),
        )[0]
