"""The source text of one synthetic publication, written so that every quote is in it verbatim.

A generator states a fact by adding the sentence that carries it (:meth:`SourceTextWriter.say`)
and uses the returned string as the fact's ``quote``; the text is those sentences in paragraphs,
wrapped at a fixed width like a text extracted from a PDF. The quote checks of ``relapsekg
validate`` tolerate exactly that (a line break where the quote has a space), so the synthetic
corpus goes through the same check as the curated one.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

WIDTH = 100


@dataclass
class SourceTextWriter:
    title: str
    paragraphs: list[list[str]] = field(default_factory=lambda: [[]])

    def say(self, sentence: str) -> str:
        """Add ``sentence`` to the current paragraph; return it for use as a quote."""
        self.paragraphs[-1].append(sentence)
        return sentence

    def paragraph(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def render(self) -> str:
        blocks = [self.title]
        for sentences in self.paragraphs:
            if sentences:
                blocks.append(
                    textwrap.fill(" ".join(sentences), WIDTH, break_long_words=False, break_on_hyphens=False)
                )
        return "\n\n".join(blocks) + "\n"
