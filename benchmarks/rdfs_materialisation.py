"""What the RDFS materialisation step (graph/reasoning/rdfs.py) costs, on the curated graph and on
synthetic corpora of the sizes where the build skips HermiT.

    .venv/bin/python benchmarks/rdfs_materialisation.py [--sizes 10k 100k] [--repeat 3] [--whole]

For each graph: its converted triples, the triples an RDFS rule can read (what the step loads into
Oxigraph), the seconds of the step (median of --repeat runs) and the entailments it adds.
``--whole`` also times owlrl's RDFS closure over the whole curated graph once, the library route
the step's SPARQL rules were checked against (same entailments, tests/test_query_patterns.py).
The machine's load is printed first: on the shared 2-core VM it moves every figure.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import owlrl

from benchmarks.common import load, machine
from graph.pipeline import validate
from graph.reasoning.pipeline import split
from graph.reasoning.rdfs import rdfs_entailments, relevant


def measure(label: str, sources: Path | None, repeat: int) -> None:
    validation = validate(sources, reason=False, shacl="off")
    if validation.dataset is None:
        print(f"  {label:<14} scale mode: the graph is streamed, never held in memory; not measured")
        return
    ontology, data = split(validation.dataset)
    fed = len(relevant(ontology, data))
    times, added = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        added = len(rdfs_entailments(ontology, data))
        times.append(time.perf_counter() - started)
    print(
        f"  {label:<14} {len(data):>9,} triples  {fed:>8,} read by the rules  "
        f"{statistics.median(times):7.2f} s  {added:>7,} entailments added"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", nargs="*", default=["10k", "100k"], help="synthetic corpus sizes (relapsekg synth)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--whole", action="store_true", help="also owlrl over the whole curated graph, once")
    args = parser.parse_args()
    print(f"{machine()}; load {load()}")
    measure("curated", None, args.repeat)
    if args.whole:
        validation = validate(None, reason=False, shacl="off")
        assert validation.dataset is not None
        ontology, data = split(validation.dataset)
        whole = ontology + data
        started = time.perf_counter()
        owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
            whole
        )
        print(
            f"  {'curated, whole':<14} {len(ontology) + len(data):>9,} triples, owlrl over all of them: "
            f"{time.perf_counter() - started:7.2f} s (owlrl {owlrl.__version__})"
        )
    with tempfile.TemporaryDirectory(prefix="rdfs-bench-") as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / size
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("relapsekg")),
                    "synth",
                    "-o",
                    str(corpus),
                    "--triples",
                    size,
                ],
                check=True,
                capture_output=True,
            )
            measure(f"synthetic {size}", corpus, max(1, args.repeat if size != "100k" else 1))
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
