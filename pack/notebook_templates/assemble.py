"""A plan's notebooks from the section templates: one per priority, the strategic summary and the
claims check, committed-style (no outputs) and the same bytes for the same plan.

Each notebook records in its metadata (``pcc_pack``) the plan, priority and sections it was written
from, which the build checks against the plan before any kernel starts (:mod:`.files`).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from pack.config import CLAIMS_STEM, PROJECT_ROOT, SUMMARY_STEM
from pack.notebook_templates import Cell, Section, common, fixed_notebook, section
from pack.plan import DEFAULT_PLAN_FILE, Plan, PlanPriority

METADATA_KEY = "pcc_pack"
START_IMPORTS = "from pack import charts, display"
PARAMETERS = "period_end window_months baseline_end data_dir output_dir police_force public suppress_below plan_file"
PARAMETERS = PARAMETERS.split()


def _relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` (POSIX separators) when both lie in the project, else absolute."""
    path, folder = path.resolve(), folder.resolve()
    if path.is_relative_to(PROJECT_ROOT) and folder.is_relative_to(PROJECT_ROOT):
        return Path(os.path.relpath(path, folder)).as_posix()
    return path.as_posix()


def parameters_source(plan: Plan) -> str:
    """The tagged parameters cell: the defaults an analyst runs with in JupyterLab (the demonstration
    data, 12 months ending January 2024, the plan's force and baseline, the plan file)."""
    plan_file = "" if plan.file.resolve() == DEFAULT_PLAN_FILE.resolve() else _relative(plan.file, plan.notebooks)
    output = _relative(PROJECT_ROOT / "build" / "interactive", plan.notebooks)
    return "\n".join(
        [
            'period_end = "2024-01"',
            "window_months = 12",
            'baseline_end = ""  # "": the plan\'s baseline (a year earlier for a window under 12 months)',
            'data_dir = "data/demo"',
            f'output_dir = "{output}"',
            'police_force = ""  # "": the plan\'s force',
            "public = False",
            "suppress_below = 5",
            f'plan_file = "{plan_file}"  # the plan file, relative to this folder ("": the default plan)',
        ]
    )


def start_source(stem: str, imports: str = START_IMPORTS) -> str:
    """The cell that checks the parameters, opens the data and shows the header."""
    arguments = "".join(f"    {p}={p},\n" for p in PARAMETERS)
    return f'{imports}\nfrom pack.notebook import start\n\nctx = start(\n    "{stem}",\n{arguments})'


def merged_imports(lines: list[str], already: set[str]) -> list[str]:
    """``from X import a, b`` lines merged by module, names sorted, modules in order, without the names
    ``already`` imported from ``pack``."""
    modules: dict[str, set[str]] = {}
    for line in lines:
        module, names = line.removeprefix("from ").split(" import ")
        modules.setdefault(module, set()).update(n.strip() for n in names.split(","))
    modules["pack"] = modules.get("pack", set()) - already
    return [f"from {m} import {', '.join(sorted(modules[m]))}" for m in sorted(modules) if modules[m]]


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _md(cell_id: str, source: str, tags: tuple[str, ...] = ()) -> Cell:
    return Cell(cell_id, "markdown", source, tags)


def _code(cell_id: str, source: str, tags: tuple[str, ...] = ()) -> Cell:
    return Cell(cell_id, "code", source, tags)


def _phrase(aim: str) -> str:
    """The aim as a phrase inside a sentence: no final full stop, a capital lowered unless an acronym."""
    aim = aim.strip().rstrip(".")
    return aim[:1].lower() + aim[1:] if aim[1:2].islower() else aim


def _sentence_list(parts: list[str]) -> str:
    return (
        parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + (", and " if len(parts) > 2 else " and ") + parts[-1]
    )


def _opening(plan: Plan, priority: PlanPriority, sections: list[Section]) -> list[Cell]:
    reports = _sentence_list([s.describes for s in sections]) if sections else "the plan's measures for this priority"
    title = f"# Priority {priority.number}: {priority.title}\n\nThe plan's aim: *{_phrase(priority.aim)}*. "
    return [
        _md("cell-00", title + f"This notebook reports {reports}."),
        _md("cell-00-run", common()["run"], ("notebook-only",)),
        _code("cell-01", parameters_source(plan), ("parameters",)),
        _code("cell-02", start_source(priority.stem)),
    ]


