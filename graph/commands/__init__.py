"""Commands beyond the core ones (serve, viz, classify, analyze, synth), one module each.

Each module registers itself on the shared typer app with ``@app.command()``; :func:`load_all`
imports them all, so adding a command is adding a module here.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
