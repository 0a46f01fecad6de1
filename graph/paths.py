"""Where things live: the repository, the shared source texts and the default store.

Everything is resolved from the repository checkout (the project is installed editable), so a
clone with ``../shared`` beside it works without configuration; environment variables override
each location for deployments that lay files out differently.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SOURCES_DIR = ROOT / "graph" / "sources"
QUERIES_DIR = ROOT / "queries"


def shared_dir() -> Path:
    """The folder with the article text and vocabularies (``../shared`` beside the clone)."""
    return Path(os.environ.get("RELAPSEKG_SHARED", ROOT.parent / "shared")).resolve()


def texts_dir() -> Path:
    return shared_dir() / "sources"


def vocabularies_file() -> Path:
    return shared_dir() / "vocabularies.md"


def default_store() -> Path:
    """The store folder: ``RELAPSEKG_STORE`` or ``.relapsekg/store`` in the checkout."""
    return Path(os.environ.get("RELAPSEKG_STORE", ROOT / ".relapsekg" / "store")).resolve()
