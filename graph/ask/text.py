"""Words as the index sees them: SQLite FTS5's own tokenizer (Porter stemmer over unicode61).

The question, the facts' texts and every label or synonym are cut into terms by the same
tokenizer the full-text index uses, so a term the linker or the coverage test compares is the
term BM25 ranked. Nothing here stems or splits by hand: a small in-memory FTS5 table tokenizes a
batch of strings and its ``fts5vocab`` table reads the terms back in order.

What FTS5 cannot know is written before it: decimals keep their point (``72.9`` is one term,
``72p9``, not ``72`` and ``9``), and the LaTeX of the article's quotes (``$P=0.031$``,
``\\pm``) is reduced to its words, and a count written in words is written in digits ("three
4-week blocks", "four years": a question's "3 blocks" or "4-year" holds the same numbers), but
not a fraction ("two-thirds"); a time point's unit glued to its number ("4y", "24mo") is cut
from it. A plus-minus sign (``±``, ``+/-``, LaTeX ``\\pm``) becomes the
word ``pm``: "BM ± EM" (marrow relapse, with or without extramedullary disease) is not "BM + EM"
(combined relapse), though FTS5 would drop both signs and read both as "bm em". And a
threshold's side becomes a word (``<``, ``<=``, ``≤``: below; ``>``, ``>=``, ``≥``: above): "MRD
<0.1%" (low risk) is not "MRD ≥0.1%" (a transplant).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence

TOKENIZER = "porter unicode61 remove_diacritics 2"
WORDS = "unicode61 remove_diacritics 2"  # the same words, unstemmed: what a misspelling is compared with
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?!\.?\d)")
_LATEX = re.compile(r"\\(pm|geq|leq|ge|le|times|%)|\$")
_PLUS_MINUS = re.compile(r"±|\+\s*/\s*[-−]")
_NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"], 2
    )
}
# Not a fraction ("two-thirds of patients" is no 2-year figure).
_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?![\s-]+(thirds?|quarters?|fifths?|halves)\b)", re.IGNORECASE
)
# A threshold's side, which FTS5 would drop: "MRD <0.1%" (low risk) is not "MRD ≥0.1%" (a transplant).
_COMPARISON = re.compile(r"<=?|≤|>=?|≥")
_LATEX_WORDS = {"pm": " pm ", "geq": " ≥ ", "ge": " ≥ ", "leq": " ≤ ", "le": " ≤ ", "times": " × ", "%": "%"}


# A number with a time unit glued to it ("4y", "24mo", "5yr"), as researchers abbreviate a time
# point: the number and the unit, which graph/ask/words.tsv reads as year or month.
_GLUED_UNIT = re.compile(r"(?<![\w.])(\d+)(y|yr|yrs|mo|mos|mth|mths)\b", re.IGNORECASE)
# A superscript sign after a name, as the article prints a status ("MRD⁺", "EM⁺"): the word a
# question writes for it ("MRD-positive", "EM positive"), which FTS5 would drop with the sign.
_STATUS_SIGN = re.compile(r"(?<=[A-Za-z])([⁺⁻])(?![⁰¹²³⁴⁵⁶⁷⁸⁹])")  # not an exponent ("10⁻⁴")


def prepare(text: str) -> str:
    """Text as FTS5 should tokenize it: decimals kept whole, LaTeX markup, ± and a threshold's side
    (<, <=, ≤: below; >, >=, ≥: above) and a status's superscript sign ("MRD⁺": MRD positive)
    reduced to words, and counts in words ("three blocks") to digits, as the article prints most
    of them."""
    text = _LATEX.sub(lambda m: _LATEX_WORDS.get(m.group(1) or "", " "), text)
    text = _PLUS_MINUS.sub(" pm ", text)
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)
    text = _COMPARISON.sub(lambda m: " below " if m.group(0)[0] in "<≤" else " above ", text)
    text = _GLUED_UNIT.sub(r"\1 \2", text)
    text = _STATUS_SIGN.sub(lambda m: " positive" if m.group(1) == "⁺" else " negative", text)
    return _DECIMAL.sub(r"\1p\2", text)


class Tokenizer:
    """Cuts strings into FTS5 terms, in order (one in-memory FTS5 table, reused)."""

    def __init__(self, tokenize: str = TOKENIZER) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"CREATE VIRTUAL TABLE probe USING fts5(text, tokenize = '{tokenize}')")
        self._db.execute("CREATE VIRTUAL TABLE probe_v USING fts5vocab(probe, instance)")

    def terms(self, text: str) -> list[str]:
        return self.many([text])[0]

    def many(self, texts: Sequence[str], *, prepared: bool = False) -> list[list[str]]:
        """The terms of each string, in order; one insert and one read for the whole batch.
        ``prepared``: the strings have been through :func:`prepare` already."""
        db = self._db
        out: list[list[str]] = [[] for _ in texts]
        try:  # a text SQLite refuses (a lone surrogate) must not leave rows for the next batch
            db.executemany(
                "INSERT INTO probe(rowid, text) VALUES (?, ?)",
                enumerate(texts if prepared else (prepare(t) for t in texts), 1),
            )
            for doc, term in db.execute("SELECT doc, term FROM probe_v ORDER BY doc, offset"):
                out[doc - 1].append(term)
        finally:
            db.execute("DELETE FROM probe")
        return out


def phrase(terms: Iterable[str]) -> str:
    """Terms joined as one lookup key (how labels and question n-grams are compared)."""
    return " ".join(terms)


def is_number(term: str) -> bool:
    return term.replace("p", "", 1).isdigit()


def is_code(term: str) -> bool:
    """Letters and digits together: a name ("cns3", "e1910"), not a number ("72p9" is 72.9)."""
    return not is_number(term) and any(c.isdigit() for c in term) and any(c.isalpha() for c in term)
