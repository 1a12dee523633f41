"""Cache entries that cannot lie: every file's size and SHA-256 recorded, checked before use;
least-recently-used entries evicted beyond a size cap; folders left by killed processes removed.

An entry is a folder (a prepared data set, or one notebook's outputs) holding :data:`RECORD`:
``{"format": 1, "files": {relative path: {"size", "sha256", "state"}}}``. ``state`` is the file's
size, modification time, inode and inode change time when it was hashed
(:func:`pack.store.hashing.file_state`): a file whose state is unchanged has not been written
since, so its recorded hash still holds and it is not read again; any other file is hashed anew
and must match. A file added to or missing from the entry fails the check too.

An entry of one small file (a per-file result without a Parquet part) is a *sealed* file instead,
``<name>.sealed``: :data:`SEALED_MAGIC` and the SHA-256 of its bytes on the first line, then the
bytes (:func:`write_sealed`, :func:`read_sealed`): one file written instead of a folder of three.
The bytes are data (JSON), never code: nothing in the cache is executed when read.

The cache removes only what it can prove it wrote: a folder holding :data:`MARKER` (written into
every entry and temporary folder the moment it is made) or a sealed file that starts with
:data:`SEALED_MAGIC` (:func:`is_ours`). Anything else in a cache folder - a user's own folder or
file, an entry of an older version of the pack - is never evicted, discarded or cleaned up, and
does not count against the size cap. A cache inside the data folder, or a data folder inside the
cache, is refused (:func:`check_cache_location`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pack.config import cache_root
from pack.errors import DataError
from pack.store.hashing import file_state, sha256_file

log = logging.getLogger(__name__)

RECORD = "entry.json"
USED = ".used"  # touched whenever an entry is used: its modification time orders the LRU eviction
RECORD_FORMAT = 1
SEALED = ".sealed"  # the suffix of a single-file entry
SEALED_MAGIC = b"pcc-evidence-pack sealed 2 "  # a sealed file's first bytes, before its SHA-256
MARKER = ".pack-cache-entry"  # in every entry folder the cache makes: the proof it may remove it
MARKER_TEXT = b"pcc-evidence-pack cache entry\n"
EVICTION_GRACE_SECONDS = 600  # an entry used this recently may be in use by another build: never evicted


def _files(folder: Path) -> list[str]:
    """Relative paths of the files of an entry (not the record or the used-stamp), sorted."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and path.parent == folder and path.name in (RECORD, USED, MARKER):
            continue
        if path.is_file() or path.is_symlink():
            found.append(path.relative_to(folder).as_posix())
    return sorted(found)


def _describe(folder: Path, relative: str, known: dict[str, tuple[str, str]]) -> dict:
    path = folder / relative
    before = path.stat()
    state = file_state(before)
    given = known.get(str(path))
    sha = given[1] if given is not None and given[0] == state else sha256_file(path)
    return {"size": before.st_size, "sha256": sha, "state": state}


