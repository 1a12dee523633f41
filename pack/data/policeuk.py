"""data.police.uk street, outcomes and stop-and-search files: read in worker processes into Parquet parts."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as arrow
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv
import pyarrow.parquet as pq

from pack.data.context import PrepareContext
from pack.data.discovery import FoundFile, force_slug, month_of_file
from pack.data.hashing import memo_key
from pack.data.keys import crime_id_keys
from pack.data.readers import FileReport, line_chunks, line_count, read_validated
from pack.data.report import InputReport
from pack.data.specs import POLICE_UK_INPUTS, spec
from pack.errors import DataError

log = logging.getLogger(__name__)


PARQUET_COMPRESSION = "lz4"  # fastest of zstd, snappy, lz4 here, at about the same size
# Columns with a value per record, which Parquet's dictionary encoding would only slow down
UNIQUE_COLUMNS = frozenset({"crime_id", "crime_key_hi", "crime_key_lo", "outcome_order"})


def _choose_duplicate_months(files: list[FoundFile], report: InputReport) -> list[FoundFile]:
    """Where two downloads cover the same month of the same force (same file name in two
    folders, e.g. two archive downloads), keep the one with more outcome updates. Files of
    different forces for one month (a national archive) are not duplicates."""
    by_month: dict[tuple[str, str], list[FoundFile]] = defaultdict(list)
    for f in files:
        month = month_of_file(f.path)
        by_month[(month, f.path.name) if month else (f.relative, "")].append(f)
    chosen: list[FoundFile] = []
    for (month, _), group in sorted(by_month.items()):
        if len(group) == 1:
            chosen.append(group[0])
            continue
        scores = []
        for f in group:
            try:
                col = "Last outcome category" if report.name == "street" else "Outcome type"
                table = arrow_csv.read_csv(f.path, convert_options=arrow_csv.ConvertOptions(include_columns=[col]))
                values = table.column(col).to_pylist()
                score = sum(1 for v in values if v and v not in ("Under investigation", "Status update unavailable"))
            except (arrow.ArrowInvalid, KeyError, OSError):
                score = -1
            scores.append((score, f.relative, f))
        scores.sort(key=lambda s: (s[0], s[1]))
        best = scores[-1]
        others = ", ".join(f"{s[1]} ({s[0]} outcome updates)" for s in scores[:-1])
        report.notes.append(
            f"two or more downloads of {month}: chose {best[1]} ({best[0]} outcome updates) over {others}"
        )
        chosen.append(best[2])
    return chosen


@dataclass
class _FileResult:
    """What one worker found in one data.police.uk file."""

    report: FileReport | None = None
    months: set[str] = field(default_factory=set)
    other_forces: Counter[str] = field(default_factory=Counter)
    # a street file's valid records of every force, by (Falls within, Month, Crime type): the national picture
    force_counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    outcome_types: list[str] = field(default_factory=list)  # an outcomes file's codes, in code order
    error: str | None = None
    memo_key: str | None = None  # the file's state when read (see pack.data.hashing.memo_key) ...
    sha256: str | None = None  # ... and the SHA-256 of every byte read, when the whole file was read


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
_ORDER_MONTH_SHIFT, _ORDER_RANK_SHIFT = 46, 30
MAX_OUTCOME_FILES = 1 << (_ORDER_MONTH_SHIFT - _ORDER_RANK_SHIFT)
MAX_ROWS_PER_FILE = 1 << _ORDER_RANK_SHIFT
_CODE_RANK_SHIFT = 16  # an outcome type's code: its file's rank, then its number within the file
MAX_OUTCOME_TYPES_PER_FILE = 1 << _CODE_RANK_SHIFT


def _month_index(months: arrow.Array) -> np.ndarray:
    """``YYYY-MM`` (validated) to ``year * 12 + month - 1``."""
    year = pc.cast(pc.utf8_slice_codeunits(months, 0, 4), arrow.int64()).to_numpy()
    month = pc.cast(pc.utf8_slice_codeunits(months, 5, 7), arrow.int64()).to_numpy()
    return year * 12 + month - 1


def _with_join_keys(
    table: arrow.Table, name: str, relative: str, rank: int, first_row: int, outcome_codes: dict[str, int]
) -> arrow.Table:
    """Add the compact Crime ID key (:mod:`pack.data.keys`) and, to outcomes, the order and code that
    let the aggregates find each crime's latest outcome with integers alone."""
    hi, lo = crime_id_keys(table.column("crime_id"))
    table = table.append_column("crime_key_hi", hi).append_column("crime_key_lo", lo)
    if name != "outcomes":
        return table
    rows = np.arange(first_row, first_row + table.num_rows, dtype=np.int64)
    order = (_month_index(table.column("month")) << _ORDER_MONTH_SHIFT) | (rank << _ORDER_RANK_SHIFT) | rows
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
    code = (rank << _CODE_RANK_SHIFT) | local
    return table.append_column("outcome_order", arrow.array(order)).append_column("outcome_code", arrow.array(code))


