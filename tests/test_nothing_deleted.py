"""No command removes or overwrites a file the tool did not make.

``demo-data --out`` writes only into a new or empty folder or one it marked as demonstration data
(refused in one line, exit 2, otherwise); the cache removes only entries carrying its own marker
(a user's folder in the cache root survives eviction and clean-up; a user's ``file-hashes.json``
is not overwritten); a cache folder inside the data folder, or data inside the cache, is refused.

Every folder these tests point a command at is under the test's own temporary folder: a command
that deleted what it should not would delete only that.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from test_cli import run

from pack.data.stage import DEMO_MARKER
from pack.store.entries import evict_least_recently_used, record_entry, remove_stale
from pack.store.hashing import memoised_sha256, memoised_sha256_many, sha256_file


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_line_refusal(code: int, err: str) -> None:
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err


def test_demo_data_refuses_a_folder_of_somebody_s_files(tmp_path: Path, capsys) -> None:
    """The issue's reproduction: ``X/thesis.txt`` and ``X/sub/``: refused in one line, exit 2, both kept."""
    folder = tmp_path / "X"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.txt").write_text("thesis\n", encoding="utf-8")
    code, _, err = run(capsys, "demo-data", "--out", str(folder))
    _one_line_refusal(code, err)
    assert "thesis.txt" in err and "not demonstration data" in err
    assert (folder / "thesis.txt").read_text(encoding="utf-8") == "thesis\n" and (folder / "sub").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X"]


def test_demo_data_refuses_real_data(real_data: Path, capsys) -> None:
    """A copy of the real data (no demonstration marker) is not replaced by demonstration data."""
    before = sorted(p.relative_to(real_data).as_posix() for p in real_data.rglob("*"))
    code, _, err = run(capsys, "demo-data", "--out", str(real_data))
    _one_line_refusal(code, err)
    assert "not demonstration data" in err
    assert sorted(p.relative_to(real_data).as_posix() for p in real_data.rglob("*")) == before


