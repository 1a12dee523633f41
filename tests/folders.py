"""What "untouched" means for a folder in the tests, and small builders of data folders."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from csvs import STREET_HEADER, street_row, write


def folder_state(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (itself included): kind, bytes' SHA-256, size, mode and
    modification time. Equal states mean not one byte, permission or time was changed."""
    state = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        stat = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
        kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
        state[path.relative_to(folder).as_posix()] = (kind, digest, stat.st_size, stat.st_mode, stat.st_mtime_ns)
    return state


def thirteen_months(folder: Path, extra_rows: dict[str, str] | None = None) -> Path:
    """Street files for 2023-01 .. 2024-01: 6 burglaries and 8 ASB incidents a month, plus any
    ``extra_rows`` (``{month: rows}``)."""
    for i in range(13):
        month = f"{2023 + (i == 12)}-{(i % 12) + 1:02d}"
        rows = [street_row(f"{month}-b{j}", month) for j in range(6)]
        rows += [street_row("", month, crime_type="Anti-social behaviour") for _ in range(8)]
        rows.append((extra_rows or {}).get(month, ""))
        write(folder, f"{month}/{month}-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    return folder


def dead_pid() -> int:
    """The id of a process that has exited (as a killed build's)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
