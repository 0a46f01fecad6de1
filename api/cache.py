"""A bounded in-memory cache of serialized query answers, valid for one build of the graph.

The graph is read-only between builds, and a build is swapped in by replacing the store's
``current`` link; builds are never rewritten. So an answer is keyed by the build that computed it
(as the query worker reports it, or the build whose kept body it is) plus everything else that
shapes the bytes: the exact query text, the protocol dataset, the row cap, the format and the
media type. A lookup reads the
``current`` link first (one system call), so once a rebuild is swapped in, no answer of an
earlier build can match again; the old entries age out of the LRU order.

Queries whose answer changes from one run to the next (``graph.sparqltext.volatile``) are never
cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
MEMO_CHARS = (
    4 * 2**20
)  # characters of the texts (queries, form bodies, Accept headers) a memo keeps verdicts on

_ENTRY_OVERHEAD = 256  # bytes of bookkeeping per entry, roughly


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    media_type: str
    capped: bool
    etag: str
    source: str = "evaluated"  # or "cache", "kept": where the server took it from (X-Relapsekg-Answer)
    build: str = ""  # the build a query worker read to compute it ("" if unknown)

    @property
    def size(self) -> int:
        return len(self.body) + _ENTRY_OVERHEAD


class ResultCache:
    """LRU over serialized answers, bounded by the bytes it holds (bodies plus bookkeeping)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 8  # one huge answer must not flush everything else
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[Hashable, ...], tuple[CachedAnswer, int]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[Hashable, ...]) -> CachedAnswer | None:
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found[0]

    def put(self, key: tuple[Hashable, ...], entry: CachedAnswer) -> None:
        size = entry.size + sum(len(part) for part in key if isinstance(part, str))
        if not self.enabled or size > self.max_entry:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._entries[key] = (entry, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.bytes -= evicted

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0


class Memo(Generic[K, T]):
    """What the service remembers about a request's text (its query form, whether its answer may be
    cached, its kept-answer key; the verdict on an Accept header): least recently used first out,
    bounded by the characters of the texts it is keyed by. The one policy for every in-process memo
    of the request path, beside the answer cache above.

    Worth it where measured (on the shared 2-core VM at load average 11): the read-only guard and
    the volatility test scan the whole text (6.1 and 2.5 ms for the longest named query, 7,163
    characters), hashing it for the kept answers takes 90 µs and weighing an Accept header 39 µs
    (30 µs for ``wants_html`` at load 3), where a cached answer takes 0.3-0.5 ms in all. A form
    body's parse (api/routes/sparql.py) takes 67 µs at 0.9 KiB and 415 µs at 6 KiB, the lookup
    about 3 µs. The graph view's payloads are answers, kept in the answer cache above.
    """

    def __init__(self, max_chars: int, compute: Callable[[K], T], size: Callable[[Any], int] = len) -> None:
        self.max_chars = max_chars
        self.max_entry = max_chars // 8
        self.chars = 0
        self._compute = compute
        self._size = size  # the characters a key stands for (its text's length)
        self._entries: OrderedDict[K, tuple[T, int]] = OrderedDict()

    def __call__(self, key: K) -> T:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found[0]
        value = self._compute(key)  # an exception (a refusal) is not remembered
        size = self._size(key)
        if size <= self.max_entry:
            self._entries[key] = (value, size)
            self.chars += size
            while self.chars > self.max_chars:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.chars -= evicted
        return value

    def __len__(self) -> int:
        return len(self._entries)
