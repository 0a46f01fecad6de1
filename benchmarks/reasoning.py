"""How long OWL reasoning takes, and what it costs `relapsekg build`.

    .venv/bin/python benchmarks/reasoning.py [--repeat N]

Prints, as medians over N runs: the build with and without the reasoning step; the reasoning
step by phase (rule generation, derived comparisons, the two HermiT runs, writing the inferred
graph); a patient's risk group (one, and a hundred in one run); the error path that names the
entities of an inconsistency. The machine's Java, CPU count and load are printed first, since
HermiT runs in a JVM and its times depend on both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Graph, Literal
from rdflib.namespace import XSD

from graph.build import build
from graph.namespaces import ID, RKG
from graph.pipeline import validate
from graph.reasoning import hermit
from graph.reasoning.patients import Patient, Value, classify, load_tbox
from graph.reasoning.pipeline import (
    closure_assertions,
    derive_comparisons,
    logical,
    materialize,
    reason,
    split,
)
from graph.reasoning.rules import overlap_probes, read_rules, rules_graph, rules_turtle


def timed(fn, repeat: int):
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<52} {seconds:7.2f} s  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is printed)")
    repeat = parser.parse_args().repeat

    java = hermit.require_java()
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"reasoner: {hermit.hermit_version()}; {version}; JVM options {hermit.JVM_OPTIONS!r}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"median of {repeat} run(s)\n"
    )

    print("relapsekg build")
    with tempfile.TemporaryDirectory() as tmp:
        without, _ = timed(lambda: build(Path(tmp) / "a", reason=False), repeat)
        with_, report = timed(lambda: build(Path(tmp) / "b"), repeat)
    row("without the reasoning step", without)
    row("with the reasoning step (default)", with_, f"+{with_ - without:.2f} s, ×{with_ / without:.1f}")
    print(f"  {report.quads} quads; reasoning: {report.manifest['reasoning']}\n")

    print("the reasoning step, by phase")
    validation = validate(reason=False)
    dataset = validation.dataset
    if dataset is None:
        raise SystemExit("the sources do not validate: " + "; ".join(map(str, validation.problems)))
    t_rules, (rules, _) = timed(lambda: read_rules(dataset), repeat)
    text = rules_turtle(rules)
    generated = rules_graph(text)
    ontology, data = split(dataset)
    t_derive, derived = timed(lambda: derive_comparisons(data), repeat)
    tbox = ontology + generated
    abox = logical(data, tbox) + derived + closure_assertions(data)
    probes = Graph()
    overlaps = overlap_probes(rules, generated, probes)
    t_coherence, _ = timed(lambda: hermit.run_hermit(tbox + probes), repeat)
    t_main, answer = timed(lambda: hermit.run_hermit(tbox + abox), repeat)
    t_write, inferred = timed(lambda: materialize(answer, tbox, abox, "benchmark", []), repeat)
    t_total, result = timed(lambda: reason(dataset, validation.origins), repeat)
    row(f"risk rules -> OWL ({len(rules)} rules, {len(generated)} triples)", t_rules)
    row(f"derived comparisons, SPARQL ({len(derived)} triples)", t_derive)
    row(f"HermiT run 1: ontology + {len(overlaps)} rule-overlap probes (coherence)", t_coherence)
    row(
        f"HermiT run 2: ontology + graph, {len(tbox + abox)} triples",
        t_main,
        f"of which the JVM running HermiT {answer.seconds:.2f} s",
    )
    row(f"inferred graph ({len(inferred)} triples, provenance of the sources aside)", t_write)
    row("whole reasoning step", t_total, f"consistent={result.consistent}")
    print()

    print("relapsekg classify --patient (rules from the curated sources, TBox loaded once)")
    tbox_patients, _ = load_tbox(None)
    one = [
        Patient("p", RKG.SiteIsolatedBM, "isolated-bm", Value("=", Decimal(40)), Value("=", Decimal("0.05")))
    ]
    hundred = [
        Patient(
            f"p{i}",
            RKG.SiteIsolatedBM if i % 2 else RKG.SiteIsolatedEM,
            None,
            Value("=", Decimal(10 + i % 40)),
            Value("=", Decimal(i % 3) / 10),
        )
        for i in range(100)
    ]
    t_one, [r] = timed(lambda: classify(one, tbox_patients), repeat)
    t_hundred, results = timed(lambda: classify(hundred, tbox_patients), repeat)
    row(f"one patient (-> {r.risk_group})", t_one)
    row(
        "100 patients in one reasoner run",
        t_hundred,
        f"{len([x for x in results if x.risk_group != 'unknown'])} placed in a risk group",
    )
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "classify",
            "--patient",
            "site=BM",
            "months=40",
            "mrd=0.05",
            "--format",
            "json",
            "--sources",
            str(Path(__file__).resolve().parent.parent / "graph" / "sources"),
        ],
        capture_output=True,
        check=True,
    )
    row("command line, end to end (from the curated sources)", time.perf_counter() - started)
    print()

    print("error path: naming the entities of an inconsistency")
    node = ID["result/aall1331-lr-dfs-blin/p-value"]
    for g in dataset.graphs():
        if (node, RKG.value, None) in g:
            g.set((node, RKG.value, Literal(Decimal("1.089"), datatype=XSD.decimal)))
    t_bad, bad = timed(lambda: reason(dataset, validation.origins), 1)
    row("a p-value of 1.089 found and localized", t_bad, f"{len(bad.problems)} problem(s)")


if __name__ == "__main__":
    main()
