"""HTTP routes, one module per concern; each exposes ``router`` (a FastAPI APIRouter).

:func:`all_routers` imports every module here, so a new page or API is a new module.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

# Routes are tried in order, and a request costs one match per route tried before its own: the
# query routes, asked most, come first.
FIRST = ("sparql", "named")


def all_routers() -> list[APIRouter]:
    routers = []
    modules = sorted(
        pkgutil.iter_modules(__path__),
        key=lambda m: (m.name not in FIRST, FIRST.index(m.name) if m.name in FIRST else 0, m.name),
    )
    for module in modules:
        mod = importlib.import_module(f"{__name__}.{module.name}")
        if isinstance(getattr(mod, "router", None), APIRouter):
            routers.append(mod.router)
    return routers
