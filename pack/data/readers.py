"""Read one CSV file as text, in bounded batches, and check it against its schema.

Every problem is reported with file, row and column: a file that cannot be read at all raises
:class:`~pack.errors.DataError`; a row that breaks a rule is rejected, counted and listed, never
dropped silently. Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow
import pyarrow.csv as arrow_csv

from pack.errors import DataError

BLOCK_SIZE = 16 << 20  # bytes of CSV text per batch: memory stays bounded whatever the file size


@dataclass(frozen=True)
class Rejection:
    """One rejected row: where it was and which rule it broke."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str


MAX_EXAMPLES = 50  # rejected rows listed per file; all of them are counted


@dataclass
class FileReport:
    """What reading one file found. Rejected rows are all counted (in total and by reason); the
    first :data:`MAX_EXAMPLES` are listed, so memory stays bounded for a file of bad rows."""

    file: str
    encoding: str = "utf-8"
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reject(self, row: int | None, column: str, value: str, reason: str) -> None:
        """Count one failed rule (the caller counts the distinct rows in ``rows_rejected``)."""
        self.reasons[f"{column}: {reason}"] += 1
        if len(self.rejections) < MAX_EXAMPLES:
            self.rejections.append(Rejection(self.file, row, column, value[:80], reason))


def check_readable(path: Path, shown: str) -> None:
    """Raise a clear :class:`DataError` for a path that is not a readable, non-empty file."""
    if path.is_dir():
        raise DataError("is a folder where a CSV file was expected", file=shown)
    if not path.exists():
        raise DataError("does not exist", file=shown)
    try:
        with path.open("rb") as handle:
            first = handle.read(1)
    except PermissionError as exc:
        raise DataError("cannot be read: permission denied", file=shown) from exc
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", file=shown) from exc
    if not first:
        raise DataError("is empty (0 bytes); a header row and data rows were expected", file=shown)


class TextEncoding:
    """The encoding of a CSV file, decided run by run as it is read (one pass, no look-ahead):
    UTF-8 (with or without BOM) unless a run is not UTF-8; from then on Windows-1252, as Excel
    saves CSV. Runs are whole lines, so no character is split between two of them.

    A file that is UTF-8 text with non-ASCII characters in one part and not UTF-8 in another is
    refused: no single reading of it is right."""

    def __init__(self, report: FileReport) -> None:
        self.report = report
        self.encoding = "utf-8"
        self._non_ascii_utf8_seen = False

    def of(self, piece: memoryview | bytes, first_line: int) -> str:
        """The encoding to read ``piece`` (whose first line is ``first_line`` of the file) with."""
        if self.encoding == "cp1252" or is_ascii(piece):
            return self.encoding  # ASCII reads the same in both
        try:
            codecs.utf_8_decode(piece, "strict", True)
        except UnicodeDecodeError as exc:
            if self._non_ascii_utf8_seen or not is_ascii(piece[: exc.start]):
                raise DataError(
                    "is UTF-8 text up to here but not from this row on (mixed encodings)",
                    file=self.report.file,
                    row=first_line + count_byte(piece[: exc.start], b"\n"),
                    expected="one encoding throughout: save the file again as UTF-8",
                ) from exc
            self.encoding = self.report.encoding = "cp1252"
            self.report.notes.append("not UTF-8: read as Windows-1252 text (as Excel saves CSV)")
            return self.encoding
        self._non_ascii_utf8_seen = True
        return self.encoding


def read_header(path: Path, encoding: str = "utf-8") -> list[str]:
    """Column names of the first line, BOM and surrounding spaces removed."""
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        line = handle.readline()
    line = line.lstrip("\ufeff")
    if not line.strip():
        return []
    return [c.strip() for c in next(csv.reader(io.StringIO(line)))]


def require_columns(header: list[str], required: list[str], shown: str) -> None:
    """Raise a :class:`DataError` naming missing columns (and a likely wrong delimiter)."""
    missing = [c for c in required if c not in header]
    if not missing:
        return
    if len(header) == 1:
        for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delimiter in header[0]:
                raise DataError(
                    f"the header looks separated by {name}",
                    file=shown,
                    row=1,
                    expected="comma-separated values",
                )
    raise DataError(
        f"missing column(s) {', '.join(repr(c) for c in missing)}; found {', '.join(repr(c) for c in header)}",
        file=shown,
        row=1,
        column=missing[0],
        expected=f"columns {', '.join(required)}",
    )


def _bytes(view: memoryview | bytes) -> np.ndarray:
    return np.frombuffer(view, dtype=np.uint8)


def count_byte(view: memoryview | bytes, byte: bytes) -> int:
    """How many times ``byte`` occurs in ``view`` (no copy of the text)."""
    return int(np.count_nonzero(_bytes(view) == byte[0]))


