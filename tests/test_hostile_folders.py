"""Folders and archives as people really make them: symbolic-link loops and links out of the data
folder (skipped, with one log line), what macOS and Windows leave beside files (ignored), and zip
member names that leave the archive's folder (recorded by the one rule ``verify`` applies)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from commands import run_pack
from csvs import STREET_HEADER, street_row

from pack.config import PROJECT_ROOT
from pack.data.sources import member_shown, path_problem
from pack.data.stage import listed_inputs, prepare

CORPUS = Path(__file__).resolve().parent / "bad_inputs"


def run(*args: str) -> subprocess.CompletedProcess:
    """``run_pack.py ARGS`` in a process of its own; no traceback may reach the user."""
    result = subprocess.run(
        [sys.executable, "run_pack.py", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def test_link_loops_and_links_out_of_the_folder_are_skipped_with_one_line(tmp_path: Path) -> None:
    data = shutil.copytree(CORPUS / "header_only", tmp_path / "data")
    (data / "loop1").symlink_to("loop2")
    (data / "loop2").symlink_to("loop1")
    (data / "up").symlink_to("..")
    (data / "2024-03-derbyshire-street.csv").symlink_to("loop1")  # an input's name, but a loop
    (data / "elsewhere").symlink_to(tmp_path)
    result = run_pack("validate", "--data", str(data))  # (in this process)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "symbolic link(s) not followed" in line]
    assert line == (
        "Data: 5 symbolic link(s) not followed: 2024-03-derbyshire-street.csv (a loop of symbolic links); "
        f"elsewhere (leads out of the data folder, to {tmp_path}); loop1 (a loop of symbolic links); "
        f"loop2 (a loop of symbolic links); up (leads out of the data folder, to {tmp_path})"
    )
    assert "3 rows kept; months 2024-02" in result.stdout  # what the folder holds, read once


def test_a_link_back_to_a_folder_already_read_is_not_read_twice(tmp_path: Path) -> None:
    data = shutil.copytree(CORPUS / "header_only", tmp_path / "data")
    (data / "2024-02" / "again").symlink_to(data / "2024-02")
    assert prepare(data).quality.input("street").rows_kept == 3


def test_what_macos_and_windows_leave_is_ignored_in_folders_and_archives(tmp_path: Path) -> None:
    data = shutil.copytree(CORPUS / "mac_zip", tmp_path / "mac_zip")
    street = prepare(data).quality.input("street")
    assert (street.rows_kept, street.months) == (6, ("2024-01", "2024-02"))


def test_member_names_are_recorded_by_the_rule_verify_applies() -> None:
    assert member_shown("../../2024-01/x.csv") == "2024-01/x.csv"
    assert member_shown("..\\..\\2024-01\\x.csv") == "2024-01/x.csv"
    assert member_shown("/abs/./x.csv") == "abs/x.csv"
    assert member_shown("C:\\x.csv") == "x.csv"
    for name in ("../../x.csv", "..\\..\\x.csv", "/x.csv", "a/./x.csv", "a//x.csv"):
        assert path_problem(f"a.zip/{name}") is not None, name
        assert path_problem(f"a.zip/{member_shown(name)}") is None, name


def _hostile_zip(data: Path) -> None:
    """January and February under names that leave the archive's folder, as a hostile or careless
    tool writes them, and a March file whose name is fine."""
    months = {
        "../../2024-01/2024-01-derbyshire-street.csv": "2024-01",
        "..\\..\\2024-02\\2024-02-derbyshire-street.csv": "2024-02",
        "/2024-03/2024-03-derbyshire-street.csv": "2024-03",
    }
    data.mkdir(parents=True)
    with zipfile.ZipFile(data / "police.zip", "w") as archive:
        for name, month in months.items():
            rows = "".join(street_row(f"{month}-{k}", month, crime_type=t) for k, t in enumerate(["Burglary"] * 6))
            archive.writestr(name, STREET_HEADER + rows)


def test_members_named_out_of_the_archive_are_read_under_a_name_verify_accepts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _hostile_zip(data)
    first = prepare(data)
    listing = [{"path": f.path, "input": f.input} for f in first.quality.files]
    assert [f["path"] for f in listing] == [
        "police.zip/2024-01/2024-01-derbyshire-street.csv",
        "police.zip/2024-02/2024-02-derbyshire-street.csv",
        "police.zip/2024-03/2024-03-derbyshire-street.csv",
    ]
    assert first.quality.input("street").rows_kept == 18
    again = prepare(data, files=listed_inputs(data, listing))  # as verify reads them
    assert again.key == first.key and again.quality.input("street").rows_kept == 18
    assert not (tmp_path / "2024-01").exists() and not (data.parent.parent / "2024-01").exists()


def test_two_members_named_alike_once_normalised_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with zipfile.ZipFile(data / "police.zip", "w") as archive:
        for name in ("2024-01/2024-01-derbyshire-street.csv", "../2024-01/2024-01-derbyshire-street.csv"):
            archive.writestr(name, STREET_HEADER + street_row("a", "2024-01"))
    result = run_pack("validate", "--data", str(data))  # (in this process)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "file police.zip/2024-01/2024-01-derbyshire-street.csv: two members of the archive are both named" in (
        result.stderr
    )


@pytest.mark.long  # a build and a verify of its own
@pytest.mark.slow
def test_an_archive_with_members_named_out_of_it_builds_and_verifies(tmp_path: Path, one_priority_plan: Path) -> None:
    """Built on the one-priority test plan (three notebooks): what is tested is the inputs' names in
    the manifest and verify reading them again, not the pack's contents."""
    data = tmp_path / "data"
    _hostile_zip(data)
    out = tmp_path / "pack"
    plan = ["--plan", str(one_priority_plan)]
    build = run("build", "--data", str(data), "--out", str(out), "--period", "2024-03", "--window", "1", *plan)
    build_args = ["--baseline", "2024-02", *plan]
    if build.returncode != 0:  # the default baseline is outside the data: name one inside
        build = run(
            "build", "--data", str(data), "--out", str(out), "--period", "2024-03", "--window", "1", *build_args
        )
    assert build.returncode == 0, build.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all(path_problem(entry["path"]) is None for entry in manifest["inputs"])
    verified = run("verify", str(out))
    assert verified.returncode == 0 and verified.stdout.startswith("verified"), verified.stdout + verified.stderr
