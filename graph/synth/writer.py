"""Writing synthetic files byte-for-byte reproducibly: fixed key order, fixed width, LF endings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's emitter when present (about 10x faster); both emit the same text for this data
# (plain scalars, flow-style leaf mappings), which the determinism test checks on this machine.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_yaml(path: Path, data: dict[str, Any], seed: int) -> int:
    header = (
        f"# Synthetic publication written by `relapsekg synth --seed {seed}`: invented data in the layout\n"
        "# of graph/sources, for scale tests and benchmarks. Not clinical evidence.\n"
    )
    body = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=None
    )
    return _write(path, header + body)


def write_text(path: Path, text: str) -> int:
    return _write(path, text)


def _write(path: Path, text: str) -> int:
    raw = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return len(raw)
