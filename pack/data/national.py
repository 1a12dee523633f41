"""Another force's street file in a national archive: counted for the national comparison, not kept.

The plan force's notebooks use none of another force's records; the national comparison needs only
their number by ``Falls within``, ``Month`` and ``Crime type``. So a street file whose name is of
another force is counted from a few of its columns (Arrow's CSV reader): those three, and the two
the full reading checks in another force's rows (``LSOA code``, ``Last outcome category``), with every
line of the file still accounted for and every byte hashed once.

A file (or zip member) of up to :data:`WHOLE_FILE_BYTES` is read once, into memory (a buffer per
thread: the preparing process counts these files in threads): hashed, parsed and its lines counted
from the same bytes. When it holds no quote at all, each line after the header is one
record or the parse fails (blank lines are not skipped), so its account is its line count; a file
with a quote, or a larger one, has its lines accounted for run by run
(:func:`pack.data.readers.count_lines`, which finds quoted line breaks and stray quotes).

The short way is taken only when it gives exactly what the full reading would count: every row of
the file's own month, a crime type from data.police.uk's list as written, a ``Falls within`` that
is not the plan force (nor blank), no blank line, no record running over a line break or mended for
a stray quote, and as many records as the file has record lines. What the full reading would note
about the file is checked too: its columns are those of the contract (none missing, none extra),
every byte is UTF-8, every LSOA code is one (or empty) and every outcome is from the list as
written. Anything else (a cp1252 file, a variant crime type, a stray quote, a row of the plan force)
is read the full way, row by row, with the rules of the data contract. The other columns are not
checked: the full reading checks nothing in them for another force's rows either.
"""

from __future__ import annotations

import codecs
import os
import threading
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as arrow
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from pack.data.domains import same_force
from pack.data.file_report import FileReport
from pack.data.lines import is_ascii, line_count
from pack.data.readers import count_lines, read_header
from pack.data.schemas import LSOA_PATTERN
from pack.data.specs import spec

COUNTED = ["Falls within", "Month", "Crime type"]
_STREET = spec("street")
_DOMAINS = {domain.column: domain.values for domain in _STREET.domains}  # Crime type, Last outcome category
READ = list(dict.fromkeys([*COUNTED, "LSOA code", *_DOMAINS]))  # the columns the short way reads
WHOLE_FILE_BYTES = 64 << 20  # a file up to this size is read into memory at once (one per thread)
_TEXT = arrow.dictionary(arrow.int32(), arrow.string())
_buffers = threading.local()  # each thread's reusable read buffer


@dataclass
class Counted:
    """What the short way found: the file's account and its records by force, month and crime type."""

    report: FileReport
    by_force: Counter[str]
    force_counts: Counter[tuple[str, str, str]]


def _three_columns(source: Path | arrow.Buffer, quoted: bool = True) -> arrow.Table | None:
    """The three counted columns, dictionary-encoded text in one chunk, or ``None`` when Arrow cannot
    read them as written (or finds a blank line, which it is told not to skip)."""
    try:
        table = arrow_csv.read_csv(
            source if isinstance(source, Path) else arrow.BufferReader(source),
            read_options=arrow_csv.ReadOptions(use_threads=False, block_size=16 << 20),
            parse_options=arrow_csv.ParseOptions(quote_char='"' if quoted else False, ignore_empty_lines=False),
            convert_options=arrow_csv.ConvertOptions(
                include_columns=READ, column_types=dict.fromkeys(READ, _TEXT), strings_can_be_null=False
            ),
        )
    except (arrow.ArrowInvalid, KeyError, OSError, UnicodeDecodeError):
        return None
    return table.unify_dictionaries().combine_chunks()


def _plainly_counted(table: arrow.Table, month: str, force: str) -> bool:
    """Every row of ``month``, a force other than ``force`` in any case or spacing (the full reading
    reads such a variant as the force) and not blank (the full reading rejects the row), an LSOA code
    or none, and values of the street domains (crime type, outcome) as listed (a dictionary column
    holds each value found once, so the values are checked, not the rows)."""
    if table.num_rows == 0:
        return False
    lsoa = _values(table, "LSOA code")  # RE2's \d is ASCII only: a value it refuses may be read the full way
    return bool(
        pc.all(pc.equal(_values(table, "Month"), month)).as_py()
        and all(value.strip() and not same_force(value, force) for value in _values(table, "Falls within").to_pylist())
        and pc.all(pc.or_(pc.equal(lsoa, ""), pc.match_substring_regex(lsoa, LSOA_PATTERN))).as_py() is not False
        and all(
            pc.all(pc.is_in(_values(table, column), value_set=arrow.array(values))).as_py() is not False
            for column, values in _DOMAINS.items()
        )
    )


def _contract_columns(source: Path | bytes) -> bool:
    """The header (of a file, or of its text) has every column the full reading requires and none it
    would note as not used."""
    header = read_header(source)
    return set(_STREET.required) <= set(header) and all(c in (_STREET.kept or ()) for c in header)


def _utf8(data: memoryview) -> bool:
    """Every byte is UTF-8 text (else the full reading notes, or refuses, another encoding)."""
    if is_ascii(data):
        return True
    try:
        codecs.utf_8_decode(data, "strict", True)
    except UnicodeDecodeError:
        return False
    return True


def _values(table: arrow.Table, column: str) -> arrow.Array:
    chunks = table.column(column).chunks
    return chunks[0].dictionary if chunks else arrow.array([], arrow.string())


def _codes(table: arrow.Table, column: str) -> np.ndarray:
    return table.column(column).chunks[0].indices.to_numpy().astype(np.int64)


