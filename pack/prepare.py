"""The prepare stage: read every input once, validate it, write typed Parquet to a cache.

The cache folder is keyed by the content hashes of the input files, the police force chosen and
the pack's own code, so an unchanged data folder is never parsed twice. Alongside the tables it
writes ``quality.json``: rows read, kept and rejected (with file, row, column and reason), months
covered and missing, files not recognised, and cross-checks such as totals that disagree.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv
import pyarrow.parquet as pq

from pack import schemas
from pack.config import PLAN_FORCE, cache_root
from pack.errors import DataError
from pack.hashing import memoised_sha256_many, pack_code_hash, sha256_text
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
from pack.periods import Month, describe_months, month_range
from pack.readers import FileReport, Rejection, read_validated
from pack.reference import STATS19_POLICE_FORCE_CODES, is_rural_code

log = logging.getLogger(__name__)

PREPARE_FORMAT = 3
MAX_LISTED_REJECTIONS = 200
DEMO_MARKER = "DEMONSTRATION_DATA.txt"
MONTHLY_INPUTS = ("street", "outcomes", "stop_search", "calls")


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
    """``Amber Valley 001A`` -> ``Amber Valley`` (the local authority district)."""
    names = arrow.array(lsoa_name.astype("str"))
    return pc.replace_substring_regex(names, pattern=r"\s+\d{3}[A-Z]$", replacement="").to_pandas()


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

    def map_files(self, function: Callable, jobs: list[tuple]) -> Iterator:
        """``function(*job)`` for each job, in order: in worker processes when there is a pool.

        Workers that cannot start (e.g. a script without ``if __name__ == "__main__":``, which
        spawned processes re-import) are not an error: the files are then read here."""
        if self.pool is not None and len(jobs) > 1:
            try:
                return iter(list(self.pool.map(function, *zip(*jobs, strict=True))))
            except BrokenProcessPool as exc:
                log.warning("Prepare: worker processes could not run (%s); reading in this process", exc)
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
        return (function(*job) for job in jobs)


# Data.police.uk files at least this large in total are read by worker processes (one per core);
# below it, starting the workers costs more than it saves.
PARALLEL_FROM_BYTES = 64 << 20


PARQUET_COMPRESSION = "lz4"  # fastest of zstd, snappy, lz4 here, at about the same size



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
                table = arrow_csv.read_csv(
                    f.path, convert_options=arrow_csv.ConvertOptions(include_columns=[col])
                )
                values = table.column(col).to_pylist()
                score = sum(
                    1 for v in values if v and v not in ("Under investigation", "Status update unavailable")
                )
            except (arrow.ArrowInvalid, KeyError, OSError):
                score = -1
            scores.append((score, f.relative, f))
        scores.sort(key=lambda s: (s[0], s[1]))
        best = scores[-1]
        others = ", ".join(f"{s[1]} ({s[0]} outcome updates)" for s in scores[:-1])
        report.notes.append(
            f"two or more downloads of {month}: chose {best[1]} ({best[0]} outcome updates) "
            f"over {others}"
        )
        chosen.append(best[2])
    return chosen


@dataclass
class _FileResult:
    """What one worker found in one data.police.uk file."""

    report: FileReport | None = None
    months: set[str] = field(default_factory=set)
    other_forces: Counter[str] = field(default_factory=Counter)
    error: str | None = None


def _police_uk_spec(name: str) -> tuple[list[str], list[str], Callable, Callable]:
    """``(columns kept, columns required, typed converter, schema factory)`` of a police.uk input."""
    if name == "street":
        return STREET_COLUMNS, [c for c in STREET_COLUMNS if c != "Context"], _street_typed, schemas.street_schema
    if name == "outcomes":
        kept = ["Crime ID", "Month", "Falls within", "LSOA code", "Outcome type"]
        return kept, OUTCOME_COLUMNS, _outcomes_typed, schemas.outcomes_schema
    required = ["Type", "Date", "Latitude", "Longitude", "Object of search", "Outcome"]
    return STOP_SEARCH_COLUMNS, required, _stop_search_typed, schemas.stop_search_schema


def _read_police_uk_file(name: str, path: Path, relative: str, force: str, part: Path) -> _FileResult:
    """Validate one file, keep the chosen force's rows and write them, typed, to ``part``.

    Runs in a worker process for large data: takes and returns only plain, picklable values."""
    columns, required, typed, schema_for = _police_uk_spec(name)
    result = _FileResult()
    file_month = month_of_file(path)
    if name == "stop_search" and file_month:
        file_force = path.name[len(file_month) + 1 : -len("-stop-and-search.csv")]
        if file_force and file_force != force_slug(force):
            with path.open("rb") as handle:
                result.other_forces[file_force] += sum(1 for _ in handle) - 1
            return result
    report = FileReport(relative)
    writer: pq.ParquetWriter | None = None
    try:
        for frame in read_validated(path, report, schema_for(file_month), required, columns):
            if name != "stop_search" and len(frame):
                mine = frame["Falls within"] == force
                for other, n in frame.loc[~mine, "Falls within"].value_counts().items():
                    result.other_forces[str(other)] += int(n)
                frame = frame[mine.to_numpy()]
            if len(frame):
                typed_frame = typed(frame, relative)
                result.months.update(typed_frame["month"].unique().tolist())
                table = arrow.Table.from_pandas(typed_frame, preserve_index=False)
                if writer is None:
                    part.parent.mkdir(parents=True, exist_ok=True)
                    writer = pq.ParquetWriter(part, table.schema, compression=PARQUET_COMPRESSION)
                writer.write_table(table.cast(writer.schema))
    except DataError as exc:
        result.error = str(exc)
    finally:
        if writer is not None:
            writer.close()
    if result.error is None:
        result.report = report
    elif part.exists():
        part.unlink()
    return result


def _read_police_uk(ctx: _Context, name: str, files: list[FoundFile]) -> None:
    """Read every file of one data.police.uk input into ``<name>.parquet/`` (one part per file),
    in worker processes when the files are large."""
    report = ctx.reports[name]
    files = _choose_duplicate_months(files, report)
    started = time.perf_counter()
    folder = ctx.out / f"{name}.parquet"
    jobs = [(name, f.path, f.relative, ctx.force, folder / f"part-{i:05d}.parquet") for i, f in enumerate(files)]
    months: set[str] = set()
    other_forces: Counter[str] = Counter()
    for f, result in zip(files, ctx.map_files(_read_police_uk_file, jobs), strict=True):
        report.files.append(f.relative)
        if result.error is not None:
            ctx.errors.append(result.error)
            report.notes.append(f"{f.relative}: {result.error}")
            continue
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
    if files:
        log.info("Prepare: %s: %d file(s), %s rows kept, in %.1f s", name, len(files), f"{report.rows_kept:,}",
                 time.perf_counter() - started)  # fmt: skip


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
        path, read_options=arrow_csv.ReadOptions(encoding="utf-8"),
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
        header = [c.lstrip("\ufeff").strip() for c in f.path.open(encoding="utf-8", errors="replace").readline().split(",")]
        if {"date", "role", "measure", "value"} <= {h.lower() for h in header}:
            frame = _read_table(
                ctx, "workforce", [f], schemas.workforce_schema(), ["date", "role", "measure", "value"],
                lambda fr, file: pd.DataFrame(
                    {"date": fr["date"], "role": fr["role"], "measure": fr["measure"],
                     "value": _num(fr["value"]), "source_file": file}
                ),
            )  # fmt: skip
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
            {"check": "Workforce figures for the same date disagree between files",
             "severity": "warning", "detail": "; ".join(disagree[:10]),
             "resolution": "the value from the last file (by path) is used"}
        )  # fmt: skip
    frame = frame.drop_duplicates(["date", "role", "measure"], keep="last").sort_values(
        ["role", "measure", "date"]
    )
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
            latest = (
                f"""SELECT crime_id, arg_max(outcome_type, month || source_file) AS outcome_type,
                    max(month) AS outcome_month FROM read_parquet('{outcomes}') GROUP BY crime_id"""
                if outcomes
                else "SELECT NULL::VARCHAR AS crime_id, NULL::VARCHAR AS outcome_type, NULL::VARCHAR AS outcome_month WHERE false"
            )
            con.execute(
                f"""COPY (SELECT s.month, s.crime_type, s.district, o.outcome_type,
                    s.last_outcome, count(*) AS n
                    FROM read_parquet('{street}') s LEFT JOIN ({latest}) o USING (crime_id)
                    WHERE s.crime_id <> '' GROUP BY ALL ORDER BY ALL)
                    TO '{out / "crime_outcomes.parquet"}' (FORMAT parquet)"""
            )
    finally:
        con.close()
        shutil.rmtree(out / ".duckdb-spill", ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The stage


def _duckdb(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for the aggregates: bounded memory (spilling into ``folder`` beyond
    it, never the working folder), no progress bar on the terminal."""
    con = duckdb.connect(config={"memory_limit": "1GB", "temp_directory": str(folder / ".duckdb-spill")})
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:  # in a Jupyter kernel without ipywidgets DuckDB refuses the setting (and shows no bar)
        pass
    return con


