"""``manifest.json``: what a pack was built from and what it holds, written by the build and read
(checked, with a clear message when it is malformed) by ``verify`` and ``diff``.

Schema (``manifest_version`` 2; version 1, without ``format`` and ``claims``, is still read):

- ``format``: ``"pcc-evidence-pack"``, the marker that makes a folder a pack a build may replace;
- ``parameters``: the build parameters (:class:`pack.params.BuildParameters`, with ``plan_file``);
- ``plan``: ``{file, name, sha256}`` of the plan file the pack reports on (absent before plans were files);
- ``inputs``: ``[{path, input, size, sha256}]``, every input file, path relative to the data folder;
- ``claims``: ``{path, sha256}`` of the claims file the build was given, kept in the pack as
  ``claims.csv`` made spreadsheet-safe (:func:`pack_claims`), with ``original_sha256`` and
  ``original_base64``, the bytes the notebooks read (``verify`` rebuilds from them), or ``null``;
- ``source_date_epoch``: the ``SOURCE_DATE_EPOCH`` the build ran with (the cover's date), or ``null``;
- ``data_key``, ``packages``, ``notebook_sources``, ``commit``, ``disclosure``;
- ``outputs``: ``{relative path: sha256}`` of every file of the pack but the manifest.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pandas as pd

from pack.config import CLAIMS_STEM, SUMMARY_STEM
from pack.data import Prepared
from pack.disclosure import RULE as DISCLOSURE_RULE
from pack.errors import PackError, ParameterError
from pack.params import BuildParameters
from pack.pipeline.guard import MANIFEST, PACK_FORMAT, pack_files
from pack.plan import Plan
from pack.store import sha256_bytes, sha256_file

MANIFEST_VERSION = 2
CLAIMS_IN_PACK = "claims.csv"


def output_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a pack folder except the manifest (and JupyterLab's
    ``.ipynb_checkpoints``), by relative path."""
    return {name: sha256_file(folder / name) for name in pack_files(folder) if name != MANIFEST}


def write_manifest(folder: Path, params: BuildParameters, prepared: Prepared, plan: Plan) -> Path:
    """Write ``manifest.json``: parameters, the plan, inputs, claims, packages, notebooks, commit, output hashes."""
    from pack.pipeline.provenance import git_commit, package_versions

    claims = pack_claims(folder)
    manifest = {
        "format": PACK_FORMAT,
        "manifest_version": MANIFEST_VERSION,
        "parameters": params.as_dict(),
        "police_force": params.police_force,
        "plan": {"file": params.plan_file, "name": plan.name, "sha256": sha256_file(plan.file)},
        "demonstration_data": prepared.quality.demonstration,
        "inputs": [
            {"path": f.path, "input": f.input, "size": f.size, "sha256": f.sha256} for f in prepared.quality.files
        ],
        "claims": claims,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH") or None,
        "data_key": prepared.key,
        "packages": package_versions(),
        "notebook_sources": {
            f"{stem}.ipynb": sha256_file(plan.notebook_file(stem)) for stem in (*plan.stems, CLAIMS_STEM, SUMMARY_STEM)
        },
        "commit": git_commit(),
        "disclosure": disclosure_record(folder, params),
        "outputs": output_hashes(folder),
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def pack_claims(folder: Path) -> dict | None:
    """The claims file the notebooks read (``claims.csv`` in ``folder``, the bytes given) rewritten
    spreadsheet-safe like every other CSV of the pack (:func:`pack.safe_csv.write_csv`: no cell runs
    as a formula); returns its manifest record, which keeps the original bytes for ``verify``."""
    from pack.claims import load_claims
    from pack.safe_csv import write_csv

    path = folder / CLAIMS_IN_PACK
    if not path.is_file():
        return None
    original = path.read_bytes()
    write_csv(load_claims(path), path)
    return {
        "path": CLAIMS_IN_PACK,
        "sha256": sha256_file(path),
        "original_sha256": sha256_bytes(original),
        "original_base64": base64.b64encode(original).decode("ascii"),
    }


def original_claims(record: dict) -> bytes | None:
    """The claims file's bytes as given to the build (``None`` for a pack made before they were
    kept: its ``claims.csv`` is those bytes); :class:`ManifestError` when they do not match their hash."""
    text = record.get("original_base64")
    if text is None:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ManifestError(f"{MANIFEST}: the claims file it keeps is not base64 ({exc})") from exc
    if sha256_bytes(data) != record.get("original_sha256"):
        raise ManifestError(f"{MANIFEST}: the claims file it keeps differs from its SHA-256")
    return data


def manifest_epoch(manifest: dict) -> str | None:
    """The ``SOURCE_DATE_EPOCH`` a pack was built with (``None``: none); :class:`ManifestError`
    when the manifest's value is not a whole number of seconds."""
    epoch = manifest.get("source_date_epoch")
    if epoch is not None and not (isinstance(epoch, str) and epoch.isdigit()):
        raise ManifestError(f"{MANIFEST}: source_date_epoch must be a whole number of seconds, found {epoch!r}")
    return epoch


def disclosure_record(folder: Path, params: BuildParameters) -> dict:
    """Whether small counts were suppressed, at what threshold, and how many cells per notebook."""
    cells = {}
    for path in sorted((folder / "tables").glob("*-suppression.csv")):
        cells[path.name.removesuffix("-suppression.csv")] = int(pd.read_csv(path)["cells_suppressed"].sum())
    return {
        "public": params.public,
        "suppress_below": params.suppress_below if params.public else None,
        "rule": DISCLOSURE_RULE if params.public else "none: not a public pack",
        "cells_suppressed": cells,
    }


class ManifestError(PackError):
    """A pack's manifest is missing or malformed."""


def _is_input(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("sha256"), str | None)
        and isinstance(entry.get("input"), str | None)
    )


def read_manifest(folder: Path | str) -> dict:
    """Read a pack's manifest and check its shape; :class:`ManifestError` says what is wrong."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir():
        raise ManifestError(f"{folder} is not a folder: give the folder of an evidence pack")
    if not path.is_file():
        raise ManifestError(f"{folder} is not an evidence pack: {MANIFEST} not found")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not isinstance(manifest, dict):
        raise ManifestError(f"{path}: expected a JSON object, found {type(manifest).__name__}")
    if manifest.get("format", PACK_FORMAT) != PACK_FORMAT or manifest.get("manifest_version") not in (1, 2):
        raise ManifestError(f"{path}: not an evidence pack manifest (format {manifest.get('format')!r})")
    checks = {
        "parameters": isinstance(manifest.get("parameters"), dict),
        "inputs": isinstance(manifest.get("inputs"), list) and all(_is_input(e) for e in manifest["inputs"]),
        "outputs": isinstance(manifest.get("outputs"), dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in manifest["outputs"].items()),
        "claims": manifest.get("claims") is None
        or (isinstance(manifest["claims"], dict) and isinstance(manifest["claims"].get("sha256"), str)),
    }
    broken = [name for name, ok in checks.items() if not ok]
    if broken:
        raise ManifestError(f"{path}: malformed '{broken[0]}' (see the manifest schema in pack/pipeline/manifest.py)")
    return manifest


def manifest_parameters(manifest: dict) -> BuildParameters:
    """The build parameters a manifest records, checked as the command line checks them."""
    try:
        return BuildParameters.create(**manifest["parameters"])
    except TypeError as exc:
        raise ManifestError(f"{MANIFEST}: unexpected build parameters ({exc})") from exc
    except ParameterError as exc:
        raise ManifestError(f"{MANIFEST}: invalid build parameters: {exc}") from exc
