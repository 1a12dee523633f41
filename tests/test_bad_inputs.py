"""Bad input gets a clear message (file, row, column, expected) or a counted, reported exclusion.

Each case is a small data folder under tests/bad_inputs/ (see its README); the cases git cannot
hold (a 200 MB file, a folder named like a CSV, an unreadable file) are made here at run time.
The command-line cases also check that the user never sees a bare traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from commands import Ran, run_pack
from csvs import STREET_HEADER, street_row

from pack.config import PROJECT_ROOT
from pack.data.readers import FileReport, TextEncoding
from pack.data.stage import prepare
from pack.errors import DataError

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
STREET = "2024-01/2024-01-derbyshire-street.csv"


def case(name: str, tmp_path: Path) -> Path:
    """A writable copy of one corpus folder."""
    return shutil.copytree(CORPUS / name, tmp_path / name)


def validate(data: Path) -> Ran:
    """``run_pack.py validate --data DATA`` (in this process); no traceback may reach the user."""
    result = run_pack("validate", "--data", str(data))
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def street_info(data: Path) -> dict:
    return prepare(data).quality.input("street")


# ----------------------------------------------------------------------------------------------
# Files that cannot be read at all: the build stops with a message naming file (and row/column)


def test_empty_file(tmp_path: Path) -> None:
    result = validate(case("empty_file", tmp_path))
    assert result.returncode == 1
    assert f"file {STREET}: is empty (0 bytes); a header row and data rows were expected" in result.stderr


def test_wrong_delimiter(tmp_path: Path) -> None:
    result = validate(case("wrong_delimiter", tmp_path))
    assert result.returncode == 1
    assert (
        f"file {STREET}, row 1: the header looks separated by semicolons (expected comma-separated values)"
        in result.stderr
    )


def test_missing_column(tmp_path: Path) -> None:
    result = validate(case("missing_column", tmp_path))
    assert result.returncode == 1
    assert f"file {STREET}, row 1, column 'Crime type': missing column(s) 'Crime type'" in result.stderr


def test_renamed_column(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        prepare(case("renamed_column", tmp_path))
    message = str(err.value)
    assert "column 'LSOA code': missing column(s) 'LSOA code'; found" in message and "'LSOA_Code'" in message


def test_directory_where_a_file_is_expected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "2024-01" / "2024-01-derbyshire-street.csv").mkdir(parents=True)
    result = validate(data)
    assert result.returncode == 1
    assert f"file {STREET}: is a folder where a CSV file was expected" in result.stderr
    as_file = tmp_path / "not-a-folder.csv"
    as_file.write_text(STREET_HEADER, encoding="utf-8")
    result = validate(as_file)
    assert result.returncode != 0 and "is a file where a data folder was expected" in result.stderr


def _without_read_override() -> None:
    """In the child, before exec: drop the capabilities that let root read any file (as root,
    permission bits are otherwise ignored), so an unreadable file is unreadable here too."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop capability")


