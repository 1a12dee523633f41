"""Provenance: package versions, the code commit and the build date printed in a pack."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import subprocess

from pack.config import (
    PROJECT_ROOT,
)

PACKAGES = (
    "pcc-evidence-pack",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "duckdb",
    "pandera",
    "scipy",
    "papermill",
    "nbconvert",
    "nbclient",
    "nbformat",
    "ipykernel",
)


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    """The project's commit (with ``-dirty`` when tracked files are modified), or ``unknown``."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def build_date() -> str | None:
    """The date to print, only when ``SOURCE_DATE_EPOCH`` gives one (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).strftime("%-d %B %Y")
