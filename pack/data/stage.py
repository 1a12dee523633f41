"""The prepare stage: read every input once, validate it, write typed Parquet to a cache.

The cache folder is keyed by the content hashes of the input files, the police force chosen and
the pack's own code, so an unchanged data folder is never parsed twice. Within a changed folder,
each data.police.uk file's part and result are reused from the per-file cache
(:mod:`pack.data.parts`) while its content is unchanged: adding a month reads that month's files
only, and gives the tables a prepare from scratch gives, byte for byte. Alongside the tables it
writes ``quality.json``: rows read, kept and rejected (with file, row, column and reason), months
covered and missing, files not recognised, and cross-checks such as totals that disagree.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath

from pack.config import cache_root
from pack.data.aggregates import check_accounts, check_domains, check_finance, check_lsoas, write_aggregates
from pack.data.context import PrepareContext
from pack.data.copies import read_once
from pack.data.digests import InputDigests
from pack.data.discovery import FoundFile, discover
from pack.data.joins import check_outcome_join
from pack.data.parts import PartCache
from pack.data.policeuk import read_police_uk
from pack.data.report import REPORT_FORMAT, InputFile, InputReport, QualityReport
from pack.data.sources import members_by_shown_name, path_problem
from pack.data.specs import INPUT_NAMES, INPUTS
from pack.data.tables import read_tables
from pack.data.workforce import read_workforce
from pack.errors import DataError
from pack.store.entries import (
    cache_cap_bytes,
    check_cache_location,
    discard,
    evict_least_recently_used,
    mark_used,
    new_entry_folder,
    record_entry,
    remove_stale,
)
from pack.store.hashing import pack_code_hash, sha256_text
from pack.store.index import EntryIndex, record_digest, trust_problems

log = logging.getLogger(__name__)

PREPARE_FORMAT = REPORT_FORMAT  # a cache entry of another format is never read
PREPARED_LAYOUT = 2  # 2: entries marked as the cache's and indexed (pack.store.index)


DEMO_MARKER = "DEMONSTRATION_DATA.txt"


@dataclass(frozen=True)
class Prepared:
    """Where a prepared data set lives and what its quality report says."""

    path: Path
    key: str
    quality: QualityReport


def _content_key(
    data_dir: Path, files: list[FoundFile], force: str, digests: dict[Path, str], listed: bool = False
) -> tuple[str, tuple[InputFile, ...]]:
    listing = tuple(
        InputFile(f.relative, f.input, f.path.stat().st_size, digests.get(f.path, "unreadable"))
        if f.path.is_file()
        else InputFile(f.relative, f.input, None, None)
        for f in files
    )
    extra = data_dir / "sources.toml"
    # a listed set of files (verify) was classified already: sources.toml is not read again
    tag = sha256_text(extra.read_text(encoding="utf-8")) if extra.is_file() and not listed else ""
    key = sha256_text(
        json.dumps(
            [
                PREPARE_FORMAT,
                PREPARED_LAYOUT,
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


# Folders a prepare is writing: ``reading.<process id>.<random>`` (see :func:`remove_stale`)
READING_PATTERN = r"reading\.(?P<pid>\d+)\..+"
PREPARED_CAP_MB = 6144  # PACK_CACHE_PREPARED_MB overrides


def _default_force() -> str:
    """The default plan's force (a call of :func:`prepare` that names none)."""
    from pack.plan import load_plan

    return load_plan().force


