"""Run HermiT (OWL 2 DL), the copy that owlready2 ships, on an rdflib graph and read what it inferred.

The graph goes to HermiT's command line as N-Triples (``owl_input``: every property's kind
declared, so the OWL API parser inside HermiT reads the same ontology whatever the order of the
triples); HermiT checks consistency, classifies the classes and realises the individuals, and
prints one line per direct subsumption (``SubClassOf``), equivalence (``EquivalentClasses``) and
type (``Type``). Those lines are read as they are (``read_answer``). owlready2's
``sync_reasoner_hermit`` runs the same command but files the answer under one kind per IRI (class,
property or individual, whichever line came last): an IRI that is two of them, as OWL 2 punning
allows, had its superclasses or super-properties written as its types. CiTO puns on purpose
(``?citation cito:hasCitationCharacterization cito:supports`` makes the property cito:supports an
individual too), and every build carried ``cito:supports a cito:cites``. Under OWL 2 punning the
individual and the class (or property) of one IRI are different things, so here a ``Type`` line is
a type and a ``SubClassOf`` line a subsumption, whatever else the IRI is: the individual is given
the types HermiT entails for it, never its namesake's superclasses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

# The datatypes of the OWL 2 datatype map that the graph uses; literals of any other datatype
# (xsd:gYear, xsd:duration) are left out of the reasoner's input, as OWL 2 DL has no meaning for them.
OWL2_DATATYPES = {
    XSD.string,
    XSD.boolean,
    XSD.decimal,
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.double,
    XSD.float,
    XSD.dateTime,
    XSD.anyURI,
    RDF.langString,
    RDF.PlainLiteral,
    RDFS.Literal,
    XSD.int,
    XSD.long,
    XSD.normalizedString,
    XSD.token,
}


class ReasonerUnavailable(RuntimeError):
    """Java (needed by HermiT) is not installed or not runnable."""


class InconsistentOntology(RuntimeError):
    """The ontology and its individuals have no model."""


@dataclass
class HermitAnswer:
    """What HermiT inferred, as IRIs: new direct types, new direct subsumptions, unsatisfiable classes."""

    types: set[tuple[str, str]] = field(default_factory=set)
    subclasses: set[tuple[str, str]] = field(default_factory=set)
    equivalents: set[frozenset[str]] = field(default_factory=set)
    unsatisfiable: set[str] = field(default_factory=set)
    seconds: float = 0.0


def java_executable() -> str | None:
    """The Java launcher HermiT runs on: JAVA_HOME/bin/java, else ``java`` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def require_java() -> str:
    java = java_executable()
    if not java:
        raise ReasonerUnavailable(
            "OWL reasoning needs Java for the HermiT reasoner, and no `java` was found: install the Debian "
            "package default-jre-headless (`make test` does) or set JAVA_HOME"
        )
    return java


@lru_cache(maxsize=1)
def hermit_version() -> str:
    import owlready2

    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    version = "?"
    try:
        with zipfile.ZipFile(jar) as z:
            for line in z.read("META-INF/MANIFEST.MF").decode().splitlines():
                if line.startswith("Implementation-Version:"):
                    version = line.split(":", 1)[1].strip()
    except (OSError, KeyError, zipfile.BadZipFile):
        pass
    return f"HermiT {version} (owlready2 {owlready2.VERSION})"


# HermiT runs are short: the client JIT compiler alone (C1) halves their time, and a serial
# collector suits a single-threaded reasoner.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
JAVA_HEAP_MB = 2000  # owlready2's default


def owl_input(graph: Graph) -> Graph:
    """The graph as OWL 2 DL input: no imports or ontology headers, no literals outside the datatype
    map, and every property's kind stated (``annotation_properties``)."""
    kept = Graph()
    headers = set(graph.subjects(RDF.type, OWL.Ontology))
    for s, p, o in graph:
        if p == OWL.imports or s in headers:
            continue
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            continue
        kept.add((s, p, o))
    annotations = annotation_properties(kept)
    logical = set(kept.subjects(RDF.type, OWL.ObjectProperty)) | set(
        kept.subjects(RDF.type, OWL.DatatypeProperty)
    )
    for s, o in list(kept.subject_objects(RDFS.subPropertyOf)):
        if s in logical and o in annotations:
            kept.remove((s, RDFS.subPropertyOf, o))  # no OWL 2 axiom: see annotation_properties
    for p in annotations:
        kept.add((p, RDF.type, OWL.AnnotationProperty))
    return kept


