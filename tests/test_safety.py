"""Never delete, never trust blindly: output folders a build refuses (before any work, with every
byte left as it was), leftovers of killed builds, CSV text that cannot run as a formula, and
full or read-only disks (a real tmpfs; needs root, skipped with a reason otherwise)."""

from __future__ import annotations

import csv
import errno
import json
import logging
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from folders import dead_pid, folder_state, thirteen_months
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import ANY_CHARACTER, examples

from pack.cli import main
from pack.config import PROJECT_ROOT, cache_root
from pack.pipeline.guard import OutputError, check_output_folder, is_pack, write_error
from pack.pipeline.publish import recover_leftovers
from pack.safe_csv import write_csv


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of the test's own: these tests compare the cache's entries before and after, which the
    run's shared cache cannot promise while another worker builds into it."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def build_args(data: Path, out: Path | str, *extra: str) -> list[str]:
    return ["build", "--data", str(data), "--out", str(out), "--period", "2024-01", "--baseline", "2023-01", *extra]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return thirteen_months(tmp_path / "data")


def prepared_entries() -> set[str]:
    folder = cache_root() / "prepared"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def a_pack(folder: Path, files: dict[str, str] | None = None) -> Path:
    """A folder that is a pack: files and a manifest (with the format marker) listing them."""
    files = files or {"evidence-pack.html": "<html></html>"}
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    manifest = {"format": "pcc-evidence-pack", "manifest_version": 2, "outputs": dict.fromkeys(files, "x")}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def refused(capsys, tmp_path: Path, data: Path, out: Path | str, message: str, watched: Path) -> None:
    """The build into ``out`` exits 2 with one line holding ``message``, before any work (no
    data prepared), leaving every byte under ``watched`` as it was."""
    before, entries = folder_state(watched), prepared_entries()
    code, err = run(capsys, *build_args(data, out))
    assert code == 2, err
    assert message in err and err.startswith("error: --out") and err.count("\n") == 1, err
    assert folder_state(watched) == before
    assert prepared_entries() == entries  # refused before the data were even read


def test_out_is_the_data_folder(capsys, tmp_path, data) -> None:
    refused(capsys, tmp_path, data, data, "is the data folder: the pack would replace its own inputs", tmp_path)


def test_out_inside_the_data_folder(capsys, tmp_path, data) -> None:
    refused(capsys, tmp_path, data, data / "2023-01", "is inside the data folder", tmp_path)
    refused(capsys, tmp_path, data, data / "new-pack", "is inside the data folder", tmp_path)


def test_out_containing_the_data_folder(capsys, tmp_path, data) -> None:
    refused(capsys, tmp_path, data, tmp_path, "contains the data folder", tmp_path)


def test_out_holding_somebody_elses_files(capsys, tmp_path, data) -> None:
    mine = tmp_path / "mine"
    (mine / "sub").mkdir(parents=True)
    (mine / "thesis.docx").write_bytes(b"\x00years of work")
    (mine / "sub" / "notes.txt").write_text("notes", encoding="utf-8")
    refused(
        capsys, tmp_path, data, mine, "holds files that are not an evidence pack (sub/notes.txt, thesis.docx)", mine
    )


def test_out_is_a_file(capsys, tmp_path, data) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    refused(capsys, tmp_path, data, tmp_path / "report.pdf", "is a file, not a folder", tmp_path)
    assert not list(tmp_path.glob(".report.pdf*"))  # not moved to a hidden name either


