"""``relapsekg build``'s entry point at the path scripts and tests import it from; the build's
stages are in graph/pipeline.py."""

from __future__ import annotations

from .pipeline import BuildReport, build

__all__ = ["build", "BuildReport"]
