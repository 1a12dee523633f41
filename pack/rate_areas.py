"""Rates per 1,000 residents whose records and residents cover the same districts.

A district of the force area that the district to police force area lookup does not name (a lookup
of another year, a row deleted) has its residents in no force's population
(:attr:`pack.populations.AreaPopulations.unmatched`). Its records must then leave the numerator
too, or every rate of the force is too high. Records of crime groups carry their district, so they
are taken out window by window; counts that cannot be placed by district (stop searches, road
casualties) get no rate rather than one over the wrong area. A note says which districts were left
out, with their residents and records.

A district counts as the force's when it holds at least 1% of its street records
(:func:`pack.crime.force_districts`); records snapped to LSOAs just over the boundary stay in the
force's counts, as in every rate of the pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from pack.crime import CRIME_GROUPS, force_districts
from pack.periods import Window
from pack.populations import indicator_rates
from pack.reference import force_key

RATES = ("baseline_rate_per_1000", "current_rate_per_1000")


class SameAreaRates(NamedTuple):
    """The rates of :func:`pack.populations.indicator_rates` over the districts in the population,
    with ``baseline_left_out`` / ``current_left_out`` (records taken out) and notes saying so
    (a pair: ``rates, notes = same_area_rates(...)``)."""

    table: pd.DataFrame
    notes: tuple[str, ...]


def left_out_districts(street_monthly: pd.DataFrame | None, unmatched: pd.DataFrame | None) -> pd.DataFrame:
    """The force area's districts (by its street records) that are in no force's population.

    >>> street = pd.DataFrame({"district": ["Derby", "Erewash", "Sheffield"], "n": [600, 400, 5]})
    >>> unmatched = pd.DataFrame({"district": ["Erewash", "Sheffield"], "lsoas": [70, 300], "population": [1e5, 5e5]})
    >>> left_out_districts(street, unmatched)["district"].tolist()
    ['Erewash']
    """
    if street_monthly is None or unmatched is None or unmatched.empty:
        return pd.DataFrame(columns=["district", "lsoas", "population"])
    own = set(force_districts(street_monthly))
    return unmatched[unmatched["district"].isin(own)].reset_index(drop=True)


def _left_out_records(street: pd.DataFrame, indicator_id: str, label: str, windows: dict[str, Window]) -> int | None:
    """Records of the indicator's crime group in the left-out districts over the window labelled
    ``label`` (``street`` already holds only those districts); ``None`` when that window is not known."""
    if label not in windows:
        return None
    types = CRIME_GROUPS[indicator_id][1]
    rows = street[street["crime_type"].isin(types) & street["month"].isin(windows[label].month_strings())]
    return int(rows["n"].sum())


def _placed(indicators: pd.DataFrame, street: pd.DataFrame, windows: dict[str, Window]) -> tuple[pd.DataFrame, set]:
    """The indicator table with crime groups' counts less their records in ``street`` (the left-out
    districts' rows), and the (row, window) pairs whose rate cannot be given."""
    table = indicators.reset_index(drop=True).copy()
    withheld: set[tuple[int, str]] = set()
    for side in ("baseline", "current"):
        left = []
        for i, row in table.iterrows():
            out = None
            if pd.isna(row[f"{side}_value"]):  # no count in this window: no rate, nothing to take out
                left.append(None)
                continue
            if row["indicator_id"] in CRIME_GROUPS:
                out = _left_out_records(street, row["indicator_id"], row[f"{side}_label"], windows)
            if out is None:
                withheld.add((int(i), side))
            left.append(out)
        table[f"{side}_left_out"] = pd.array(left, dtype="Int64")
        table[f"{side}_value"] = table[f"{side}_value"] - table[f"{side}_left_out"].astype("float64").fillna(0)
    return table, withheld


