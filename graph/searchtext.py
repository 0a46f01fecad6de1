"""Search forms: what a quote or label is compared as when a researcher searches for words.

The article prints "MRD⁺", "≥ 36", "ﬁ" ligatures and the like; a researcher types "MRD+", ">=",
"fi". SPARQL compares strings code point by code point and has no Unicode normalisation, so the
build stores beside every quote and label its *search form* (``rkg:searchText``; a quote's on the
``oa:TextQuoteSelector`` that holds it as ``oa:exact``, so a search finds the very clause that
matched, a label's on the entity it names): NFKC-normalised
(compatibility characters such as superscripts and ligatures become their plain forms), case-folded
(``casefold``, which also folds "ß" to "ss", unlike SPARQL's LCASE) and with runs of white space
made one space. A query compares the search form of the words asked for (graph/named.py folds a
``search:`` parameter the same way) with these, so "MRD+" finds "MRD⁺".

The quote itself (``rkg:quote``) stays verbatim; the search form is only for matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .namespaces import OA, RKG

_SPACE = re.compile(r"\s+")

# The properties whose values are searched: quotes (each on its selector) and the names people look
# things up by (on the entity).
SEARCHED: frozenset[URIRef] = frozenset(
    {OA.exact, RDFS.label, SKOS.prefLabel, SKOS.altLabel, RKG.acronym, RKG.statement}
)


def search_form(text: str) -> str:
    """``text`` as it is compared when searching: NFKC, case-folded, white space collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def search_triples(triples: Iterable[tuple]) -> list[tuple]:
    """``(s, rkg:searchText, form)`` for every searched literal of ``triples`` (each form once per
    subject), to be stored in the same graph as the literal it folds."""
    seen: set[tuple] = set()
    out = []
    for s, p, o in triples:
        if p in SEARCHED and isinstance(o, Literal):
            key = (s, search_form(str(o)))
            if key not in seen:
                seen.add(key)
                out.append((s, RKG.searchText, Literal(key[1])))
    return out


__all__ = ["search_form", "search_triples", "SEARCHED"]