def line_count(piece: memoryview | bytes) -> int:
    """Lines in a run of whole lines (the last may lack its newline).

    >>> line_count(b"a\\nb\\n"), line_count(b"a\\nb"), line_count(b"")
    (2, 2, 0)
    """
    return count_byte(piece, b"\n") + (len(piece) > 0 and piece[-1:] != b"\n")


def is_ascii(view: memoryview | bytes) -> bool:
    """True when every byte of ``view`` is ASCII."""
    return len(view) == 0 or int(_bytes(view).max()) < 128


def line_chunks(
    path: Path,
    block_size: int = BLOCK_SIZE,
    on_bytes: Callable[[memoryview], None] | None = None,
) -> Iterator[memoryview]:
    """Yield runs of whole lines after the header, about ``block_size`` bytes each, never cut
    inside a quoted field (an odd count of quotes before the cut).

    The file is memory-mapped and each run is a view of it, so its text is never copied; once
    the next run is asked for, the pages of the last one are let go (a view of it stays valid,
    read again from the page cache if touched). ``on_bytes`` is given the header line and then each
    run before it is yielded: every byte of the file once, in order (e.g. to hash it in the same
    pass)."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # freed when no view is left
    text = memoryview(mapped)
    start = mapped.find(b"\n") + 1 or size  # after the header line
    if on_bytes is not None:
        on_bytes(text[:start])
    while start < size:
        end = min(start + block_size, size)
        if end == size:  # the rest of the file, whatever it holds (an unclosed quote is Arrow's to report)
            cut = end
        else:
            cut = mapped.rfind(b"\n", start, end) + 1
            quoted = mapped.find(b'"', start, cut) >= 0
            while cut > start and quoted and count_byte(text[start:cut], b'"') % 2:
                cut = mapped.rfind(b"\n", start, cut - 1) + 1
        if cut <= start:  # one record longer than the block: take more at once
            block_size *= 2
            continue
        piece = text[start:cut]
        if on_bytes is not None:
            on_bytes(piece)
        yield piece
        # done with these pages: drop them from this process (they stay in the page cache), so
        # its memory holds one run of the file, not the whole file
        done = start - start % mmap.PAGESIZE
        mapped.madvise(mmap.MADV_DONTNEED, done, cut - done)
        start = cut


def blank_line_offsets(piece: memoryview | bytes) -> np.ndarray:
    """0-based offsets of the empty lines (``\\n`` or ``\\r\\n`` alone) in a run of lines.

    >>> blank_line_offsets(b"a,b\\n\\nc,d\\r\\n\\r\\n").tolist()
    [1, 3]
    """
    data = np.frombuffer(piece, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else np.array([], dtype=np.int64)
    lengths = ends - starts
    carriage = np.zeros(len(starts), dtype=bool)
    one = lengths == 1
    carriage[one] = data[starts[one]] == 13
    return np.flatnonzero((lengths == 0) | carriage)


def _parse_chunk(
    piece: memoryview | bytes,
    names: list[str],
    encoding: str,
    first_line: int,
    report: FileReport,
    include: list[str] | None = None,
) -> tuple[arrow.Table, list[int]]:
    """Parse a run of lines as text columns. Malformed lines are rejected into ``report`` with
    their row; returns the table and the malformed lines' numbers within the run (1-based).

    Parsing uses threads; only a run with a malformed line is parsed again single-threaded,
    which is when pyarrow can say which line it was."""
    flagged: list[int] = []

    def parse(threads: bool, handler) -> arrow.Table:
        try:
            return arrow_csv.read_csv(
                arrow.BufferReader(arrow.py_buffer(piece)),
                read_options=arrow_csv.ReadOptions(
                    column_names=names, use_threads=threads, encoding=encoding, block_size=len(piece) + 1
                ),
                parse_options=arrow_csv.ParseOptions(invalid_row_handler=handler),
                convert_options=arrow_csv.ConvertOptions(
                    column_types={n: arrow.string() for n in names},
                    include_columns=include,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except arrow.ArrowInvalid as exc:
            raise DataError(
                f"cannot be parsed as CSV from about this row on: {exc}", file=report.file, row=first_line
            ) from exc

    def note(row: arrow_csv.InvalidRow) -> str:
        flagged.append(0)
        return "skip"

    table = parse(True, note)
    if not flagged:
        return table, []
    invalid: list[int] = []

    def reject(row: arrow_csv.InvalidRow) -> str:
        invalid.append(row.number or 0)
        report.rows_rejected += 1
        report.reject(
            first_line + row.number - 1 if row.number else None,
            "(whole row)",
            row.text or "",
            f"has {row.actual_columns} field(s), expected {row.expected_columns} "
            "(truncated or malformed line, e.g. an unquoted comma)",
        )
        return "skip"

    return parse(False, reject), invalid


def iter_text_batches(
    path: Path,
    header: list[str],
    encoding: TextEncoding,
    report: FileReport,
    only: list[str] | None = None,
    on_bytes: Callable[[memoryview], None] | None = None,
) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
    """Yield ``(row_numbers, frame)`` with every column (or those in ``only``) as text, one
    bounded chunk at a time.

    Row numbers are the file's line numbers (the header is row 1). Rows with the wrong number of
    fields (a truncated last line, an unquoted comma) are rejected and listed with their row;
    blank lines are counted in a note.
    """
    names = list(header)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # duplicate headers get a suffix so nothing is lost
        if name in seen:
            names[i] = f"{name}.{seen[name]}"
        seen[name] = seen.get(name, 0) + 1
    include = [n for n in names if n in only] if only is not None else None
    blank_lines = 0
    approximate = False
    first_line = 2
    for piece in line_chunks(path, on_bytes=on_bytes):
        table, invalid = _parse_chunk(piece, names, encoding.of(piece, first_line), first_line, report, include)
        lines = line_count(piece)
        numbers = np.arange(first_line, first_line + lines, dtype=np.int64)
        if invalid or lines != table.num_rows:  # malformed or blank lines, or quoted line breaks
            blank = blank_line_offsets(piece)
            blank_lines += len(blank)
            skipped = {n - 1 for n in invalid if 0 < n <= lines} | set(blank.tolist())
            if skipped:
                numbers = np.delete(numbers, sorted(skipped))
            if len(numbers) != table.num_rows:  # quoted fields with line breaks: count records instead
                approximate = True
                numbers = np.arange(first_line, first_line + table.num_rows, dtype=np.int64)
        first_line += lines
        report.rows_read += table.num_rows
        yield numbers, table.to_pandas()
    if blank_lines:
        report.notes.append(f"{blank_lines} blank line(s) ignored")
    if approximate:
        report.notes.append("some quoted fields hold line breaks: row numbers count records, not lines")


def validate_batch(
    frame: pd.DataFrame, numbers: np.ndarray, schema: pa.DataFrameSchema, report: FileReport
) -> pd.Series:
    """Check ``frame`` against ``schema``; list failures in ``report``; return the keep mask."""
    keep = pd.Series(True, index=frame.index)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        for column, position, value, check in zip(
            cases["column"], cases["index"], cases["failure_case"], cases["check"], strict=True
        ):
            pos = int(position)
            keep.iloc[pos] = False
            report.reject(int(numbers[pos]), str(column), str(value), f"expected {check}")
    report.rows_rejected += int((~keep).sum())
    return keep


def read_validated(
    path: Path,
    report: FileReport,
    schema: pa.DataFrameSchema,
    required: list[str],
    keep_columns: list[str] | None = None,
    rename: Callable[[list[str]], dict[str, str]] | None = None,
    on_bytes: Callable[[memoryview], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """Read ``path`` once and yield its valid rows batch by batch (text columns).

    Counts, rejections and notes go into ``report`` (whose ``file`` is the name shown to users).
    ``rename`` maps raw header names to contract names (e.g. ``accident_index`` ->
    ``collision_index``) before the required-column check. ``on_bytes`` is given every byte of
    the file, in order, as it is read (see :func:`line_chunks`); the encoding is decided as the
    file is read (see :class:`TextEncoding`).
    """
    check_readable(path, report.file)
    encoding = TextEncoding(report)
    with path.open("rb") as handle:
        encoding.of(handle.readline().removeprefix(codecs.BOM_UTF8), 1)
    header = read_header(path, encoding.encoding)
    mapping = rename(header) if rename else {}
    normalised = [mapping.get(c, c) for c in header]
    require_columns(normalised, required, report.file)
    if keep_columns is not None:
        extra = [c for c in normalised if c not in keep_columns and c not in required]
        if extra:
            report.notes.append(f"{len(extra)} column(s) not used: {', '.join(extra[:8])}")
    wanted = None if keep_columns is None else [raw for raw in header if mapping.get(raw, raw) in keep_columns]
    for numbers, frame in iter_text_batches(path, header, encoding, report, wanted, on_bytes):
        frame.columns = [mapping.get(c, c) for c in frame.columns]
        if keep_columns is not None:
            frame = frame[[c for c in keep_columns if c in frame.columns]]
        keep = validate_batch(frame, numbers, schema, report)
        kept = frame[keep.to_numpy()]
        report.rows_kept += len(kept)
        yield kept.reset_index(drop=True)
    if report.rows_read == 0:
        report.notes.append("header only: no data rows")
