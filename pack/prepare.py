"""The prepare stage: read every input once, validate it, write typed Parquet to a cache.

The cache folder is keyed by the content hashes of the input files, the police force chosen and
the pack's own code, so an unchanged data folder is never parsed twice. Alongside the tables it
writes ``quality.json``: rows read, kept and rejected (with file, row, column and reason), months
covered and missing, files not recognised, and cross-checks such as totals that disagree.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv
import pyarrow.parquet as pq

from pack import schemas
from pack.config import PLAN_FORCE, cache_root
from pack.errors import DataError
from pack.hashing import memo_key, memoised_sha256, memoised_sha256_many, pack_code_hash, remember_sha256, sha256_text
from pack.inputs import (
    INPUT_NAMES,
    INPUTS,
    OUTCOME_COLUMNS,
    STOP_SEARCH_COLUMNS,
    STREET_COLUMNS,
    FoundFile,
    discover,
    force_slug,
    month_of_file,
)
from pack.keys import crime_id_keys
from pack.periods import Month, describe_months, month_range
from pack.readers import FileReport, Rejection, line_chunks, line_count, read_validated
from pack.reference import STATS19_POLICE_FORCE_CODES, is_rural_code

log = logging.getLogger(__name__)

PREPARE_FORMAT = 4
MAX_LISTED_REJECTIONS = 200
DEMO_MARKER = "DEMONSTRATION_DATA.txt"
MONTHLY_INPUTS = ("street", "outcomes", "stop_search", "calls")
POLICE_UK_INPUTS = ("street", "outcomes", "stop_search")


@dataclass
class InputReport:
    """Data-quality facts for one input."""

    name: str
    title: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    rows_other_forces: int = 0
    months: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def supplied(self) -> bool:
        """True when at least one file of this input was found."""
        return bool(self.files)

    def add(self, report: FileReport) -> None:
        """Fold one file's report into this input's."""
        self.rows_read += report.rows_read
        self.rows_kept += report.rows_kept
        self.rows_rejected += report.rows_rejected
        self.reasons.update(report.reasons)
        self.rejections.extend(report.rejections[: max(0, MAX_LISTED_REJECTIONS - len(self.rejections))])
        self.notes.extend(f"{report.file}: {note}" for note in report.notes)

    def as_dict(self) -> dict:
        """Plain JSON form, rejections listed up to a cap and counted by reason."""
        missing: list[str] = []
        if self.months and self.name in MONTHLY_INPUTS:
            span = month_range(Month.parse(self.months[0]), Month.parse(self.months[-1]))
            missing = [str(m) for m in span if str(m) not in set(self.months)]
        return {
            "name": self.name,
            "title": self.title,
            "supplied": self.supplied,
            "files": self.files,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_rejected": self.rows_rejected,
            "rows_other_forces": self.rows_other_forces,
            "months": self.months,
            "first_month": self.months[0] if self.months else None,
            "last_month": self.months[-1] if self.months else None,
            "missing_months": missing,
            "notes": self.notes,
            "rejection_reasons": dict(sorted(self.reasons.items())),
            "rejections": [r.__dict__ for r in self.rejections[:MAX_LISTED_REJECTIONS]],
        }


@dataclass(frozen=True)
class Prepared:
    """Where a prepared data set lives and what its quality report says."""

    path: Path
    key: str
    quality: dict


# --------------------------------------------------------------------------------------------
# Normalisers: validated text frames -> typed frames


_num = schemas.parse_numbers  # text to float64 (thousands separators dropped), NaN if not a number


def _district(lsoa_name: pd.Series) -> pd.Series:
    """``Amber Valley 001A`` -> ``Amber Valley`` (the local authority district), worked out once
    per distinct name; the result keeps ``lsoa_name``'s index."""
    names = arrow.chunked_array([arrow.array(lsoa_name.astype("str"), arrow.string())]).combine_chunks()
    names = pc.dictionary_encode(names)
    districts = pc.replace_substring_regex(names.dictionary, pattern=r"\s+\d{3}[A-Z]$", replacement="")
    return pd.Series(pc.take(districts, names.indices).to_pandas().array, index=lsoa_name.index)


def _street_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "crime_id": frame["Crime ID"],
            "month": frame["Month"],
            "falls_within": frame["Falls within"],
            "longitude": _num(frame["Longitude"]),
            "latitude": _num(frame["Latitude"]),
            "location": frame["Location"],
            "lsoa_code": frame["LSOA code"],
            "lsoa_name": frame["LSOA name"],
            "district": _district(frame["LSOA name"]),
            "crime_type": frame["Crime type"],
            "last_outcome": frame["Last outcome category"],
            "source_file": file,
        }
    )


def _outcomes_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "crime_id": frame["Crime ID"],
            "month": frame["Month"],  # month of the outcome update
            "falls_within": frame["Falls within"],
            "lsoa_code": frame["LSOA code"],
            "outcome_type": frame["Outcome type"],
            "source_file": file,
        }
    )


