"""Turn the checked corpus into RDF: one named graph per curated file, plus the ontology.

Every fact becomes a node with ``rkg:quote`` and a W3C Web Annotation whose target selects the
quoted characters of the source text (TextQuoteSelector and TextPositionSelector). Results are
n-ary nodes shaped like FHIR Evidence statistics; p-values, confidence intervals and ranges are
attribute-estimate nodes of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .corpus import Corpus, CuratedFile
from .model import ENTITY_SECTIONS, TIMEPOINT, AgeRange, Fact, Publication, Result
from .namespaces import BIBO, CITO, GRAPH, ID, OA, RKG, SCHEMA, entity_iri
from .origins import Origin
from .quotes import Spans
from .searchtext import search_triples
from .vocab import Vocabulary, expand_curie

_TIME_UNITS = {"days": "D", "weeks": "W", "months": "M", "years": "Y"}


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
    g: PublicationGraph, node: URIRef, pairs: Iterable[tuple[URIRef, Any]], datatype: URIRef | None = None
) -> None:
    """Add ``node prop "value"`` for every pair whose value the curator gave (optional fields)."""
    for prop, value in pairs:
        if value is not None and value != "":
            g.add((node, prop, Literal(value, datatype=datatype)))


def add_ages(g: PublicationGraph, node: URIRef, fact: AgeRange) -> None:
    """The ages a study's or cohort's quote gives its patients, in years."""
    add_literals(g, node, ((RKG.minAgeYears, fact.age_min), (RKG.maxAgeYears, fact.age_max)), XSD.decimal)


def graph_iri(f: CuratedFile) -> URIRef:
    return GRAPH[f"source/{f.source.publication.id}"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


Triple = tuple[URIRef, URIRef, URIRef | Literal]


class PublicationGraph:
    """One curated file's named graph, as the converter writes it, with the origin of every node.

    A plain list of triples: the converter only ever adds, so no index is kept while converting
    (most of what an rdflib ``Graph.add`` costs; a 1M-triple corpus converts in a fraction of the
    time), and duplicates are harmless (the store is a set of quads). Every subject written while
    ``at`` names a fact's place in the YAML is recorded as coming from there: the fact's node and
    each node minted for it (its p-value, intervals, conditions, quote annotation and selectors).
    """

    __slots__ = ("iri", "triples", "origins", "at")

    def __init__(self, iri: URIRef, at: Origin) -> None:
        self.iri = iri
        self.triples: list[Triple] = []
        self.origins: dict[URIRef, Origin] = {}
        self.at = at

    def add(self, triple: Triple) -> None:
        self.triples.append(triple)
        if triple[0] not in self.origins:
            self.origins[triple[0]] = self.at

    def __len__(self) -> int:
        return len(self.triples)


@dataclass
class Converter:
    corpus: Corpus
    vocab: Vocabulary
    spans: Spans  # where each fact's quotes are (checks.check_quotes): the annotations' targets
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
        self.current: URIRef | None = None  # the publication of the file being converted

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

    def add_once(self, g: PublicationGraph, triple: Triple) -> None:
        """Describe a node several files share (a journal, the source text) in one graph only, so
        the union default graph does not repeat its triples."""
        if triple not in self._shared:
            self._shared.add(triple)
            g.add(triple)

    def text_iri(self, f: CuratedFile) -> URIRef:
        return ID[f"text/{f.source.text.removesuffix('.txt')}"]

    def annotate(
        self,
        g: PublicationGraph,
        f: CuratedFile,
        path: tuple[Any, ...],
        node: URIRef,
        fact: Fact,
        stated_in_article: bool = True,
    ) -> None:
        """rkg:quote on the fact, and an oa:Annotation selecting the quoted characters; a fact is
        ``dcterms:source`` the article unless it is a publication or a citation (not "stated in" it)."""
        spans = self.spans[(f.name, path)]
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
    def graphs(self) -> Iterator[PublicationGraph]:
        """One named graph per curated file, in the corpus' order, each complete when yielded."""
        for f in self.corpus.files:
            g = PublicationGraph(graph_iri(f), Origin(f.name, f.line_of("publication")))
            self.current = self.node("publication", f.source.publication.id)  # the file's own publication
            self.publication(g, f)
            for section, kind in ENTITY_SECTIONS.items():
                write = SECTION_WRITERS[section]
                for i, item in enumerate(getattr(f.source, section)):
                    node = self.node(kind, item.id)
                    g.at = Origin(f.name, f.line_of(section, i))
                    write(self, g, node, item)
                    self.annotate(g, f, (section, i), node, item)
            for i, citation in enumerate(f.source.citations):
                g.at = Origin(f.name, f.line_of("citations", i))
                self.citation(g, f, i, citation)
            # Each quote's and label's search form (graph/searchtext.py), in the graph of the literal.
            for triple in search_triples(g.triples):
                g.add(triple)
            yield g

    def publication(self, g: PublicationGraph, f: CuratedFile) -> None:
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

    def studies(self, g: PublicationGraph, node: URIRef, s: Any) -> None:
        g.add((node, RDF.type, RKG.Study))
        g.add((node, RDFS.label, Literal(s.name)))
        add_literals(
            g,
            node,
            (
                (RKG.acronym, s.acronym),
                (RKG.phase, s.phase),
                (RKG.population, s.population),
                (RKG.aim, s.aim),
            ),
        )
        add_ages(g, node, s)
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
        self.study_population(g, node, s)

    def cohorts(self, g: PublicationGraph, node: URIRef, c: Any) -> None:
        g.add((node, RDF.type, self.key("cohorts", "kind", c.kind)))
        g.add((node, RDF.type, RKG.Cohort))
        g.add((node, RDFS.label, Literal(c.name)))
        g.add((node, RKG.inStudy, self.entity(["studies"], c.study)))
        if c.parent:
            g.add((node, RKG.partOf, self.entity(["cohorts"], c.parent)))
        if c.arm:
            g.add((node, RKG.arm, self.entity(["cohorts"], c.arm)))
        add_literals(g, node, ((RKG.sampleSize, c.n), (SKOS.definition, c.definition)))
        add_ages(g, node, c)
        if c.site:
            g.add((node, RKG.relapseSite, self.key("cohorts", "site", c.site)))
        for group in c.risk_groups:
            g.add((node, RKG.riskGroup, self.key("cohorts", "risk_groups", group)))
        for i in c.interventions:
            g.add((node, RKG.receives, self.entity(["interventions"], i)))

    def interventions(self, g: PublicationGraph, node: URIRef, i: Any) -> None:
        g.add((node, RDF.type, self.key("interventions", "kind", i.kind)))
        g.add((node, RDF.type, RKG.Intervention))
        g.add((node, RDFS.label, Literal(i.label)))
        if i.code:
            g.add((node, SKOS.exactMatch, URIRef(expand_curie(i.code))))
        for c in i.components:
            g.add((node, RKG.hasComponent, self.entity(["interventions"], c)))
        self.intervention_targets(g, node, i)

    def endpoints(self, g: PublicationGraph, node: URIRef, e: Any) -> None:
        g.add((node, RDF.type, RKG.Endpoint))
        g.add((node, RDFS.label, Literal(e.label)))
        add_literals(g, node, ((SKOS.altLabel, e.abbreviation),))
        if e.code:
            g.add((node, SKOS.exactMatch, URIRef(expand_curie(e.code))))

    def results(self, g: PublicationGraph, node: URIRef, r: Result) -> None:
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

    def findings(self, g: PublicationGraph, node: URIRef, x: Any) -> None:
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
        self.finding_attributions(g, node, x)

    def definitions(self, g: PublicationGraph, node: URIRef, d: Any) -> None:
        g.add((node, RDF.type, RKG.Definition))
        g.add((node, SKOS.prefLabel, Literal(d.term)))
        g.add((node, RDFS.label, Literal(d.term)))
        g.add((node, SKOS.definition, Literal(d.definition)))
        if d.study:
            g.add((node, RKG.aboutStudy, self.entity(["studies"], d.study)))

    def prognostic_factors(self, g: PublicationGraph, node: URIRef, p: Any) -> None:
        g.add((node, RDF.type, RKG.PrognosticFactor))
        g.add((node, RDFS.label, Literal(p.label)))
        add_literals(g, node, ((RKG.effect, p.effect),))

    def risk_rules(self, g: PublicationGraph, node: URIRef, rule: Any) -> None:
        g.add((node, RDF.type, RKG.RiskRule))
        g.add((node, RDFS.label, Literal(rule.label)))
        if rule.risk_group:
            g.add((node, RKG.assignsRiskGroup, self.key("risk_rules", "risk_group", rule.risk_group)))
        if rule.study:
            g.add((node, RKG.aboutStudy, self.entity(["studies"], rule.study)))
        add_literals(g, node, ((RKG.consequence, rule.consequence),))
        if rule.setting:
            g.add((node, RKG.diseaseSetting, self.key("risk_rules", "setting", rule.setting)))
        for prop, treatments in ((RKG.recommends, rule.recommends), (RKG.withholds, rule.withholds)):
            for treatment in treatments:
                g.add((node, prop, self.entity(["interventions"], treatment)))
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

    # -- structured populations, targets and attributions (fields of existing sections) ----------
    def study_population(self, g: PublicationGraph, node: URIRef, s: Any) -> None:
        if s.age_group:
            g.add((node, RKG.ageGroup, self.key("studies", "age_group", s.age_group)))
        for setting in s.settings:
            g.add((node, RKG.diseaseSetting, self.key("studies", "settings", setting)))

    def intervention_targets(self, g: PublicationGraph, node: URIRef, i: Any) -> None:
        for target in i.targets:
            g.add((node, RKG.targets, self.key("interventions", "targets", target)))

    def finding_attributions(self, g: PublicationGraph, node: URIRef, x: Any) -> None:
        for treatment in x.attributed_to:
            g.add((node, RKG.attributedTo, self.entity(["interventions"], treatment)))

    # -- treatment phases, analyses with their predictors, adverse events -----------------------
    def phases(self, g: PublicationGraph, node: URIRef, p: Any) -> None:
        g.add((node, RDF.type, RKG.TreatmentPhase))
        g.add((node, RDFS.label, Literal(p.label)))
        g.add((node, RKG.phaseType, self.key("phases", "phase", p.phase)))
        if p.study:
            g.add((node, RKG.aboutStudy, self.entity(["studies"], p.study)))
        for cohort in p.cohorts:
            g.add((node, RKG.givenTo, self.entity(["cohorts"], cohort)))
        for regimen in p.regimens:
            g.add((node, RKG.phaseOf, self.entity(["interventions"], regimen)))
        if p.follows_regimen:
            g.add((node, RKG.followsRegimen, self.entity(["interventions"], p.follows_regimen)))
        for component in p.components:
            g.add((node, RKG.phaseComponent, self.entity(["interventions"], component)))
        if p.duration:
            g.add((node, RKG.duration, Literal(iso_duration(p.duration), datatype=XSD.duration)))
            g.add((node, RKG.durationText, Literal(p.duration)))
        add_literals(g, node, ((RKG.blocks, p.blocks),))
        if p.after:
            g.add((node, RKG.precededBy, self.entity(["phases"], p.after)))

    def analyses(self, g: PublicationGraph, node: URIRef, a: Any) -> None:
        g.add((node, RDF.type, RKG.Analysis))
        g.add((node, RDFS.label, Literal(a.label)))
        g.add((node, RKG.analysisKind, self.key("analyses", "kind", a.kind)))
        if a.study:
            g.add((node, RKG.aboutStudy, self.entity(["studies"], a.study)))
        if a.cohort:
            g.add((node, RKG.cohort, self.entity(["cohorts"], a.cohort)))
        for endpoint in a.endpoints:
            g.add((node, RKG.endpoint, self.entity(["endpoints"], endpoint)))
        if a.finding:
            g.add((node, RKG.detailsFinding, self.entity(["findings"], a.finding)))
        for i, p in enumerate(a.predictors, start=1):
            predictor = URIRef(f"{node}/predictor-{i}")
            g.add((node, RKG.predictor, predictor))
            g.add((predictor, RDF.type, RKG.Predictor))
            g.add((predictor, RKG.predictorFactor, self.entity(["prognostic_factors"], p.factor)))
            g.add((predictor, RKG.effectDirection, self.key("analyses", "direction", p.direction)))
            g.add((predictor, RKG.factorLevel, Literal(p.level)))
            add_literals(g, predictor, ((RKG.operator, p.operator), (RKG.unit, p.unit)))
            add_literals(g, predictor, ((RKG.threshold, p.threshold),), XSD.decimal)

    def adverse_events(self, g: PublicationGraph, node: URIRef, e: Any) -> None:
        g.add((node, RDF.type, RKG.AdverseEventFinding))
        g.add((node, RDFS.label, Literal(e.statement)))
        g.add((node, RKG.statement, Literal(e.statement)))
        g.add((node, RKG.eventType, self.key("adverse_events", "event", e.event)))
        for prop, section, value in (
            (RKG.intervention, "interventions", e.intervention),
            (RKG.aboutStudy, "studies", e.study),
            (RKG.cohort, "cohorts", e.cohort),
            (RKG.comparedWith, "cohorts", e.comparator),
            (RKG.detailsFinding, "findings", e.finding),
        ):
            if value:
                g.add((node, prop, self.entity([section], value)))
        for prop, field_name in (
            (RKG.eventDirection, "direction"),
            (RKG.eventRate, "rate"),
            (RKG.eventGrade, "grade"),
            (RKG.reversibility, "reversibility"),
        ):
            value = getattr(e, field_name)
            if value:
                g.add((node, prop, self.key("adverse_events", field_name, value)))
        add_literals(g, node, ((RKG.significant, e.significant), (RKG.gradeExtent, e.grade_extent)))

    # -- the article's people, organisations and own declarations ------------------------------
    def organisations(self, g: PublicationGraph, node: URIRef, o: Any) -> None:
        g.add((node, RDF.type, RKG.Organisation))
        g.add((node, RDF.type, PROV.Organization))
        g.add((node, RDFS.label, Literal(o.name)))
        if o.part_of:
            g.add((node, SCHEMA.parentOrganization, self.entity(["organisations"], o.part_of)))
        add_literals(g, node, ((SCHEMA.address, o.address),))

    def people(self, g: PublicationGraph, node: URIRef, p: Any) -> None:
        """A person of the file's publication: ``listed_as`` makes them one of its authors."""
        g.add((node, RDF.type, RKG.Person))
        g.add((node, RDF.type, PROV.Person))
        g.add((node, RDFS.label, Literal(p.name)))
        publication = self.current
        assert publication is not None
        if p.listed_as:
            g.add((publication, RKG.author, node))
            g.add((node, RKG.listedAs, Literal(p.listed_as)))
        if p.corresponding:
            g.add((publication, RKG.correspondingAuthor, node))
        for organisation in p.affiliations:
            g.add((node, SCHEMA.affiliation, self.entity(["organisations"], organisation)))
        add_literals(
            g,
            node,
            ((SCHEMA.honorificSuffix, p.degree), (SCHEMA.email, p.email), (SCHEMA.address, p.address)),
        )

    def declarations(self, g: PublicationGraph, node: URIRef, d: Any) -> None:
        """One declaration about the file's publication; its kind is its class (DeclarationKinds)."""
        g.add((node, RDF.type, self.key("declarations", "kind", d.kind)))
        g.add((node, RDF.type, RKG.Declaration))
        g.add((node, RDFS.label, Literal(d.statement)))
        g.add((node, RKG.statement, Literal(d.statement)))
        assert self.current is not None
        g.add((node, RKG.declarationOf, self.current))
        for person in d.declared_by:
            g.add((node, RKG.declaredBy, self.entity(["people"], person)))
        if d.relationship:
            g.add((node, RKG.relationship, self.key("declarations", "relationship", d.relationship)))
        if d.organisation:
            g.add((node, RKG.organisation, self.entity(["organisations"], d.organisation)))
        add_literals(g, node, ((RKG.noneDeclared, d.none_declared or None), (RKG.printedAs, d.printed_as)))
        if d.document:
            g.add((node, RKG.document, URIRef(d.document)))
        if d.license:
            g.add((node, DCTERMS.license, URIRef(d.license)))
            if d.license_label:
                self.add_once(g, (URIRef(d.license), RDFS.label, Literal(d.license_label)))

    def citation(self, g: PublicationGraph, f: CuratedFile, index: int, c: Any) -> None:
        citing = self.node("publication", f.source.publication.id)
        for number in c.refs:
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


