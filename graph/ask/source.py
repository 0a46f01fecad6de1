"""Where a question's index comes from: the build it was made with, or the endpoint asked.

A build writes its index beside its database (``builds/<id>/ask/``, see :func:`write_for_build`),
so a rebuild swaps the index in with the graph. A build made without one (or with one an older
release wrote), and an external SPARQL endpoint, get one made on first use from the graph itself,
through SPARQL, in a folder of the system's temporary directory (a build never changes, so its
index is made once; an endpoint's is made once per process).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from .. import store as stores
from ..engine import RemoteEngine, evaluate
from .answer import Asker
from .index import FILE, VERSION, is_current, write_index
from .reading import english_frequency
from .search import AskIndex

FOLDER = "ask"


def write_for_build(build: stores.Build, graph: ox.Store) -> dict:
    """The build hook: the index of ``graph`` (the new build's graph) into the build's folder."""
    return write_index(lambda sparql: evaluate(graph, sparql), build.path / FOLDER)


def _cache_folder(key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "relapsekg-ask" / digest


class AskerSource:
    """The asker of the current graph: reopened when a new build is swapped in. The old one is not
    closed: a question that began on it finishes on it, and it is let go with its last user."""

    def __init__(self, store: Path | None = None, endpoint: str | None = None) -> None:
        self.store, self.endpoint = store, endpoint
        self._key: str | None = None
        self._asker: Asker | None = None
        self._lock = threading.Lock()

    def get(self) -> Asker:
        """The current graph's asker, its index written first if it has none yet."""
        asker = self._open(write=True)
        assert asker is not None  # written when missing
        return asker

    def get_if_written(self) -> Asker | None:
        """The current graph's asker if it is open or its index can be opened without being
        written first (a store whose build wrote it, or whose index was made earlier); otherwise
        None: an endpoint's index still to be read from the whole remote graph over SPARQL, or a
        build's from an older release."""
        return self._open(write=False)

    def _open(self, write: bool) -> Asker | None:
        # The build is named once: one swapped in meanwhile is opened on the next question, not
        # stored under the name of the one it replaced.
        key = self.endpoint or stores.current_name(self.store)
        if not key:
            stores.current_build(Path(self.store or "."))  # raises StoreMissing with its message
        if self._asker is not None and key == self._key:
            return self._asker
        with self._lock:
            if self._asker is None or key != self._key:
                folder = self._folder(key, write)
                if folder is None:
                    return None
                self._asker, self._key = Asker(AskIndex(folder)), key
        return self._asker

    def _folder(self, key: str, write: bool) -> Path | None:
        """The folder of the index of the build (or endpoint) ``key``, written first if ``write``."""
        if self.endpoint:
            if not write:
                return None
            folder = _cache_folder(self.endpoint)
            engine = RemoteEngine(self.endpoint)
            write_index(engine.query, folder)  # once per process: the endpoint's data may change
            return folder
        build = stores.build_named(Path(self.store), key)  # type: ignore[arg-type]
        written = _written(build)
        if written is not None or not write:
            return written
        # A build made without an index, or by an older release: one made from its graph.
        folder = _cache_folder(f"{build.path} {VERSION}")
        graph = ox.Store.read_only(str(build.db))
        write_index(lambda sparql: evaluate(graph, sparql), folder)
        return folder


def _written(build: stores.Build) -> Path | None:
    """The folder of ``build``'s index if one this release reads is written: the build's own, or
    one made earlier from its graph."""
    for folder in (build.path / FOLDER, _cache_folder(f"{build.path} {VERSION}")):
        if is_current(folder / FILE):
            return folder
    return None


def warm(source: AskerSource) -> None:
    """Load wordfreq's English list, and open the current graph's index if it is written, before
    the first question does, so that its asker does not wait for them (a server calls this on a
    thread as it starts). An index still to be written (an endpoint's, or a build's from an older
    release) is left for the first question: a server nobody asks does not read a whole graph. A
    failure (a store without a build yet) is said and left for the first question, which reports
    it as it would have."""
    try:
        english_frequency("asked")
        source.get_if_written()
    except Exception as exc:  # any failure resurfaces, handled, on the first question
        logging.getLogger(__name__).warning("the ask index was not opened ahead of questions: %s", exc)
