"""The article's own declarations, its authors and the organisations they name are facts of the graph.

What a researcher screening for bias or reuse relies on, asked of the built graph by structure
(kinds, links, controlled keys), each answer carrying the sentence that states it: the article
declares no funding; I.A. (Ibrahim Aldoss) has four relationships with Amgen and one with KiTE
Pharm, the other author none; it was commissioned and externally peer reviewed; its licence is
CC BY-NC-ND 4.0. Breaking one of these facts in a copy of the sources (a quote not verbatim, a
name not as printed, a URL the text does not print) or in the built graph (a competing interest
without its organisation) is refused, naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions
from rdflib import URIRef

from graph.engine import LocalEngine
from graph.named import NamedQueries
from graph.namespaces import ID, RKG
from graph.pipeline import validate
from graph.results import term_text, to_table

ARTICLE_FILE = "murphy-aldoss-2024.yaml"
ARTICLE = f"<{ID}publication/murphy-aldoss-2024>"
LICENCE = "https://creativecommons.org/licenses/by-nc-nd/4.0/"


def select(engine: LocalEngine, sparql: str) -> list[dict[str, str]]:
    solutions = engine.query(sparql)
    assert isinstance(solutions, QuerySolutions)
    return [{k: term_text(v) for k, v in row.items()} for row in to_table(solutions).rows]


# -- funding -------------------------------------------------------------------------------------


def test_the_article_declares_no_funding(engine: LocalEngine) -> None:
    rows = select(
        engine,
        f"""SELECT ?none ?quote (COUNT(?funder) AS ?funders) WHERE {{
              ?d a rkg:FundingStatement ; rkg:declarationOf {ARTICLE} ; rkg:noneDeclared ?none ; rkg:quote ?quote .
              OPTIONAL {{ ?d rkg:organisation ?funder }} }} GROUP BY ?none ?quote""",
    )
    assert rows == [{"none": "true", "quote": "Funding: None.", "funders": "0"}]


# -- competing interests -------------------------------------------------------------------------


def test_ia_is_ibrahim_aldoss_an_author_with_four_relationships_with_amgen_and_one_with_kite(
    engine: LocalEngine,
) -> None:
    rows = select(
        engine,
        f"""SELECT ?person ?listed ?printed ?relationship ?organisation ?quote WHERE {{
              ?d a rkg:CompetingInterest ; rkg:declarationOf {ARTICLE} ; rkg:declaredBy ?p ;
                 rkg:printedAs ?printed ; rkg:relationship/skos:notation ?relationship ;
                 rkg:organisation/rdfs:label ?organisation ; rkg:quote ?quote .
              {ARTICLE} rkg:author ?p . ?p rdfs:label ?person ; rkg:listedAs ?listed }}""",
    )
    assert {r["person"] for r in rows} == {"Ibrahim Aldoss"}
    assert {r["listed"] for r in rows} == {"Aldoss I"}, "the person is the 'Aldoss I' of the author list"
    assert {r["printed"] for r in rows} == {"I.A."}
    by_organisation: dict[str, set[str]] = {}
    for r in rows:
        by_organisation.setdefault(r["organisation"], set()).add(r["relationship"])
        assert r["organisation"] in r["quote"] and r["quote"].startswith("I.A. "), r
    assert by_organisation == {
        "Amgen": {"advisory-board", "consultant", "consulting-fees", "payment"},
        "KiTE Pharm": {"advisory-board"},
    }


def test_the_other_author_lindsey_murphy_declares_no_conflicts(engine: LocalEngine) -> None:
    rows = select(
        engine,
        f"""SELECT ?kind ?printed ?quote WHERE {{
              ?d rkg:declarationOf {ARTICLE} ; rkg:declaredBy ?p ; a ?k ; rkg:quote ?quote .
              ?k skos:inScheme rkg:DeclarationKinds ; skos:notation ?kind .
              ?p rdfs:label "Lindsey Murphy" .
              OPTIONAL {{ ?d rkg:printedAs ?printed }} }}""",
    )
    kinds = {r["kind"] for r in rows}
    assert "competing-interest" not in kinds
    assert "no-competing-interests" in kinds and "disclosure-form" in kinds
    none = next(r for r in rows if r["kind"] == "no-competing-interests")
    assert none == {
        "kind": "no-competing-interests",
        "printed": "The other author",
        "quote": "The other author has no conflicts of interest to declare.",
    }


def test_both_authors_completed_the_icmje_form_at_the_printed_address(engine: LocalEngine) -> None:
    rows = select(
        engine,
        f"""SELECT ?who ?document WHERE {{
              ?d a rkg:DisclosureFormStatement ; rkg:declarationOf {ARTICLE} ;
                 rkg:declaredBy/rdfs:label ?who ; rkg:document ?document }}""",
    )
    assert {r["who"] for r in rows} == {"Lindsey Murphy", "Ibrahim Aldoss"}
    assert {r["document"] for r in rows} == {"https://tp.amegroups.com/article/view/10.21037/tp-23-521/coif"}


# -- provenance, peer review, licence ------------------------------------------------------------


def test_commissioned_by_the_editorial_office_and_externally_peer_reviewed(engine: LocalEngine) -> None:
    commissioned = select(
        engine,
        f"""SELECT ?office WHERE {{ ?d a rkg:CommissioningStatement ; rkg:declarationOf {ARTICLE} ;
                                      rkg:organisation/rdfs:label ?office }}""",
    )
    assert commissioned == [{"office": "editorial office, Translational Pediatrics"}]
    reviewed = select(
        engine,
        f"""SELECT ?file WHERE {{ ?d a rkg:ExternalPeerReviewStatement ; rkg:declarationOf {ARTICLE} ;
                                    rkg:document ?file }}""",
    )
    assert reviewed == [{"file": "https://tp.amegroups.com/article/view/10.21037/tp-23-521/prf"}]


def test_the_licence_is_cc_by_nc_nd_4_by_its_iri_labelled_as_printed(engine: LocalEngine) -> None:
    rows = select(
        engine,
        f"""SELECT ?article_licence ?licence ?label WHERE {{
              {ARTICLE} dcterms:license ?article_licence .
              ?d a rkg:OpenAccessStatement ; rkg:declarationOf {ARTICLE} ; dcterms:license ?licence .
              ?licence rdfs:label ?label }}""",
    )
    assert rows == [
        {
            "article_licence": LICENCE,
            "licence": LICENCE,
            "label": "Creative Commons Attribution-NonCommercial-NoDerivs 4.0 International License (CC BY-NC-ND 4.0)",
        }
    ]


# -- authors and affiliations --------------------------------------------------------------------


def test_authors_with_their_affiliations_and_the_corresponding_author(engine: LocalEngine) -> None:
    rows = select(
        engine,
        f"""SELECT ?author ?unit ?parent WHERE {{
              {ARTICLE} rkg:author ?p . ?p rdfs:label ?author ;
                 schema:affiliation ?u . ?u rdfs:label ?unit .
              OPTIONAL {{ ?u schema:parentOrganization+/rdfs:label ?parent }} }}""",
    )
    assert {(r["author"], r["unit"], r["parent"]) for r in rows} == {
        ("Lindsey Murphy", "Department of Pediatrics", "City of Hope Comprehensive Cancer Center"),
        (
            "Ibrahim Aldoss",
            "Department of Hematology and Hematopoietic Cell Transplantation",
            "Gehr Family Center for Leukemia Research",
        ),
        (
            "Ibrahim Aldoss",
            "Department of Hematology and Hematopoietic Cell Transplantation",
            "City of Hope National Medical Center",
        ),
    }
    corresponding = select(
        engine,
        f"""SELECT ?name ?email ?degree WHERE {{ {ARTICLE} rkg:correspondingAuthor ?p .
              ?p rdfs:label ?name ; schema:email ?email ; schema:honorificSuffix ?degree }}""",
    )
    assert corresponding == [{"name": "Ibrahim Aldoss", "email": "ialdoss@coh.org", "degree": "MD"}]


def test_the_printed_author_list_is_unchanged_and_the_authors_are_prov_agents(engine: LocalEngine) -> None:
    creators = select(engine, f"SELECT ?c WHERE {{ {ARTICLE} dcterms:creator ?c }}")
    assert sorted(r["c"] for r in creators) == ["Aldoss I", "Murphy L"]
    agents = select(
        engine, f"SELECT ?name WHERE {{ {ARTICLE} rkg:author ?p . ?p a prov:Person ; rdfs:label ?name }}"
    )
    assert sorted(r["name"] for r in agents) == ["Ibrahim Aldoss", "Lindsey Murphy"]


# -- broken sources are refused at their line ----------------------------------------------------


def edit(sources: Path, old: str, new: str) -> int:
    """Replace ``old`` once in the article's file; return the line it was on."""
    path = sources / ARTICLE_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {ARTICLE_FILE}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def problems_of(sources: Path) -> list[str]:
    return [str(p) for p in validate(sources, reason=False).problems]


