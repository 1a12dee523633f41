"""What an input file is made of, and its CSV text as a plain file: zip archives, gzip, UTF-16.

data.police.uk serves its downloads as a zip archive (``YYYY-MM/YYYY-MM-<force>-street.csv`` and so
on inside); other publishers compress CSV with gzip (``.csv.gz``); Excel saves "Unicode text" as
UTF-16. Each is read directly: a zip archive's CSV members are inputs of their own (named
``archive.zip/2022-03/2022-03-derbyshire-street.csv``), a ``.csv.gz`` file is read decompressed,
a UTF-16 file is read as the text it is. Each is first written, as UTF-8 CSV, to a scratch file
that is removed once read; the input itself is never changed. A file that is not CSV text is named
for what it is (a zip archive or Excel workbook named ``.csv``, binary data), never parsed as CSV.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import logging
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from tempfile import TemporaryDirectory

from pack.errors import DataError

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
SUFFIXES = (".csv", ".csv.gz", ".zip")  # what discovery looks at


def is_input_name(name: str) -> bool:
    """True for the names discovery reads: ``*.csv``, ``*.csv.gz`` and ``*.zip``."""
    lower = name.lower()
    return any(lower.endswith(suffix) for suffix in SUFFIXES)


def kind_of(path: Path) -> str:
    """What a file holds, from its first bytes: ``text``, ``gzip``, ``zip``, ``utf-16-le``,
    ``utf-16-be`` or ``binary``. Raises :class:`OSError` when it cannot be read."""
    with path.open("rb") as handle:
        return kind_of_head(handle.read(4096))


def kind_of_head(head: bytes) -> str:
    """:func:`kind_of` for a file's first 4,096 bytes."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    if b"\0" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"  # ASCII text as UTF-16 without a byte-order mark
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        return "binary"
    return "text"


METADATA_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "__macosx"})


def is_metadata(name: str) -> bool:
    """True for what operating systems leave beside files, never data: macOS's ``__MACOSX/``
    folder, ``._`` resource forks and ``.DS_Store``, Windows's ``Thumbs.db`` and ``desktop.ini``,
    and any other hidden name (starting with a dot). ``name`` is one part of a path.

    >>> [is_metadata(n) for n in ("__MACOSX", "._2024-01-x-street.csv", "Thumbs.db", "2024-01-x-street.csv")]
    [True, True, True, False]
    """
    return name.startswith(".") or name.lower() in METADATA_NAMES


def zip_members(path: Path, shown: str) -> list[str]:
    """The CSV files in a zip archive (folders and what operating systems leave, :func:`is_metadata`,
    left out, with a log line), sorted."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise DataError(f"is not a readable zip archive: {exc}", file=shown) from exc
    left_out = [
        n for n in names if not n.endswith("/") and any(is_metadata(p) for p in _parts(n) if p not in (".", ".."))
    ]
    if left_out:
        log.info("Data: note: %s: %d member(s) operating systems leave ignored", shown, len(left_out))
    return sorted(
        n
        for n in names
        if n.lower().endswith((".csv", ".csv.gz"))
        and not any(is_metadata(p) for p in _parts(n) if p not in (".", ".."))
    )


def _parts(member: str) -> list[str]:
    """The parts of a zip member's name, either slash separating them."""
    return [p for p in member.replace("\\", "/").split("/") if p]


def member_shown(member: str) -> str:
    """A zip member's name as a path inside its archive, the way a manifest records it: either
    slash read as a folder separator, and a drive, a leading slash and ``.`` and ``..`` parts
    dropped (the member is read from the archive by its own name; nothing is ever written there).

    >>> member_shown("../../x.csv"), member_shown("/2024-01/a.csv"), member_shown("C:/a/./b.csv")
    ('x.csv', '2024-01/a.csv', 'a/b.csv')
    """
    parts = _parts(member)
    if parts and len(parts[0]) == 2 and parts[0][1] == ":":  # a Windows drive, C:
        parts = parts[1:]
    return "/".join(p for p in parts if p not in (".", ".."))


def path_problem(relative: str) -> str | None:
    """Why a path cannot stand, relative to the data folder, for an input in a manifest (``None``:
    it can): the one rule ``verify`` applies to the paths it reads and the build to the names it
    records (a zip member's with :func:`member_shown` first).

    >>> path_problem("a.zip/2024-01/x.csv"), path_problem("a.zip/../../x.csv")
    (None, "an input path must stay inside the data folder (no '..', not absolute)")
    """
    if not relative or "\\" in relative or "\0" in relative:
        return "an input path must be a relative path with forward slashes"
    parts = relative.split("/")
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).drive or {"", ".", ".."} & set(parts):
        return "an input path must stay inside the data folder (no '..', not absolute)"
    return None


def members_by_shown_name(archive: Path) -> dict[str, str]:
    """``{shown name: member's own name}`` of zip ``archive`` (:func:`member_shown`; empty when it
    cannot be read: reading a member then says why)."""
    try:
        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
    except (OSError, zipfile.BadZipFile):
        return {}
    return {member_shown(n): n for n in reversed(names)} | {n: n for n in names if member_shown(n) == n}


