"""Auditing a pack: verify (rebuild and compare hashes, refuse changed inputs) and diff.

A small pack is built from 24 hand-written months of street data (10 ASB incidents and 4
burglaries a month in 2022; 5 and 4 in 2023), so the numbers an edit changes are known.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from csvs import street_month

from pack.config import PROJECT_ROOT

pytestmark = pytest.mark.slow


def run_pack(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run_pack.py", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )


def small_data(folder: Path, extra_burglaries_dec_2023: int = 0) -> Path:
    for year, asb in ((2022, 10), (2023, 5)):
        for month in range(1, 13):
            burglary = 4 + (extra_burglaries_dec_2023 if (year, month) == (2023, 12) else 0)
            street_month(folder, f"{year}-{month:02d}", {"Anti-social behaviour": asb, "Burglary": burglary})
    return folder


def build_small(data: Path, out: Path) -> Path:
    result = run_pack("build", "--data", str(data), "--out", str(out), "--period", "2023-12", "--baseline", "2022-12")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("audit")
    data = small_data(root / "data")
    return data, build_small(data, root / "pack-a")


def test_verify_a_fresh_pack(small_pack: tuple[Path, Path]) -> None:
    _, pack = small_pack
    result = run_pack("verify", str(pack))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("verified")


def test_verify_with_a_copy_of_the_data_elsewhere(small_pack: tuple[Path, Path], tmp_path: Path) -> None:
    data, pack = small_pack
    copy = shutil.copytree(data, tmp_path / "auditors-copy")
    result = run_pack("verify", str(pack), "--data", str(copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("verified")


def edited_copy(folder: Path, copy: Path, relative: str, old: str, new: str) -> Path:
    """A copy of ``folder`` in which the first ``old`` of file ``relative`` reads ``new``."""
    shutil.copytree(folder, copy)
    edited = copy / relative
    edited.write_text(edited.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return copy


def test_verify_refuses_an_edited_input(small_pack: tuple[Path, Path], tmp_path: Path) -> None:
    data, pack = small_pack
    copy = edited_copy(data, tmp_path / "edited", "2023-12/2023-12-derbyshire-street.csv", "Burglary", "Robbery")
    result = run_pack("verify", str(pack), "--data", str(copy))
    assert result.returncode == 1
    assert "NOT verified" in result.stdout and "inputs differ from the manifest" in result.stdout
    assert "changed: 2023-12/2023-12-derbyshire-street.csv" in result.stdout


def test_verify_reports_an_edited_output(small_pack: tuple[Path, Path], tmp_path: Path) -> None:
    data, pack = small_pack
    copy = edited_copy(pack, tmp_path / "tampered", "tables/02_neighbourhood_crime_asb-indicators.csv", "48", "47")
    result = run_pack("verify", str(copy), "--data", str(data))
    assert result.returncode == 1
    assert (
        "edited since the build (hash differs from the manifest): tables/02_neighbourhood_crime_asb-indicators.csv"
        in result.stdout
    )


def test_diff_names_the_changed_input_and_indicators(small_pack: tuple[Path, Path], tmp_path: Path) -> None:
    _, pack_a = small_pack
    pack_b = build_small(small_data(tmp_path / "data-b", extra_burglaries_dec_2023=5), tmp_path / "pack-b")
    result = run_pack("diff", str(pack_a), str(pack_b))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "input changed: 2023-12/2023-12-derbyshire-street.csv" in lines
    assert "02_neighbourhood_crime_asb:" in lines
    assert "  burglary current_value: 48.0 -> 53.0 (difference +5)" in lines
    assert not any(line.startswith("  asb_incidents") for line in lines)  # ASB unchanged
    b = pd.read_csv(pack_b / "tables" / "02_neighbourhood_crime_asb-indicators.csv").set_index("indicator_id")
    assert b.loc["burglary", "current_value"] == 53


def test_same_data_in_two_folders_gives_the_same_pack(small_pack: tuple[Path, Path], tmp_path: Path) -> None:
    """Only the data folder's name, a parameter shown in the pack, may differ."""
    from pack.build.manifest import output_hashes

    _, pack_a = small_pack
    twin = build_small(small_data(tmp_path / "data"), tmp_path / "elsewhere")
    a, b = output_hashes(pack_a), output_hashes(twin)
    assert set(a) == set(b)
    differing = sorted(p for p in a if a[p] != b[p])
    # the data folder path is a build parameter: it appears in the executed notebooks and the HTML
    assert all(p.endswith((".ipynb", ".html")) for p in differing), differing
    assert all(a[p] == b[p] for p in a if p.startswith(("tables/", "figures/")))
