"""Content hashes of files and of the pack's own code, with a memo so files are hashed once.

The memo trusts a file's earlier hash only while nothing about the file has changed: same resolved
path, size, modification time, inode and inode change time (``ctime``). ``touch -r`` can restore
a modification time but not a ``ctime`` (the kernel sets it on every write, rename or attribute
change), so a file edited in place is always hashed again. Hashing the demonstration data
(229 MB, 193 files) takes about 0.6 s here, most of a no-change rebuild, so the memo stays.

The memo holds one entry per path (a changed file replaces its old entry), drops files that no
longer exist when it is written, and keeps at most :data:`MEMO_MAX_ENTRIES` entries (the most
recently hashed). It is ``<cache>/pack-file-hashes.json``, tagged with :data:`MEMO_TOOL`: a file
of that name the cache cannot read as its own memo is never overwritten (the memo is then not
kept, and files are hashed each time).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from pathlib import Path

from pack.config import cache_root

_LOCK = threading.Lock()
MEMO_FORMAT = 3  # 3: its own name, tagged with MEMO_TOOL
MEMO_TOOL = "pcc-evidence-pack"
MEMO_MAX_ENTRIES = 50_000
_SEPARATOR = "\0"  # between path and state in a memo key: the one character no path can hold


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """SHA-256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _memo_path() -> Path:
    return cache_root() / "pack-file-hashes.json"


def _read_memo() -> dict[str, list[str]] | None:
    """``{resolved path: [state, sha256]}``; ``{}`` when there is none or it is of an older format;
    ``None`` when the file is not the cache's memo (then it is never overwritten)."""
    try:
        memo = json.loads(_memo_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return None
    if not isinstance(memo, dict) or memo.get("tool") != MEMO_TOOL or not isinstance(memo.get("files"), dict):
        return None
    return memo["files"] if memo.get("format") == MEMO_FORMAT else {}


def file_state(stat: os.stat_result) -> str:
    """What must be unchanged for an earlier hash to stand: size, mtime, inode and ctime.

    >>> class S: st_size, st_mtime_ns, st_ino, st_ctime_ns = 10, 20, 30, 40
    >>> file_state(S)
    '10:20:30:40'
    """
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{stat.st_ctime_ns}"


def memo_key(path: Path) -> str:
    """The memo's key for a file as it is now: its resolved path and :func:`file_state`."""
    return f"{Path(path).resolve()}{_SEPARATOR}{file_state(Path(path).stat())}"


def _sha256_if_readable(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except PermissionError:
        return None


def memoised_sha256(paths: list[Path]) -> dict[Path, str]:
    """The memo's SHA-256 of each file unchanged since it was hashed (see :func:`file_state`);
    other files have no entry (nothing is read)."""
    keys = {}
    for path in paths:
        try:
            keys[path] = memo_key(path)
        except OSError:
            continue
    with _LOCK:
        memo = _read_memo() or {}
    found = {}
    for path, key in keys.items():
        name, _, state = key.partition(_SEPARATOR)
        entry = memo.get(name)
        if entry and entry[0] == state:
            found[path] = entry[1]
    return found


def prune_memo(files: dict[str, list[str]], limit: int = MEMO_MAX_ENTRIES) -> dict[str, list[str]]:
    """The memo without files that no longer exist, cut to the ``limit`` most recently added.

    >>> prune_memo({"/no/such/file": ["1:2:3:4", "ab"], "/": ["0:0:0:0", "cd"]})
    {'/': ['0:0:0:0', 'cd']}
    """
    kept = {name: entry for name, entry in files.items() if os.path.lexists(name)}
    if len(kept) > limit:
        kept = dict(list(kept.items())[-limit:])
    return kept


def remember_sha256(entries: dict[str, str]) -> None:
    """Add ``{memo_key: sha256}`` entries (hashed elsewhere, e.g. while a file was read) to the memo."""
    if not entries:
        return
    with _LOCK:
        files = _read_memo()
        if files is None:
            return  # somebody else's file under the memo's name: left as it is
        for key, sha in entries.items():
            name, _, state = key.partition(_SEPARATOR)
            files.pop(name, None)  # re-added last: the memo is ordered oldest first
            files[name] = [state, sha]
        try:
            memo_file = _memo_path()
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo_file.with_name(f"{memo_file.name}.{os.getpid()}.{threading.get_ident()}")
            memo = {"format": MEMO_FORMAT, "tool": MEMO_TOOL, "files": prune_memo(files)}
            tmp.write_text(json.dumps(memo), encoding="utf-8")
            os.replace(tmp, memo_file)
        except OSError:
            pass  # the memo is an optimisation only


def memoised_sha256_many(paths: list[Path]) -> dict[Path, str]:
    """SHA-256 of each readable file, reused while it is unchanged (see :func:`file_state`);
    files not in the memo are hashed two at a time (hashlib releases the GIL on large reads).
    A file that cannot be read has no entry."""
    from concurrent.futures import ThreadPoolExecutor

    known = memoised_sha256(paths)
    missing = [p for p in paths if p not in known]
    if missing:
        keys = {p: memo_key(p) for p in missing}  # taken before reading: a write meanwhile changes the state
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
            fresh = {p: v for p, v in zip(missing, pool.map(_sha256_if_readable, missing), strict=True) if v}
        remember_sha256({keys[p]: v for p, v in fresh.items()})
        known.update(fresh)
    return {p: known[p] for p in paths if p in known}


@functools.cache
def pack_code_hash() -> str:
    """SHA-256 over the pack package's Python sources and templates (sorted by path), worked out
    once per process (code edited under a running process takes effect when it restarts)."""
    root = Path(__file__).resolve().parent.parent  # the pack package, sub-packages included
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json", ".css", ".js"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
