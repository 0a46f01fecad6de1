"""Where things live: the repository, its curated sources and texts, and the default store.

Everything the build reads is inside the checkout (the project is installed editable), so a clone
alone builds; ``RELAPSEKG_STORE`` moves the store for deployments that lay files out differently.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SOURCES_DIR = ROOT / "graph" / "sources"
QUERIES_DIR = ROOT / "queries"


def texts_dir() -> Path:
    """The publications' texts that quotes are checked against (``graph/sources/texts``)."""
    return SOURCES_DIR / "texts"


def vocabularies_file() -> Path:
    """The allow-list of external IRIs: each term with its label and where it was verified."""
    return ONTOLOGY_DIR / "vocabularies.csv"


def default_store() -> Path:
    """The store folder: ``RELAPSEKG_STORE`` or ``.relapsekg/store`` in the checkout."""
    return Path(os.environ.get("RELAPSEKG_STORE", ROOT / ".relapsekg" / "store")).resolve()
