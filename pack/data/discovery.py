"""The inputs the pack knows, and how each is found in a data folder.

Every ``*.csv`` under the data folder is classified by its header (and, for data.police.uk
files, its name), whatever the folder layout. An optional ``sources.toml`` in the data folder
names files explicitly::

    [inputs]
    street = ["archive/**/*-street.csv"]
    mi = ["force/mi-2024.csv"]

A CSV that matches no input is listed in the data-quality report as "not recognised".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pack.data.readers import read_header
from pack.data.specs import INPUT_NAMES, INPUTS
from pack.errors import DataError


def classify(path: Path, header: list[str]) -> str | None:
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
    """A file found in the data folder."""

    path: Path
    relative: str  # path relative to the data folder, with forward slashes
    input: str | None  # None: not recognised


def discover(data_dir: Path) -> list[FoundFile]:
    """Every CSV under ``data_dir`` with the input it belongs to, sorted by relative path."""
    if not data_dir.exists():
        raise DataError("data folder does not exist", file=str(data_dir))
    if not data_dir.is_dir():
        raise DataError("is a file where a data folder was expected", file=str(data_dir))
    explicit = _explicit_sources(data_dir)
    claimed: dict[Path, str] = {}
    for name, paths in explicit.items():
        for p in paths:
            claimed[p] = name
    found: list[FoundFile] = []
    for path in sorted(data_dir.rglob("*")):
        rel = path.relative_to(data_dir).as_posix()
        if any(part.startswith(".") for part in path.relative_to(data_dir).parts):
            continue
        if path.suffix.lower() != ".csv":
            continue
        if path in claimed:
            found.append(FoundFile(path, rel, claimed[path]))
            continue
        if explicit and _input_of_pattern_claimed(path, data_dir, explicit):
            continue
        if path.is_dir():
            # a folder named like a CSV: let the loader report it clearly
            found.append(FoundFile(path, rel, _guess_from_name(path)))
            continue
        try:
            header = read_header(path)  # headers are ASCII: no need to decode the whole file
        except PermissionError:
            found.append(FoundFile(path, rel, _guess_from_name(path)))
            continue
        found.append(FoundFile(path, rel, classify(path, header) or _guess_from_name(path)))
    return found


def _guess_from_name(path: Path) -> str | None:
    fname = path.name.lower()
    for s in INPUTS:
        if s.name_pattern and re.search(s.name_pattern, fname):
            return s.name
    return None


def _explicit_sources(data_dir: Path) -> dict[str, list[Path]]:
    toml_path = data_dir / "sources.toml"
    if not toml_path.is_file():
        return {}
    try:
        config = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"is not valid TOML: {exc}", file="sources.toml") from exc
    result: dict[str, list[Path]] = {}
    for name, patterns in config.get("inputs", {}).items():
        if name not in INPUT_NAMES:
            raise DataError(
                f"names an unknown input {name!r}",
                file="sources.toml",
                expected=f"one of {', '.join(INPUT_NAMES)}",
            )
        paths: list[Path] = []
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            matched = sorted(data_dir.glob(pattern))
            if not matched:
                raise DataError(f"pattern {pattern!r} for {name} matches no file", file="sources.toml")
            paths.extend(matched)
        result[name] = paths
    return result


def _input_of_pattern_claimed(path: Path, data_dir: Path, explicit: dict[str, list[Path]]) -> bool:
    """With sources.toml, a file of an input that sources.toml names is used only if listed."""
    header = read_header(path) if path.is_file() else []
    kind = classify(path, header)
    return kind in explicit


def force_slug(force: str) -> str:
    """``Derbyshire Constabulary`` -> ``derbyshire``, as data.police.uk names its files."""
    slug = force.lower()
    for suffix in (" police service", " constabulary", " police"):
        if slug.endswith(suffix):
            slug = slug[: -len(suffix)]
    return re.sub(r"[^a-z0-9]+", "-", slug).strip("-")


def month_of_file(path: Path) -> str | None:
    """``2022-03`` from ``2022-03-derbyshire-street.csv``; ``None`` if the name has no month."""
    m = re.match(r"^(\d{4}-\d{2})-", path.name)
    return m.group(1) if m else None
