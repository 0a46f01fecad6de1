"""Turn the checked corpus into RDF: one named graph per curated file, plus the ontology.

Every fact becomes a node with ``rkg:quote`` and a W3C Web Annotation whose target selects the
quoted characters of the source text (TextQuoteSelector and TextPositionSelector). Results are
n-ary nodes shaped like FHIR Evidence statistics; p-values, confidence intervals and ranges are
attribute-estimate nodes of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .corpus import Corpus, CuratedFile
from .model import ENTITY_SECTIONS, TIMEPOINT, Fact, Publication, Result
from .namespaces import BIBO, CITO, GRAPH, ID, OA, ONTOLOGY_GRAPH, RKG, entity_iri
from .quotes import Span
from .searchtext import search_triples
from .vocab import Vocabulary

CURIE_PREFIXES = {
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
}
_TIME_UNITS = {"days": "D", "weeks": "W", "months": "M", "years": "Y"}


def expand_curie(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return CURIE_PREFIXES[prefix] + local if prefix in CURIE_PREFIXES else curie


def iso_duration(timepoint: str) -> str:
    m = TIMEPOINT.match(timepoint)
    assert m, timepoint
    return f"P{m['num']}{_TIME_UNITS[m['unit']]}"


def expand_pages(pages: str) -> tuple[str | None, str | None]:
    """'1541-52' -> ('1541', '1552'): the printed abbreviation expanded, as BIBO and RIS expect."""
    m = re.fullmatch(r"([A-Za-z]*)(\d+)[-–]([A-Za-z]*)(\d+)", pages)
    if not m:
        return pages, None
    letters, start, _, end = m.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return letters + start, letters + end


def add_literals(
    g: Graph, node: URIRef, pairs: Iterable[tuple[URIRef, Any]], datatype: URIRef | None = None
) -> None:
    """Add ``node prop "value"`` for every pair whose value the curator gave (optional fields)."""
    for prop, value in pairs:
        if value is not None and value != "":
            g.add((node, prop, Literal(value, datatype=datatype)))


def graph_iri(f: CuratedFile) -> URIRef:
    return GRAPH[f"source/{f.source.publication.id}"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Origin:
    file: str
    line: int | None


@dataclass
class Converter:
    corpus: Corpus
    vocab: Vocabulary
    dataset: Dataset = field(default_factory=lambda: Dataset(default_union=False))
    origins: dict[URIRef, Origin] = field(default_factory=dict)
    # Each entity's IRI made once: an entity is named wherever it is referred to, and one object
    # for all of them is found by identity in every dict and set downstream (the IRI check, SHACL's
    # graph, the spool), where equal but separate URIRefs are compared in Python.
    _nodes: dict[str, URIRef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = {section: self.corpus.entities(section) for section in ENTITY_SECTIONS}
        self.by_number = {
            n: self.node("publication", f.source.publication.id)
            for n, f in self.corpus.publications_by_number().items()
        }
        article = self.corpus.article()
        self.article = self.node("publication", article.source.publication.id) if article else None
        self._shared: set[tuple] = set()

    # -- helpers -------------------------------------------------------------------------------
    def entity(self, sections: Iterable[str], slug: str) -> URIRef:
        for section in sections:
            if slug in self.ids[section]:
                return self.node(ENTITY_SECTIONS[section], slug)
        raise KeyError(slug)

    def node(self, kind: str, slug: str) -> URIRef:
        iri = entity_iri(kind, slug)
        found = self._nodes.get(iri)
        if found is None:
            found = self._nodes[iri] = URIRef(iri)
        return found

    def key(self, section: str, field_name: str, value: str) -> URIRef:
        iri = self.vocab.resolve(section, field_name, value)
        assert iri is not None, (section, field_name, value)
        return iri

    def add_once(self, g: Graph, triple: tuple) -> None:
        """Describe a node several files share (a journal, the source text) in one graph only, so
        the union default graph does not repeat its triples."""
        if triple not in self._shared:
            self._shared.add(triple)
            g.add(triple)

    def text_iri(self, f: CuratedFile) -> URIRef:
        return ID[f"text/{f.source.text.removesuffix('.txt')}"]

    def annotate(
        self,
        g: Graph,
        f: CuratedFile,
        path: tuple[Any, ...],
        node: URIRef,
        fact: Fact,
        stated_in_article: bool = True,
    ) -> None:
        """rkg:quote on the fact, and an oa:Annotation selecting the quoted characters; a fact is
        ``dcterms:source`` the article unless it is a publication or a citation (not "stated in" it).
        (The graph is only ever added to, so it can also be a plain list sink for large corpora.)"""
        self.origins[node] = Origin(f.name, f.line_of(*path))
        spans: list[Span] = self.corpus.spans.get((f.name, path), [])
        annotation = URIRef(f"{node}#quote")
        g.add((annotation, RDF.type, OA.Annotation))
        g.add((annotation, OA.hasBody, node))
        g.add((annotation, OA.motivatedBy, OA.describing))
        for k, span in enumerate(spans, start=1):
            g.add((node, RKG.quote, Literal(span.exact)))
            target = URIRef(f"{node}#quote-{k}")
            g.add((annotation, OA.hasTarget, target))
            g.add((target, RDF.type, OA.SpecificResource))
            g.add((target, OA.hasSource, self.text_iri(f)))
            quote_sel, pos_sel = URIRef(f"{target}-text"), URIRef(f"{target}-position")
            g.add((target, OA.hasSelector, quote_sel))
            g.add((quote_sel, RDF.type, OA.TextQuoteSelector))
            g.add((quote_sel, OA.exact, Literal(span.exact)))
            g.add((quote_sel, OA.prefix, Literal(span.prefix)))
            g.add((quote_sel, OA.suffix, Literal(span.suffix)))
            g.add((target, OA.hasSelector, pos_sel))
            g.add((pos_sel, RDF.type, OA.TextPositionSelector))
            g.add((pos_sel, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
            g.add((pos_sel, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
        if fact.note:
            g.add((node, RKG.note, Literal(fact.note)))
        if self.article is not None and stated_in_article:
            g.add((node, DCTERMS.source, self.article))
        for number in getattr(fact, "references", []):
            g.add((node, PROV.wasDerivedFrom, self.by_number[number]))

    # -- sections ------------------------------------------------------------------------------
    def convert(self) -> Dataset:
        self.dataset.bind_namespaces = "core"
        for f in self.corpus.files:
            g = self.dataset.graph(graph_iri(f))
            self.publication(g, f)
            for section in ENTITY_SECTIONS:
                convert_item = getattr(self, section)
                for i, item in enumerate(getattr(f.source, section)):
                    node = self.node(ENTITY_SECTIONS[section], item.id)
                    convert_item(g, node, item)
                    self.annotate(g, f, (section, i), node, item)
            for i, citation in enumerate(f.source.citations):
                self.citation(g, f, i, citation)
            # Each quote's and label's search form (graph/searchtext.py), in the graph of the literal.
            for triple in search_triples(list(getattr(g, "triples", g))):
                g.add(triple)
        return self.dataset

    def publication(self, g: Graph, f: CuratedFile) -> None:
        pub = f.source.publication
        node = self.node("publication", pub.id)
        g.add((node, RDF.type, self.key("publication", "kind", pub.kind)))
        g.add((node, RDF.type, RKG.Publication))
        g.add((node, DCTERMS.title, Literal(pub.title)))
        g.add((node, DCTERMS.issued, Literal(str(pub.year), datatype=XSD.gYear)))
        g.add((node, DCTERMS.bibliographicCitation, Literal(" ".join(pub.quotes[0].split()))))
        if pub.reference_number is not None:
            g.add((node, RKG.referenceNumber, Literal(pub.reference_number)))
        authors = URIRef(f"{node}#authors")
        g.add((node, BIBO.authorList, authors))
        g.add((authors, RDF.type, RDF.Seq))
        for position, name in enumerate(pub.authors, start=1):
            g.add((node, DCTERMS.creator, Literal(name)))
            g.add((authors, RDF[f"_{position}"], Literal(name)))
        g.add((node, RKG.etAl, Literal(pub.et_al)))
        if pub.journal:
            journal = ID[f"journal/{slugify(pub.journal)}"]
            g.add((node, RKG.journal, journal))
            self.add_once(g, (journal, RDF.type, RKG.Journal))
            self.add_once(g, (journal, DCTERMS.title, Literal(pub.journal)))
        add_literals(
            g,
            node,
            (
                (BIBO.volume, pub.volume),
                (BIBO.issue, pub.issue),
                (RKG.pages, pub.pages),
                (RKG.articleNumber, pub.article_number),
                (RKG.erratum, pub.erratum),
            ),
        )
        if pub.pages:
            start, end = expand_pages(pub.pages)
            g.add((node, BIBO.pageStart, Literal(start)))
            if end:
                g.add((node, BIBO.pageEnd, Literal(end)))
        if pub.doi:
            g.add((node, BIBO.doi, Literal(pub.doi)))
            g.add((node, RDFS.seeAlso, URIRef(f"https://doi.org/{pub.doi}")))
        if pub.url:
            g.add((node, RDFS.seeAlso, URIRef(pub.url)))
        if pub.comments_on is not None:
            g.add((node, RKG.commentsOn, self.by_number[pub.comments_on]))
        add_literals(
            g,
            node,
            (
                (DCTERMS.dateSubmitted, pub.submitted),
                (DCTERMS.dateAccepted, pub.accepted),
                (DCTERMS.available, pub.published_online),
            ),
            XSD.date,
        )
        for keyword in pub.keywords:
            g.add((node, DCTERMS.subject, Literal(keyword)))
        if pub.license:
            g.add((node, DCTERMS.license, URIRef(pub.license)))
        text = self.text_iri(f)
        self.add_once(g, (text, RDF.type, RKG.SourceText))
        if pub.reference_number is None:
            g.add((text, RKG.textOf, node))
        self.annotate(g, f, ("publication",), node, pub, stated_in_article=False)
        g.add((node, RDFS.label, Literal(_publication_label(pub))))

    def studies(self, g: Graph, node: URIRef, s: Any) -> None:
        g.add((node, RDF.type, RKG.Study))
        g.add((node, RDFS.label, Literal(s.name)))
        add_literals(
            g, node, ((RKG.acronym, s.acronym), (RKG.phase, s.phase), (RKG.population, s.population))
        )
        add_literals(g, node, ((RKG.minAgeYears, s.age_min), (RKG.maxAgeYears, s.age_max)), XSD.decimal)
        for d in s.design:
            g.add((node, RKG.design, self.key("studies", "design", d)))
        if s.condition:
            g.add((node, RKG.condition, self.key("studies", "condition", s.condition)))
        for i in s.interventions:
            g.add((node, RKG.studiesIntervention, self.entity(["interventions"], i)))
        for i in s.comparators:
            g.add((node, RKG.comparatorIntervention, self.entity(["interventions"], i)))
        if s.part_of:
            g.add((node, RKG.partOf, self.entity(["studies"], s.part_of)))
        for number in s.references:
            g.add((node, RKG.reportedIn, self.by_number[number]))

    def cohorts(self, g: Graph, node: URIRef, c: Any) -> None:
        g.add((node, RDF.type, self.key("cohorts", "kind", c.kind)))
        g.add((node, RDF.type, RKG.Cohort))
        g.add((node, RDFS.label, Literal(c.name)))
        g.add((node, RKG.inStudy, self.entity(["studies"], c.study)))
        if c.parent:
            g.add((node, RKG.partOf, self.entity(["cohorts"], c.parent)))
        if c.arm:
            g.add((node, RKG.arm, self.entity(["cohorts"], c.arm)))
        add_literals(g, node, ((RKG.sampleSize, c.n), (SKOS.definition, c.definition)))
        if c.site:
            g.add((node, RKG.relapseSite, self.key("cohorts", "site", c.site)))
        for i in c.interventions:
            g.add((node, RKG.receives, self.entity(["interventions"], i)))

    def interventions(self, g: Graph, node: URIRef, i: Any) -> None:
        g.add((node, RDF.type, self.key("interventions", "kind", i.kind)))
        g.add((node, RDF.type, RKG.Intervention))
        g.add((node, RDFS.label, Literal(i.label)))
        if i.code:
            g.add((node, SKOS.exactMatch, URIRef(expand_curie(i.code))))
        for c in i.components:
            g.add((node, RKG.hasComponent, self.entity(["interventions"], c)))
        add_literals(g, node, ((RKG.targets, i.targets),))

    def endpoints(self, g: Graph, node: URIRef, e: Any) -> None:
        g.add((node, RDF.type, RKG.Endpoint))
        g.add((node, RDFS.label, Literal(e.label)))
        add_literals(g, node, ((SKOS.altLabel, e.abbreviation),))
        if e.code:
            g.add((node, SKOS.exactMatch, URIRef(expand_curie(e.code))))

    def results(self, g: Graph, node: URIRef, r: Result) -> None:
        g.add((node, RDF.type, RKG.Result))
        g.add((node, RDFS.label, Literal(_result_label(r))))
        g.add((node, RKG.statisticType, self.key("results", "statistic", r.statistic)))
        g.add((node, RKG.endpoint, self.entity(["endpoints"], r.endpoint)))
        for prop, section, value in (
            (RKG.aboutStudy, "studies", r.study),
            (RKG.cohort, "cohorts", r.cohort),
            (RKG.comparator, "cohorts", r.comparator),
            (RKG.intervention, "interventions", r.intervention),
        ):
            if value:
                g.add((node, prop, self.entity([section], value)))
        add_literals(
            g,
            node,
            (
                (RKG.population, r.population),
                (RKG.unit, r.unit),
                (RKG.qualifier, r.qualifier),
                (RKG.sampleSize, r.n),
            ),
        )
        if r.timepoint:
            g.add((node, RKG.timepoint, Literal(iso_duration(r.timepoint), datatype=XSD.duration)))
            g.add((node, RKG.timepointText, Literal(r.timepoint)))
        if r.value is not None:
            g.add((node, RKG.value, Literal(r.value, datatype=XSD.decimal)))
            g.add((node, RKG.printed, Literal(str(r.value))))
        if r.p is not None:
            qualifier, number = r.p_parts()
            p = URIRef(f"{node}/p-value")
            g.add((node, RKG.pValue, p))
            g.add((p, RDF.type, RKG.PValue))
            g.add((p, RKG.value, Literal(number, datatype=XSD.decimal)))
            g.add((p, RKG.printed, Literal(r.p)))
            if qualifier:
                g.add((p, RKG.qualifier, Literal(qualifier)))
        for prop, cls, suffix, interval in (
            (RKG.confidenceInterval, RKG.ConfidenceInterval, "ci", r.ci),
            (RKG.range, RKG.Range, "range", r.range),
        ):
            if interval is None:
                continue
            est = URIRef(f"{node}/{suffix}")
            g.add((node, prop, est))
            g.add((est, RDF.type, cls))
            if interval.level is not None:
                g.add(
                    (
                        est,
                        RKG.level,
                        Literal(
                            interval.level / 100 if interval.level > 1 else interval.level,
                            datatype=XSD.decimal,
                        ),
                    )
                )
            for bound, value_prop, text_prop, unit_prop in (
                ("low", RKG.low, RKG.lowText, RKG.lowUnit),
                ("high", RKG.high, RKG.highText, RKG.highUnit),
            ):
                b = getattr(interval, bound)
                if b.value is not None:
                    g.add((est, value_prop, Literal(b.value, datatype=XSD.decimal)))
                    g.add((est, RKG.printed if bound == "low" else RKG.printedHigh, Literal(str(b.value))))
                if b.text:
                    g.add((est, text_prop, Literal(b.text)))
                if b.unit or r.unit:
                    g.add((est, unit_prop, Literal(b.unit or r.unit)))

    def findings(self, g: Graph, node: URIRef, x: Any) -> None:
        g.add((node, RDF.type, RKG.Finding))
        g.add((node, RDFS.label, Literal(x.statement)))
        g.add((node, RKG.statement, Literal(x.statement)))
        g.add((node, RKG.subject, self.entity(["interventions", "studies", "cohorts"], x.subject)))
        g.add((node, RKG.topic, self.key("findings", "topic", x.topic)))
        g.add((node, RKG.direction, self.key("findings", "direction", x.direction)))
        for prop, section, value in (
            (RKG.aboutStudy, "studies", x.study),
            (RKG.cohort, "cohorts", x.cohort),
            (RKG.endpoint, "endpoints", x.endpoint),
        ):
            if value:
                g.add((node, prop, self.entity([section], value)))

    def definitions(self, g: Graph, node: URIRef, d: Any) -> None:
        g.add((node, RDF.type, RKG.Definition))
        g.add((node, SKOS.prefLabel, Literal(d.term)))
        g.add((node, RDFS.label, Literal(d.term)))
        g.add((node, SKOS.definition, Literal(d.definition)))
        if d.study:
            g.add((node, RKG.aboutStudy, self.entity(["studies"], d.study)))

    def prognostic_factors(self, g: Graph, node: URIRef, p: Any) -> None:
        g.add((node, RDF.type, RKG.PrognosticFactor))
        g.add((node, RDFS.label, Literal(p.label)))
        add_literals(g, node, ((RKG.effect, p.effect),))

    def risk_rules(self, g: Graph, node: URIRef, rule: Any) -> None:
        g.add((node, RDF.type, RKG.RiskRule))
        g.add((node, RDFS.label, Literal(rule.label)))
        if rule.risk_group:
            g.add((node, RKG.assignsRiskGroup, self.key("risk_rules", "risk_group", rule.risk_group)))
        if rule.study:
            g.add((node, RKG.aboutStudy, self.entity(["studies"], rule.study)))
        add_literals(g, node, ((RKG.consequence, rule.consequence),))
        for i, conjunction in enumerate(rule.any_of, start=1):
            cset = URIRef(f"{node}/any-of-{i}")
            g.add((node, RKG.anyOf, cset))
            g.add((cset, RDF.type, RKG.ConditionSet))
            for j, c in enumerate(conjunction, start=1):
                cond = URIRef(f"{cset}/condition-{j}")
                g.add((cset, RKG.allOf, cond))
                g.add((cond, RDF.type, RKG.Condition))
                g.add((cond, RKG.factor, self.entity(["prognostic_factors"], c.factor)))
                for site in c.site:
                    g.add((cond, RKG.siteIn, self.key("risk_rules", "site", site)))
                add_literals(g, cond, ((RKG.operator, c.operator), (RKG.unit, c.unit)))
                add_literals(g, cond, ((RKG.threshold, c.threshold),), XSD.decimal)

    def citation(self, g: Graph, f: CuratedFile, index: int, c: Any) -> None:
        citing = self.node("publication", f.source.publication.id)
        for k, number in enumerate(c.refs, start=1):
            cited = self.by_number[number]
            node = ID[f"citation/{f.source.publication.id}-{index + 1}-{number}"]
            g.add((node, RDF.type, CITO.Citation))
            g.add((node, CITO.hasCitingEntity, citing))
            g.add((node, CITO.hasCitedEntity, cited))
            g.add((node, RKG.citedFor, Literal(c.cited_for)))
            g.add((node, RDFS.label, Literal(f"cites ref {number}: {c.cited_for}")))
            for intent in c.intent:
                prop = self.key("citations", "intent", intent)
                g.add((node, CITO.hasCitationCharacterization, prop))
                g.add((citing, prop, cited))
            g.add((citing, CITO.cites, cited))
            self.annotate(g, f, ("citations", index), node, c, stated_in_article=False)


def _publication_label(pub: Publication) -> str:
    first = pub.authors[0].split()[0] if pub.authors else pub.title.split(".")[0]
    suffix = (
        " et al."
        if pub.et_al or len(pub.authors) > 2
        else (" & " + pub.authors[1].split()[0] if len(pub.authors) == 2 else "")
    )
    number = f"[{pub.reference_number}] " if pub.reference_number else ""
    return f"{number}{first}{suffix} {pub.year}"


def _result_label(r: Result) -> str:
    value = (
        r.p
        if r.statistic == "p-value"
        else f"{r.qualifier + ' ' if r.qualifier and r.qualifier != 'range' else ''}{r.value}{' ' + r.unit if r.unit and r.unit != '%' else r.unit or ''}"
    )
    when = f"{r.timepoint} " if r.timepoint else ""
    return f"{when}{r.endpoint} {r.statistic} {value} ({r.cohort or r.population or r.study})"


def add_ontology(dataset: Dataset, ontology: Graph) -> None:
    g = dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology:
        g.add(triple)


def to_dataset(corpus: Corpus, vocab: Vocabulary, ontology: Graph) -> tuple[Dataset, dict[URIRef, Origin]]:
    converter = Converter(corpus, vocab)
    dataset = converter.convert()
    add_ontology(dataset, ontology)
    return dataset, converter.origins


__all__ = ["to_dataset", "expand_curie", "expand_pages", "iso_duration", "Origin"]
