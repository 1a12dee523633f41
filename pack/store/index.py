"""Each cache folder's index: the digest of every entry it wrote, kept outside the entries.

An entry checks itself (:mod:`pack.store.entries`: every file's size and SHA-256 in its
``entry.json``; a sealed file's SHA-256 on its first line), but anyone who can edit an entry can
edit its record too. So when the cache stores an entry it also writes the entry's digest
(:func:`record_digest`: the names, sizes and SHA-256 its record lists; a sealed file's SHA-256) to
the folder's index, ``<folder>/.index.json``, under the entry's key, which is derived from its
inputs. Before use an entry must match both its record and the index: an entry edited together
with its record, or a whole entry copied under another key, is not the one the index names, and
is discarded (with a log line) and made again.

The index is rewritten whole (read again, merged, replaced atomically), at most once per prepare or
per notebook stored. Two builds storing at the same moment can lose one's addition: its entries
are then not trusted, and made again - never trusted wrongly. An index file the cache cannot read as
its own is never overwritten (its entries are then made again each time, with a log line).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path

from pack.store.entries import entry_problems, read_record

log = logging.getLogger(__name__)

INDEX = ".index.json"
INDEX_FORMAT = 1
TOOL = "pcc-evidence-pack"
_LOCK = threading.Lock()


def record_digest(record: dict) -> str:
    """SHA-256 of what an entry's record says it holds: each file's name, size and SHA-256 (not the
    state, which changes when a file is linked)."""
    listed = sorted([name, info["size"], info["sha256"]] for name, info in record["files"].items())
    return hashlib.sha256(json.dumps(listed).encode()).hexdigest()


def _read(path: Path) -> dict[str, str] | None:
    """The index's entries; ``{}`` when there is none; ``None`` when the file is not ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != TOOL or not isinstance(data.get("entries"), dict):
        return None
    return data["entries"] if data.get("format") == INDEX_FORMAT else {}


class EntryIndex:
    """The index of the cache folder ``root`` (see the module's docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / INDEX
        read = _read(self.path)
        self.foreign = read is None
        if self.foreign:
            log.warning("Cache: %s is not the cache's index: nothing in %s is reused", self.path, root)
        self.entries: dict[str, str] = read or {}
        self.added: dict[str, str] = {}

    def digest(self, name: str) -> str | None:
        """The digest stored for entry ``name``, if any."""
        return self.added.get(name, self.entries.get(name))

    def add(self, name: str, digest: str) -> None:
        """Note entry ``name``'s digest (written by :meth:`save`)."""
        with _LOCK:
            self.added[name] = digest

    def save(self) -> None:
        """Write the index: read again, the additions merged in, entries no longer present dropped."""
        with _LOCK:
            if not self.added or self.foreign:
                return
            current = _read(self.path)
            if current is None:
                return
            current.update(self.added)
            try:
                present = set(os.listdir(self.root))
                kept = {name: digest for name, digest in current.items() if name in present}
                tmp = self.path.with_name(f"{INDEX}.{os.getpid()}.{threading.get_ident()}")
                tmp.write_text(json.dumps({"format": INDEX_FORMAT, "tool": TOOL, "entries": kept}), encoding="utf-8")
                os.replace(tmp, self.path)
            except OSError:
                return  # a cache that cannot be written: its entries are made again next time
            self.entries, self.added = kept, {}


def trust_problems(folder: Path, index: EntryIndex, record: dict | None = None) -> list[str]:
    """What is wrong with entry folder ``folder``: :func:`~pack.store.entries.entry_problems`, then
    whether its record is the one the index stored under its name. Empty when it can be trusted."""
    record = record if record is not None else read_record(folder)
    problems = entry_problems(folder, record=record)
    if not problems and (record is None or index.digest(folder.name) != record_digest(record)):
        problems = [f"{folder.name}: not the entry the cache's index recorded under its key"]
    return problems
