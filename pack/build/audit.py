"""Audit: ``verify`` (rebuild from the manifest and compare) and ``diff`` (two packs' indicators)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from pack.build.manifest import output_hashes, read_manifest
from pack.data import Prepared
from pack.errors import PackError
from pack.params import BuildParameters


def input_differences(manifest: dict, prepared: Prepared) -> list[str]:
    """Inputs added, removed or changed between a manifest and a prepared data folder."""
    before = {f["path"]: f["sha256"] for f in manifest["inputs"]}
    after = {f.path: f.sha256 for f in prepared.quality.files}
    lines = [f"removed: {p}" for p in sorted(set(before) - set(after))]
    lines += [f"added: {p}" for p in sorted(set(after) - set(before))]
    lines += [f"changed: {p}" for p in sorted(set(before) & set(after)) if before[p] != after[p]]
    return lines


def verify(pack_dir: Path, data_dir: str | None = None) -> tuple[bool, list[str]]:
    """Rebuild from the manifest's parameters in a temporary folder and compare output hashes
    (the rebuild's with the manifest's, and the pack's own files with the manifest's).

    Returns ``(verified, differences)``. Refuses (``verified`` False, differences naming inputs)
    when the data folder's files differ from the manifest's.
    """
    from pack.build.run import build
    from pack.data import DATA_DIR_REDIRECT, prepare, resolve_data_dir

    manifest = read_manifest(pack_dir)
    params = BuildParameters(**manifest["parameters"])
    folder = Path(data_dir).resolve() if data_dir else resolve_data_dir(params.data_dir)
    if not folder.is_dir():
        raise PackError(f"data folder {folder} does not exist: give the pack's inputs with --data DIR")
    prepared = prepare(folder, params.police_force)
    changed = input_differences(manifest, prepared)
    if changed:
        return False, ["inputs differ from the manifest:", *changed]
    redirect = os.environ.get(DATA_DIR_REDIRECT)
    os.environ[DATA_DIR_REDIRECT] = json.dumps([params.data_dir, str(folder)])
    try:
        with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
            out = Path(tmp) / Path(pack_dir).name
            result = build(params, output_dir=out, force=True)
            if not result.ok:
                return False, [
                    "the rebuild failed: " + "; ".join(f"{n.stem}: {n.error}" for n in result.notebooks if n.error)
                ]
            rebuilt = output_hashes(out)
    finally:
        if redirect is None:
            os.environ.pop(DATA_DIR_REDIRECT, None)
        else:
            os.environ[DATA_DIR_REDIRECT] = redirect
    expected = manifest["outputs"]
    present = output_hashes(Path(pack_dir))
    diffs = [
        f"edited since the build (hash differs from the manifest): {p}"
        for p in sorted(set(expected) & set(present))
        if expected[p] != present[p]
    ]
    diffs += [f"missing from the pack: {p}" for p in sorted(set(expected) - set(present))]
    diffs += [f"not in the manifest: {p}" for p in sorted(set(present) - set(expected))]
    diffs += [f"differs: {p}" for p in sorted(set(expected) & set(rebuilt)) if expected[p] != rebuilt[p]]
    diffs += [f"missing from rebuild: {p}" for p in sorted(set(expected) - set(rebuilt))]
    diffs += [f"new in rebuild: {p}" for p in sorted(set(rebuilt) - set(expected))]
    return not diffs, diffs


def diff_packs(a: Path, b: Path) -> list[str]:
    """Indicators whose values differ between two packs, per priority, and differing inputs."""
    lines: list[str] = []
    ma, mb = read_manifest(a), read_manifest(b)
    before = {f["path"]: f["sha256"] for f in ma["inputs"]}
    after = {f["path"]: f["sha256"] for f in mb["inputs"]}
    for p in sorted(set(before) | set(after)):
        if before.get(p) != after.get(p):
            state = "added" if p not in before else "removed" if p not in after else "changed"
            lines.append(f"input {state}: {p}")
    if ma["parameters"] != mb["parameters"]:
        for k in sorted(ma["parameters"]):
            if ma["parameters"][k] != mb["parameters"].get(k):
                lines.append(f"parameter {k}: {ma['parameters'][k]} -> {mb['parameters'].get(k)}")
    for table_a in sorted((Path(a) / "tables").glob("*-indicators.csv")):
        table_b = Path(b) / "tables" / table_a.name
        stem = table_a.name.removesuffix("-indicators.csv")
        if not table_b.is_file():
            lines.append(f"{stem}: indicator table missing from {b}")
            continue
        old = pd.read_csv(table_a).set_index("indicator_id")
        new = pd.read_csv(table_b).set_index("indicator_id")
        rows = []
        for ind in old.index.union(new.index):
            for col in ("baseline_value", "current_value"):
                va = old[col].get(ind) if ind in old.index else None
                vb = new[col].get(ind) if ind in new.index else None
                if (pd.isna(va) and pd.isna(vb)) or (
                    va is not None
                    and vb is not None
                    and not pd.isna(va)
                    and not pd.isna(vb)
                    and abs(float(va) - float(vb)) < 1e-9
                ):
                    continue
                delta = "" if pd.isna(va) or pd.isna(vb) else f" (difference {float(vb) - float(va):+,.6g})"
                rows.append(f"  {ind} {col}: {va} -> {vb}{delta}")
        if rows:
            lines.append(f"{stem}:")
            lines.extend(rows)
    return lines
