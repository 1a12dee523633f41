"""Read one CSV file as text, in bounded batches, and check it against its schema.

Every problem is reported with file, row and column: a file that cannot be read at all raises
:class:`~pack.errors.DataError`; a row that breaks a rule is rejected, counted and listed, never
dropped silently. Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow
import pyarrow.csv as arrow_csv

from pack.errors import DataError

BLOCK_SIZE = 8 << 20  # bytes of CSV text per batch: memory stays bounded whatever the file size


@dataclass
class Rejection:
    """One rejected row: where it was and which rule it broke."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str


@dataclass
class FileReport:
    """What reading one file found."""

    file: str
    encoding: str = "utf-8"
    rows_read: int = 0
    rows_kept: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """Distinct rows rejected."""
        return len({(r.row, r.file) for r in self.rejections})


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


def detect_encoding(path: Path) -> str:
    """``utf-8`` (with or without BOM) if the whole file decodes, else ``cp1252`` (Excel)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


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


def iter_text_batches(
    path: Path, header: list[str], encoding: str, report: FileReport
) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
    """Yield ``(row_numbers, frame)`` with every column as text, one bounded batch at a time.

    Rows with the wrong number of fields (e.g. a truncated last line) are rejected and listed.
    """
    invalid_lines: list[int] = []

    def on_invalid(row: arrow_csv.InvalidRow) -> str:
        number = row.number if row.number is not None else -1
        invalid_lines.append(number)
        report.rejections.append(
            Rejection(
                report.file,
                number if number > 0 else None,
                "(whole row)",
                (row.text or "")[:80],
                f"has {row.actual_columns} fields, expected {row.expected_columns} "
                "(truncated or malformed line)",
            )
        )
        return "skip"

    names = list(header)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # duplicate headers get a suffix so nothing is lost
        if name in seen:
            names[i] = f"{name}.{seen[name]}"
        seen[name] = seen.get(name, 0) + 1
    reader = arrow_csv.open_csv(
        path,
        read_options=arrow_csv.ReadOptions(
            column_names=names, skip_rows=1, block_size=BLOCK_SIZE, encoding=encoding
        ),
        parse_options=arrow_csv.ParseOptions(invalid_row_handler=on_invalid),
        convert_options=arrow_csv.ConvertOptions(
            column_types={n: arrow.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    next_line = 2
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except arrow.ArrowInvalid as exc:
            raise DataError(
                f"cannot be parsed as CSV after about {report.rows_read} data rows: {exc}",
                file=report.file,
                row=report.rows_read + 2,
            ) from exc
        frame = batch.to_pandas()
        numbers = np.arange(len(frame), dtype=np.int64) + next_line
        for bad in sorted(invalid_lines):
            if bad > 0:
                numbers[numbers >= bad] += 1
        if len(numbers):
            next_line = int(numbers[-1]) + 1
        invalid_lines = [b for b in invalid_lines if b > next_line]
        report.rows_read += len(frame)
        yield numbers, frame


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
            report.rejections.append(
                Rejection(report.file, int(numbers[pos]), str(column), str(value)[:80], f"expected {check}")
            )
    return keep


def read_validated(
    path: Path,
    report: FileReport,
    schema: pa.DataFrameSchema,
    required: list[str],
    keep_columns: list[str] | None = None,
    rename: Callable[[list[str]], dict[str, str]] | None = None,
) -> Iterator[pd.DataFrame]:
    """Read ``path`` and yield its valid rows batch by batch (text columns).

    Counts, rejections and notes go into ``report`` (whose ``file`` is the name shown to users).
    ``rename`` maps raw header names to contract names (e.g. ``accident_index`` ->
    ``collision_index``) before the required-column check.
    """
    check_readable(path, report.file)
    report.encoding = detect_encoding(path)
    if report.encoding != "utf-8":
        report.notes.append("not UTF-8: read as Windows-1252 text (as Excel saves CSV)")
    header = read_header(path, report.encoding)
    mapping = rename(header) if rename else {}
    normalised = [mapping.get(c, c) for c in header]
    require_columns(normalised, required, report.file)
    if keep_columns is not None:
        extra = [c for c in normalised if c not in keep_columns]
        if extra:
            report.notes.append(f"{len(extra)} column(s) not used: {', '.join(extra[:8])}")
    for numbers, frame in iter_text_batches(path, header, report.encoding, report):
        frame.columns = [mapping.get(c, c) for c in frame.columns]
        if keep_columns is not None:
            frame = frame[[c for c in keep_columns if c in frame.columns]]
        keep = validate_batch(frame, numbers, schema, report)
        kept = frame[keep.to_numpy()]
        report.rows_kept += len(kept)
        yield kept.reset_index(drop=True)
    if report.rows_read == 0:
        report.notes.append("header only: no data rows")
