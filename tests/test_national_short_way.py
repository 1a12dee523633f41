"""The short way (pack.data.national) gives exactly what the full, row-by-row reading gives, for every
other force's street file: the same counts by force, month and crime type, the same account of every
line, the same notes and the same SHA-256; a file it cannot vouch for it refuses (the full way reads
it). Proved for random files (hypothesis), for a file too large to hold in memory (read run by run),
and for the awkward files one by one (empty, header only, a short file after a long one ...)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

import pack.data.national as national
import pack.data.policeuk_file as policeuk_file
from pack.data.policeuk_file import FileResult, count_other_force_file, read_police_uk_file
from pack.data.schemas import POLICE_UK_CRIME_TYPES

FORCE = "Derbyshire Constabulary"  # the plan force
MONTH = "2022-01"
NAME = f"{MONTH}-leicestershire-street.csv"  # a street file of another force, by its name
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
OTHERS = ("Leicestershire Police", "Nottinghamshire Police", "Metropolitan Police Service")
LOCATIONS = (
    "On or near Arthur Street",
    '"On or near Arthur Street, Derby"',  # a quoted comma
    '"On or near\nArthur Street"',  # a quoted line break: one record over two lines
    'On or near "Arthur Street',  # a stray quote
    '"On or near ""The Arch"""',  # an escaped quote
)


def street_row(k: int, force: str, month: str, crime_type: str, location: str = LOCATIONS[0]) -> str:
    """One data.police.uk street record (no line end)."""
    return (
        f"{k:064x},{month},{force},{force},-1.48,52.92,{location},E01013{k % 100:03d},"
        f"Derby 0{k % 10:02d}A,{crime_type},Investigation complete; no suspect identified,"
    )


@st.composite
def street_files(draw: st.DrawFn, plain: bool = False) -> bytes:
    """A small street file of other forces. Half the files (every one when ``plain``, with a record at
    least) are plain: what the short way must count (quoted fields, a stray quote inside a field, CRLF,
    no last newline, a byte order mark); the other half sometimes have what it must notice and leave
    to the full reading."""
    odd = not plain and draw(st.booleans())

    def sometimes(one_in: int) -> bool:
        return odd and not draw(st.integers(0, one_in - 1))

    rows = []
    for k in range(draw(st.integers(1 if plain else 0, 6))):
        force = FORCE if sometimes(10) else draw(st.sampled_from(OTHERS))
        if sometimes(10):  # the plan force in other case or spacing: the full way reads it as the force
            force = draw(st.sampled_from([FORCE.upper(), FORCE.lower(), f"{FORCE} ", FORCE.replace(" ", "  ")]))
        crime_type = draw(st.sampled_from(POLICE_UK_CRIME_TYPES))
        if sometimes(10):
            crime_type = crime_type.lower()  # a variant: the full way reads it as the listed type
        month = "2021-12" if sometimes(10) else MONTH
        plain = [location for location in LOCATIONS if "\n" not in location]
        location = draw(st.sampled_from(LOCATIONS if odd else plain)) if draw(st.integers(0, 2)) == 0 else LOCATIONS[0]
        row = street_row(k, force, month, crime_type, location)
        if sometimes(12):  # what the full reading notes or rejects in another force's row
            row = draw(
                st.sampled_from(
                    [
                        row.replace(f",{force},-1.48", ", ,-1.48"),  # no force: rejected
                        row.replace(",E01013", ",X01013"),  # not an LSOA code: removed, noted
                        row.replace("Investigation complete", "investigation complete"),  # a variant outcome
                        row.replace("On or near", "On or near £1 Shop,"),  # a pound sign (and a field too many)
                        row.replace("On or near", "On or near £1 Shop"),  # a pound sign
                    ]
                )
            )
        rows.append(row)
    lines = [HEADER, *rows]
    if rows and sometimes(6):
        lines.insert(draw(st.integers(1, len(lines))), "")  # a blank line
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + (ending if draw(st.booleans()) else "")
    if rows and sometimes(8):  # a lone carriage return (an old Mac line end) in a location
        text = text.replace("On or near Arthur", "On or near\rArthur", 1)
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "cp1252"])))  # as Excel saves CSV
    if not draw(st.integers(0, 5)):
        data = b"\xef\xbb\xbf" + data  # a UTF-8 byte order mark
    return data


