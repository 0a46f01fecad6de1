"""Which entities a word or phrase names: a study by its acronym, an endpoint by its label or
abbreviation ("overall survival", "OS", "median OS"), an intervention by its label.

People do not type ids. The names come from the graph itself (``rdfs:label``, ``skos:prefLabel``,
``skos:altLabel``, ``rkg:acronym``): a synonym is data in the ontology or the sources, never a
list here. Matching is on whole words, after Unicode normalisation (NFKC) and case folding, so
"OS" finds "overall survival (OS)" and "median OS" but not "positive", and "overall survival"
finds the median overall survival too. An exact id (``os``) names that one entity only, so
programs that pass ids get exactly what they asked for.

The module holds no connection: :func:`names_query` is the SPARQL to run (on the local store,
through the server's worker pool or on an external endpoint) and :class:`Lookup` is built from
its rows, so the REST filters and the graph view's search resolve terms the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .named import is_entity_id
from .namespaces import ID

# What names an entity, as the ontology says it: its label, preferred and alternative labels
# (abbreviations and synonyms are skos:altLabel), a study's acronym. The main label is the one a
# list of what is known shows beside the id, the shortest of them (a study's acronym before its
# title); the other names can run to many synonyms each.
MAIN_NAME_PATH = "rdfs:label|skos:prefLabel|rkg:acronym"
OTHER_NAME_PATH = "skos:altLabel"
# A result is named by what it measured as well: "overall survival" finds the OS results.
RESULT_NAME_PATH = "rkg:endpoint/(rdfs:label|skos:altLabel)"
_WORD = re.compile(r"\w+")

EXACT, WORDS_AT_START, WORDS_INSIDE, THROUGH_ENDPOINT = 0, 1, 2, 3  # ranks, best first


def normalise(text: str) -> str:
    """``text`` as it is compared: NFKC (ﬁ → fi, full-width digits → digits), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` after :func:`normalise`; "median-OS" → ("median", "os")."""
    return tuple(_WORD.findall(normalise(text)))


def names_query(kinds: Iterable[str] | None = None, term: str | None = None) -> str:
    """The names of the entities of ``kinds`` (``study``, ``endpoint``…; None: every entity),
    columns ``entity``, ``name``, ``main`` (bound for a main label) and ``via`` (``endpoint``
    for a result named by its endpoint).

    With ``term``, only the names that can match it: those containing its longest word (SPARQL's
    LCASE, a superset of the whole-word match made here) and every name of an entity whose id
    it is, so a lookup reads a few rows of a large graph, not all its names."""
    prefixes = sorted(set(kinds)) if kinds is not None else None
    keep = (
        "FILTER(" + " || ".join(f'STRSTARTS(STR(?entity), "{ID}{k}/")' for k in prefixes) + ")"
        if prefixes
        else f'FILTER(STRSTARTS(STR(?entity), "{ID}"))'
    )
    through_endpoint = (
        f'UNION {{ ?entity {RESULT_NAME_PATH} ?name . BIND("endpoint" AS ?via) }}'
        if prefixes is None or "result" in prefixes
        else ""
    )
    narrow = ""
    if term is not None:
        found = words(term)
        # A word is letters, digits and underscores only: it needs no escaping in a string literal.
        could_match = [f'CONTAINS(LCASE(STR(?name)), "{max(found, key=len)}")'] if found else []
        if prefixes and is_entity_id(term.strip()):
            could_match += [f"?entity = <{ID}{k}/{term.strip()}>" for k in prefixes]
        narrow = f"FILTER({' || '.join(could_match) or 'false'})"
    return f"""SELECT DISTINCT ?entity ?name ?main ?via WHERE {{
  {{ ?entity {MAIN_NAME_PATH} ?name . BIND("main" AS ?main) }}
  UNION {{ ?entity {OTHER_NAME_PATH} ?name }} {through_endpoint}
  {keep}
  {narrow}
}}"""


@dataclass(frozen=True)
class Match:
    iri: str
    kind: str
    id: str
    name: str  # the name that matched (the entity's id for an exact id)
    rank: int


@dataclass(frozen=True)
class _Name:
    iri: str
    name: str
    words: tuple[str, ...]
    via: str


def _kind_and_id(iri: str) -> tuple[str, str]:
    kind, _, ident = iri.removeprefix(str(ID)).partition("/")
    return kind, ident


def contains_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> int | None:
    """Where ``needle`` starts as a run of whole words in ``haystack``, or None."""
    n = len(needle)
    for i in range(len(haystack) - n + 1):
        if haystack[i : i + n] == needle:
            return i
    return None


class Lookup:
    """The names of the graph's entities, and what a term resolves to."""

    def __init__(self, rows: Iterable[dict[str, str]]) -> None:
        self._names: list[_Name] = []
        self._labels: dict[str, str] = {}
        self._short: dict[str, str] = {}  # the shortest main name, shown in a list of what is known
        others: dict[str, str] = {}
        for row in rows:
            iri, name = row["entity"], row["name"]
            via = row.get("via") or ""
            self._names.append(_Name(iri, name, words(name), via))
            if not via:
                (self._labels if row.get("main") else others).setdefault(iri, name)
            if row.get("main") and len(name) < len(self._short.get(iri, name + " ")):
                self._short[iri] = name
        for iri, name in others.items():  # an entity with no main label is shown by another name
            self._labels.setdefault(iri, name)
        self._iris = {n.iri for n in self._names if not n.via}

    def resolve(self, term: str, kind: str | None = None) -> list[Match]:
        """The entities ``term`` names, best first; one entity for an exact id."""
        term = term.strip()
        if kind is not None and f"{ID}{kind}/{term}" in self._iris:
            iri = f"{ID}{kind}/{term}"
            return [Match(iri, kind, term, term, EXACT)]
        wanted = words(term)
        if not wanted:
            return []
        best: dict[str, Match] = {}
        for n in self._names:
            entity_kind, ident = _kind_and_id(n.iri)
            if kind is not None and entity_kind != kind:
                continue
            at = contains_words(n.words, wanted)
            if at is None:
                continue
            if n.via:
                rank = THROUGH_ENDPOINT
            elif n.words == wanted:
                rank = EXACT
            else:
                rank = WORDS_AT_START if at == 0 else WORDS_INSIDE
            found = best.get(n.iri)
            if found is None or rank < found.rank:
                best[n.iri] = Match(n.iri, entity_kind, ident, n.name, rank)
        return sorted(best.values(), key=lambda m: (m.rank, len(self.label(m.iri)), m.iri))

    def label(self, iri: str) -> str:
        return self._labels.get(iri, iri)

    def known(self, kind: str, limit: int = 60) -> list[str]:
        """``id (shortest main name)`` of the entities of ``kind`` (the first ``limit``, then how many
        there are), for a message that lists what is there. One label each, not every synonym:
        the list stays short enough to read, and each id says what it is."""
        iris = sorted(i for i in self._iris if _kind_and_id(i)[0] == kind)
        out = [self._shown(iri) for iri in iris[:limit]]
        return out + [f"… {len(iris)} in all"] if len(iris) > limit else out

    def _shown(self, iri: str) -> str:
        ident = _kind_and_id(iri)[1]
        label = self._short.get(iri) or self._labels.get(iri)
        return f"{ident} ({label})" if label else ident
