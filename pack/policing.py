"""Strong Local Policing: workforce against the Police Uplift target, call handling, stop and search."""

from __future__ import annotations

import pandas as pd

from pack.indicators import IndicatorRow, compare_values, count_indicator, not_supplied
from pack.measures import complete_monthly_series, rate_per_1000, share
from pack.periods import Month, Window, missing_months

UPLIFT_BASELINE_DATE = "2019-09-30"  # the Police Uplift Programme counts from 30 September 2019


def workforce_series(workforce: pd.DataFrame, role: str, measure: str) -> pd.DataFrame:
    """``date, value`` for one role and measure, oldest first."""
    rows = workforce[(workforce["role"] == role) & (workforce["measure"] == measure)]
    return rows[["date", "value"]].sort_values("date").reset_index(drop=True)


def latest_on_or_before(series: pd.DataFrame, date: str) -> tuple[str, float] | None:
    """The last ``(date, value)`` at or before ``date``."""
    rows = series[series["date"] <= date]
    return None if rows.empty else (rows.iloc[-1]["date"], float(rows.iloc[-1]["value"]))


def workforce_rows(workforce: pd.DataFrame | None, baseline: Window, current: Window) -> list[IndicatorRow]:
    """Officer headcount and FTE, PCSO FTE, special constables: latest against baseline."""
    specs = [
        ("officer_headcount", "Police officers (headcount)", "officer", "headcount"),
        ("officer_fte", "Police officers (FTE)", "officer", "fte"),
        ("pcso_fte", "PCSOs (FTE)", "pcso", "fte"),
        ("special_headcount", "Special constables (headcount)", "special", "headcount"),
    ]
    rows = []
    end_b = f"{baseline.end}-{baseline.end.days:02d}"
    end_c = f"{current.end}-{current.end.days:02d}"
    for ind, name, role, measure in specs:
        series = None if workforce is None else workforce_series(workforce, role, measure)
        if series is None or series.empty:
            rows.append(not_supplied(ind, name, f"workforce rows for {role} {measure}", "higher", "people"))
            continue
        cur = latest_on_or_before(series, end_c)
        base = latest_on_or_before(series, end_b)
        source = "police workforce"
        if cur is None:
            rows.append(
                compare_values(
                    ind, name, "", None, "", None, "higher", source, "people", note=f"no figure by {current.end.name}"
                )
            )
            continue
        stale = Month.parse(end_c[:7]).months_since(Month.parse(cur[0][:7]))
        note = f"latest figure is {stale} months before the period end" if stale > 6 else ""
        rows.append(
            compare_values(
                ind,
                name,
                f"at {base[0]}" if base else "",
                base[1] if base else None,
                f"at {cur[0]}",
                cur[1],
                "higher",
                source,
                "people",
                note=note or "workforce figures are counts at a date: direction only",
            )
        )
    return rows


def uplift_progress(workforce: pd.DataFrame | None, target: float | None) -> pd.DataFrame | None:
    """Officer headcount over time, the increase over 30 September 2019, and the target line."""
    if workforce is None:
        return None
    series = workforce_series(workforce, "officer", "headcount")
    if series.empty:
        series = workforce_series(workforce, "officer", "fte")
    if series.empty:
        return None
    base = latest_on_or_before(series, UPLIFT_BASELINE_DATE)
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


def mean_over_window(
    monthly: pd.DataFrame, column: str, window: Window, weight: str = "calls_answered"
) -> float | None:
    """Call-weighted mean of ``column`` over the window; ``None`` if any month is missing."""
    rows = monthly[monthly["month"].isin(window.month_strings())]
    if missing_months(window, rows["month"]):
        return None
    return float((rows[column] * rows[weight]).sum() / rows[weight].sum())


def call_rows(calls: pd.DataFrame | None, baseline: Window, current: Window) -> list[IndicatorRow]:
    """999 mean answer time (s), 101 mean wait (min) and calls per day, window against window."""
    specs = [
        ("answer_999_seconds", "999 mean answer time", "999", "mean_answer_seconds", "seconds", "lower"),
        ("wait_101_minutes", "101 mean wait", "101", "mean_answer_minutes", "minutes", "lower"),
        ("calls_999_per_day", "999 calls per day", "999", "calls_per_day", "calls", "n/a"),
        ("calls_101_per_day", "101 calls per day", "101", "calls_per_day", "calls", "n/a"),
    ]
    rows = []
    for ind, name, line, column, unit, better in specs:
        if calls is None or (calls["line"] == line).sum() == 0:
            rows.append(not_supplied(ind, name, f"monthly {line} call handling figures", better, unit))
            continue
        monthly = calls_monthly(calls, line)
        weight = "calls_answered" if column != "calls_per_day" else "calls_received"
        if column == "calls_per_day":
            cur = monthly[monthly["month"].isin(current.month_strings())]["calls_received"].sum() / current.days
            base = monthly[monthly["month"].isin(baseline.month_strings())]["calls_received"].sum() / baseline.days
            cur = None if missing_months(current, monthly["month"]) else float(cur)
            base = None if missing_months(baseline, monthly["month"]) else float(base)
        else:
            cur = mean_over_window(monthly, column, current, weight)
            base = mean_over_window(monthly, column, baseline, weight)
        note = "" if base is not None else f"baseline {baseline.label} not covered by the call figures"
        rows.append(
            compare_values(
                ind,
                name,
                baseline.label,
                base,
                current.label,
                cur,
                better,
                "force call-handling figures",
                unit,
                note=note or "mean weighted by calls; direction only (no test on means)",
            )
        )
    return rows


def stop_search_monthly(stop_search: pd.DataFrame, covered: list[str]) -> pd.Series:
    """Searches per month over the covered months."""
    counts = stop_search.groupby("month").size()
    return complete_monthly_series(counts, covered[0], covered[-1]).loc[lambda s: s.index.isin(covered)]


def stop_search_rows(
    stop_search: pd.DataFrame | None, covered: list[str], baseline: Window, current: Window
) -> list[IndicatorRow]:
    """Searches (count, exact test) and the share with an outcome linked to the object of search."""
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
    series = stop_search_monthly(stop_search, covered)
    rows = [
        count_indicator(
            "stop_searches",
            "Stop and search",
            series,
            covered,
            baseline,
            current,
            "n/a",
            "data.police.uk stop and search",
            "searches",
        )
    ]

    def linked(window: Window) -> float | None:
        if missing_months(window, covered):
            return None
        rows_w = stop_search[stop_search["month"].isin(window.month_strings())]
        return share(float((rows_w["outcome_linked_to_object"] == "True").sum()), float(len(rows_w)))

    rows.append(
        compare_values(
            "stop_search_linked_outcome_pct",
            "Searches with an outcome linked to the object of search",
            baseline.label,
            linked(baseline),
            current.label,
            linked(current),
            "higher",
            "data.police.uk stop and search",
            "%",
            note="share of all searches; direction only",
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
    return table.drop(columns=["arrests", "linked"])
