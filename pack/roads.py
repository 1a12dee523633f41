"""Road Safety: killed or seriously injured (KSI) casualties from DfT STATS19.

A window is covered when the STATS19 collision *and* casualty files cover each of its months
(:data:`STATS19`, months as the data-quality report gives them); a year table shows only calendar
years covered in full and ended by the reporting period.
"""

from __future__ import annotations

import pandas as pd

from pack.figures import Breakdown, Coverage, covered_value, covered_windows, unit
from pack.indicators import IndicatorRow, count_indicator, not_supplied
from pack.measures import complete_monthly_series
from pack.periods import Month, Window
from pack.reference import ROAD_USER_ORDER, SEVERITY_NAMES, road_user_group

SOURCE = "DfT STATS19 collisions and casualties"
STATS19 = ("collisions", "casualties")


def casualty_monthly(casualties: pd.DataFrame, covered: list[str], severities: tuple[int, ...]) -> pd.Series:
    """Casualties per month with ``casualty_severity`` in ``severities`` (1 fatal, 2 serious), over
    the ``covered`` months (0 in a covered month with none)."""
    if not covered:
        return pd.Series(dtype="int64")
    rows = casualties[casualties["casualty_severity"].isin(severities)]
    counts = rows.groupby("month").size()
    return complete_monthly_series(counts, covered[0], covered[-1]).loc[lambda s: s.index.isin(covered)]


def ksi_rows(
    casualties: pd.DataFrame | None, coverage: Coverage, baseline: Window, current: Window
) -> list[IndicatorRow]:
    """Killed, seriously injured and KSI casualties: window against window, quasi-Poisson test
    (:func:`pack.indicators.count_indicator`)."""
    specs = [
        ("ksi_casualties", "Killed or seriously injured (KSI) casualties", (1, 2)),
        ("killed_casualties", "Killed casualties", (1,)),
        ("seriously_injured_casualties", "Seriously injured casualties", (2,)),
    ]
    if casualties is None:
        return [
            not_supplied(i, n, "DfT STATS19 collision and casualty files", "lower", "casualties") for i, n, _ in specs
        ]
    covered = coverage.covered(STATS19)
    return [
        count_indicator(
            i,
            n,
            casualty_monthly(casualties, covered, sev),
            coverage,
            STATS19,
            baseline,
            current,
            "lower",
            SOURCE,
            "casualties",
        )
        for i, n, sev in specs
    ]


def ksi_by_road_user(casualties: pd.DataFrame, baseline: Window, current: Window, coverage: Coverage) -> Breakdown:
    """KSI casualties by road user (pedestrian, cyclist, motorcyclist, car, other) in each window
    the STATS19 files cover; a window they do not cover has no column."""
    windows, left_out = covered_windows([baseline, current], coverage, STATS19, "KSI casualties by road user")
    ksi = casualties[casualties["casualty_severity"].isin((1, 2))]
    groups = ksi["casualty_type"].map(road_user_group)
    table = pd.DataFrame(index=list(ROAD_USER_ORDER))
    for window in windows:
        inside = ksi["month"].isin(window.month_strings())
        table[window.label] = groups[inside].value_counts().reindex(table.index, fill_value=0)
    table = table.fillna(0).astype("int64").rename_axis("road_user").reset_index()
    return Breakdown(table, windows, left_out)


def collisions_by_severity(collisions: pd.DataFrame, coverage: Coverage, period_end: Month) -> Breakdown:
    """Collisions per calendar year by severity, for the years the STATS19 files cover in full and
    that end by ``period_end`` (a part year is never shown as a year)."""
    needs = ("collisions",)
    years = sorted({m[:4] for m in coverage.covered(needs)})
    whole = [Window(Month(int(y), 1), Month(int(y), 12)) for y in years]
    kept, _ = covered_windows(whole, coverage, needs, "collisions")
    kept = tuple(w for w in kept if w.end <= period_end)
    left_out = tuple(
        f"{w.start.year} is left out: "
        + (
            f"not covered in full (missing {coverage.gap(w, needs)})"
            if coverage.gap(w, needs)
            else f"it ends after the reporting period ({period_end.name})"
        )
        + "."
        for w in whole
        if w not in kept
    )
    shown = {str(w.start.year) for w in kept}
    rows = collisions[collisions["date"].str[:4].isin(shown)]
    rows = rows.assign(year=rows["date"].str[:4], severity=rows["collision_severity"].map(SEVERITY_NAMES))
    table = rows.pivot_table(index="year", columns="severity", values="collision_index", aggfunc="count", fill_value=0)
    table = table.reindex(columns=[c for c in ("Fatal", "Serious", "Slight") if c in table.columns]).reset_index()
    return Breakdown(table, kept, left_out)


def adjusted_ksi(casualties: pd.DataFrame, window: Window, coverage: Coverage):
    """KSI on DfT's severity-adjusted basis (killed + probability of serious) for ``window``, as a
    :class:`pack.figures.Figure` (not covered when the STATS19 files miss a month; no value where the
    files carry no adjustment)."""

    def compute() -> float | None:
        rows = casualties[casualties["month"].isin(window.month_strings())]
        if rows.empty or rows["adjusted_serious"].isna().all():
            return None
        return float(
            (rows["casualty_severity"] == 1).sum()
            + rows["adjusted_serious"].fillna(0).where(rows["casualty_severity"] != 1, 0).sum()
        )

    return covered_value(compute, window, coverage, STATS19, unit("casualties"))
