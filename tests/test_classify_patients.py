"""Synthetic patients at and around every threshold of the risk rules, classified by HermiT.

The table is classified in one reasoner run (the Python API); the command line is checked for its
JSON shape, site spellings, CSV input, unknowns and contradictions. Java is required: without it
these tests fail with a message saying what to install.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import paths
from graph.quotes import SourceText
from graph.reasoning.hermit import java_executable
from graph.reasoning.patients import Patient, Value, Vocabulary, classify, load_tbox, parse_patient

ARTICLE = SourceText(paths.texts_dir() / "murphy-aldoss-2024-tp-23-521.txt")
LOW, INTERMEDIATE, HIGH, UNKNOWN = "low", "intermediate", "high", "unknown"
LR, IR, HR = "aall1331-low-risk", "aall1331-intermediate-risk", "aall1331-high-risk"

# site, months, mrd (%), expected risk group, expected rule (None for unknown)
TABLE = [
    # bone marrow relapse: 36 months from diagnosis, MRD 0.1% at end of reinduction
    ("BM", "35", "0.05", HIGH, HR),
    ("BM", "35.9", "0.01", HIGH, HR),
    ("BM", "36", "0.05", LOW, LR),
    ("BM", "36", "0.09", LOW, LR),
    ("BM", "36", "0.1", INTERMEDIATE, IR),
    ("BM", "40", "0.09", LOW, LR),
    ("BM", "40", "0.1", INTERMEDIATE, IR),
    ("BM", "35", "0.1", HIGH, HR),
    ("BM", "35", None, HIGH, HR),
    ("BM", "40", None, UNKNOWN, None),
    ("BM", None, "0.05", UNKNOWN, None),
    ("BM+EM", "35", "0.01", HIGH, HR),
    ("BM+EM", "36", "0.01", LOW, LR),
    ("BM+EM", "36", "0.1", INTERMEDIATE, IR),
    ("bm-pm-em", "36", "0.09", LOW, LR),
    ("bm-pm-em", "35", "0.09", HIGH, HR),
    # isolated extramedullary relapse: 18 months
    ("IEM", "17", "0.05", HIGH, HR),
    ("IEM", "17.9", "0.01", HIGH, HR),
    ("IEM", "18", "0.05", LOW, LR),
    ("IEM", "18", "0.09", LOW, LR),
    ("IEM", "18", "0.1", INTERMEDIATE, IR),
    ("IEM", "30", "0.1", INTERMEDIATE, IR),
    ("IEM", "20", None, UNKNOWN, None),
    ("ICNS", "17", "0.01", HIGH, HR),
    ("ICNS", "18", "0.01", LOW, LR),
    ("itesticular", "24", "0.2", INTERMEDIATE, IR),
    # no site given: the reasoner argues by cases (every first relapse is BM ± EM or IEM)
    (None, "12", None, HIGH, HR),
    (None, "40", "0.2", INTERMEDIATE, IR),
    (None, "24", "0.05", UNKNOWN, None),
    # a group described by ranges
    ("BM", ">=36", "<0.1", LOW, LR),
    ("BM", ">=30", "<0.1", UNKNOWN, None),
    ("IEM", "<18", None, HIGH, HR),
    ("BM+EM", ">40", ">=0.1", INTERMEDIATE, IR),
]


@pytest.fixture(scope="module", autouse=True)
def java() -> None:
    assert java_executable(), (
        "classifying patients needs Java for HermiT and no `java` was found: install the "
        "Debian package default-jre-headless (`make test` does) or set JAVA_HOME"
    )


@pytest.fixture(scope="module")
def tbox(store: Path):
    graph, origin = load_tbox(store)
    assert origin.startswith("the graph built in"), "the rules come from the built store"
    return graph


@pytest.fixture(scope="module")
def table_results(tbox):
    vocabulary = Vocabulary(tbox)
    patients = []
    for i, (site, months, mrd, *_) in enumerate(TABLE):
        fields = [f"{k}={v}" for k, v in (("site", site), ("months", months), ("mrd", mrd)) if v is not None]
        patients.append(parse_patient(fields + [f"id=row{i}"], vocabulary))
    return {r.patient.id: r for r in classify(patients, tbox)}


@pytest.mark.parametrize(
    "row", range(len(TABLE)), ids=[f"{s or 'no-site'}-{m}mo-mrd{d}" for s, m, d, *_ in TABLE]
)
def test_boundary_table(row: int, table_results) -> None:
    site, months, mrd, group, rule = TABLE[row]
    result = table_results[f"row{row}"]
    assert result.error is None, result.error
    assert result.risk_group == group, (
        f"{site} {months} months MRD {mrd}%: {result.risk_group} by {result.rule}"
    )
    assert (result.rule.id if result.rule else None) == rule
    if rule:
        assert result.rule.quotes and all(ARTICLE.find(q) for q in result.rule.quotes), "quotes are verbatim"
    else:
        assert result.note and "no risk rule" in result.note


def test_the_hsct_indication_fires_beside_the_risk_group(table_results) -> None:
    early = {r.id: r.risk_group for r in table_results["row0"].fired}
    assert early == {HR: HIGH, "hsct-indication-first-relapse": None}
    late_high_mrd = {r.id for r in table_results["row4"].fired}
    assert late_high_mrd == {IR, "hsct-indication-first-relapse"}
    late_low_mrd = {r.id for r in table_results["row2"].fired}
    assert late_low_mrd == {LR, "cog-low-risk-first-relapse", "chemotherapy-alone-late-low-mrd"}


def test_site_and_cns_classes_of_a_patient(tbox) -> None:
    vocabulary = Vocabulary(tbox)
    [icns, cns3] = classify(
        [
            parse_patient(["site=ICNS", "months=20", "mrd=0.01", "id=a"], vocabulary),
            parse_patient(["site=bm-em", "months=40", "mrd=0.01", "cns=CNS3", "id=b"], vocabulary),
        ],
        tbox,
    )
    assert {
        "rkg:IsolatedCNSRelapse",
        "rkg:IsolatedExtramedullaryRelapse",
        "rkg:CNSInvolvement",
        "rkg:LateIsolatedExtramedullaryRelapse",
    } <= set(icns.classes)
    assert {
        "rkg:CNS3Disease",
        "rkg:CNSInvolvement",
        "rkg:CombinedRelapse",
        "rkg:LateBoneMarrowRelapse",
    } <= set(cns3.classes)
    assert cns3.risk_group == LOW


def test_a_contradictory_patient_is_reported_and_the_others_classified(tbox) -> None:
    vocabulary = Vocabulary(tbox)
    results = classify(
        [
            parse_patient(["site=BM", "months=40", "mrd=0.05", "cns=CNS3", "id=bad"], vocabulary),
            parse_patient(["site=BM", "months=40", "mrd=0.05", "id=good"], vocabulary),
            parse_patient(["site=IEM", "months=40", "mrd=150", "id=worse"], vocabulary),
        ],
        tbox,
    )
    by_id = {r.patient.id: r for r in results}
    assert by_id["good"].risk_group == LOW and by_id["good"].error is None
    assert "NCIT_C116835 (CNS3)" in by_id["bad"].error and "SiteIsolatedBM" in by_id["bad"].error
    assert "endOfReinductionMRD 150" in by_id["worse"].error


def test_rules_from_the_sources_without_a_store(tmp_path: Path) -> None:
    graph, origin = load_tbox(tmp_path / "no-store")
    assert origin == "the curated sources"
    [result] = classify([Patient("p", None, None, Value("=", Decimal(12)))], graph)
    assert result.risk_group == HIGH


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli():
    from graph.cli import app
    from graph.commands import load_all

    load_all()
    runner = CliRunner()

    def run(*args: str, store: Path | None = None):
        return runner.invoke(app, ["classify", *args, *(["--store", str(store)] if store else [])])

    return run


def test_cli_patient_json_is_the_interface(cli, store: Path) -> None:
    done = cli("--patient", "site=BM", "months=40", "mrd=0.05", "--format", "json", store=store)
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    assert {"risk_group", "rule", "quote"} <= set(answer)
    assert answer["risk_group"] == LOW and answer["rule"] == LR
    assert ARTICLE.find(answer["quote"]), "the quote is verbatim"
    assert "≥ 36 months" in answer["quote"] and "MRD $< 0.1\\%$" in answer["quote"]


@pytest.mark.parametrize(
    "site,months,group",
    [
        ("isolated-bm", "40", LOW),
        ("bm-em", "36", LOW),
        ("iem", "17", HIGH),
        ("icns", "18", LOW),
        ("BM+EM", "20", HIGH),
        ("IBM", "35", HIGH),
    ],
)
def test_cli_accepts_the_site_spellings(cli, store: Path, site: str, months: str, group: str) -> None:
    done = cli("--patient", f"site={site} months={months} mrd=0.05", "--format", "json", store=store)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["risk_group"] == group


def test_cli_unknown_where_the_source_states_no_rule(cli, store: Path) -> None:
    done = cli("--patient", "site=BM", "months=40", "--format", "json", store=store)
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    assert answer["risk_group"] == UNKNOWN and answer["rule"] is None and answer["quote"] is None
    assert "MRD" in answer["note"]


def test_cli_table_names_rule_and_quote(cli, store: Path) -> None:
    done = cli("--patient", "site=IEM", "months=18", "mrd=0.1", store=store)
    assert done.exit_code == 0, done.output
    text = " ".join(done.stdout.split())
    assert "risk group intermediate" in text and IR in text and "End-induction MRD was chosen" in text


def test_cli_patients_from_a_csv(cli, store: Path, tmp_path: Path) -> None:
    csv = tmp_path / "patients.csv"
    csv.write_text(
        "id,site,months,mrd\nann,BM,40,0.05\nben,IEM,17,0.05\ncid,BM+EM,36,0.1\ndee,BM,40,\n",
        encoding="utf-8",
    )
    done = cli("--patients", str(csv), "--format", "json", store=store)
    assert done.exit_code == 0, done.output
    got = {r["patient"]: r["risk_group"] for r in json.loads(done.stdout)}
    assert got == {"ann": LOW, "ben": HIGH, "cid": INTERMEDIATE, "dee": UNKNOWN}


def test_cli_rejects_bad_input_with_a_message(cli, store: Path) -> None:
    done = cli("--patient", "site=lung", "months=40", store=store)
    assert done.exit_code == 2 and "unknown relapse site 'lung'" in done.output
    done = cli("--patient", "site=BM", "months=forty", store=store)
    assert done.exit_code == 2 and "months='forty'" in done.output
    done = cli("--patient", "site=BM", "months=40", "mrd=0.05", "cns=CNS3", store=store)
    assert done.exit_code == 1 and "contradicts the ontology" in done.output
