"""Files with the same bytes are read once (pack.data.copies.read_once), and finding them costs a
hash only of files that could be copies: of equal size AND equal first and last 64 KiB. Files that
differ only in the middle are hashed and are not copies; files that differ in their first byte are
not even hashed (the hash memo, which remembers every file hashed, has no entry for them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pack.data.copies import SAMPLE, read_once
from pack.data.discovery import FoundFile
from pack.data.report import InputReport
from pack.store.hashing import memoised_sha256

NAME = "2022-01-leicestershire-street.csv"


def found(data: Path, relative: str) -> FoundFile:
    return FoundFile(data / relative, relative, "street")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four files of 3 x 64 KiB: ``a`` the original; ``b`` a copy of it; ``c`` the same but for one
    byte in the middle (neither end); ``d`` the same but for its first byte."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))  # the hash memo is kept there
    body = bytearray(b"Crime ID,Month\n" + b"x" * (3 * SAMPLE - 15))
    folder = tmp_path / "data"
    for name, change in (("a", None), ("c", 3 * SAMPLE // 2), ("d", 0)):
        (folder / name).mkdir(parents=True)
        text = bytearray(body)
        if change is not None:
            text[change] ^= 0x01
        (folder / name / NAME).write_bytes(bytes(text))
    (folder / "b").mkdir()
    shutil.copyfile(folder / "a" / NAME, folder / "b" / NAME)
    return folder


def test_copies_are_read_once_and_files_differing_in_the_middle_are_not_copies(data: Path) -> None:
    """By hand: ``b`` is the same content as ``a`` (kept: first by path): 1 note, 3 files left; ``c``
    (one byte differs, 96 KiB in) and ``d`` are not copies."""
    files = [found(data, f"{name}/{NAME}") for name in "abcd"]
    reports = {"street": InputReport("street", "Street")}
    kept = read_once(files, reports)
    assert [f.relative for f in kept] == [f"a/{NAME}", f"c/{NAME}", f"d/{NAME}"]
    assert reports["street"].notes == [f"b/{NAME}: the same content as a/{NAME}: read once"]


def test_only_files_with_equal_ends_are_hashed(data: Path) -> None:
    """``a``, ``b`` and ``c`` (equal size, equal ends) are hashed and remembered; ``d`` (equal size,
    another first byte) is not hashed at all."""
    files = [found(data, f"{name}/{NAME}") for name in "abcd"]
    read_once(files, {"street": InputReport("street", "Street")})
    remembered = memoised_sha256([f.path for f in files])
    assert sorted(p.parent.name for p in remembered) == ["a", "b", "c"]
    assert remembered[data / "a" / NAME] == remembered[data / "b" / NAME] != remembered[data / "c" / NAME]


def test_files_of_one_size_with_other_ends_are_not_hashed_and_not_copies(data: Path) -> None:
    """Only ``a`` and ``d`` (equal size, first bytes differ): nothing is hashed, nothing removed."""
    files = [found(data, f"{name}/{NAME}") for name in "ad"]
    reports = {"street": InputReport("street", "Street")}
    assert read_once(files, reports) == files
    assert reports["street"].notes == []
    assert memoised_sha256([f.path for f in files]) == {}