def validate_unreadable(data: Path, unreadable: Path) -> subprocess.CompletedProcess:
    """``run_pack.py validate`` on ``data`` with ``unreadable`` made unreadable (even to root)."""
    unreadable.chmod(0o000)
    try:
        return subprocess.run(
            [sys.executable, "run_pack.py", "validate", "--data", str(data)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=_without_read_override if os.geteuid() == 0 else None,
        )
    finally:
        unreadable.chmod(0o644)


@pytest.mark.slow  # starts a Python of its own (to give up root's right to read any file)
def test_unreadable_file(tmp_path: Path) -> None:
    data = case("header_only", tmp_path)
    result = validate_unreadable(data, data / STREET)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert f"file {STREET}: cannot be read: permission denied" in result.stderr


# ----------------------------------------------------------------------------------------------
# Rows that break a rule: rejected, counted and listed with row and column; the rest is kept


def test_header_only(tmp_path: Path) -> None:
    info = street_info(case("header_only", tmp_path))
    assert info.rows_read == 3 and info.months == ("2024-02",)  # January contributes nothing...
    assert f"{STREET}: header only: no data rows" in info.notes  # ...and the report says why


def test_truncated_last_line(tmp_path: Path) -> None:
    info = street_info(case("truncated_last_line", tmp_path))
    assert (info.rows_kept, info.rows_rejected) == (3, 1)
    [rejection] = info.rejections
    assert (rejection.row, rejection.column) == (5, "(whole row)")
    assert rejection.reason.startswith("has 4 field(s), expected 12 (truncated or malformed line")


def test_extra_columns_are_kept_out_and_noted(tmp_path: Path) -> None:
    info = street_info(case("extra_columns", tmp_path))
    assert (info.rows_kept, info.rows_rejected) == (3, 0)
    assert f"{STREET}: 2 column(s) not used: Analyst note, Checked" in info.notes


def test_excel_cp1252_text(tmp_path: Path) -> None:
    data = case("excel_cp1252", tmp_path)
    prepared = prepare(data)
    street = prepared.quality.input("street")
    assert f"{STREET}: not UTF-8: read as Windows-1252 text (as Excel saves CSV)" in street.notes
    import pandas as pd

    locations = pd.read_parquet(prepared.path / "street.parquet")["location"].tolist()
    assert "On or near St Mary’s Gate" in locations  # the curly apostrophe survives
    note = pd.read_parquet(prepared.path / "mi.parquet")["note"].iloc[0]
    assert note == "Members of “Neighbourhood Watch” schemes; grant £12,000"


def test_mixed_encodings_are_refused_naming_the_first_row_that_differs(tmp_path: Path) -> None:
    result = validate(case("mixed_encodings", tmp_path))
    assert result.returncode == 1
    assert (
        f"file {STREET}, row 3: is UTF-8 text up to here but not from this row on (mixed encodings) "
        "(expected one encoding throughout: save the file again as UTF-8)"
    ) in result.stderr


def test_the_encoding_is_decided_run_by_run() -> None:
    """ASCII runs, then a Windows-1252 run: the whole file reads as Windows-1252 (ASCII reads the
    same either way). A UTF-8 run, then a Windows-1252 run: refused, naming the row."""
    excel = TextEncoding(FileReport("a.csv"))
    assert [excel.of(b"plain,text\n", 2), excel.of(b"St Mary\x92s\n", 3), excel.of(b"Caf\xc3\xa9\n", 4)] == [
        "utf-8",
        "cp1252",
        "cp1252",
    ]
    assert excel.report.encoding == "cp1252"
    mixed = TextEncoding(FileReport("b.csv"))
    assert mixed.of(b"Caf\xc3\xa9\n", 2) == "utf-8"
    with pytest.raises(DataError, match="row 4: is UTF-8 text up to here"):
        mixed.of(b"fine\nSt Mary\x92s\n", 3)


def test_malformed_month_and_month_outside_the_file(tmp_path: Path) -> None:
    info = street_info(case("bad_month", tmp_path))
    assert (info.rows_kept, info.rows_rejected) == (2, 3)
    found = {(r.row, r.value, r.reason) for r in info.rejections}
    assert (3, "2024-13", "expected a month written YYYY-MM") in found
    assert (4, "Jan-24", "expected a month written YYYY-MM") in found
    assert (5, "2024-02", "expected the file's own month 2024-01") in found
    assert info.rejection_reasons["Month: expected the file's own month 2024-01"] == 3


def test_same_month_in_two_files(tmp_path: Path) -> None:
    info = street_info(case("same_month_twice", tmp_path))
    assert info.rows_kept == 3  # not 6
    assert any("two or more downloads of 2024-01: chose download-2/" in n for n in info.notes)


def test_missing_month_folder(tmp_path: Path) -> None:
    data = case("month_folder_missing", tmp_path)
    info = street_info(data)
    assert info.missing_months == ("2024-01",)
    result = validate(data)
    assert "months 2023-11..2023-12, 2024-02 (missing 2024-01)" in result.stdout
    build = run_pack(
        "build", "--data", str(data), "--period", "2024-02", "--window", "3", "--out", str(tmp_path / "pack")
    )
    assert build.returncode == 2 and "Traceback" not in build.stderr
    assert "2024-01" in build.stderr and not (tmp_path / "pack").exists()


def test_non_numeric_values(tmp_path: Path) -> None:
    quality = prepare(case("non_numeric", tmp_path)).quality.inputs
    street = {(r.row, r.column): r for r in quality["street"].rejections}
    assert list(street) == [(4, "(whole row)")]
    assert street[(4, "(whole row)")].reason.startswith("has 13 field(s)")  # -1,48 unquoted: one field too many
    # a longitude of "abc" loses the value, not the crime: the record is kept (it still counts), without a place
    assert quality["street"].rows_kept == 3
    assert (
        f"{STREET}: Longitude: expected a number from -180 to 180, or empty: 1 value(s) removed, rows kept "
        "(e.g. row 3: 'abc')"
    ) in quality["street"].notes
    # row 4 is a lost record: January is not covered, and the reason names the file and row
    assert quality["street"].months == () and "row 4" in quality["street"].incomplete_months["2024-01"]
    calls = quality["calls"].rejections
    assert [(r.row, r.column, r.value) for r in calls] == [(3, "calls_received", "twelve thousand")]
    assert quality["calls"].rows_kept == 1
    population = quality["population"].rejections
    assert [(r.row, r.column, r.value) for r in population] == [(3, "population", "n/a")]


def test_blank_lines_are_counted_not_rejected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "2024-01").mkdir(parents=True)
    (data / STREET).write_text(STREET_HEADER + street_row("a", "2024-01") + "\n\n" + street_row("b", "2024-01"))
    info = street_info(data)
    assert (info.rows_kept, info.rows_rejected) == (2, 0)
    assert f"{STREET}: 2 blank line(s) ignored" in info.notes


