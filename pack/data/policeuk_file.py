"""One data.police.uk file read in a worker process: validated, checked and written as one Parquet part.

Besides the rules of its schema, each file is checked for what the data-quality report must show
(:mod:`pack.data.readers` accounts for every line): values outside data.police.uk's vocabularies
(:mod:`pack.data.domains`), coordinates outside the United Kingdom, exact duplicate rows, repeated
Crime IDs and blocks of rows pasted twice (:mod:`pack.data.duplicates`), and a file whose rows are
all of another month than its name says (:mod:`pack.data.policeuk_checks`). Each part carries the
join keys and outcome order of :mod:`pack.data.outcome_order`.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pack.data.discovery import force_slug, month_of_file, police_uk_parts
from pack.data.domains import folded_force
from pack.data.duplicates import RepeatTally
from pack.data.file_report import FileReport
from pack.data.national import count_other_force_street, count_text, read_whole
from pack.data.outcome_order import with_join_keys
from pack.data.policeuk_checks import refuse_renamed, remove_bad_places
from pack.data.readers import count_lines, read_validated
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
    """Read one file into ``result`` the way its kind allows: another force's street file counted the
    short way (:func:`pack.data.national.count_other_force_street`) when it can be; another force's
    stop-and-search file counted by its lines (the force is in its name only); any other file read
    row by row (:func:`_read_force_rows`)."""
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
    reading = _ForceRows(name, relative, force, FileReport(relative), result)
    file_month = parts[0] if parts else month_of_file(Path(file_name))
    _read_force_rows(reading, path, file_month, part, on_bytes)
    mine_by_name = parts is None or parts[1] == force_slug(force) or bool(result.months)
    result.lost_rows = reading.report.rows_rejected if mine_by_name else 0
    result.report = reading.report
    result.part = str(part) if part.exists() else None


_OUTCOME = {"street": "last_outcome", "outcomes": "outcome_type"}


@dataclass
class _ForceRows:
    """One file read row by row for the chosen ``force``: what it is, and what has been found so far
    (the outcome types seen, in the order their codes were given)."""

    name: str
    relative: str
    force: str
    report: FileReport
    result: FileResult
    outcome_codes: dict[str, int] = field(default_factory=dict)

    def chosen(self, frame: pd.DataFrame, numbers: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """A batch's rows of the chosen force and their row numbers; the others counted by force (and
        a street file's every valid record by force, month and crime type: the national picture).
        A stop-and-search file's rows are all the force's: it is named in the file's name only."""
        if self.name == "stop_search" or not len(frame):
            return frame, numbers
        frame = folded_force(frame, self.force, self.report.domain_counts)
        if self.name == "street":
            by_force = frame.value_counts(["Falls within", "Month", "Crime type"], sort=False)
            self.result.force_counts.update({key: int(n) for key, n in by_force.items()})
        mine = (frame["Falls within"] == self.force).to_numpy()
        for other, n in frame.loc[~mine, "Falls within"].value_counts().items():
            self.result.other_forces[str(other)] += int(n)
        self.report.rows_other_forces += int((~mine).sum())
        self.report.rows_kept -= int((~mine).sum())
        return frame[mine], numbers[mine]

    def typed(self, frame: pd.DataFrame, numbers: np.ndarray, first_row: int) -> arrow.Table:
        """A batch of the chosen force's rows as the part holds them (``first_row``: the part's rows
        before it): typed, places checked, months and final outcomes counted, join keys added."""
        input_spec = spec(self.name)
        typed = input_spec.convert(frame, self.relative)
        if "longitude" in typed:
            remove_bad_places(frame, typed, numbers, self.report)
        table = arrow.Table.from_pandas(typed, preserve_index=False)
        self.result.months.update(pc.unique(table.column("month")).to_pylist())
        if self.name == "stop_search":
            self.result.outcome_updates += table.num_rows
            return table
        pending = pc.is_in(table.column(_OUTCOME[self.name]), value_set=arrow.array(PENDING))
        self.result.outcome_updates += table.num_rows - (pc.sum(pending).as_py() or 0)
        return with_join_keys(table, self.name, self.relative, first_row, self.outcome_codes)


def _read_force_rows(
    reading: _ForceRows, path: Path, file_month: str | None, part: Path, on_bytes: _HashingPass | None
) -> None:
    """Validate every row of a file, write the chosen force's to ``part`` (no rows: no part), set
    aside blocks of rows pasted twice, and finish the file's report (a file of another month than its
    name says is refused: :func:`pack.data.policeuk_checks.refuse_renamed`)."""
    input_spec, report = spec(reading.name), reading.report
    tally = RepeatTally()
    with _PartWriter(part) as writer:
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
            frame, numbers = reading.chosen(frame, numbers)
            if not len(frame):
                continue
            table = reading.typed(frame, numbers, writer.rows)
            tally.add(table, numbers, [c for c in table.column_names if c not in NOT_COMPARED])
            writer.write(table)
    _set_aside_repeats(tally, part, reading)
    report.notes += report.domain_counts.notes()
    report.finish_notes()
    reading.result.outcome_types = list(reading.outcome_codes)
    refuse_renamed(report, file_month)


class _PartWriter:
    """A Parquet part written batch by batch, created at the first batch (no batch: no file)."""

    def __init__(self, part: Path) -> None:
        self.part = part
        self.rows = 0  # rows written so far
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> _PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.close()

    def write(self, table: arrow.Table) -> None:
        """Append ``table``'s rows (cast to the part's schema, set by the first batch)."""
        self.rows += table.num_rows
        if self._writer is None:
            self.part.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(
                self.part,
                table.schema,
                compression=PARQUET_COMPRESSION,
                write_statistics=False,
                use_dictionary=[c for c in table.column_names if c not in UNIQUE_COLUMNS],
            )
        self._writer.write_table(table.cast(self._writer.schema))


def _set_aside_repeats(tally: RepeatTally, part: Path, reading: _ForceRows) -> None:
    """Rows that repeat rows of the file (a block pasted twice) removed from the part and counted as
    repeated; exact duplicates and shared Crime IDs counted, with their notes."""
    report, result = reading.report, reading.result
    repeats = tally.summary(lambda columns, rows: pq.read_table(part, columns=columns).take(arrow.array(rows)))
    if len(repeats.drop):
        _drop_rows(part, repeats.drop)
        report.rows_kept -= len(repeats.drop)
        report.rows_repeated += len(repeats.drop)
        result.months = set(pq.read_table(part, columns=["month"]).column("month").unique().to_pylist())
    report.duplicate_rows, report.duplicate_rows_no_id = repeats.exact, repeats.exact_no_id
    report.shared_id_rows, report.shared_ids = repeats.repeated_id_rows, repeats.repeated_ids
    report.notes += repeats.notes()


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
