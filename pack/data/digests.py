"""The SHA-256 of a data folder's input files, as the prepare stage needs them: known before
reading (from the hash memo, or hashed here), completed after reading.

A plain data.police.uk file the memo does not know is hashed by the worker that reads it, in the
same pass, so new or changed data are read once, not twice; every other file (an archive, a
table) is hashed here, once. A plain file at a place some stored per-file result was read from
(copied, touched or unpacked again since) is hashed first anyway: its result may then be reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pack.data.discovery import FoundFile
from pack.data.parts import PartCache, path_key
from pack.data.specs import POLICE_UK_INPUTS
from pack.store.hashing import memoised_sha256, memoised_sha256_many, remember_sha256


@dataclass
class InputDigests:
    """The files of one prepare and the SHA-256 known of each (``known``: path -> hex digest)."""

    files: list[FoundFile]
    read_in_workers: frozenset[Path]  # plain data.police.uk files: hashed by the worker that reads them
    known: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def before_reading(cls, files: list[FoundFile], force: str, parts: PartCache) -> InputDigests:
        """What is known before any file is read: the memo's digests of the plain data.police.uk
        files, every other readable file hashed (or taken from the memo), and the plain files worth
        hashing first to reuse a stored result (:func:`read_before`)."""
        readable = list(dict.fromkeys(f.path for f in files if f.path.is_file()))
        plain = frozenset(
            f.path for f in files if f.input in POLICE_UK_INPUTS and f.member is None and f.path.is_file()
        )
        digests = cls(files, plain, memoised_sha256([p for p in readable if p in plain]))
        digests.known.update(memoised_sha256_many([p for p in readable if p not in plain]))
        digests.known.update(memoised_sha256_many(read_before(files, plain, force, digests.known, parts)))
        return digests

    @property
    def complete(self) -> bool:
        """Every file's digest is known without reading it: the content key can be worked out."""
        return all(p in self.known for p in self.read_in_workers)

    def after_reading(self, hashed: dict[Path, tuple[str, str]]) -> None:
        """Take the ``(memo key, SHA-256)`` of each file hashed while it was read (and remember them
        in the memo), then hash any readable file still unknown (e.g. a duplicate not read)."""
        remember_sha256(dict(hashed.values()))
        self.known.update({path: sha for path, (_, sha) in hashed.items()})
        readable = dict.fromkeys(f.path for f in self.files if f.path.is_file())
        self.known.update(memoised_sha256_many([p for p in readable if p not in self.known]))


def read_before(
    files: list[FoundFile], plain: frozenset[Path], force: str, digests: dict[Path, str], parts: PartCache
) -> list[Path]:
    """Plain data.police.uk files (``plain``) the hash memo does not know, at a place some stored
    per-file result was read from (copied, touched or unpacked again since): worth hashing first, to
    reuse it."""
    known = parts.paths_known()
    return sorted(
        {
            f.path
            for f in files
            if f.path in plain and f.path not in digests and path_key(f.input, None, f.relative, force) in known
        }
    )
