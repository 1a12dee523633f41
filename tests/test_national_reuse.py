"""Another force's street file's result is found in the per-file cache by its name and content
wherever the file is (a national archive unpacked anew into another folder). What is reused must be
what reading the file at its new path gives, byte for byte: the account's file, the rejected rows'
file, and the error that names the file."""

from __future__ import annotations

import difflib
import shutil
import zipfile
from pathlib import Path

import pytest
from test_incremental import entry_files, from_scratch, read_and_reused

from pack.data.stage import prepare
from pack.errors import DataError

FORCE = "Derbyshire Constabulary"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
)
LEICS = "2022-01/2022-01-leicestershire-street.csv"


def row(k: int, force: str, month: str = "2022-01") -> str:
    return (
        f"{k:064x},{month},{force},{force},-1.48,52.92,On or near Arthur Street,E01013{k % 100:03d},"
        f"Derby 0{k % 10:02d}A,Burglary,Investigation complete; no suspect identified,\n"
    )


def unpack(folder: Path, leicestershire: str) -> None:
    """Derbyshire's month (2 burglaries) and Leicestershire's street file of ``leicestershire``."""
    (folder / "2022-01").mkdir(parents=True)
    (folder / "2022-01" / "2022-01-derbyshire-street.csv").write_text(HEADER + row(1, FORCE) + row(2, FORCE))
    (folder / LEICS).write_text(leicestershire)


def differences(one: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    """The files that differ, and the lines of quality.json that do."""
    lines = difflib.unified_diff(
        one["quality.json"].decode().splitlines(), other["quality.json"].decode().splitlines(), lineterm="", n=0
    )
    return [name for name in one if one[name] != other.get(name)] + [line for line in lines if line[:1] in "+-"]


def test_rejected_rows_reused_at_another_path_name_the_file_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """Leicestershire's file (the short way refuses it): 2 burglaries and 1 row of a month written
    wrongly, rejected and listed with its file. Unpacked into ``national-2022-01``, prepared;
    unpacked anew into ``national-2022-02`` (the old folder gone): its result is reused, and the
    tables and quality report equal a prepare from scratch of the new folder."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    leics = "Leicestershire Police"
    text = HEADER + row(3, leics) + row(4, leics) + row(5, leics, "2022/01")
    unpack(data / "national-2022-01", text)
    assert read_and_reused(caplog, data) == (2, 0)
    shutil.rmtree(data / "national-2022-01")
    unpack(data / "national-2022-02", text)
    assert read_and_reused(caplog, data) == (1, 1)  # Derbyshire's read again (its part names its path)
    assert differences(from_scratch(data, tmp_path, monkeypatch), entry_files(prepare(data, FORCE).path)) == []


def test_an_error_reused_at_another_path_names_the_file_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leicestershire's file lacks the Location column: the prepare stops, naming the file; unpacked
    anew into another folder, it names the file in that folder, not the one that is gone."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    leics = "Leicestershire Police"
    text = HEADER.replace("Location,", "") + row(3, leics).replace("On or near Arthur Street,", "")
    unpack(data / "national-2022-01", text)
    with pytest.raises(DataError, match=f"file national-2022-01/{LEICS}, row 1, column 'Location'"):
        prepare(data, FORCE)
    shutil.rmtree(data / "national-2022-01")
    unpack(data / "national-2022-02", text)
    with pytest.raises(DataError, match=f"file national-2022-02/{LEICS}, row 1, column 'Location'"):
        prepare(data, FORCE)


def test_a_zip_member_read_the_full_way_is_reused_by_its_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """Another force's member that the short way refuses (a crime type in lower case: read row by
    row, the variant noted) is stored by its archive's hash: the same archive prepared again (its
    prepared entry gone) reads it no more."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    leics = "Leicestershire Police"
    with zipfile.ZipFile(data / "2022-01.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2022-01/2022-01-derbyshire-street.csv", HEADER + row(1, FORCE) + row(2, FORCE))
        archive.writestr(LEICS, HEADER + row(3, leics) + row(4, leics).replace(",Burglary,", ",burglary,"))
    assert read_and_reused(caplog, data) == (2, 0)
    shutil.rmtree(tmp_path / "cache" / "prepared")  # (or the whole prepared entry would be reused)
    assert read_and_reused(caplog, data) == (0, 2)  # before: (1, 1), the refused member read every time
    assert entry_files(prepare(data, FORCE).path) == from_scratch(data, tmp_path, monkeypatch)
