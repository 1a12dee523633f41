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
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pack.config import PLAN_FORCE, cache_root
from pack.data.aggregates import check_finance, check_lsoas, write_aggregates
from pack.data.context import PARALLEL_FROM_BYTES, PrepareContext, set_up_worker
from pack.data.discovery import FoundFile, discover
from pack.data.hashing import memoised_sha256, memoised_sha256_many, pack_code_hash, remember_sha256, sha256_text
from pack.data.policeuk import read_police_uk
from pack.data.report import REPORT_FORMAT, InputFile, InputReport, QualityReport
from pack.data.specs import INPUTS, POLICE_UK_INPUTS
from pack.data.tables import read_tables
from pack.data.workforce import read_workforce
from pack.errors import DataError

log = logging.getLogger(__name__)

PREPARE_FORMAT = REPORT_FORMAT  # a cache entry of another format is never read


DEMO_MARKER = "DEMONSTRATION_DATA.txt"


@dataclass(frozen=True)
class Prepared:
    """Where a prepared data set lives and what its quality report says."""

    path: Path
    key: str
    quality: QualityReport


def _content_key(
    data_dir: Path, files: list[FoundFile], force: str, digests: dict[Path, str]
) -> tuple[str, tuple[InputFile, ...]]:
    listing = tuple(
        InputFile(f.relative, f.input, f.path.stat().st_size, digests.get(f.path, "unreadable"))
        if f.path.is_file()
        else InputFile(f.relative, f.input, None, None)
        for f in files
    )
    extra = data_dir / "sources.toml"
    tag = sha256_text(extra.read_text(encoding="utf-8")) if extra.is_file() else ""
    key = sha256_text(
        json.dumps(
            [
                PREPARE_FORMAT,
                force,
                tag,
                [asdict(f) for f in listing],
                pack_code_hash(),
                (data_dir / DEMO_MARKER).is_file(),
            ],
            sort_keys=True,
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
        quality = replace(quality, files=listing)
        (tmp / "quality.json").write_text(quality.to_json(), encoding="utf-8")
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
    try:
        quality = QualityReport.from_json((target / "quality.json").read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError):
        return None  # written by another version of the pack: prepared afresh
    _raise_if_errors(quality)
    return Prepared(target, target.name, quality)


def _raise_if_errors(quality: QualityReport) -> None:
    if quality.errors:
        listed = "\n  - ".join(quality.errors)
        raise DataError(f"the data folder has {len(quality.errors)} problem(s):\n  - {listed}")


def _prepare_into(
    out: Path, data_dir: Path, files: list[FoundFile], force: str
) -> tuple[QualityReport, dict[Path, tuple[str, str]]]:
    """Read every input into ``out``; return the quality report (without its file listing) and
    the ``(memo key, SHA-256)`` of each file hashed while it was read."""
    reports = {s.name: InputReport(s.name, s.title) for s in INPUTS}
    ctx = PrepareContext(force, out, reports, [], [])
    by_input: dict[str, list[FoundFile]] = defaultdict(list)
    for f in files:
        if f.input:
            by_input[f.input].append(f)

    police_uk = [f.path for name in POLICE_UK_INPUTS for f in by_input[name]]
    workers = min(os.cpu_count() or 1, 4)
    if workers > 1 and sum(p.stat().st_size for p in police_uk if p.is_file()) >= PARALLEL_FROM_BYTES:
        ctx.pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=set_up_worker
        )
    try:
        read_police_uk(ctx, by_input)
    finally:
        if ctx.pool is not None:
            ctx.pool.shutdown()
    read_tables(ctx, by_input)
    read_workforce(ctx, by_input["workforce"])
    if (out / "street.parquet").exists():
        started = time.perf_counter()
        write_aggregates(out)
        log.info("Prepare: monthly, grid and outcome aggregates in %.1f s", time.perf_counter() - started)
        check_lsoas(ctx)
    check_finance(ctx)

    quality = QualityReport(
        format=REPORT_FORMAT,
        force=force,
        demonstration=(data_dir / DEMO_MARKER).is_file(),
        inputs={name: r.freeze() for name, r in reports.items()},
        unrecognised=tuple(f.relative for f in files if not f.input),
        checks=tuple(ctx.checks),
        errors=tuple(ctx.errors),
    )
    return quality, ctx.hashed
