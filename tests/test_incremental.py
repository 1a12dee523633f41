"""Incremental prepare: each data.police.uk file's result is cached by its content, so a changed data
folder re-reads only its new or changed files - and gives, byte for byte, what a prepare from
scratch gives. Real Derbyshire files (street and outcomes, copied so that no other process's links
touch them), real worker processes, a real cache.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pack.data.parts import PART
from pack.data.stage import listed_inputs, prepare
from pack.store.entries import RECORD, USED

FORCE = "Derbyshire Constabulary"
READ = re.compile(r"Prepare: (\d+) new file\(s\) read, (\d+) reused")


def add_month(data: Path, real: Path, month: str) -> None:
    """Copy one month's street and outcomes files of Derbyshire into ``data`` (a real copy, new inodes)."""
    source = real / "police-uk" / "derbyshire" / month
    (data / month).mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        shutil.copyfile(path, data / month / path.name)


def read_and_reused(caplog: pytest.LogCaptureFixture, data: Path, force: str = FORCE, **options) -> tuple[int, int]:
    """Prepare ``data``; return (files read, files reused) from the prepare stage's log line."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pack.data"):
        prepare(data, force, **options)
    found = [READ.search(r.getMessage()) for r in caplog.records]
    (match,) = [m for m in found if m]
    return int(match[1]), int(match[2])


def entry_files(folder: Path) -> dict[str, bytes]:
    """Every file of a prepared entry (the tables, parts and quality.json), not its cache record."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (RECORD, USED)
    }


def from_scratch(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: str = FORCE) -> dict[str, bytes]:
    """The files of a prepare of ``data`` with an empty cache (nothing to reuse)."""
    with monkeypatch.context() as patch:
        patch.setenv("PACK_CACHE_DIR", str(tmp_path / f"scratch-{len(list(tmp_path.glob('scratch-*')))}"))
        return entry_files(prepare(data, force).path)


