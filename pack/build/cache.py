"""Reuse of executed notebooks: a notebook whose inputs have not changed is not run again.

The key covers the notebook sources, the parameters, the prepared data's content key, the pack's
own code and any claims file, so any change that could alter an output reruns the notebook.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from pack.config import NOTEBOOK_DIR, cache_root
from pack.data import pack_code_hash, sha256_file, sha256_text


def notebook_key(stem: str, parameters: dict, data_key: str, claims_file: Path | None) -> str:
    """Content key of one notebook run."""
    sources = {p.name: sha256_file(p) for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))}
    return sha256_text(
        json.dumps(
            {
                "stem": stem,
                "parameters": parameters,
                "data": data_key,
                "code": pack_code_hash(),
                "notebooks": sources,
                "claims": sha256_file(claims_file) if claims_file else None,
            },
            sort_keys=True,
            default=str,
        )
    )[:32]


SECTIONS = "_sections"  # rendered section fragments (pack.build.render): cached, never in a pack


def _outputs(stem: str, folder: Path) -> list[Path]:
    files = [folder / "notebooks" / f"{stem}.ipynb"]
    files += sorted((folder / "tables").glob(f"{stem}-*"))
    files += sorted((folder / "figures").glob(f"{stem}-*"))
    files += [folder / "notebooks" / f"{stem}.html", folder / SECTIONS / f"{stem}.json"]
    return [f for f in files if f.is_file()]


def store(key: str, stem: str, staging: Path) -> None:
    """Copy a notebook's outputs into the cache under ``key``."""
    target = cache_root() / "notebooks" / key
    tmp = target.with_name(f"{key}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    for path in _outputs(stem, staging):
        dest = tmp / path.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    try:
        os.replace(tmp, target) if not target.exists() else shutil.rmtree(tmp)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def restore(key: str, stem: str, staging: Path) -> bool:
    """Copy cached outputs into ``staging``; False when there are none."""
    source = cache_root() / "notebooks" / key
    if not (source / "notebooks" / f"{stem}.ipynb").is_file():
        return False
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = staging / path.relative_to(source)
            dest.parent.mkdir(exist_ok=True)  # never parents: an interrupted build's staging stays gone
            shutil.copyfile(path, dest)
    return True
