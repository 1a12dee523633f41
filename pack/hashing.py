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


def memoised_sha256(path: Path) -> str:
    """SHA-256 of ``path``, reused while its size and modification time are unchanged."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    memo_file = _memo_path()
    with _LOCK:
        try:
            memo = json.loads(memo_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            memo = {}
    if key in memo:
        return memo[key]
    value = sha256_file(path)
    with _LOCK:
        try:
            memo = json.loads(memo_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            memo = {}
        memo[key] = value
        try:
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo_file.with_name(f"{memo_file.name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(json.dumps(memo, sort_keys=True), encoding="utf-8")
            os.replace(tmp, memo_file)
        except OSError:
            pass  # the memo is an optimisation only
    return value


def pack_code_hash() -> str:
    """SHA-256 over the pack package's Python sources and templates (sorted by path)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json", ".css", ".js"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