def record_entry(folder: Path, known: dict[str, tuple[str, str]] | None = None) -> dict:
    """Hash every file of ``folder`` and write its :data:`RECORD`; return the record.

    ``known``: ``{path: (state, SHA-256)}`` of files hashed already (a part reused from the
    per-file cache): a file whose :func:`~pack.store.hashing.file_state` is still the one given is
    not read again."""
    names = _files(folder)
    given = known or {}
    if len(names) <= 2:  # (a per-file result: starting threads would cost more than they save)
        described = [_describe(folder, name, given) for name in names]
    else:
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:  # hashlib releases the GIL
            described = list(pool.map(lambda name: _describe(folder, name, given), names))
    record = {"format": RECORD_FORMAT, "files": dict(zip(names, described, strict=True))}
    mark_entry(folder)
    (folder / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    return record


def read_record(folder: Path) -> dict | None:
    """An entry's record, or ``None`` when it has none or it is unreadable (an incomplete entry)."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(record, dict) and record.get("format") == RECORD_FORMAT and isinstance(record.get("files"), dict):
        return record
    return None


def _within(relative: str, table: str | None) -> bool:
    return table is None or relative == table or relative.startswith(table + "/")


def entry_problems(folder: Path, table: str | None = None, record: dict | None = None) -> list[str]:
    """What is wrong with an entry (all of it, or only file or folder ``table``): files missing,
    added, of another size or with another SHA-256 than recorded. Empty when it can be trusted."""
    record = record if record is not None else read_record(folder)
    if record is None:
        return [f"{folder.name}: no record of its files ({RECORD})"]
    expected = {name: info for name, info in record["files"].items() if _within(name, table)}
    present = [name for name in _files(folder) if _within(name, table)] if folder.is_dir() else []
    problems = [f"{name}: not in the record" for name in present if name not in expected]
    for name, info in sorted(expected.items()):
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            problems.append(f"{name}: missing")
            continue
        if stat.st_size != info["size"]:
            problems.append(f"{name}: {stat.st_size:,} bytes, recorded {info['size']:,}")
        elif file_state(stat) != info["state"] and sha256_file(path) != info["sha256"]:
            problems.append(f"{name}: SHA-256 differs from the record")
    return problems


def write_sealed(path: Path, payload: bytes) -> None:
    """Write ``payload`` as the sealed entry ``path`` (:data:`SEALED_MAGIC` and its SHA-256 first):
    to a temporary file ``reading.<pid>.*`` beside it, then renamed into place, so no reader finds
    it half written."""
    handle, temporary = tempfile.mkstemp(prefix=f"reading.{os.getpid()}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(SEALED_MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_sealed(path: Path) -> tuple[bytes | None, str]:
    """``(payload, problem)``: a sealed entry's bytes when they match the SHA-256 written with them
    (problem ``""``), else ``None`` and what is wrong."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        return None, f"{path.name}: {exc.strerror}"
    head, _, payload = text.partition(b"\n")
    if not head.startswith(SEALED_MAGIC):
        return None, f"{path.name}: not a sealed entry of this version of the pack"
    if hashlib.sha256(payload).hexdigest().encode() != head[len(SEALED_MAGIC) :]:
        return None, f"{path.name}: SHA-256 differs from the one written with it"
    return payload, ""


def mark_entry(folder: Path) -> None:
    """Write :data:`MARKER` into a folder the cache has just made (an entry, or one being written)."""
    (folder / MARKER).write_bytes(MARKER_TEXT)


def new_entry_folder(root: Path, prefix: str) -> Path:
    """A new, marked temporary folder ``<root>/<prefix><random>`` for an entry being written."""
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    mark_entry(folder)
    return folder


def is_ours(path: Path) -> bool:
    """True when the cache can prove it wrote ``path``: a folder holding :data:`MARKER` (with its
    text), or a file starting with :data:`SEALED_MAGIC`. Never follows a symbolic link."""
    try:
        if path.is_symlink():
            return False
        if path.is_dir():
            return (path / MARKER).read_bytes() == MARKER_TEXT
        with path.open("rb") as handle:
            return handle.read(len(SEALED_MAGIC)) == SEALED_MAGIC
    except OSError:
        return False


def check_cache_location(data_dir: Path | str) -> None:
    """Refuse (:class:`DataError`, one line) a cache folder inside the data folder (the cache would
    land among the inputs) or a data folder inside the cache (the cache could evict the inputs)."""
    data, cache = Path(data_dir).resolve(), cache_root().resolve()
    if cache == data or cache.is_relative_to(data):
        raise DataError(
            f"the cache folder (PACK_CACHE_DIR, {cache_root()}) is inside the data folder {data}: "
            "the cache would land among the inputs; set PACK_CACHE_DIR to a folder outside it"
        )
    if data.is_relative_to(cache):
        raise DataError(
            f"the data folder {data} is inside the cache folder (PACK_CACHE_DIR, {cache_root()}): "
            "move the data, or set PACK_CACHE_DIR to a folder outside it"
        )


def discard(folder: Path) -> None:
    """Remove an entry: renamed first (atomic), so no reader finds it half removed. Only an entry
    the cache can prove it wrote (:func:`is_ours`) is removed; anything else is left, with a log line."""
    if not is_ours(folder):
        if folder.exists() or folder.is_symlink():
            log.warning("Cache: %s was not made by the cache: left in place", folder)
        return
    if folder.is_file():
        folder.unlink(missing_ok=True)
        return
    doomed = folder.with_name(f".discarded-{folder.name}-{os.getpid()}")
    try:
        folder.rename(doomed)
    except OSError:
        doomed = folder
    shutil.rmtree(doomed, ignore_errors=True)


def mark_used(folder: Path) -> None:
    """Note that an entry was used now (for the least-recently-used eviction)."""
    try:
        os.utime(folder) if folder.is_file() else (folder / USED).touch()
    except OSError:
        pass  # a read-only cache still serves


def _last_used(folder: Path) -> float:
    if folder.name.endswith(SEALED):
        return folder.stat().st_mtime if folder.exists() else 0.0
    for name in (USED, RECORD):
        try:
            return (folder / name).stat().st_mtime
        except OSError:
            continue
    return 0.0


def _entry_size(folder: Path) -> int:
    if folder.name.endswith(SEALED):
        return folder.stat().st_size if folder.exists() else 0
    record = read_record(folder)
    if record is not None:
        return sum(int(info["size"]) for info in record["files"].values())
    try:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    except FileNotFoundError:  # removed or renamed meanwhile (another build's thread)
        return 0


def _is_complete_entry(path: Path) -> bool:
    """A published entry (a folder or a sealed file): not hidden, not being read or written
    (``reading.*``, ``*.tmp-<pid>``)."""
    published = path.is_dir() or (path.name.endswith(SEALED) and path.is_file())
    return published and not path.name.startswith((".", "reading.")) and ".tmp-" not in path.name


def evict_least_recently_used(root: Path, max_bytes: int, keep: set[str] = frozenset()) -> list[str]:
    """Remove the least recently used entries of ``root`` until the rest fit in ``max_bytes``;
    never one named in ``keep`` or used in the last :data:`EVICTION_GRACE_SECONDS`. Returns the
    names removed. Only entries the cache marked (:func:`is_ours`) are counted or removed."""
    if not root.is_dir():
        return []
    # never one still being written, nor anything the cache did not make (it does not count either)
    entries = [p for p in root.iterdir() if _is_complete_entry(p) and is_ours(p)]
    sizes = {p.name: _entry_size(p) for p in entries}
    total = sum(sizes.values())
    removed = []
    now = time.time()
    for entry in sorted(entries, key=_last_used):
        if total <= max_bytes:
            break
        if entry.name in keep or now - _last_used(entry) < EVICTION_GRACE_SECONDS:
            continue
        discard(entry)
        total -= sizes[entry.name]
        removed.append(entry.name)
    if removed:
        log.info(
            "Cache: removed %d least recently used entr%s from %s (cap %s MB)",
            len(removed),
            "y" if len(removed) == 1 else "ies",
            root.name,
            max_bytes >> 20,
        )
    return removed


def cache_cap_bytes(variable: str, default_mb: int) -> int:
    """A cache size cap in bytes from environment ``variable`` (megabytes), else ``default_mb``."""
    value = os.environ.get(variable, "")
    return (int(value) if value.isdigit() else default_mb) << 20


def process_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path, pattern: str, what: str, proof: Callable[[Path], bool] | None = is_ours) -> list[Path]:
    """Remove the folders in ``parent`` whose names match ``pattern`` (a regex whose group
    ``pid`` is the process that made them) when that process is gone: leftovers of a killed
    build. Only what ``proof`` accepts is removed (by default what the cache marked,
    :func:`is_ours`; ``None``: the name is taken as proof). One log line per folder removed."""
    if not parent.is_dir():
        return []
    compiled = re.compile(pattern)
    removed = []
    for path in sorted(parent.iterdir()):
        match = compiled.fullmatch(path.name)
        if match and not process_alive(int(match.group("pid"))) and (proof is None or proof(path)):
            log.info(
                "Cleanup: removed %s %s left by a build that was stopped (process %s)", what, path, match.group("pid")
            )
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path)
    return removed