def prepare(
    data_dir: Path | str,
    force: str | None = None,
    *,
    on_miss: Callable[[], object] | None = None,
    files: list[FoundFile] | None = None,
) -> Prepared:
    """Validate and normalise every input under ``data_dir``; return the cached result.

    The cache key is the SHA-256 of every input file. Hashes are memoised while a file is
    unchanged (:mod:`pack.store.hashing`); a data.police.uk file not in the memo is hashed by the
    worker that reads it, in the same pass, so new or changed data are read once, not twice.
    ``on_miss`` is called when the data must be read afresh (the build starts its kernels then).
    ``files`` (from :func:`listed_inputs`) replaces discovery: exactly those files are read.
    ``force`` ``None`` is the default plan's force (:func:`pack.plan.load_plan`).

    A cache entry is used only when every file it holds matches its record
    (:mod:`pack.store.entries`); one that does not is discarded, with a log line, and prepared again.

    Raises :class:`DataError` listing every file-level problem (file, row, column, expected)
    when any input cannot be read; row-level problems are rejected and counted instead.
    """
    data_dir = Path(data_dir)
    check_cache_location(data_dir)
    force = force if force is not None else _default_force()
    listed = files is not None
    files = discover(data_dir) if files is None else files
    root = cache_root() / "prepared"
    remove_stale(root, READING_PATTERN, "the unfinished prepared data")
    remove_stale(root, r"\.discarded-.+-(?P<pid>\d+)", "the discarded prepared data")
    parts = PartCache(enabled=not listed)  # verify (a listed set of files) reads everything afresh
    digests = InputDigests.before_reading(files, force, parts)
    if digests.complete:
        key, _ = _content_key(data_dir, files, force, digests.known, listed)
        cached = _cached(root / key)
        if cached is not None:
            log.info("Prepare: reused validated data from the cache (%s)", key)
            return cached
    if on_miss is not None:
        on_miss()
    log.info("Prepare: reading %d file(s) under %s for %s", len(files), data_dir.name, force)
    tmp = new_entry_folder(root, f"reading.{os.getpid()}.")
    try:
        quality, ctx = _prepare_into(tmp, data_dir, files, force, dict(digests.known), parts)
        digests.after_reading(ctx.hashed)
        key, listing = _content_key(data_dir, files, force, digests.known, listed)
        quality = replace(quality, files=listing)
        target = root / key
        if (cached := _store(tmp, target, quality, parts)) is not None:
            return cached
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        parts.save_index()  # the per-file results stored so far stay usable
        raise
    mark_used(target)
    evict_least_recently_used(root, cache_cap_bytes("PACK_CACHE_PREPARED_MB", PREPARED_CAP_MB), keep={key})
    parts.evict()
    _raise_if_errors(quality)
    return Prepared(target, key, quality)


def _store(tmp: Path, target: Path, quality: QualityReport, parts: PartCache) -> Prepared | None:
    """Write the quality report and the entry's record into ``tmp``, rename it to ``target`` and add its
    digest to the folder's index; the entry another process prepared there meanwhile (``tmp`` then
    removed), if it passes its check."""
    (tmp / "quality.json").write_text(quality.to_json(), encoding="utf-8")
    record = record_entry(tmp, known=parts.known)
    try:
        os.replace(tmp, target)
    except OSError:  # prepared meanwhile by another process, or an entry that fails its check
        if (cached := _cached(target)) is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            return cached
        os.replace(tmp, target)  # the entry there failed its check and was discarded
    index = EntryIndex(target.parent)  # the entry's digest, kept outside it (pack.store.index)
    index.add(target.name, record_digest(record))
    index.save()
    return None


def listed_inputs(data_dir: Path | str, listing: list[dict]) -> list[FoundFile]:
    """The files a manifest lists (``{"path", "input"}`` each), confined to ``data_dir``: a path
    must be relative, with no ``..`` part, and must stay inside the folder once symbolic links are
    followed. Nothing is read. Raises :class:`DataError` naming the first path refused."""
    root = Path(data_dir).resolve()
    found = []
    archives: dict[Path, dict[str, str]] = {}
    for entry in listing:
        relative = entry.get("path") if isinstance(entry, dict) else None
        problem = path_problem(relative if isinstance(relative, str) else "")
        if problem is not None:
            shown = relative if problem.startswith("an input path must stay") else repr(relative)
            raise DataError(f"refused: {problem}" if shown == relative else problem, file=shown)
        parts = PurePosixPath(relative).parts
        path = root.joinpath(*parts)
        if not path.resolve().is_relative_to(root):
            raise DataError(f"refused: a symbolic link out of the data folder (to {path.resolve()})", file=relative)
        kind = entry.get("input")
        if kind is not None and kind not in INPUT_NAMES:
            raise DataError(f"names an unknown input {kind!r}", file=relative, expected=", ".join(INPUT_NAMES))
        archive = next((i for i in range(1, len(parts)) if parts[i - 1].lower().endswith(".zip")), None)
        if archive is not None and root.joinpath(*parts[:archive]).is_file():  # a CSV file inside a zip archive
            zipped, shown = root.joinpath(*parts[:archive]), "/".join(parts[archive:])
            if zipped not in archives:
                archives[zipped] = members_by_shown_name(zipped)
            found.append(FoundFile(zipped, relative, kind, archives[zipped].get(shown, shown)))
            continue
        found.append(FoundFile(path, relative, kind))
    return found


