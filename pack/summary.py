"""Strategic summary: the scorecard across priorities and the National Crime and Policing Measures."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from pack.catalogue import MI_CATALOGUE
from pack.config import PRIORITIES
from pack.data import INPUT_NAMES, Dataset, spec
from pack.errors import NotebookError
from pack.figures import Coverage
from pack.findings import tested
from pack.indicators import mi_indicator
from pack.periods import Month, Window

HEADLINES = {
    "01_strong_local_policing": ["answer_999_seconds", "officer_headcount"],
    "02_neighbourhood_crime_asb": ["asb_incidents"],
    "03_road_safety": ["ksi_casualties"],
    "04_rural_crime": ["rural_crime_records"],
    "05_victim_support_safeguarding": ["violence_sexual_offences"],
    "06_driving_efficiencies": ["revenue_budget_total"],
}


def read_indicator_tables(output_dir: Path | str) -> pd.DataFrame:
    """Every priority's indicator table, with ``priority`` and ``stem`` columns, in plan order.

    Raises :class:`NotebookError` naming the tables that are missing and how to make them (the
    summary reads what the six priority notebooks wrote into the same ``output_dir``).
    """
    tables = {p: Path(output_dir) / "tables" / f"{p.stem}-indicators.csv" for p in PRIORITIES}
    missing = [p for p, path in tables.items() if not path.is_file()]
    if missing:
        names = ", ".join(f"tables/{p.stem}-indicators.csv" for p in missing)
        raise NotebookError(
            f"the strategic summary needs the six priority indicator tables in {Path(output_dir).absolute()}; "
            f"missing: {names}. Run the priority notebooks first with the same output_dir "
            f"({', '.join(p.stem for p in missing)}), or build the whole pack: python run_pack.py build"
        )
    frames = [
        pd.read_csv(path, keep_default_na=True).assign(stem=p.stem, priority=p.title) for p, path in tables.items()
    ]
    return pd.concat(frames, ignore_index=True)


SCORECARD = {
    "priority": "Priority",
    "indicator": "Indicator",
    "baseline_label": "Baseline period",
    "baseline_text": "Baseline",
    "current_label": "Current period",
    "current_text": "Current",
    "change_text": "Change",
    "status": "Status",
    "test": "Test",
}


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def scorecard(tables: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with a figure (supplied), in plan order: each figure as text with its
    unit (or why it is not shown), the change in the unit's terms, the status and the test."""
    rows = tables[tables["status"] != "not supplied"]
    return rows[list(SCORECARD)].map(_text).rename(columns=SCORECARD).reset_index(drop=True)


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


def status_counts(tables: pd.DataFrame) -> pd.DataFrame:
    """Indicators per priority by status."""
    table = tables.pivot_table(index="priority", columns="status", values="indicator_id", aggfunc="count", fill_value=0)
    order = [p.title for p in PRIORITIES]
    return table.reindex(order).fillna(0).astype("int64").reset_index()


def headline_rows(tables: pd.DataFrame) -> pd.DataFrame:
    """The first supplied headline indicator of each priority."""
    rows = []
    for stem, ids in HEADLINES.items():
        sub = tables[(tables["stem"] == stem) & tables["indicator_id"].isin(ids) & tables["current_value"].notna()]
        if len(sub):
            rows.append(sub.iloc[0])
    return pd.DataFrame(rows).reset_index(drop=True)


NATIONAL_MEASURES = [
    ("Reduce murder and other homicide", "mi", "homicides"),
    ("Reduce serious violence (proxy: possession of weapons offences)", "table", "possession_of_weapons"),
    ("Disrupt drugs supply and county lines", "mi", "county_lines_closed"),
    ("Reduce neighbourhood crime", "table", "neighbourhood_crime"),
    ("Tackle cyber crime", "mi", "cyber_crime_reports"),
    ("Improve satisfaction among victims", "mi", "victim_satisfaction_pct"),
]


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


def national_measures(tables: pd.DataFrame, data: Dataset, baseline: Window, current: Window) -> pd.DataFrame:
    """The force's figure for each National Crime and Policing Measure (as text with its unit, or why
    it is not shown), else ``not supplied``."""
    mi = data.table("mi")
    rows = []
    for measure, kind, ind in NATIONAL_MEASURES:
        if kind == "table":
            match = tables[tables["indicator_id"] == ind]
            row = match.iloc[0].to_dict() if len(match) else None
        else:
            row = asdict(mi_indicator(mi, MI_CATALOGUE[ind], baseline, current))
        if row is None or row["status"] == "not supplied":
            rows.append(
                {"measure": measure, "figure": "not supplied", "period": "", "change": "", "status": "not supplied"}
            )
            continue
        rows.append(
            {
                "measure": measure,
                "figure": _text(row.get("current_text")),
                "period": _text(row.get("current_label")),
                "change": _text(row.get("change_text")),
                "status": row["status"],
            }
        )
    return pd.DataFrame(rows)


def headline_title(headlines: pd.DataFrame) -> str:
    """Title counting the headline indicators whose improvement a significance test supports (the
    untested ones are counted apart, never added to them)."""
    if headlines.empty:
        return "No headline indicator has a figure for this period"
    is_tested = headlines.apply(tested, axis=1)
    improved = int(((headlines["status"] == "improved") & is_tested).sum())
    return (
        f"{improved} of {int(is_tested.sum())} tested headline indicators improved significantly "
        f"({int((~is_tested).sum())} more shown without a test)"
    )
