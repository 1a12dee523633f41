"""``manifest.json`` (what a pack was built from and what it holds), ``verify`` and ``diff``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pack.config import NOTEBOOK_DIR
from pack.data import Prepared, sha256_file
from pack.errors import PackError
from pack.params import BuildParameters

MANIFEST = "manifest.json"


def output_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a pack folder except the manifest, by relative path."""
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def write_manifest(folder: Path, params: BuildParameters, prepared: Prepared, out_name: str) -> Path:
    """Write ``manifest.json``: parameters, inputs, packages, notebooks, commit, output hashes."""
    from pack.build.provenance import git_commit, package_versions

    manifest = {
        "manifest_version": 1,
        "parameters": params.as_dict(),
        "police_force": params.police_force,
        "demonstration_data": prepared.quality.demonstration,
        "inputs": [
            {"path": f.path, "input": f.input, "size": f.size, "sha256": f.sha256} for f in prepared.quality.files
        ],
        "data_key": prepared.key,
        "packages": package_versions(),
        "notebook_sources": {p.name: sha256_file(p) for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))},
        "commit": git_commit(),
        "disclosure": disclosure_record(folder, params),
        "outputs": output_hashes(folder),
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def disclosure_record(folder: Path, params: BuildParameters) -> dict:
    """Whether small counts were suppressed, at what threshold, and how many cells per notebook."""
    cells = {}
    for path in sorted((folder / "tables").glob("*-suppression.csv")):
        cells[path.name.removesuffix("-suppression.csv")] = int(pd.read_csv(path)["cells_suppressed"].sum())
    return {
        "public": params.public,
        "suppress_below": params.suppress_below if params.public else None,
        "rule": "counts from 1 to threshold-1 blanked in breakdown tables and charts, with the shares and rates "
        "computed from them; where a column has one such cell, its next-smallest count is blanked too"
        if params.public
        else "none: not a public pack",
        "cells_suppressed": cells,
    }


def read_manifest(folder: Path) -> dict:
    """Read a pack's manifest; a clear error when there is none."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise PackError(f"{folder} is not an evidence pack: {MANIFEST} not found")
    return json.loads(path.read_text(encoding="utf-8"))