def test_demo_data_refuses_a_file_a_symbolic_link_and_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine\n", encoding="utf-8")
    code, _, err = run(capsys, "demo-data", "--out", str(target))
    _one_line_refusal(code, err)
    assert "is a file" in err and target.read_text(encoding="utf-8") == "mine\n"
    marked = tmp_path / "marked"
    marked.mkdir()
    (marked / DEMO_MARKER).write_text("Demonstration data\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(marked)
    code, _, err = run(capsys, "demo-data", "--out", str(tmp_path / "link"))
    _one_line_refusal(code, err)
    assert "symbolic link" in err and (marked / DEMO_MARKER).is_file()
    work = tmp_path / "work"  # a marked demo folder that is the working folder, or holds it
    work.mkdir()
    (work / DEMO_MARKER).write_text("Demonstration data\n", encoding="utf-8")
    (work / "inner").mkdir()
    monkeypatch.chdir(work / "inner")
    for folder in (work / "inner", work):
        code, _, err = run(capsys, "demo-data", "--out", str(folder))
        _one_line_refusal(code, err)
        assert "working folder" in err
    assert (work / DEMO_MARKER).is_file() and (work / "inner").is_dir()


@pytest.mark.slow
def test_demo_data_replaces_only_a_folder_it_marked(tmp_path: Path, capsys) -> None:
    """A new folder is written (with its marker); written again, the marked folder is replaced (a
    file the generator never writes is gone with it, as the marker said the folder was its own)."""
    folder = tmp_path / "demo"
    code, out, _ = run(capsys, "demo-data", "--out", str(folder))
    assert code == 0 and f"written to {folder}" in out
    assert (folder / DEMO_MARKER).is_file()
    first = _tree(folder)
    (folder / "stale.csv").write_text("a\n", encoding="utf-8")
    code, _, _ = run(capsys, "demo-data", "--out", str(folder))
    assert code == 0 and _tree(folder) == first  # the same bytes again, the stale file gone


def _entry(root: Path, name: str, age_hours: float, size: int = 1000) -> Path:
    entry = root / name
    entry.mkdir(parents=True)
    (entry / "table.csv").write_bytes(b"x" * size)
    record_entry(entry)
    then = time.time() - age_hours * 3600
    (entry / ".used").touch()
    os.utime(entry / ".used", (then, then))
    return entry


def test_eviction_removes_only_entries_the_cache_marked(tmp_path: Path) -> None:
    """``UC/prepared/my-project/`` (a user's folder, oldest of all, and a user's ``notes.sealed``)
    survive an eviction to 0 bytes; the cache's own old entry goes; the user's folder's size does
    not count against the cap (so the cache's recent entry is not evicted to make room for it)."""
    root = tmp_path / "UC" / "prepared"
    ours = _entry(root, "a" * 24, age_hours=48)
    recent = _entry(root, "b" * 24, age_hours=2)
    mine = root / "my-project"
    (mine / "chapter").mkdir(parents=True)
    (mine / "chapter" / "draft.txt").write_bytes(b"y" * 5000)
    (mine / "entry.json").write_text("{}", encoding="utf-8")
    os.utime(mine, (0, 0))
    (root / "notes.sealed").write_bytes(b"0" * 64 + b"\nmy notes\n")
    os.utime(root / "notes.sealed", (0, 0))
    assert evict_least_recently_used(root, max_bytes=1500) == [ours.name]
    assert (mine / "chapter" / "draft.txt").read_bytes() == b"y" * 5000
    assert (root / "notes.sealed").read_bytes() == b"0" * 64 + b"\nmy notes\n"
    assert recent.is_dir()
    assert evict_least_recently_used(root, max_bytes=0) == [recent.name]
    assert (mine / "chapter" / "draft.txt").is_file() and (root / "notes.sealed").is_file()


def test_clean_up_of_stopped_builds_spares_folders_it_did_not_make(tmp_path: Path) -> None:
    """A user's ``reading.999999999.x`` (a name like the prepare's own, of a process that does not
    exist) is not removed as "left by a build that was stopped"."""
    root = tmp_path / "prepared"
    mine = root / "reading.999999999.x"
    mine.mkdir(parents=True)
    (mine / "keep.txt").write_text("mine\n", encoding="utf-8")
    assert remove_stale(root, r"reading\.(?P<pid>\d+)\..+", "the unfinished prepared data") == []
    assert (mine / "keep.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_user_s_file_hashes_json_in_the_cache_is_not_overwritten(tmp_path: Path, monkeypatch) -> None:
    """``UC/file-hashes.json`` that is not the cache's own memo keeps its bytes; hashing still works
    (the SHA-256 is the file's) and is remembered for the next call."""
    cache = tmp_path / "UC"
    cache.mkdir()
    monkeypatch.setenv("PACK_CACHE_DIR", str(cache))
    theirs = json.dumps({"format": 2, "files": {}, "mine": "my own hash list"}).encode()
    (cache / "file-hashes.json").write_bytes(theirs)
    data = tmp_path / "input.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    assert memoised_sha256_many([data]) == {data: sha256_file(data)}
    assert (cache / "file-hashes.json").read_bytes() == theirs
    assert memoised_sha256([data]) == {data: sha256_file(data)}  # remembered under a name the cache owns


@pytest.mark.parametrize("where", ["cache inside the data", "data inside the cache"])
def test_a_cache_inside_the_data_or_data_inside_the_cache_is_refused(
    fixture_dir: Path, tmp_path: Path, monkeypatch, capsys, where: str
) -> None:
    """Refused in one line, exit 2, before anything is written: no cache lands among the inputs."""
    if where == "cache inside the data":
        cache, data = fixture_dir / ".cache", fixture_dir
    else:
        cache, data = tmp_path / "UC", tmp_path / "UC" / "data"
        data.parent.mkdir()
        fixture_dir.rename(data)
    monkeypatch.setenv("PACK_CACHE_DIR", str(cache))
    before = _tree(data)
    for command in (["validate"], ["build", "--out", str(tmp_path / "pack")]):
        code, _, err = run(capsys, *command, "--data", str(data))
        _one_line_refusal(code, err)
        assert "PACK_CACHE_DIR" in err and "data folder" in err
    assert _tree(data) == before
    assert not (tmp_path / "pack").exists()
