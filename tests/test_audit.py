"""Auditing a pack: verify (exact and confined: rebuild in a private cache, refuse changed inputs,
read only the listed files) and diff.

A small pack is built from 24 hand-written months of street data (10 ASB incidents and 4
burglaries a month in 2022; 5 and 4 in 2023) with the analyst's own claims file, so the numbers
an edit changes are known. Builds and audits run in-process through ``pack.cli.main``. What is
tested is the audit's machinery, not the pack's contents: every build here is of the one-priority
test plan (``tests/plans/one-priority.toml``, three notebooks), which verify rebuilds from the
manifest's plan file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as arrow
import pyarrow.parquet as pq
import pytest
from csvs import street_month, write
from one_priority import INDICATORS, STEM

from pack.cli import main
from pack.config import PROJECT_ROOT
from pack.data.stage import prepare
from pack.pipeline.manifest import output_hashes
from pack.store import EntryIndex, record_digest, record_entry

# its module fixture builds a pack: its tests share one xdist worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("audit-small-pack")]

CLAIMS = (
    "claim_id,quote,source_document,section,indicator_id,evidence,measure,window_a_end,window_b_end,"
    "stated_value,tolerance,unit\n"
    "asb_half,ASB halved,Annual report,2,asb_incidents,street:asb_incidents,pct_change,2022-12,2023-12,-50,1,%\n"
)
TABLE = f"tables/{INDICATORS}"
EDITED_NOTEBOOK = "notebooks/00_strategic_summary.ipynb"  # a notebook other than the table's


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def small_data(folder: Path, extra_burglaries_dec_2023: int = 0) -> Path:
    for year, asb in ((2022, 10), (2023, 5)):
        for month in range(1, 13):
            burglary = 4 + (extra_burglaries_dec_2023 if (year, month) == (2023, 12) else 0)
            street_month(folder, f"{year}-{month:02d}", {"Anti-social behaviour": asb, "Burglary": burglary})
    return folder


def build_args(data: Path, out: Path, plan: Path) -> list[str]:
    """``build`` of ``data`` on the one-priority plan, 12 months ending 2023-12 against 2022."""
    period = ["--period", "2023-12", "--baseline", "2022-12"]
    return ["build", "--data", str(data), "--out", str(out), *period, "--plan", str(plan)]


def build_small(capsys, data: Path, out: Path, plan: Path, *extra: str) -> Path:
    args = [*build_args(data, out, plan), *extra]
    code, _, err = run(capsys, *args)
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory, one_priority_plan: Path) -> tuple[Path, Path]:
    """(data, pack): built with ``--claims``; tests copy it before changing anything."""
    root = tmp_path_factory.mktemp("audit")
    data = small_data(root / "data")
    claims = write(root, "my-claims.csv", CLAIMS)
    assert main([*build_args(data, root / "pack-a", one_priority_plan), "--claims", str(claims)]) == 0
    return data, root / "pack-a"


@pytest.mark.long  # verify's and diff's variants, each with builds of its own (make test keeps one verify)
def test_a_pack_built_with_claims_verifies_against_a_copy_of_its_data(capsys, small_pack, tmp_path) -> None:
    """Its claims file is recorded in the manifest and used by the rebuild; JupyterLab's
    checkpoints in the pack are not part of it."""
    data, pack = small_pack
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["claims"]["sha256"] == output_hashes(pack)["claims.csv"]
    verdicts = pd.read_csv(pack / "tables" / "07_claims_check-verdicts.csv")
    assert verdicts["claim_id"].tolist() == ["asb_half"]  # the analyst's claims were checked
    copy = shutil.copytree(pack, tmp_path / "pack")
    (copy / "notebooks" / ".ipynb_checkpoints").mkdir()
    (copy / "notebooks" / ".ipynb_checkpoints" / f"{STEM}-checkpoint.ipynb").write_text("{}")
    code, out, err = run(capsys, "verify", str(copy), "--data", str(shutil.copytree(data, tmp_path / "theirs")))
    assert code == 0, out + err
    assert out == "verified\n"


def test_verify_refuses_an_edited_input(capsys, small_pack, tmp_path) -> None:
    data, pack = small_pack
    copy = shutil.copytree(data, tmp_path / "edited")
    edited = copy / "2023-12" / "2023-12-derbyshire-street.csv"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Burglary", "Robbery", 1), encoding="utf-8")
    (copy / "2023-12" / "2023-12-derbyshire-street.csv.bak").write_text("x")  # not an input: never read
    started = time.monotonic()
    code, out, _ = run(capsys, "verify", str(pack), "--data", str(copy))
    assert code == 1
    assert out.splitlines() == [
        "NOT verified:",
        "  inputs differ from the manifest:",
        "  changed: 2023-12/2023-12-derbyshire-street.csv",
    ]
    assert time.monotonic() - started < 10  # refused before any rebuild


@pytest.mark.long  # verify's and diff's variants, each with builds of its own (make test keeps one verify)
def test_verify_never_verifies_numbers_the_inputs_do_not_give(capsys, small_pack, tmp_path) -> None:
    """A table edited and the manifest forged to match: the rebuild from the inputs differs. An
    executed notebook edited: verify names it and the cells that changed."""
    data, pack = small_pack
    copy = shutil.copytree(pack, tmp_path / "forged")
    table = copy / TABLE
    table.write_text(table.read_text(encoding="utf-8").replace(",48,", ",47,", 1), encoding="utf-8")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"][TABLE] = output_hashes(copy)[TABLE]  # the forger updated the manifest too
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    notebook = copy / EDITED_NOTEBOOK
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    first_markdown = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown")
    nb["cells"][first_markdown]["source"] = ["# Strategic summary, as a reviewer rewrote it"]
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    code, out, _ = run(capsys, "verify", str(copy), "--data", str(data))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "NOT verified:"
    assert f"  edited since the build (hash differs from the manifest): {EDITED_NOTEBOOK}" in lines
    assert f"    {EDITED_NOTEBOOK}: cell {first_markdown + 1} (markdown): source changed" in lines
    assert f"  differs: {TABLE}" in lines


def test_verify_rebuilds_in_a_private_cache(capsys, small_pack, one_priority_plan, tmp_path, monkeypatch) -> None:
    """A poisoned cache - a table altered, its record and the cache's index forged to match (all in
    the cache folder: whoever can write it can do this) - fools a build, never verify. The cache
    holds the prepared data only (as ``prepare`` leaves them, which is all the poison needs): the
    build that uses them is the first, so no notebook's run is reused."""
    data, _ = small_pack
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    entry = prepare(data).path
    assert entry.parent == tmp_path / "cache" / "prepared"
    monthly = pd.read_parquet(entry / "street_monthly.parquet")
    pq.write_table(arrow.Table.from_pandas(monthly.assign(n=monthly["n"] * 3)), entry / "street_monthly.parquet")
    index = EntryIndex(entry.parent)  # the record rewritten to match, and the index: the cache cannot tell
    index.add(entry.name, record_digest(record_entry(entry)))
    index.save()
    poisoned = build_small(capsys, data, tmp_path / "pack", one_priority_plan, "--force")
    assert json.loads((poisoned / "manifest.json").read_text(encoding="utf-8"))["data_key"] == entry.name
    burglary = pd.read_csv(poisoned / TABLE).set_index("indicator_id").loc["burglary", "current_value"]
    assert burglary == 3 * 48  # 4 a month, 48 in 2023, tripled by the poison
    code, out, _ = run(capsys, "verify", str(poisoned), "--data", str(data))
    assert code == 1
    assert f"  differs: {TABLE}" in out.splitlines()
    assert entry.is_dir()  # verify used none of it