# Predicates of the OWL 2 RDF mapping itself and the facets of datatype restrictions: never properties
# of the ontology.
_MAPPING_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
# Where a property takes part in a logical axiom (as subject, or as object).
_PROPERTY_AXIOMS_ON = (RDFS.domain, RDFS.range, OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom)
_PROPERTY_AXIOMS_OF = (
    OWL.onProperty,
    OWL.inverseOf,
    OWL.equivalentProperty,
    OWL.propertyDisjointWith,
    RDF.first,
)


def annotation_properties(graph: Graph) -> set[URIRef]:
    """The properties ``graph`` uses without declaring their kind and without naming them in any
    logical axiom, except as the super-property of a declared one: SKOS labels and notes
    (skos:altLabel, skos:definition, skos:inScheme), prov:wasDerivedFrom, dcterms:isPartOf.

    They are declared owl:AnnotationProperty for the reasoner, as SKOS itself declares its labels
    and notes. Left undeclared, the OWL API parser inside HermiT guessed each one's kind from the
    triples it happened to read first, and the guess changed with the order of the N-Triples
    (Python's hash seed): ``rkg:acronym rdfs:subPropertyOf skos:altLabel`` read early made
    skos:altLabel a data property, so ``rkg:PValue skos:altLabel "p-value"`` made the class
    rkg:PValue an individual as well (punning); owlready2, which keeps one kind per IRI, then
    wrote the class's superclasses as its types (``rkg:PValue a rkg:AttributeEstimate``), in one
    build out of four. As an annotation, a label on a class says nothing a class expression can
    read and never makes the class an individual: the ontology's classes are never typed as
    instances of other classes. A declared object or data property stays what it is, and its
    ``rdfs:subPropertyOf`` an annotation property is left out (OWL 2 DL has no such axiom); the
    RDFS step (rdfs.py) still materialises that sub-property's entailments for SPARQL.
    """
    declared = {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in graph.subjects(RDF.type, kind)
    }
    logical = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(
        graph.subjects(RDF.type, OWL.DatatypeProperty)
    )
    in_axioms = (
        {s for p in _PROPERTY_AXIOMS_ON for s in graph.subjects(p)}
        | {o for p in _PROPERTY_AXIOMS_OF for o in graph.objects(None, p)}
        | {s for s, o in graph.subject_objects(RDFS.subPropertyOf) if o in logical}
    )
    used = set(graph.predicates()) | set(graph.objects(None, RDFS.subPropertyOf))
    return {
        p
        for p in used
        if isinstance(p, URIRef)
        and not str(p).startswith(_MAPPING_NAMESPACES)
        and p not in declared
        and p not in in_axioms
    }


def hermit_command(input_file: Path) -> list[str]:
    """HermiT's command line, as owlready2 builds it (classes, properties and individuals classified),
    with the JVM options above."""
    import owlready2

    home = Path(owlready2.__file__).parent / "hermit"
    return [
        require_java(),
        f"-Xmx{JAVA_HEAP_MB}M",
        *JVM_OPTIONS.split(),
        "-cp",
        os.pathsep.join([str(home), str(home / "HermiT.jar")]),
        "org.semanticweb.HermiT.cli.CommandLine",
        "-c",
        "-O",
        "-D",
        "-I",
        input_file.as_uri(),
        "--ignoreUnsupportedDatatypes",
    ]


