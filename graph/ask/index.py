"""The ask index: one SQLite file in a folder, written from the graph, read by every question.

Tables: ``facts`` (each fact's record as JSON, and its terms), ``docs`` (FTS5 over its quotes and
the names of what it points at), ``links`` (IRI -> facts that point at it, directly, one step
further, or back, with a weight), ``lexicon`` (a name's terms -> IRI, and how it names it:
:data:`.extract.NAME`, ...), ``df`` (in how many facts each linked IRI appears), ``words`` (the
names' unstemmed words, for misspellings), ``sentences`` (which facts quote the same words: an
answer names the other facts its sentence states) and ``labels`` (the graph's name of each thing a
question's words can name, to say how the question was read), and ``acronyms`` (acronyms that one
stem stands for, each with what the others name: "CR" and "CRS" are both "cr" to the stemmer).
Written to a temporary name and renamed, so a reader never opens half an index.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from pathlib import Path

from . import extract
from .text import TOKENIZER, WORDS, Tokenizer, phrase, prepare

FILE = "ask.sqlite"
MAX_NAME_TERMS = 8  # longer names are never a question's words; BM25 finds them
VERSION = 8


def write_index(select: extract.Select, folder: Path) -> dict:
    """Read the graph through ``select`` (a SPARQL SELECT function) and write its index to ``folder``;
    returns counts and seconds for the build's manifest."""
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = round(time.perf_counter() - started - sum(phases.values()), 3)

    graph = extract.read_graph(select)
    phase("read")
    facts = extract.facts(graph)
    linked = {iri for fact in facts for iri in fact.links}
    forms = extract.lexicon(graph, linked)
    phase("facts")
    tokenizer = Tokenizer()
    columns = [_columns(f) for f in facts]
    # Facts share most of their texts (the names of what they point at, a sentence several facts
    # quote), and names are shared with the lexicon: each distinct text is prepared and cut into
    # terms once.
    texts = [
        *dict.fromkeys(
            [t for quote, context in columns for t in (*quote, *context)] + [f for f, _i, _s in forms]
        )
    ]
    prepared = [prepare(t) for t in texts]
    terms_of = dict(zip(texts, tokenizer.many(prepared, prepared=True), strict=True))
    prepared_of = dict(zip(texts, prepared, strict=True))
    phase("terms")
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{FILE}.{os.getpid()}"
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    # A file nobody reads until it is complete and renamed: no journal, no waiting for the disk.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(
        f"""
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE facts(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL, record TEXT NOT NULL,
                            terms TEXT, quote_terms TEXT);
        CREATE VIRTUAL TABLE docs USING fts5(quote, context, tokenize = '{TOKENIZER}');
        CREATE TABLE links(iri TEXT NOT NULL, fact INTEGER NOT NULL, weight REAL NOT NULL);
        CREATE TABLE lexicon(key TEXT NOT NULL, iri TEXT NOT NULL, size INTEGER NOT NULL, soft INTEGER NOT NULL);
        CREATE TABLE df(iri TEXT PRIMARY KEY, n INTEGER NOT NULL);
        CREATE TABLE words(word TEXT PRIMARY KEY, term TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE sentences(sentence INTEGER NOT NULL, fact INTEGER NOT NULL);
        CREATE TABLE labels(iri TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE acronyms(written TEXT NOT NULL, rival TEXT NOT NULL);
        """
    )
    # Each fact's distinct terms, kept beside it: whether a candidate holds a question's term is
    # then a set lookup, not an FTS query per term.
    db.executemany(
        "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                i,
                f.iri,
                f.kind,
                json.dumps({**f.record, "quotes": f.quotes}, ensure_ascii=False),
                _distinct(terms_of, (*quote, *context)),
                _distinct(terms_of, quote),
            )
            for i, (f, (quote, context)) in enumerate(zip(facts, columns, strict=True), 1)
        ),
    )
    db.executemany(
        "INSERT INTO docs(rowid, quote, context) VALUES (?, ?, ?)",
        (
            (i, " \n".join(prepared_of[t] for t in quote), " \n".join(prepared_of[t] for t in context))
            for i, (quote, context) in enumerate(columns, 1)
        ),
    )
    df: dict[str, int] = {}
    rows = []
    for i, f in enumerate(facts, 1):
        for iri, weight in f.links.items():
            rows.append((iri, i, weight))
            df[iri] = df.get(iri, 0) + 1
    db.executemany("INSERT INTO links VALUES (?, ?, ?)", rows)
    db.executemany("INSERT INTO df VALUES (?, ?)", df.items())
    db.executemany(
        "INSERT INTO lexicon VALUES (?, ?, ?, ?)",
        {
            (phrase(terms_of[form]), iri, len(terms_of[form]), soft)
            for form, iri, soft in forms
            if 0 < len(terms_of[form]) <= MAX_NAME_TERMS
        },
    )
    db.executemany("INSERT INTO words VALUES (?, ?)", _words(forms, facts, tokenizer).items())
    db.executemany("INSERT INTO sentences VALUES (?, ?)", _sentences(facts))
    db.executemany("INSERT INTO acronyms VALUES (?, ?)", _acronyms(forms, terms_of))
    db.executemany(
        "INSERT INTO labels VALUES (?, ?)",
        ((iri, extract.name_of(graph, iri)) for iri in sorted({iri for _f, iri, _s in forms})),
    )
    db.executescript(
        """
        CREATE INDEX links_iri ON links(iri, fact, weight);
        CREATE INDEX links_fact ON links(fact, weight, iri);
        CREATE INDEX lexicon_key ON lexicon(key);
        CREATE INDEX facts_iri ON facts(iri);
        CREATE INDEX sentences_fact ON sentences(fact, sentence);
        CREATE INDEX sentences_sentence ON sentences(sentence, fact);
        CREATE VIRTUAL TABLE docs_terms USING fts5vocab(docs, row);
        INSERT INTO docs(docs) VALUES ('optimize');
        """
    )
    phase("write")
    seconds = round(time.perf_counter() - started, 3)
    meta = {
        "version": VERSION,
        "facts": len(facts),
        "names": len(forms),
        "seconds": seconds,
        "phases": phases,
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", ((k, json.dumps(v)) for k, v in meta.items()))
    db.commit()
    db.close()
    os.replace(partial, folder / FILE)
    return meta


def _columns(fact: extract.Fact) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The texts of a fact's two full-text columns: what it says (its quotes, statement and label),
    and the names of what it points at."""
    return (*fact.quotes, fact.record.get("statement", ""), fact.record["label"]), tuple(
        dict.fromkeys(fact.context)
    )


def _distinct(terms_of: dict[str, list[str]], texts: tuple[str, ...]) -> str:
    return " ".join(sorted({t for text in texts for t in terms_of[text]}))


def _sentences(facts: list[extract.Fact]) -> list[tuple[int, int]]:
    """(sentence, fact) for every quote of every fact, a sentence numbered by its exact words: the
    facts a sentence states (a cohort, its results, the finding drawn from them) share its quote."""
    numbers: dict[str, int] = {}
    return [
        (numbers.setdefault(quote, len(numbers)), i) for i, f in enumerate(facts, 1) for quote in f.quotes
    ]


def _acronyms(forms: list[tuple[str, str, int]], terms_of: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(acronym as written, what another acronym of its stem names) for acronyms the stemmer makes
    one term of ("CR", complete remission, and "CRS", cytokine release syndrome: both "cr"): a
    question writing one of them does not name what the other does."""
    by_term: dict[str, dict[str, set[str]]] = {}
    for form, iri, _how in forms:
        terms = terms_of[form]
        if len(terms) == 1 and len(form) >= 2 and form.isalnum() and form.isupper():
            by_term.setdefault(terms[0], {}).setdefault(form, set()).add(iri)
    return sorted(
        (written, rival)
        for spellings in by_term.values()
        for written, iris in spellings.items()
        for other, others in spellings.items()
        if other != written
        for rival in others - iris
    )


def _words(
    forms: list[tuple[str, str, int]], facts: list[extract.Fact], tokenizer: Tokenizer
) -> dict[str, str]:
    """The unstemmed words of every name (the lexicon's, the facts' labels), each with its term: a
    misspelt word of a question is compared with words ("mechnism", "mechanism"), not with stems
    ("mechnism", "mechan"), which would tell them apart."""
    texts = [*dict.fromkeys([form for form, _iri, _how in forms] + [f.record["label"] for f in facts])]
    words = sorted({w for ws in Tokenizer(WORDS).many(texts) for w in ws if len(w) >= 4 and not w.isdigit()})
    return {w: terms[0] for w, terms in zip(words, tokenizer.many(words), strict=True) if len(terms) == 1}


def is_current(path: Path) -> bool:
    """Whether ``path`` is an index this code reads: one written by an older release (a store built
    before an upgrade) lacks its tables, and is made again rather than failing a question."""
    if not path.is_file():
        return False
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return row is not None and json.loads(row[0]) == VERSION


def idf(n: int, total: int) -> float:
    """BM25's inverse document frequency, floored at a small positive weight."""
    return max(0.05, math.log(1 + (total - n + 0.5) / (n + 0.5)))
