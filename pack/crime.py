"""Crime and ASB from data.police.uk street data: groups, monthly series, breakdowns.

Every total here is over a window the street files cover (:mod:`pack.figures`). Districts are those
of the force area (:func:`force_districts`); records that data.police.uk snapped to LSOAs of
neighbouring districts are one row, ``Outside the force area``, and records with no location another.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pack.figures import Breakdown, Coverage, covered_windows, window_table
from pack.indicators import IndicatorRow, count_indicator, not_supplied
from pack.measures import complete_monthly_series
from pack.periods import Window
from pack.units import SMALL_BASE

# Home Office groupings used in the plan (police.uk categories).
CRIME_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "asb_incidents": ("Anti-social behaviour incidents", ("Anti-social behaviour",)),
    "burglary": ("Burglary", ("Burglary",)),
    "serious_acquisitive_crime": (
        "Serious acquisitive crime (burglary, robbery, vehicle crime)",
        ("Burglary", "Robbery", "Vehicle crime"),
    ),
    "neighbourhood_crime": (
        "Neighbourhood crime (burglary, robbery, vehicle crime, theft from the person)",
        ("Burglary", "Robbery", "Vehicle crime", "Theft from the person"),
    ),
    "violence_sexual_offences": ("Violence and sexual offences", ("Violence and sexual offences",)),
    "vehicle_crime": ("Vehicle crime", ("Vehicle crime",)),
    "robbery": ("Robbery", ("Robbery",)),
    "possession_of_weapons": ("Possession of weapons offences", ("Possession of weapons",)),
    "drugs": ("Drug offences", ("Drugs",)),
}
# Groups recorded mostly when the police find them (a search, a proactive operation): more of them
# usually means more police activity, not more harm, so neither direction is better (INDICATORS.md).
ACTIVITY_DRIVEN = {
    "possession_of_weapons": "recorded mostly when searches find weapons: a rise is police activity as much as harm",
    "drugs": "recorded mostly when the police find drugs, possession and supply together: activity as much as harm",
}
STREET_SOURCE = "data.police.uk street-level crime and ASB"
# The short names some groups' chart and table files have always had (``asb-trend``, ``vso-districts``)
CHART_NAMES = {"asb_incidents": "asb", "violence_sexual_offences": "vso"}
STREET = ("street",)
FORCE_DISTRICT_SHARE = 0.01  # a district is in the force area when it holds >= 1% of records
OUTSIDE = "Outside the force area"
NO_LOCATION = "No location"


def monthly_series(street_monthly: pd.DataFrame, crime_types: tuple[str, ...], covered: list[str]) -> pd.Series:
    """Records per month for ``crime_types`` over every covered month (0 where none).

    >>> f = pd.DataFrame({"month": ["2024-01", "2024-01"], "crime_type": ["Burglary", "Robbery"], "n": [3, 2]})
    >>> monthly_series(f, ("Burglary",), ["2023-12", "2024-01"]).tolist()
    [0, 3]
    """
    if not covered:
        return pd.Series(dtype="int64")
    rows = street_monthly[street_monthly["crime_type"].isin(crime_types)]
    counts = rows.groupby("month")["n"].sum()
    return complete_monthly_series(counts, covered[0], covered[-1]).loc[lambda s: s.index.isin(covered)]


def group_indicator(
    indicator_id: str, street_monthly: pd.DataFrame | None, coverage: Coverage, baseline: Window, current: Window
) -> IndicatorRow:
    """Indicator row for a crime group: counts in two equal windows, quasi-Poisson test
    (:func:`pack.indicators.count_indicator`). Crime is better lower, except the groups the police
    mostly find themselves (:data:`ACTIVITY_DRIVEN`), which have no better direction: the direction,
    with the test in the note, never ``worse``."""
    name, types = CRIME_GROUPS[indicator_id]
    unit = "incidents" if indicator_id == "asb_incidents" else "crimes"
    better = "n/a" if indicator_id in ACTIVITY_DRIVEN else "lower"
    if street_monthly is None:
        return not_supplied(indicator_id, name, "data.police.uk street files", better, unit)
    series = monthly_series(street_monthly, types, coverage.covered(STREET))
    row = count_indicator(indicator_id, name, series, coverage, STREET, baseline, current, better, STREET_SOURCE, unit)
    if indicator_id in ACTIVITY_DRIVEN:
        row = replace(row, note="; ".join(p for p in (ACTIVITY_DRIVEN[indicator_id], row.note) if p))
    return row


def force_districts(street_monthly: pd.DataFrame) -> list[str]:
    """Districts that make up the force area: those holding at least 1% of its street records
    (a few records snap to LSOAs of neighbouring districts; those are not part of the area).

    >>> f = pd.DataFrame({"district": ["Derby", "Erewash", "Sheffield", ""], "n": [600, 400, 5, 9]})
    >>> force_districts(f)
    ['Derby', 'Erewash']
    """
    by = street_monthly[street_monthly["district"] != ""].groupby("district")["n"].sum()
    return sorted(by[by / by.sum() >= FORCE_DISTRICT_SHARE].index)


def area_of(district: pd.Series, districts: list[str]) -> pd.Series:
    """Each record's district within the force area, else ``Outside the force area`` (or ``No
    location`` for a record with none)."""
    area = district.where(district.isin(districts), OUTSIDE)
    return area.where(district != "", NO_LOCATION)


def _records(street_monthly: pd.DataFrame, crime_types: tuple[str, ...], window: Window) -> pd.DataFrame:
    return street_monthly[
        street_monthly["crime_type"].isin(crime_types) & street_monthly["month"].isin(window.month_strings())
    ]


def district_counts(
    street_monthly: pd.DataFrame, crime_types: tuple[str, ...], window: Window, districts: list[str]
) -> pd.Series:
    """Records of ``crime_types`` in ``window`` by district of the force area, then one row for
    records outside it and one for records with no location."""
    rows = _records(street_monthly, crime_types, window)
    counts = rows.groupby(area_of(rows["district"], districts))["n"].sum()
    return counts.reindex([*districts, OUTSIDE, NO_LOCATION], fill_value=0).astype("int64")


def district_change(
    street_monthly: pd.DataFrame | None,
    crime_types: tuple[str, ...],
    baseline: Window,
    current: Window,
    coverage: Coverage,
    what: str = "district figures",
) -> Breakdown:
    """Counts by district in each window the street files cover (a column per window, named by its
    label), with percentage change when both are covered and the baseline count is 20 or more.
    The force area's districts come first (most records first), then ``Outside the force area`` and
    ``No location`` (rows with no records left out). A window not covered has no column: the
    breakdown says so instead.
    """
    windows, left_out = covered_windows([baseline, current], coverage, STREET, what)
    if street_monthly is None or not windows:  # no street files, or neither window covered: sentences only
        return Breakdown(pd.DataFrame(), windows, left_out)
    districts = force_districts(street_monthly)
    table = pd.DataFrame({w.label: district_counts(street_monthly, crime_types, w, districts) for w in windows})
    table.index.name = "district"
    if len(windows) == 2:
        base, cur = table[baseline.label], table[current.label]
        table["pct_change"] = ((cur - base) / base.where(base >= SMALL_BASE) * 100).round(1)
    if windows:
        last = windows[-1].label
        inside = table.loc[districts].sort_values(last, ascending=False, kind="stable")
        table = pd.concat([inside, table.loc[[OUTSIDE, NO_LOCATION]]])
        table = table[table[[w.label for w in windows]].sum(axis=1) > 0]
    return Breakdown(table.reset_index(), windows, left_out)


def top_areas(
    street_monthly: pd.DataFrame, crime_types: tuple[str, ...], window: Window, coverage: Coverage, n: int = 10
) -> Breakdown:
    """The ``n`` LSOAs of the force area with most records in ``window`` (name, district, records,
    share of all the window's records), when the street files cover it."""

    def build(window: Window) -> pd.DataFrame:
        rows = _records(street_monthly, crime_types, window)
        total = float(rows["n"].sum())
        inside = rows[rows["district"].isin(force_districts(street_monthly)) & (rows["lsoa_code"] != "")]
        table = inside.groupby(["lsoa_code", "lsoa_name", "district"], as_index=False)["n"].sum()
        table = table.sort_values(["n", "lsoa_code"], ascending=[False, True]).head(n).reset_index(drop=True)
        table["share_pct"] = (table["n"] / total * 100).round(2) if total else 0.0
        return table.rename(columns={"n": "records", "lsoa_code": "LSOA code", "lsoa_name": "LSOA name"})

    return window_table(build, window, coverage, STREET, "area figures")


def grid_for_window(grid: pd.DataFrame, crime_types: tuple[str, ...], window: Window, coverage: Coverage) -> Breakdown:
    """Located records per grid square in ``window`` for ``crime_types``, when covered."""

    def build(window: Window) -> pd.DataFrame:
        rows = grid[grid["crime_type"].isin(crime_types) & grid["month"].isin(window.month_strings())]
        return rows.groupby(["lon", "lat"], as_index=False)["n"].sum()

    return window_table(build, window, coverage, STREET, "map")


def hotspot_series(street_monthly: pd.DataFrame, hotspots: pd.DataFrame, covered: list[str]) -> pd.Series:
    """Monthly ASB records in the hotspot LSOAs."""
    rows = street_monthly[street_monthly["lsoa_code"].isin(set(hotspots["lsoa_code"]))]
    return monthly_series(rows, ("Anti-social behaviour",), covered)


def chart_name(group_id: str) -> str:
    """The name a crime group's charts and tables are written under (``figures/<stem>-<name>-trend.png``).

    >>> chart_name("asb_incidents"), chart_name("serious_acquisitive_crime")
    ('asb', 'serious-acquisitive-crime')
    """
    return CHART_NAMES.get(group_id, group_id.replace("_", "-"))
