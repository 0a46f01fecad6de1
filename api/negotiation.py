"""HTTP content negotiation: the Accept header with q-values, wildcards and lists."""

from __future__ import annotations

from dataclasses import dataclass

from .cache import MEMO_CHARS, Memo


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media: str) -> bool:
        t, _, s = media.partition("/")
        return (self.type in ("*", t)) and (self.subtype in ("*", s))

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    ranges = []
    for order, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = media + "/*" if media == "*" else media + "/"
        t, _, s = media.partition("/")
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(t, s or "*", q, order))
    return ranges or [MediaRange("*", "*", 1.0, 0)]


def choose(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most (q, then specificity, then server order), or None.
    (The query path remembers its verdicts per header: api/querying.py.)"""
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        matching = [r for r in ranges if r.matches(offer)]
        if not matching:
            continue
        most_specific = max(matching, key=lambda r: (r.specificity, -r.order))
        if most_specific.q <= 0:
            continue
        score = (most_specific.q, most_specific.specificity, -index)
        if best is None or score > best:
            best, chosen = score, offer
    return chosen


def _prefers_html(header: str) -> bool:
    return choose(
        header, ["text/html", "application/sparql-results+json", "text/turtle"]
    ) == "text/html" and any(r.type == "text" and r.subtype == "html" for r in parse_accept(header))


# Asked on every /queries/{name} request (a browser gets the question's page): 30 µs a header.
_HTML_VERDICTS: Memo[str, bool] = Memo(MEMO_CHARS, _prefers_html)


def wants_html(header: str | None) -> bool:
    """A browser navigation: HTML is preferred over the machine formats."""
    return _HTML_VERDICTS(header or "*/*")
