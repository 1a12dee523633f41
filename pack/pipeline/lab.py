"""``make lab``: JupyterLab on the project's notebooks and on read-only copies of a pack's executed
notebooks, so reading a pack can never change it (``verify`` keeps passing).

The copies go to ``build/lab/<pack name>/`` under the folder JupyterLab opens (replaced each
time), with the kernel named as the installed one (``Python 3 (evidence pack)``), so JupyterLab
does not mark them modified on opening, and made read-only, so it cannot save them either (the
pack itself is never opened). File permissions do not stop root, so JupyterLab is also started
with the contents manager :class:`pack.pipeline.lab_contents.ReadOnlyCopies`, which reports the copies
not writable (JupyterLab opens them read-only) and refuses to save, rename or delete them, whoever
runs it. A folder of copies is replaced only when the lab made it (:data:`COPIES_MARKER`).
JupyterLab runs as a separate program: the build never imports it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

from pack.config import DEFAULT_BUILD_ROOT, PROJECT_ROOT
from pack.errors import PackError
from pack.pipeline.guard import is_pack
from pack.pipeline.kernels import KERNEL_DISPLAY_NAME, KERNEL_NAME

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
COPIES_MARKER = ".read-only-copies"  # in every folder of copies the lab makes
CONTENTS_MANAGER = "pack.pipeline.lab_contents.ReadOnlyCopies"


def _made_by_the_lab(folder: Path) -> bool:
    """True when ``folder`` holds the lab's marker, or (copies made before the marker) nothing but
    notebooks and JupyterLab's checkpoints."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    if (folder / COPIES_MARKER).is_file():
        return True
    names = [p for p in folder.iterdir() if p.name != ".ipynb_checkpoints"]
    return all(p.is_file() and p.suffix == ".ipynb" for p in names)


def latest_pack(root: Path = DEFAULT_BUILD_ROOT) -> Path:
    """The most recently built pack under ``root`` (by its manifest's modification time)."""
    packs = (
        [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and is_pack(p)] if root.is_dir() else []
    )
    if not packs:
        raise PackError(f"no evidence pack under {root}: build one first (make pack), or name one: make lab ARGS=PACK")
    return max(packs, key=lambda p: (p / "manifest.json").stat().st_mtime)


def read_only_copies(pack: Path, target_root: Path) -> Path:
    """Copy the pack's executed notebooks to ``target_root/<pack name>/``, read-only, with the
    installed kernel's display name; return that folder."""
    if not is_pack(pack):
        raise PackError(f"{pack} is not an evidence pack (no manifest.json with the pack's format)")
    target = target_root / pack.name
    if (target.exists() or target.is_symlink()) and not _made_by_the_lab(target):
        raise PackError(f"{target} holds files that are not read-only copies made by the lab: move them first")
    if target.exists():
        for path in target.rglob("*"):
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(target)
    target.mkdir(parents=True)
    (target / COPIES_MARKER).write_text("read-only copies of a pack's notebooks, made by run_pack.py lab\n")
    for source in sorted((pack / "notebooks").glob("*.ipynb")):
        nb = json.loads(source.read_text(encoding="utf-8"))
        nb.setdefault("metadata", {})["kernelspec"] = {
            "display_name": KERNEL_DISPLAY_NAME,
            "language": "python",
            "name": KERNEL_NAME,
        }
        copy = target / source.name
        copy.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        copy.chmod(READ_ONLY)
    return target


def lab_command(root: Path, copies: Path, extra: list[str]) -> list[str]:
    """The ``jupyter lab`` command: ``root`` as its folder, opened on the copies, with the contents
    manager that never writes the folder of copies (:mod:`pack.pipeline.lab_contents`)."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{copies.relative_to(root).as_posix()}",
        f"--ServerApp.contents_manager_class={CONTENTS_MANAGER}",
        f"--ReadOnlyCopies.read_only_dir={copies.parent.relative_to(root).as_posix()}",
        *extra,
    ]


def open_lab(pack: Path | None, extra: list[str], root: Path | None = None) -> int:
    """Make read-only copies of ``pack``'s notebooks (default: the latest pack) under ``root``
    (default: the project folder) and run JupyterLab there."""
    root = Path(root).absolute() if root is not None else PROJECT_ROOT
    pack = Path(pack) if pack is not None else latest_pack()
    copies = read_only_copies(pack, root / "build" / "lab")
    print(
        f"JupyterLab: the project's notebooks are in notebooks/; the pack's executed notebooks, read-only, in {copies}"
    )
    command = lab_command(root, copies, extra)
    # the server imports the contents manager from this project
    os.environ["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    os.execv(command[0], command)  # replaces this process: nothing of the build stays loaded
    return 0  # pragma: no cover - execv does not return
