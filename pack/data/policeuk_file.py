"""One data.police.uk file read in a worker process: validated, checked and written as one Parquet part.

Besides the rules of its schema, each file is checked for what the data-quality report must show
(:mod:`pack.data.readers` accounts for every line): values outside data.police.uk's vocabularies
(:mod:`pack.data.domains`), coordinates outside the United Kingdom, exact duplicate rows, repeated
Crime IDs and blocks of rows pasted twice (:mod:`pack.data.duplicates`), and a file whose rows are
all of another month than its name says.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import numpy as np
import pyarrow as arrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pack.data.discovery import force_slug, month_of_file, police_uk_parts
from pack.data.domains import folded_force, outside_uk
from pack.data.duplicates import RepeatTally
from pack.data.file_report import FileReport
from pack.data.keys import crime_id_keys
from pack.data.national import count_other_force_street, count_text, read_whole
from pack.data.readers import count_lines, read_validated
from pack.data.schemas import MONTH_PATTERN
from pack.data.sources import kind_of_head, plain_csv
from pack.data.specs import spec
from pack.errors import DataError
from pack.store.hashing import memo_key, sha256_file

PARQUET_COMPRESSION = "lz4"  # fastest of zstd, snappy, lz4 here, at about the same size
# Columns with a value per record, which Parquet's dictionary encoding would only slow down
UNIQUE_COLUMNS = frozenset({"crime_id", "crime_key_hi", "crime_key_lo", "outcome_order"})
# Columns that do not tell rows of one file apart: the Crime ID is compared by its key, the force is
# the chosen one, the LSOA name and district follow from the LSOA code, outcome code and order from the
# outcome type and the row
NOT_COMPARED = frozenset(
    {"source_file", "district", "crime_id", "falls_within", "lsoa_name", "outcome_order", "outcome_code"}
)
PENDING = ("", "Under investigation", "Status update unavailable")


@dataclass
class FileResult:
    """What one worker found in one data.police.uk file."""

    report: FileReport | None = None
    months: set[str] = field(default_factory=set)
    other_forces: Counter[str] = field(default_factory=Counter)
    # a street file's valid records of every force, by (Falls within, Month, Crime type): the national picture
    force_counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    outcome_types: list[str] = field(default_factory=list)  # an outcomes file's codes, in code order
    outcome_updates: int = 0  # street/outcomes rows with a final outcome; stop and search: rows (to choose a download)
    lost_rows: int = 0  # records of the chosen force lost (rejected): their month is not covered
    error: str | None = None
    part: str | None = None  # the Parquet part written, if any
    memo_key: str | None = None  # the file's state when read (see pack.store.hashing.memo_key) ...
    sha256: str | None = None  # ... and the SHA-256 of every byte read, when the whole file was read
    text_sha256: str | None = None  # counted the short way: the SHA-256 of its text (a zip member's too)


class _HashingPass:
    """Hashes the bytes it is given and counts them (so a partial read is not taken for the file)."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def __call__(self, chunk: memoryview | bytes) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)


# An outcome row's place in time, for "the latest outcome of a crime": its month, then its file's
# rank among the outcomes files (by path), then its row within the file, packed in one integer.
ORDER_MONTH_SHIFT, ORDER_RANK_SHIFT = 46, 30
MAX_OUTCOME_FILES = 1 << (ORDER_MONTH_SHIFT - ORDER_RANK_SHIFT)
MAX_ROWS_PER_FILE = 1 << ORDER_RANK_SHIFT
CODE_RANK_SHIFT = 16  # an outcome type's code: its file's rank, then its number within the file
MAX_OUTCOME_TYPES_PER_FILE = 1 << CODE_RANK_SHIFT


def _month_index(months: arrow.Array) -> np.ndarray:
    """``YYYY-MM`` (validated) to ``year * 12 + month - 1``."""
    year = pc.cast(pc.utf8_slice_codeunits(months, 0, 4), arrow.int64()).to_numpy()
    month = pc.cast(pc.utf8_slice_codeunits(months, 5, 7), arrow.int64()).to_numpy()
    return year * 12 + month - 1


