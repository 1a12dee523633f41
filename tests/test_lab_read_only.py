"""``run_pack.py lab``: the read-only copies of a pack's notebooks cannot be saved over from
JupyterLab, even by root (file permissions do not stop root; the server's contents manager must).

The command ``lab`` runs is read for the contents manager it configures, which is then made the way
jupyter-server makes it (the real class, configured from the command's own options) and asked to
save over a copy, as JupyterLab's Save does. Nothing is mocked; no browser is needed.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from tornado import web

from pack.errors import PackError
from pack.pipeline.guard import MANIFEST, PACK_FORMAT
from pack.pipeline.lab import lab_command, read_only_copies


def _pack(folder: Path) -> Path:
    (folder / "notebooks").mkdir(parents=True)
    (folder / MANIFEST).write_text(json.dumps({"format": PACK_FORMAT}), encoding="utf-8")
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "notebooks" / "02_neighbourhood_crime_asb.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return folder


def _manager(command: list[str], root: Path):
    """The contents manager ``command`` configures, made with its options (``--Class.trait=value``)."""
    (chosen,) = [a.split("=", 1)[1] for a in command if a.startswith("--ServerApp.contents_manager_class=")]
    module, _, name = chosen.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    traits = dict(a[len(f"--{name}.") :].split("=", 1) for a in command if a.startswith(f"--{name}."))
    return cls(root_dir=str(root), **traits)


def test_a_read_only_copy_cannot_be_saved_over_even_by_root(tmp_path: Path) -> None:
    root = tmp_path / "project"
    copies = read_only_copies(_pack(tmp_path / "pack-2024-01"), root / "build" / "lab")
    manager = _manager(lab_command(root, copies, []), root)
    path = f"{copies.relative_to(root).as_posix()}/02_neighbourhood_crime_asb.ipynb"
    before = (root / path).read_bytes()
    model = manager.get(path)
    assert model["writable"] is False  # JupyterLab opens it read-only
    listing = manager.get(copies.relative_to(root).as_posix())
    assert [c["writable"] for c in listing["content"]] == [False]
    model["content"]["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "edited", "id": "x1"})
    with pytest.raises(web.HTTPError) as refused:
        manager.save(model, path)
    assert refused.value.status_code == 403
    for attempt in (lambda: manager.delete_file(path), lambda: manager.rename_file(path, "elsewhere.ipynb")):
        with pytest.raises(web.HTTPError):
            attempt()
    assert (root / path).read_bytes() == before
    # the project's own notebooks stay editable
    (root / "notebooks").mkdir()
    own = {"type": "notebook", "content": json.loads(before)}
    assert manager.save(own, "notebooks/mine.ipynb")["writable"] is True


def test_copies_never_replace_a_folder_the_lab_did_not_make(tmp_path: Path) -> None:
    """``build/lab/<pack name>/`` holding somebody's file is refused in one line, and kept."""
    root = tmp_path / "project"
    mine = root / "build" / "lab" / "pack-2024-01"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(PackError, match="not read-only copies"):
        read_only_copies(_pack(tmp_path / "pack-2024-01"), root / "build" / "lab")
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    # copies the lab made are replaced
    copies = root / "build" / "lab" / "other"
    copies.parent.mkdir(exist_ok=True)
    first = read_only_copies(_pack(tmp_path / "other"), root / "build" / "lab")
    again = read_only_copies(_pack(tmp_path / "x" / "other"), root / "build" / "lab")
    assert first == again == copies and sorted(p.name for p in copies.glob("*.ipynb")) == [
        "02_neighbourhood_crime_asb.ipynb"
    ]