def _grouped(table: arrow.Table, month: str) -> tuple[Counter[str], Counter[tuple[str, str, str]]]:
    """Records by force, and by (force, month, crime type), of a table of ``month`` alone."""
    falls, types = _values(table, "Falls within").to_pylist(), _values(table, "Crime type").to_pylist()
    tally = np.bincount(_codes(table, "Falls within") * len(types) + _codes(table, "Crime type"))
    force_counts: Counter[tuple[str, str, str]] = Counter()
    by_force: Counter[str] = Counter()
    for code in np.flatnonzero(tally):
        force = falls[code // len(types)]
        force_counts[(force, month, types[code % len(types)])] += int(tally[code])
        by_force[force] += int(tally[code])
    return by_force, Counter(dict(sorted(force_counts.items())))


def read_whole(path: Path, member: str | None = None) -> memoryview | None:
    """A file's bytes (or a zip archive ``member``'s, decompressed), read into this thread's buffer:
    valid until its next call. ``None`` when larger than :data:`WHOLE_FILE_BYTES` (or it grows
    while read)."""
    if member is not None:
        archive = _archive(path)
        size = archive.getinfo(member).file_size
        opened = archive.open(member)
    else:
        opened = path.open("rb", buffering=0)
        size = os.fstat(opened.fileno()).st_size
    with opened as handle:
        if size > WHOLE_FILE_BYTES:
            return None
        buffer = getattr(_buffers, "data", None)
        if buffer is None or len(buffer) < size + 1:
            buffer = _buffers.data = bytearray(max(size + 1, 1 << 20))
        view, read = memoryview(buffer), 0
        while read <= size:
            got = handle.readinto(view[read : size + 1])
            if not got:
                break
            read += got
    return None if read > size else view[:read]


def _archive(path: Path) -> zipfile.ZipFile:
    """This thread's open zip archive ``path``, kept open for its next member (its directory is read
    once) while the file at ``path`` is the same one, unchanged."""
    state = os.stat(path)
    now = (path, state.st_ino, state.st_size, state.st_mtime_ns, state.st_ctime_ns)
    kept: tuple[tuple, zipfile.ZipFile] | None = getattr(_buffers, "archive", None)
    if kept is not None and kept[0] == now:
        return kept[1]
    if kept is not None:
        kept[1].close()
    archive = zipfile.ZipFile(path)
    _buffers.archive = (now, archive)
    return archive


def count_text(data: memoryview, relative: str, month: str, force: str, path: Path | None) -> Counted | None:
    """A street file's text (all of it, read by :func:`read_whole`) counted the short way, or ``None``
    when it must be read the full way. ``path``: the file on disk, whose lines are accounted for run
    by run when the text holds a quote (``None``, a zip member: a copy of its text is)."""
    text: bytearray = data.obj  # type: ignore[assignment]
    header = text.find(b"\n", 0, len(data))
    if not _utf8(data) or not _contract_columns(bytes(data[: header + 1 if header >= 0 else len(data)])):
        return None
    quoted = text.find(b'"', 0, len(data)) >= 0
    table = _three_columns(arrow.py_buffer(data), quoted)
    if table is None or not _plainly_counted(table, month, force):
        return None
    if quoted:
        report, mended = count_lines(path if path is not None else bytes(data), relative)
        if mended or report.continuation_lines or report.blank_lines or report.rows_read != table.num_rows:
            return None
    else:
        report = FileReport(relative, lines=1, header_lines=1)
        report.lines += line_count(data[header + 1 :]) if header >= 0 else 0
        report.rows_read = table.num_rows
        if report.lines != 1 + table.num_rows:  # a lone carriage return, read by Arrow as a line end
            return None
    return _counted(report, table, month)


def count_other_force_street(
    path: Path,
    relative: str,
    month: str,
    force: str,
    on_bytes: Callable[[memoryview], None] | None,
) -> tuple[Counted | None, bool]:
    """``(counted, hashed)``: the file counted the short way (``None`` when it must be read the full
    way), and whether every byte was given to ``on_bytes`` (then the full reading must not give them
    again)."""
    data = read_whole(path)
    if data is None:
        return _count_in_runs(path, relative, month, force, on_bytes)
    counted = count_text(data, relative, month, force, path)
    if counted is None:  # not hashed: the full reading hashes what it reads (it may stop early)
        return None, False
    if on_bytes is not None:
        on_bytes(data)
    return counted, on_bytes is not None


def _count_in_runs(
    path: Path, relative: str, month: str, force: str, on_bytes: Callable[[memoryview], None] | None
) -> tuple[Counted | None, bool]:
    """The short way for a file too large to hold: Arrow reads it from disk, its lines are accounted
    for (and its bytes hashed) run by run."""
    table = _three_columns(path)
    if table is None or not _contract_columns(path) or not _plainly_counted(table, month, force):
        return None, False
    utf8 = [True]

    def check_and_hash(run: memoryview) -> None:  # runs are whole lines: no character is cut
        utf8[0] = utf8[0] and _utf8(run)
        if on_bytes is not None:
            on_bytes(run)

    report, mended = count_lines(path, relative, check_and_hash)
    hashed = on_bytes is not None
    if not utf8[0] or mended or report.continuation_lines or report.blank_lines or report.rows_read != table.num_rows:
        return None, hashed
    return _counted(report, table, month), hashed


def _counted(report: FileReport, table: arrow.Table, month: str) -> Counted:
    report.rows_other_forces = report.rows_read
    report.finish_notes()
    by_force, force_counts = _grouped(table, month)
    return Counted(report, by_force, force_counts)
