"""data.police.uk street, outcomes and stop-and-search files: read in worker processes into Parquet parts.

Each file is read by :func:`pack.data.policeuk_file.read_police_uk_file`; this module hands out the
work and gathers what each file gave into its input's report. Two downloads of one month of one
force (the same file name in two folders, or a browser's ``(1)`` copy that differs) are both read
and the one with more outcome updates kept, with a note; two files left giving records of the same
month are an error (the month would be counted twice). A month whose file lost records (rows that
could not be read, or that broke a rule) is not covered: it is named, with the file and rows, and
never counted with a short total.
"""

from __future__ import annotations

import logging
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

import pyarrow as arrow
import pyarrow.parquet as pq

from pack.data.context import PrepareContext, map_threads
from pack.data.discovery import FoundFile, force_slug, month_of_file, police_uk_parts
from pack.data.outcome_order import CODE_RANK_SHIFT, MAX_OUTCOME_FILES
from pack.data.parts import part_key
from pack.data.policeuk_file import (
    FileResult,
    count_other_force_file,
    is_other_force_street,
    read_police_uk_file,
    relabelled,
)
from pack.data.report import InputReport
from pack.data.specs import POLICE_UK_INPUTS
from pack.errors import DataError

log = logging.getLogger(__name__)


class FileJob(NamedTuple):
    """One data.police.uk file to read: the arguments of :func:`read_police_uk_file` (a tuple, so a
    worker process is handed it as plain, picklable values), read by name everywhere else."""

    name: str  # the input: street, outcomes or stop_search
    path: Path  # the file, or the zip archive holding it
    member: str | None  # the zip member, if any
    relative: str  # its path in the data folder (for a member, the archive's path and the member's)
    force: str  # the force chosen
    part: Path  # where its Parquet part is written

    @property
    def other_force_street(self) -> bool:
        """Another force's street file (counted for the national comparison, no part of its own)."""
        return is_other_force_street(self.name, self.relative, self.force)


def read_police_uk(ctx: PrepareContext, by_input: dict[str, list[FoundFile]]) -> None:
    """Read every data.police.uk file into ``<input>.parquet/`` (one part per file, numbered by
    the file's rank by path among the input's files), in worker processes when the files are
    large: all three inputs' files in one queue. A file whose result is in the per-file cache
    (:mod:`pack.data.parts`) is not read: its part and result are reused."""
    started = time.perf_counter()
    ranks: dict[str, dict[str, int]] = {}
    jobs: list[FileJob] = []
    results: list[FileResult | None] = []
    for name in POLICE_UK_INPUTS:
        files = by_input[name]
        if len(files) > MAX_OUTCOME_FILES:
            raise DataError(f"{len(files):,} {name} files: at most {MAX_OUTCOME_FILES:,} can be prepared at once")
        rank = ranks[name] = {relative: i for i, relative in enumerate(sorted(f.relative for f in files))}
        folder = ctx.out / f"{name}.parquet"
        for f in files:
            job = FileJob(
                name, f.path, f.member, f.relative, ctx.force, folder / f"part-{rank[f.relative]:05d}.parquet"
            )
            sha = ctx.digests.get(f.path)
            # (another force's zip member counted the short way is stored by its text, and looked up so
            # once read: see _read_files; one read the full way is stored by its archive, found here)
            key = part_key(name, sha, f.member, f.relative, ctx.force) if sha else None
            stored = ctx.parts.reuse(key, job.part) if key else None
            jobs.append(job)
            results.append(relabelled(stored, f.relative) if stored and job.other_force_street else stored)
    todo = [i for i, result in enumerate(results) if result is None]
    read, found = _read_files(ctx, jobs, todo)
    for i, result in read.items():
        results[i] = result
    fresh, reused = len(todo) - found, len(jobs) - len(todo) + found
    gathered = iter(results)
    for name in POLICE_UK_INPUTS:
        _collect(ctx, name, by_input[name], ranks[name], [next(gathered) for _ in by_input[name]])
    if jobs:
        log.info(
            "Prepare: %d data.police.uk file(s) (%s) read in %.1f s",
            len(jobs),
            ", ".join(
                f"{name} {ctx.reports[name].account.kept:,} rows kept" for name in POLICE_UK_INPUTS if by_input[name]
            ),
            time.perf_counter() - started,
        )
        log.info("Prepare: %d new file(s) read, %d reused", fresh, reused)