def same_area_rates(
    indicators: pd.DataFrame,
    population: float | None,
    street_monthly: pd.DataFrame | None,
    unmatched: pd.DataFrame | None,
    windows: Iterable[Window],
) -> SameAreaRates:
    """:func:`pack.populations.indicator_rates` with the records of the force's districts that are in
    no population (``unmatched``: :attr:`AreaPopulations.unmatched`) taken out of each count, over the
    ``windows`` the indicator rows are labelled with (see the module)."""
    left_out = left_out_districts(street_monthly, unmatched)
    if left_out.empty or street_monthly is None:
        return SameAreaRates(indicator_rates(indicators, population), ())
    street = street_monthly[street_monthly["district"].isin(set(left_out["district"]))]
    by_label = {w.label: w for w in windows}
    table, withheld = _placed(indicators, street, by_label)
    rates = indicator_rates(table, population)
    kept = table.loc[table["indicator_id"].isin(set(rates["indicator_id"]))].reset_index()
    for side in ("baseline", "current"):
        rates[f"{side}_left_out"] = kept[f"{side}_left_out"]
        for j, i in enumerate(kept["index"]):
            if (int(i), side) in withheld:
                rates.loc[j, f"{side}_rate_per_1000"] = float("nan")
    if not population:
        return SameAreaRates(rates, ())
    return SameAreaRates(rates, tuple(_notes(left_out, rates)))


def _notes(left_out: pd.DataFrame, rates: pd.DataFrame) -> list[str]:
    """Which districts were left out of the rates, with their residents and records, and which rates
    could not be given."""
    names = ", ".join(
        f"{d} ({p:,.0f} residents)" for d, p in zip(left_out["district"], left_out["population"], strict=True)
    )
    notes = [
        f"Not in the district to police force area lookup, so in no force's population: {names}. Their "
        "records are left out of the rates per 1,000 residents as well, so that records and residents "
        "cover the same districts; the counts beside the rates are those of the other districts."
    ]
    for r in rates.itertuples(index=False):
        if pd.isna(r.current_left_out):
            notes.append(f"{r.indicator}: no rate per 1,000 residents, as its records cannot be placed by district.")
            continue
        parts = [f"{int(r.current_left_out):,} records in the {r.current_label}"]
        if pd.notna(r.baseline_left_out):
            parts.append(f"{int(r.baseline_left_out):,} in the {r.baseline_label}")
        notes.append(f"{r.indicator}: " + " and ".join(parts) + " left out of the rate.")
    return notes


def placed_force_monthly(
    force_monthly: pd.DataFrame, street_monthly: pd.DataFrame | None, unmatched: pd.DataFrame | None, force: str
) -> pd.DataFrame:
    """Every force's counts by month and crime type (``force_monthly``) with ``force``'s records in its
    districts that are in no population (:func:`left_out_districts`) taken out, so that its rate in
    the national comparison covers the same districts as its residents. Other forces' counts carry no
    district and are kept as they are.

    >>> fm = pd.DataFrame({"falls_within": ["Derbyshire Constabulary", "Kent Police"], "month": ["2024-01"] * 2,
    ...                    "crime_type": ["Burglary"] * 2, "n": [100, 80], "source_file": ["a", "b"]})
    >>> street = pd.DataFrame({"month": ["2024-01"] * 2, "district": ["Derby", "Erewash"],
    ...                        "crime_type": ["Burglary"] * 2, "n": [70, 30]})
    >>> unmatched = pd.DataFrame({"district": ["Erewash"], "lsoas": [70], "population": [1e5]})
    >>> placed_force_monthly(fm, street, unmatched, "Derbyshire Constabulary")["n"].tolist()
    [70, 80]
    """
    left_out = left_out_districts(street_monthly, unmatched)
    if left_out.empty or street_monthly is None:
        return force_monthly
    rows = street_monthly[street_monthly["district"].isin(set(left_out["district"]))]
    out_by = rows.groupby(["month", "crime_type"])["n"].sum()
    table = force_monthly.copy()
    mine = table["falls_within"].map(force_key) == force_key(force)
    keys = pd.MultiIndex.from_frame(table.loc[mine, ["month", "crime_type"]])
    taken = out_by.reindex(keys, fill_value=0).to_numpy()
    table.loc[mine, "n"] = (table.loc[mine, "n"].to_numpy() - taken).clip(min=0)
    return table
