"""Driving Efficiencies: revenue budget, capital programme and funding by line and year; revenue
outturn against budget and usable reserves where supplied.

Budgets are by financial year ("2021/22": April 2021 to March 2022). The year shown for a reporting
period is the latest supplied that has started by the period's last month (:func:`current_year`); a
year that ended before the reporting window began is out of date, never shown as current.
"""

from __future__ import annotations

import re

import pandas as pd

from pack.errors import DataError
from pack.figures import Figure, dated, unit
from pack.indicators import IndicatorRow, indicator_row, not_supplied
from pack.periods import Month, Window

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
GBP_M = unit("£m")


def year_window(year: str) -> Window:
    """The months of a financial year: ``2021/22`` -> April 2021 .. March 2022.

    >>> year_window("2021/22").label
    '12 months ending March 2022'
    """
    match = _YEAR.match(str(year))
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise DataError(f"financial year {year!r} is not written YYYY/YY (e.g. 2021/22)", column="year")
    start = int(match.group(1))
    return Window(Month(start, 4), Month(start + 1, 3))


def current_year(finance: pd.DataFrame, table: str, window: Window) -> str | None:
    """The latest financial year supplied for ``table`` that has started by ``window``'s last month
    (a budget for a later year is not yet the period's); ``None`` when there is none."""
    started = [y for y in years(finance, table) if year_window(y).start <= window.end]
    return started[-1] if started else None


def year_figure(value: float, year: str, window: Window) -> Figure:
    """A financial year's amount reported for ``window``: out of date when the year ended before
    ``window`` began."""
    return dated(
        value, year_window(year).last_day, window, GBP_M, label=year, start=year_window(year).first_day, stamp=year
    )


def freshness_note(year: str, window: Window) -> str:
    """``""``, or a sentence saying that ``year`` ended before ``window`` began."""
    if year_window(year).end >= window.start:
        return ""
    return (
        f"The latest budget supplied is for {year}, which ended before the {window.label} began: "
        f"it is out of date (as at {year}) and is shown for reference only."
    )


def budget_table(finance: pd.DataFrame, table: str, year: str) -> pd.DataFrame:
    """Lines of one table for one year with each line's share recomputed from the values."""
    rows = finance[(finance["table"] == table) & (finance["year"] == year)].sort_values("order")
    out = rows[["line", "value_gbp_m"]].reset_index(drop=True)
    total = out["value_gbp_m"].sum()
    out["share_pct"] = (out["value_gbp_m"] / total * 100).round(2)
    return out


def with_total(table: pd.DataFrame) -> pd.DataFrame:
    """Append a Total row (values summed, shares summed)."""
    total = {
        "line": "Total",
        "value_gbp_m": round(float(table["value_gbp_m"].sum()), 3),
        "share_pct": round(float(table["share_pct"].sum()), 2),
    }
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def years(finance: pd.DataFrame | None, table: str) -> list[str]:
    """Financial years supplied for a table, oldest first (none when no finance was supplied or published)."""
    if finance is None:
        return []
    return sorted(finance.loc[finance["table"] == table, "year"].unique())


def year_on_year(finance: pd.DataFrame, table: str, year: str) -> pd.DataFrame | None:
    """Each line in ``year`` and the year supplied before it, change in £m and %; ``None`` when no
    earlier year is supplied."""
    ys = [y for y in years(finance, table) if y <= year]
    if len(ys) < 2:
        return None
    a, b = ys[-2], ys[-1]
    rows = finance[finance["table"] == table].pivot_table(
        index="line", columns="year", values="value_gbp_m", aggfunc="sum"
    )
    out = rows[[a, b]].reset_index()
    out["change_gbp_m"] = (out[b] - out[a]).round(3)
    out["change_pct"] = (out["change_gbp_m"] / out[a] * 100).round(1)
    return out.sort_values(b, ascending=False).reset_index(drop=True)


def funding(finance: pd.DataFrame, year: str) -> pd.DataFrame:
    """Funding lines (net expenditure, grants, council tax) for one year."""
    rows = finance[(finance["table"] == "funding") & (finance["year"] == year)].sort_values("order")
    return rows[["line", "value_gbp_m"]].reset_index(drop=True)


def funding_balance(funding_lines: pd.DataFrame) -> tuple[float, float] | None:
    """``(net expenditure, grants + council tax)`` when both are supplied."""
    low = funding_lines["line"].str.lower()
    net = funding_lines.loc[low.str.startswith("net expenditure"), "value_gbp_m"]
    sources = funding_lines.loc[~low.str.startswith("net expenditure"), "value_gbp_m"]
    if net.empty or sources.empty:
        return None
    return float(net.iloc[0]), float(sources.sum())


def table_total(finance: pd.DataFrame, table: str, year: str) -> float:
    """Sum of a table's lines for one year (for funding: net expenditure only), to £1,000."""
    lines = finance[(finance["table"] == table) & (finance["year"] == year)]
    if table == "funding":
        lines = lines[lines["line"].str.lower().str.startswith("net expenditure")]
    return round(float(lines["value_gbp_m"].sum()), 3)


