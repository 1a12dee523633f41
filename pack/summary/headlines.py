"""The series behind each headline measure of the summary's first screen, for its sparkline.

Each series is computed by the same function the priority notebook uses for its trend or XmR chart
(``crime.monthly_series``, ``rural.rural_monthly``, ``roads.casualty_monthly``, ``policing.calls_monthly``,
``policing.workforce_series``), so the sparkline and the chart in the priority's section agree. Counts
and call times are monthly; workforce figures are counts at quarter ends (indexed by their month).
Management information has no regular series: no sparkline, and the tile says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pack import crime, policing, roads, rural
from pack.figures import Coverage
from pack.periods import Month

if TYPE_CHECKING:
    from pack.data import Dataset


@dataclass(frozen=True)
class Trend:
    """A headline measure's series: values indexed by month (``YYYY-MM``), oldest first."""

    values: pd.Series
    what: str  # what one point is, for the sparkline's text: "ASB incidents per month"
    monthly: bool  # False for counts at dates (quarter ends): no control chart


def _street(types: tuple[str, ...] | None, what: str) -> Callable[[Dataset], Trend | None]:
    def make(data: Dataset) -> Trend | None:
        street = data.table("street_monthly")
        if street is None:
            return None
        chosen = types or tuple(sorted(street["crime_type"].unique()))
        return Trend(crime.monthly_series(street, chosen, data.months("street")), what, True)

    return make


def _rural(types: tuple[str, ...] | None, what: str) -> Callable[[Dataset], Trend | None]:
    def make(data: Dataset) -> Trend | None:
        street, ruc = data.table("street_monthly"), data.table("rural_urban")
        if street is None or ruc is None:
            return None
        chosen = types or rural.crime_types(street)  # anti-social behaviour apart: rural crime is crime
        return Trend(rural.rural_monthly(street, ruc, chosen, data.months("street")), what, True)

    return make


def _casualties(severities: tuple[int, ...], what: str) -> Callable[[Dataset], Trend | None]:
    def make(data: Dataset) -> Trend | None:
        casualties = data.table("casualties")
        if casualties is None or casualties.empty:
            return None
        covered = Coverage.of(data, roads.STATS19).covered(roads.STATS19)
        return Trend(roads.casualty_monthly(casualties, covered, severities), what, True)

    return make


def _calls(line: str, column: str, what: str) -> Callable[[Dataset], Trend | None]:
    def make(data: Dataset) -> Trend | None:
        calls = data.table("calls")
        if calls is None:
            return None
        monthly = policing.calls_monthly(calls, line).dropna(subset=[column])
        return Trend(monthly.set_index("month")[column].rename(None), what, True)

    return make


def _workforce(role: str, measure: str, what: str) -> Callable[[Dataset], Trend | None]:
    def make(data: Dataset) -> Trend | None:
        workforce = data.table("workforce")
        if workforce is None:
            return None
        rows = policing.workforce_series(workforce, role, measure)
        values = pd.Series(rows["value"].to_numpy(), index=[str(d)[:7] for d in rows["date"]])
        return Trend(values[~values.index.duplicated(keep="last")], what, False)

    return make


SERIES: dict[str, Callable[[Dataset], Trend | None]] = {
    **{
        key: _street(types, f"{'incidents' if key == 'asb_incidents' else 'crimes'} per month")
        for key, (_, types) in crime.CRIME_GROUPS.items()
    },
    "rural_crime_records": _rural(None, "crimes per month in rural areas (anti-social behaviour apart)"),
    "rural_burglary": _rural(("Burglary",), "burglaries per month in rural areas"),
    "rural_vehicle_crime": _rural(("Vehicle crime",), "vehicle crimes per month in rural areas"),
    "ksi_casualties": _casualties((1, 2), "KSI casualties per month"),
    "killed_casualties": _casualties((1,), "people killed per month"),
    "seriously_injured_casualties": _casualties((2,), "seriously injured casualties per month"),
    "answer_999_seconds": _calls("999", "mean_answer_seconds", "mean 999 answer time in seconds, per month"),
    "answer_999_within_10s_pct": _calls(
        "999", "answered_under_10s_pct", "% of 999 calls answered within 10 seconds, per month"
    ),
    "wait_101_minutes": _calls("101", "mean_answer_minutes", "mean 101 wait in minutes, per month"),
    "officer_headcount": _workforce("officer", "headcount", "officers (headcount) at each date"),
    "officer_fte": _workforce("officer", "fte", "officers (FTE) at each date"),
}


def headline_trends(data: Dataset, indicator_ids: Iterable[str], last: Month | str) -> dict[str, Trend]:
    """The series of each headline measure that has one, up to the reporting period's last month
    ``last`` (later months, which the data may hold, are not the period's: they are left out)."""
    end = str(last)
    trends = {}
    for indicator_id in indicator_ids:
        make = SERIES.get(indicator_id)
        trend = make(data) if make else None
        if trend is not None:
            values = trend.values[[str(m) <= end for m in trend.values.index]]
            if len(values):
                trends[indicator_id] = Trend(values, trend.what, trend.monthly)
    return trends
