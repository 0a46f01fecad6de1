"""One entry point for "the view these parameters ask for", shared by ``relapsekg viz`` and
``GET /graph``: the whole graph, a node's neighbourhood (``focus``, ``depth``) or a named
question's answer subgraph (``question`` and its parameters)."""

from __future__ import annotations

from . import extract
from .extract import View


def steps(
    focus: str | None = None,
    depth: int = extract.DEFAULT_DEPTH,
    question: str | None = None,
    params: dict[str, str] | None = None,
) -> extract.Steps[View]:
    """Raises ValueError (bad focus), NamedQueryError (unknown question or parameter)."""
    if focus and question:
        raise ValueError("ask for either a focus node or a question, not both")
    if question:
        return extract.question(question, params or {})
    if params:
        raise ValueError(f"unknown parameter(s) {', '.join(sorted(params))}: parameters belong to a question")
    if focus:
        return extract.neighbourhood(extract.normalise_focus(focus), depth)
    return extract.whole()


def title(view: View) -> str:
    if view.mode == "question" and view.answer:
        return view.answer.title
    if view.mode == "focus" and view.focus:
        node = view.subgraph.nodes.get(view.focus)
        name = node.full if node else view.focus
        return f"Around {name} (depth {view.depth})"
    return "The evidence graph"


def detail_iris(view: View) -> list[str] | None:
    """Which nodes' details a self-contained file embeds (None: all of them, read in one go)."""
    return None if view.mode == "all" and view.complete else sorted(view.subgraph.nodes)


def question_menu() -> list[dict[str, str]]:
    """The named questions a reader can draw (every parameter has a default, so all of them)."""
    from ..named import NamedQueries

    return [
        {"name": q.name, "title": q.title}
        for q in sorted(NamedQueries().all().values(), key=lambda q: q.title)
    ]