def run_hermit(graph: Graph) -> HermitAnswer:
    """Consistency, classification and realisation of ``graph``; raises InconsistentOntology."""
    data = owl_input(graph).serialize(format="nt", encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="relapsekg-hermit-") as tmp:
        input_file = Path(tmp) / "input.nt"
        input_file.write_bytes(data)
        started = time.perf_counter()
        try:
            done = subprocess.run(hermit_command(input_file), capture_output=True, check=False)
        except OSError as exc:
            raise ReasonerUnavailable(f"Java could not be started: {exc}") from None
        seconds = time.perf_counter() - started
    output = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0:
        message = (done.stderr or done.stdout).decode("utf-8", errors="replace")
        if "Inconsistent ontology" in output + message:
            raise InconsistentOntology(message.strip())
        raise ReasonerUnavailable(f"HermiT failed (exit status {done.returncode}): {message.strip()}")
    answer = read_answer(output)
    answer.seconds = seconds
    return answer


_HERMIT_LINE = re.compile(r"^(SubClassOf|EquivalentClasses|Type)\( ((?:<[^>]+> ?)+)\)$", re.MULTILINE)
_IRI = re.compile(r"<([^>]+)>")


def read_answer(output: str) -> HermitAnswer:
    """HermiT's printed classification and realisation as a HermitAnswer; lines about properties
    (SubObjectPropertyOf, ...) are left aside, and so are types and superclasses from the OWL
    vocabulary itself (owl:Thing) and owl:Nothing as a subclass of everything."""
    answer = HermitAnswer()
    nothing = str(OWL.Nothing)
    for kind, iris in _HERMIT_LINE.findall(output):
        named = _IRI.findall(iris)
        if kind == "EquivalentClasses":
            if nothing in named:
                answer.unsatisfiable.update(c for c in named if not c.startswith(str(OWL)))
            else:
                answer.equivalents.update(
                    frozenset((a, b)) for i, a in enumerate(named) for b in named[i + 1 :] if a != b
                )
            continue
        if len(named) != 2 or named[0].startswith(str(OWL)):
            continue
        if kind == "SubClassOf":
            answer.subclasses.add((named[0], named[1]))
        elif not named[1].startswith(str(OWL)):
            answer.types.add((named[0], named[1]))
    return answer


def copy_expression(source: Graph, node: Node, target: Graph) -> Node:
    """Copy a class expression (a blank-node structure, RDF lists included) into ``target``.

    OWL 2 DL lets a blank-node expression be used once only, so an expression that is reused
    (in a probe, say) is copied with fresh blank nodes.
    """
    if not isinstance(node, BNode):
        return node
    fresh = BNode()
    for p, o in source.predicate_objects(node):
        target.add((fresh, p, copy_expression(source, o, target)))
    return fresh


def intersection(target: Graph, members: list[Node]) -> Node:
    """A class expression for the intersection of ``members`` (owl:Thing if empty)."""
    if not members:
        return OWL.Thing
    if len(members) == 1:
        return members[0]
    node = BNode()
    target.add((node, RDF.type, OWL.Class))
    target.add((node, OWL.intersectionOf, rdf_list(target, members)))
    return node


def rdf_list(target: Graph, items: list[Node]) -> Node:
    head: Node = RDF.nil
    for item in reversed(items):
        cell = BNode()
        target.add((cell, RDF.first, item))
        target.add((cell, RDF.rest, head))
        head = cell
    return head


def restriction(target: Graph, prop, **kind) -> BNode:
    """``[ a owl:Restriction ; owl:onProperty prop ; owl:<kind> value ]``."""
    node = BNode()
    target.add((node, RDF.type, OWL.Restriction))
    target.add((node, OWL.onProperty, prop))
    for name, value in kind.items():
        target.add((node, OWL[name], value))
    return node


def inverse(target: Graph, prop) -> BNode:
    node = BNode()
    target.add((node, OWL.inverseOf, prop))
    return node


__all__ = [
    "run_hermit",
    "read_answer",
    "hermit_command",
    "HermitAnswer",
    "InconsistentOntology",
    "ReasonerUnavailable",
    "require_java",
    "java_executable",
    "hermit_version",
    "owl_input",
    "annotation_properties",
    "copy_expression",
    "intersection",
    "restriction",
    "inverse",
    "rdf_list",
]
