"""A question against the ask index: link its words to the graph's entities, select and rank facts.

1. The question is cut into terms by the index's tokenizer (:mod:`.text`).
2. Linking: its longest runs of terms that are a name of something in the graph (a label, an
   acronym, a synonym of ``ontology/synonyms.ttl``, "Jacoby 2022") become *concepts*, each a set
   of IRIs. A name of a thing must be answered by a fact about it; a class's name ("cohort") and a
   hidden label of a class ("why", "how many") ask for a kind of fact, preferred but not required;
   a hidden label of a thing ("EFS" for DFS) is a word for it, required like its name; the name
   of a population's age group or setting, or of a study design ("pediatric", "randomised"),
   qualifies the question: preferred, not required.
3. Candidates: the facts FTS5 ranks best by BM25 over their quotes and the names of what they
   point at, the facts that point at the rarer concepts, and the facts of a kind the question
   names that the facts about the things it names point at (the drugs of a named phase).
4. Each candidate is scored by how much of the question it covers: the question's terms found in
   its text or in a concept it points at (weighted by rarity; a word no fact has weighs less; a
   number counts only if the fact's own quote or label says it), the concepts it points at
   (itself, one step further, or named in its quote as a phrase, each less), and its BM25 score.
   A fact that is not about every thing the question names, or lacks a number or code of the
   question (a time point, a year, "CNS3"), counts half; one of none of the kinds the question
   asks for, less. Of facts quoting the same sentence, those that point at what the question
   names (a result at its endpoint) come before those that only quote it (its cohort).
5. The best fact answers the question only if it is complete in that sense, covers enough of
   the question, has a number if one is asked for (unless it is of another kind asked for), and
   the question names nothing the graph does not know; otherwise the question is *unanswered*,
   and the closest facts are given apart.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .extract import ASKS, BACK, HIDDEN, KIND, NAME, QUALIFIES, VALUE
from .index import FILE, idf
from .text import Tokenizer, is_number, phrase

HERE = Path(__file__).parent
MAX_QUESTION = 500  # characters
MAX_TOP = 50
CANDIDATES = 30  # by BM25
LINKED_CANDIDATES = 60  # facts of one concept, for concepts rarer than this
MAX_LINKED = 5000  # facts read per concept (a concept in more facts says little)
LINKED_CACHE = 128  # concepts whose facts are remembered
MAX_WHOLES = 500  # facts about a named thing whose parts of a kind asked for are looked up
# A best fact covering less of the question than this (rarity-weighted share of its terms) does
# not answer it.
ANSWERED_COVERAGE = 0.4
ABSENT = 0.5  # the weight of a word no fact has, against its (maximal) rarity
TOPIC_LETTERS = 4  # a word the graph lacks this long or longer is a topic it does not have
TYPO_CUTOFF = 0.75  # difflib ratio for a word the graph does not have to be read as one it has
# Zipf frequency (wordfreq) from which a word is English, not a misspelling: once per million words.
ENGLISH_WORD = 3.0
# Zipf frequency from which a word the graph lacks is a way of asking, not a topic it lacks: about
# 30 times per million words ("entire", "split"; "cytometry" is 2.2, "ponatinib" 0).
COMMON_WORD = 4.5
_PERCENT = re.compile(r"(?<![\d.])%")  # "what % relapse": a word asking for a percentage, not a number's unit
_WORD = re.compile(r"[^\s,;:?!()\[\]\"']+")
_HYPHEN = re.compile(r"[-\u2010\u2011]")  # hyphen-minus, hyphen, non-breaking hyphen
WEIGHTS = {"coverage": 0.5, "links": 0.3, "bm25": 0.2}
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


class BadQuestion(ValueError):
    """Empty, too long, or a ``top`` out of range: the caller's mistake, said plainly."""


