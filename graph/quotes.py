"""Find a curated quote in its source text, verbatim up to whitespace, and check its numbers.

The shared source text was extracted from a PDF, so a sentence may be split by a line or page
break; that is the only difference tolerated. Offsets refer to the original text, so a W3C Web
Annotation TextPositionSelector points at the exact characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

_SPACE = re.compile(r"\s+")
# Digits with an optional decimal part; a leading '.5' is read as 0.5.
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?|\.\d+)")
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
CONTEXT = 32


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


# Where each fact's quotes were found, by (file name, the fact's path in its YAML): what the quote
# check returns and the converter annotates the facts with.
Spans = dict[tuple[str, tuple[Any, ...]], list[Span]]


class SourceText:
    """One source text, indexed for whitespace-insensitive search."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")

    @cached_property
    def _normalised(self) -> tuple[str, list[int]]:
        """The text with each whitespace run collapsed to one space, and where each char came from."""
        chars: list[str] = []
        origin: list[int] = []
        in_space = False
        for i, ch in enumerate(self.text):
            if ch.isspace():
                if not in_space:
                    chars.append(" ")
                    origin.append(i)
                in_space = True
            else:
                chars.append(ch)
                origin.append(i)
                in_space = False
        return "".join(chars), origin

    def find(self, quote: str) -> list[Span]:
        """Every place ``quote`` occurs (whitespace-normalised), as spans of the original text."""
        needle = _SPACE.sub(" ", quote.strip())
        haystack, origin = self._normalised
        spans = []
        start = haystack.find(needle)
        while start >= 0 and needle:
            last = start + len(needle) - 1
            a, b = origin[start], origin[last] + 1
            spans.append(
                Span(a, b, self.text[a:b], self.text[max(0, a - CONTEXT) : a], self.text[b : b + CONTEXT])
            )
            start = haystack.find(needle, start + 1)
        return spans


def numbers_in(text: str) -> set[Decimal]:
    """The numbers a reader sees in ``text``: digits, and small number words."""
    found = set()
    for m in _NUMBER.finditer(text):
        try:
            found.add(Decimal(m.group(1)))
        except InvalidOperation:  # pragma: no cover - the pattern only matches numerals
            continue
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _WORDS:
            found.add(Decimal(_WORDS[word]))
    return found


def missing_numbers(numbers: list[tuple[str, Decimal]], quotes: list[str]) -> list[tuple[str, Decimal]]:
    """The (field, number) pairs whose number is not in any of the quotes."""
    present = set().union(*(numbers_in(q) for q in quotes)) if quotes else set()
    return [(name, value) for name, value in numbers if value not in present]
