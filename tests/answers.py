"""Comparing two engines' answers to one query, up to what SPARQL leaves open.

Rows are compared as multisets after normalising how terms are written (numbers by value,
blank-node labels, the order of values inside a ``GROUP_CONCAT``); an ``ORDER BY`` is checked as
the sequence of its sort keys, so rows that tie on every key may come in either order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from graph.sparqltext import masked

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
    )
}


def group_concats(sparql: str) -> dict[str, str]:
    """Variables bound by ``(GROUP_CONCAT(...) AS ?v)``, with their separators (default a space)."""
    text, found = masked(sparql), {}
    for start in (m.end() for m in re.finditer(r"\bGROUP_CONCAT\s*\(", text, re.I)):
        depth, end = 1, start
        while depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        inner = sparql[start : end - 1]  # the original text: separators are strings, blanked in `text`
        sep = re.search(r';\s*separator\s*=\s*("((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')\s*$', inner, re.I)
        alias = re.match(r"\s*AS\s+\?(\w+)", text[end:], re.I)
        if alias:
            found[alias.group(1)] = (
                (sep.group(2) if sep.group(2) is not None else sep.group(3)) if sep else " "
            )
    return found


def order_keys(sparql: str, variables: list[str]) -> list[str]:
    """The leading keys of the query's final ``ORDER BY`` that are projected variables.

    A key is ``?v`` or ``STR(?v)``, optionally in ``ASC()``/``DESC()``. Another expression
    (``LCASE(?term)``) or a variable not projected ends the list: rows that tie on the keys
    before it may come in any order on either engine.
    """
    text = masked(sparql)
    tail = text[text.rfind("}") + 1 :]
    m = re.search(r"\bORDER\s+BY\s+(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", tail, re.I | re.S)
    key = r"(?:STR\s*\(\s*\?(\w+)\s*\)|\?(\w+))"
    keys: list[str] = []
    for token in re.finditer(rf"(?:ASC|DESC)\s*\(\s*{key}\s*\)|{key}|(\S+)", m.group(1) if m else "", re.I):
        name = next((g for g in token.groups()[:4] if g), None)
        if name is None or name not in variables:
            break
        keys.append(name)
    return keys


def term_key(term: Any, separator: str | None = None) -> Hashable:
    """A term as both engines must agree on it: numbers by value, blank nodes unnamed, concatenations unordered."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    datatype = term.datatype.value if term.datatype else ""
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(term.value))
        except InvalidOperation:
            pass
    value: Hashable = term.value if separator is None else tuple(sorted(term.value.split(separator)))
    language = (term.language or "").lower()
    return ("literal", value, "" if language or datatype == XSD + "string" else datatype, language)


def table(answer: Any, concats: dict[str, str]) -> tuple[list[str], list[tuple]]:
    variables = [v.value for v in answer.variables]
    return variables, [tuple(term_key(s[v], concats.get(v)) for v in variables) for s in answer]


def assert_same_answer(
    sparql: str, expected: Any, actual: Any, names: tuple[str, str] = ("embedded", "on the endpoint")
) -> int:
    """The two answers have the same variables, the same rows (as multisets) and the same sort-key
    sequence; ``names`` say which side is which in a failure message."""
    concats = group_concats(sparql)
    variables, expected_rows = table(expected, concats)
    actual_vars, actual_rows = table(actual, concats)
    assert actual_vars == variables
    only_expected = Counter(expected_rows) - Counter(actual_rows)
    only_actual = Counter(actual_rows) - Counter(expected_rows)
    assert not only_expected and not only_actual, (
        f"{len(expected_rows)} rows {names[0]}, {len(actual_rows)} {names[1]}\n"
        f"only {names[0]}: {list(only_expected.elements())[:3]}\nonly {names[1]}: {list(only_actual.elements())[:3]}"
    )
    keys = [variables.index(k) for k in order_keys(sparql, variables)]
    if keys:
        assert [tuple(r[i] for i in keys) for r in actual_rows] == [
            tuple(r[i] for i in keys) for r in expected_rows
        ], f"the rows are not in ORDER BY {', '.join('?' + variables[i] for i in keys)}"
    return len(expected_rows)