def test_out_is_the_working_folder_or_the_project(capsys, tmp_path, data, monkeypatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    refused(capsys, tmp_path, data, ".", "--out . is the working folder", tmp_path)
    refused(capsys, tmp_path, data, tmp_path, "contains the working folder", tmp_path)
    before = folder_state(PROJECT_ROOT / "notebooks")
    code, err = run(capsys, *build_args(data, PROJECT_ROOT))
    assert code == 2 and "is the project folder" in err
    assert folder_state(PROJECT_ROOT / "notebooks") == before


def test_out_is_a_symbolic_link(capsys, tmp_path, data) -> None:
    target = a_pack(tmp_path / "real-pack")
    (tmp_path / "link").symlink_to(target)
    refused(capsys, tmp_path, data, tmp_path / "link", "is a symbolic link", tmp_path)


def test_a_pack_holding_files_it_did_not_write_is_not_replaced(capsys, tmp_path, data) -> None:
    pack = a_pack(tmp_path / "pack")
    (pack / "my-notes.txt").write_text("keep me", encoding="utf-8")
    refused(capsys, tmp_path, data, pack, "is a pack but also holds files it did not write (my-notes.txt)", pack)


def test_a_failed_folder_that_is_not_ours_is_not_replaced(capsys, tmp_path, data) -> None:
    (tmp_path / "pack.failed").mkdir()
    (tmp_path / "pack.failed" / "data.csv").write_text("a,b\n", encoding="utf-8")
    before = folder_state(tmp_path)
    code, err = run(capsys, *build_args(data, tmp_path / "pack"))
    assert code == 2 and "pack.failed exists and is not a failed build's folder" in err
    assert folder_state(tmp_path) == before


CLAIMS_HEADER = (
    "claim_id,quote,source_document,section,indicator_id,evidence,measure,window_a_end,window_b_end,"
    "stated_value,tolerance,unit\n"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "claims file is empty (expected a header row and one row per claim)"),
        (b"  \n", "claims file is empty"),
        (
            CLAIMS_HEADER.encode() + b"x,caf\xe9 \x81,d,s,i,street:burglary,value,,2023-12,5,1,%\n",
            "row 2: is not text in a known encoding (byte 0x81) (expected UTF-8 (with or without a byte-order mark)",
        ),
        (
            CLAIMS_HEADER.encode() + b"x,q,d,s,i,street:asb,value,,2023-12,5,1,%\n",
            "row 2, column 'evidence': claim evidence 'street:asb' names no crime group",
        ),
        (b"claim_id\nx\n", "missing column(s) quote"),
    ],
)
def test_a_bad_claims_file_is_refused_before_any_work(capsys, tmp_path, data, content, message) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_bytes(content)
    entries = prepared_entries()
    code, err = run(capsys, *build_args(data, tmp_path / "pack", "--claims", str(claims)))
    assert code == 2
    assert err.startswith(f"error: file {claims}") and message in err and "Traceback" not in err, err
    assert prepared_entries() == entries and not (tmp_path / "pack").exists()


def test_out_inside_the_cache(capsys, tmp_path, data) -> None:
    refused(capsys, tmp_path, data, cache_root() / "prepared" / "my-pack", "is inside the cache folder", tmp_path)


def test_what_counts_as_a_pack(tmp_path) -> None:
    assert is_pack(a_pack(tmp_path / "new"))
    web_app = tmp_path / "web"
    web_app.mkdir()
    (web_app / "manifest.json").write_text('{"name": "my app", "icons": []}', encoding="utf-8")
    assert not is_pack(web_app)
    old = tmp_path / "old"  # manifest_version 1, before the format marker: every file listed
    old.mkdir()
    (old / "evidence-pack.html").write_text("x", encoding="utf-8")
    (old / "manifest.json").write_text('{"manifest_version": 1, "outputs": {"evidence-pack.html": "x"}}')
    assert is_pack(old)
    (old / "unlisted.txt").write_text("y", encoding="utf-8")
    assert not is_pack(old)
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty", tmp_path / "data")  # empty: accepted
    check_output_folder(tmp_path / "new", tmp_path / "data")  # a pack: accepted
    check_output_folder(tmp_path / "absent", tmp_path / "data")  # new: accepted
    legacy_failure = tmp_path / "absent.failed"  # kept by a failed build before the marker was added
    (legacy_failure / "notebooks").mkdir(parents=True)
    for name in ("FAILED.html", "errors.txt"):
        (legacy_failure / name).write_text("x", encoding="utf-8")
    check_output_folder(tmp_path / "absent", tmp_path / "data")  # its .failed sibling is a failure folder
    (legacy_failure / "thesis.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="absent.failed exists and is not a failed build's folder"):
        check_output_folder(tmp_path / "absent", tmp_path / "data")


def test_disk_errors_read_as_one_line(tmp_path) -> None:
    out = a_pack(tmp_path / "pack")
    full = write_error(OSError(errno.ENOSPC, "No space left on device", str(out / "x.png")), out)
    assert (
        str(full) == f"cannot write {out / 'x.png'} (no space left on device); the previous pack in {out} is untouched"
    )
    read_only = write_error(OSError(errno.EROFS, "Read-only file system", "/mnt/p"), tmp_path / "new")
    assert str(read_only) == "cannot write /mnt/p (read-only file system)"
    denied = write_error(
        PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "d" / "a.csv")), out, tmp_path / "d"
    )
    assert str(denied) == f"cannot read {tmp_path / 'd' / 'a.csv'} (permission denied)"
    assert write_error(FileNotFoundError(errno.ENOENT, "No such file"), out) is None  # not a disk problem


def test_leftovers_of_killed_builds_are_cleaned(tmp_path, caplog) -> None:
    """A build killed mid-swap left the previous pack aside: it is put back. Unfinished staging
    folders of dead processes go; a live build's staging folder stays. One log line each."""
    pid = dead_pid()
    out = tmp_path / "2024-01"
    a_pack(tmp_path / f".2024-01.old-{pid}", {"evidence-pack.html": "previous"})
    (tmp_path / f".2024-01.partial-{pid}" / "notebooks").mkdir(parents=True)
    (tmp_path / f".2024-01.partial-{pid}.interrupted").mkdir()
    live = tmp_path / f".2024-01.partial-{os.getpid()}"
    live.mkdir()
    (tmp_path / ".other.partial-1").mkdir()  # another output's: not this build's business
    with caplog.at_level(logging.INFO, logger="pack"):
        recover_leftovers(out)
    assert (out / "evidence-pack.html").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".2024-01.partial-" + str(os.getpid()),
        ".other.partial-1",
        "2024-01",
    ]
    assert f"Cleanup: put back the previous pack {out}" in caplog.text
    assert caplog.text.count("Cleanup: removed the unfinished pack") == 2


