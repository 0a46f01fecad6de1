"""A question read against the graph's names: its terms, the things and kinds of fact it names,
and the words the graph does not know (the first two steps of :mod:`.search`).

1. The question is cut into terms by the index's tokenizer (:mod:`.text`).
2. Linking: its longest runs of terms that are a name of something in the graph (a label, an
   acronym, a synonym of ``ontology/synonyms.ttl``, "Jacoby 2022") become *concepts*, each a set
   of IRIs; a word is in one run at most ("isolated BM relapse" is not also "BM relapse"). A name
   of a thing must be answered by a fact about it; a class's name ("cohort") and a hidden label
   of a class ("why", "how many") ask for a kind of fact, preferred but not required; a hidden
   label of a thing ("steroid" for dexamethasone) is a word for it, required like its name; a
   near label ("EFS" on DFS) names what the article does not report, by the thing closest to
   it; the name of a population's age group or setting, or of a study design ("pediatric",
   "randomised"), qualifies the question: preferred, not required.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .extract import ASKS, HIDDEN, KIND, NAME, NEAR, QUALIFIES, VALUE
from .index import idf
from .text import Tokenizer, is_code, is_number, phrase

HERE = Path(__file__).parent
MAX_QUESTION = 500  # characters
MAX_TOP = 50
ABSENT = 0.5  # the weight of a word no fact has, against its (maximal) rarity
TOPIC_LETTERS = 4  # a word the graph lacks this long or longer is a topic it does not have
TYPO_CUTOFF = 0.75  # difflib ratio for a word the graph does not have to be read as one it has
TYPOS = 5  # the graph's words closest to a misspelt one, among which the most common of the closest wins
# Zipf frequency (wordfreq) from which a word is English, not a misspelling: once per million words.
ENGLISH_WORD = 3.0
# Zipf frequency from which a word the graph lacks is a way of asking, not a topic it lacks: about
# 30 times per million words ("entire", "split"; "cytometry" is 2.2, "ponatinib" 0).
COMMON_WORD = 4.5
# A topic word (rarer in English than COMMON_WORD) that at most this many facts hold names something
# the graph says little about: a best fact without it answers another question ("the CAR T dose in
# Jacoby 2022": five facts write "dose", none of them about Jacoby's series).
FEW_FACTS = 8
_PERCENT = re.compile(r"(?<![\d.])%")  # "what % relapse": a word asking for a percentage, not a number's unit
_WORD = re.compile(r"[^\s,;:?!()\[\]\"']+")
_HYPHEN = re.compile(r"[-\u2010\u2011]")  # hyphen-minus, hyphen, non-breaking hyphen
_GLUED_CODE = re.compile(r"([A-Za-z]{2,})(\d{2,})")  # "ECOG1910": an acronym and its number, written together


class BadQuestion(ValueError):
    """Empty, too long, or a ``top`` out of range: the caller's mistake, said plainly."""


@dataclass
class Concept:
    words: str  # the terms that named it
    terms: tuple[str, ...]
    iris: tuple[str, ...]
    soft: bool = False  # named by hidden labels only: a word of the question, not a thing it names
    word_for: bool = False  # a hidden label of a thing ("steroid"): soft, but a fact must be about it
    near: bool = False  # a near label ("EFS" on DFS): a word for it, though the article reports no such thing
    kind: bool = False  # the name of a class: a fact of that kind is preferred, not required
    qualifies: bool = False  # an age group, setting or design ("pediatric", "randomised"): preferred
    weight: float = 0.0
    text: str = ""  # the question's words that named it, as written ("isolated BM")

    @property
    def selects(self) -> bool:
        """A thing the question names, which a fact answering it must be about."""
        return not (self.soft or self.kind or self.qualifies)


