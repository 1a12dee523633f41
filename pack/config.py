"""Paths and fixed names in one place. The plan (its name, force, baseline, publisher, priorities) is a
file, read by :mod:`pack.plan`."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# ``PACK_NOTEBOOK_DIR`` points a build at another folder of the same notebooks (a fork's, or the
# deliberately broken copies the reliability tests use).
NOTEBOOK_DIR = Path(os.environ.get("PACK_NOTEBOOK_DIR") or PROJECT_ROOT / "notebooks")
DEMO_DATA_DIR = PROJECT_ROOT / "data" / "demo"
# The default plan's published facts, which the demonstration data are generated from (a build reads a
# plan's own published folder, pack.plan.Plan.published).
PUBLISHED_DIR = PROJECT_ROOT / "data" / "published"
DEFAULT_BUILD_ROOT = PROJECT_ROOT / "build"
TEMPLATE_DIR = Path(__file__).resolve().parent / "pipeline" / "templates"

DEMO_DATA_NOTICE = "Demonstration data - not official statistics"
# Cells with this tag (how to run the notebook, its own data-quality listing) appear on the notebook's
# own page but not in the combined evidence pack.
NOTEBOOK_ONLY_TAG = "notebook-only"


def cache_root() -> Path:
    """Folder of the content-addressed cache (``PACK_CACHE_DIR`` overrides)."""
    return Path(os.environ.get("PACK_CACHE_DIR", DEFAULT_BUILD_ROOT / ".cache"))


SUMMARY_STEM = "00_strategic_summary"
CLAIMS_STEM = "07_claims_check"
