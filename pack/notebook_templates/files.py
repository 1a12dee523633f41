"""A plan's notebooks on disk: written by ``run_pack.py new-plan`` (never over a user's edits unless
asked), and checked by the build against the plan before any kernel starts."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pack.errors import PlanError
from pack.notebook_templates.assemble import METADATA_KEY, plan_notebooks
from pack.plan import Plan


def _shown(path: Path) -> str:
    """A path as a user gave it: relative to the working folder when under it."""
    try:
        return (
            Path(os.path.relpath(path.resolve(), Path.cwd())).as_posix()
            if path.resolve().is_relative_to(Path.cwd())
            else str(path)
        )
    except ValueError:
        return str(path)


def new_plan_command(plan: Plan) -> str:
    """The command that writes ``plan``'s notebooks, as a user would type it."""
    return f"python run_pack.py new-plan {_shown(plan.file)}"


def write_plan_notebooks(plan: Plan, *, update: bool = False, folder: Path | None = None) -> dict[str, list[Path]]:
    """Write the plan's notebooks into ``folder`` (default the plan's ``notebooks``). A notebook that
    exists with other content is kept and the whole write refused (:class:`PlanError`, naming them)
    unless ``update``; one already identical is left as it is. Returns ``{"written": [...],
    "unchanged": [...]}``. Nothing is ever deleted."""
    folder = Path(folder or plan.notebooks)
    texts = plan_notebooks(plan)
    paths = {stem: folder / f"{stem}.ipynb" for stem in texts}
    differ = [p for stem, p in paths.items() if p.is_file() and p.read_text(encoding="utf-8") != texts[stem]]
    clash = [p for p in paths.values() if p.exists() and not p.is_file()]
    if clash:
        raise PlanError(f"cannot write {_shown(clash[0])}: it exists and is not a file")
    if differ and not update:
        names = ", ".join(p.name for p in differ)
        raise PlanError(
            f"{_shown(folder)} already holds {names} with other content (your edits?): nothing written; "
            f"add --update to rewrite them from the plan ({new_plan_command(plan)} --update)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    done: dict[str, list[Path]] = {"written": [], "unchanged": []}
    for stem, path in paths.items():
        if path.is_file() and path.read_text(encoding="utf-8") == texts[stem]:
            done["unchanged"].append(path)
            continue
        path.write_text(texts[stem], encoding="utf-8", newline="\n")
        done["written"].append(path)
    return done


def _recorded(path: Path) -> dict | None:
    """The ``pcc_pack`` metadata a notebook records, or ``None`` when it has none or is not JSON."""
    try:
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return None
    recorded = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    return recorded if isinstance(recorded, dict) else None


def notebook_mismatches(plan: Plan) -> list[str]:
    """What in the plan's notebooks (:meth:`pack.plan.Plan.notebook_file`) does not match its priorities:
    a notebook missing, or one whose metadata records another priority number or other sections."""
    problems = []
    for p in plan.priorities:
        path, key = plan.notebook_file(p.stem), f"priority {p.number} stem '{p.stem}'"
        if not path.is_file():
            problems.append(f"{key}: {p.stem}.ipynb is missing")
            continue
        recorded = _recorded(path)
        if recorded is None:
            problems.append(f"{key}: {p.stem}.ipynb records no plan priority (not new-plan's)")
        elif recorded.get("priority") != p.number or recorded.get("stem") != p.stem:
            problems.append(
                f"{p.stem}.ipynb was written for priority {recorded.get('priority')}, the plan has {p.number}"
            )
        elif list(recorded.get("sections", [])) != list(p.sections):
            shown = ", ".join(recorded.get("sections", [])) or "none"
            wanted = ", ".join(p.sections)
            problems.append(f"priority {p.number} sections: {p.stem}.ipynb has {shown}, the plan {wanted}")
    return problems


def check_plan_notebooks(plan: Plan) -> None:
    """Refuse (:class:`PlanError`, one line naming what to run) a plan whose notebooks are missing or
    do not match its priorities."""
    problems = notebook_mismatches(plan)
    if problems:
        where = _shown(plan.notebook_file(plan.priorities[0].stem).parent)
        raise PlanError(
            f"the notebooks in {where} do not match the plan {_shown(plan.file)}: {'; '.join(problems)}. "
            f"Run: {new_plan_command(plan)} (add --update to rewrite notebooks that exist)"
        )