def english_frequency(word: str) -> float:
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
    # Concepts asking for a property's value ("how many"), or names holding such a word ("CR rate").
    value_words: list[int]
    rare_topics: list[str]  # topic terms few facts hold, in no name it links: an answer must hold them
    # The properties each value word asks for, one of which a fact must state (sample size, value).
    quantities: tuple[tuple[str, ...], ...]

    @property
    def match(self) -> str:
        """The FTS5 query: any of its content terms."""
        return " OR ".join(f'"{t}"' for t in self.content)

    @property
    def kinds(self) -> list[int]:
        """Kinds of thing named ("funding", "cohort")."""
        return [i for i, c in enumerate(self.concepts) if c.kind]

    @property
    def kinds_sought(self) -> list[int]:
        """Kinds of fact named ("cohort") or asked for by a word ("published": a publication), not
        by a word asking for a value ("how many") or a word for a thing ("steroid")."""
        return [
            i
            for i, c in enumerate(self.concepts)
            if c.kind or (c.soft and not c.word_for and i not in self.value_words)
        ]

    @property
    def selecting(self) -> list[int]:
        return [i for i, c in enumerate(self.concepts) if c.selects]

    @property
    def asked(self) -> list[int]:
        """Words asking for a kind of fact ("why": a finding)."""
        return [i for i, c in enumerate(self.concepts) if c.soft]

    @property
    def near(self) -> list[Concept]:
        """Words for what the article does not report, each on the thing that comes closest."""
        return [c for c in self.concepts if c.near]

    @property
    def named_things(self) -> list[str]:
        return sorted({iri for c in self.concepts if c.selects for iri in c.iris})


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