def _read_police_uk_file(name: str, path: Path, relative: str, force: str, part: Path, rank: int) -> _FileResult:
    """Validate one file, keep the chosen force's rows and write them, typed, to ``part``
    (``rank`` is the file's place among the input's files, by path).

    Runs in a worker process for large data: takes and returns only plain, picklable values."""
    result = _FileResult()
    hashing = _HashingPass()
    try:
        result.memo_key, size = memo_key(path), path.stat().st_size
    except OSError:
        size = -1
    try:
        _read_police_uk_rows(name, path, relative, force, part, rank, result, hashing)
    finally:
        if hashing.size == size:
            result.sha256 = hashing.digest.hexdigest()
    return result


def _read_police_uk_rows(
    name: str, path: Path, relative: str, force: str, part: Path, rank: int, result: _FileResult, hashing: _HashingPass
) -> None:
    input_spec = spec(name)
    file_month = month_of_file(path)
    if name == "stop_search" and file_month:
        file_force = path.name[len(file_month) + 1 : -len("-stop-and-search.csv")]
        if file_force and file_force != force_slug(force):
            result.other_forces[file_force] += _count_rows(path, hashing)
            return
    report = FileReport(relative)
    writer: pq.ParquetWriter | None = None
    outcome_codes: dict[str, int] = {}
    rows_written = 0
    try:
        for frame in read_validated(
            path,
            report,
            input_spec.schema(file_month),
            list(input_spec.required),
            list(input_spec.kept or ()),
            on_bytes=hashing,
        ):
            if name == "street" and len(frame):
                by_force = frame.value_counts(["Falls within", "Month", "Crime type"], sort=False)
                result.force_counts.update({key: int(n) for key, n in by_force.items()})
            if name != "stop_search" and len(frame):
                mine = frame["Falls within"] == force
                for other, n in frame.loc[~mine, "Falls within"].value_counts().items():
                    result.other_forces[str(other)] += int(n)
                frame = frame[mine.to_numpy()]
            if len(frame):
                typed_frame = input_spec.convert(frame, relative)
                result.months.update(typed_frame["month"].unique().tolist())
                table = arrow.Table.from_pandas(typed_frame, preserve_index=False)
                if name != "stop_search":
                    table = _with_join_keys(table, name, relative, rank, rows_written, outcome_codes)
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
    except DataError as exc:
        result.error = str(exc)
    finally:
        if writer is not None:
            writer.close()
    result.outcome_types = list(outcome_codes)
    if result.error is None:
        result.report = report
    elif part.exists():
        part.unlink()


def _count_rows(path: Path, hashing: _HashingPass) -> int:
    """Data rows of a CSV file (lines after the header), hashing it on the way."""
    return sum(line_count(piece) for piece in line_chunks(path, on_bytes=hashing))


def read_police_uk(ctx: PrepareContext, by_input: dict[str, list[FoundFile]]) -> None:
    """Read every data.police.uk file into ``<input>.parquet/`` (one part per file), in worker
    processes when the files are large: all three inputs' files in one queue."""
    started = time.perf_counter()
    chosen: dict[str, list[FoundFile]] = {}
    ranks: dict[str, dict[str, int]] = {}
    jobs: list[tuple] = []
    for name in POLICE_UK_INPUTS:
        files = chosen[name] = _choose_duplicate_months(by_input[name], ctx.reports[name])
        if len(files) > MAX_OUTCOME_FILES:
            raise DataError(f"{len(files):,} {name} files: at most {MAX_OUTCOME_FILES:,} can be prepared at once")
        rank = ranks[name] = {relative: i for i, relative in enumerate(sorted(f.relative for f in files))}
        folder = ctx.out / f"{name}.parquet"
        jobs += [
            (name, f.path, f.relative, ctx.force, folder / f"part-{i:05d}.parquet", rank[f.relative])
            for i, f in enumerate(files)
        ]
    sizes = [job[1].stat().st_size if job[1].is_file() else 0 for job in jobs]
    results = iter(ctx.map_files(_read_police_uk_file, jobs, sizes))
    for name in POLICE_UK_INPUTS:
        _collect_police_uk(ctx, name, chosen[name], ranks[name], [next(results) for _ in chosen[name]])
    if jobs:
        log.info(
            "Prepare: %d data.police.uk file(s) (%s) read in %.1f s",
            len(jobs),
            ", ".join(f"{name} {ctx.reports[name].rows_kept:,} rows kept" for name in POLICE_UK_INPUTS if chosen[name]),
            time.perf_counter() - started,
        )


