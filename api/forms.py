"""Query strings and HTML form bodies, parsed once per distinct text.

The same queries come back again and again (named queries, pages, a client polling), and
percent-decoding a long query costs more than answering it from the answer cache: 150 µs of a
215 µs cached form POST. So a parse is remembered by the exact bytes, in a memory bounded by
bytes, not entries: only requests of a few fields are kept (a query and its dataset), and a body
of thousands of fields is parsed and let go, so it costs no memory after the request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import parse_qsl

Fields = Mapping[str, tuple[str, ...]]

MAX_BYTES = 4 * 2**20  # encoded bytes of the remembered texts (their parses take about as much again)
MAX_FIELDS = 8  # values of all fields: a SPARQL request has a query and a few dataset IRIs
MAX_TEXT = 32 * 2**10  # a longer text is parsed every time


def parse(encoded: bytes) -> Fields:
    """Each field with all its values, as Starlette parses forms and query strings: ``+`` is a
    space, ``%XX`` escapes spell UTF-8 (an invalid sequence becomes U+FFFD), ``&`` separates."""
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(encoded.decode("latin-1"), keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return MappingProxyType({name: tuple(values) for name, values in fields.items()})


class _Remembered:
    """A least-recently-used map from texts to their fields, bounded by the texts' bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.bytes, self.hits = max_bytes, 0, 0
        self._entries: OrderedDict[bytes, Fields] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, encoded: bytes) -> Fields:
        with self._lock:
            fields = self._entries.get(encoded)
            if fields is not None:
                self._entries.move_to_end(encoded)
                self.hits += 1
                return fields
        fields = parse(encoded)
        if len(encoded) <= MAX_TEXT and sum(len(values) for values in fields.values()) <= MAX_FIELDS:
            with self._lock:
                if encoded not in self._entries:
                    self._entries[encoded] = fields
                    self.bytes += len(encoded)
                    while self.bytes > self.max_bytes:
                        evicted, _ = self._entries.popitem(last=False)
                        self.bytes -= len(evicted)
        return fields


fields_of = _Remembered(MAX_BYTES)
"""The fields of a query string or a form body (see the module docstring)."""