class QuestionReader:
    """The graph's names, words and their rarities, read once from an index, against which a
    question is read. It shares the index's connection: its owner (:class:`.search.AskIndex`)
    calls :meth:`read` with its lock held, one question at a time."""

    def __init__(self, db: sqlite3.Connection, total: int) -> None:
        self._db, self.total = db, total
        self.tokenizer = Tokenizer()
        self.stop = {t for terms in self.tokenizer.many(_word_list("stopwords.txt")) for t in terms}
        self._topics = set(_word_list("topics.txt"))
        self._asking_words = set(_word_list("asking.txt"))
        variants = [line.split("\t") for line in _word_list("words.tsv")]
        keys = self.tokenizer.many([v for v, _w in variants])
        words = self.tokenizer.many([w for _v, w in variants])
        self._variants = {phrase(k): tuple(w) for k, w in zip(keys, words, strict=True) if k}
        self._df: dict[str, int] = dict(self._db.execute("SELECT term, doc FROM docs_terms"))
        self._lexicon: dict[str, tuple[tuple[str, ...], int]] = {}
        self._asks_value: set[str] = set()  # keys that ask for a property's value (a number)
        # The properties whose value each such key asks for ("number of patients": the sample size).
        self._quantities: dict[str, set[str]] = {}
        forms: dict[str, list[tuple[str, int]]] = {}  # key -> (IRI, how it names it)
        for key, iri, how in self._db.execute("SELECT key, iri, soft FROM lexicon"):
            forms.setdefault(key, []).append((iri, how))
        for key, named in forms.items():
            hows = {how for _iri, how in named}
            self._lexicon[key] = (tuple(sorted({iri for iri, _how in named})), min(hows))
            if VALUE in hows:
                self._quantities[key] = {iri for iri, how in named if how == VALUE}
                if not hows & {NAME, HIDDEN}:  # not also the name of a thing ("age")
                    self._asks_value.add(key)
        self.names: dict[str, list[list[str]]] = {}  # IRI -> the terms of each of its names
        for key, (iris, soft) in self._lexicon.items():
            for iri in iris if soft not in (HIDDEN, ASKS, VALUE, NEAR) else ():
                self.names.setdefault(iri, []).append(key.split(" "))
        self._max_span = max((key.count(" ") + 1 for key in self._lexicon), default=1)
        # The words the graph knows: those of its facts, and those of the names a question may use
        # ("mechanism" of the words asking for an intervention).
        self._known = set(self._df) | {term for key in self._lexicon for term in key.split(" ")}
        self._words: dict[str, str] = dict(self._db.execute("SELECT word, term FROM words"))
        # Acronyms one stem stands for ("CR", "CRS"): each, as written, with what the others name.
        self._rivals: dict[str, set[str]] = {}
        for written, rival in self._db.execute("SELECT written, rival FROM acronyms"):
            self._rivals.setdefault(written, set()).add(rival)
        self._by_shape: dict[tuple[str, int], list[str]] = {}  # (initial, length) -> words
        for word in self._words:
            self._by_shape.setdefault((word[0], len(word)), []).append(word)

    def read(self, question: str) -> Reading:
        """The question's terms, the things and kinds it names, the words the graph does not know."""
        terms, origin, unknown, compounds = self._terms(question)
        content = list(dict.fromkeys(t for t in terms if t not in self.stop))
        concepts = self._link(terms, origin)
        # A long word the graph lacks is no unknown name when it is part of a name it has
        # ("experimental" of "experimental arm"); a compound's parts always are.
        named_terms = {t for c in concepts for t in c.terms}
        unknown = [w for w in unknown if not set(self.tokenizer.terms(w)) <= named_terms] + compounds
        # Words asking for a value ("how many"), and names that hold one ("CR rate", "cure rate":
        # the rate is asked for, as much as the thing).
        asking = {i: [phrase(c.terms)] for i, c in enumerate(concepts) if phrase(c.terms) in self._asks_value}
        for i, c in enumerate(concepts):
            if i not in asking and not c.soft and len(c.terms) > 1:
                held = [t for t in c.terms if t in self._asks_value]
                if held:
                    asking[i] = held
        value_words = sorted(asking)
        rare_topics = list(
            dict.fromkeys(
                t
                for t, word in zip(terms, origin, strict=True)
                if t in content
                and t not in named_terms
                and 0 < self._df.get(t, 0) <= FEW_FACTS
                and self._names_topic(word)
            )
        )
        # What each value word asks for: "rate" a value or a rate in words ("low"), "percent" a value.
        quantities = tuple(
            dict.fromkeys(
                tuple(sorted({iri for k in keys for iri in self._quantities[k]})) for keys in asking.values()
            )
        )
        return Reading(
            terms, content, concepts, unknown, self._weights(content), value_words, rare_topics, quantities
        )

    def _names_topic(self, word: str) -> bool:
        """A word naming a topic ("dose", "enrolment"), not a way of asking ("whole", "previous"),
        however it is written: rarer in English than a common word, or one of graph/ask/topics.txt."""
        return word.isalpha() and not self._asking(word.lower())

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

    def _terms(self, question: str) -> tuple[list[str], list[str], list[str], list[str]]:
        """The question's terms (variants replaced, misspellings of the graph's words corrected),
        the word of the question each comes from, the words in it the graph does not know, and the
        compound names it does not know.

        A word of the question is a way of asking (graph/ask/stopwords.txt: "everyone", "happened")
        or names what it asks about; one the graph has nowhere, in no quote, name or synonym
        ("ponatinib", "cost", "infants"), is a topic the graph does not have, unless it is a
        common English word that names no topic ("entire", "split": :meth:`_asking`). Shorter
        words count when written as names (capitals after the first word, letters with digits:
        "NCI", "T3").
        A compound code whose parts the graph has, but never together ("T-ALL", "Ph-positive"), is
        one too (see :meth:`_is_compound`)."""
        words = self._unglued(_WORD.findall(_PERCENT.sub(" percent ", question)))
        tokens = self.tokenizer.many(words)
        # The hyphenated words, and whether some fact writes their parts in a row ("CAR-T", "B-ALL").
        hyphenated = {w: t for w, t in zip(words, tokens, strict=True) if len(t) > 1 and _HYPHEN.search(w)}
        written = {w: self._has_phrase(t) for w, t in hyphenated.items()}
        joined = self._joined([w for w in hyphenated if not written[w]])
        terms: list[str] = []
        origin: list[str] = []  # the word of the question each term comes from
        unknown: list[str] = []
        compounds: list[str] = []
        for position, (word, word_terms) in enumerate(zip(words, tokens, strict=True)):
            bare = word.strip(".") or word  # "dose." at the end of a question is "dose"
            if word in joined:  # "re-induction", "up-front": the word the graph writes joined
                word_terms = [joined[word]]
            for term in word_terms:
                for t in self._variants.get(term, (term,)):
                    if t not in self._known and t not in self.stop and not is_number(t):
                        # A code is no misspelling: a digit apart, "AALL1731" is another trial.
                        close = self._spelt(bare.lower()) if len(bare) >= 5 and not is_code(bare) else None
                        if close and english_frequency(bare) < ENGLISH_WORD:
                            t = close
                        # An English word like one of the graph's is neither it nor a topic it lacks.
                        elif (
                            not close
                            and bare not in unknown
                            and not self._asking(bare)
                            and (
                                (position > 0 and any(c.isupper() for c in bare))
                                or is_code(bare)
                                or sum(c.isalpha() for c in bare) >= TOPIC_LETTERS
                                or bare.lower() in self._topics  # "sex": short, a topic all the same
                            )
                        ):
                            unknown.append(bare)
                    terms.append(t)
                    origin.append(bare)
            if (
                word in hyphenated
                and not written[word]
                and word not in joined
                and word not in unknown
                and self._is_compound(word, word_terms)
            ):
                compounds.append(word)
        return terms, origin, unknown, compounds

    def _unglued(self, words: list[str]) -> list[str]:
        """An acronym glued to its number that the graph writes apart ("ECOG1910": "ECOG 1910"),
        as those two words; a code the graph writes as one ("AALL1331", "E1910") stays one."""
        out: list[str] = []
        for word in words:
            glued = _GLUED_CODE.fullmatch(word)
            if glued and word.lower() not in self._known:
                parts = [glued.group(1), glued.group(2)]
                if self._has_phrase([t for p in self.tokenizer.many(parts) for t in p]):
                    out.extend(parts)
                    continue
            out.append(word)
        return out

    def _asking(self, word: str) -> bool:
        """A common English word the graph lacks ("entire", "split", "came") is a way of asking,
        not a topic the graph lacks, unless it names a topic all the same (graph/ask/topics.txt:
        "cost", "life"); and so is one of graph/ask/asking.txt, however rare ("underwent",
        "notably"). Words written as names ("Down") are never."""
        if not (word.isalpha() and word.islower()) or word in self._topics:
            return False
        return word in self._asking_words or english_frequency(word) >= COMMON_WORD

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

    def _is_compound(self, word: str, word_terms: list[str]) -> bool:
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
        """The term of the graph's word closest to ``word`` in spelling, if close enough; of words
        as close, the one more facts hold ("relaspe": relapse, not release)."""
        near = [w for n in range(len(word) - 2, len(word) + 3) for w in self._by_shape.get((word[:1], n), ())]
        close = difflib.get_close_matches(word, near, TYPOS, TYPO_CUTOFF)
        if not close:
            return None
        best = max(
            close,
            key=lambda w: (
                round(difflib.SequenceMatcher(None, word, w).ratio(), 6),
                self._df.get(self._words[w], 0),
            ),
        )
        return self._words[best]

    def _as_written(
        self, found: tuple[tuple[str, ...], int], words: list[str]
    ) -> tuple[tuple[str, ...], int] | None:
        """What a run of words names, given how an acronym in it is written: "CRS" names cytokine
        release syndrome, though the stemmer reads it as "CR" (complete remission), so "CRS rate"
        is no name of the CR rate, and "second CR" still names the second remission. An acronym
        counts in capitals or in lower case ("crs"), not as a plural ("CRs"). None when the run
        names nothing so written."""
        iris = set(found[0])
        for word in dict.fromkeys(words):
            if word.isupper() or word.islower():
                iris -= self._rivals.get(word.upper(), set())
        if not iris:
            return None
        return tuple(sorted(iris)), found[1]

    def _link(self, terms: list[str], origin: list[str]) -> list[Concept]:
        concepts: list[Concept] = []
        covered = 0
        for start in range(len(terms)):
            if start < covered:  # a word names one thing: "isolated BM relapse" is not also "BM relapse"
                continue
            for size in range(min(self._max_span, len(terms) - start), 0, -1):
                span = terms[start : start + size]
                found = self._lexicon.get(phrase(span))
                if found:
                    found = self._as_written(found, origin[start : start + size])
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
                            soft=found[1] in (HIDDEN, ASKS, VALUE, NEAR),
                            kind=found[1] == KIND,
                            qualifies=found[1] == QUALIFIES,
                            word_for=found[1] in (HIDDEN, NEAR),
                            near=found[1] == NEAR,
                            text=" ".join(dict.fromkeys(origin[start : start + size])),
                        )
                    )
                    covered = start + size
                    break
        for concept in concepts:
            marks = ",".join("?" * len(concept.iris))
            counts = self._db.execute(f"SELECT n FROM df WHERE iri IN ({marks})", concept.iris).fetchall()
            concept.weight = max((idf(n, self.total) for (n,) in counts), default=0.0)
        return [c for c in concepts if c.weight > 0]
