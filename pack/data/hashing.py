"""Content hashes of files and of the pack's own code, with a memo so files are hashed once."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from pack.config import cache_root

_LOCK = threading.Lock()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    """SHA-256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _memo_path() -> Path:
    return cache_root() / "file-hashes.json"


def _read_memo() -> dict[str, str]:
    try:
        return json.loads(_memo_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def memo_key(path: Path) -> str:
    """The memo's key for a file as it is now: its resolved path, size and modification time."""
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def _sha256_if_readable(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except PermissionError:
        return None


def memoised_sha256(paths: list[Path]) -> dict[Path, str]:
    """The memo's SHA-256 of each file whose size and modification time are unchanged since it
    was hashed; other files have no entry (nothing is read)."""
    keys = {path: memo_key(path) for path in paths}
    with _LOCK:
        memo = _read_memo()
    return {p: memo[keys[p]] for p in paths if keys[p] in memo}


def remember_sha256(entries: dict[str, str]) -> None:
    """Add ``{memo_key: sha256}`` entries (hashed elsewhere, e.g. while a file was read) to the memo."""
    if not entries:
        return
    with _LOCK:
        memo = {**_read_memo(), **entries}
        try:
            memo_file = _memo_path()
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo_file.with_name(f"{memo_file.name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(json.dumps(memo, sort_keys=True), encoding="utf-8")
            os.replace(tmp, memo_file)
        except OSError:
            pass  # the memo is an optimisation only


def memoised_sha256_many(paths: list[Path]) -> dict[Path, str]:
    """SHA-256 of each readable file, reused while its size and modification time are unchanged;
    files not in the memo are hashed two at a time (hashlib releases the GIL on large reads).
    A file that cannot be read has no entry."""
    from concurrent.futures import ThreadPoolExecutor

    known = memoised_sha256(paths)
    missing = [p for p in paths if p not in known]
    if missing:
        keys = {p: memo_key(p) for p in missing}
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
            fresh = {p: v for p, v in zip(missing, pool.map(_sha256_if_readable, missing), strict=True) if v}
        remember_sha256({keys[p]: v for p, v in fresh.items()})
        known.update(fresh)
    return {p: known[p] for p in paths if p in known}


def pack_code_hash() -> str:
    """SHA-256 over the pack package's Python sources and templates (sorted by path)."""
    root = Path(__file__).resolve().parent.parent  # the pack package, sub-packages included
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json", ".css", ".js"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
