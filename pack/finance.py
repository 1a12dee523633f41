"""Driving Efficiencies: revenue budget, capital programme and funding by line and year."""

from __future__ import annotations

import pandas as pd


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


def years(finance: pd.DataFrame, table: str) -> list[str]:
    """Financial years supplied for a table, oldest first."""
    return sorted(finance.loc[finance["table"] == table, "year"].unique())


def year_on_year(finance: pd.DataFrame, table: str) -> pd.DataFrame | None:
    """Each line in the last two years supplied, change in £m and %; ``None`` with one year."""
    ys = years(finance, table)
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


def finance_rows(finance: pd.DataFrame, source: str) -> list:
    """Totals of the revenue budget, capital programme and net expenditure, latest year against
    the year before where supplied."""
    from pack.indicators import compare_values

    rows = []
    for ind, name, kind in (
        ("revenue_budget_total", "Revenue budget", "revenue"),
        ("capital_programme_total", "Capital programme", "capital"),
        ("net_expenditure", "Net expenditure", "funding"),
    ):
        ys = years(finance, kind)
        if not ys:
            rows.append(
                compare_values(ind, name, "", None, "", None, "n/a", source, "£m", note="not in the finance input")
            )
            continue

        prev = ys[-2] if len(ys) > 1 else None
        rows.append(
            compare_values(
                ind,
                name,
                prev or "",
                table_total(finance, kind, prev) if prev else None,
                ys[-1],
                table_total(finance, kind, ys[-1]),
                "n/a",
                source,
                "£m",
                note="" if prev else "only one year supplied",
            )
        )
    return rows
