"""Strong Local Policing: workforce against the Police Uplift target, call handling, stop and search.

Workforce figures are counts at a date (out of date when dated before their window); call figures
are monthly means over the months a line's figures cover; stop and search is a monthly count.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from pack.disclosure import SHARES_ATTR
from pack.figures import Breakdown, Coverage, Figure, Unit, covered_value, dated, unit, window_table
from pack.indicators import IndicatorRow, count_indicator, indicator_row, not_supplied, share_indicator
from pack.measures import complete_monthly_series, rate_per_1000, share
from pack.periods import Month, Window, missing_months

UPLIFT_BASELINE_DATE = "2019-09-30"  # the Police Uplift Programme counts from 30 September 2019
STOP_SEARCH = ("stop_search",)


def workforce_series(workforce: pd.DataFrame, role: str, measure: str) -> pd.DataFrame:
    """``date, value`` for one role and measure, oldest first."""
    rows = workforce[(workforce["role"] == role) & (workforce["measure"] == measure)]
    return rows[["date", "value"]].sort_values("date").reset_index(drop=True)


def latest_on_or_before(series: pd.DataFrame, date: str) -> tuple[str, float] | None:
    """The last ``(date, value)`` at or before ``date``."""
    rows = series[series["date"] <= date]
    return None if rows.empty else (rows.iloc[-1]["date"], float(rows.iloc[-1]["value"]))


def workforce_rows(workforce: pd.DataFrame | None, baseline: Window, current: Window) -> list[IndicatorRow]:
    """Officer headcount and FTE, PCSO FTE, special constables: the latest figure by the end of each
    window. A figure dated before its window began is out of date: never shown as current, never
    compared (a September 2019 headcount is not the figure for the 12 months ending March 2022)."""
    specs = [
        ("officer_headcount", "Police officers (headcount)", "officer", "headcount"),
        ("officer_fte", "Police officers (FTE)", "officer", "fte"),
        ("pcso_fte", "PCSOs (FTE)", "pcso", "fte"),
        ("special_headcount", "Special constables (headcount)", "special", "headcount"),
    ]
    rows = []
    for ind, name, role, measure in specs:
        units = unit("people" if measure == "headcount" else "FTE")
        series = None if workforce is None else workforce_series(workforce, role, measure)
        if series is None or series.empty:
            rows.append(not_supplied(ind, name, f"workforce rows for {role} {measure}", "higher", units.name))
            continue
        rows.append(
            indicator_row(
                ind,
                name,
                latest_figure(series, baseline, units),
                latest_figure(series, current, units),
                "higher",
                "police workforce",
                note="workforce figures are counts at a date: direction only",
            )
        )
    return rows


def latest_figure(series: pd.DataFrame, window: Window, units: Unit) -> Figure:
    """The latest ``(date, value)`` of ``series`` by the end of ``window``, as a dated figure (out of
    date when before ``window`` starts; no value when there is none)."""
    found = latest_on_or_before(series, window.last_day)
    if found is None:
        return Figure(None, units, window.label, window)
    return dated(found[1], found[0], window, units)


def uplift_progress(
    workforce: pd.DataFrame | None, target: float | None, until: str | None = None, base: str | None = None
) -> pd.DataFrame | None:
    """Officer headcount over time (dates up to ``until``, the reporting period's last day), the
    increase over the headcount at ``base`` (default 30 September 2019, the national Police Uplift's
    base; the column keeps its name ``increase_since_sep_2019``), and the target line."""
    if workforce is None:
        return None
    series = workforce_series(workforce, "officer", "headcount")
    if series.empty:
        series = workforce_series(workforce, "officer", "fte")
    if until is not None:
        series = series[series["date"] <= until].reset_index(drop=True)
    if series.empty:
        return None
    base = latest_on_or_before(series, base or UPLIFT_BASELINE_DATE)
    frame = series.rename(columns={"value": "officers"})
    frame["increase_since_sep_2019"] = frame["officers"] - base[1] if base else float("nan")
    frame["uplift_target_level"] = (base[1] + target) if (base and target is not None) else float("nan")
    return frame


def calls_monthly(calls: pd.DataFrame, line: str) -> pd.DataFrame:
    """Monthly rows for one line (999 or 101), with calls per day and mean answer time."""
    rows = calls[calls["line"] == line].sort_values("month").reset_index(drop=True)
    days = rows["month"].map(lambda m: Month.parse(m).days)
    rows["calls_per_day"] = rows["calls_received"] / days
    rows["mean_answer_minutes"] = rows["mean_answer_seconds"] / 60
    return rows


def call_coverage(calls: pd.DataFrame, line: str) -> Coverage:
    """Months the call figures cover for ``line`` (input ``calls``): a month with no row for the
    line is not covered, whatever the other line has."""
    return Coverage({"calls": tuple(calls.loc[calls["line"] == line, "month"])})


def mean_over_window(
    monthly: pd.DataFrame, column: str, window: Window, weight: str = "calls_answered"
) -> float | None:
    """Call-weighted mean of ``column`` over the window; ``None`` if any month is missing."""
    rows = monthly[monthly["month"].isin(window.month_strings())]
    if missing_months(window, rows["month"]):
        return None
    return float((rows[column] * rows[weight]).sum() / rows[weight].sum())


def call_value(monthly: pd.DataFrame, column: str, window: Window) -> float | None:
    """Calls per day over ``window`` (calls received / days), or the call-weighted mean of ``column``."""
    if column == "calls_per_day":
        inside = monthly[monthly["month"].isin(window.month_strings())]
        return float(inside["calls_received"].sum()) / window.days
    return mean_over_window(monthly, column, window, "calls_answered")


def call_rows(calls: pd.DataFrame | None, baseline: Window, current: Window) -> list[IndicatorRow]:
    """999 mean answer time (s), 101 mean wait (min) and calls per day, window against window, for
    windows the line's monthly figures cover."""
    specs = [
        ("answer_999_seconds", "999 mean answer time", "999", "mean_answer_seconds", "seconds", "lower"),
        ("wait_101_minutes", "101 mean wait", "101", "mean_answer_minutes", "minutes", "lower"),
        ("calls_999_per_day", "999 calls per day", "999", "calls_per_day", "calls per day", "n/a"),
        ("calls_101_per_day", "101 calls per day", "101", "calls_per_day", "calls per day", "n/a"),
    ]
    rows = []
    for ind, name, line, column, unit_name, better in specs:
        if calls is None or (calls["line"] == line).sum() == 0:
            rows.append(not_supplied(ind, name, f"monthly {line} call handling figures", better, unit_name))
            continue
        monthly, coverage = calls_monthly(calls, line), call_coverage(calls, line)
        figures = [
            covered_value(partial(call_value, monthly, column, w), w, coverage, ("calls",), unit(unit_name))
            for w in (baseline, current)
        ]
        note = (
            "calls received over the window's days; direction only"
            if column == "calls_per_day"
            else "mean weighted by calls answered; direction only (no test on means)"
        )
        rows.append(indicator_row(ind, name, *figures, better, "force call-handling figures", note=note))
    rows.append(standard_999_row(calls, baseline, current))
    return rows


STANDARD_999 = 90.0  # % of 999 calls to be answered within 10 seconds (the national standard)


def within_10s(monthly: pd.DataFrame, window: Window) -> float | None:
    """Share of the window's 999 calls answered within 10 seconds (%), weighted by calls answered;
    ``None`` when a month of the window has no row or no answer-time bands."""
    rows = monthly[monthly["month"].isin(window.month_strings())]
    if missing_months(window, rows["month"]) or rows["answered_under_10s_pct"].isna().any():
        return None
    return float((rows["answered_under_10s_pct"] * rows["calls_answered"]).sum() / rows["calls_answered"].sum())


def months_meeting_standard(monthly: pd.DataFrame, window: Window) -> tuple[int, int]:
    """``(months at or above the 90% standard, months with bands)`` in ``window``."""
    rows = monthly[monthly["month"].isin(window.month_strings())].dropna(subset=["answered_under_10s_pct"])
    return int((rows["answered_under_10s_pct"] >= STANDARD_999).sum()), len(rows)


def standard_999_row(calls: pd.DataFrame | None, baseline: Window, current: Window) -> IndicatorRow:
    """999 calls answered within 10 seconds against the 90% national standard: the share over each
    window (a performance measure, higher better; direction only, as the published bands are
    percentages, not counts), the note saying whether the window's share met the standard and in how
    many of its months. A window with a month lacking the bands (published from November 2021) has
    no figure."""
    ind, name = "answer_999_within_10s_pct", f"999 calls answered within 10 seconds (standard {STANDARD_999:.0f}%)"
    if calls is None or calls.loc[calls["line"] == "999", "answered_under_10s_pct"].isna().all():
        return not_supplied(ind, name, "monthly 999 answer-time bands", "higher", "%")
    monthly = calls_monthly(calls, "999")
    banded = Coverage({"calls": tuple(monthly.dropna(subset=["answered_under_10s_pct"])["month"])})
    figures = [
        covered_value(partial(within_10s, monthly, w), w, banded, ("calls",), unit("%")) for w in (baseline, current)
    ]
    met, months = months_meeting_standard(monthly, current)
    note = "share weighted by calls answered; direction only (the bands are published as percentages)"
    benchmark = ""
    if figures[1].value is not None:
        side = "meets" if figures[1].value >= STANDARD_999 else "below"
        benchmark = (
            f"{side} the {STANDARD_999:.0f}% standard; {met} of {months} month{'' if months == 1 else 's'} met it"
        )
        note = f"{benchmark}; {note}"
    return indicator_row(ind, name, *figures, "higher", "force call-handling figures", note=note, benchmark=benchmark)


def answer_bands(calls: pd.DataFrame, window: Window) -> Breakdown:
    """999 calls answered by time band in each month of ``window`` that has the bands (published
    on police.uk from November 2021); months after the window never appear."""
    rows = calls_monthly(calls, "999").dropna(subset=["answered_under_10s_pct"])
    rows = rows[rows["month"].isin(window.month_strings())]
    columns = ["month", "answered_under_10s_pct", "answered_10_to_60s_pct", "answered_over_60s_pct"]
    return Breakdown(rows[columns].reset_index(drop=True), (window,) if len(rows) else ())


def stop_search_monthly(stop_search: pd.DataFrame, covered: list[str]) -> pd.Series:
    """Searches per month over the covered months."""
    if not covered:
        return pd.Series(dtype="int64")
    counts = stop_search.groupby("month").size()
    return complete_monthly_series(counts, covered[0], covered[-1]).loc[lambda s: s.index.isin(covered)]


def stop_search_rows(
    stop_search: pd.DataFrame | None, coverage: Coverage, baseline: Window, current: Window
) -> list[IndicatorRow]:
    """Searches (a count with no better direction: direction only, the quasi-Poisson test's result in
    the note) and the share with an outcome linked to the object of search (percentage points,
    two-proportion test), for windows the stop-and-search files cover."""
    if stop_search is None:
        return [
            not_supplied("stop_searches", "Stop and search", "data.police.uk stop-and-search files", "n/a", "searches"),
            not_supplied(
                "stop_search_linked_outcome_pct",
                "Searches with an outcome linked to the object of search",
                "data.police.uk stop-and-search files",
                "higher",
                "%",
            ),
        ]
    series = stop_search_monthly(stop_search, coverage.covered(STOP_SEARCH))
    rows = [
        count_indicator(
            "stop_searches",
            "Stop and search",
            series,
            coverage,
            STOP_SEARCH,
            baseline,
            current,
            "n/a",
            "data.police.uk stop and search",
            "searches",
        )
    ]

    def inside(window: Window) -> pd.DataFrame:
        return stop_search[stop_search["month"].isin(window.month_strings())]

    def linked(window: Window) -> Figure:
        return covered_value(
            lambda: share(
                float((inside(window)["outcome_linked_to_object"] == "True").sum()), float(len(inside(window)))
            ),
            window,
            coverage,
            STOP_SEARCH,
            unit("%"),
            base=lambda: float(len(inside(window))),
        )

    rows.append(
        share_indicator(
            "stop_search_linked_outcome_pct",
            "Searches with an outcome linked to the object of search",
            linked(baseline),
            linked(current),
            "higher",
            "data.police.uk stop and search",
            note="share of all searches",
        )
    )
    return rows


def population_by_group(ethnicity_population: pd.DataFrame | None) -> dict[str, float] | None:
    """``{ethnic group: population}`` from the ``ethnicity_population`` input, if supplied."""
    if ethnicity_population is None:
        return None
    return {
        str(g): float(p)
        for g, p in zip(ethnicity_population["ethnic_group"], ethnicity_population["population"], strict=True)
    }


def stop_search_table(
    stop_search: pd.DataFrame, window: Window, by: str, coverage: Coverage, population: dict[str, float] | None = None
) -> Breakdown:
    """:func:`stop_search_breakdown` when the stop-and-search files cover ``window``."""
    return window_table(
        lambda w: stop_search_breakdown(stop_search, w, by, population),
        window,
        coverage,
        STOP_SEARCH,
        f"stop and search by {by.replace('_', ' ')}",
    )


def stop_search_breakdown(
    stop_search: pd.DataFrame, window: Window, by: str, population: dict[str, float] | None = None
) -> pd.DataFrame:
    """Searches in ``window`` by ``by`` (e.g. officer-defined ethnicity): count, share of all
    searches, share ending in arrest, share with an outcome linked to the object of search (the
    "find rate"), and searches per 1,000 residents of the group where ``population`` gives one.

    A blank value is reported as ``Not stated``; a group with no population has no rate (NaN).
    """
    rows = stop_search[stop_search["month"].isin(window.month_strings())]
    groups = rows.assign(group=rows[by].where(rows[by] != "", "Not stated"))
    table = groups.groupby("group").agg(
        searches=("month", "size"),
        arrests=("outcome", lambda s: int((s == "Arrest").sum())),
        linked=("outcome_linked_to_object", lambda s: int((s == "True").sum())),
    )
    table = table.sort_values(["searches"], ascending=False, kind="stable").reset_index().rename(columns={"group": by})
    table["share_pct"] = (table["searches"] / table["searches"].sum() * 100).round(1)
    table["arrest_pct"] = (table["arrests"] / table["searches"] * 100).round(1)
    table["linked_outcome_pct"] = (table["linked"] / table["searches"] * 100).round(1)
    if population:
        rates = [rate_per_1000(n, population.get(g, 0.0)) for g, n in zip(table[by], table["searches"], strict=True)]
        table["per_1000_population"] = [round(r, 2) if r is not None else float("nan") for r in rates]
    table = table.drop(columns=["arrests", "linked"])
    table.attrs[SHARES_ATTR] = {"arrest_pct": "searches", "linked_outcome_pct": "searches"}  # shares of searches
    return table
