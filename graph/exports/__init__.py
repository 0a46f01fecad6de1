"""Export formats, each read from the graph through SPARQL (embedded store or external endpoint).

The registry maps a format name to its writer, media type and download file name; the CLI and
``GET /export/{format}`` both use it, so a format added here is available in both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..engine import Engine


class UnknownFormat(ValueError):
    def __init__(self, name: str):
        super().__init__(f"unknown export format {name!r}; known formats: {', '.join(sorted(EXPORTS))}")


@dataclass(frozen=True)
class Export:
    name: str
    media_type: str
    filename: str
    write: Callable[[Engine], bytes]
    description: str


EXPORTS: dict[str, Export] = {}


def register(name: str, media_type: str, filename: str, description: str) -> Callable:
    def decorate(func: Callable[[Engine], bytes]) -> Callable[[Engine], bytes]:
        EXPORTS[name] = Export(name, media_type, filename, func, description)
        return func

    return decorate


def get_export(name: str) -> Export:
    _load_writers()
    if name not in EXPORTS:
        raise UnknownFormat(name)
    return EXPORTS[name]


def all_exports() -> dict[str, Export]:
    _load_writers()
    return dict(EXPORTS)


def _load_writers() -> None:
    """Import every module of this package; each registers its formats with :func:`register`."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