def _stop_search_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series("", index=frame.index, dtype="str")

    return pd.DataFrame(
        {
            "date": frame["Date"],
            "month": frame["Date"].str[:7],
            "type": frame["Type"],
            "gender": col("Gender"),
            "age_range": col("Age range"),
            "officer_defined_ethnicity": col("Officer-defined ethnicity"),
            "self_defined_ethnicity": col("Self-defined ethnicity"),
            "legislation": col("Legislation"),
            "object_of_search": col("Object of search"),
            "outcome": col("Outcome"),
            "outcome_linked_to_object": col("Outcome linked to object of search"),
            "source_file": file,
        }
    )


_STATS19_RENAMES = {
    "accident_index": "collision_index",
    "accident_severity": "collision_severity",
    "accident_year": "collision_year",
    "accident_reference": "collision_reference",
    "casualty_adjusted_severity_serious": "adjusted_serious",
    "casualty_adjusted_severity_slight": "adjusted_slight",
}


def stats19_renames(header: list[str]) -> dict[str, str]:
    """Map either STATS19 vintage (``accident_*`` or ``collision_*``) to the ``collision_*`` names."""
    return {c: _STATS19_RENAMES.get(c.strip().lower(), c.strip().lower()) for c in header}


def _collisions_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    dates = pd.to_datetime(frame["date"], format="%d/%m/%Y", errors="coerce")
    return pd.DataFrame(
        {
            "collision_index": frame["collision_index"],
            "police_force": _num(frame["police_force"]).astype("int64"),
            "collision_severity": _num(frame["collision_severity"]).astype("int64"),
            "date": dates.dt.strftime("%Y-%m-%d"),
            "month": dates.dt.strftime("%Y-%m"),
            "source_file": file,
        }
    )


def _casualties_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "collision_index": frame["collision_index"],
            "casualty_severity": _num(frame["casualty_severity"]).astype("int64"),
            "casualty_type": _num(frame["casualty_type"]).astype("int64"),
            "adjusted_serious": _num(frame["adjusted_serious"])
            if "adjusted_serious" in frame
            else pd.Series(float("nan"), index=frame.index),
            "source_file": file,
        }
    )
    return out


_LSOA_COLUMNS = ("lsoa_code", "lsoa", "lsoa11cd", "lsoa21cd", "lsoa code", "lsoa11 code")
_POP_COLUMNS = ("population", "pop", "all ages", "total")


