"""Server settings: where the graph is, and the budgets that keep the service safe on a network.

Every budget has a ``RELAPSEKG_*`` environment variable and a ``relapsekg serve`` flag.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from graph import paths


def _env(name: str, default: str) -> str:
    return os.environ.get(f"RELAPSEKG_{name}", default)


@dataclass
class Settings:
    store: Path = field(default_factory=paths.default_store)
    endpoint: Optional[str] = field(default_factory=lambda: os.environ.get("RELAPSEKG_ENDPOINT") or None)
    query_timeout: float = field(default_factory=lambda: float(_env("QUERY_TIMEOUT", "10")))
    max_rows: int = field(default_factory=lambda: int(_env("MAX_ROWS", "10000")))
    max_query_length: int = field(default_factory=lambda: int(_env("MAX_QUERY_LENGTH", "20000")))
    workers: int = field(default_factory=lambda: int(_env("QUERY_WORKERS", "3")))
