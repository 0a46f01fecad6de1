"""``relapsekg validate``: every check, every problem, no store touched.

Order matters only for usefulness: syntax and schema problems stop a file from being checked
further (there is nothing reliable to check), everything else is reported together.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH

from . import paths
from .checks import run_all
from .convert import Origin, expand_curie, to_dataset
from .corpus import Corpus, Problem, load_corpus
from .vocab import IriAllowList, Vocabulary, default_allow_list, load_ontology

if TYPE_CHECKING:
    from .reasoning import Reasoning


@dataclass
class Validation:
    corpus: Corpus
    dataset: Dataset | None = None
    origins: dict[URIRef, Origin] = field(default_factory=dict)
    reasoning: "Reasoning | None" = None

    @property
    def problems(self) -> list[Problem]:
        return self.corpus.problems

    @property
    def ok(self) -> bool:
        return not self.corpus.problems and self.dataset is not None


def load_shapes() -> Graph:
    return Graph().parse(paths.ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def shacl_problems(dataset: Dataset, shapes: Graph, origins: dict[URIRef, Origin]) -> list[Problem]:
    """Run the SHACL shapes over the union of all graphs; map each focus node to its file."""
    data = Graph()
    for quad in dataset.quads((None, None, None, None)):
        data.add(quad[:3])
    conforms, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                         allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        message = "; ".join(str(m) for m in report.objects(result, SH.resultMessage)) or "SHACL violation"
        path = report.value(result, SH.resultPath)
        origin = _origin_of(focus, origins)
        where = f"<{focus}>" + (f" {_short_iri(path)}" if isinstance(path, URIRef) else "")
        problems.append(Problem(origin.file, origin.line, f"SHACL: {where}: {message}"))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))


def _origin_of(node: object, origins: dict[URIRef, Origin]) -> Origin:
    if isinstance(node, URIRef):
        iri = str(node)
        for candidate in (iri, iri.split("#")[0], iri.rsplit("/", 1)[0], iri.split("/any-of-")[0]):
            if URIRef(candidate) in origins:
                return origins[URIRef(candidate)]
    return Origin("(graph)", None)


def _short_iri(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def iri_problems(dataset: Dataset, allow: IriAllowList, origins: dict[URIRef, Origin]) -> list[Problem]:
    """No IRI in the graph may come from outside vocabularies.md or the printed source."""
    seen: dict[str, Problem] = {}
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        for term in (s, p, o):
            if isinstance(term, URIRef) and not allow.allows(str(term)) and str(term) not in seen:
                origin = _origin_of(s, origins)
                seen[str(term)] = Problem(origin.file, origin.line,
                                          f"IRI <{term}> is neither listed in vocabularies.md nor printed in the source")
    return list(seen.values())


def validate_sources(sources_dir: Path | None = None, allow: IriAllowList | None = None,
                     reason: bool = True) -> Validation:
    corpus = load_corpus(sources_dir)
    validation = Validation(corpus)
    ontology = load_ontology()
    vocab = Vocabulary.from_ontology(ontology)
    allow = allow or default_allow_list()
    run_all(corpus, vocab, allow, expand_curie)
    if corpus.problems:
        return validation
    dataset, origins = to_dataset(corpus, vocab, ontology)
    corpus.problems.extend(shacl_problems(dataset, load_shapes(), origins))
    corpus.problems.extend(iri_problems(dataset, allow, origins))
    validation.dataset, validation.origins = dataset, origins
    if reason and not corpus.problems:
        # OWL 2 DL reasoning (graph/reasoning): consistency with the entities involved, risk rules
        # that overlap or never apply; its inferred facts are kept for the build to store.
        from .reasoning import reason as run_reasoner

        validation.reasoning = run_reasoner(dataset, origins)
        corpus.problems.extend(validation.reasoning.problems)
    return validation


__all__ = ["validate_sources", "Validation"]