def test_a_prepare_killed_midway_is_cleaned_up(fixture_dir, caplog) -> None:
    from pack.data import prepare
    from pack.store import mark_entry

    root = cache_root() / "prepared"
    stale = root / f"reading.{dead_pid()}.abc"
    (stale / "street.parquet").mkdir(parents=True)
    mark_entry(stale)  # as a prepare marks its folder the moment it makes it
    with caplog.at_level(logging.INFO, logger="pack"):
        prepare(fixture_dir)
    assert not stale.exists()
    assert f"Cleanup: removed the unfinished prepared data {stale}" in caplog.text


FORMULA = ("=", "+", "@", "\t", "\r")


def is_plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(ANY_CHARACTER, max_size=12), min_size=1, max_size=8),
    number=st.floats(allow_nan=False, allow_infinity=False, width=32),
)
def test_no_text_cell_can_run_as_a_formula(tmp_path, texts, number) -> None:
    """Whatever the text, no cell of a written table begins with = + @ tab or CR, nor with -
    before something other than a number; numbers stay numbers; text loses nothing but gains ``'``."""
    frame = pd.DataFrame({"text": texts, "n": [number] * len(texts), "mixed": [number, *texts][: len(texts)]})
    path = write_csv(frame, tmp_path / "t.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["text", "n", "mixed"]
    for original, (text, n, _) in zip(texts, rows[1:], strict=True):
        for cell in (text, n):
            assert not cell.startswith(FORMULA)
            assert not cell.startswith("-") or is_plain_number(cell)
        written = original.replace("\r\n", "\n").replace("\r", "\n")  # line breaks as \n, always quoted
        assert text == written or text == "'" + written
        assert float(n) == pytest.approx(number, rel=1e-9, abs=1e-30)


def test_formula_text_from_inputs_is_neutralised(tmp_path) -> None:
    """The cells a hostile MI file or claims file could carry, as an analyst's Excel would see them."""
    frame = pd.DataFrame(
        {
            "source": ['=HYPERLINK("http://x","click")', "@SUM(A1:A9)", "+44 1234", "-2+3", "\t=1", "Force MI"],
            "value": [1.5, -2.0, 3, 4, 5, 6],
        }
    )
    text = write_csv(frame, tmp_path / "t.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "source,value",
        '"\'=HYPERLINK(""http://x"",""click"")",1.5',
        "'@SUM(A1:A9),-2",
        "'+44 1234,3",
        "'-2+3,4",
        "'\t=1,5",
        "Force MI,6",
    ]


# --- full and read-only disks: a real tmpfs ------------------------------------------------------


def _mount(point: Path, size_kb: int) -> None:
    point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here (needs root): {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path):
    """A function that mounts a tmpfs of a given size (in kB) under ``tmp_path``; unmounted after."""
    mounted = []

    def mount(size_kb: int) -> Path:
        point = tmp_path / f"disk{len(mounted)}"
        _mount(point, size_kb)
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def folder_size_kb(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) // 1024


@pytest.mark.slow
def test_full_and_read_only_disks(capsys, tmp_path, data, small_disk, one_priority_plan) -> None:
    """A rebuild onto a disk with room for one pack only, then onto a read-only disk: one line,
    ``cannot write ... (no space left on device / read-only file system)``, exit 2, and the
    previous pack there untouched, with no staging folder left. Packs of the plan of one priority
    (three notebooks): what is tested is how the build writes, not what the pack says."""
    plan = ("--plan", str(one_priority_plan))
    first = tmp_path / "first"
    assert run(capsys, *build_args(data, first, *plan))[0] == 0
    size = folder_size_kb(first)
    disk = small_disk(size + size // 3)  # room for the pack and a third of another
    shutil.copytree(first, disk / "pack")
    before = folder_state(disk / "pack")
    code, err = run(capsys, *build_args(data, disk / "pack", *plan, "--force"))
    assert code == 2, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: cannot write ") and "(no space left on device)" in last, err
    assert "Traceback" not in err
    assert folder_state(disk / "pack") == before
    assert [p.name for p in disk.iterdir()] == ["pack"]  # no staging folder left

    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    code, err = run(capsys, *build_args(data, disk / "pack", *plan, "--force"))
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(f"error: cannot write {disk}/.pack.partial-")
    assert "(read-only file system); the previous pack in" in err and "Traceback" not in err
    assert folder_state(disk / "pack") == before