def _with_join_keys(
    table: arrow.Table, name: str, relative: str, first_row: int, outcome_codes: dict[str, int]
) -> arrow.Table:
    """Add the compact Crime ID key (:mod:`pack.data.keys`) and, to outcomes, the order and code that
    let the aggregates find each crime's latest outcome with integers alone.

    Neither holds the file's rank among the files (its bits are left zero): a part is the same
    whatever other files are beside it, so it can be reused from the per-file cache
    (:mod:`pack.data.parts`). The aggregates add the rank, which is the part's number."""
    hi, lo = crime_id_keys(table.column("crime_id"))
    table = table.append_column("crime_key_hi", hi).append_column("crime_key_lo", lo)
    if name != "outcomes":
        return table
    rows = np.arange(first_row, first_row + table.num_rows, dtype=np.int64)
    order = (_month_index(table.column("month")) << ORDER_MONTH_SHIFT) | rows
    types = table.column("outcome_type")
    for value in pc.unique(types).to_pylist():
        outcome_codes.setdefault(value, len(outcome_codes))
    if first_row + table.num_rows > MAX_ROWS_PER_FILE or len(outcome_codes) > MAX_OUTCOME_TYPES_PER_FILE:
        raise DataError(
            f"more than {MAX_ROWS_PER_FILE:,} rows or {MAX_OUTCOME_TYPES_PER_FILE:,} outcome types: "
            "split the file by month",
            file=relative,
        )
    known = arrow.array(list(outcome_codes), types.type)
    local = pc.index_in(types, value_set=known).to_numpy(zero_copy_only=False).astype(np.int64)
    return table.append_column("outcome_order", arrow.array(order)).append_column("outcome_code", arrow.array(local))


def read_police_uk_file(name: str, path: Path, member: str | None, relative: str, force: str, part: Path) -> FileResult:
    """Validate one file (or zip ``member``), keep the chosen force's rows and write them, typed, to
    ``part``. What it writes and returns depends on the file's content, name, input and the force
    only (the key of :mod:`pack.data.parts`).

    Runs in a worker process for large data: takes and returns only plain, picklable values."""
    result = FileResult()
    hashing = _HashingPass()
    try:
        result.memo_key, size = memo_key(path), path.stat().st_size
    except OSError:
        size = -1
    try:
        with plain_csv(path, member, relative, part.parent.parent) as (plain, how):
            _read_rows(
                name,
                plain,
                member or path.name,
                relative,
                force,
                part,
                result,
                hashing if how is None else None,
            )
            if how and result.report is not None:
                result.report.notes.insert(0, how)
            if how is not None and member is None:
                result.sha256 = sha256_file(path)  # read decompressed or transcoded: hash the file itself
    except DataError as exc:
        result.error, result.report = str(exc), None
        part.unlink(missing_ok=True)
    finally:
        if hashing.size == size and member is None:
            result.sha256 = hashing.digest.hexdigest()
    return result


def count_other_force_file(
    name: str,
    path: Path,
    member: str | None,
    relative: str,
    force: str,
    reuse: Callable[[str], FileResult | None] | None = None,
) -> tuple[FileResult | None, bool]:
    """``(result, reused)``: what :func:`read_police_uk_file` gives for another force's street file (or
    zip member) that :mod:`pack.data.national` can count the short way; ``None`` for any other, which
    must be read by :func:`read_police_uk_file`. Once the text is read and hashed, ``reuse`` is asked
    for a stored result of that content (``reused``: it gave one, and nothing was counted).

    Thread-safe: the national files are counted in threads of the preparing process (the work is
    reading, decompressing, hashing and Arrow's parser, which release the GIL), so no worker process
    need start for them. A result depends on the text and the file's name, not its folder: a stored
    one is given this file's path (:func:`relabelled`)."""
    parts = police_uk_parts(PurePosixPath(relative).name)
    if parts is None or not is_other_force_street(name, relative, force) or (member or "").endswith(".gz"):
        return None, False
    try:
        state, size = memo_key(path), path.stat().st_size
        data = read_whole(path, member)
    except (OSError, KeyError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error):
        return None, False  # (the full reading names what is wrong)
    if data is None or kind_of_head(bytes(data[:4096])) != "text" or (member is None and len(data) != size):
        return None, False
    sha = hashlib.sha256(data).hexdigest()
    if reuse is not None and (stored := reuse(sha)) is not None:
        return relabelled(stored, relative), True
    counted = count_text(data, relative, parts[0], force, path if member is None else None)
    if counted is None:
        return None, False
    if member is not None:
        counted.report.notes.insert(0, "read from the zip archive")
    result = FileResult(report=counted.report, force_counts=counted.force_counts, memo_key=state, text_sha256=sha)
    result.other_forces.update(counted.by_force)
    result.sha256 = sha if member is None else None  # (a zip member's file is its archive, hashed as a whole)
    return result, False