def load_prepared(path: Path | str) -> Prepared:
    """A prepared data set already in the cache (the build hands its kernels the one it checked).
    Raises :class:`DataError` when it is missing or fails its check."""
    cached = _cached(Path(path))
    if cached is None:
        raise DataError("the prepared data are missing or altered: run the build again", file=str(path))
    return cached


def _cached(target: Path) -> Prepared | None:
    """The prepared data in ``target`` (raising if they recorded errors), or ``None`` when there
    are none or they fail their check (the entry is then discarded, with a log line)."""
    if not target.is_dir():
        return None
    problems = trust_problems(target, EntryIndex(target.parent))
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        log.warning(
            "Prepare: cache entry %s failed its check (%s): discarded, the data are prepared again", target.name, shown
        )
        discard(target)
        return None
    try:
        quality = QualityReport.from_json((target / "quality.json").read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as exc:  # written by another version of the pack
        log.warning(
            "Prepare: cache entry %s cannot be read (%s): discarded, the data are prepared again", target.name, exc
        )
        discard(target)
        return None
    mark_used(target)
    _raise_if_errors(quality)
    return Prepared(target, target.name, quality)


def _raise_if_errors(quality: QualityReport) -> None:
    if quality.errors:
        listed = "\n  - ".join(quality.errors)
        raise DataError(f"the data folder has {len(quality.errors)} problem(s):\n  - {listed}")


def _prepare_into(
    out: Path, data_dir: Path, files: list[FoundFile], force: str, digests: dict[Path, str], parts: PartCache
) -> tuple[QualityReport, PrepareContext]:
    """Read every input into ``out`` (data.police.uk files whose results ``parts`` holds are
    reused, not read); return the quality report (without its file listing) and the context,
    with the ``(memo key, SHA-256)`` of each file hashed while it was read."""
    reports = {s.name: InputReport(s.name, s.title) for s in INPUTS}
    ctx = PrepareContext(force, out, reports, [], [], digests=digests, parts=parts)
    ctx.errors += [f"file {f.relative}: {f.problem}" for f in files if f.problem is not None]
    by_input: dict[str, list[FoundFile]] = defaultdict(list)
    for f in read_once(files, reports):
        if f.input and f.problem is None:
            by_input[f.input].append(f)

    read_police_uk(ctx, by_input)
    read_tables(ctx, by_input)
    read_workforce(ctx, by_input["workforce"])
    if (out / "street.parquet").exists():
        started = time.perf_counter()
        write_aggregates(out)
        log.info("Prepare: monthly, grid and outcome aggregates in %.1f s", time.perf_counter() - started)
        check_lsoas(ctx)
    join = check_outcome_join(ctx)
    check_finance(ctx)
    check_domains(ctx)
    check_accounts(ctx)

    quality = QualityReport(
        format=REPORT_FORMAT,
        force=force,
        demonstration=(data_dir / DEMO_MARKER).is_file(),
        inputs={name: r.freeze() for name, r in reports.items()},
        unrecognised=tuple(f.relative for f in files if not f.input and f.problem is None),
        checks=tuple(ctx.checks),
        errors=tuple(ctx.errors),
        outcome_join=join,
    )
    return quality, ctx