def _amount(value: object, unit: str | None) -> str:
    """ "72.9%", "3.5 years": a number and its unit as the article prints them."""
    return f"{value}{' ' + unit if unit and unit != '%' else unit or ''}"


def _result_label(r: Result) -> str:
    if r.statistic == "p-value":
        value = r.p
    elif r.qualifier == "range" and r.range:
        # Both ends: "20–30%" (a cure rate of 20% to 30%), "25 days–6.6 years" (units differ),
        # "3.5 years–not reached" (an end in words has no unit).
        low, high = r.range.low, r.range.high
        low_unit = (low.unit or r.unit) if low.value is not None else None
        high_unit = (high.unit or r.unit) if high.value is not None else None
        low_text = low.value if low.value is not None else low.text
        high_text = high.value if high.value is not None else high.text
        value = (
            f"{low_text}–{_amount(high_text, high_unit)}"
            if low_unit == high_unit
            else f"{_amount(low_text, low_unit)}–{_amount(high_text, high_unit)}"
        )
    else:
        value = f"{r.qualifier + ' ' if r.qualifier else ''}{_amount(r.value, r.unit)}"
    when = f"{r.timepoint} " if r.timepoint else ""
    return f"{when}{r.endpoint} {r.statistic} {value} ({r.cohort or r.population or r.study})"


