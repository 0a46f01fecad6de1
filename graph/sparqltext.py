"""Looking at SPARQL text without a parser: keywords outside comments, strings and IRIs."""

from __future__ import annotations

import re

_MASK = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_FROM = re.compile(r"\bFROM\b", re.I)


def masked(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked (same length), so keywords can be found."""
    return _MASK.sub(lambda m: " " * len(m.group(0)), sparql)


def declares_dataset(sparql: str) -> bool:
    """Whether the query has its own FROM / FROM NAMED clauses."""
    return bool(_FROM.search(masked(sparql)))


_VOLATILE = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.I)


def volatile(sparql: str) -> bool:
    """Whether the answer may differ between two runs on the same graph (``NOW()``, ``RAND()``,
    ``UUID()``, ``STRUUID()``, ``BNODE()``): such answers are neither cached nor kept."""
    return bool(_VOLATILE.search(masked(sparql)))
