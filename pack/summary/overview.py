"""Strategic summary: the plan's indicator tables read together and what is out of date for the period (the
statutory statement is :mod:`pack.paper.statutory`).

The first screen, the scorecard and the scrutiny questions are in :mod:`pack.summary.scorecard`,
:mod:`pack.summary.tiles` and :mod:`pack.summary.scrutiny`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pack.data import INPUT_NAMES, spec
from pack.errors import NotebookError
from pack.figures import Coverage
from pack.periods import Month, Window
from pack.plan import Plan, number_in_words


def read_indicator_tables(output_dir: Path | str, plan: Plan) -> pd.DataFrame:
    """Every priority's indicator table, with ``priority`` and ``stem`` columns, in plan order.

    Raises :class:`NotebookError` naming the tables that are missing and how to make them (the
    summary reads what the plan's priority notebooks wrote into the same ``output_dir``).
    """
    tables = {p: Path(output_dir) / "tables" / f"{p.stem}-indicators.csv" for p in plan.priorities}
    missing = [p for p, path in tables.items() if not path.is_file()]
    if missing:
        names = ", ".join(f"tables/{p.stem}-indicators.csv" for p in missing)
        raise NotebookError(
            f"the strategic summary needs the {number_in_words(len(tables))} priority indicator tables in "
            f"{Path(output_dir).absolute()}; "
            f"missing: {names}. Run the priority notebooks first with the same output_dir "
            f"({', '.join(p.stem for p in missing)}), or build the whole pack: python run_pack.py build"
        )
    frames = [
        pd.read_csv(path, keep_default_na=True).assign(stem=p.stem, priority=p.title) for p, path in tables.items()
    ]
    return pd.concat(frames, ignore_index=True)


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


DATED_INPUTS = ("workforce", "mi")  # figures at dates or for periods, not monthly series


def out_of_date(tables: pd.DataFrame, coverage: Coverage, current: Window) -> pd.DataFrame:
    """What is out of date for the reporting window: each input whose data end before the window
    began (or before it ends), then each indicator whose current or baseline figure is out of date."""
    rows = []
    for name in INPUT_NAMES:
        months = coverage.months.get(name, ())
        if not months:
            continue
        last = Month.parse(months[-1])
        if last < current.start:
            state = f"out of date: ends {last.name}, before the {current.label} began"
        elif last < current.end and name not in DATED_INPUTS:
            state = f"ends {last.name}, before the period ends: the {current.label} is not covered"
        else:
            continue
        rows.append({"what": spec(name).title, "kind": "input", "state": state})
    for _, row in tables.iterrows():
        for column in ("current_text", "baseline_text"):
            text = _text(row.get(column))
            if text.startswith("out of date"):
                which = "current figure" if column == "current_text" else "baseline figure"
                rows.append({"what": f"{row['priority']}: {row['indicator']}", "kind": which, "state": text})
    return pd.DataFrame(rows, columns=["what", "kind", "state"])


def out_of_date_sentence(stale: pd.DataFrame, current: Window) -> str:
    """One sentence on :func:`out_of_date`: nothing, or how many inputs and figures are out of date."""
    if stale.empty:
        return f"No input or figure is out of date for the {current.label}."
    inputs = int((stale["kind"] == "input").sum())
    figures = len(stale) - inputs
    return (
        f"For the {current.label}, {inputs} input(s) end before the period and {figures} figure(s) are out of "
        "date (dated before their window began): they are listed below, shown with their date, never as current "
        "and never compared."
    )