def test_a_declaration_quote_that_is_not_verbatim_is_refused(sources_copy: Path) -> None:
    line = edit(sources_copy, "quote: 'Funding: None.'", "quote: 'Funding: none was received.'")
    problems = problems_of(sources_copy)
    assert any(f"{ARTICLE_FILE}:{line}:" in p and "quote not found verbatim" in p for p in problems), problems


def test_an_organisation_not_named_as_printed_is_refused(sources_copy: Path) -> None:
    line = edit(sources_copy, "name: KiTE Pharm", "name: Kite Pharma")
    problems = problems_of(sources_copy)
    assert any(
        f"{ARTICLE_FILE}:{line}:" in p and "'Kite Pharma' is not printed in its quote" in p for p in problems
    ), problems


def test_a_declarant_named_otherwise_than_the_text_is_refused(sources_copy: Path) -> None:
    edit(sources_copy, "printed_as: The other author", "printed_as: L.M.")
    problems = problems_of(sources_copy)
    assert any("printed_as = 'L.M.' is not printed in its quote" in p for p in problems), problems


def test_a_document_address_the_text_does_not_print_is_refused(sources_copy: Path) -> None:
    line = edit(sources_copy, "/tp-23-521/prf'", "/tp-23-521/review'")
    problems = problems_of(sources_copy)
    assert any(f"{ARTICLE_FILE}:{line}:" in p and "neither printed in the source" in p for p in problems), (
        problems
    )


