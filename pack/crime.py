"""Crime and ASB from data.police.uk street data: groups, monthly series, breakdowns."""

from __future__ import annotations

import pandas as pd

from pack.indicators import IndicatorRow, count_indicator, not_supplied
from pack.measures import complete_monthly_series
from pack.periods import Window

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
STREET_SOURCE = "data.police.uk street-level crime and ASB"


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
    indicator_id: str, street_monthly: pd.DataFrame | None, covered: list[str], baseline: Window, current: Window
) -> IndicatorRow:
    """Indicator row for a crime group: counts in two equal windows, exact Poisson test."""
    name, types = CRIME_GROUPS[indicator_id]
    unit = "incidents" if indicator_id == "asb_incidents" else "crimes"
    if street_monthly is None:
        return not_supplied(indicator_id, name, "data.police.uk street files", "lower", unit)
    series = monthly_series(street_monthly, types, covered)
    return count_indicator(indicator_id, name, series, covered, baseline, current, "lower", STREET_SOURCE, unit)


def window_breakdown(
    street_monthly: pd.DataFrame, crime_types: tuple[str, ...], window: Window, by: str
) -> pd.DataFrame:
    """Counts in ``window`` by ``by`` (e.g. ``district``), largest first, with percentage share."""
    rows = street_monthly[
        street_monthly["crime_type"].isin(crime_types) & street_monthly["month"].isin(window.month_strings())
    ]
    table = rows.assign(**{by: rows[by].where(rows[by] != "", "(no location)")}).groupby(by, as_index=False)["n"].sum()
    table = table.sort_values(["n", by], ascending=[False, True]).reset_index(drop=True)
    table["share_pct"] = (table["n"] / table["n"].sum() * 100).round(1) if len(table) else []
    return table.rename(columns={"n": "records"})


def district_change(
    street_monthly: pd.DataFrame, crime_types: tuple[str, ...], baseline: Window, current: Window
) -> pd.DataFrame:
    """Counts by district in the baseline and current windows, with percentage change."""
    base = window_breakdown(street_monthly, crime_types, baseline, "district").set_index("district")["records"]
    cur = window_breakdown(street_monthly, crime_types, current, "district").set_index("district")["records"]
    table = pd.DataFrame({baseline.label: base, current.label: cur}).fillna(0).astype("int64")
    table["pct_change"] = (
        (table[current.label] - table[baseline.label]) / table[baseline.label].where(table[baseline.label] > 0) * 100
    ).round(1)
    return table.sort_values(current.label, ascending=False).rename_axis("district").reset_index()


def top_areas(street_monthly: pd.DataFrame, crime_types: tuple[str, ...], window: Window, n: int = 10) -> pd.DataFrame:
    """The ``n`` LSOAs with most records in ``window`` (name, district, records, share)."""
    rows = street_monthly[
        street_monthly["crime_type"].isin(crime_types)
        & street_monthly["month"].isin(window.month_strings())
        & (street_monthly["lsoa_code"] != "")
    ]
    table = rows.groupby(["lsoa_code", "lsoa_name", "district"], as_index=False)["n"].sum()
    total = float(
        street_monthly[
            street_monthly["crime_type"].isin(crime_types) & street_monthly["month"].isin(window.month_strings())
        ]["n"].sum()
    )
    table = table.sort_values(["n", "lsoa_code"], ascending=[False, True]).head(n).reset_index(drop=True)
    table["share_pct"] = (table["n"] / total * 100).round(2) if total else 0.0
    return table.rename(columns={"n": "records", "lsoa_code": "LSOA code", "lsoa_name": "LSOA name"})


def grid_for_window(grid: pd.DataFrame, crime_types: tuple[str, ...], window: Window) -> pd.DataFrame:
    """Located records per grid square in ``window`` for ``crime_types``."""
    rows = grid[grid["crime_type"].isin(crime_types) & grid["month"].isin(window.month_strings())]
    return rows.groupby(["lon", "lat"], as_index=False)["n"].sum()


def hotspot_series(street_monthly: pd.DataFrame, hotspots: pd.DataFrame, covered: list[str]) -> pd.Series:
    """Monthly ASB records in the hotspot LSOAs."""
    rows = street_monthly[street_monthly["lsoa_code"].isin(set(hotspots["lsoa_code"]))]
    return monthly_series(rows, ("Anti-social behaviour",), covered)


def hotspot_indicator(
    street_monthly: pd.DataFrame | None,
    hotspots: pd.DataFrame | None,
    covered: list[str],
    baseline: Window,
    current: Window,
) -> IndicatorRow:
    """ASB in the supplied hotspot LSOAs, window against window."""
    name = "ASB incidents in patrolled hotspot areas"
    if street_monthly is None or hotspots is None:
        needs = "an ASB hotspot list (lsoa_code, patrolled_from)" if hotspots is None else "data.police.uk street files"
        return not_supplied("hotspot_asb", name, needs, "lower", "incidents")
    return count_indicator(
        "hotspot_asb",
        name,
        hotspot_series(street_monthly, hotspots, covered),
        covered,
        baseline,
        current,
        "lower",
        STREET_SOURCE + " and hotspot list",
        "incidents",
    )