@pytest.fixture
def data(tmp_path: Path, shared_real_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three months of Derbyshire (2021-04..2021-06, street and outcomes) in a private cache."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    for month in ("2021-04", "2021-05", "2021-06"):
        add_month(folder, shared_real_data, month)
    return folder


def test_adding_a_month_reads_only_its_files_and_matches_a_prepare_from_scratch(
    data: Path, shared_real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    assert read_and_reused(caplog, data) == (6, 0)  # 3 months x (street + outcomes)
    # 2021-03 sorts before every other file: each outcomes file's rank (its place by path) moves up
    # by one, which orders outcomes and names their codes - the reused parts must not depend on it
    add_month(data, shared_real_data, "2021-03")
    assert read_and_reused(caplog, data) == (2, 6)
    incremental = entry_files(prepare(data, FORCE).path)
    scratch = from_scratch(data, tmp_path, monkeypatch)
    assert sorted(incremental) == sorted(scratch)
    assert [name for name in scratch if incremental[name] != scratch[name]] == []
    assert {"quality.json", "crime_outcomes.parquet", "outcome_codes.parquet", "force_monthly.parquet"} <= set(scratch)
    # the latest outcome of each crime still found across files: 2021-03's crimes have outcomes
    outcomes = pd.read_parquet(prepare(data, FORCE).path / "crime_outcomes.parquet")
    assert outcomes.loc[outcomes["month"] == "2021-03", "outcome_type"].notna().sum() > 0


def test_a_changed_file_is_read_again_and_only_it(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    assert read_and_reused(caplog, data) == (6, 0)
    street = data / "2021-05" / "2021-05-derbyshire-street.csv"
    text = street.read_bytes()
    # one burglary recorded as a robbery instead: 1 record moves between crime types
    changed = text.replace(b",Burglary,", b",Robbery,", 1)
    assert changed != text
    street.unlink()
    street.write_bytes(changed)
    assert read_and_reused(caplog, data) == (1, 5)
    prepared = prepare(data, FORCE)
    monthly = pd.read_parquet(prepared.path / "street_monthly.parquet")
    may = monthly[monthly["month"] == "2021-05"].groupby("crime_type")["n"].sum()
    before = pd.read_csv(io.BytesIO(text), encoding="utf-8-sig")["Crime type"].value_counts()  # counted here
    assert may["Burglary"] == before["Burglary"] - 1
    assert may["Robbery"] == before["Robbery"] + 1
    scratch = from_scratch(data, tmp_path, monkeypatch)
    assert entry_files(prepared.path) == scratch


def test_a_removed_file_takes_its_rows_away(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    assert read_and_reused(caplog, data) == (6, 0)
    (data / "2021-06" / "2021-06-derbyshire-street.csv").unlink()
    assert read_and_reused(caplog, data) == (0, 5)
    prepared = prepare(data, FORCE)
    assert prepared.quality.inputs["street"].months == ("2021-04", "2021-05")
    assert set(pd.read_parquet(prepared.path / "street_monthly.parquet")["month"]) == {"2021-04", "2021-05"}
    assert entry_files(prepared.path) == from_scratch(data, tmp_path, monkeypatch)


def test_another_force_reuses_no_part(
    tmp_path: Path, shared_real_data: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "national" / "2021-12"
    data.mkdir(parents=True)
    for force in ("derbyshire", "leicestershire", "nottinghamshire"):
        name = f"2021-12-{force}-street.csv"
        shutil.copyfile(shared_real_data / "police-uk-national" / "2021-12" / name, data / name)
    assert read_and_reused(caplog, data.parent) == (3, 0)
    assert read_and_reused(caplog, data.parent, force="Leicestershire Police") == (3, 0)
    shutil.rmtree(tmp_path / "cache" / "prepared")  # (or the whole prepared entry would be reused)
    assert read_and_reused(caplog, data.parent, force="Derbyshire Constabulary") == (0, 3)
    leicestershire = prepare(data.parent, "Leicestershire Police")
    assert set(pd.read_parquet(leicestershire.path / "street.parquet")["falls_within"]) == {"Leicestershire Police"}
    assert entry_files(leicestershire.path) == from_scratch(data.parent, tmp_path, monkeypatch, "Leicestershire Police")


def test_verify_reads_every_file_afresh(data: Path, caplog) -> None:
    """``verify`` prepares a listed set of files: no per-file result is reused, even when cached."""
    assert read_and_reused(caplog, data) == (6, 0)
    listing = [
        {"path": p.relative_to(data).as_posix(), "input": "street" if "street" in p.name else "outcomes"}
        for p in sorted(data.rglob("*.csv"))
    ]
    shutil.rmtree(Path(os.environ["PACK_CACHE_DIR"]) / "prepared")  # (or the whole entry would be reused)
    assert read_and_reused(caplog, data, files=listed_inputs(data, listing)) == (6, 0)


def test_a_damaged_cached_part_is_discarded_and_the_file_read_again(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    assert read_and_reused(caplog, data) == (6, 0)
    parts = Path(os.environ["PACK_CACHE_DIR"]) / "parts"
    (damaged,) = [p for p in sorted(parts.glob(f"*/{PART}"))][:1]
    damaged.unlink()  # the prepared entry keeps its own link; the cached copy is rewritten, altered
    damaged.write_bytes(b"not the part that was recorded")
    shutil.rmtree(Path(os.environ["PACK_CACHE_DIR"]) / "prepared")
    assert read_and_reused(caplog, data) == (1, 5)
    assert any("failed its check" in r.getMessage() for r in caplog.records)
    assert entry_files(prepare(data, FORCE).path) == from_scratch(data, tmp_path, monkeypatch)


def entries(parts: Path) -> list[Path]:
    """The entries of the per-file cache (not its index, ``.index.json``)."""
    return [p for p in parts.iterdir() if not p.name.startswith(".")]


def test_parts_beyond_the_cap_go_least_recently_used_first(data: Path, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    assert read_and_reused(caplog, data) == (6, 0)
    parts = Path(os.environ["PACK_CACHE_DIR"]) / "parts"
    assert len(entries(parts)) == 6
    for entry in entries(parts):  # used an hour ago: past the grace period that protects other builds' entries
        for stamp in (entry / USED, entry / RECORD):
            if stamp.exists():
                os.utime(stamp, (os.path.getmtime(stamp) - 3600,) * 2)
    (data / "2021-06" / "2021-06-derbyshire-street.csv").unlink()
    monkeypatch.setenv("PACK_CACHE_PARTS_MB", "0")  # no room: every entry this prepare did not use goes
    assert read_and_reused(caplog, data) == (0, 5)
    assert len(entries(parts)) == 5  # the removed file's result evicted, the five in use kept


def test_an_archive_unpacked_again_with_a_month_more_reads_only_that_month(
    tmp_path: Path, shared_real_data: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """A national archive is downloaded whole every month: unpacked again, each file is a new copy
    (new inode and times) of the same bytes, and there is a month more. The copies are hashed first,
    found in the per-file cache and reused; only the new month's files are read."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "archive"

    def unpack(months: list[str]) -> None:
        shutil.rmtree(data, ignore_errors=True)
        for month in months:
            for force in ("derbyshire", "leicestershire"):
                name = f"{month}-{force}-street.csv"
                (data / month).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shared_real_data / "police-uk-national" / month / name, data / month / name)

    unpack(["2021-12", "2022-01"])
    assert read_and_reused(caplog, data) == (4, 0)
    caplog.clear()
    unpack(["2021-12", "2022-01"])  # the same archive again: the whole prepared entry is reused
    with caplog.at_level(logging.INFO, logger="pack.data"):
        prepare(data, FORCE)
    assert any("reused validated data from the cache" in r.getMessage() for r in caplog.records)
    unpack(["2021-12", "2022-01", "2022-02"])
    assert read_and_reused(caplog, data) == (2, 4)  # 2022-02's two files read, four reused
    assert entry_files(prepare(data, FORCE).path) == from_scratch(data, tmp_path, monkeypatch)


def test_a_national_zip_archive_downloaded_anew_reads_only_the_new_months_other_forces(
    tmp_path: Path, shared_real_data: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """data.police.uk's archive is one zip file, named for its latest month and downloaded anew each
    month. Other forces' files in it are found in the per-file cache by their text (read and hashed,
    not counted again), whatever the archive is called; the plan force's are read again (their
    parts name the archive they came from)."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()

    def download(latest: str, months: list[str]) -> None:
        for old in data.glob("*.zip"):
            old.unlink()
        with zipfile.ZipFile(data / f"{latest}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for month in months:
                for force in ("derbyshire", "leicestershire", "nottinghamshire"):
                    name = f"{month}-{force}-street.csv"
                    archive.write(shared_real_data / "police-uk-national" / month / name, f"{month}/{name}")

    download("2022-01", ["2021-12", "2022-01"])
    assert read_and_reused(caplog, data) == (6, 0)
    download("2022-02", ["2021-12", "2022-01", "2022-02"])
    # read: Derbyshire's three files and 2022-02's two other forces' files; reused: the other four
    assert read_and_reused(caplog, data) == (5, 4)
    prepared = prepare(data, FORCE)
    assert entry_files(prepared.path) == from_scratch(data, tmp_path, monkeypatch)
    street = prepared.quality.input("street")
    accounts = {a.file for a in street.file_accounts}
    assert "2022-02.zip/2021-12/2021-12-leicestershire-street.csv" in accounts  # a reused account names this archive
    counts = pd.read_parquet(prepared.path / "force_monthly.parquet")
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(data / "2022-02.zip") as archive:
        archive.extractall(folder)
    unpacked = pd.read_parquet(prepare(folder, FORCE).path / "force_monthly.parquet")
    by = ["falls_within", "month", "crime_type"]
    assert counts.groupby(by)["n"].sum().to_dict() == unpacked.groupby(by)["n"].sum().to_dict()
