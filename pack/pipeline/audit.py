"""Audit: ``verify`` (rebuild from the manifest and compare) and ``diff`` (two packs' indicators).

``verify`` is exact and confined: it re-hashes every input the manifest lists (never the memo),
reads only those files - relative paths under the data folder; ``..``, absolute paths and symbolic
links out of the folder are refused - and rebuilds in a private, empty cache, with the claims file
the pack was built with. It never says ``verified`` for numbers the inputs do not give.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from pack.config import DEMO_DATA_DIR, PROJECT_ROOT
from pack.data import listed_inputs
from pack.errors import DataError, PackError
from pack.pipeline.manifest import (
    CLAIMS_IN_PACK,
    ManifestError,
    manifest_epoch,
    manifest_parameters,
    original_claims,
    output_hashes,
    read_manifest,
)
from pack.store import sha256_file


def manifest_data_folder(data_dir: str) -> Path:
    """The data folder a manifest names: absolute as written, a relative one from the project
    root (the build records it so; see :func:`pack.pipeline.request.data_parameter`)."""
    path = Path(data_dir)
    return path if path.is_absolute() else PROJECT_ROOT / path


def input_differences(manifest: dict, folder: Path) -> list[str]:
    """Inputs the manifest lists that are missing from ``folder`` or differ from it, each file
    hashed afresh (the memo is never consulted). Raises :class:`DataError` for a listed path that
    leaves the folder. Reads nothing but the listed files."""
    files = listed_inputs(folder, manifest["inputs"])
    expected = {f["path"]: f["sha256"] for f in manifest["inputs"]}

    def state(found) -> str | None:  # noqa: ANN001
        if not found.path.is_file():
            return f"missing: {found.relative}"
        return None if sha256_file(found.path) == expected[found.relative] else f"changed: {found.relative}"

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
        return [line for line in pool.map(state, files) if line]


def plan_differences(manifest: dict, params_plan_file: str) -> list[str]:
    """The plan file the manifest names, if it differs from the one the pack was built with
    (``changed: plans/x.toml``); nothing for a pack made before plans were files."""
    from pack.plan import plan_path

    record = manifest.get("plan")
    if not isinstance(record, dict):
        return []
    path = plan_path(params_plan_file)
    if not path.is_file():
        return [f"missing: the plan file {params_plan_file}"]
    return [] if sha256_file(path) == record.get("sha256") else [f"changed: the plan file {params_plan_file}"]


def notebook_changes(original: Path, edited: Path) -> list[str]:
    """Which cells of an executed notebook differ between two copies (by position), e.g.
    ``cell 5 (code): source and outputs changed``; also added or removed cells and metadata."""
    try:
        a = json.loads(original.read_text(encoding="utf-8"))
        b = json.loads(edited.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"cannot be read as a notebook ({exc})"]
    lines = []
    cells_a, cells_b = a.get("cells", []), b.get("cells", [])
    for i, (ca, cb) in enumerate(zip(cells_a, cells_b, strict=False), start=1):
        parts = [
            part
            for part, key in (("source", "source"), ("outputs", "outputs"), ("metadata", "metadata"))
            if ca.get(key) != cb.get(key)
        ]
        if ca.get("cell_type") != cb.get("cell_type"):
            parts.insert(0, f"type {ca.get('cell_type')} -> {cb.get('cell_type')}")
        if parts:
            lines.append(f"cell {i} ({cb.get('cell_type')}): {' and '.join(parts)} changed")
    if len(cells_b) > len(cells_a):
        lines.append(f"{len(cells_b) - len(cells_a)} cell(s) added at the end")
    if len(cells_b) < len(cells_a):
        lines.append(f"{len(cells_a) - len(cells_b)} cell(s) removed from the end")
    changed_metadata = sorted(
        k
        for k in set(a.get("metadata", {})) | set(b.get("metadata", {}))
        if a.get("metadata", {}).get(k) != b.get("metadata", {}).get(k)
    )
    if changed_metadata:
        lines.append(f"notebook metadata changed: {', '.join(changed_metadata)}")
    return lines


def _pack_state(pack_dir: Path, expected: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    present = output_hashes(pack_dir)
    lines = [
        f"edited since the build (hash differs from the manifest): {p}"
        for p in sorted(set(expected) & set(present))
        if expected[p] != present[p]
    ]
    lines += [f"missing from the pack: {p}" for p in sorted(set(expected) - set(present))]
    lines += [f"not in the manifest: {p}" for p in sorted(set(present) - set(expected))]
    return present, lines


def _claims_file(pack_dir: Path, manifest: dict, folder: Path) -> Path | None:
    """The claims file to rebuild with: the bytes the build read, kept in the manifest, written to
    ``folder`` (a pack made before they were kept: its own ``claims.csv``, those bytes)."""
    record = manifest.get("claims")
    if record is None:
        return None
    path = pack_dir / CLAIMS_IN_PACK
    if not path.is_file():
        raise ManifestError(f"the pack was built with a claims file, but {path} is missing")
    if sha256_file(path) != record["sha256"]:
        raise ManifestError(f"{path} differs from the claims file the pack was built with (SHA-256 in the manifest)")
    original = original_claims(record)
    if original is None:
        return path
    given = folder / "claims-as-given" / CLAIMS_IN_PACK
    given.parent.mkdir()
    given.write_bytes(original)
    return given


def _verified_data_folder(data_dir: Path | str | None, manifest_data_dir: str) -> Path:
    """The folder verify reads the pack's inputs from: the one given, else the manifest's (the demo data
    regenerated byte for byte on a fresh clone); refused when it is the file system's root or missing."""
    folder = Path(data_dir).absolute() if data_dir else manifest_data_folder(manifest_data_dir)
    if folder.resolve() == Path(folder.anchor):
        raise PackError(f"the data folder {folder} is the root of the file system: verify reads only a pack's own data")
    if not data_dir and folder == DEMO_DATA_DIR:
        from pack.data import ensure_demo_data

        ensure_demo_data(DEMO_DATA_DIR)
    if not folder.is_dir():
        raise PackError(f"data folder {folder} does not exist: give the pack's inputs with --data DIR")
    return folder