def _lookup_renames(kind: str) -> callable:
    def renames(header: list[str]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        lower = {c: c.strip().lower() for c in header}
        for c, low in lower.items():
            if low in _LSOA_COLUMNS and "lsoa_code" not in mapping.values():
                mapping[c] = "lsoa_code"
            elif kind == "rural_urban" and low in ("ruc11cd", "ruc21cd"):
                mapping[c] = "ruc_code"
            elif low in ("lsoa11nm", "lsoa21nm", "lsoa_name", "lsoa name"):
                mapping[c] = "lsoa_name"
            elif kind == "rural_urban" and low in ("ruc11", "ruc21", "ruc11nm", "ruc21nm"):
                mapping[c] = "ruc_name"
            elif kind == "population" and low in _POP_COLUMNS and "population" not in mapping.values():
                mapping[c] = "population"
        return mapping

    return renames


def _simple_renames(header: list[str]) -> dict[str, str]:
    return {c: c.strip().lower() for c in header}


# --------------------------------------------------------------------------------------------
# Reading each input


@dataclass
class _Context:
    force: str
    out: Path
    reports: dict[str, InputReport]
    errors: list[str]
    checks: list[dict]
    pool: ProcessPoolExecutor | None = None
    hashed: dict[Path, tuple[str, str]] = field(default_factory=dict)  # path: (memo key, SHA-256) from reading

    def map_files(self, function: Callable, jobs: list[tuple], sizes: list[int]) -> list:
        """``function(*job)`` for each job, results in job order: in worker processes when there is
        a pool, the largest files first (so no worker is left with a big one at the end).

        Workers that cannot start (e.g. a script without ``if __name__ == "__main__":``, which
        spawned processes re-import) are not an error: the files are then read here."""
        if self.pool is not None and len(jobs) > 1:
            try:
                futures: dict[int, Future] = {}
                for i in sorted(range(len(jobs)), key=lambda i: -sizes[i]):
                    futures[i] = self.pool.submit(function, *jobs[i])
                return [futures[i].result() for i in range(len(jobs))]
            except BrokenProcessPool as exc:
                log.warning("Prepare: worker processes could not run (%s); reading in this process", exc)
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
        return [function(*job) for job in jobs]


# Data.police.uk files at least this large in total are read by worker processes (one per core);
# below it, starting the workers costs more than it saves.
PARALLEL_FROM_BYTES = 64 << 20


PARQUET_COMPRESSION = "lz4"  # fastest of zstd, snappy, lz4 here, at about the same size
# Columns with a value per record, which Parquet's dictionary encoding would only slow down
UNIQUE_COLUMNS = frozenset({"crime_id", "crime_key_hi", "crime_key_lo", "outcome_order"})


def _set_up_worker() -> None:
    """The worker processes are the parallelism: Arrow's own threads in each would only contend.
    Freed memory is kept for the next file rather than handed back to the system and faulted in
    again page by page (glibc's allocator; elsewhere this step is skipped)."""
    arrow.set_cpu_count(1)
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # mallopt parameters, from glibc's malloc.h
        libc.mallopt(m_mmap_threshold, 256 << 20)
        libc.mallopt(m_trim_threshold, 512 << 20)
    except (OSError, AttributeError):
        pass


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
    outcome_types: list[str] = field(default_factory=list)  # an outcomes file's codes, in code order
    error: str | None = None
    memo_key: str | None = None  # the file's state when read (see pack.hashing.memo_key) ...
    sha256: str | None = None  # ... and the SHA-256 of every byte read, when the whole file was read


class _HashingPass:
    """Hashes the bytes it is given and counts them (so a partial read is not taken for the file)."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def __call__(self, chunk: memoryview | bytes) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)


def _police_uk_spec(name: str) -> tuple[list[str], list[str], Callable, Callable]:
    """``(columns kept, columns required, typed converter, schema factory)`` of a police.uk input."""
    if name == "street":
        return STREET_COLUMNS, [c for c in STREET_COLUMNS if c != "Context"], _street_typed, schemas.street_schema
    if name == "outcomes":
        kept = ["Crime ID", "Month", "Falls within", "LSOA code", "Outcome type"]
        return kept, OUTCOME_COLUMNS, _outcomes_typed, schemas.outcomes_schema
    required = ["Type", "Date", "Latitude", "Longitude", "Object of search", "Outcome"]
    return STOP_SEARCH_COLUMNS, required, _stop_search_typed, schemas.stop_search_schema


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
    """Add the compact Crime ID key (:mod:`pack.keys`) and, to outcomes, the order and code that
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
    columns, required, typed, schema_for = _police_uk_spec(name)
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
        for frame in read_validated(path, report, schema_for(file_month), required, columns, on_bytes=hashing):
            if name != "stop_search" and len(frame):
                mine = frame["Falls within"] == force
                for other, n in frame.loc[~mine, "Falls within"].value_counts().items():
                    result.other_forces[str(other)] += int(n)
                frame = frame[mine.to_numpy()]
            if len(frame):
                typed_frame = typed(frame, relative)
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


def _read_police_uk(ctx: _Context, by_input: dict[str, list[FoundFile]]) -> None:
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
    ctx: _Context, name: str, files: list[FoundFile], rank: dict[str, int], results: list[_FileResult]
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
    if outcome_codes:  # what each outcome_code of the outcomes table stands for
        codes, types = zip(*sorted(outcome_codes), strict=True)
        table = arrow.table(
            {"outcome_code": arrow.array(codes, arrow.int64()), "outcome_type": arrow.array(types, arrow.string())}
        )
        pq.write_table(table, ctx.out / "outcome_codes.parquet")


def _read_table(
    ctx: _Context,
    name: str,
    files: list[FoundFile],
    schema,
    required: list[str],
    typed,
    renames=_simple_renames,
    keep: list[str] | None = None,
) -> pd.DataFrame | None:
    """Read a small input whole; return the typed frame (or ``None`` if not supplied)."""
    report = ctx.reports[name]
    frames: list[pd.DataFrame] = []
    for f in files:
        report.files.append(f.relative)
        try:
            file_report = FileReport(f.relative)
            for frame in read_validated(f.path, file_report, schema, required, keep, rename=renames):
                if len(frame):
                    frames.append(typed(frame, f.relative))
            report.add(file_report)
        except DataError as exc:
            ctx.errors.append(str(exc))
            report.notes.append(f"{f.relative}: {exc}")
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True)


def _save(ctx: _Context, name: str, frame: pd.DataFrame | None) -> None:
    if frame is None:
        return
    pq.write_table(
        arrow.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False),
        ctx.out / f"{name}.parquet",
        compression="zstd",
    )


