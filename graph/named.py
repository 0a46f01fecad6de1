"""Named research questions: ``queries/*.rq``, each documented by its header comment.

Header format (read by people and by this module)::

    # title: Outcomes by arm in each subgroup
    # description: 4-year DFS and OS of each arm ... (one or more lines)
    # param endpoint: "" — endpoint id (dfs, os, ...); empty for every endpoint
    # param min_n: 0 — smallest cohort size to show

Parameters are grlc-style placeholders ``?_name`` in the query body, replaced by a SPARQL term
written safely (a string is escaped, a number or IRI is checked), so the same text runs on the
embedded store and on any external endpoint. The default's form gives the type: ``"..."`` a
string, a number a number, ``<...>`` an IRI, and ``id:KIND/ID`` (e.g. ``id:intervention/blinatumomab``)
the id of a relapsekg entity of that kind: callers pass the short id, the query receives the entity's
full IRI as a constant. (Building that IRI inside the query with ``BIND(IRI(CONCAT(...)))`` gives the
same answer, but Oxigraph cannot treat a computed IRI as a constant and scans instead of looking it up:
146 ms instead of a few at 1M triples.)

Words to search for are written ``search:"..."`` (e.g. ``search:"CNS"``): the value is put in the
query in its search form (graph/searchtext.py: NFKC-normalised and case-folded), to be compared
with the ``rkg:searchText`` the build stores beside every quote and label. SPARQL has no Unicode
normalisation, so this is how "MRD+" finds the "MRD⁺" the text prints.

An id default with no id, ``id:KIND/``, makes the parameter optional: an empty value is ``UNDEF``,
"no restriction", so such a placeholder belongs in a ``VALUES`` block. That is how a query starts
from the one entity asked for (an index lookup) and still answers for every entity when none is.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from . import paths
from .namespaces import ID
from .searchtext import search_form

_HEADER = re.compile(r"^#\s?(?P<body>.*)$")
_PARAM = re.compile(
    r"^param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<default>.*?)\s+[—-]{1,2}\s+(?P<doc>.+)$"
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ENTITY_ID = re.compile(r"[A-Za-z0-9._-]+")
_ENTITY_DEFAULT = re.compile(rf"^id:(?P<kind>[a-z][a-z-]*)/(?P<id>(?:{_ENTITY_ID.pattern})?)$")


def is_entity_id(value: str) -> bool:
    """Whether ``value`` can be the short id of a relapsekg entity (what an ``id:`` parameter takes)."""
    return _ENTITY_ID.fullmatch(value) is not None


class NamedQueryError(ValueError):
    """Unknown query, unknown parameter, or a value that does not fit the parameter's type."""


class UnknownNamedQuery(NamedQueryError):
    """No query file has that name (the HTTP service answers 404, not 400)."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    doc: str

    @property
    def type(self) -> str:
        if self.default.startswith("search:"):
            return "search"
        if self.default.startswith("<"):
            return "iri"
        if _ENTITY_DEFAULT.match(self.default):
            return "id"
        if re.fullmatch(r"-?\d+", self.default):
            return "integer"
        if re.fullmatch(r"-?\d*\.\d+", self.default):
            return "decimal"
        return "string"

    @property
    def optional(self) -> bool:
        """An entity id that may be left empty (default ``id:KIND/``): empty is ``UNDEF``, any entity."""
        return self.type == "id" and self.default_value == ""

    @property
    def default_value(self) -> str:
        d = self.default
        if self.type == "iri":
            return d[1:-1]
        if self.type == "id":
            return self._entity_default()["id"]
        if self.type == "search":
            d = d.removeprefix("search:")
        if self.type in ("string", "search") and len(d) >= 2 and d[0] == d[-1] == '"':
            return d[1:-1]
        return d

    def _entity_default(self) -> re.Match[str]:
        m = _ENTITY_DEFAULT.match(self.default)
        assert m is not None, self.default  # only called when type is "id", which means it matched
        return m

    def term(self, value: str) -> str:
        """``value`` as a SPARQL term of this parameter's type, or an error naming the problem."""
        if self.type == "iri":
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", value):
                raise NamedQueryError(f"parameter {self.name!r} needs an absolute IRI, got {value!r}")
            return f"<{value}>"
        if self.type == "id":
            kind = self._entity_default()["kind"]
            if value == "" and self.optional:
                return "UNDEF"  # any entity (see the module docstring)
            if not is_entity_id(value):
                raise NamedQueryError(
                    f"parameter {self.name!r} needs an id of kind {kind!r} (letters, digits, '.', '_', '-'), "
                    f"got {value!r}"
                )
            return f"<{ID}{kind}/{value}>"
        if self.type in ("integer", "decimal"):
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise NamedQueryError(f"parameter {self.name!r} needs a number, got {value!r}") from None
            if self.type == "integer" and number != number.to_integral_value():
                raise NamedQueryError(f"parameter {self.name!r} needs an integer, got {value!r}")
            return str(int(number)) if self.type == "integer" else str(number)
        if self.type == "search":
            value = search_form(value)
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        return f'"{escaped}"'


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    body: str
    path: Path

    def sparql(self, values: dict[str, str] | None = None) -> str:
        values = dict(values or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise NamedQueryError(
                f"unknown parameter(s) {', '.join(unknown)} for query {self.name!r}; "
                f"known: {', '.join(known) or 'none'}"
            )
        text = self.body
        for param in self.params:
            term = param.term(values.get(param.name, param.default_value))
            text = re.sub(rf"\?_{param.name}\b", lambda _m, t=term: t, text)  # type: ignore[misc]
        return text

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "params": [
                {"name": p.name, "type": p.type, "default": p.default_value, "doc": p.doc}
                for p in self.params
            ],
        }