def _read_files(ctx: PrepareContext, jobs: list[FileJob], todo: list[int]) -> tuple[dict[int, FileResult], int]:
    """``(results, reused)``: the files of ``jobs`` numbered in ``todo`` read (``reused`` of them found
    in the per-file cache once their text was hashed); each result read whole is kept in the
    per-file cache. Other forces' street files are counted in threads of this process (the short
    way, :func:`count_other_force_file`, which first looks their text up in the per-file cache) while
    the rest (the plan force's files) are read by worker processes, or here when they are small; a
    file the short way cannot vouch for is read the full way after."""
    size = _sizes(jobs, todo)
    national = [i for i in todo if jobs[i].other_force_street]
    others = [i for i in todo if i not in set(national)]
    counted: list[tuple[FileResult | None, bool]] = []

    def count_and_keep(*fields: object) -> tuple[FileResult | None, bool]:
        job = FileJob(*fields)  # (map_threads hands a job over as its fields)

        def stored(sha: str) -> FileResult | None:
            return ctx.parts.reuse(part_key(job.name, sha, job.member, job.relative, job.force), job.part)

        result, reused = count_other_force_file(job.name, job.path, job.member, job.relative, job.force, stored)
        if result is not None and not reused:
            _keep(ctx, job, result)
        return result, reused

    def count_national() -> None:
        counted.extend(map_threads(count_and_keep, [jobs[i] for i in national], [size[i] for i in national]))

    ctx.start_workers([size[i] for i in others])
    try:
        read = ctx.map_files(
            read_police_uk_file, [jobs[i] for i in others], [size[i] for i in others], meanwhile=count_national
        )
        left = [i for i, (result, _) in zip(national, counted, strict=True) if result is None]
        ctx.start_workers([size[i] for i in left])
        read_left = ctx.map_files(read_police_uk_file, [jobs[i] for i in left], [size[i] for i in left])
    finally:
        ctx.stop_workers()
    fresh = dict(zip(others + left, read + read_left, strict=True))
    ctx.parts.store_all([(key, result) for i, result in fresh.items() if (key := _key(ctx, jobs[i], result))])
    done = {i: result for i, (result, _) in zip(national, counted, strict=True) if result is not None}
    return done | fresh, sum(reused for _, reused in counted)


def _sizes(jobs: list[FileJob], todo: list[int]) -> dict[int, int]:
    """Bytes of text of each file to read: a file's size, a zip member's uncompressed size (0 when
    it cannot be found: the reading says why)."""
    members: dict[Path, dict[str, int]] = {}
    for path in {jobs[i].path for i in todo if jobs[i].member is not None}:
        try:
            with zipfile.ZipFile(path) as archive:
                members[path] = {info.filename: info.file_size for info in archive.infolist()}
        except (OSError, zipfile.BadZipFile):
            members[path] = {}
    sizes = {}
    for i in todo:
        path, member = jobs[i].path, jobs[i].member
        if member is not None:
            sizes[i] = members[path].get(member, 0)
        else:
            sizes[i] = path.stat().st_size if path.is_file() else 0
    return sizes


def _key(ctx: PrepareContext, job: FileJob, result: FileResult) -> str | None:
    """The per-file cache key of a file read whole and unchanged meanwhile (``None`` for another)."""
    sha = result.text_sha256 or (result.sha256 if job.member is None else ctx.digests.get(job.path))
    usable = sha and result.memo_key is not None
    return part_key(job.name, sha, job.member, job.relative, ctx.force) if usable else None


def _keep(ctx: PrepareContext, job: FileJob, result: FileResult) -> None:
    if key := _key(ctx, job, result):
        ctx.parts.store(key, result)


def _download_group(f: FoundFile) -> tuple[str, str]:
    """Files of one group are downloads of the same month of the same force."""
    parts = police_uk_parts(f.name)
    return (parts[0], f"{parts[1]}-{parts[2]}") if parts else (f.relative, "")


