"""The verify stage: SHACL shapes and the IRI allow-list over the converted graph.

Checks of the YAML (graph/checks.py) see one curated fact at a time; these see the graph the
converter made of them. The IRI check looks at every triple as it streams past
(:class:`IriCheck`); SHACL checks the whole graph in full mode and, in scale mode, the sample of
publication graphs the sink kept (graph/spool.py says when which). Every problem names the file
and line of the node it is about, looked up in the converter's origins (graph/origins.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH

from . import paths
from .convert import PublicationGraph, Triple
from .corpus import Problem
from .origins import Origin, Origins, problem_at
from .vocab import IriAllowList


def load_shapes() -> Graph:
    return Graph().parse(paths.ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def shacl_on_graph(dataset: Dataset, origins: Origins) -> list[Problem]:
    """Full mode's SHACL: the shapes over the whole graph."""
    return shacl_problems(dataset, load_shapes(), origins)


def shacl_problems(dataset: Dataset, shapes: Graph, origins: Origins) -> list[Problem]:
    """Run the SHACL shapes over the union of all graphs; map each focus node to its file."""
    data = Graph()
    for quad in dataset.quads((None, None, None, None)):
        data.add(quad[:3])
    return shacl_graph_problems(data, shapes, origins)


def shacl_graph_problems(
    data: Graph, shapes: Graph, origins: Origins, focus_nodes: set[URIRef] | None = None
) -> list[Problem]:
    """SHACL over ``data``; only violations whose focus node is in ``focus_nodes``, when given (a
    sample carries the types of the entities it points at, which are not themselves checked)."""
    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus_nodes is not None and focus not in focus_nodes:
            continue
        message = "; ".join(str(m) for m in report.objects(result, SH.resultMessage)) or "SHACL violation"
        path = report.value(result, SH.resultPath)
        where = f"<{focus}>" + (f" {_short_iri(path)}" if isinstance(path, URIRef) else "")
        problems.append(problem_at(focus, origins, f"SHACL: {where}: {message}"))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))


def shacl_on_sample(
    sample: list[PublicationGraph], types: dict[URIRef, list[Triple]], ontology: Graph
) -> list[Problem]:
    """Scale mode's SHACL: the sampled graphs, with the ontology and the types of what they point
    at (so ``sh:class`` constraints on references hold); only the sample's own nodes are judged."""
    data = Graph()
    focus: set[URIRef] = set()
    origins: dict[URIRef, Origin] = {}
    for graph in sample:
        for triple in graph.triples:
            data.add(triple)
            focus.add(triple[0])
        origins.update(graph.origins)
    for _s, _p, o in list(data):
        if isinstance(o, URIRef) and o not in focus:
            for triple in types.get(o, ()):
                data.add(triple)
    data += ontology
    return shacl_graph_problems(data, load_shapes(), origins, focus)


def _short_iri(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class IriCheck:
    """No IRI in the graph may come from outside ontology/vocabularies.csv or the printed source.

    Fed every publication graph as the converter yields it (and the ontology), so it sees every
    triple in both modes without the graph being kept; each IRI is judged once."""

    def __init__(self, allow: IriAllowList) -> None:
        self.allow = allow
        self.verdicts: dict[URIRef, bool] = {}
        self.problems: dict[str, Problem] = {}

    def see(self, triples: Iterable[tuple], origins: Origins) -> None:
        verdicts, allows = self.verdicts, self.allow.allows
        for s, p, o in triples:
            for term in (s, p, o):
                if isinstance(term, URIRef):
                    ok = verdicts.get(term)
                    if ok is None:
                        ok = verdicts[term] = allows(str(term))
                        if not ok:
                            self.problems[str(term)] = problem_at(
                                s,
                                origins,
                                f"IRI <{term}> is neither listed in vocabularies.md nor printed in the source",
                            )

    def found(self) -> list[Problem]:
        return list(self.problems.values())


__all__ = [
    "IriCheck",
    "load_shapes",
    "shacl_on_graph",
    "shacl_graph_problems",
    "shacl_on_sample",
    "shacl_problems",
]
