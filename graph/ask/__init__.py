"""Questions in plain words, answered with facts of the graph (``relapsekg ask``, ``/api/ask``, ``/ask``).

An answer is a fact the graph holds, with its verbatim quote, never generated text. The build
writes an index of the facts (:mod:`.index`, SQLite FTS5); a question is read against the graph's
names and synonyms, its words linked to its entities (:mod:`.reading`), and the facts are selected
by those links and ranked (:mod:`.search`); the answer
carries the named query that answers it, if one does, and SPARQL that reproduces it
(:mod:`.answer`).
"""

from __future__ import annotations

from .answer import Asked, Asker
from .reading import MAX_QUESTION, MAX_TOP, BadQuestion
from .source import AskerSource, warm, write_for_build

__all__ = [
    "Asked",
    "Asker",
    "AskerSource",
    "BadQuestion",
    "MAX_QUESTION",
    "MAX_TOP",
    "warm",
    "write_for_build",
]