@dataclass
class Concept:
    words: str  # the question's words that named it
    terms: tuple[str, ...]
    iris: tuple[str, ...]
    soft: bool = False  # named by hidden labels only: a word of the question, not a thing it names
    word_for: bool = False  # a hidden label of a thing ("EFS" for DFS): soft, but a fact must be about it
    kind: bool = False  # the name of a class: a fact of that kind is preferred, not required
    qualifies: bool = False  # an age group, setting or design ("pediatric", "randomised"): preferred
    weight: float = 0.0

    @property
    def selects(self) -> bool:
        """A thing the question names, which a fact answering it must be about."""
        return not (self.soft or self.kind or self.qualifies)


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
    numbered: bool = False  # states a number of its own (a value, an n, a p-value)

    @property
    def complete(self) -> bool:
        """About every thing the question names, with every number and code it writes (a time point,
        a year, "CNS3", "E1910": a fact without them is about something else)."""
        return not self.unlinked and not any(is_number(t) or _is_code(t) for t in self.missing)


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
        numbered = [h for h in group if {"value", "n", "p_value"} & set(h.record)]
        if numbered:  # the facts that give the sentence's numbers before those that only group them
            for hit in group:
                if hit not in numbered:
                    hit.score *= UNNUMBERED
    return sorted(hits, key=lambda h: (-h.score, h.id))


def _is_code(term: str) -> bool:
    """Letters and digits together: a name ("cns3", "e1910"), not a number ("72p9" is 72.9)."""
    return not is_number(term) and any(c.isdigit() for c in term) and any(c.isalpha() for c in term)


def _english_frequency(word: str) -> float:
    """How common ``word`` is in English (wordfreq's Zipf scale: 3 is once per million words).
    A word of English is no misspelling of the graph's word it resembles ("agent" is not Amgen),
    and a common one is more often a way of asking than a topic ("entire", "split")."""
    from wordfreq import zipf_frequency  # its English list loads on the first such word (0.5 s)

    return zipf_frequency(word.lower(), "en")


@dataclass(frozen=True)
class Reading:
    """A question as the graph reads it: its terms, the things and kinds of fact it names (in the
    order written), the words the graph does not know, and each content term's weight."""

    terms: list[str]
    content: list[str]  # its terms that are not stop words, each once
    concepts: list[Concept]
    unknown: list[str]
    weights: dict[str, float]
    value_words: list[int]  # concepts asking for a property's value, a number ("how many")

    @property
    def match(self) -> str:
        """The FTS5 query: any of its content terms."""
        return " OR ".join(f'"{t}"' for t in self.content)

    @property
    def kinds(self) -> list[int]:
        """Kinds of thing named ("funding", "cohort")."""
        return [i for i, c in enumerate(self.concepts) if c.kind]

    @property
    def selecting(self) -> list[int]:
        return [i for i, c in enumerate(self.concepts) if c.selects]

    @property
    def asked(self) -> list[int]:
        """Words asking for a kind of fact ("why": a finding)."""
        return [i for i, c in enumerate(self.concepts) if c.soft]

    @property
    def named_things(self) -> list[str]:
        return sorted({iri for c in self.concepts if c.selects for iri in c.iris})


@dataclass(frozen=True)
class Candidates:
    """The facts a question is scored against, with their BM25 scores and their links to its
    concepts (fact -> concept index -> how closely it is about it)."""

    ids: list[int]
    bm25: dict[int, float]
    linked: dict[int, dict[int, float]]


