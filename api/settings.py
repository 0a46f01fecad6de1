"""Server settings: where the graph is, and the budgets that keep the service safe on a network.

Every budget has a ``RELAPSEKG_*`` environment variable and a ``relapsekg serve`` flag.
``RELAPSEKG_CACHE=0`` turns the answer cache off (the same as ``RELAPSEKG_CACHE_MB=0``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from graph import paths
from graph.results import DEFAULT_MAX_ROWS

N = TypeVar("N", int, float)


def _env(name: str, default: str) -> str:
    return os.environ.get(f"RELAPSEKG_{name}", default)


def _number(name: str, default: str, kind: Callable[[str], N] = int) -> N:
    """A numeric setting; a value that is not a number is an error that names the variable."""
    value = _env(name, default)
    try:
        return kind(value)
    except ValueError:
        raise ValueError(
            f"RELAPSEKG_{name}={value!r}: expected {'a whole number' if kind is int else 'a number'}"
        ) from None


def _switch(name: str, default: bool) -> bool:
    """An on/off setting: 1, on, true, yes or 0, off, false, no; anything else is an error, not a guess."""
    value = _env(name, "1" if default else "0").strip().lower()
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no"):
        return False
    raise ValueError(f"RELAPSEKG_{name}={value!r}: expected 1, on, true, yes or 0, off, false, no")


def _cache_mb() -> int:
    if not _switch("CACHE", True):
        return 0
    return _number("CACHE_MB", "64")


@dataclass
class Settings:
    store: Path = field(default_factory=paths.default_store)
    endpoint: str | None = field(default_factory=lambda: os.environ.get("RELAPSEKG_ENDPOINT") or None)
    query_timeout: float = field(default_factory=lambda: _number("QUERY_TIMEOUT", "10", float))
    max_rows: int = field(default_factory=lambda: _number("MAX_ROWS", str(DEFAULT_MAX_ROWS)))
    max_query_length: int = field(default_factory=lambda: _number("MAX_QUERY_LENGTH", "20000"))
    workers: int = field(default_factory=lambda: _number("QUERY_WORKERS", "3"))
    # Seconds a request that stopped two query workers is refused without being run again.
    poison_seconds: float = field(default_factory=lambda: _number("POISON_SECONDS", "300", float))
    # Query workers copy the graph into memory (faster answers; RELAPSEKG_IN_MEMORY=0 reads the disk store).
    in_memory: bool = field(default_factory=lambda: _switch("IN_MEMORY", True))
    # Answer a named query at its defaults with the body the build kept (graph/kept_answers.py).
    kept_answers: bool = field(default_factory=lambda: _switch("KEPT_ANSWERS", True))
    # Memory for serialized answers of the current build (MiB; 0: no answer cache).
    cache_mb: int = field(default_factory=_cache_mb)
    # Seconds clients and proxies may reuse an answer without asking again (0: revalidate with the ETag).
    cache_max_age: int = field(default_factory=lambda: _number("CACHE_MAX_AGE", "0"))