def is_workbook(path: Path) -> bool:
    """True for an Excel workbook (.xlsx: a zip archive with ``[Content_Types].xml``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def refuse_misnamed(path: Path, shown: str) -> None:
    """Raise a :class:`DataError` naming what a ``.csv`` file holds when it is not CSV text that can
    be read (a zip archive or workbook, binary data)."""
    kind = kind_of(path)
    if kind == "zip":
        if is_workbook(path):
            raise DataError(
                "is an Excel workbook (.xlsx), not CSV text", file=shown, expected="the sheet saved as CSV (UTF-8)"
            )
        raise DataError(
            "is a zip archive named .csv, not CSV text", file=shown, expected="the archive named .zip (it is then read)"
        )
    if kind == "binary":
        raise DataError("is binary data, not CSV text", file=shown, expected="a CSV file saved as UTF-8 text")


def _text_of(raw: bytes, kind: str) -> bytes:
    """UTF-8 bytes of a file's content (UTF-16 decoded; other text returned unchanged)."""
    if kind.startswith("utf-16"):
        encoding = "utf-16" if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else kind
        return raw.decode(encoding).lstrip("\ufeff").encode("utf-8")
    return raw


def header_of(path: Path, member: str | None = None, archive: zipfile.ZipFile | None = None) -> list[str]:
    """Column names of the first line of a file (or zip member; ``archive``: ``path`` already open):
    compressed and UTF-16 text read, BOM and surrounding spaces removed. ``[]`` for a file that is
    not text."""
    try:
        if member is not None:
            with ExitStack() as stack:
                opened = archive if archive is not None else stack.enter_context(zipfile.ZipFile(path))
                raw = stack.enter_context(opened.open(member))
                if member.lower().endswith(".gz"):
                    with gzip.open(raw) as handle:
                        head = handle.read(65536)
                else:
                    head = raw.read(65536)
        else:
            kind = kind_of(path)
            if kind == "gzip":
                with gzip.open(path, "rb") as handle:
                    head = handle.read(65536)
            elif kind in ("zip", "binary"):
                return []
            else:
                with path.open("rb") as handle:
                    head = _text_of(handle.read(65536), kind) if kind != "text" else handle.readline(65536)
    except (OSError, zipfile.BadZipFile, EOFError, UnicodeDecodeError, gzip.BadGzipFile, RuntimeError, zlib.error):
        return []  # (a member that is encrypted or compressed by a method zipfile cannot read included)
    kind = kind_of_bytes(head)
    if kind.startswith("utf-16"):
        head = _text_of(head[: len(head) - len(head) % 2], kind)
    line = re.split(rb"\r\n|\r|\n", head, maxsplit=1)[0].decode("utf-8", "replace").lstrip("\ufeff")
    if not line.strip():
        return []
    try:
        return [c.strip() for c in next(csv.reader(io.StringIO(line)))]
    except csv.Error:  # e.g. a NUL byte: not a header the pack can read (the file is listed as not recognised)
        return []


def kind_of_bytes(head: bytes) -> str:
    """:func:`kind_of` for bytes already read."""
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    return "text"


@contextmanager
def plain_csv(path: Path, member: str | None, shown: str, scratch: Path) -> Iterator[tuple[Path, str | None]]:
    """``(path of plain CSV text, note)`` for a file or zip member: the file itself when it is plain
    text (note ``None``); otherwise a UTF-8 copy in a folder under ``scratch``, removed afterwards."""
    if member is None:
        try:
            kind = kind_of(path)
        except PermissionError as exc:
            raise DataError("cannot be read: permission denied", file=shown) from exc
        except OSError as exc:
            raise DataError(f"cannot be read: {exc.strerror}", file=shown) from exc
        if kind == "text":
            yield path, None
            return
        refuse_misnamed(path, shown)
    with TemporaryDirectory(prefix=".unpacking-", dir=scratch) as folder:
        target = Path(folder) / "input.csv"
        note = _write_plain(path, member, shown, target)
        yield target, note


def _write_plain(path: Path, member: str | None, shown: str, target: Path) -> str:
    """Write the CSV text of ``path`` (or its zip ``member``) to ``target`` as UTF-8; return the note."""
    try:
        if member is not None:
            with zipfile.ZipFile(path) as archive, archive.open(member) as source, target.open("wb") as out:
                if member.lower().endswith(".gz"):
                    with gzip.open(source) as unpacked:
                        shutil.copyfileobj(unpacked, out, 1 << 20)
                else:
                    shutil.copyfileobj(source, out, 1 << 20)
            done = "read from the zip archive"
        elif kind_of(path) == "gzip":
            with gzip.open(path, "rb") as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            done = "gzip-compressed: read decompressed"
        else:
            done = ""
            shutil.copyfile(path, target)
    except (
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        zipfile.BadZipFile,
        gzip.BadGzipFile,
        zlib.error,
    ) as exc:
        raise DataError(f"cannot be decompressed: {exc}", file=shown) from exc
    kind = kind_of(target)
    if kind.startswith("utf-16"):
        try:
            target.write_bytes(_text_of(target.read_bytes(), kind))
        except UnicodeDecodeError as exc:
            raise DataError(f"is not valid {kind.upper()} text: {exc}", file=shown) from exc
        done = "; ".join(filter(None, [done, f"{kind.upper()} text: read as such"]))
    elif kind != "text":
        refuse_misnamed(target, shown)
    return done