def _unanswered(hits: list[Hit], reading: Reading) -> bool:
    """Step 5. Not answered: the best fact covers too little of the question, lacks a number the
    question asks about (a time point, a value, a year), is not about a thing the question names,
    has no number where the question asks for one ("how many", "what rate": a hidden label of a
    kind of fact that carries numbers), or the question names what the graph does not know."""
    if not hits or reading.unknown:
        return True
    best = hits[0]
    return (
        best.coverage < ANSWERED_COVERAGE
        or not best.complete
        or (bool(reading.value_words) and not (best.numbered or best.asked))
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


@cache
def _word_list(name: str) -> tuple[str, ...]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return tuple(line for line in lines if line.strip() and not line.startswith("#"))


def check_question(question: str | None, top: int) -> str:
    if question is None or not question.strip():
        raise BadQuestion("the question is empty")
    if len(question) > MAX_QUESTION:
        raise BadQuestion(f"the question is {len(question)} characters long; at most {MAX_QUESTION}")
    if not 1 <= top <= MAX_TOP:
        raise BadQuestion(f"top must be between 1 and {MAX_TOP}, got {top}")
    # Text SQLite can store: a lone surrogate (from a Python caller or a non-UTF-8 argv) becomes "?".
    return question.strip().encode("utf-8", "replace").decode("utf-8")


class AskIndex:
    """One index file, opened read-only; safe to share between threads (one question at a time)."""

    def __init__(self, folder: Path) -> None:
        path = folder / FILE
        if not path.is_file():
            raise FileNotFoundError(f"no ask index at {path}")
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.tokenizer = Tokenizer()
        self.total = self._db.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
        self.stop = {t for terms in self.tokenizer.many(_word_list("stopwords.txt")) for t in terms}
        self._topics = set(_word_list("topics.txt"))
        variants = [line.split("\t") for line in _word_list("words.tsv")]
        keys = self.tokenizer.many([v for v, _w in variants])
        words = self.tokenizer.many([w for _v, w in variants])
        self._variants = {phrase(k): tuple(w) for k, w in zip(keys, words, strict=True) if k}
        self._df: dict[str, int] = dict(self._db.execute("SELECT term, doc FROM docs_terms"))
        self._linked_cache: dict[tuple[str, ...], list[tuple[int, float]]] = {}
        self._lexicon: dict[str, tuple[tuple[str, ...], int]] = {}
        self._asks_value: set[str] = set()  # keys that ask for a property's value (a number)
        for key, iris, soft, hows in self._db.execute(
            "SELECT key, group_concat(iri, ' '), MIN(soft), group_concat(DISTINCT soft) FROM lexicon GROUP BY key"
        ):
            self._lexicon[key] = (tuple(sorted(set(iris.split(" ")))), int(soft))
            hows_ = {int(h) for h in str(hows).split(",")}
            if VALUE in hows_ and not hows_ & {NAME, HIDDEN}:  # not also the name of a thing ("age")
                self._asks_value.add(key)
        self._names: dict[str, list[list[str]]] = {}  # IRI -> the terms of each of its names
        for key, (iris, soft) in self._lexicon.items():
            for iri in iris if soft not in (HIDDEN, ASKS, VALUE) else ():
                self._names.setdefault(iri, []).append(key.split(" "))
        self._max_span = max((key.count(" ") + 1 for key in self._lexicon), default=1)
        # The words the graph knows: those of its facts, and those of the names a question may use
        # ("mechanism" of the words asking for an intervention).
        self._known = set(self._df) | {term for key in self._lexicon for term in key.split(" ")}
        self._words: dict[str, str] = dict(self._db.execute("SELECT word, term FROM words"))
        self._by_shape: dict[tuple[str, int], list[str]] = {}  # (initial, length) -> words
        for word in self._words:
            self._by_shape.setdefault((word[0], len(word)), []).append(word)

    def close(self) -> None:
        self._db.close()

    def warm(self) -> None:
        """Load what a question may need beyond the index (wordfreq's English list, 0.5 s)."""
        _english_frequency("asked")

    def search(self, question: str, top: int = 5) -> Search:
        question = check_question(question, top)
        with self._lock:
            return self._search(question, top)

    # -- the steps -------------------------------------------------------------------------------

    def _terms(self, question: str) -> tuple[list[str], list[str], list[str]]:
        """The question's terms (variants replaced, misspellings of the graph's words corrected),
        the words in it the graph does not know, and the compound names it does not know.

        A word of the question is a way of asking (graph/ask/stopwords.txt: "everyone", "happened")
        or names what it asks about; one the graph has nowhere, in no quote, name or synonym
        ("ponatinib", "cost", "infants"), is a topic the graph does not have, unless it is a
        common English word that names no topic ("entire", "split": :meth:`_asking`). Shorter
        words count when written as names (capitals after the first word, letters with digits:
        "NCI", "T3").
        A compound code whose parts the graph has, but never together ("T-ALL", "Ph-positive"), is
        one too (see :meth:`_is_code`)."""
        words = _WORD.findall(_PERCENT.sub(" percent ", question))
        tokens = self.tokenizer.many(words)
        # The hyphenated words, and whether some fact writes their parts in a row ("CAR-T", "B-ALL").
        hyphenated = {w: t for w, t in zip(words, tokens, strict=True) if len(t) > 1 and _HYPHEN.search(w)}
        written = {w: self._has_phrase(t) for w, t in hyphenated.items()}
        joined = self._joined([w for w in hyphenated if not written[w]])
        terms: list[str] = []
        unknown: list[str] = []
        compounds: list[str] = []
        for position, (word, word_terms) in enumerate(zip(words, tokens, strict=True)):
            if word in joined:  # "re-induction", "up-front": the word the graph writes joined
                word_terms = [joined[word]]
            for term in word_terms:
                for t in self._variants.get(term, (term,)):
                    if t not in self._known and t not in self.stop and not is_number(t):
                        # A code is no misspelling: a digit apart, "AALL1731" is another trial.
                        close = self._spelt(word.lower()) if len(word) >= 5 and not _is_code(word) else None
                        if close and _english_frequency(word) < ENGLISH_WORD:
                            t = close
                        # An English word like one of the graph's is neither it nor a topic it lacks.
                        elif (
                            not close
                            and word not in unknown
                            and not self._asking(word)
                            and (
                                (position > 0 and any(c.isupper() for c in word))
                                or _is_code(word)
                                or sum(c.isalpha() for c in word) >= TOPIC_LETTERS
                            )
                        ):
                            unknown.append(word)
                    terms.append(t)
            if (
                word in hyphenated
                and not written[word]
                and word not in joined
                and word not in unknown
                and self._is_code(word, word_terms)
            ):
                compounds.append(word)
        return terms, unknown, compounds

    def _asking(self, word: str) -> bool:
        """A common English word the graph lacks ("entire", "split", "came") is a way of asking,
        not a topic the graph lacks, unless it names a topic all the same (graph/ask/topics.txt:
        "cost", "life"). Words written as names ("Down") are never."""
        if not (word.isalpha() and word.islower()) or word in self._topics:
            return False
        return _english_frequency(word) >= COMMON_WORD

    def _joined(self, unwritten: list[str]) -> dict[str, str]:
        """Of hyphenated words whose parts no fact writes in a row, those the graph writes as one
        word, with that word's term ("re-induction": reinduction; "up-front": upfront, a variant;
        not "CAR-T", which the graph writes "CAR T")."""
        if not unwritten:
            return {}
        together = self.tokenizer.many([_HYPHEN.sub("", w) for w in unwritten])
        return {
            w: t[0]
            for w, t in zip(unwritten, together, strict=True)
            if len(t) == 1 and (t[0] in self._known or t[0] in self._variants)
        }

    def _has_phrase(self, terms: list[str]) -> bool:
        """Whether some fact's text holds these terms in this order."""
        found = self._db.execute(
            "SELECT 1 FROM docs WHERE docs MATCH ? LIMIT 1", (f'"{" ".join(terms)}"',)
        ).fetchone()
        return found is not None

    def _is_code(self, word: str, word_terms: list[str]) -> bool:
        """Whether a hyphenated word is a code ("T-ALL", "ph-positive": a part of three letters or
        fewer that is no stop word, or a capital inside), not English ("on-treatment") or a
        number ("two-year"). One the graph never writes, though it has its parts ("B-ALL", "CAR
        T", "positive"), is a topic it does not have."""
        parts = [p for p in _HYPHEN.split(word) if p]
        if len(parts) < 2 or any(is_number(t) for t in word_terms):
            return False
        short = [p for p in parts if len(p) <= 3 and p.lower() not in self.stop]
        return bool(short) or any(c.isupper() for c in word[1:])

    def _spelt(self, word: str) -> str | None:
        """The term of the graph's word closest to ``word`` in spelling, if close enough."""
        near = [w for n in range(len(word) - 2, len(word) + 3) for w in self._by_shape.get((word[:1], n), ())]
        close = difflib.get_close_matches(word, near, 1, TYPO_CUTOFF)
        return self._words[close[0]] if close else None

    def _link(self, terms: list[str]) -> list[Concept]:
        concepts: list[Concept] = []
        covered = 0
        for start in range(len(terms)):
            for size in range(min(self._max_span, len(terms) - start), 0, -1):
                if start + size <= covered:
                    break
                span = terms[start : start + size]
                found = self._lexicon.get(phrase(span))
                # A word that alone says nothing names nothing, unless it is one of the words a
                # question asks for a kind of fact with ("why": a finding; a hidden label).
                if size == 1 and span[0] in self.stop and not (found and found[1] == ASKS):
                    continue
                if found:
                    concepts.append(
                        Concept(
                            " ".join(span),
                            tuple(span),
                            found[0],
                            soft=found[1] in (HIDDEN, ASKS, VALUE),
                            kind=found[1] == KIND,
                            qualifies=found[1] == QUALIFIES,
                            word_for=found[1] == HIDDEN,
                        )
                    )
                    covered = start + size
                    break
        for concept in concepts:
            marks = ",".join("?" * len(concept.iris))
            counts = self._db.execute(f"SELECT n FROM df WHERE iri IN ({marks})", concept.iris).fetchall()
            concept.weight = max((idf(n, self.total) for (n,) in counts), default=0.0)
        return [c for c in concepts if c.weight > 0]

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
        self, kinds: list[int], named: list[int], linked: dict[int, dict[int, float]]
    ) -> dict[int, dict[int, float]]:
        """The facts of a kind the question names that a fact about the things it names points at:
        "reinduction drugs on AALL1331" asks for the drugs (vincristine…) the AALL1331 reinduction
        phase points at, which are about neither AALL1331 nor reinduction themselves. Each is given
        with the whole's links to the things named, as links back (``BACK``), which a fact of a
        kind asked for may be about. Only wholes about every thing named are looked in: few."""
        if not kinds or not named:
            return {}
        of_kind = {f for f, by in linked.items() if any(by.get(i, 0.0) >= ABOUT for i in kinds)}
        wholes = sorted(
            f for f, by in linked.items() if f not in of_kind and all(by.get(i, 0.0) >= ABOUT for i in named)
        )[:MAX_WHOLES]
        if not wholes:
            return {}
        rows = self._db.execute(
            f"SELECT DISTINCT l.fact FROM facts f JOIN links l ON l.iri = f.iri "
            f"WHERE f.id IN ({','.join('?' * len(wholes))}) AND l.weight = ?",
            (*wholes, BACK),
        ).fetchall()
        return {
            part: {i: max(linked[part].get(i, 0.0), BACK) for i in named}
            for (part,) in rows
            if part in of_kind
        }

    def _weights(self, content: list[str]) -> dict[str, float]:
        """Each content term's weight: its rarity among the facts (BM25's idf), more for a number
        (a time point, a value, a year decides between facts alike in words), less for a word no
        fact has ("everyone", "cutoff": it tells no fact apart)."""
        weights = {t: idf(self._df.get(t, 0), self.total) for t in content}
        for t in content:
            if is_number(t):
                weights[t] *= 1.5
            elif t not in self._df:
                weights[t] *= ABSENT
        return weights

    def _read(self, question: str) -> Reading:
        """Step 1 and 2: the question's terms, the things and kinds it names, the words the graph
        does not know."""
        terms, unknown, compounds = self._terms(question)
        content = list(dict.fromkeys(t for t in terms if t not in self.stop))
        concepts = self._link(terms)
        # A long word the graph lacks is no unknown name when it is part of a name it has
        # ("experimental" of "experimental arm"); a compound's parts always are.
        named_terms = {t for c in concepts for t in c.terms}
        unknown = [w for w in unknown if not set(self.tokenizer.terms(w)) <= named_terms] + compounds
        value_words = [i for i, c in enumerate(concepts) if phrase(c.terms) in self._asks_value]
        return Reading(terms, content, concepts, unknown, self._weights(content), value_words)

    def _search(self, question: str, top: int) -> Search:
        reading = self._read(question)
        found = self._candidates(reading) if reading.content else None
        if found is None or not found.ids:
            return Search(
                question, reading.terms, reading.content, reading.concepts, [], True, reading.unknown
            )
        hits = self._rank(self._score(reading, found), reading.concepts, top)
        return Search(
            question, reading.terms, reading.content, reading.concepts, hits, _unanswered(hits, reading),
            reading.unknown,
        )  # fmt: skip

    def _bm25(self, match: str, among: list[int] | None = None) -> dict[int, float]:
        """BM25 scores (higher is better) of the best ``CANDIDATES`` facts, or of the facts ``among``."""
        if among is None:
            rows = self._db.execute(
                "SELECT rowid, bm25(docs, 1.0, 0.5) FROM docs WHERE docs MATCH ? "
                "ORDER BY bm25(docs, 1.0, 0.5) LIMIT ?",
                (match, CANDIDATES),
            )
        else:
            rows = self._db.execute(
                f"SELECT rowid, bm25(docs, 1.0, 0.5) FROM docs WHERE docs MATCH ? "
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
        for part, links_back in self._parts_of_kind(reading.kinds, reading.selecting, linked).items():
            linked[part].update(links_back)
            candidates.add(part)
        named_things = reading.named_things
        if named_things:  # the things named, themselves, however many facts point at them
            candidates.update(
                fact
                for (fact,) in self._db.execute(
                    f"SELECT id FROM facts WHERE iri IN ({','.join('?' * len(named_things))})", named_things
                )
            )
        unranked = [fact for fact in candidates if fact not in bm25]
        if unranked:  # the facts found by their links, ranked by BM25 too
            bm25.update(self._bm25(reading.match, unranked))
        return Candidates(sorted(candidates), bm25, linked)

    def _named_in_quotes(
        self, rows: list[tuple], concepts: list[Concept], linked: dict[int, dict[int, float]],
        names: list[set[tuple[str, ...]]],
    ) -> dict[int, set[int]]:  # fmt: skip
        """The concepts each fact's quote names, of those it does not point at: a quote names a
        thing if it holds one of its names as a phrase, not only its words here and there
        ("isolated ... testicular ... relapse" in a sentence on isolated EM relapse). A one-word
        name is its own phrase; one step away in the structure (a result's arm's intervention),
        the words suffice."""
        maybe_named: dict[int, set[int]] = {}
        quote_terms = {row[0]: row[2] or "" for row in rows}
        for fact, _terms, fact_quote_terms, _numbered, _iri in rows:
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
        named_by_quote = self._named_as_phrases(
            {f: bag - near[f] for f, bag in maybe_named.items() if bag - near[f]}, names
        )
        for fact, by_structure in near.items():
            if by_structure:
                named_by_quote[fact] = named_by_quote.get(fact, set()) | by_structure
        return named_by_quote

    def _score(self, reading: Reading, found: Candidates) -> list[Hit]:
        """Step 4: each candidate scored by how much of the question it covers, the concepts it is
        about and its BM25 score; a fact that is a thing the question names scores more, one not
        about every thing it names, or without its numbers, counts half, and one of none of the
        kinds it asks for, less."""
        concepts, content, weights = reading.concepts, reading.content, reading.weights
        names = [{tuple(n) for iri in c.iris for n in self._names.get(iri, ())} for c in concepts]
        rows = self._db.execute(
            f"SELECT id, terms, quote_terms, numbered, iri FROM facts WHERE id IN ({','.join('?' * len(found.ids))})",
            found.ids,
        ).fetchall()
        total_weight = sum(weights.values())
        concept_weight = sum(c.weight for c in concepts) or 1.0
        best_bm25 = max(found.bm25.values(), default=1.0) or 1.0
        asked, kinds, value_words = reading.asked, reading.kinds, reading.value_words
        named_things = set(reading.named_things)
        named_by_quote = self._named_in_quotes(rows, concepts, found.linked, names)
        hits = []
        for fact, fact_terms, fact_quote_terms, numbered, fact_iri in rows:
            held = f" {fact_terms or ''} "  # terms between spaces: a membership test is a substring test
            quoted = f" {fact_quote_terms or ''} "
            links = dict(found.linked.get(fact, {}))
            if numbered:  # words asking for a number are answered by any number it states
                links.update((i, ABOUT) for i in value_words)
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
            hit = Hit(fact, {}, score, coverage, parts, set(content) - held_terms, numbered=bool(numbered))
            hit.asked = any(links.get(i, 0.0) >= ABOUT for i in asked)
            of_kind_asked = any(links.get(i, 0.0) >= ABOUT for i in [*asked, *kinds] if i not in value_words)
            # A fact of the kind asked for or named ("the citation of TOWER": a publication; "Murphy's
            # affiliation": an organisation) is about a thing the question names when it is linked to
            # it in either direction (the publication the study is reported in, the organisation
            # the author is affiliated with); any other fact must point at it.
            # (Linked back, not two steps away: the other author's statement is not about Aldoss
            # because both are of one article.)
            about = {i for i, w in links.items() if w >= ABOUT or (of_kind_asked and w == BACK)}
            hit.unlinked = [
                c.words
                for i, c in enumerate(concepts)
                if (c.word_for or c.selects) and i not in about and i not in named
            ]
            hit.links = links
            # The thing the question names itself ("Jacoby 2018", "the TOWER trial"), unless the
            # question asks for a number or for a kind of fact it is not ("the funding of Murphy
            # and Aldoss": a funding statement, not their article).
            if (
                fact_iri in named_things
                and not value_words
                and (hit.asked or not asked)
                and (not kinds or any(links.get(i, 0.0) >= ABOUT for i in kinds))
            ):
                hit.score *= ITSELF
            # A fact not about every thing the question names, or without its numbers, counts half;
            # one of none of the kinds the question asks for ("why": a finding; "how many": a
            # cohort or a result, any fact with a number), less.
            if not hit.complete:
                hit.score *= INCOMPLETE
            if asked and not (hit.asked or (value_words and hit.numbered)):
                hit.score *= OTHER_KIND
            hits.append(hit)
        return hits

    def _rank(self, hits: list[Hit], concepts: list[Concept], top: int) -> list[Hit]:
        """The best ``top`` facts, with their records; of those sharing a sentence, the ones about
        what the question names first (:func:`_structure_first`)."""
        hits = sorted(hits, key=lambda h: (-h.score, h.id))[: max(top, SHARED_POOL)]
        records = dict(
            self._db.execute(
                f"SELECT id, record FROM facts WHERE id IN ({','.join('?' * len(hits))})",
                [h.id for h in hits],
            )
        )
        for hit in hits:
            hit.record = json.loads(records[hit.id])
        return _structure_first(hits, concepts)[:top]

    def _named_as_phrases(
        self, maybe: dict[int, set[int]], names: list[set[tuple[str, ...]]]
    ) -> dict[int, set[int]]:
        """Of the concepts whose names' words a fact's quote holds, those it holds as a phrase."""
        if not maybe:
            return {}
        ids = sorted(maybe)
        rows = self._db.execute(
            f"SELECT id, record FROM facts WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
        texts = [
            " \n".join([*r.get("quotes", []), r.get("statement", ""), r.get("label", "")])
            for r in (json.loads(x) for _i, x in rows)
        ]
        out: dict[int, set[int]] = {}
        for (fact, _record), terms in zip(rows, self.tokenizer.many(texts), strict=True):
            joined = f" {' '.join(terms)} "
            found = {i for i in maybe[fact] if any(f" {' '.join(n)} " in joined for n in names[i])}
            if found:
                out[fact] = found
        return out

    def same_sentence(self, fact: int) -> list[dict[str, str]]:
        """The other facts that quote a sentence ``fact`` quotes, at most ``MATES``: a reader who
        asked for the eligible population and was answered with the study sees the cohort its
        sentence also states, and one answered with a finding sees the results it was drawn from."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT f.id, f.kind, f.iri, f.record FROM sentences a "
                "JOIN sentences b ON b.sentence = a.sentence AND b.fact != a.fact "
                "JOIN facts f ON f.id = b.fact WHERE a.fact = ? ORDER BY f.id LIMIT ?",
                (fact, MATES),
            ).fetchall()
        mates = [
            {"kind": kind, "label": json.loads(record)["label"], "iri": iri}
            for _id, kind, iri, record in rows
        ]
        return sorted(mates, key=lambda m: (m["kind"], m["label"]))

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

    def best_quote(self, quotes: list[str], terms: list[str]) -> str:
        """The fact's quote that holds most of the question's terms (the first when none does)."""
        if len(quotes) <= 1:
            return quotes[0] if quotes else ""
        wanted = set(terms)
        with self._lock:
            tokenized = self.tokenizer.many(quotes)
        return max(zip(quotes, tokenized, strict=True), key=lambda q: (len(wanted & set(q[1])), -len(q[1])))[
            0
        ]