def _indicators(sections: list[Section]) -> list[Cell]:
    parts = common()
    imports = merged_imports([i for s in sections for i in s.imports], {"charts", "display"})
    setup = _unique(line for s in sections for line in s.setup)
    rows = ["rows = []", *(line for s in sections for line in s.rows)]
    findings = "key_sentences = ctx.show_findings(table, list(ctx.priority.headlines))"
    notes = " ".join(s.indicators for s in sections if s.indicators)
    return [
        _code("cell-03", "\n".join([*imports, "", *setup]) if setup else "\n".join(imports)),
        _md("cell-04", parts["key_findings"]),
        _code("cell-05", "\n".join([*rows, "table = ctx.save_indicators(rows)", findings])),
        _md("cell-06", parts["indicator_table"].replace("{sections}", notes).replace("  ", " ")),
        _code("cell-07", "ctx.show_indicators(table)"),
    ]


def _rates(sections: list[Section]) -> bool:
    """A plain "per 1,000 residents" part when a section counts things and no section compares forces."""
    names = {s.name for s in sections}
    return "comparators" not in names and any(s.rates_per_resident for s in sections)


def _closing(sections: list[Section]) -> list[Cell]:
    parts = common()
    cells = []
    if _rates(sections):
        imports = "from pack import compare, populations, rate_areas\n\n"
        cells += [_md("rates-md", parts["rates_md"]), _code("rates", imports + parts["rates"])]
    caveats = [*_unique(c for s in sections for c in s.caveats), parts["mi_caveat"]]
    inputs = [*_unique(i for s in sections for i in s.inputs), "mi"]
    tests = {t for s in sections for t in s.tests}
    method = [
        parts["figure_method"],
        *_unique(m for s in sections for m in s.method),
        *([parts["rates_method"]] if _rates(sections) else []),
        *(parts[f"{t}_test"] for t in ("count", "share") if t in tests),
        parts["mi_method"],
        parts["findings_method"],
    ]
    return [
        *cells,
        _md("mi-md", parts["management_information"]),
        _code("mi", "ctx.show_management_information()"),
        _md("consultation-md", parts["consultation"]),
        _code("consultation", "ctx.show_consultation()"),
        _md("quality-md", parts["data_quality"].replace("{caveats}", "\n".join(f"- {c}" for c in caveats))),
        _code("quality", f"ctx.show_data_quality({inputs!r})".replace("'", '"')),
        _md("method", parts["method"].replace("{bullets}", "\n".join(f"- {m}" for m in method))),
    ]


def priority_cells(plan: Plan, priority: PlanPriority) -> list[Cell]:
    """Every cell of a priority's notebook, in order."""
    sections = [section(name) for name in priority.sections]
    body = [Cell(f"{s.name}-{c.id}", c.kind, c.source, c.tags) for s in sections for c in s.cells]
    return [*_opening(plan, priority, sections), *_indicators(sections), *body, *_closing(sections)]


def fixed_cells(plan: Plan, stem: str) -> list[Cell]:
    """Every cell of the strategic summary or the claims check (the same for every plan but the
    parameters' defaults)."""
    header, imports, cells = fixed_notebook("summary" if stem == SUMMARY_STEM else "claims")
    start = [_code("cell-01", parameters_source(plan), ("parameters",)), _code("cell-02", start_source(stem, imports))]
    return [*cells[:header], *start, *cells[header:]]


def notebook(cells: list[Cell], about: dict) -> nbformat.NotebookNode:
    """A committed-style notebook (no outputs) of ``cells``, ``about`` in its ``pcc_pack`` metadata."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        METADATA_KEY: about,
    }
    for c in cells:
        make = nbformat.v4.new_code_cell if c.kind == "code" else nbformat.v4.new_markdown_cell
        cell = make(source=c.source, id=c.id)
        if c.tags:
            cell.metadata["tags"] = list(c.tags)
        nb.cells.append(cell)
    return nb


def about(plan: Plan, priority: PlanPriority | None, stem: str) -> dict:
    """What a notebook records it was written from: the plan, the priority and its sections."""
    record = {"written_by": "run_pack.py new-plan", "plan": plan.name, "plan_file": plan.file.name, "stem": stem}
    if priority is not None:
        record |= {"priority": priority.number, "sections": list(priority.sections)}
    return record


def plan_notebooks(plan: Plan) -> dict[str, str]:
    """``{stem: notebook JSON text}`` of every notebook of the plan, in build order: the priorities,
    the claims check, the strategic summary."""
    texts = {p.stem: notebook(priority_cells(plan, p), about(plan, p, p.stem)) for p in plan.priorities}
    for stem in (CLAIMS_STEM, SUMMARY_STEM):
        texts[stem] = notebook(fixed_cells(plan, stem), about(plan, None, stem))
    return {stem: nbformat.writes(nb) + "\n" for stem, nb in texts.items()}