def finance_rows(finance: pd.DataFrame | None, source: str, current: Window) -> list[IndicatorRow]:
    """Totals of the revenue budget, capital programme and net expenditure for the current year
    (:func:`current_year`) against the year supplied before it; out of date when the current year
    ended before the reporting window began."""
    rows = []
    for ind, name, kind in (
        ("revenue_budget_total", "Revenue budget", "revenue"),
        ("capital_programme_total", "Capital programme", "capital"),
        ("net_expenditure", "Net expenditure", "funding"),
    ):
        if not years(finance, kind):
            rows.append(not_supplied(ind, name, f"the {kind} table in the finance input", "n/a", "£m"))
            continue
        year = current_year(finance, kind, current)
        if year is None:
            empty = Figure(None, GBP_M, current.label, current)
            note = f"no budget year supplied had started by {current.end.name}"
            rows.append(indicator_row(ind, name, Figure(None, GBP_M), empty, "n/a", source, note=note))
            continue
        earlier = [y for y in years(finance, kind) if y < year]
        prev = earlier[-1] if earlier else None
        baseline = (
            year_figure(table_total(finance, kind, prev), prev, year_window(prev)) if prev else Figure(None, GBP_M)
        )
        rows.append(
            indicator_row(
                ind,
                name,
                baseline,
                year_figure(table_total(finance, kind, year), year, current),
                "n/a",
                source,
                note="budget as set for the year; direction only" + ("" if prev else "; only one year supplied"),
            )
        )
    return [*rows, outturn_row(finance, source, current), reserves_row(finance, source, current)]


def _ended_years(finance: pd.DataFrame, table: str, window: Window) -> list[str]:
    """Years supplied for ``table`` that ended by ``window``'s last month (an outturn or a year-end
    balance is known only once its year is over), oldest first."""
    return [y for y in years(finance, table) if year_window(y).end <= window.end]


def outturn_variance(finance: pd.DataFrame, year: str) -> tuple[float, float, float]:
    """``(outturn, budget, outturn - budget)`` of the revenue account for ``year`` in £m, from the
    ``outturn`` and ``revenue`` tables; raises :class:`DataError` when the year has no budget."""
    if year not in years(finance, "revenue"):
        raise DataError(
            f"the finance input gives an outturn for {year} but no revenue budget for {year}: "
            "outturn is compared with the year's budget (table 'revenue')",
            column="table",
        )
    outturn, budget = table_total(finance, "outturn", year), table_total(finance, "revenue", year)
    return outturn, budget, round(outturn - budget, 3)


def variance_sentence(finance: pd.DataFrame, year: str) -> str:
    """``2022/23: outturn £111.1m against a budget of £110.0m, an overspend of £1.1m (1.0% of budget)``."""
    outturn, budget, diff = outturn_variance(finance, year)
    kind = "an overspend" if diff > 0 else "an underspend" if diff < 0 else "no variance"
    amount = f" of £{abs(diff):,.1f}m ({abs(diff) / budget * 100:.1f}% of budget)" if diff else ""
    return f"{year}: outturn £{outturn:,.1f}m against a budget of £{budget:,.1f}m, {kind}{amount}"


def outturn_row(finance: pd.DataFrame, source: str, current: Window) -> IndicatorRow:
    """Revenue outturn's distance from the year's budget, over or under, as % of budget: lower is
    better (an underspend is money not spent on the plan, not a gain; an overspend draws on reserves).
    The latest year ended by the period's end against the year before; direction only (an outturn is
    an account, not a sample). The note gives each year's outturn, budget and signed variance."""
    ind, name = "revenue_outturn_variance_pct", "Revenue outturn against budget: variance, over or under"
    ended = _ended_years(finance, "outturn", current)
    if not ended:
        return not_supplied(ind, name, "the outturn table in the finance input (years ended)", "lower", "%")
    pct = unit("%")

    def figure(year: str, window: Window) -> Figure:
        _, budget, diff = outturn_variance(finance, year)
        window_of = year_window(year)
        return dated(
            round(abs(diff) / budget * 100, 2), window_of.last_day, window, pct, year, window_of.first_day, year
        )

    year, prev = ended[-1], (ended[-2] if len(ended) > 1 else None)
    baseline = figure(prev, year_window(prev)) if prev else Figure(None, pct)
    notes = [variance_sentence(finance, y) for y in (year, prev) if y]
    note = "; ".join(notes) + "; variance of either sign as % of budget; direction only"
    _, budget, diff = outturn_variance(finance, year)
    kind = "an overspend" if diff > 0 else "an underspend" if diff < 0 else "no variance"
    benchmark = f"{kind}{f' of £{abs(diff):,.1f}m' if diff else ''} on a budget of £{budget:,.1f}m"
    return indicator_row(ind, name, baseline, figure(year, current), "lower", source, note=note, benchmark=benchmark)


def reserves_row(finance: pd.DataFrame, source: str, current: Window) -> IndicatorRow:
    """Usable reserves at the end of the latest year ended by the period's end, against the year
    before: no better direction (reserves are held against risk; both too little and too much are
    questions). The note gives them as a share of that year's revenue budget where it is supplied."""
    ind, name = "usable_reserves_gbp_m", "Usable reserves at the year's end"
    ended = _ended_years(finance, "reserves", current)
    if not ended:
        return not_supplied(ind, name, "the reserves table in the finance input (years ended)", "n/a", "£m")
    year, prev = ended[-1], (ended[-2] if len(ended) > 1 else None)
    baseline = (
        year_figure(table_total(finance, "reserves", prev), prev, year_window(prev)) if prev else Figure(None, GBP_M)
    )
    total = table_total(finance, "reserves", year)
    note = "balance at 31 March; direction only (neither direction is better)"
    if year in years(finance, "revenue"):
        share = total / table_total(finance, "revenue", year) * 100
        note = f"{share:.1f}% of the {year} revenue budget; {note}"
    return indicator_row(ind, name, baseline, year_figure(total, year, current), "n/a", source, note=note)