def _workforce_from_home_office(path: Path, relative: str, force: str, report: InputReport) -> pd.DataFrame:
    """Home Office officer FTE / headcount tables (wide by date, or long by year) -> long form."""
    table = arrow_csv.read_csv(
        path,
        read_options=arrow_csv.ReadOptions(encoding="utf-8"),
        convert_options=arrow_csv.ConvertOptions(strings_can_be_null=False),
    ).to_pandas()
    table.columns = [str(c).lstrip("\ufeff").strip() for c in table.columns]
    measure = "headcount" if "headcount" in path.name.lower() else "fte"
    slug = force_slug(force)
    first = table.columns[0]
    rows = []
    mine = table[table[first].astype(str).map(force_slug) == slug]
    if "Year" in table.columns and any("fte" in c.lower() for c in table.columns):
        value_col = next(c for c in table.columns if "fte" in c.lower())
        for _, r in mine.iterrows():
            rows.append((f"{int(r['Year'])}-03-31", "officer", "fte", float(r[value_col])))
    else:
        for col in table.columns[1:]:
            m = re.match(r"^(March|September) (\d{4})$", col)
            if not m:
                continue
            day = "03-31" if m.group(1) == "March" else "09-30"
            for value in mine[col]:
                rows.append((f"{m.group(2)}-{day}", "officer", measure, float(value)))
    if mine.empty:
        report.notes.append(f"{relative}: no row for {force}")
    frame = pd.DataFrame(rows, columns=["date", "role", "measure", "value"])
    frame["source_file"] = relative
    return frame


def _read_workforce(ctx: _Context, files: list[FoundFile]) -> None:
    report = ctx.reports["workforce"]
    frames = []
    for f in files:
        header = [
            c.lstrip("\ufeff").strip() for c in f.path.open(encoding="utf-8", errors="replace").readline().split(",")
        ]
        if {"date", "role", "measure", "value"} <= {h.lower() for h in header}:
            frame = _read_table(
                ctx,
                "workforce",
                [f],
                schemas.workforce_schema(),
                ["date", "role", "measure", "value"],
                lambda fr, file: pd.DataFrame(
                    {
                        "date": fr["date"],
                        "role": fr["role"],
                        "measure": fr["measure"],
                        "value": _num(fr["value"]),
                        "source_file": file,
                    }
                ),
            )
            if frame is not None:
                frames.append(frame)
        else:
            report.files.append(f.relative)
            try:
                frame = _workforce_from_home_office(f.path, f.relative, ctx.force, report)
            except (arrow.ArrowInvalid, ValueError, KeyError) as exc:
                ctx.errors.append(f"file {f.relative}: not a Home Office workforce table: {exc}")
                continue
            report.rows_read += len(frame)
            report.rows_kept += len(frame)
            frames.append(frame)
    if not frames:
        return
    frame = pd.concat(frames, ignore_index=True)
    # The same date and measure in several files: keep one, report any disagreement.
    disagree = []
    for (date, role, measure), group in frame.groupby(["date", "role", "measure"], sort=True):
        if group["value"].nunique() > 1 and (group["value"].max() - group["value"].min()) > 0.5:
            disagree.append(
                f"{role} {measure} at {date}: "
                + ", ".join(f"{v:,.1f} ({s})" for v, s in zip(group["value"], group["source_file"], strict=True))
            )
    if disagree:
        ctx.checks.append(
            {
                "check": "Workforce figures for the same date disagree between files",
                "severity": "warning",
                "detail": "; ".join(disagree[:10]),
                "resolution": "the value from the last file (by path) is used",
            }
        )
    frame = frame.drop_duplicates(["date", "role", "measure"], keep="last").sort_values(["role", "measure", "date"])
    report.months = sorted({d[:7] for d in frame["date"]})
    _save(ctx, "workforce", frame)


# --------------------------------------------------------------------------------------------
# Aggregates that notebooks read (so no notebook scans the row-level tables)


def _parts(folder: Path) -> str:
    """DuckDB glob of a table written as part files; empty when there are none."""
    return f"{folder}/*.parquet" if folder.is_dir() and any(folder.glob("*.parquet")) else ""


