"""Demonstration force and PCC tables: 999/101 call handling, workforce, and the plan's published tables."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from pack.catalogue import MI_CATALOGUE
from pack.config import PUBLISHED_DIR
from pack.data.demo.common import LAST, write_csv
from pack.periods import Month, month_range


def calls(out: Path, rng: np.random.Generator, targets: dict[str, float]) -> None:
    months = month_range(Month(2020, 4), LAST)
    rows = []
    t_end = len(months) - 1
    i_2022 = [str(m) for m in months].index("2022-01")
    i_2023 = [str(m) for m in months].index("2023-01")
    now_999 = targets["answer_999_seconds_now"]
    now_101 = targets["wait_101_minutes_now"] * 60
    before_101 = now_101 - targets["wait_101_change_minutes"] * 60
    for i, m in enumerate(months):
        # 999: flat near 1.8 times today's figure until January 2022, then halving to today's
        if i <= i_2022:
            s999 = 1.8 * now_999 * (1 + 0.03 * math.sin(i))
        else:
            s999 = 1.8 * now_999 - 0.8 * now_999 * (i - i_2022) / (t_end - i_2022)
        # 101: rising to a peak in January 2023, then falling by seven minutes to under three
        if i <= i_2023:
            s101 = 300 + (before_101 - 300) * i / i_2023
        else:
            s101 = before_101 - (before_101 - now_101) * (i - i_2023) / (t_end - i_2023)
        for line, per_day, seconds in (
            ("999", targets["calls_999_per_day_2021"], s999),
            ("101", targets["calls_101_per_day_2021"], s101),
        ):
            received = int(rng.poisson(per_day * m.days))
            answered = int(received * (0.995 if line == "999" else 0.88))
            row = {
                "month": str(m),
                "line": line,
                "calls_received": received,
                "calls_answered": answered,
                "mean_answer_seconds": round(seconds * (1 + rng.normal(0, 0.02)), 1),
            }
            if line == "999" and m >= Month(2021, 11):
                under10 = min(97.0, 70 + 25 * (i - i_2022) / (t_end - i_2022)) if i > i_2022 else 70.0
                row["answered_under_10s_pct"] = round(under10, 1)
                row["answered_10_to_60s_pct"] = round((100 - under10) * 0.85, 1)
                row["answered_over_60s_pct"] = round(100 - under10 - round((100 - under10) * 0.85, 1), 1)
            rows.append(row)
    write_csv(pd.DataFrame(rows), out / "force" / "calls.csv")


def workforce(out: Path, rng: np.random.Generator, targets: dict[str, float]) -> None:
    quarters = [m for m in month_range(Month(2019, 3), Month(2023, 12)) if m.month in (3, 6, 9, 12)]
    base = 1785
    recruited = targets["officers_recruited"]
    rows = []
    for q in quarters:
        progress = min(1.0, max(0.0, q.months_since(Month(2019, 9)) / Month(2023, 3).months_since(Month(2019, 9))))
        officers = base + round(recruited * progress) if q >= Month(2019, 9) else base - 10
        if q > Month(2023, 3):
            officers = base + int(recruited) - 4 * q.months_since(Month(2023, 3)) // 3
        date = f"{q}-{q.days:02d}"
        for role, head, fte_share in (
            ("officer", officers, 0.975),
            ("pcso", 165 + int(rng.integers(-4, 5)), 0.93),
            ("staff", 1720 + int(rng.integers(-15, 16)), 0.88),
            ("special", 190 + int(rng.integers(-10, 11)), 1.0),
        ):
            rows.append({"date": date, "role": role, "measure": "headcount", "value": head})
            if role != "special":
                rows.append({"date": date, "role": role, "measure": "fte", "value": round(head * fte_share, 1)})
    write_csv(pd.DataFrame(rows), out / "force" / "workforce.csv")


# Budget growth on the previous year assumed for the plan's later years (the plan publishes 2021/22 only).
BUDGET_GROWTH = {
    "2022/23": {"revenue": 0.049, "capital": -0.12, "funding": 0.049},
    "2023/24": {"revenue": 0.071, "capital": 0.08, "funding": 0.071},
}
ASSUMED = "demonstration assumption (not published)"
PLAN_YEAR_ENDS = ("2022-03-31", "2023-03-31")  # the plan's year ends between its start and the default period


def plan_year_finance(published: pd.DataFrame) -> pd.DataFrame:
    """The plan's 2021/22 budget tables, then each later plan year's, grown by :data:`BUDGET_GROWTH`."""
    years = [published]
    previous = published
    for year, growth in BUDGET_GROWTH.items():
        grown = previous.assign(
            year=year,
            value_gbp_m=(previous["value_gbp_m"] * (1 + previous["table"].map(growth))).round(3),
            source=f"{ASSUMED}: {year} lines grown from the year before",
        )
        years.append(grown)
        previous = grown
    budgets = pd.concat(years, ignore_index=True)
    return pd.concat([budgets, *year_end_accounts(budgets)], ignore_index=True)


# Outturn against budget and usable reserves at 31 March assumed for the plan years that have ended
# (the plan publishes budgets only): an underspend in one year and an overspend in the next, so the
# demonstration pack shows a variance of either sign.
OUTTURN_VARIANCE = {"2021/22": -0.012, "2022/23": 0.004}
RESERVES = {
    "2021/22": (("General reserve", 9.5), ("Earmarked reserves", 31.2)),
    "2022/23": (("General reserve", 9.8), ("Earmarked reserves", 26.4)),
}


def year_end_accounts(budgets: pd.DataFrame) -> list[pd.DataFrame]:
    """Revenue outturn by line (each year's budget lines moved by :data:`OUTTURN_VARIANCE`) and
    usable reserves (:data:`RESERVES`), marked as demonstration assumptions."""
    frames = []
    for year, variance in OUTTURN_VARIANCE.items():
        lines = budgets[(budgets["table"] == "revenue") & (budgets["year"] == year)]
        frames.append(
            lines.assign(
                table="outturn",
                value_gbp_m=(lines["value_gbp_m"] * (1 + variance)).round(3),
                source=f"{ASSUMED}: {year} outturn, budget lines moved by {variance:+.1%}",
            )
        )
    for year, lines in RESERVES.items():
        frames.append(
            pd.DataFrame(
                [
                    {"year": year, "table": "reserves", "line": line, "value_gbp_m": value, "source": ASSUMED}
                    for line, value in lines
                ]
            )
        )
    return frames


def _interpolated(first: pd.Series, last: pd.Series, at: pd.Timestamp, decimals: int) -> float:
    t0, t1 = pd.Timestamp(first["period_end"]), pd.Timestamp(last["period_end"])
    share = (at - t0) / (t1 - t0)
    return round(float(first["value"]) + share * (float(last["value"]) - float(first["value"])), decimals)


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


def plan_year_mi(published: pd.DataFrame) -> pd.DataFrame:
    """The published management information, with a value for each plan year in between: levels at
    each year end (31 March) between their first and last published figures, and financial-year
    amounts for the years between, interpolated in time and marked as demonstration assumptions."""
    rows = []
    for indicator, group in published.groupby("indicator_id", sort=True):
        meta = MI_CATALOGUE.get(indicator)
        if meta is None or meta.kind != "level" or len(group) < 2:
            continue
        group = group.sort_values("period_end")
        first, last = group.iloc[0], group.iloc[-1]
        decimals = max(_decimals(v) for v in group["value"])
        financial_years = all(str(r["period_start"]).endswith("-04-01") for _, r in group.iterrows())
        for end in PLAN_YEAR_ENDS:
            at = pd.Timestamp(end)
            if not pd.Timestamp(first["period_end"]) < at < pd.Timestamp(last["period_end"]):
                continue
            if (pd.to_datetime(group["period_end"]) - at).abs().min() < pd.Timedelta(days=183):
                continue  # a published figure within half a year already
            start = f"{at.year - 1}-04-01" if financial_years else end
            value = f"{_interpolated(first, last, at, decimals):.{decimals}f}"
            note = "interpolated between the published figures"
            rows.append([indicator, start, end, value, first["unit"], ASSUMED, note])
    extra = pd.DataFrame(rows, columns=published.columns)
    return pd.concat([published, extra], ignore_index=True).sort_values(["indicator_id", "period_end"], kind="stable")


def copy_published(out: Path) -> None:
    """The PCC tables: budgets and MI for each plan year (published figures first), the consultation."""
    (out / "pcc").mkdir(parents=True, exist_ok=True)
    finance = pd.read_csv(PUBLISHED_DIR / "finance.csv").drop(columns=["printed_pct"])
    write_csv(plan_year_finance(finance), out / "pcc" / "finance.csv")
    shutil.copyfile(PUBLISHED_DIR / "consultation.csv", out / "pcc" / "consultation.csv")
    mi = pd.read_csv(PUBLISHED_DIR / "mi_published.csv", keep_default_na=False, dtype=str)
    from pack.data.demo.office import office_mi, write_office_files

    write_csv(pd.concat([plan_year_mi(mi), office_mi()], ignore_index=True), out / "pcc" / "management-information.csv")
    write_office_files(out)