@pytest.mark.long  # verify's and diff's variants, each with builds of its own (make test keeps one verify)
def test_verify_reads_only_the_files_the_manifest_lists(small_pack, tmp_path) -> None:
    """Other CSVs in the data folder - here a named pipe, which blocks whoever opens it - are
    never opened: verify finishes (a separate process, so a hang is caught by the timeout)."""
    data, pack = small_pack
    copy = shutil.copytree(data, tmp_path / "theirs")
    os.mkfifo(copy / "2023-06" / "2023-06-derbyshire-outcomes.csv")
    os.mkfifo(copy / "unlisted.csv")
    done = subprocess.run(
        [sys.executable, "run_pack.py", "verify", str(pack), "--data", str(copy)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "verified\n"


def forged_manifest(pack: Path, folder: Path, change) -> Path:  # noqa: ANN001
    """A copy of ``pack`` (manifest and a table only) whose manifest ``change`` edits."""
    (folder / "tables").mkdir(parents=True)
    shutil.copyfile(pack / TABLE, folder / TABLE)
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_manifest_naming_the_root_as_data_folder_is_refused(capsys, small_pack, tmp_path) -> None:
    _, pack = small_pack
    forged = forged_manifest(pack, tmp_path / "p", lambda m: m["parameters"].update(data_dir="/"))
    started = time.monotonic()
    code, _, err = run(capsys, "verify", str(forged))
    assert code == 2
    assert err == "error: the data folder / is the root of the file system: verify reads only a pack's own data\n"
    assert time.monotonic() - started < 5  # nothing was scanned


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../outside.csv", "no '..', not absolute"),
        ("/etc/passwd", "no '..', not absolute"),
        ("2022-01/../../outside.csv", "no '..', not absolute"),
        ("link/outside.csv", "a symbolic link out of the data folder"),
    ],
)
def test_input_paths_out_of_the_data_folder_are_refused(capsys, small_pack, tmp_path, path, reason) -> None:
    data, pack = small_pack
    copy = shutil.copytree(data, tmp_path / "theirs")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "outside.csv").write_text("secret\n")
    (copy / "link").symlink_to(tmp_path / "secret")
    forged = forged_manifest(pack, tmp_path / "p", lambda m: m["inputs"].append({"path": path, "sha256": "0"}))
    code, _, err = run(capsys, "verify", str(forged), "--data", str(copy))
    assert code == 2
    assert err.startswith("error: the manifest's inputs are refused: file ") and reason in err