# The writer of each entity section of the YAML (graph/model.py's ENTITY_SECTIONS): a new section
# is its pydantic model, its ENTITY_SECTIONS entry, a Converter method and one line here.
SectionWriter = Callable[[Converter, PublicationGraph, URIRef, Any], None]
SECTION_WRITERS: dict[str, SectionWriter] = {
    "studies": Converter.studies,
    "cohorts": Converter.cohorts,
    "interventions": Converter.interventions,
    "endpoints": Converter.endpoints,
    "results": Converter.results,
    "findings": Converter.findings,
    "definitions": Converter.definitions,
    "prognostic_factors": Converter.prognostic_factors,
    "risk_rules": Converter.risk_rules,
    "phases": Converter.phases,
    "analyses": Converter.analyses,
    "adverse_events": Converter.adverse_events,
    "organisations": Converter.organisations,
    "people": Converter.people,
    "declarations": Converter.declarations,
}


def convert(corpus: Corpus, vocab: Vocabulary, spans: Spans) -> Iterator[PublicationGraph]:
    """The checked corpus as RDF, one publication graph at a time (see :class:`PublicationGraph`)."""
    return Converter(corpus, vocab, spans).graphs()


__all__ = ["convert", "PublicationGraph", "SECTION_WRITERS", "expand_pages", "iso_duration"]
