"""Run HermiT (OWL 2 DL) through owlready2 on an rdflib graph and read back what it inferred.

The graph goes to a fresh owlready2 World as N-Triples; HermiT checks consistency, classifies
the classes and realises the individuals (owlready2's ``sync_reasoner_hermit``); owlready2 keeps
HermiT's answers in an ontology of their own, so what was inferred is exactly what is read back
from there, never mixed with what was asserted.
"""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal
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
_INFERENCES = "http://inferrences/"  # owlready2's ontology for reasoner output (sic)


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
    """The Java launcher owlready2 will use: JAVA_HOME/bin/java, else ``java`` on PATH."""
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
# collector suits a single-threaded reasoner. Passed in JDK_JAVA_OPTIONS, which the `java`
# launcher of Java 9+ reads, because owlready2 builds the command line itself.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@contextmanager
def _jvm_options():
    before = os.environ.get("JDK_JAVA_OPTIONS")
    os.environ["JDK_JAVA_OPTIONS"] = f"{before} {JVM_OPTIONS}" if before else JVM_OPTIONS
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("JDK_JAVA_OPTIONS", None)
        else:
            os.environ["JDK_JAVA_OPTIONS"] = before


def owl_input(graph: Graph) -> Graph:
    """The graph as OWL 2 DL input: no imports or ontology headers, no literals outside the datatype map."""
    out = Graph()
    headers = set(graph.subjects(RDF.type, OWL.Ontology))
    for s, p, o in graph:
        if p == OWL.imports or s in headers:
            continue
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            continue
        out.add((s, p, o))
    return out


def run_hermit(graph: Graph) -> HermitAnswer:
    """Consistency, classification and realisation of ``graph``; raises InconsistentOntology."""
    import owlready2
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit

    owlready2.JAVA_EXE = require_java()
    world = World()
    data = owl_input(graph).serialize(format="nt", encoding="utf-8")
    world.get_ontology("http://relapsekg.invalid/reasoner-input#").load(
        fileobj=io.BytesIO(data), format="ntriples"
    )
    started = time.perf_counter()
    try:
        with _jvm_options():
            sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
    except OwlReadyInconsistentOntologyError as exc:
        raise InconsistentOntology(str(exc)) from None
    except OwlReadyJavaError as exc:
        raise ReasonerUnavailable(f"HermiT failed: {exc}") from None
    except FileNotFoundError as exc:
        raise ReasonerUnavailable(f"Java could not be started: {exc}") from None
    answer = HermitAnswer(seconds=time.perf_counter() - started)
    inferences = world.get_ontology(_INFERENCES)

    def iri(storid: int) -> str | None:
        return world._unabbreviate(storid) if isinstance(storid, int) and storid > 0 else None

    for s, p, o in inferences.get_triples():
        s_iri, p_iri, o_iri = iri(s), iri(p), iri(o)
        if not (s_iri and p_iri and o_iri):
            continue
        if s_iri.rstrip("/") == _INFERENCES.rstrip("/"):
            continue  # owlready2's own bookkeeping ontology
        if p_iri == str(RDF.type):
            if not o_iri.startswith(str(OWL)):  # owl:Thing, owl:NamedIndividual, owl:Ontology
                answer.types.add((s_iri, o_iri))
        elif p_iri == str(RDFS.subClassOf):
            answer.subclasses.add((s_iri, o_iri))
        elif p_iri == str(OWL.equivalentClass):
            if o_iri == str(OWL.Nothing):
                answer.unsatisfiable.add(s_iri)
            elif s_iri == str(OWL.Nothing):
                answer.unsatisfiable.add(o_iri)
            else:
                answer.equivalents.add(frozenset((s_iri, o_iri)))
    world.close()
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
    "HermitAnswer",
    "InconsistentOntology",
    "ReasonerUnavailable",
    "require_java",
    "java_executable",
    "hermit_version",
    "owl_input",
    "copy_expression",
    "intersection",
    "restriction",
    "inverse",
    "rdf_list",
]
