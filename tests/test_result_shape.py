"""Every place that spells out a result agrees with graph/result_columns.py.

The model, the converter, the SHACL shape, the evidence-table query, the evidence-csv export and
the JSON API each write a result's fields by hand; a field added to one of them and not to the
others is a column that silently stays empty, or a value no check guards.
"""

from __future__ import annotations

import re
import typing

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from api.routes.rest import Result as ApiResult
from graph import paths
from graph.engine import evaluate
from graph.exports.tables import EVIDENCE_COLUMNS
from graph.model import Result
from graph.namespaces import PREFIXES, RKG
from graph.pipeline import validate
from graph.result_columns import COLUMN_NAMES, NOT_COLUMNS, RESULT_COLUMNS
from graph.validate import load_shapes

EVIDENCE_TABLE = paths.ROOT / "queries" / "evidence-table.rq"


@pytest.fixture(scope="module")
def converted() -> ox.Store:
    """The curated sources as the converter writes them, in an Oxigraph store."""
    validation = validate(reason=False)
    assert validation.ok and validation.dataset is not None, validation.problems
    store = ox.Store()
    store.load(validation.dataset.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def test_every_field_of_the_model_is_a_column_or_said_not_to_be() -> None:
    shown = {field for column in RESULT_COLUMNS for field in column.fields}
    assert set(Result.model_fields) - shown - set(NOT_COLUMNS) == set(), (
        "fields of graph/model.py Result with no column"
    )
    assert shown - set(Result.model_fields) == set(), "columns naming a field graph/model.py Result lacks"
    assert set(NOT_COLUMNS) <= set(Result.model_fields)


def test_the_converter_writes_every_column_of_the_curated_results(converted: ox.Store) -> None:
    missing = [
        column.name
        for column in RESULT_COLUMNS
        if column.path is not None
        and not evaluate(converted, f"ASK {{ ?r a rkg:Result ; {column.path} ?value }}")
    ]
    assert missing == [], "columns no converted result has (graph/convert.py Converter.results)"


def test_the_shacl_shape_constrains_every_property_a_column_reads() -> None:
    shapes = load_shapes()
    constrained = {
        path
        for shape in _shapes_of_results(shapes)
        for prop in shapes.objects(shape, SH.property)
        for path in shapes.objects(prop, SH.path)
        if isinstance(path, URIRef)
    }
    first = {column.name: _first_property(column.path) for column in RESULT_COLUMNS if column.path}
    unguarded = {name: str(prop) for name, prop in first.items() if prop not in constrained}
    assert unguarded == {}, "properties of a result that ontology/shapes.ttl shapes:Result does not constrain"


def test_the_shape_allows_exactly_the_qualifiers_the_model_does() -> None:
    shapes = load_shapes()
    allowed = {
        str(item)
        for prop in shapes.objects(URIRef("https://w3id.org/relapsekg/shapes#Result"), SH.property)
        if (prop, SH.path, RKG.qualifier) in shapes
        for values in shapes.objects(prop, SH["in"])
        for item in shapes.items(values)
    }
    annotation = Result.model_fields["qualifier"].annotation
    literal = next(arg for arg in typing.get_args(annotation) if typing.get_origin(arg) is typing.Literal)
    assert allowed == set(typing.get_args(literal))


def test_the_evidence_table_query_selects_the_columns_in_order() -> None:
    text = EVIDENCE_TABLE.read_text(encoding="utf-8")
    select = re.search(r"^SELECT\s+(.*?)\s+WHERE", text, re.S | re.M)
    assert select, "evidence-table.rq has a SELECT ... WHERE"
    assert tuple(re.findall(r"\?(\w+)", select[1])) == COLUMN_NAMES


def test_the_evidence_csv_has_the_columns_in_order() -> None:
    assert tuple(EVIDENCE_COLUMNS) == COLUMN_NAMES


def test_the_json_api_result_has_the_columns_and_its_iri() -> None:
    assert tuple(ApiResult.model_fields) == ("iri", *COLUMN_NAMES)


def _shapes_of_results(shapes: Graph) -> set:
    """Node shapes that judge a result: those targeting rkg:Result or a property only results have."""
    return set(shapes.subjects(SH.targetClass, RKG.Result)) | {
        shape for shape, prop in shapes.subject_objects(SH.targetSubjectsOf) if prop == RKG.range
    }


def _first_property(path: str | None) -> URIRef:
    """The first property of a SPARQL property path written with the project's prefixes."""
    assert path is not None
    found = re.match(r"\(?(\w+):(\w+)", path)
    assert found, path
    return URIRef(str(PREFIXES[found[1]]) + found[2])
