"""HTTP routes, one module per concern; each exposes ``router`` (a FastAPI APIRouter).

:func:`all_routers` imports every module here, so a new page or API is a new module.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    routers = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{module.name}")
        if isinstance(getattr(mod, "router", None), APIRouter):
            routers.append(mod.router)
    return routers