def _choose_downloads(name: str, files: list[FoundFile], results: list[FileResult], report: InputReport) -> set[int]:
    """The files to use: of two or more downloads of one month of one force, the one with more
    outcome updates (for stop and search: more rows), then the later by path; the others' parts
    are removed and each choice noted."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(files):
        groups[_download_group(f)].append(i)
    chosen: set[int] = set()
    what = "rows" if name == "stop_search" else "outcome updates"
    for (month, _), members in sorted(groups.items()):
        readable = [i for i in members if results[i].error is None]
        if len(members) == 1 or len(readable) < 2:
            chosen.update(members)
            continue
        ranked = sorted(readable, key=lambda i: (results[i].outcome_updates, files[i].relative))
        best, others = ranked[-1], ranked[:-1]
        chosen.update([best, *[i for i in members if i not in readable]])
        for i in others:
            for part in (results[i].part,) if results[i].part else ():
                Path(part).unlink(missing_ok=True)
        listed = ", ".join(f"{files[i].relative} ({results[i].outcome_updates:,} {what})" for i in others)
        report.notes.append(
            f"two or more downloads of {month}: chose {files[best].relative} "
            f"({results[best].outcome_updates:,} {what}) over {listed}"
        )
    return chosen


def unused_file(name: str, f: FoundFile, force: str) -> bool:
    """True for a file no figure uses: another force's outcomes or stop-and-search file, by its name
    (other forces' street files are counted for the national comparison)."""
    parts = police_uk_parts(f.name)
    return name in ("outcomes", "stop_search") and parts is not None and parts[1] != force_slug(force)


def _collect(
    ctx: PrepareContext, name: str, files: list[FoundFile], rank: dict[str, int], results: list[FileResult]
) -> None:
    """Gather what the workers found in one input's files (``rank``: each file's place among
    them by path, the tie-break of "latest outcome") into its report."""
    report = ctx.reports[name]
    folder = ctx.out / f"{name}.parquet"
    other_forces: Counter[str] = Counter()
    outcome_codes: list[tuple[int, str]] = []
    contributors: dict[str, list[str]] = defaultdict(list)
    for f, result in zip(files, results, strict=True):
        if result.memo_key and result.sha256 and f.member is None:
            ctx.hashed[f.path] = (result.memo_key, result.sha256)
    chosen = _choose_downloads(name, files, results, report)
    for i, (f, result) in enumerate(zip(files, results, strict=True)):
        if i not in chosen:
            continue
        report.files.append(f.relative)
        if result.error is not None and unused_file(name, f, ctx.force):
            error = result.error.removeprefix(f"file {f.relative}: ")
            report.notes.append(f"{f.relative}: {error}: not read (another force's file, which no figure uses)")
            continue
        if result.error is not None:
            ctx.errors.append(result.error)
            report.notes.append(f"{f.relative}: {result.error}")
            continue
        outcome_codes += [((rank[f.relative] << CODE_RANK_SHIFT) | k, t) for k, t in enumerate(result.outcome_types)]
        other_forces.update(result.other_forces)
        if result.report is not None:
            report.add(result.report)
        for month in result.months:
            contributors[month].append(f.relative)
        if result.lost_rows and result.report is not None:
            _mark_incomplete(report, f, result)
    for month, sources in sorted(contributors.items()):
        if len(sources) > 1:
            ctx.errors.append(
                f"{name}: {len(sources)} files hold records of {month} for {ctx.force}: {', '.join(sources)} "
                "(two downloads of one month would be counted twice; keep one)"
            )
    report.months = sorted(contributors)
    if name == "street":
        used = sorted(chosen)
        _write_force_monthly(ctx, [files[i] for i in used], [results[i] for i in used])
    kept_any = folder.is_dir() and any(folder.iterdir())
    if other_forces:
        listed = ", ".join(f"{k} ({v:,} rows)" for k, v in sorted(other_forces.items()))
        if not kept_any and sum(other_forces.values()):
            ctx.errors.append(
                f"{name}: no rows for '{ctx.force}' in {len(files)} file(s); forces found: {listed}. "
                "Choose one with --police-force NAME."
            )
        else:
            report.notes.append(f"rows of other forces excluded: {listed}")
    if outcome_codes:  # what each outcome_code of the outcomes table stands for
        codes, types = zip(*sorted(outcome_codes), strict=True)
        table = arrow.table(
            {"outcome_code": arrow.array(codes, arrow.int64()), "outcome_type": arrow.array(types, arrow.string())}
        )
        pq.write_table(table, ctx.out / "outcome_codes.parquet")


def _mark_incomplete(report: InputReport, f: FoundFile, result: FileResult) -> None:
    """The months of a file that lost records are not covered; the reason names the file and rows."""
    file_report = result.report
    assert file_report is not None
    parts = police_uk_parts(f.name)
    month = parts[0] if parts else month_of_file(Path(f.name))
    months = [month] if month else sorted(result.months)
    first = file_report.rejections[0] if file_report.rejections else None
    example = f" (first: row {first.row}, {first.column}: {first.reason})" if first else ""
    for m in months:
        report.incomplete[m].append(f"{f.relative}: {result.lost_rows:,} record(s) rejected{example}")


FORCE_MONTHLY_SCHEMA = arrow.schema(
    [
        ("falls_within", arrow.string()),
        ("month", arrow.string()),
        ("crime_type", arrow.string()),
        ("n", arrow.int64()),
        ("source_file", arrow.string()),
    ]
)


def _write_force_monthly(ctx: PrepareContext, files: list[FoundFile], results: list[FileResult]) -> None:
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