def is_other_force_street(name: str, relative: str, force: str) -> bool:
    """A street file (or zip member: ``relative`` ends with its name) whose name is of another force than ``force``."""
    parts = police_uk_parts(PurePosixPath(relative).name)
    return name == "street" and parts is not None and parts[1] != force_slug(force)


def relabelled(result: FileResult, relative: str) -> FileResult:
    """A stored result of another force's street file, given the path of the file it is reused for
    (its account's and its rejected rows')."""
    if result.report is not None:
        result.report.file = relative
        result.report.rejections = [replace(rejection, file=relative) for rejection in result.report.rejections]
    return result


def _other_force_search(name: str, file_name: str, force: str) -> bool:
    parts = police_uk_parts(file_name)
    return name == "stop_search" and parts is not None and parts[1] != force_slug(force)


def _read_rows(
    name: str,
    path: Path,
    file_name: str,
    relative: str,
    force: str,
    part: Path,
    result: FileResult,
    on_bytes: _HashingPass | None,
) -> None:
    parts = police_uk_parts(file_name)
    if is_other_force_street(name, relative, force):  # a national archive's file
        counted, hashed = count_other_force_street(path, relative, parts[0], force, on_bytes)
        if counted is not None:
            result.report, result.force_counts = counted.report, counted.force_counts
            result.other_forces.update(counted.by_force)
            return
        on_bytes = None if hashed else on_bytes  # every byte was hashed already: read the full way
    if _other_force_search(name, file_name, force):  # stop and search: the force is in the name only
        report, _ = count_lines(path, relative, on_bytes)
        report.rows_other_forces = report.rows_read
        result.other_forces[parts[1]] += report.rows_read
        result.report = report
        return
    input_spec = spec(name)
    file_month = parts[0] if parts else month_of_file(Path(file_name))
    report = FileReport(relative)
    writer: pq.ParquetWriter | None = None
    outcome_codes: dict[str, int] = {}
    rows_written = 0
    tally = RepeatTally()
    try:
        for numbers, frame in read_validated(
            path,
            report,
            input_spec.schema(file_month),
            list(input_spec.required),
            list(input_spec.kept or ()),
            on_bytes=on_bytes,
            domains=input_spec.domains,
            soft=input_spec.soft,
        ):
            if name != "stop_search" and len(frame):
                frame = folded_force(frame, force, report.domain_counts)
            if name == "street" and len(frame):
                by_force = frame.value_counts(["Falls within", "Month", "Crime type"], sort=False)
                result.force_counts.update({key: int(n) for key, n in by_force.items()})
            if name != "stop_search" and len(frame):
                mine = (frame["Falls within"] == force).to_numpy()
                for other, n in frame.loc[~mine, "Falls within"].value_counts().items():
                    result.other_forces[str(other)] += int(n)
                report.rows_other_forces += int((~mine).sum())
                report.rows_kept -= int((~mine).sum())
                frame, numbers = frame[mine], numbers[mine]
            if not len(frame):
                continue
            typed = input_spec.convert(frame, relative)
            if "longitude" in typed:
                _remove_bad_places(frame, typed, numbers, report)
            table = arrow.Table.from_pandas(typed, preserve_index=False)
            result.months.update(pc.unique(table.column("month")).to_pylist())
            if name == "stop_search":
                result.outcome_updates += table.num_rows
            else:
                pending = pc.is_in(table.column(_OUTCOME[name]), value_set=arrow.array(PENDING))
                result.outcome_updates += table.num_rows - (pc.sum(pending).as_py() or 0)
            if name != "stop_search":
                table = _with_join_keys(table, name, relative, rows_written, outcome_codes)
            tally.add(table, numbers, [c for c in table.column_names if c not in NOT_COMPARED])
            rows_written += table.num_rows
            if writer is None:
                part.parent.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(
                    part,
                    table.schema,
                    compression=PARQUET_COMPRESSION,
                    write_statistics=False,
                    use_dictionary=[c for c in table.column_names if c not in UNIQUE_COLUMNS],
                )
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()
    repeats = tally.summary(lambda columns, rows: pq.read_table(part, columns=columns).take(arrow.array(rows)))
    if len(repeats.drop):
        _drop_rows(part, repeats.drop)
        report.rows_kept -= len(repeats.drop)
        report.rows_repeated += len(repeats.drop)
        result.months = set(pq.read_table(part, columns=["month"]).column("month").unique().to_pylist())
    report.duplicate_rows, report.duplicate_rows_no_id = repeats.exact, repeats.exact_no_id
    report.shared_id_rows, report.shared_ids = repeats.repeated_id_rows, repeats.repeated_ids
    report.notes += repeats.notes() + report.domain_counts.notes()
    report.finish_notes()
    result.outcome_types = list(outcome_codes)
    _refuse_renamed(report, file_month)
    mine_by_name = parts is None or parts[1] == force_slug(force) or bool(result.months)
    result.lost_rows = report.rows_rejected if mine_by_name else 0
    result.report = report
    result.part = str(part) if part.exists() else None