@contextmanager
def _rebuild_environment(cache: Path, epoch: str | None) -> Iterator[None]:
    """A private, empty cache (nothing is trusted) and the build's date (or none: never the verifier's
    own) for the rebuild; both variables put back as they were after it."""
    saved = {name: os.environ.get(name) for name in ("PACK_CACHE_DIR", "SOURCE_DATE_EPOCH")}
    os.environ["PACK_CACHE_DIR"] = str(cache)
    if epoch is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def verify(pack_dir: Path | str, data_dir: Path | str | None = None) -> tuple[bool, list[str]]:
    """Check a pack against its manifest and rebuild it from the manifest's parameters and inputs
    in a temporary folder with a private, empty cache; compare every output's hash.

    Returns ``(verified, lines)``: ``lines`` name files of the pack edited since the build (and,
    for notebooks, the cells), and outputs the rebuild gives differently. Refuses (``False``, with
    the inputs named) when an input the manifest lists is missing from the data folder or differs.
    """
    from pack.pipeline.publish import interruptible, remove_on_interrupt
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    pack_dir = Path(pack_dir).absolute()
    manifest = read_manifest(pack_dir)
    params = manifest_parameters(manifest)
    folder = _verified_data_folder(data_dir, params.data_dir)
    expected = manifest["outputs"]
    present, edited = _pack_state(pack_dir, expected)
    try:
        changed = input_differences(manifest, folder) + plan_differences(manifest, params.plan_file)
    except DataError as exc:
        raise ManifestError(f"the manifest's inputs are refused: {exc}") from exc
    if changed:
        return False, ["inputs differ from the manifest:", *changed, *edited]
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp, interruptible() as state:
        remove_on_interrupt(Path(tmp))
        state.stage = "verifying"
        claims = _claims_file(pack_dir, manifest, Path(tmp))
        with _rebuild_environment(Path(tmp) / "cache", manifest_epoch(manifest)):
            out = Path(tmp) / "rebuild"
            inputs = listed_inputs(folder, manifest["inputs"])
            request = BuildRequest.from_parameters(
                params, output_dir=out, force=True, claims_file=claims, data_folder=folder, inputs=inputs
            )
            result = build(request)
            if not result.ok:
                failed = "; ".join(f"{n.stem}: {n.error}" for n in result.failures)
                return False, [f"the rebuild failed: {failed}", *edited]
            rebuilt = output_hashes(out)
            lines = list(edited)
            for p in sorted(set(expected) & set(present) & set(rebuilt)):
                if p.endswith(".ipynb") and present[p] != expected[p]:
                    lines += [f"  {p}: {change}" for change in notebook_changes(out / p, pack_dir / p)]
    lines += [f"differs: {p}" for p in sorted(set(expected) & set(rebuilt)) if expected[p] != rebuilt[p]]
    lines += [f"missing from rebuild: {p}" for p in sorted(set(expected) - set(rebuilt))]
    lines += [f"new in rebuild: {p}" for p in sorted(set(rebuilt) - set(expected))]
    return not lines, lines


