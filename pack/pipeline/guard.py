"""Where a build may write: only a new or empty folder, or one that is already an evidence pack.

A pack is recognised by its ``manifest.json`` carrying :data:`PACK_FORMAT` (packs written before
the marker was added are recognised by their manifest's own record of every file they hold). A
failed build's folder (``<out>.failed``) carries :data:`FAILURE_MARKER`. Anything else is somebody's
files, and a build refuses it - before any work, with a one-line reason - rather than replace it.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from pack.config import PROJECT_ROOT, cache_root
from pack.errors import PackError

PACK_FORMAT = "pcc-evidence-pack"
MANIFEST = "manifest.json"
FAILURE_MARKER = "FAILED.json"
CHECKPOINTS = ".ipynb_checkpoints"  # JupyterLab's copies of opened notebooks: never part of a pack


class OutputError(PackError):
    """The output folder cannot be used, or cannot be written."""


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def pack_files(folder: Path) -> list[str]:
    """Relative paths of a folder's files, without JupyterLab's checkpoints, sorted."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if (p.is_file() or p.is_symlink()) and CHECKPOINTS not in p.relative_to(folder).parts
    )


def is_pack(folder: Path) -> bool:
    """True when ``folder`` is an evidence pack: a manifest with the pack's format marker, or an
    older manifest (``manifest_version`` 1) that lists every file the folder holds."""
    manifest = _read_json(folder / MANIFEST)
    if not isinstance(manifest, dict):
        return False
    if manifest.get("format") == PACK_FORMAT:
        return True
    outputs = manifest.get("outputs")
    return (
        manifest.get("manifest_version") == 1
        and isinstance(outputs, dict)
        and set(pack_files(folder)) <= {*outputs, MANIFEST}
    )


def foreign_files(folder: Path) -> list[str]:
    """Files in a pack that its manifest does not list (somebody's own, added after the build)."""
    manifest = _read_json(folder / MANIFEST)
    outputs = manifest.get("outputs") if isinstance(manifest, dict) else None
    listed = set(outputs) if isinstance(outputs, dict) else set()
    return [name for name in pack_files(folder) if name not in listed and name != MANIFEST]


FAILURE_CONTENTS = {"notebooks", "tables", "figures", "_sections", "claims.csv", "FAILED.html", "errors.txt"}


def is_failure_folder(folder: Path) -> bool:
    """True when ``folder`` is a failed build's folder: it carries :data:`FAILURE_MARKER` (or,
    written before the marker, holds only what a failed build keeps, its FAILED.html and errors.txt)."""
    marker = _read_json(folder / FAILURE_MARKER)
    if isinstance(marker, dict) and marker.get("format") == PACK_FORMAT + "-failure":
        return True
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    return {"FAILED.html", "errors.txt"} <= names <= FAILURE_CONTENTS


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_output_folder(out: Path, data_dir: Path | None, given: Path | str | None = None) -> None:
    """Refuse, with a one-line reason, an output folder a build must not replace: the data folder,
    one inside it or holding it, the project folder, the working folder (or one holding either),
    a symbolic link, a file, or an existing folder that is neither empty nor a pack. Its
    ``.failed`` sibling, if any, must be a failed build's folder."""
    given = out if given is None else given
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        raise OutputError(f"--out {given} is a symbolic link: give the folder itself")
    real = out.resolve()
    if _inside(real, cache_root().resolve()):
        raise OutputError(f"--out {given} is inside the cache folder {cache_root()}: give a folder for the pack")
    for folder, name in ((PROJECT_ROOT.resolve(), "the project folder"), (Path.cwd().resolve(), "the working folder")):
        if real == folder:
            raise OutputError(f"--out {given} is {name}: give a folder for the pack, e.g. build/<period>")
        if _inside(folder, real):
            raise OutputError(f"--out {given} contains {name} ({folder}): a build would replace it")
    if data_dir is not None:
        data = Path(data_dir).resolve()
        if real == data:
            raise OutputError(f"--out {given} is the data folder: the pack would replace its own inputs")
        if _inside(real, data):
            raise OutputError(f"--out {given} is inside the data folder {data}: the pack would become an input")
        if _inside(data, real):
            raise OutputError(f"--out {given} contains the data folder {data}: a build would replace it")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {given} is a file, not a folder: give a folder for the pack")
    if out.is_dir() and any(out.iterdir()) and not is_pack(out):
        shown = ", ".join(pack_files(out)[:3]) or ", ".join(sorted(p.name for p in out.iterdir())[:3])
        raise OutputError(
            f"--out {given} holds files that are not an evidence pack ({shown}): give a new or empty folder, "
            "or a previous pack"
        )
    if out.is_dir() and (extra := foreign_files(out)):
        raise OutputError(
            f"--out {given} is a pack but also holds files it did not write ({', '.join(extra[:3])}): "
            "move them, or give another --out"
        )
    failed = failure_folder(out)
    if failed.exists() and not (failed.is_dir() and is_failure_folder(failed)):
        raise OutputError(f"{failed} exists and is not a failed build's folder: move it, or give another --out")


def failure_folder(out: Path) -> Path:
    """Where a failed build into ``out`` keeps its notebooks and errors."""
    return out.parent / f"{out.name}.failed"


_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}


def is_disk_error(exc: BaseException) -> bool:
    """True for an ``OSError`` saying the disk is full or read-only (the build stops on it)."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def write_error(exc: OSError, where: Path, data_dir: Path | None = None) -> OutputError | None:
    """A one-line :class:`OutputError` for a full, read-only or forbidden disk met while building
    into ``where``: ``cannot write <path> (no space left on device)``; ``None`` for other errors.
    A forbidden input file in ``data_dir`` is ``cannot read``."""
    reason = _REASONS.get(exc.errno or 0)
    if reason is None:
        return None
    target = Path(exc.filename) if exc.filename else where
    if data_dir is not None and exc.errno in (errno.EACCES, errno.EPERM) and _inside(target, Path(data_dir)):
        return OutputError(f"cannot read {target} ({reason})")
    after = f"; the previous pack in {where} is untouched" if (where / MANIFEST).is_file() else ""
    return OutputError(f"cannot write {target} ({reason}){after}")