def _full_way(path: Path, member: str | None, relative: str, part: Path) -> FileResult:
    """The file read row by row: the short way not taken."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(policeuk_file, "count_other_force_street", lambda *args, **kwargs: (None, False))
        return read_police_uk_file("street", path, member, relative, FORCE, part)


def _both_ways(folder: Path, data: bytes, zipped: bool = False) -> tuple[FileResult, FileResult | None, FileResult]:
    """``(short way allowed, short way only, full way)`` for one file of ``data`` (or a member of a
    zip archive, as data.police.uk's national archive is); each starts with no part. The short way's
    own result is given without its ``text_sha256`` (checked here: the SHA-256 of ``data``), which the
    full reading does not give."""
    if zipped:
        path, member, relative = folder / "national.zip", f"{MONTH}/{NAME}", f"national.zip/{MONTH}/{NAME}"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(member, data)
    else:
        path, member, relative = folder / NAME, None, f"data/{NAME}"
        path.write_bytes(data)
    shutil.rmtree(folder / "parts", ignore_errors=True)
    allowed = read_police_uk_file("street", path, member, relative, FORCE, folder / "parts" / "one.parquet")
    direct, reused = count_other_force_file("street", path, member, relative, FORCE)
    assert not reused
    if direct is not None:
        assert direct.text_sha256 == hashlib.sha256(data).hexdigest()
        direct = replace(direct, text_sha256=None)
    shutil.rmtree(folder / "parts", ignore_errors=True)
    full = _full_way(path, member, relative, folder / "parts" / "one.parquet")
    return allowed, direct, full


def _assert_same(folder: Path, data: bytes, zipped: bool = False) -> FileResult | None:
    """The three readings agree; returns the short way's own result (``None``: it refused)."""
    allowed, direct, full = _both_ways(folder, data, zipped)
    if not zipped:  # (a zip member's file is its archive)
        assert full.sha256 == hashlib.sha256(data).hexdigest() or full.error is not None
    assert allowed == full  # counts, other forces, the whole account and notes, hash, part
    if direct is not None:
        assert direct == full
        assert full.report is not None and full.report.balanced()
    return direct


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=street_files(), zipped=st.booleans())
def test_the_short_way_gives_what_the_full_reading_gives(data: bytes, zipped: bool) -> None:
    """For any other force's street file (on its own, or a member of a zip archive), reading with the
    short way allowed gives exactly the full reading's result, and the short way alone, when it
    answers, gives it too."""
    with tempfile.TemporaryDirectory() as folder:
        _assert_same(Path(folder), data, zipped)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=street_files(), zipped=st.booleans())
def test_a_file_larger_than_memory_holds_is_counted_run_by_run_the_same(data: bytes, zipped: bool) -> None:
    """Above WHOLE_FILE_BYTES (made 200 bytes here: every generated file with a record is larger,
    a header alone is 165 bytes) the file is read from disk run by run (``_count_in_runs``), with the
    same result as the full reading."""
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        patch.setattr(national, "WHOLE_FILE_BYTES", 200)
        _assert_same(Path(folder), data, zipped)


def _clean(rows: int, location: str = LOCATIONS[0], force: str = OTHERS[0]) -> bytes:
    return (
        "\n".join([HEADER, *(street_row(k, force, MONTH, "Burglary", location) for k in range(rows))]).encode() + b"\n"
    )


@pytest.mark.parametrize(
    ("whole_file_bytes", "zipped"),
    [(national.WHOLE_FILE_BYTES, False), (national.WHOLE_FILE_BYTES, True), (200, False)],
)
@pytest.mark.parametrize("location", [LOCATIONS[0], LOCATIONS[1], LOCATIONS[4]])
def test_a_clean_file_is_counted_the_short_way(
    tmp_path: Path, whole_file_bytes: int, zipped: bool, location: str
) -> None:
    """The property is not empty: a clean file (with or without quotes, held whole, a zip member, or
    read in runs) IS counted the short way, as 1 header + 3 records, 3 burglaries of Leicestershire."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(national, "WHOLE_FILE_BYTES", whole_file_bytes)
        allowed, direct, full = _both_ways(tmp_path, _clean(3, location), zipped)
        counted = None if zipped else national.count_other_force_street(tmp_path / NAME, NAME, MONTH, FORCE, None)[0]
    assert allowed == full
    if whole_file_bytes == 200:  # too large to hold: counted run by run, by the full reading's first step
        assert direct is None and counted is not None
        result, account = full, counted.report
    else:
        assert direct is not None and direct == full
        result, account = direct, direct.report
    assert account is not None
    assert (account.lines, account.header_lines, account.rows_other_forces) == (4, 1, 3)
    assert result.force_counts == Counter({("Leicestershire Police", MONTH, "Burglary"): 3})


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=street_files(plain=True), zipped=st.booleans())
def test_a_plain_random_file_is_counted_the_short_way(data: bytes, zipped: bool) -> None:
    """The property above is not empty: every plain file of the strategy (the half of its files with
    nothing for the full reading to note) IS counted the short way, with the full reading's result."""
    with tempfile.TemporaryDirectory() as folder:
        assert _assert_same(Path(folder), data, zipped) is not None