def _content_key(data_dir: Path, files: list[FoundFile], force: str) -> tuple[str, list[dict]]:
    listing = []
    digests = memoised_sha256_many([f.path for f in files if f.path.is_file()])
    for f in files:
        if f.path.is_file():
            listing.append({"path": f.relative, "size": f.path.stat().st_size,
                            "sha256": digests.get(f.path, "unreadable"), "input": f.input})  # fmt: skip
        else:
            listing.append({"path": f.relative, "size": None, "sha256": None, "input": f.input})
    extra = data_dir / "sources.toml"
    tag = sha256_text(extra.read_text(encoding="utf-8")) if extra.is_file() else ""
    key = sha256_text(
        json.dumps([PREPARE_FORMAT, force, tag, listing, pack_code_hash(),
                    (data_dir / DEMO_MARKER).is_file()], sort_keys=True)
    )  # fmt: skip
    return key[:24], listing


def prepare(data_dir: Path | str, force: str = PLAN_FORCE, *, refresh: bool = False,
            on_miss: Callable[[], object] | None = None) -> Prepared:  # fmt: skip
    """Validate and normalise every input under ``data_dir``; return the cached result.

    ``on_miss`` is called when the data must be read afresh (the build starts its kernels then).

    Raises :class:`DataError` listing every file-level problem (file, row, column, expected)
    when any input cannot be read; row-level problems are rejected and counted instead.
    """
    data_dir = Path(data_dir)
    files = discover(data_dir)
    key, listing = _content_key(data_dir, files, force)
    target = cache_root() / "prepared" / key
    if (target / "quality.json").is_file() and not refresh:
        quality = json.loads((target / "quality.json").read_text(encoding="utf-8"))
        log.info("Prepare: reused validated data from the cache (%s)", key)
        _raise_if_errors(quality)
        return Prepared(target, key, quality)
    if on_miss is not None:
        on_miss()
    log.info("Prepare: reading %d file(s) under %s for %s", len(files), data_dir.name, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=target.parent))
    try:
        # the same key order whether fresh or read back from the cache
        quality = json.loads(json.dumps(_prepare_into(tmp, data_dir, files, listing, force), sort_keys=True))
        (tmp / "quality.json").write_text(json.dumps(quality, indent=1, sort_keys=True), encoding="utf-8")
        try:
            os.replace(tmp, target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another process prepared the same data
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _raise_if_errors(quality)
    return Prepared(target, key, quality)


def _raise_if_errors(quality: dict) -> None:
    if quality["errors"]:
        listed = "\n  - ".join(quality["errors"])
        raise DataError(f"the data folder has {len(quality['errors'])} problem(s):\n  - {listed}")


def _prepare_into(out: Path, data_dir: Path, files: list[FoundFile], listing: list[dict], force: str) -> dict:
    reports = {s.name: InputReport(s.name, s.title) for s in INPUTS}
    ctx = _Context(force, out, reports, [], [])
    by_input: dict[str, list[FoundFile]] = defaultdict(list)
    for f in files:
        if f.input:
            by_input[f.input].append(f)

    police_uk = [f.path for name in ("street", "outcomes", "stop_search") for f in by_input[name]]
    workers = min(os.cpu_count() or 1, 4)
    if workers > 1 and sum(p.stat().st_size for p in police_uk if p.is_file()) >= PARALLEL_FROM_BYTES:
        ctx.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        for name in ("street", "outcomes", "stop_search"):
            _read_police_uk(ctx, name, by_input[name])
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

    return {
        "format": PREPARE_FORMAT,
        "force": force,
        "demonstration": (data_dir / DEMO_MARKER).is_file(),
        "files": listing,
        "inputs": {name: r.as_dict() for name, r in reports.items()},
        "unrecognised": [f.relative for f in files if not f.input],
        "checks": ctx.checks,
        "errors": ctx.errors,
    }


def _read_stats19(ctx: _Context, by_input: dict[str, list[FoundFile]]) -> None:
    code = STATS19_POLICE_FORCE_CODES.get(force_slug(ctx.force))
    collisions = _read_table(
        ctx, "collisions", by_input["collisions"], schemas.collisions_schema(),
        ["collision_index", "police_force", "collision_severity", "date"], _collisions_typed,
        renames=stats19_renames,
    )  # fmt: skip
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
        ctx, "casualties", by_input["casualties"], schemas.casualties_schema(),
        ["collision_index", "casualty_severity", "casualty_type"], _casualties_typed,
        renames=stats19_renames,
    )  # fmt: skip
    if casualties is not None:
        report = ctx.reports["casualties"]
        if collisions is None:
            ctx.errors.append("casualties: casualty files need the matching STATS19 collision files")
            return
        joined = casualties.merge(
            collisions[["collision_index", "date", "month", "collision_severity"]],
            on="collision_index", how="left", validate="many_to_one",
        )  # fmt: skip
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
        ctx, "rural_urban", by_input["rural_urban"], schemas.rural_urban_schema(),
        ["lsoa_code", "ruc_code"],
        lambda fr, file: pd.DataFrame(
            {"lsoa_code": fr["lsoa_code"], "ruc_code": fr["ruc_code"],
             "lsoa_name": fr["lsoa_name"] if "lsoa_name" in fr else "",
             "district": _district(fr["lsoa_name"]) if "lsoa_name" in fr else "",
             "ruc_name": fr["ruc_name"] if "ruc_name" in fr else "",
             "rural": fr["ruc_code"].map(is_rural_code).astype(bool),
             "vintage": "2021" if fr["ruc_code"].str.startswith(("U", "R")).any() else "2011",
             "source_file": file}
        ),
        renames=_lookup_renames("rural_urban"),
    )  # fmt: skip
    if ruc is not None:
        _save(ctx, "rural_urban", ruc.drop_duplicates("lsoa_code", keep="last"))
    pop = _read_table(
        ctx, "population", by_input["population"], schemas.population_schema(),
        ["lsoa_code", "population"],
        lambda fr, file: pd.DataFrame(
            {"lsoa_code": fr["lsoa_code"], "population": _num(fr["population"]), "source_file": file}
        ),
        renames=_lookup_renames("population"),
    )  # fmt: skip
    if pop is not None:
        _save(ctx, "population", pop.drop_duplicates("lsoa_code", keep="last"))