@pytest.mark.long  # verify's and diff's variants, each with builds of its own (make test keeps one verify)
def test_diff_names_the_changed_input_and_indicators(capsys, small_pack, one_priority_plan, tmp_path) -> None:
    _, pack_a = small_pack
    data_b = small_data(tmp_path / "data-b", extra_burglaries_dec_2023=5)
    pack_b = build_small(capsys, data_b, tmp_path / "pack-b", one_priority_plan)
    code, out, _ = run(capsys, "diff", str(pack_a), str(pack_b))
    assert code == 0
    lines = out.splitlines()
    assert "input changed: 2023-12/2023-12-derbyshire-street.csv" in lines
    assert f"parameter data_dir: {small_pack[0]} -> {tmp_path / 'data-b'}" in lines
    assert f"{STEM}:" in lines
    assert "  burglary current_value: 48 -> 53 (difference +5)" in lines  # 4 x 12 = 48; + 5 in December
    assert not any(line.startswith("  asb_incidents") for line in lines)  # ASB unchanged
    assert "nan" not in out


def test_same_data_in_two_folders_gives_the_same_pack(capsys, small_pack, one_priority_plan, tmp_path) -> None:
    """Only the data folder's name, a parameter shown in the pack, may differ (and the claims,
    which only the first pack was given)."""
    _, pack_a = small_pack
    twin = build_small(capsys, small_data(tmp_path / "data"), tmp_path / "elsewhere", one_priority_plan)
    a, b = output_hashes(pack_a), output_hashes(twin)
    # the twin, given no claims, checks none: the test plan publishes no claims file (the default plan's
    # does, which the twin's claims check used)
    assert set(a) - set(b) == {"claims.csv", "tables/07_claims_check-verdicts.csv"}
    differing = sorted(p for p in b if a[p] != b[p])
    assert all(p.endswith((".ipynb", ".html")) or "07_claims_check" in p for p in differing), differing
    assert all(a[p] == b[p] for p in b if p.startswith(("tables/", "figures/")) and "07_claims_check" not in p)
