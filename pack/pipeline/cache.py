"""Reuse of executed notebooks: a notebook whose inputs have not changed is not run again.

Each notebook's key covers what can change its outputs and nothing else:

- its own source (the ``.ipynb`` file's bytes: code and markdown), its parameters, the prepared
  data's content key and the ``pack`` code;
- the plan: its file's bytes and the files of its published folder (:func:`plan_inputs`);
- for the claims check, the claims file it reads;
- for the strategic summary, the plan's indicator tables and the claims check's verdicts it reads (so it
  reruns only when one of them changed, not whenever a priority notebook ran again).

Editing one priority notebook's markdown reruns that notebook alone (and the summary only if its
indicator table changed). An entry records the SHA-256 of every file it holds and is checked
before use, against its own record and against the digest the cache's index
(:mod:`pack.store.index`, ``notebooks/.index.json``) recorded under its key when it was stored -
outside the entry, so a section edited together with its ``entry.json``, or an entry copied under
another key, is caught: one that fails is discarded, with a log line, and the notebook runs again.
Entries beyond a size cap (``PACK_CACHE_NOTEBOOKS_MB``, default 1024) are evicted least recently
used first; only entries the cache marked as its own are ever removed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from pack.config import CLAIMS_STEM, NOTEBOOK_DIR, cache_root
from pack.plan import Plan
from pack.store import (
    EntryIndex,
    cache_cap_bytes,
    discard,
    evict_least_recently_used,
    mark_entry,
    mark_used,
    pack_code_hash,
    record_digest,
    record_entry,
    remove_stale,
    sha256_file,
    sha256_text,
    trust_problems,
)

log = logging.getLogger(__name__)

NOTEBOOKS_CAP_MB = 1024
SECTIONS = "_sections"  # rendered section fragments (pack.pipeline.render): cached, never in a pack


def notebook_key(
    stem: str, parameters: dict, data_key: str, extra: dict | None = None, plan: Plan | None = None
) -> str:
    """Content key of one notebook run; ``extra`` holds what only this notebook reads (see the
    module docstring: :func:`claims_inputs`, :func:`summary_inputs`). With ``plan`` (a build's), the
    notebook is the plan's (:meth:`pack.plan.Plan.notebook_file`) and the plan's files are in the key
    (:func:`plan_inputs`); without, ``NOTEBOOK_DIR/<stem>.ipynb``."""
    notebook = plan.notebook_file(stem) if plan is not None else NOTEBOOK_DIR / f"{stem}.ipynb"
    extra = {**(extra or {}), **(plan_inputs(plan) if plan is not None else {})}
    return sha256_text(
        json.dumps(
            {
                "stem": stem,
                "notebook": sha256_file(notebook),
                "parameters": parameters,
                "data": data_key,
                "code": pack_code_hash(),
                "extra": extra,
            },
            sort_keys=True,
            default=str,
        )
    )[:32]


def plan_inputs(plan: Plan) -> dict:
    """What every notebook reads of the plan: the plan file and the files of its published folder."""
    published = sorted(plan.published.glob("*.csv")) if plan.published is not None else []
    return {"plan": sha256_file(plan.file), "published": {p.name: sha256_file(p) for p in published}}


def claims_inputs(claims_file: Path | None) -> dict:
    """What the claims check reads besides the data: the claims file given, if any."""
    return {"claims": sha256_file(claims_file) if claims_file else None}


def summary_inputs(folder: Path, plan: Plan) -> dict:
    """What the strategic summary reads besides the data: the plan's indicator tables in ``folder`` and
    the claims check's verdicts (its scrutiny questions name the claims the data do not support)."""
    tables = {}
    for p in plan.priorities:
        path = folder / "tables" / f"{p.stem}-indicators.csv"
        tables[p.stem] = sha256_file(path) if path.is_file() else None
    verdicts = folder / "tables" / f"{CLAIMS_STEM}-verdicts.csv"
    return {"indicator_tables": tables, "claim_verdicts": sha256_file(verdicts) if verdicts.is_file() else None}


def _root() -> Path:
    return cache_root() / "notebooks"


def _outputs(stem: str, folder: Path) -> list[Path]:
    files = [folder / "notebooks" / f"{stem}.ipynb"]
    files += sorted((folder / "tables").glob(f"{stem}-*"))
    files += sorted((folder / "figures").glob(f"{stem}-*"))
    files += [folder / "notebooks" / f"{stem}.html", folder / SECTIONS / f"{stem}.json"]
    return [f for f in files if f.is_file()]


def store(key: str, stem: str, staging: Path) -> None:
    """Copy a notebook's outputs into the cache under ``key``, with their record. The cache is
    an optimisation: a cache that cannot be written is logged, never fatal."""
    root = _root()
    target = root / key
    tmp = root / f"{key}.tmp-{os.getpid()}"
    try:
        if tmp.exists():
            discard(tmp)  # (only if it is the cache's own)
        tmp.mkdir(parents=True)
        mark_entry(tmp)
        for path in _outputs(stem, staging):
            dest = tmp / path.relative_to(staging)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        record = record_entry(tmp)
        if target.exists():
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, target)
            index = EntryIndex(root)
            index.add(key, record_digest(record))
            index.save()
    except OSError as exc:
        discard(tmp)  # (only if it is the cache's own: a folder of that name made by somebody else stays)
        log.warning("Cache: %s could not be stored (%s); it will run again next time", stem, exc)
        return
    mark_used(target)
    evict_least_recently_used(root, cache_cap_bytes("PACK_CACHE_NOTEBOOKS_MB", NOTEBOOKS_CAP_MB), keep={key})


def restore(key: str, stem: str, staging: Path) -> bool:
    """Copy cached outputs into ``staging``; False when there are none, or when the entry fails
    its check (it is then discarded, with a log line)."""
    source = _root() / key
    if not (source / "notebooks" / f"{stem}.ipynb").is_file():
        return False
    problems = trust_problems(source, EntryIndex(_root()))
    if problems:
        log.warning("Cache: the cached run of %s failed its check (%s): discarded, it runs again", stem, problems[0])
        discard(source)
        return False
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.parent != source:  # the record and used-stamp stay in the cache
            dest = staging / path.relative_to(source)
            dest.parent.mkdir(exist_ok=True)  # never parents: an interrupted build's staging stays gone
            shutil.copyfile(path, dest)
    mark_used(source)
    return True


def clean_leftovers() -> None:
    """Remove cache folders that builds which were stopped left half written."""
    remove_stale(_root(), r".+\.tmp-(?P<pid>\d+)", "the unfinished cache entry")
    remove_stale(_root(), r"\.discarded-.+-(?P<pid>\d+)", "the discarded cache entry")