def parse_named_query(path: Path) -> NamedQuery:
    title, description, params = "", [], []
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            if line.strip():
                break
            continue
        body = m["body"].strip()
        if body.startswith("title:"):
            title = body.removeprefix("title:").strip()
        elif body.startswith("description:"):
            description.append(body.removeprefix("description:").strip())
        elif body.startswith("param"):
            p = _PARAM.match(body)
            if not p:
                raise NamedQueryError(
                    f"{path.name}: malformed parameter line {body!r}; "
                    "expected '# param NAME: default — meaning'"
                )
            params.append(Param(p["name"], p["default"].strip(), p["doc"].strip()))
        elif description and body:
            description.append(body)
    if not title:
        raise NamedQueryError(f"{path.name}: the header comment needs a '# title:' line")
    return NamedQuery(path.stem, title, " ".join(description), tuple(params), text, path)


@lru_cache(maxsize=512)
def _parsed(path: str, mtime_ns: int, ctime_ns: int, inode: int, size: int) -> NamedQuery:
    """A query file parsed once per version of it (the server reads the folder on every request).
    A rewrite changes its mtime and ctime, a replacement its inode. (Kernels before Linux 6.13
    stamp files with a clock of a few milliseconds: there, a rewrite of the same size within one
    tick of an earlier read is seen only at the file's next change.)"""
    return parse_named_query(Path(path))


def _parsed_now(path: Path, stat: os.stat_result) -> NamedQuery:
    """The file as it is now, by what ``stat`` says of it."""
    return _parsed(str(path), stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_size)


@dataclass
class NamedQueries:
    """The ``.rq`` files of a folder, read as they are now: a file added, edited or removed is
    seen by the next call, while an unchanged one is not parsed again."""

    directory: Path = field(default_factory=lambda: paths.QUERIES_DIR)

    def files(self) -> list[Path]:
        """The named query files, by name (a file whose name is not a query name is ignored)."""
        if not self.directory.is_dir():
            return []
        return sorted(
            Path(e.path)
            for e in os.scandir(self.directory)
            if e.name.endswith(".rq") and _NAME.match(e.name[:-3])
        )

    def all(self) -> dict[str, NamedQuery]:
        queries = {}
        for path in self.files():
            queries[path.stem] = _parsed_now(path, path.stat())
        return queries

    def get(self, name: str) -> NamedQuery:
        """One query, looking at its file only (a request for a query must not stat the whole
        folder); the list of known names is read only to say why ``name`` is not one."""
        path = self.directory / f"{name}.rq"
        try:
            stat = path.stat() if _NAME.fullmatch(name) else None
        except OSError:
            stat = None
        if stat is None:
            raise UnknownNamedQuery(f"no named query {name!r}; known: {', '.join(self.all())}")
        return _parsed_now(path, stat)