def test_a_competing_interest_without_organisation_is_refused_before_the_graph(sources_copy: Path) -> None:
    edit(sources_copy, "    relationship: payment\n    organisation: amgen\n", "    relationship: payment\n")
    problems = problems_of(sources_copy)
    assert any("names the organisation and who declares it" in p for p in problems), problems


# -- the shapes guard the built graph ------------------------------------------------------------


PAYMENT = ID["declaration/aldoss-payment-amgen"]
FUNDING = ID["declaration/funding"]
OPEN_ACCESS = ID["declaration/open-access"]

SHAPE_RULES = {
    "a competing interest with no organisation": (
        lambda g: g.remove((PAYMENT, RKG.organisation, None)),
        "names the organisation it is with",
    ),
    "a competing interest with no relationship": (
        lambda g: g.remove((PAYMENT, RKG.relationship, None)),
        "exactly one relationship",
    ),
    "a funding statement that names no funder and declares nothing": (
        lambda g: g.remove((FUNDING, RKG.noneDeclared, None)),
        "either names an organisation or declares none",
    ),
    "an open access statement without licence": (
        lambda g: g.remove((OPEN_ACCESS, URIRef("http://purl.org/dc/terms/license"), None)),
        "exactly one licence",
    ),
}


@pytest.mark.parametrize("rule", list(SHAPE_RULES))
def test_shapes_reject_a_broken_declaration_at_its_line(rule: str, shacl_after) -> None:
    mutate, message = SHAPE_RULES[rule]
    problems = shacl_after(mutate)
    assert any(message in p and p.startswith(f"graph/sources/{ARTICLE_FILE}:") for p in problems), problems


def test_the_declarations_as_curated_conform(shacl_after) -> None:
    assert shacl_after(lambda g: None) == []


# -- the named question ----------------------------------------------------------------------------


def test_the_declarations_question_lists_the_competing_interests_with_their_quotes(
    engine: LocalEngine,
) -> None:
    query = NamedQueries().all()["declarations"]
    interests = select(engine, query.sparql({"kind": "competing-interest"}))
    assert sorted((r["relationship"], r["organisation"]) for r in interests) == [
        ("advisory-board", "Amgen"),
        ("advisory-board", "KiTE Pharm"),
        ("consultant", "Amgen"),
        ("consulting-fees", "Amgen"),
        ("payment", "Amgen"),
    ]
    assert all(r["declared_by"] == "Ibrahim Aldoss" and r["none_declared"] == "false" for r in interests)
    assert all(r["organisation"] in r["quote"] for r in interests)
    funding = select(engine, query.sparql({"kind": "funding"}))
    assert [(r["none_declared"], r["quote"]) for r in funding] == [("true", "Funding: None.")]
    every = select(engine, query.sparql())
    assert {r["kind"] for r in every} == {
        "funding",
        "commissioned",
        "external-peer-review",
        "disclosure-form",
        "competing-interest",
        "no-competing-interests",
        "accountability",
        "open-access",
    }


def test_a_study_aim_not_in_its_quotes_is_refused(sources_copy: Path) -> None:
    """A study's aim is given in the article's words: a paraphrase is refused, with its line."""
    path = sources_copy / "references" / "ref-24-aldoss-2022.yaml"
    text = path.read_text(encoding="utf-8")
    old = "aim: to better understand extramedullary failure of blinatumomab therapy"
    assert old in text, "test setup"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, "aim: to study EM failure", 1), encoding="utf-8")
    problems = problems_of(sources_copy)
    assert any(
        f"ref-24-aldoss-2022.yaml:{line}:" in p and "aim = 'to study EM failure' is not printed" in p
        for p in problems
    ), problems
