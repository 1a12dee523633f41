"""Files with identical content are read once, whatever their names (a browser's ``street (1).csv``,
the same download in two folders), with a note naming both."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path

from pack.data.discovery import FoundFile, canonical_name
from pack.data.report import InputReport
from pack.store.hashing import memoised_sha256_many


def read_once(files: list[FoundFile], reports: dict[str, InputReport]) -> list[FoundFile]:
    """``files`` without the copies of others: of files (or zip members) with the same bytes, the one
    whose name has no copy number, then the first by path, is kept; each copy is noted in its
    input's report. Only files of equal size whose first and last bytes are equal too are hashed to
    find them (hashes are remembered): a month's files of one force are often of one size, and
    each begins with another Crime ID."""
    by_size: dict[tuple[int, str | None], list[FoundFile]] = defaultdict(list)
    for f in files:
        if f.input and f.problem is None and f.path.is_file():
            by_size[(f.path.stat().st_size, f.member)].append(f)
    alike: dict[tuple[int, str | None, bytes], list[FoundFile]] = defaultdict(list)
    for (size, member), group in by_size.items():
        for f in group if len(group) > 1 else ():
            if (ends := _ends(f.path, size)) is not None:
                alike[(size, member, ends)].append(f)
    candidates = [f for group in alike.values() if len(group) > 1 for f in group]
    if not candidates:
        return files
    digests = memoised_sha256_many(sorted({f.path for f in candidates}))
    groups: dict[tuple[str, str | None], list[FoundFile]] = defaultdict(list)
    for f in candidates:
        if f.path in digests:
            groups[(digests[f.path], f.member)].append(f)
    copies: set[str] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        original = min(group, key=lambda f: (canonical_name(f.name) != f.name.lower(), f.relative))
        for f in group:
            if f is not original:
                copies.add(f.relative)
                reports[f.input or ""].notes.append(f"{f.relative}: the same content as {original.relative}: read once")
    return [f for f in files if f.relative not in copies]


SAMPLE = 1 << 16  # bytes at each end of a file compared before its whole content is hashed


def _ends(path: Path, size: int) -> bytes | None:
    """A digest of the first and last :data:`SAMPLE` bytes of a file (``None`` if it cannot be read)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE)
            handle.seek(max(os.fstat(handle.fileno()).st_size - SAMPLE, 0))
            return hashlib.sha256(head + handle.read(SAMPLE) + str(size).encode()).digest()
    except OSError:
        return None
