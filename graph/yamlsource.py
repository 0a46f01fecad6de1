"""Read a curated YAML file into plain Python data while remembering the line of every value.

Curators fix problems in the YAML, so every error must point to a line there. PyYAML's node
graph has the marks; this walks it once, building the data and a ``path -> line`` map.

One convenience is expanded here: a list item ``{each: [...], <common keys>}`` stands for one
item per entry of ``each``, each entry merged over the common keys (so a table of results that
share a study, quote and time point is written once). Lines stay those of the entry, or of the
common key it inherited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

Path_ = tuple[Any, ...]


class SourceError(Exception):
    """A problem in a curated file, with where it is."""

    def __init__(self, file: Path | str, line: int | None, message: str):
        self.file, self.line, self.message = str(file), line, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class LoadedYaml:
    file: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _Walker:
    def __init__(self) -> None:
        self.constructor = SafeConstructor()
        self.lines: dict[Path_, int] = {}

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                out[key] = self.build(value_node, path + (key,))
                self.lines[path + (key,)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            for item_node in node.value:
                items.extend(self._items(item_node, path, len(items)))
            return items
        return self.constructor.construct_object(node, deep=True)

    def _items(self, node: yaml.Node, path: Path_, start: int) -> list[Any]:
        each = _each_node(node)
        if each is None:
            return [self.build(node, path + (start,))]
        common_nodes = [(k, v) for k, v in node.value if k.value != "each"]
        items = []
        for offset, entry in enumerate(each.value):
            index = start + offset
            common = {}
            for key_node, value_node in common_nodes:
                common[key_node.value] = self.build(value_node, path + (index, key_node.value))
            own = self.build(entry, path + (index,))
            if not isinstance(own, dict):
                raise yaml.MarkedYAMLError(
                    problem="each entry of 'each' must be a mapping", problem_mark=entry.start_mark
                )
            items.append({**common, **own})
        return items


def _each_node(node: yaml.Node) -> yaml.SequenceNode | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if key_node.value == "each" and isinstance(value_node, yaml.SequenceNode):
            return value_node
    return None


# libyaml's parser composes the same nodes, with the same marks, about 7x faster than PyYAML's
# own; a large (synthetic) corpus spends most of its loading time here. PyYAML's parser is kept
# for files that fail, so a curator reads the same error message either way.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def load_yaml(file: Path) -> LoadedYaml:
    """Parse ``file``; a syntax error becomes a :class:`SourceError` naming its line."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(file, None, f"not UTF-8 text: {exc}") from exc
    if _FAST_LOADER is not None:
        try:
            return _load(file, text, _FAST_LOADER)
        except yaml.YAMLError:
            pass  # reported below, by the pure-Python parser
    return _load(file, text, yaml.SafeLoader)


def _load(file: Path, text: str, loader: type) -> LoadedYaml:
    try:
        node = yaml.compose(text, Loader=loader)
        walker = _Walker()
        data = walker.build(node, ()) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SourceError(file, line, f"YAML syntax error: {problem}") from exc
    except yaml.YAMLError as exc:
        raise SourceError(file, None, f"YAML error: {exc}") from exc
    return LoadedYaml(file=file, data=data, lines=walker.lines)
