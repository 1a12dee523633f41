"""Per-file cache of the data.police.uk reader: adding a month re-reads only that month's files.

What a worker makes of one data.police.uk file (:func:`pack.data.policeuk_file.read_police_uk_file`)
is kept under ``<cache>/parts/<key>/``: the Parquet part it wrote (``part.parquet``) and the rest of
its result as JSON data (``result.json``, :mod:`pack.data.codec`: the file's row accounting,
months, other forces, every force's counts by month and crime type, outcome types; no pickle,
nothing that runs code when read). A result without a part (a file with no rows of the force:
another force's file in a national archive) is one sealed file, ``<cache>/parts/<key>.sealed``
(:func:`pack.store.entries.write_sealed`), which is quicker to write. The JSON names the format and
the entry's key, and the entry's digest is kept in the folder's index (:mod:`pack.store.index`),
outside the entry: a result edited and sealed again, or copied under another key, is discarded.
The key is the SHA-256 of everything the result depends on:

- the file's content (SHA-256; for a file inside a zip archive, the archive's and the member's name,
  or the member's text when it is another force's street file, counted the short way);
- the input it was read as (street, outcomes, stop and search) and its path in the data folder
  (the ``source_file`` column, the file's month and force come from it) - for another force's
  street file only its name and whether it is a zip member (its result holds no path but the one
  shown in the quality report, which is set to the file's own when reused);
- the force chosen;
- the reader's code: :func:`reader_code_hash`, over the sources of :mod:`pack.data`, of :mod:`pack.store` and of the
  foundation modules it may import (the import contracts allow it no other part of the pack), and
  the versions of Python, Arrow, pandas, pandera and NumPy, so any change to the reader, a schema
  or a library that writes the part is a new key. :data:`PARTS_FORMAT` is bumped by hand only
  when the layout of an entry changes.

A part holds nothing that depends on the other files beside it (the file's rank among them, used
to order outcomes, is added by the aggregates), so a reused part is byte for byte the one a
prepare from scratch writes. Each entry is self-checking (:mod:`pack.store.entries`: every file's
size and SHA-256 recorded and checked before use; one that fails is discarded and the file read
again) and the folder is bounded: least recently used entries go beyond ``PACK_CACHE_PARTS_MB``
(default :data:`PARTS_CAP_MB`). A reused part is hard-linked into the new prepared entry (copied
where linking is impossible). ``verify`` reads no cached part (it prepares with a private, empty
cache and with a listed set of files, for which this cache is neither read nor written).

Only a file whose SHA-256 is known before it is read can be looked up: one the hash memo knows
(:mod:`pack.store.hashing`: unchanged since it was last hashed), a zip archive, or a file at a place
some stored result was read from (a key begins with :func:`path_key`, everything but the content):
a file copied, touched or unpacked again is hashed first. Another force's street file (or zip
member) counted in a thread is looked up once its text is read and hashed, before it is counted: a
national archive downloaded anew - a zip archive or unpacked - is read and hashed, not counted
again. A new file is read, hashed in the same pass, and its result stored for next time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from pack.config import cache_root
from pack.data.codec import from_data, to_data
from pack.data.policeuk_file import FileResult, is_other_force_street
from pack.store.entries import (
    SEALED,
    cache_cap_bytes,
    discard,
    evict_least_recently_used,
    mark_used,
    new_entry_folder,
    read_record,
    read_sealed,
    record_entry,
    remove_stale,
    write_sealed,
)
from pack.store.hashing import file_state, sha256_bytes, sha256_text
from pack.store.index import EntryIndex, record_digest, trust_problems

log = logging.getLogger(__name__)

PARTS_FORMAT = 4  # 2: a result without a part is one sealed file; 3: keys begin with the place's; 4: JSON, indexed
PART, RESULT = "part.parquet", "result.json"
PARTS_CAP_MB = 4096  # PACK_CACHE_PARTS_MB overrides
WRITING_PATTERN = r"reading\.(?P<pid>\d+)\..+"  # (the eviction passes over "reading.*" folders)
# The modules the reader may import besides pack.data (the "data -> foundations" import contract)
FOUNDATIONS = (
    "params.py",
    "plan.py",
    "plan_lines.py",
    "periods.py",
    "catalogue.py",
    "reference.py",
    "config.py",
    "errors.py",
)


# The libraries whose versions can change what the reader writes (Parquet bytes name Arrow's version)
LIBRARIES = ("pyarrow", "pandas", "pandera", "numpy")


def reader_sources() -> list[Path]:
    """The files whose code can change what the reader writes: :mod:`pack.data`, the store below it
    (:mod:`pack.store`) and the foundation modules, sorted by path within each."""
    package = Path(__file__).resolve().parent.parent
    sources = [p for folder in ("data", "store") for p in (package / folder).rglob("*")]
    paths = sorted(p for p in sources if p.is_file() and p.suffix in {".py", ".json"})
    return paths + [package / name for name in FOUNDATIONS if (package / name).is_file()]


@functools.cache
def reader_code_hash() -> str:
    """SHA-256 over :func:`reader_sources` (each file's path in the package, then its bytes), the
    versions of :data:`LIBRARIES` and Python's."""
    package = Path(__file__).resolve().parent.parent
    paths = reader_sources()
    digest = hashlib.sha256(json.dumps([sys.version, *(version(name) for name in LIBRARIES)]).encode())
    for path in paths:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _where(name: str, member: str | None, relative: str, force: str) -> list:
    """What of a file's place its result depends on. Another force's street file gives counts and an
    account, no part: they depend on its name (month, force) and on whether it is a zip member, not
    on its folder or archive, so the result is found again wherever the file is (a national archive
    downloaded anew, under another name). Any other file's part holds its path."""
    if is_other_force_street(name, relative, force):
        return [PurePosixPath(relative).name, member is not None]
    return [relative, member]


def path_key(name: str, member: str | None, relative: str, force: str) -> str:
    """The first half of a result's key: everything but the file's content (see the module's docstring)."""
    where = _where(name, member, relative, force)
    return sha256_text(json.dumps([PARTS_FORMAT, name, *where, force, reader_code_hash()]))[:16]


def part_key(name: str, sha256: str, member: str | None, relative: str, force: str) -> str:
    """The key of one file's result: :func:`path_key`, then a hash of that and the file's content
    (``sha256``: the file's; a zip member's archive's, or the member's text when counted the short way)."""
    where = _where(name, member, relative, force)
    whole = sha256_text(json.dumps([PARTS_FORMAT, name, sha256, *where, force, reader_code_hash()]))
    return f"{path_key(name, member, relative, force)}-{whole[:32]}"


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (a copy where linking is impossible)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def encode_result(key: str, result: FileResult) -> bytes:
    """A result as the JSON bytes the cache stores: the format, the entry's key and the result."""
    data = {"format": PARTS_FORMAT, "key": key, "result": to_data(result)}
    return json.dumps(data, separators=(",", ":")).encode("ascii")  # (\u escapes: any text, lone surrogates too)


def decode_result(key: str, payload: bytes) -> FileResult:
    """The result :func:`encode_result` stored under ``key``; ``ValueError`` when the bytes are not
    that (another format or key, or data that do not fit a :class:`FileResult`)."""
    data = json.loads(payload.decode("utf-8"))
    if not isinstance(data, dict) or data.get("format") != PARTS_FORMAT or data.get("key") != key:
        raise ValueError("not a result of this format stored under this key")
    return from_data(FileResult, data["result"])


class PartCache:
    """The per-file results under ``<cache>/parts``; ``enabled=False`` reads and stores nothing."""

    def __init__(self, enabled: bool = True, root: Path | None = None) -> None:
        self.enabled = enabled
        self.root = root if root is not None else cache_root() / "parts"
        self.used: set[str] = set()
        self.known: dict[str, tuple[str, str]] = {}  # a linked part's (state, SHA-256), by its path
        self._index: EntryIndex | None = None
        self._index_lock = threading.Lock()
        if enabled:
            remove_stale(self.root, WRITING_PATTERN, "an unfinished per-file result")

    @property
    def index(self) -> EntryIndex:
        """The folder's index (:mod:`pack.store.index`), read when first needed (by any thread): a
        prepare that finds its whole data set in the cache never reads it."""
        with self._index_lock:
            if self._index is None:
                self._index = EntryIndex(self.root)
            return self._index

    def paths_known(self) -> set[str]:
        """The :func:`path_key` of every result stored: a file at such a path that the hash memo does
        not know (copied, touched, or unpacked again) may well have its result here."""
        try:
            names = os.listdir(self.root) if self.enabled else []
        except OSError:
            return set()
        return {name.partition("-")[0] for name in names if not name.startswith((".", "reading."))}

    def _rejected(self, key: str, entry: Path, problem: object) -> None:
        log.warning("Prepare: cached file result %s failed its check (%s): the file is read again", key, problem)
        discard(entry)

    def reuse(self, key: str, part: Path) -> FileResult | None:
        """The result stored under ``key``, its part linked to ``part``; ``None`` when there is none
        or it fails its check (then discarded, with a log line)."""
        if not self.enabled:
            return None
        sealed = self.root / f"{key}{SEALED}"
        if sealed.is_file():
            return self._reuse_sealed(key, sealed)
        entry = self.root / key
        if not entry.is_dir():
            return None
        record = read_record(entry)
        problems = trust_problems(entry, self.index, record=record)
        try:
            result = decode_result(key, (entry / RESULT).read_bytes()) if not problems else None
        except (OSError, ValueError) as exc:
            problems, result = [f"{RESULT}: {exc}"], None
        if result is None or result.part is not None:
            self._rejected(key, entry, problems)
            return None
        if (entry / PART).is_file():
            link_or_copy(entry / PART, part)
            result.part = str(part)
            assert record is not None
            self._linked(entry, record, part)
        mark_used(entry)
        self.used.add(key)
        return result

    def _reuse_sealed(self, key: str, sealed: Path) -> FileResult | None:
        """A result without a part, stored as one sealed file (see :meth:`store`)."""
        payload, problem = read_sealed(sealed)
        if payload is not None and self.index.digest(sealed.name) != sha256_bytes(payload):
            payload, problem = None, f"{sealed.name}: not the result the cache's index recorded under its key"
        try:
            result = decode_result(key, payload) if payload is not None else None
        except ValueError as exc:
            problem, result = f"{sealed.name}: {exc}", None
        if result is None or result.part is not None:
            self._rejected(key, sealed, problem)
            return None
        mark_used(sealed)
        self.used.add(sealed.name)
        return result

    def _linked(self, entry: Path, record: dict, part: Path) -> None:
        """After linking: the part's new state (a link changes the inode's ``ctime`` only) written to
        the entry's record, and remembered for the prepared entry's record (its hash is known)."""
        info = record["files"][PART]
        now = file_state(part.stat())
        size, mtime, inode, _ = info["state"].split(":")
        if now.split(":")[:3] == [size, mtime, inode]:  # the same bytes, untouched since checked
            info["state"] = now
            (entry / "entry.json").write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
            self.known[str(part)] = (now, info["sha256"])

    def store(self, key: str, result: FileResult) -> None:
        """Keep ``result`` (and the part it wrote) under ``key``, unless an entry is there."""
        if not self.enabled or (self.root / key).is_dir() or (self.root / f"{key}{SEALED}").is_file():
            return
        if result.part is None:  # the result alone (another force's file, counted): one sealed file
            payload = encode_result(key, replace(result, memo_key=None))
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                write_sealed(self.root / f"{key}{SEALED}", payload)
            except OSError:  # the cache cannot be written: nothing kept
                return
            self.index.add(f"{key}{SEALED}", sha256_bytes(payload))
            self.used.add(f"{key}{SEALED}")
            return
        try:
            tmp = new_entry_folder(self.root, f"reading.{os.getpid()}.")
        except OSError:
            return
        try:
            link_or_copy(Path(result.part), tmp / PART)
            (tmp / RESULT).write_bytes(encode_result(key, replace(result, part=None, memo_key=None)))
            record = record_entry(tmp)
            os.replace(tmp, self.root / key)  # (its record's time is its last use, until it is reused)
        except OSError:  # stored meanwhile by another process, or the cache cannot be written
            shutil.rmtree(tmp, ignore_errors=True)
            return
        self.index.add(key, record_digest(record))
        self.used.add(key)
        if PART in record["files"]:
            info = record["files"][PART]
            self.known[result.part] = (info["state"], info["sha256"])

    def store_all(self, results: list[tuple[str, FileResult]]) -> None:
        """:meth:`store` each ``(key, result)``, four at a time (the work is file-system calls)."""
        if not self.enabled or not results:
            return
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda item: self.store(*item), results))

    def save_index(self) -> None:
        """Write the digests of the results stored to the folder's index (see :mod:`pack.store.index`)."""
        if self.enabled and self._index is not None:
            self._index.save()

    def evict(self) -> None:
        """Least recently used entries removed beyond the cap (never one used by this prepare), and
        the index written."""
        if self.enabled:
            evict_least_recently_used(self.root, cache_cap_bytes("PACK_CACHE_PARTS_MB", PARTS_CAP_MB), keep=self.used)
            self.save_index()
