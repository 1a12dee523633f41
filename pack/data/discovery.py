"""The inputs the pack knows, and how each is found in a data folder.

Every ``*.csv``, ``*.csv.gz`` and ``*.zip`` under the data folder is classified by its header (and,
for data.police.uk files, its name), whatever the folder layout; each CSV file in a zip archive (as
data.police.uk serves its downloads) is an input of its own. An optional ``sources.toml`` in the data
folder names files explicitly (patterns relative to the data folder, a list per input)::

    [inputs]
    street = ["archive/**/*-street.csv"]
    mi = ["force/mi-2024.csv"]

A file that matches no input is listed in the data-quality report as "not recognised"; a file that
cannot be read is an error (never skipped in silence). A sub-folder that is a symbolic link within
the data folder is followed; a symbolic link that leads out of it, round in a loop or nowhere is
never followed, and is skipped with a log line naming it. What macOS and Windows leave beside
files (``__MACOSX/``, ``._*``, ``.DS_Store``, ``Thumbs.db``) is ignored, in folders and archives,
with a log line. Copies a browser makes (``street (1).csv``) are recognised by their name without
the copy number.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pack.data.sources import (
    METADATA_NAMES,
    header_of,
    is_input_name,
    is_metadata,
    member_shown,
    path_problem,
    refuse_misnamed,
    zip_members,
)
from pack.data.specs import INPUT_NAMES, INPUTS
from pack.errors import DataError

log = logging.getLogger(__name__)

# " (1)", "(2)", " - Copy", " - Copy (3)", " copy", " copy 2" before the extension
_COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|\s+-\s+copy(\s*\(\d+\))?|\s+copy(\s+\d+)?)$", re.IGNORECASE)
_EXTENSION = re.compile(r"(\.csv(\.gz)?|\.zip)$", re.IGNORECASE)
_POLICE_UK_NAME = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>.+)-(?P<kind>street|outcomes|stop-and-search)\.csv$")


def canonical_name(name: str) -> str:
    """A file name without the copy number a browser or file manager adds, lower-cased, ``.gz`` dropped.

    >>> canonical_name("2022-03-derbyshire-street (1).csv"), canonical_name("Street(2).CSV")
    ('2022-03-derbyshire-street.csv', 'street.csv')
    """
    match = _EXTENSION.search(name)
    stem, extension = (name[: match.start()], match.group(1)) if match else (name, "")
    stem = _COPY_SUFFIX.sub("", stem)
    return (stem + extension).lower().removesuffix(".gz")


def police_uk_parts(name: str) -> tuple[str, str, str] | None:
    """``(month, force slug, kind)`` of a data.police.uk file name (copy numbers ignored), or ``None``.

    >>> police_uk_parts("2022-03-derbyshire-stop-and-search (1).csv")
    ('2022-03', 'derbyshire', 'stop-and-search')
    """
    match = _POLICE_UK_NAME.match(canonical_name(PurePosixPath(name).name))
    return (match["month"], match["force"], match["kind"]) if match else None


def classify(path: Path | PurePosixPath, header: list[str]) -> str | None:
    """Name of the input a CSV belongs to, judged by its name (data.police.uk's own file names) and
    then its header, by each input's rule in :data:`~pack.data.specs.INPUTS` order; ``None`` if unknown."""
    by_name = _guess_from_name(path)
    if by_name:
        return by_name
    exact = frozenset(header)
    lower = frozenset(c.strip().lower() for c in header)
    for s in INPUTS:
        if s.recognise(exact, lower):
            return s.name
    return None


@dataclass(frozen=True)
class FoundFile:
    """A file found in the data folder (or a CSV file inside a zip archive found there)."""

    path: Path
    relative: str  # path relative to the data folder, with forward slashes (``a.zip/member.csv`` for a member)
    input: str | None  # None: not recognised
    member: str | None = None  # the CSV file's name inside the zip archive ``path``
    problem: str | None = None  # why it cannot be read (an error of the data folder)

    @property
    def name(self) -> str:
        """The file's own name (a zip member's name without its folders)."""
        return PurePosixPath(self.member).name if self.member else self.path.name


def discover(data_dir: Path) -> list[FoundFile]:
    """Every input file under ``data_dir`` with the input it belongs to, sorted by relative path."""
    if not data_dir.exists():
        raise DataError("data folder does not exist", file=str(data_dir))
    if not data_dir.is_dir():
        raise DataError("is a file where a data folder was expected", file=str(data_dir))
    explicit = _explicit_sources(data_dir)
    claimed = {p: name for name, paths in explicit.items() for p in paths}
    found: list[FoundFile] = []
    for path, rel, problem in _walk(data_dir):
        if problem is not None:
            found.append(FoundFile(path, rel, _guess_from_name(path), problem=problem))
            continue
        if path.is_dir():  # a folder named like a CSV
            found.append(
                FoundFile(path, rel, _guess_from_name(path), problem="is a folder where a CSV file was expected")
            )
            continue
        if not os.access(path, os.R_OK) or not _readable(path):
            found.append(FoundFile(path, rel, _guess_from_name(path), problem="cannot be read: permission denied"))
            continue
        entries = _entries(path, rel)
        for entry in entries:
            if path in claimed:
                found.append(FoundFile(entry.path, entry.relative, claimed[path], entry.member, entry.problem))
            elif not explicit or entry.input not in explicit:  # with sources.toml, its inputs only as listed
                found.append(entry)
    return sorted(found, key=lambda f: f.relative)


def _readable(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except PermissionError:
        return False
    except OSError:
        return True  # reported when read, with its own reason
    return True


def _entries(path: Path, rel: str) -> list[FoundFile]:
    """The inputs one file holds: itself, or each CSV file of a zip archive."""
    if path.name.lower().endswith(".zip"):
        try:
            members = zip_members(path, rel)
        except DataError as exc:
            return [FoundFile(path, rel, None, problem=str(exc).removeprefix(f"file {rel}: "))]
        try:
            with zipfile.ZipFile(path) as archive:  # (opened once: its directory is read once)
                return _named(
                    [(m, classify(PurePosixPath(member_shown(m)), header_of(path, m, archive))) for m in members],
                    path,
                    rel,
                ) + _nested(archive, path, rel)
        except (OSError, zipfile.BadZipFile):
            return _named([(m, classify(PurePosixPath(member_shown(m)), [])) for m in members], path, rel)
    try:
        refuse_misnamed(path, rel)
    except DataError as exc:  # a zip archive, workbook or binary data named .csv: named for what it is
        return [FoundFile(path, rel, _guess_from_name(path), problem=str(exc).removeprefix(f"file {rel}: "))]
    return [FoundFile(path, rel, classify(path, header_of(path)))]


def _nested(archive: zipfile.ZipFile, path: Path, rel: str) -> list[FoundFile]:
    """Each zip archive inside ``archive`` that holds CSV files, as a problem naming it and how many
    (they are not read: never left out in silence); one that holds none is noted in the log."""
    found = []
    for member in sorted(n for n in archive.namelist() if n.lower().endswith(".zip")):
        if any(is_metadata(p) for p in member.replace("\\", "/").split("/") if p not in (".", "..")):
            continue
        try:
            with archive.open(member) as opened, zipfile.ZipFile(opened) as inner:
                csvs = sum(n.lower().endswith((".csv", ".csv.gz")) for n in inner.namelist())
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
            csvs, why = -1, str(exc)
        shown = f"{rel}/{member_shown(member)}"
        if csvs == 0:
            log.info("Data: note: %s: a zip archive inside a zip archive, holding no CSV file: ignored", shown)
            continue
        held = f"holding {csvs} CSV file(s), which are not read" if csvs > 0 else f"which cannot be read ({why})"
        found.append(
            FoundFile(
                path,
                shown,
                None,
                member=member,
                problem=f"is a zip archive inside a zip archive, {held} (expected it saved in the data folder itself)",
            )
        )
    return found


def _named(members: list[tuple[str, str | None]], path: Path, rel: str) -> list[FoundFile]:
    """The CSV members of zip archive ``path`` (each with the input it belongs to), named as a
    manifest records them (:func:`~pack.data.sources.member_shown`); a name that cannot be recorded
    (:func:`~pack.data.sources.path_problem`), or that two members share, is a problem."""
    shown = [member_shown(m) for m, _ in members]
    found = []
    for (member, kind), name in zip(members, shown, strict=True):
        relative = f"{rel}/{name}"
        problem = path_problem(relative)
        if problem is None and shown.count(name) > 1:
            problem = f"two members of the archive are both named {name} once their folders are read: refused"
        elif problem is not None:
            problem = f"zip member {member!r} refused: {problem}"
        found.append(FoundFile(path, relative, kind, member=member, problem=problem))
    return found


def _walk(data_dir: Path) -> list[tuple[Path, str, str | None]]:
    """``(path, relative path, problem)`` of every input-named file under ``data_dir``: hidden
    files and folders and the metadata operating systems leave (:func:`is_metadata`) left out;
    sub-folders that are symbolic links within the folder followed (once each). A symbolic link
    that leads out of the folder, round in a loop or nowhere, or back to a folder already read,
    is never followed: it is skipped with one log line naming it."""
    root = data_dir.resolve()
    seen: set[Path] = {root}
    out: list[tuple[Path, str, str | None]] = []
    skipped: list[str] = []
    metadata: list[str] = []

    def visit(folder: Path, rel: PurePosixPath) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            out.append((folder, rel.as_posix() or ".", f"folder cannot be read: {exc.strerror}"))
            return
        for entry in entries:
            path, child = Path(entry.path), rel / entry.name
            if is_metadata(entry.name):
                if entry.name.lower() in METADATA_NAMES or entry.name.startswith("._"):
                    metadata.append(child.as_posix())
                continue
            if entry.is_symlink():
                target, why = _link_target(path, root)
                if why is not None:
                    skipped.append(f"{child.as_posix()} ({why})")
                    continue
                if target.is_dir():
                    if target in seen:
                        skipped.append(f"{child.as_posix()} (a symbolic link to a folder already read: {target})")
                    else:
                        seen.add(target)
                        visit(path, child)
                    continue
            if entry.is_dir(follow_symlinks=False):
                if is_input_name(entry.name):
                    out.append((path, child.as_posix(), None))  # a folder named like a CSV
                seen.add(path.resolve())
                visit(path, child)
            elif is_input_name(entry.name):
                out.append((path, child.as_posix(), None))

    visit(data_dir, PurePosixPath())
    if skipped:
        log.warning("Data: %d symbolic link(s) not followed: %s", len(skipped), "; ".join(skipped))
    if metadata:
        log.info("Data: note: %d file(s) operating systems leave ignored: %s", len(metadata), ", ".join(metadata))
    return out


def _link_target(path: Path, root: Path) -> tuple[Path, str | None]:
    """Where a symbolic link leads, and why it is not followed (``None``: it may be)."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # (Python 3.11 raises it for a loop; later versions an OSError)
        return path, "a loop of symbolic links"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return path, "a loop of symbolic links"
        return path, f"leads to nothing that can be read: {exc.strerror}"
    if not target.is_relative_to(root):
        return target, f"leads out of the data folder, to {target}"
    return target, None


def _guess_from_name(path: Path | PurePosixPath) -> str | None:
    fname = canonical_name(path.name)
    for s in INPUTS:
        if s.name_pattern and re.search(s.name_pattern, fname):
            return s.name
    return None


def _explicit_sources(data_dir: Path) -> dict[str, list[Path]]:
    """``sources.toml``'s ``[inputs]``: each input's list of patterns relative to the data folder."""
    toml_path = data_dir / "sources.toml"
    if not toml_path.is_file():
        return {}
    try:
        config = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"is not valid TOML: {exc}", file="sources.toml") from exc
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", file="sources.toml") from exc
    inputs = config.get("inputs", {})
    if not isinstance(inputs, dict):
        raise DataError("[inputs] must be a table", file="sources.toml", expected='[inputs] street = ["*.csv"]')
    root = data_dir.resolve()
    result: dict[str, list[Path]] = {}
    for name, patterns in inputs.items():
        if name not in INPUT_NAMES:
            raise DataError(
                f"names an unknown input {name!r}", file="sources.toml", expected=f"one of {', '.join(INPUT_NAMES)}"
            )
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
            raise DataError(
                f"{name} = {patterns!r}: patterns must be a list of text",
                file="sources.toml",
                expected=f'{name} = ["folder/*.csv"]',
            )
        paths: list[Path] = []
        for pattern in patterns:
            if PurePosixPath(pattern).is_absolute() or ".." in PurePosixPath(pattern).parts or "\\" in pattern:
                raise DataError(
                    f"pattern {pattern!r} for {name} is not relative to the data folder",
                    file="sources.toml",
                    expected="a pattern inside the data folder, with forward slashes and no '..', e.g. 'police/*.csv'",
                )
            try:
                matched = sorted(p for p in data_dir.glob(pattern) if p.resolve().is_relative_to(root))
            except (ValueError, NotImplementedError) as exc:
                raise DataError(
                    f"pattern {pattern!r} for {name} is not a valid pattern: {exc}", file="sources.toml"
                ) from exc
            if not matched:
                raise DataError(f"pattern {pattern!r} for {name} matches no file", file="sources.toml")
            paths.extend(matched)
        result[name] = paths
    return result


def force_slug(force: str) -> str:
    """``Derbyshire Constabulary`` -> ``derbyshire``, as data.police.uk names its files."""
    slug = force.lower()
    for suffix in (" police service", " constabulary", " police"):
        if slug.endswith(suffix):
            slug = slug[: -len(suffix)]
    return re.sub(r"[^a-z0-9]+", "-", slug).strip("-")


def month_of_file(path: Path | PurePosixPath) -> str | None:
    """``2022-03`` from ``2022-03-derbyshire-street.csv``; ``None`` if the name has no month."""
    m = re.match(r"^(\d{4}-(0[1-9]|1[0-2]))-", path.name)
    return m.group(1) if m else None