def _number(value: object) -> float | None:
    """A cell as a number, or ``None`` (empty, text, NaN)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def show_value(value: object) -> str:
    """A cell for a reader: numbers as written (``48``, ``53.5``), text as text, blanks as ``no value``.

    >>> [show_value(v) for v in (48.0, 53.5, float("nan"), None, "n/a", 1234567.0)]
    ['48', '53.5', 'no value', 'no value', 'n/a', '1,234,567']
    """
    number = _number(value)
    if number is not None:
        return f"{number:,.10g}"
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "no value"
    return str(value)


def _indicator_table(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot be read as a CSV table ({exc})") from exc
    if "indicator_id" not in frame.columns:
        raise PackError(f"{path}: no indicator_id column (columns: {', '.join(map(str, frame.columns[:8]))})")
    return frame.drop_duplicates("indicator_id").set_index("indicator_id")


def _value_change(va: object, vb: object) -> str | None:
    """``old -> new (difference +d)``, or ``None`` when the two cells agree."""
    na, nb = _number(va), _number(vb)
    if na is not None and nb is not None:
        return None if abs(na - nb) < 1e-9 else f"{show_value(va)} -> {show_value(vb)} (difference {nb - na:+,.6g})"
    if show_value(va) == show_value(vb):
        return None
    return f"{show_value(va)} -> {show_value(vb)}"


def diff_packs(a: Path | str, b: Path | str) -> list[str]:
    """Indicators whose values differ between two packs, per priority, and differing inputs and parameters."""
    a, b = Path(a), Path(b)
    lines: list[str] = []
    ma, mb = read_manifest(a), read_manifest(b)
    before = {f["path"]: f["sha256"] for f in ma["inputs"]}
    after = {f["path"]: f["sha256"] for f in mb["inputs"]}
    for p in sorted(set(before) | set(after)):
        if before.get(p) != after.get(p):
            state = "added" if p not in before else "removed" if p not in after else "changed"
            lines.append(f"input {state}: {p}")
    pa, pb = ma["parameters"], mb["parameters"]
    for k in sorted(set(pa) | set(pb)):
        if pa.get(k) != pb.get(k):
            lines.append(f"parameter {k}: {show_value(pa.get(k))} -> {show_value(pb.get(k))}")
    names = sorted({p.name for folder in (a, b) for p in (folder / "tables").glob("*-indicators.csv")})
    for name in names:
        stem = name.removesuffix("-indicators.csv")
        if not (b / "tables" / name).is_file() or not (a / "tables" / name).is_file():
            lines.append(f"{stem}: indicator table missing from {b if (a / 'tables' / name).is_file() else a}")
            continue
        old, new = _indicator_table(a / "tables" / name), _indicator_table(b / "tables" / name)
        rows = []
        for ind in old.index.union(new.index):
            if ind not in old.index or ind not in new.index:
                rows.append(f"  {ind}: {'only in ' + str(b) if ind not in old.index else 'only in ' + str(a)}")
                continue
            for col in ("baseline_value", "current_value", "status"):
                va = old[col].get(ind) if col in old else None
                change = _value_change(va, new[col].get(ind) if col in new else None)
                if change:
                    rows.append(f"  {ind} {col}: {change}")
        if rows:
            lines.append(f"{stem}:")
            lines.extend(rows)
    return lines
