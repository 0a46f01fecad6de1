"""All curated files loaded together, with the indexes that cross-file checks and conversion need.

A fact in one file may point at a study, cohort or intervention defined in another (AALL1331 is
defined with its report, ref 11, and cited by the article's own findings), so ids are resolved
across the whole corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import paths
from .model import ENTITY_SECTIONS, Fact, SourceFile
from .quotes import SourceText
from .yamlsource import LoadedYaml, SourceError, load_yaml


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class CuratedFile:
    path: Path
    loaded: LoadedYaml
    source: SourceFile

    @cached_property
    def name(self) -> str:
        # Cached: every problem and every converted fact names its file, and resolving a path is
        # file-system calls (a third of the checks' time on a 1M-triple corpus).
        return display_path(self.path)

    def line_of(self, *path: Any) -> int | None:
        return self.loaded.line_of(path)

    def facts(self) -> Iterator[tuple[tuple[Any, ...], Fact]]:
        """Every fact of the file with its path in the YAML (for line numbers)."""
        yield ("publication",), self.source.publication
        for section in (*ENTITY_SECTIONS, "citations"):
            for index, fact in enumerate(getattr(self.source, section)):
                yield (section, index), fact


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


@dataclass
class Corpus:
    files: list[CuratedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, SourceText] = field(default_factory=dict)

    def entities(self, section: str) -> dict[str, tuple[CuratedFile, int]]:
        """id -> (file, index) for one entity section, across all files."""
        found: dict[str, tuple[CuratedFile, int]] = {}
        for f in self.files:
            for index, item in enumerate(getattr(f.source, section)):
                found.setdefault(item.id, (f, index))
        return found

    def publications_by_number(self) -> dict[int, CuratedFile]:
        return {
            f.source.publication.reference_number: f
            for f in self.files
            if f.source.publication.reference_number is not None
        }

    def article(self) -> CuratedFile | None:
        """The commented article: the one publication without a reference number."""
        for f in self.files:
            if f.source.publication.reference_number is None:
                return f
        return None

    sources_dir: Path | None = None

    def text(self, name: str) -> SourceText | None:
        """A source text by file name: ``texts/`` beside the curated files first, then the project's own."""
        if name not in self.texts:
            candidates = [paths.texts_dir() / name]
            if self.sources_dir is not None:
                candidates.insert(0, self.sources_dir / "texts" / name)
            path = next((c for c in candidates if c.is_file()), None)
            if path is None:
                return None
            self.texts[name] = SourceText(path)
        return self.texts[name]


def source_files(sources_dir: Path) -> list[Path]:
    return sorted(p for p in sources_dir.rglob("*.yaml") if p.is_file())


def load_corpus(sources_dir: Path | None = None) -> Corpus:
    """Parse and schema-check every curated file; problems are collected, not raised."""
    corpus = Corpus(sources_dir=sources_dir or paths.SOURCES_DIR)
    files = source_files(sources_dir or paths.SOURCES_DIR)
    if not files:
        corpus.problems.append(
            Problem(
                display_path(sources_dir or paths.SOURCES_DIR), None, "no curated *.yaml source files found"
            )
        )
    for path in files:
        try:
            loaded = load_yaml(path)
        except SourceError as exc:
            corpus.problems.append(Problem(display_path(path), exc.line, exc.message))
            continue
        try:
            source = SourceFile.model_validate(loaded.data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                where = ".".join(str(p) for p in loc) or "(file)"
                corpus.problems.append(
                    Problem(display_path(path), loaded.line_of(_data_path(loc)), f"{where}: {err['msg']}")
                )
            continue
        corpus.files.append(CuratedFile(path, loaded, source))
    return corpus


def _data_path(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Pydantic locations include union branch names ('str', 'list[str]'); drop those."""
    return tuple(p for p in loc if isinstance(p, int) or p in _FIELD_NAMES)


def _field_names() -> set[str]:
    from . import model

    return {
        name
        for obj in vars(model).values()
        if isinstance(obj, type) and hasattr(obj, "model_fields")
        for name in obj.model_fields
    }


_FIELD_NAMES = _field_names()