_OUTCOME = {"street": "last_outcome", "outcomes": "outcome_type"}


def _remove_bad_places(frame, typed, numbers: np.ndarray, report: FileReport) -> None:
    """Coordinates that are not numbers, or not a place in the United Kingdom (``0,0``, swapped ...),
    removed from their records (kept, and counted)."""
    not_numbers = np.zeros(len(typed), dtype=bool)
    for text, number, bounds in (("Longitude", "longitude", "-180 to 180"), ("Latitude", "latitude", "-90 to 90")):
        missing = typed[number].isna().to_numpy()
        if not missing.any():
            continue
        bad = missing & (frame[text] != "").to_numpy()
        for position in np.flatnonzero(bad):
            report.clear(
                int(numbers[position]),
                text,
                str(frame[text].iat[position]),
                f"expected a number from {bounds}, or empty",
            )
        not_numbers |= bad
    if not_numbers.any():  # half a place is no place
        typed.loc[not_numbers, ["longitude", "latitude"]] = np.nan
    outside = outside_uk(typed["longitude"], typed["latitude"])
    if not outside.any():
        return
    first = int(np.flatnonzero(outside)[0])
    example = f"{frame['Longitude'].iat[first]},{frame['Latitude'].iat[first]}"
    report.cleared_examples.setdefault(_OUTSIDE, (int(numbers[first]), example))
    report.cleared[_OUTSIDE] += int(outside.sum())
    typed.loc[outside, ["longitude", "latitude"]] = np.nan


_OUTSIDE = "Longitude, Latitude: not a place in the United Kingdom (0,0, swapped, or one of the two missing)"


def _drop_rows(part: Path, positions: np.ndarray) -> None:
    """Rewrite a Parquet part without the rows at ``positions`` (a block pasted twice)."""
    table = pq.read_table(part)
    keep = np.ones(table.num_rows, dtype=bool)
    keep[positions] = False
    kept = table.filter(arrow.array(keep))
    pq.write_table(
        kept,
        part,
        compression=PARQUET_COMPRESSION,
        write_statistics=False,
        use_dictionary=[c for c in kept.column_names if c not in UNIQUE_COLUMNS],
    )


def _refuse_renamed(report: FileReport, file_month: str | None) -> None:
    """A file most of whose rows are of one other month than its name says was renamed (or saved) wrongly."""
    if not file_month or not report.rows_read:
        return
    reasons = report.reasons
    other = reasons.get(f"Month: expected the file's own month {file_month}", 0) + reasons.get(
        f"Date: expected a date in {file_month}", 0
    )
    malformed = reasons.get("Month: expected a month written YYYY-MM", 0) + sum(
        n for reason, n in reasons.items() if reason.startswith("Date: expected an ISO date-time")
    )
    wrong = other - malformed  # rows of a real month, not the file's
    if wrong * 2 <= report.rows_read:
        return
    found = Counter(
        r.value[:7]
        for r in report.rejections
        if r.reason.endswith((f"own month {file_month}", f"a date in {file_month}")) and MONTH.fullmatch(r.value[:7])
    )
    month = found.most_common(1)[0][0] if found else "another month"
    raise DataError(
        f"its name says {file_month} but {wrong:,} of its {report.rows_read:,} rows are of {month}: "
        "a file renamed to the wrong month?",
        file=report.file,
        expected=f"rows of {file_month}, or the file named for the month its rows are of",
    )


MONTH = re.compile(MONTH_PATTERN)
