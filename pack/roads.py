"""Road Safety: killed or seriously injured (KSI) casualties from DfT STATS19."""

from __future__ import annotations

import pandas as pd

from pack.indicators import IndicatorRow, count_indicator, not_supplied
from pack.measures import complete_monthly_series
from pack.periods import Window
from pack.reference import ROAD_USER_ORDER, SEVERITY_NAMES, road_user_group

SOURCE = "DfT STATS19 collisions and casualties"


def casualty_monthly(casualties: pd.DataFrame, covered: list[str], severities: tuple[int, ...]) -> pd.Series:
    """Casualties per month with ``casualty_severity`` in ``severities`` (1 fatal, 2 serious)."""
    rows = casualties[casualties["casualty_severity"].isin(severities)]
    counts = rows.groupby("month").size()
    return complete_monthly_series(counts, covered[0], covered[-1]).loc[lambda s: s.index.isin(covered)]


def covered_months(casualties: pd.DataFrame) -> list[str]:
    """Months of the years supplied (STATS19 is published by calendar year)."""
    years = sorted({m[:4] for m in casualties["month"]})
    return [f"{y}-{m:02d}" for y in years for m in range(1, 13)]


def ksi_rows(casualties: pd.DataFrame | None, baseline: Window, current: Window) -> list[IndicatorRow]:
    """Killed, seriously injured and KSI casualties: window against window, exact Poisson test."""
    specs = [
        ("ksi_casualties", "Killed or seriously injured (KSI) casualties", (1, 2)),
        ("killed_casualties", "Killed casualties", (1,)),
        ("seriously_injured_casualties", "Seriously injured casualties", (2,)),
    ]
    if casualties is None:
        return [
            not_supplied(i, n, "DfT STATS19 collision and casualty files", "lower", "casualties") for i, n, _ in specs
        ]
    covered = covered_months(casualties)
    return [
        count_indicator(
            i, n, casualty_monthly(casualties, covered, sev), covered, baseline, current, "lower", SOURCE, "casualties"
        )
        for i, n, sev in specs
    ]


def ksi_by_road_user(casualties: pd.DataFrame, baseline: Window, current: Window) -> pd.DataFrame:
    """KSI casualties by road user in the two windows (pedestrian, cyclist, motorcyclist, car, other)."""
    ksi = casualties[casualties["casualty_severity"].isin((1, 2))]
    groups = ksi["casualty_type"].map(road_user_group)
    table = pd.DataFrame(index=list(ROAD_USER_ORDER))
    for window in (baseline, current):
        inside = ksi["month"].isin(window.month_strings())
        table[window.label] = groups[inside].value_counts().reindex(table.index, fill_value=0)
    return table.fillna(0).astype("int64").rename_axis("road_user").reset_index()


def collisions_by_severity(collisions: pd.DataFrame) -> pd.DataFrame:
    """Collisions per calendar year by severity."""
    rows = collisions.assign(
        year=collisions["date"].str[:4], severity=collisions["collision_severity"].map(SEVERITY_NAMES)
    )
    table = rows.pivot_table(index="year", columns="severity", values="collision_index", aggfunc="count", fill_value=0)
    return table.reindex(columns=[c for c in ("Fatal", "Serious", "Slight") if c in table.columns]).reset_index()


def adjusted_ksi(casualties: pd.DataFrame, window: Window) -> float | None:
    """KSI on DfT's severity-adjusted basis (killed + probability of serious) where supplied."""
    rows = casualties[casualties["month"].isin(window.month_strings())]
    if rows.empty or rows["adjusted_serious"].isna().all():
        return None
    return float(
        (rows["casualty_severity"] == 1).sum()
        + rows["adjusted_serious"].fillna(0).where(rows["casualty_severity"] != 1, 0).sum()
    )