def _read_small_tables(ctx: _Context, by_input: dict[str, list[FoundFile]]) -> None:
    def text_or_empty(fr: pd.DataFrame, col: str) -> pd.Series:
        return fr[col] if col in fr else pd.Series("", index=fr.index, dtype="str")

    calls = _read_table(
        ctx, "calls", by_input["calls"], schemas.calls_schema(),
        ["month", "line", "calls_received", "calls_answered", "mean_answer_seconds"],
        lambda fr, file: pd.DataFrame(
            {"month": fr["month"], "line": fr["line"],
             "calls_received": _num(fr["calls_received"]), "calls_answered": _num(fr["calls_answered"]),
             "mean_answer_seconds": _num(fr["mean_answer_seconds"]),
             "answered_under_10s_pct": _num(text_or_empty(fr, "answered_under_10s_pct")),
             "answered_10_to_60s_pct": _num(text_or_empty(fr, "answered_10_to_60s_pct")),
             "answered_over_60s_pct": _num(text_or_empty(fr, "answered_over_60s_pct")),
             "source_file": file}
        ),
    )  # fmt: skip
    if calls is not None:
        ctx.reports["calls"].months = sorted(calls["month"].unique().tolist())
        _save(ctx, "calls", calls.sort_values(["line", "month"]))
    finance = _read_table(
        ctx, "finance", by_input["finance"], schemas.finance_schema(),
        ["year", "table", "line", "value_gbp_m"],
        lambda fr, file: pd.DataFrame(
            {"year": fr["year"], "table": fr["table"], "line": fr["line"],
             "value_gbp_m": _num(fr["value_gbp_m"]),
             "order": range(len(fr)), "source": text_or_empty(fr, "source"), "source_file": file}
        ),
    )  # fmt: skip
    _save(ctx, "finance", finance)
    likert = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree"]
    consultation = _read_table(
        ctx, "consultation", by_input["consultation"], schemas.consultation_schema(),
        ["priority", *likert],
        lambda fr, file: pd.DataFrame(
            {"priority": fr["priority"], **{c: _num(fr[c]).astype("int64") for c in likert},
             "source": text_or_empty(fr, "source"), "source_file": file}
        ),
    )  # fmt: skip
    _save(ctx, "consultation", consultation)
    mi = _read_table(
        ctx, "mi", by_input["mi"], schemas.management_information_schema(),
        ["indicator_id", "period_start", "period_end", "value"],
        lambda fr, file: pd.DataFrame(
            {"indicator_id": fr["indicator_id"], "period_start": fr["period_start"],
             "period_end": fr["period_end"], "value": _num(fr["value"]),
             "unit": text_or_empty(fr, "unit"), "source": text_or_empty(fr, "source"),
             "note": text_or_empty(fr, "note"), "source_file": file}
        ),
    )  # fmt: skip
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
        ctx, "hotspots", by_input["hotspots"], schemas.hotspots_schema(),
        ["lsoa_code", "patrolled_from"],
        lambda fr, file: pd.DataFrame(
            {"lsoa_code": fr["lsoa_code"], "patrolled_from": fr["patrolled_from"], "source_file": file}
        ),
    )  # fmt: skip
    _save(ctx, "hotspots", hotspots)
    groups = _read_table(
        ctx, "ethnicity_population", by_input["ethnicity_population"], schemas.ethnicity_population_schema(),
        ["ethnic_group", "population"],
        lambda fr, file: pd.DataFrame(
            {"ethnic_group": fr["ethnic_group"].str.strip(), "population": _num(fr["population"]), "source_file": file}
        ),
    )  # fmt: skip
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
        {"check": "Street records matched to the rural-urban lookup", "severity":
         "warning" if unmatched else "ok",
         "detail": f"{total - no_lsoa - unmatched:,} of {total:,} records matched; {no_lsoa:,} have no "
                   f"LSOA; {unmatched:,} records in {unmatched_codes:,} LSOA code(s) not in the lookup "
                   "(e.g. 2021 codes against a 2011 lookup)",
         "resolution": "unmatched and unlocated records are counted, and left out of the rural/urban split only"}
    )  # fmt: skip


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
                    {"check": f"Revenue budget lines against net expenditure, {year}",
                     "severity": "note",
                     "detail": f"the revenue lines sum to £{revenue:,.3f}m but net expenditure is "
                               f"£{float(net.iloc[0]):,.3f}m: a difference of £{diff:,.3f}m",
                     "resolution": "the revenue table is gross spending; net expenditure is after "
                                   "income (e.g. specific grants, fees and charges). Both are shown."}
                )  # fmt: skip


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