# This process's own peak RSS in MB, printed last. Not ``ru_maxrss``: Linux carries the peak of the
# memory a process replaces over ``exec``, and a child that Python starts with vfork replaces its
# parent's, so a probe started from a pytest process of 630 MB reported 630 MB whatever it used itself.
# ``VmHWM`` is the peak of this process's own memory since it started.
PEAK_RSS_MB = (
    "import re; from pathlib import Path; "
    "print(int(re.search(r'VmHWM:\\s*(\\d+) kB', Path('/proc/self/status').read_text()).group(1)) // 1024)"
)


def test_a_probe_reports_its_own_peak_not_its_parents() -> None:
    held = bytearray(256 << 20)  # this process's peak is now over 256 MB; the probe's is about 10 MB
    held[:: 1 << 12] = b"x" * len(held[:: 1 << 12])  # touched, so resident
    result = subprocess.run([sys.executable, "-c", PEAK_RSS_MB], capture_output=True, text=True, check=True)
    assert int(result.stdout.split()[-1]) < 100, result.stdout


@pytest.mark.slow
def test_200_mb_file_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    data = tmp_path / "big"
    path = data / STREET
    path.parent.mkdir(parents=True)
    rows = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(STREET_HEADER)
        while handle.tell() < 200_000_000:
            block = []
            for _ in range(10_000):
                rows += 1
                month = "2024-01" if rows % 100_000 else "2024-1"  # a bad Month every 100,000 rows
                block.append(
                    f"{rows:064x},{month},Derbyshire Constabulary,Derbyshire Constabulary,-1.48,52.92,"
                    f"On or near Arthur Street,E0101{rows % 3000:04d},Derby {rows % 300:03d}B,Burglary,"
                    "Investigation complete; no suspect identified,\n"
                )
            handle.write("".join(block))
    probe = (
        "import sys; from pathlib import Path; from pack.data.stage import prepare; "
        "q = prepare(Path(sys.argv[1])).quality.input('street'); "
        "print(q.rows_read, q.rows_kept, q.rows_rejected)\n" + PEAK_RSS_MB
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(data)], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    read, kept, rejected, peak_mb = (int(v) for v in result.stdout.split())
    assert (read, kept, rejected) == (rows, rows - rows // 100_000, rows // 100_000)
    # reading the whole file into pandas takes ~740 MB here; streamed, with the checks of every row (repeated
    # IDs, duplicates), the probe's own peak is 350-410 MB (measured 2026-12-07, 2 cores, alone and loaded,
    # the same at every commit since streaming came in). The 632 MB that once failed here was the pytest
    # process's peak, which ru_maxrss reported for its child (see PEAK_RSS_MB).
    assert peak_mb < 620, f"peak RSS {peak_mb} MB: the file was not streamed"


# ----------------------------------------------------------------------------------------------
# Every corpus folder: `validate` exits as its expected.txt says and prints each of its lines


def expected_of(folder: Path) -> tuple[int, list[str]]:
    """``(exit code, lines validate must print)`` from a folder's ``expected.txt``."""
    lines = [line for line in (folder / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    code = next(int(line.split()[1]) for line in lines if line.startswith("exit "))
    return code, [line for line in lines if not line.startswith("exit ")]


CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_every_corpus_folder_says_what_it_expects_and_is_listed() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in CASES:
        assert (CORPUS / name / "expected.txt").is_file(), f"{name}: no expected.txt"
        assert f"| `{name}` |" in readme, f"{name}: not listed in tests/bad_inputs/README.md"


@pytest.mark.parametrize("name", CASES)
def test_validate_prints_the_expected_message(name: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from pack.cli import main

    code, lines = expected_of(CORPUS / name)
    got = main(["validate", "--data", str(case(name, tmp_path))])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert got == code, out + err
    for line in lines:
        assert line in out + err, f"{name}: {line!r} not printed:\n{out}{err}"
    if code == 0:  # a valid folder: every line of every file it read is accounted for
        quality = prepare(case(name, tmp_path / "again")).quality
        assert all(info.balanced for info in quality.inputs.values())


@pytest.mark.slow  # starts a Python of its own (to give up root's right to read any file)
def test_an_unreadable_lookup_is_an_error_not_a_section_left_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "ons").mkdir(parents=True)
    lookup = data / "ons" / "ruc.csv"
    lookup.write_text("LSOA11CD,RUC11CD\nE01019400,D1\n", encoding="utf-8")
    result = validate_unreadable(data, lookup)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "file ons/ruc.csv: cannot be read: permission denied" in result.stderr


def test_a_linked_sub_folder_is_read_and_a_link_out_of_the_folder_skipped(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(CORPUS / "header_only" / "2024-02", elsewhere / "2024-02")
    data = shutil.copytree(CORPUS / "header_only", tmp_path / "data")
    shutil.rmtree(data / "2024-02")
    (data / "downloads").mkdir()
    shutil.copytree(elsewhere / "2024-02", data / "downloads" / "2024-02")
    (data / "2024-02").symlink_to(data / "downloads" / "2024-02")  # a link inside the folder: followed
    info = street_info(data)
    assert info.months == ("2024-02",) and info.rows_kept == 3  # its file is the one under downloads/: read once
    assert (
        "downloads/2024-02/2024-02-derbyshire-street.csv: the same content as 2024-02/2024-02-derbyshire-street.csv: "
        "read once"
    ) in " ".join(info.notes)
    (data / "2024-02").unlink()
    shutil.rmtree(data / "downloads")
    (data / "2024-02").symlink_to(elsewhere / "2024-02")  # out of the folder: never followed, and said so
    result = validate(data)
    assert result.returncode == 0 and "3 rows kept" not in result.stdout
    assert (
        f"Data: 1 symbolic link(s) not followed: 2024-02 (leads out of the data folder, to {elsewhere / '2024-02'})"
        in (result.stderr)
    )


ONE_PRIORITY_PLAN = Path(__file__).resolve().parent / "plans" / "one-priority.toml"
ROAD_MEASURES = ("ksi_casualties", "killed_casualties", "seriously_injured_casualties")  # section roads
OUTCOME_MEASURES = ("crimes_with_outcome_pct", "charge_rate_pct")  # section victims_outcomes


def one_priority_reading(folder: Path, sections: tuple[str, ...], measures: tuple[str, ...]) -> Path:
    """The one-priority test plan (``tests/plans/one-priority.toml``) with ``sections`` and ``measures``
    added to its priority, in ``folder`` beside its notebooks: a build of three notebooks whose one
    priority reads the inputs a test gives (STATS19, outcomes, peers, management information ...),
    as the default plan's eight would. What these builds test is that such inputs build, not the
    pack's contents."""
    from pack.notebook_templates.files import write_plan_notebooks
    from pack.plan import load_plan

    def added(names: tuple[str, ...]):  # noqa: ANN202
        return lambda line: line[1] + "".join(f', "{name}"' for name in names) + "]"

    text = ONE_PRIORITY_PLAN.read_text(encoding="utf-8")
    for key, names in (("sections", sections), ("measures", measures)):
        text, found = re.subn(rf"^({key} = \[.*)\]$", added(names), text, flags=re.MULTILINE)
        assert found == 1, key
    folder.mkdir(parents=True)
    plan = folder / ONE_PRIORITY_PLAN.name
    plan.write_text(text, encoding="utf-8")
    write_plan_notebooks(load_plan(plan))
    return plan


def _build(data: Path, out: Path, period: str, baseline: str, plan: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run_pack.py", "build", "--data", str(data), "--out", str(out), "--period", period]
        + ["--window", "1", "--baseline", baseline, "--plan", str(plan)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.long  # a build of its own
@pytest.mark.slow
def test_overlapping_stats19_files_and_a_dollar_district_build(tmp_path: Path) -> None:
    """What passes validate builds: two STATS19 files holding the same collisions (a yearly and a
    five-year file), a collision dated 29/02/2023, and a district named with matplotlib's maths marks.
    Built on one priority that reads both, as the default plan's road safety and neighbourhood crime
    notebooks do: section roads (the collisions), crime_groups (its district chart names the district)."""
    data = case("stats19_overlap", tmp_path)
    dollar = (CORPUS / "dollar_district" / STREET).read_text(encoding="utf-8").splitlines()[1:]
    february = data / "2023-02" / "2023-02-derbyshire-street.csv"
    with february.open("a", encoding="utf-8") as handle:
        handle.write("".join(line.replace("2024-01", "2023-02") + "\n" for line in dollar))
    plan = one_priority_reading(tmp_path / "plan", ("roads",), ROAD_MEASURES)
    result = _build(data, tmp_path / "pack", "2023-02", "2023-01", plan)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "pack" / "evidence-pack.html").is_file()


@pytest.mark.long  # a build of its own
@pytest.mark.slow
def test_outcome_files_without_street_files_build(tmp_path: Path) -> None:
    """Built on one priority of crime_groups (no street files) and victims_outcomes (the outcomes,
    not usable), the sections of the default plan that read them."""
    plan = one_priority_reading(tmp_path / "plan", ("victims_outcomes",), OUTCOME_MEASURES)
    result = _build(case("outcomes_only", tmp_path), tmp_path / "pack", "2024-01", "2023-12", plan)
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_zip_member_listed_in_a_manifest_is_read_again_from_its_archive(tmp_path: Path) -> None:
    """verify reads exactly the files a manifest lists: a CSV file inside a zip archive is listed as
    ``archive.zip/member.csv`` (with the archive's hash) and read from the archive again."""
    from dataclasses import asdict

    from pack.data.stage import listed_inputs

    data = case("zip_archive", tmp_path)
    first = prepare(data)
    listing = [asdict(f) for f in first.quality.files]
    members = [f for f in listing if f["path"].startswith("downloads/police-uk-2024.zip/")]
    assert [f["path"].rsplit("/", 1)[1] for f in members] == [
        "2024-01-derbyshire-street.csv",
        "2024-02-derbyshire-street.csv",
    ]
    again = prepare(data, files=listed_inputs(data, listing))
    assert again.quality.input("street").rows_kept == first.quality.input("street").rows_kept == 8
    assert again.key == first.key


def test_a_zip_member_compressed_by_a_method_python_cannot_read_is_named(tmp_path: Path) -> None:
    """A member of a zip archive written with a compression method zipfile cannot read (here marked
    Deflate64, method 9, as Windows writes large archives): its file is named with the reason, for
    another force's file as for the plan force's, and no traceback."""
    data = tmp_path / "data"
    data.mkdir()
    rows = "".join(street_row(f"c{k}", "2024-01") for k in range(3))
    with zipfile.ZipFile(data / "archive.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(STREET, STREET_HEADER + rows)
        other = rows.replace("Derbyshire Constabulary", "Leicestershire Police")
        archive.writestr("2024-01/2024-01-leicestershire-street.csv", STREET_HEADER + other)
    written = bytearray((data / "archive.zip").read_bytes())
    start = 0
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # each local header and directory entry
        while (start := written.find(signature, start)) >= 0:
            written[start + method_at : start + method_at + 2] = (9).to_bytes(2, "little")
            start += 4
        start = 0
    (data / "archive.zip").write_bytes(written)
    result = validate(data)
    assert result.returncode == 1
    for member in (STREET, "2024-01/2024-01-leicestershire-street.csv"):
        assert f"file archive.zip/{member}: cannot be decompressed: That compression method is not supported" in (
            result.stderr
        ), result.stderr