def _aggregate(out: Path) -> None:
    con = _duckdb(out)
    try:
        street = _parts(out / "street.parquet")
        if street:
            con.execute(
                f"""COPY (SELECT month, lsoa_code, lsoa_name, district, crime_type, count(*) AS n
                    FROM read_parquet('{street}') GROUP BY ALL ORDER BY ALL)
                    TO '{out / "street_monthly.parquet"}' (FORMAT parquet)"""
            )
            con.execute(
                f"""COPY (SELECT month, crime_type, round(longitude, 2) AS lon, round(latitude, 2) AS lat,
                    count(*) AS n FROM read_parquet('{street}') WHERE longitude IS NOT NULL
                    GROUP BY ALL ORDER BY ALL) TO '{out / "street_grid.parquet"}' (FORMAT parquet)"""
            )
            outcomes = _parts(out / "outcomes.parquet")
            # each crime's latest outcome: the highest outcome_order (month, file, row) wins
            latest = (
                f"""SELECT crime_key_hi, crime_key_lo, arg_max(outcome_code, outcome_order) AS outcome_code
                    FROM read_parquet('{outcomes}') GROUP BY ALL"""
                if outcomes
                else "SELECT NULL::UBIGINT AS crime_key_hi, NULL::UBIGINT AS crime_key_lo, "
                "NULL::BIGINT AS outcome_code WHERE false"
            )
            codes = (
                f"read_parquet('{out / 'outcome_codes.parquet'}')"
                if (out / "outcome_codes.parquet").is_file()
                else "(SELECT NULL::BIGINT AS outcome_code, NULL::VARCHAR AS outcome_type WHERE false)"
            )
            con.execute(
                f"""COPY (SELECT month, crime_type, district, c.outcome_type, last_outcome, sum(n)::BIGINT AS n
                    FROM (SELECT s.month, s.crime_type, s.district, o.outcome_code, s.last_outcome, count(*) AS n
                          FROM read_parquet('{street}') s LEFT JOIN ({latest}) o USING (crime_key_hi, crime_key_lo)
                          WHERE s.crime_key_hi IS NOT NULL GROUP BY ALL) LEFT JOIN {codes} c USING (outcome_code)
                    GROUP BY ALL ORDER BY ALL) TO '{out / "crime_outcomes.parquet"}' (FORMAT parquet)"""
            )
    finally:
        con.close()
        shutil.rmtree(out / ".duckdb-spill", ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The stage


def _duckdb(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for the aggregates: bounded memory (spilling into ``folder`` beyond
    it, never the working folder), no progress bar on the terminal."""
    con = duckdb.connect(config={"memory_limit": "1500MB", "temp_directory": str(folder / ".duckdb-spill")})
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:  # in a Jupyter kernel without ipywidgets DuckDB refuses the setting (and shows no bar)
        pass
    return con


def _content_key(
    data_dir: Path, files: list[FoundFile], force: str, digests: dict[Path, str]
) -> tuple[str, list[dict]]:
    listing = []
    for f in files:
        if f.path.is_file():
            listing.append(
                {
                    "path": f.relative,
                    "size": f.path.stat().st_size,
                    "sha256": digests.get(f.path, "unreadable"),
                    "input": f.input,
                }
            )
        else:
            listing.append({"path": f.relative, "size": None, "sha256": None, "input": f.input})
    extra = data_dir / "sources.toml"
    tag = sha256_text(extra.read_text(encoding="utf-8")) if extra.is_file() else ""
    key = sha256_text(
        json.dumps(
            [PREPARE_FORMAT, force, tag, listing, pack_code_hash(), (data_dir / DEMO_MARKER).is_file()], sort_keys=True
        )
    )
    return key[:24], listing


def prepare(data_dir: Path | str, force: str = PLAN_FORCE, *, on_miss: Callable[[], object] | None = None) -> Prepared:
    """Validate and normalise every input under ``data_dir``; return the cached result.

    The cache key is the SHA-256 of every input file. Hashes are memoised by file size and
    modification time; a data.police.uk file not in the memo is hashed by the worker that reads
    it, in the same pass, so new or changed data are read once, not twice. ``on_miss`` is called
    when the data must be read afresh (the build starts its kernels then).

    Raises :class:`DataError` listing every file-level problem (file, row, column, expected)
    when any input cannot be read; row-level problems are rejected and counted instead.
    """
    data_dir = Path(data_dir)
    files = discover(data_dir)
    root = cache_root() / "prepared"
    readable = [f.path for f in files if f.path.is_file()]
    read_in_workers = {f.path for f in files if f.input in POLICE_UK_INPUTS and f.path.is_file()}
    digests = memoised_sha256([p for p in readable if p in read_in_workers])
    digests.update(memoised_sha256_many([p for p in readable if p not in read_in_workers]))
    if all(p in digests for p in read_in_workers):
        key, _ = _content_key(data_dir, files, force, digests)
        cached = _cached(root / key)
        if cached is not None:
            log.info("Prepare: reused validated data from the cache (%s)", key)
            return cached
    if on_miss is not None:
        on_miss()
    log.info("Prepare: reading %d file(s) under %s for %s", len(files), data_dir.name, force)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="reading.", dir=root))
    try:
        quality, hashed = _prepare_into(tmp, data_dir, files, force)
        remember_sha256(dict(hashed.values()))
        digests.update({path: sha for path, (_, sha) in hashed.items()})
        digests.update(memoised_sha256_many([p for p in readable if p not in digests]))  # e.g. duplicates not read
        key, listing = _content_key(data_dir, files, force, digests)
        # the same key order whether fresh or read back from the cache
        quality = json.loads(json.dumps({**quality, "files": listing}, sort_keys=True))
        (tmp / "quality.json").write_text(json.dumps(quality, indent=1, sort_keys=True), encoding="utf-8")
        target = root / key
        try:
            os.replace(tmp, target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # prepared before (or by another process) meanwhile
            if (cached := _cached(target)) is not None:
                return cached
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _raise_if_errors(quality)
    return Prepared(target, key, quality)


def _cached(target: Path) -> Prepared | None:
    """The prepared data in ``target`` (raising if they recorded errors), or ``None``."""
    if not (target / "quality.json").is_file():
        return None
    quality = json.loads((target / "quality.json").read_text(encoding="utf-8"))
    _raise_if_errors(quality)
    return Prepared(target, target.name, quality)


def _raise_if_errors(quality: dict) -> None:
    if quality["errors"]:
        listed = "\n  - ".join(quality["errors"])
        raise DataError(f"the data folder has {len(quality['errors'])} problem(s):\n  - {listed}")


def _prepare_into(
    out: Path, data_dir: Path, files: list[FoundFile], force: str
) -> tuple[dict, dict[Path, tuple[str, str]]]:
    """Read every input into ``out``; return the quality report (without its file listing) and
    the ``(memo key, SHA-256)`` of each file hashed while it was read."""
    reports = {s.name: InputReport(s.name, s.title) for s in INPUTS}
    ctx = _Context(force, out, reports, [], [])
    by_input: dict[str, list[FoundFile]] = defaultdict(list)
    for f in files:
        if f.input:
            by_input[f.input].append(f)

    police_uk = [f.path for name in POLICE_UK_INPUTS for f in by_input[name]]
    workers = min(os.cpu_count() or 1, 4)
    if workers > 1 and sum(p.stat().st_size for p in police_uk if p.is_file()) >= PARALLEL_FROM_BYTES:
        ctx.pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_set_up_worker
        )
    try:
        _read_police_uk(ctx, by_input)
    finally:
        if ctx.pool is not None:
            ctx.pool.shutdown()
    _read_stats19(ctx, by_input)
    _read_lookups(ctx, by_input)
    _read_workforce(ctx, by_input["workforce"])
    _read_small_tables(ctx, by_input)
    if (out / "street.parquet").exists():
        started = time.perf_counter()
        _aggregate(out)
        log.info("Prepare: monthly, grid and outcome aggregates in %.1f s", time.perf_counter() - started)
        _check_lsoas(ctx)
    _check_finance(ctx)

    quality = {
        "format": PREPARE_FORMAT,
        "force": force,
        "demonstration": (data_dir / DEMO_MARKER).is_file(),
        "inputs": {name: r.as_dict() for name, r in reports.items()},
        "unrecognised": [f.relative for f in files if not f.input],
        "checks": ctx.checks,
        "errors": ctx.errors,
    }
    return quality, ctx.hashed


def _read_stats19(ctx: _Context, by_input: dict[str, list[FoundFile]]) -> None:
    code = STATS19_POLICE_FORCE_CODES.get(force_slug(ctx.force))
    collisions = _read_table(
        ctx,
        "collisions",
        by_input["collisions"],
        schemas.collisions_schema(),
        ["collision_index", "police_force", "collision_severity", "date"],
        _collisions_typed,
        renames=stats19_renames,
    )
    if collisions is not None:
        report = ctx.reports["collisions"]
        if code is None:
            ctx.errors.append(f"collisions: no STATS19 police_force code is known for '{ctx.force}'")
            return
        mine = collisions["police_force"] == code
        report.rows_other_forces = int((~mine).sum())
        report.rows_kept -= report.rows_other_forces
        if not mine.any():
            found = ", ".join(str(c) for c in sorted(collisions["police_force"].unique()))
            ctx.errors.append(f"collisions: no rows for police_force {code} ({ctx.force}); codes found: {found}")
            return
        collisions = collisions[mine]
        years = collisions["date"].str[:4]
        report.months = sorted(collisions["month"].unique().tolist())
        report.notes.append(f"collision years: {', '.join(sorted(years.unique()))}")
        _save(ctx, "collisions", collisions)
    casualties = _read_table(
        ctx,
        "casualties",
        by_input["casualties"],
        schemas.casualties_schema(),
        ["collision_index", "casualty_severity", "casualty_type"],
        _casualties_typed,
        renames=stats19_renames,
    )
    if casualties is not None:
        report = ctx.reports["casualties"]
        if collisions is None:
            ctx.errors.append("casualties: casualty files need the matching STATS19 collision files")
            return
        joined = casualties.merge(
            collisions[["collision_index", "date", "month", "collision_severity"]],
            on="collision_index",
            how="left",
            validate="many_to_one",
        )
        unmatched = joined["month"].isna()
        report.rows_other_forces = int(unmatched.sum())
        report.rows_kept -= report.rows_other_forces
        if report.rows_other_forces:
            report.notes.append(
                f"{report.rows_other_forces:,} casualties in collisions of other forces (or with no "
                "collision record) excluded"
            )
        joined = joined[~unmatched]
        report.months = sorted(joined["month"].unique().tolist())
        if joined["adjusted_serious"].notna().any():
            report.notes.append("severity adjustment supplied (casualty_adjusted_severity_serious)")
        _save(ctx, "casualties", joined)


def _read_lookups(ctx: _Context, by_input: dict[str, list[FoundFile]]) -> None:
    ruc = _read_table(
        ctx,
        "rural_urban",
        by_input["rural_urban"],
        schemas.rural_urban_schema(),
        ["lsoa_code", "ruc_code"],
        lambda fr, file: pd.DataFrame(
            {
                "lsoa_code": fr["lsoa_code"],
                "ruc_code": fr["ruc_code"],
                "lsoa_name": fr["lsoa_name"] if "lsoa_name" in fr else "",
                "district": _district(fr["lsoa_name"]) if "lsoa_name" in fr else "",
                "ruc_name": fr["ruc_name"] if "ruc_name" in fr else "",
                "rural": fr["ruc_code"].map(is_rural_code).astype(bool),
                "vintage": "2021" if fr["ruc_code"].str.startswith(("U", "R")).any() else "2011",
                "source_file": file,
            }
        ),
        renames=_lookup_renames("rural_urban"),
    )
    if ruc is not None:
        _save(ctx, "rural_urban", ruc.drop_duplicates("lsoa_code", keep="last"))
    pop = _read_table(
        ctx,
        "population",
        by_input["population"],
        schemas.population_schema(),
        ["lsoa_code", "population"],
        lambda fr, file: pd.DataFrame(
            {"lsoa_code": fr["lsoa_code"], "population": _num(fr["population"]), "source_file": file}
        ),
        renames=_lookup_renames("population"),
    )
    if pop is not None:
        _save(ctx, "population", pop.drop_duplicates("lsoa_code", keep="last"))


def _read_small_tables(ctx: _Context, by_input: dict[str, list[FoundFile]]) -> None:
    def text_or_empty(fr: pd.DataFrame, col: str) -> pd.Series:
        return fr[col] if col in fr else pd.Series("", index=fr.index, dtype="str")

    calls = _read_table(
        ctx,
        "calls",
        by_input["calls"],
        schemas.calls_schema(),
        ["month", "line", "calls_received", "calls_answered", "mean_answer_seconds"],
        lambda fr, file: pd.DataFrame(
            {
                "month": fr["month"],
                "line": fr["line"],
                "calls_received": _num(fr["calls_received"]),
                "calls_answered": _num(fr["calls_answered"]),
                "mean_answer_seconds": _num(fr["mean_answer_seconds"]),
                "answered_under_10s_pct": _num(text_or_empty(fr, "answered_under_10s_pct")),
                "answered_10_to_60s_pct": _num(text_or_empty(fr, "answered_10_to_60s_pct")),
                "answered_over_60s_pct": _num(text_or_empty(fr, "answered_over_60s_pct")),
                "source_file": file,
            }
        ),
    )
    if calls is not None:
        ctx.reports["calls"].months = sorted(calls["month"].unique().tolist())
        _save(ctx, "calls", calls.sort_values(["line", "month"]))
    finance = _read_table(
        ctx,
        "finance",
        by_input["finance"],
        schemas.finance_schema(),
        ["year", "table", "line", "value_gbp_m"],
        lambda fr, file: pd.DataFrame(
            {
                "year": fr["year"],
                "table": fr["table"],
                "line": fr["line"],
                "value_gbp_m": _num(fr["value_gbp_m"]),
                "order": range(len(fr)),
                "source": text_or_empty(fr, "source"),
                "source_file": file,
            }
        ),
    )
    _save(ctx, "finance", finance)
    likert = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree"]
    consultation = _read_table(
        ctx,
        "consultation",
        by_input["consultation"],
        schemas.consultation_schema(),
        ["priority", *likert],
        lambda fr, file: pd.DataFrame(
            {
                "priority": fr["priority"],
                **{c: _num(fr[c]).astype("int64") for c in likert},
                "source": text_or_empty(fr, "source"),
                "source_file": file,
            }
        ),
    )
    _save(ctx, "consultation", consultation)
    mi = _read_table(
        ctx,
        "mi",
        by_input["mi"],
        schemas.management_information_schema(),
        ["indicator_id", "period_start", "period_end", "value"],
        lambda fr, file: pd.DataFrame(
            {
                "indicator_id": fr["indicator_id"],
                "period_start": fr["period_start"],
                "period_end": fr["period_end"],
                "value": _num(fr["value"]),
                "unit": text_or_empty(fr, "unit"),
                "source": text_or_empty(fr, "source"),
                "note": text_or_empty(fr, "note"),
                "source_file": file,
            }
        ),
    )
    if mi is not None:
        from pack.catalogue import MI_CATALOGUE

        unknown = sorted(set(mi["indicator_id"]) - set(MI_CATALOGUE))
        if unknown:
            ctx.reports["mi"].notes.append(
                f"{len(unknown)} indicator id(s) not in the catalogue (kept, shown in no notebook): "
                + ", ".join(unknown[:20])
            )
        ctx.reports["mi"].months = sorted({d[:7] for d in mi["period_end"]})
        _save(ctx, "mi", mi.sort_values(["indicator_id", "period_end", "source_file"]))
    hotspots = _read_table(
        ctx,
        "hotspots",
        by_input["hotspots"],
        schemas.hotspots_schema(),
        ["lsoa_code", "patrolled_from"],
        lambda fr, file: pd.DataFrame(
            {"lsoa_code": fr["lsoa_code"], "patrolled_from": fr["patrolled_from"], "source_file": file}
        ),
    )
    _save(ctx, "hotspots", hotspots)
    groups = _read_table(
        ctx,
        "ethnicity_population",
        by_input["ethnicity_population"],
        schemas.ethnicity_population_schema(),
        ["ethnic_group", "population"],
        lambda fr, file: pd.DataFrame(
            {"ethnic_group": fr["ethnic_group"].str.strip(), "population": _num(fr["population"]), "source_file": file}
        ),
    )
    if groups is not None:
        repeated = sorted(groups.loc[groups["ethnic_group"].duplicated(), "ethnic_group"].unique())
        if repeated:
            ctx.errors.append(
                f"ethnicity_population: ethnic group(s) given more than once: {', '.join(repeated)} "
                f"(files {', '.join(ctx.reports['ethnicity_population'].files)}); expected one row per group"
            )
        _save(ctx, "ethnicity_population", groups)


def _check_lsoas(ctx: _Context) -> None:
    """Count street records whose LSOA code is not in the rural-urban lookup."""
    ruc_path = ctx.out / "rural_urban.parquet"
    if not ruc_path.exists():
        return
    con = _duckdb(ctx.out)
    try:
        row = con.execute(
            f"""SELECT count(*) FILTER (WHERE s.lsoa_code = ''),
                       count(*) FILTER (WHERE s.lsoa_code <> '' AND r.lsoa_code IS NULL),
                       count(DISTINCT s.lsoa_code) FILTER (WHERE s.lsoa_code <> '' AND r.lsoa_code IS NULL),
                       count(*)
                FROM read_parquet('{_parts(ctx.out / "street.parquet")}') s
                LEFT JOIN read_parquet('{ruc_path}') r USING (lsoa_code)"""
        ).fetchone()
    finally:
        con.close()
    no_lsoa, unmatched, unmatched_codes, total = (int(v) for v in row)
    ctx.checks.append(
        {
            "check": "Street records matched to the rural-urban lookup",
            "severity": "warning" if unmatched else "ok",
            "detail": f"{total - no_lsoa - unmatched:,} of {total:,} records matched; {no_lsoa:,} have no "
            f"LSOA; {unmatched:,} records in {unmatched_codes:,} LSOA code(s) not in the lookup "
            "(e.g. 2021 codes against a 2011 lookup)",
            "resolution": "unmatched and unlocated records are counted, and left out of the rural/urban split only",
        }
    )


def _check_finance(ctx: _Context) -> None:
    """Compare revenue table totals with funding (net expenditure) per year."""
    path = ctx.out / "finance.parquet"
    if not path.exists():
        return
    finance = pd.read_parquet(path)
    for year, group in finance.groupby("year", sort=True):
        revenue = group.loc[group["table"] == "revenue", "value_gbp_m"].sum()
        net = group.loc[
            (group["table"] == "funding") & group["line"].str.lower().str.startswith("net expenditure"),
            "value_gbp_m",
        ]
        if revenue and len(net):
            diff = revenue - float(net.iloc[0])
            if abs(diff) > 0.0005:
                ctx.checks.append(
                    {
                        "check": f"Revenue budget lines against net expenditure, {year}",
                        "severity": "note",
                        "detail": f"the revenue lines sum to £{revenue:,.3f}m but net expenditure is "
                        f"£{float(net.iloc[0]):,.3f}m: a difference of £{diff:,.3f}m",
                        "resolution": "the revenue table is gross spending; net expenditure is after "
                        "income (e.g. specific grants, fees and charges). Both are shown.",
                    }
                )


def summarise_coverage(quality: dict) -> list[str]:
    """One plain-English line per input: supplied or not, rows, months."""
    lines = []
    for name in INPUT_NAMES:
        info = quality["inputs"][name]
        if not info["supplied"]:
            lines.append(f"{info['title']}: not supplied")
            continue
        text = f"{info['title']}: {len(info['files'])} file(s), {info['rows_kept']:,} rows kept"
        if info["rows_rejected"]:
            text += f", {info['rows_rejected']:,} rejected"
        if info["months"]:
            text += f"; months {describe_months(info['months'])}"
        if info["missing_months"]:
            text += f" (missing {describe_months(info['missing_months'])})"
        lines.append(text)
    return lines