def _collect_police_uk(
    ctx: PrepareContext, name: str, files: list[FoundFile], rank: dict[str, int], results: list[_FileResult]
) -> None:
    """Gather what the workers found in one input's files (``rank``: each file's place among
    them by path, the tie-break of "latest outcome") into its report."""
    report = ctx.reports[name]
    folder = ctx.out / f"{name}.parquet"
    months: set[str] = set()
    other_forces: Counter[str] = Counter()
    outcome_codes: list[tuple[int, str]] = []
    for f, result in zip(files, results, strict=True):
        report.files.append(f.relative)
        if result.memo_key and result.sha256:
            ctx.hashed[f.path] = (result.memo_key, result.sha256)
        if result.error is not None:
            ctx.errors.append(result.error)
            report.notes.append(f"{f.relative}: {result.error}")
            continue
        outcome_codes += [((rank[f.relative] << _CODE_RANK_SHIFT) | i, t) for i, t in enumerate(result.outcome_types)]
        months |= result.months
        other_forces.update(result.other_forces)
        if result.report is not None:
            report.add(result.report)
    kept_any = folder.is_dir() and any(folder.iterdir())
    report.rows_other_forces = sum(other_forces.values())
    report.rows_kept -= report.rows_other_forces if name != "stop_search" else 0
    if other_forces:
        listed = ", ".join(f"{k} ({v:,} rows)" for k, v in sorted(other_forces.items()))
        if not kept_any:
            ctx.errors.append(
                f"{name}: no rows for '{ctx.force}' in {len(files)} file(s); forces found: {listed}. "
                "Choose one with --police-force NAME."
            )
        else:
            report.notes.append(f"rows of other forces excluded: {listed}")
    report.months = sorted(months)
    if name == "street":
        _write_force_monthly(ctx, files, results)
    if outcome_codes:  # what each outcome_code of the outcomes table stands for
        codes, types = zip(*sorted(outcome_codes), strict=True)
        table = arrow.table(
            {"outcome_code": arrow.array(codes, arrow.int64()), "outcome_type": arrow.array(types, arrow.string())}
        )
        pq.write_table(table, ctx.out / "outcome_codes.parquet")


FORCE_MONTHLY_SCHEMA = arrow.schema(
    [
        ("falls_within", arrow.string()),
        ("month", arrow.string()),
        ("crime_type", arrow.string()),
        ("n", arrow.int64()),
        ("source_file", arrow.string()),
    ]
)


def _write_force_monthly(ctx: PrepareContext, files: list[FoundFile], results: list[_FileResult]) -> None:
    """``force_monthly.parquet``: every force's valid street records by month and crime type, from
    every street file read (a national archive's too), one row per file, force, month and type.

    A force's month found in two files of different names (two downloads not recognised as one) is
    counted from one file only, the one with more records (then the later by path), and noted."""
    files_of: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    read = [(f, r) for f, r in zip(files, results, strict=True) if r.error is None]  # a file in error: not counted
    for f, result in read:
        totals: Counter[tuple[str, str]] = Counter()
        for (falls_within, month, _), n in result.force_counts.items():
            totals[(falls_within, month)] += n
        for key, n in totals.items():
            files_of[key].append((n, f.relative))
    chosen = {key: max(candidates)[1] for key, candidates in files_of.items()}
    for (falls_within, month), candidates in sorted(files_of.items()):
        if len(candidates) > 1:
            others = ", ".join(rel for _, rel in sorted(candidates) if rel != chosen[(falls_within, month)])
            ctx.reports["street"].notes.append(
                f"national counts: {falls_within} {month} is in more than one file; counted from "
                f"{chosen[(falls_within, month)]} only (not {others})"
            )
    rows = sorted(
        (falls_within, month, crime_type, n, f.relative)
        for f, result in read
        for (falls_within, month, crime_type), n in result.force_counts.items()
        if chosen[(falls_within, month)] == f.relative
    )
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    table = arrow.Table.from_arrays(
        [arrow.array(values, field.type) for values, field in zip(columns, FORCE_MONTHLY_SCHEMA, strict=True)],
        schema=FORCE_MONTHLY_SCHEMA,
    )
    pq.write_table(table, ctx.out / "force_monthly.parquet", compression="zstd")
    forces = len({r[0] for r in rows})
    ctx.reports["street"].notes.append(
        f"every force's valid records counted by month and crime type for the national comparison: {forces} force(s)"
    )
    log.info("Prepare: national counts for %d force(s) by month and crime type (force_monthly)", forces)