def _row(k: int, **changes: str) -> str:
    """A clean Leicestershire burglary of 2022-01 with some fields changed (by column name)."""
    fields = dict(zip(HEADER.split(","), street_row(k, OTHERS[0], MONTH, "Burglary").split(","), strict=True))
    return ",".join({**fields, **changes}.values())


AWKWARD = {
    # (what, file bytes)
    "empty (0 bytes)": b"",
    "header only": (HEADER + "\n").encode(),
    "header only, no newline": HEADER.encode(),
    "no Crime type column": "\n".join([HEADER.replace(",Crime type", ""), _row(1).replace(",Burglary", "")]).encode(),
    "no Location column (a required one)": "\n".join(
        [HEADER.replace(",Location", ""), _row(1).replace(",On or near Arthur Street", "")]
    ).encode(),
    "an extra column (noted as not used)": "\n".join([HEADER + ",Extra", _row(1) + ",x"]).encode(),
    "a location in Windows-1252 (a pound sign)": "\n".join(
        [HEADER, _row(1, Location="On or near £1 Shop"), _row(2)]
    ).encode("cp1252"),
    "Falls within the plan force in capitals (read as it)": "\n".join(
        [HEADER, _row(1), _row(2, **{"Falls within": FORCE.upper()})]
    ).encode(),
    "Falls within the plan force with a trailing space (read as it)": "\n".join(
        [HEADER, _row(1, **{"Falls within": f"{FORCE} "})]
    ).encode(),
    "Falls within only a space (rejected: no force)": "\n".join([HEADER, _row(1, **{"Falls within": " "})]).encode(),
    "an LSOA code that is not one (removed, noted)": "\n".join([HEADER, _row(1, **{"LSOA code": "XX"})]).encode(),
    "an outcome not in the list (noted)": "\n".join(
        [HEADER, _row(1, **{"Last outcome category": "Whatever"})]
    ).encode(),
    "a last line cut short": "\n".join([HEADER, _row(1), _row(2)[:90]]).encode(),
    "a blank line at the end (CRLF)": "\r\n".join([HEADER, _row(1), "", ""]).encode(),
}


@pytest.mark.parametrize(
    ("whole_file_bytes", "zipped"),
    [(national.WHOLE_FILE_BYTES, False), (national.WHOLE_FILE_BYTES, True), (200, False)],
)
@pytest.mark.parametrize("what", list(AWKWARD))
def test_an_awkward_file_is_read_as_the_full_reading_reads_it(
    tmp_path: Path, what: str, whole_file_bytes: int, zipped: bool
) -> None:
    """Each file the short way must not misjudge: with it allowed, the result is the full reading's,
    field for field (an error, a rejected row, a note, the encoding), and the short way alone either
    refuses it or gives the same."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(national, "WHOLE_FILE_BYTES", whole_file_bytes)
        allowed, direct, full = _both_ways(tmp_path, AWKWARD[what], zipped)
    assert allowed == full
    assert direct is None or direct == full


def test_a_short_file_after_a_long_one_in_the_same_thread(tmp_path: Path) -> None:
    """The thread's read buffer keeps a long file's bytes past a shorter file's end: none of them
    may count. The long file ends with a quote and a row of the plan force; the short one after it
    is clean: it is still counted the short way, 2 burglaries, 3 lines (by hand: header + 2 rows)."""
    long = "\n".join([HEADER, *(_row(k) for k in range(200)), street_row(9, FORCE, MONTH, "Drugs", LOCATIONS[1])])
    allowed, direct, full = _both_ways(tmp_path, long.encode())
    assert direct is None and allowed == full  # a row of the plan force: the full way reads it
    allowed, direct, full = _both_ways(tmp_path, _clean(2))
    assert direct is not None and direct == allowed == full
    assert direct.report is not None and (direct.report.lines, direct.report.rows_read) == (3, 2)
    assert direct.force_counts == Counter({("Leicestershire Police", MONTH, "Burglary"): 2})
