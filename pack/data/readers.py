"""Read one CSV file as text, in bounded batches, and check it against its schema.

Every problem is reported with file, row and column: a file that cannot be read at all raises
:class:`~pack.errors.DataError`; a row that breaks a rule is rejected, counted and listed, never
dropped silently. Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow
import pyarrow.csv as arrow_csv

from pack.data.converters import folded_names
from pack.data.domains import Domain, read_domains
from pack.data.file_report import FileReport
from pack.data.lines import Run, line_runs
from pack.data.text_encoding import TextEncoding
from pack.errors import DataError


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


def count_lines(
    path: Path | bytes, relative: str, on_bytes: Callable[[memoryview], None] | None = None
) -> tuple[FileReport, bool]:
    """``(report, mended)``: a file's lines (or its bytes') accounted for (header, blank, continuation,
    records) without reading its records, every byte given once to ``on_bytes``; ``mended``: a stray
    quote was mended."""
    report = FileReport(relative, lines=1, header_lines=1)
    mended = False
    for run in line_runs(path, len(read_header(path)), on_bytes=on_bytes, shown=relative):
        layout = run.layout()
        report.lines += run.lines
        report.blank_lines += layout.blank
        report.continuation_lines += layout.continuation
        report.rows_read += len(layout.record_lines)
        mended = mended or bool(run.mends)
    return report, mended


def read_header(path: Path | bytes, encoding: str = "utf-8") -> list[str]:
    """Column names of the first line (of a file, or of its bytes), BOM and surrounding spaces removed."""
    if isinstance(path, bytes):
        line = path[: path.find(b"\n") + 1 or len(path)].decode(encoding, errors="replace")
    else:
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


InvalidRow = tuple[int, str, int, int]  # (record number within the run, text, fields found, fields expected)


def _parse_chunk(
    piece: memoryview | bytes, names: list[str], encoding: str, first_line: int, shown: str, include: list[str] | None
) -> tuple[arrow.Table, list[InvalidRow]]:
    """Parse a run of lines as text columns; return the table and its malformed records.

    Parsing uses threads; only a run with a malformed record is parsed again single-threaded,
    which is when pyarrow can say which record it was."""
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
                f"cannot be parsed as CSV from about this row on: {exc}", file=shown, row=first_line
            ) from exc

    def note(row: arrow_csv.InvalidRow) -> str:
        flagged.append(0)
        return "skip"

    table = parse(True, note)
    if not flagged:
        return table, []
    invalid: list[InvalidRow] = []

    def collect(row: arrow_csv.InvalidRow) -> str:
        invalid.append((row.number or 0, row.text or "", row.actual_columns, row.expected_columns))
        return "skip"

    return parse(False, collect), invalid


def _lone_carriage_returns(piece: memoryview | bytes) -> int:
    """Carriage returns not followed by a line feed: the CSV parser ends a line at each."""
    data = np.frombuffer(piece, dtype=np.uint8)
    returns = np.flatnonzero(data == 13)
    return int(np.count_nonzero((returns + 1 >= len(data)) | (data[np.minimum(returns + 1, len(data) - 1)] != 10)))


def _record_lines(run: Run, records: int, report: FileReport) -> np.ndarray:
    """The line number of each record of ``run`` (``records`` of them, as the parser found)."""
    layout = run.layout()
    report.blank_lines += layout.blank
    report.continuation_lines += layout.continuation
    if len(layout.record_lines) == records:
        return layout.record_lines
    # the parser ended lines where this count did not: at carriage returns alone (an old Mac line end)
    extra = _lone_carriage_returns(run.text)
    report.lines += extra
    report.notes.append(
        f"{extra} carriage return(s) alone end lines for the CSV parser (old Mac line ends?): "
        f"rows from line {run.first_line} on are numbered approximately"
    )
    return np.arange(run.first_line, run.first_line + records, dtype=np.int64)


def iter_text_batches(
    path: Path,
    header: list[str],
    encoding: TextEncoding,
    report: FileReport,
    only: list[str] | None = None,
    on_bytes: Callable[[memoryview], None] | None = None,
) -> Iterator[tuple[np.ndarray, arrow.Table]]:
    """Yield ``(row_numbers, table)`` with every column (or those in ``only``) as text, one
    bounded run of lines at a time (:func:`pack.data.lines.line_runs`: stray quotes mended).

    Row numbers are the file's line numbers (the header is row 1) of each record's first line.
    Records with the wrong number of fields (a truncated last line, an unquoted comma) are
    rejected and listed with their row; every line is counted in ``report`` (see
    :meth:`FileReport.balanced`).
    """
    names = list(header)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # duplicate headers get a suffix so nothing is lost
        if name in seen:
            names[i] = f"{name}.{seen[name]}"
        seen[name] = seen.get(name, 0) + 1
    include = [n for n in names if n in only] if only is not None else None
    report.lines += 1
    report.header_lines += 1
    for run in line_runs(path, len(names), on_bytes=on_bytes, shown=report.file):
        text_encoding = encoding.of(run.text, run.first_line)
        table, invalid = _parse_chunk(run.text, names, text_encoding, run.first_line, report.file, include)
        records = table.num_rows + len(invalid)
        report.lines += run.lines
        report.rows_read += records
        report.mends += run.mends
        if not run.quoted and not invalid and records == run.lines:
            numbers = np.arange(run.first_line, run.first_line + run.lines, dtype=np.int64)
        else:
            numbers = _record_lines(run, records, report)
            for number, text, found, expected in invalid:
                row = int(numbers[number - 1]) if 0 < number <= len(numbers) else None
                report.reject(
                    row,
                    "(whole row)",
                    text,
                    f"has {found} field(s), expected {expected} (truncated or malformed line, e.g. an unquoted comma)",
                )
            report.rows_rejected += len(invalid)
            if invalid:
                numbers = np.delete(numbers, [n - 1 for n, *_ in invalid if 0 < n <= len(numbers)])
        yield numbers, table


def validate_batch(
    frame: pd.DataFrame,
    numbers: np.ndarray,
    schema: pa.DataFrameSchema,
    report: FileReport,
    soft: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Check ``frame`` against ``schema``'s column checks; list failures in ``report``; return the keep mask.

    Each check of each column is run on the column (``Check.__call__``), which is all the schema
    declares (no types or nulls: CSV text is never null), without the cost of a whole schema
    validation. A failure in a ``soft`` column (e.g. an LSOA code that is not one) does not reject
    the row: the value is removed (left empty), counted and the row kept."""
    keep = np.ones(len(frame), dtype=bool)
    cleared: list[tuple[int, str, str, str]] = []
    for column, declared in schema.columns.items():
        if column not in frame:
            continue  # a missing column is refused before (require_columns)
        values = frame[column]
        for check in declared.checks:
            passed = np.asarray(check(values).check_output, dtype=bool)
            for pos in np.flatnonzero(~passed) if passed.ndim else ([] if passed else range(len(frame))):
                reason = f"expected {check.error}"
                if column in soft:
                    cleared.append((int(pos), column, str(values.iat[pos]), reason))
                    continue
                keep[pos] = False
                report.reject(int(numbers[pos]), column, str(values.iat[pos]), reason)
    for pos, column, value, reason in cleared:
        if keep[pos]:
            frame.iat[pos, frame.columns.get_loc(column)] = ""
            report.clear(int(numbers[pos]), column, value, reason)
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
    domains: Sequence[Domain] = (),
    soft: frozenset[str] = frozenset(),
) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
    """Read ``path`` once and yield ``(row numbers, valid rows)`` batch by batch (text columns).

    Counts, rejections and notes go into ``report`` (whose ``file`` is the name shown to users).
    ``rename`` maps raw header names to contract names (e.g. ``accident_index`` ->
    ``collision_index``) before the required-column check. ``on_bytes`` is given every byte of
    the file, in order, as it is read (see :func:`pack.data.lines.line_runs`); the encoding is
    decided as the file is read (see :class:`TextEncoding`). ``domains`` are columns with a known
    list of values (:mod:`pack.data.domains`: variants in case or spacing are read as the value
    they stand for, other values counted); ``soft`` columns lose a bad value, not the row.
    """
    check_readable(path, report.file)
    encoding = TextEncoding(report)
    with path.open("rb") as handle:
        encoding.of(handle.readline().removeprefix(codecs.BOM_UTF8), 1)
    header = read_header(path, encoding.encoding)
    mapping, notes = folded_names(header, rename(header) if rename else {}, [*required, *(keep_columns or ())])
    report.notes.extend(notes)
    normalised = [mapping.get(c, c) for c in header]
    require_columns(normalised, required, report.file)
    if keep_columns is not None:
        extra = [c for c in normalised if c not in keep_columns and c not in required]
        if extra:
            report.notes.append(f"{len(extra)} column(s) not used: {', '.join(extra[:8])}")
    wanted = None if keep_columns is None else [raw for raw in header if mapping.get(raw, raw) in keep_columns]
    for numbers, table in iter_text_batches(path, header, encoding, report, wanted, on_bytes):
        table = table.rename_columns([mapping.get(c, c) for c in table.column_names])
        table = read_domains(table, domains, report.domain_counts)
        frame = table.to_pandas()
        if keep_columns is not None:
            frame = frame[[c for c in keep_columns if c in frame.columns]]
        keep = validate_batch(frame, numbers, schema, report, soft)
        kept = frame[keep]
        report.rows_kept += len(kept)
        yield numbers[keep], kept.reset_index(drop=True)
    if report.rows_read == 0:
        report.notes.append("header only: no data rows")
