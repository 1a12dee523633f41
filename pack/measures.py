"""Measures on monthly series: window totals, rolling totals, change, and its significance.

All functions are pure: a pandas Series indexed by month (``YYYY-MM`` strings) in, numbers or a
Series out.

Significance lives in :mod:`pack.overdispersion` and :mod:`pack.significance` and is re-exported here:
:func:`compare_counts` (quasi-Poisson comparison of two windows of a monthly count series, allowing for
counts that vary more than Poisson), :func:`compare_changes` (did one series change more than another),
:func:`compare_shares` (two proportions), :func:`rate_ratio` (disparity with fixed populations) and
:func:`significance_status` (the one function that turns a test into a status word).
:func:`poisson_change_p_value` is the plain exact Poisson test on two totals; it ignores
overdispersion and is kept for comparison only.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from pack.overdispersion import Dispersion, compare_changes, compare_counts, dispersion  # noqa: F401 (re-exported)
from pack.periods import Month, Window, month_range
from pack.significance import Comparison, compare_shares, rate_ratio, significance_status  # noqa: F401 (re-exported)


def complete_monthly_series(counts: pd.Series, first: str, last: str) -> pd.Series:
    """Reindex a month->count Series to every month ``first..last``, missing months as 0.

    Use only within the months the data cover: a month with no records is a real zero there.

    >>> complete_monthly_series(pd.Series({"2024-01": 3}), "2023-12", "2024-01").tolist()
    [0, 3]
    """
    months = [str(m) for m in month_range(Month.parse(first), Month.parse(last))]
    return counts.reindex(months, fill_value=0).astype("int64").rename_axis("month")


def window_total(series: pd.Series, window: Window) -> float:
    """Sum of ``series`` over the months of ``window`` (all of them must be present)."""
    months = window.month_strings()
    missing = [m for m in months if m not in series.index]
    if missing:
        raise KeyError(f"months not in series: {', '.join(missing)}")
    return float(series.loc[months].sum())


def calendar_series(series: pd.Series) -> pd.Series:
    """``series`` (index ``YYYY-MM``) on every calendar month from its first to its last, a month
    that is not in it as NaN (never 0: a month the data do not cover is unknown, not empty).

    >>> calendar_series(pd.Series({"2024-01": 3.0, "2024-03": 5.0})).to_dict()
    {'2024-01': 3.0, '2024-02': nan, '2024-03': 5.0}
    """
    if series.empty:
        return series.astype("float64")
    labels = sorted(str(m) for m in series.index)
    months = [str(m) for m in month_range(Month.parse(labels[0]), Month.parse(labels[-1]))]
    values = series.astype("float64").copy()
    values.index = [str(m) for m in values.index]
    return values.reindex(months).rename_axis(series.index.name or "month")


def rolling_total(series: pd.Series, length: int = 12) -> pd.Series:
    """Rolling ``length``-month total by calendar month: the total ending in month m sums the
    calendar months m-length+1 .. m, and is NaN unless every one of them has a value. A month
    missing from ``series`` (or NaN in it) therefore blanks every total whose window contains it,
    instead of letting the sum run over 12 entries that span 13 or more months.

    >>> s = pd.Series(1.0, index=[f"2023-{m:02d}" for m in range(1, 13) if m != 6] + ["2024-01"])
    >>> rolling_total(s).dropna().to_dict()  # June 2023 is missing: no 12 months ending 2023-06 .. 2024-01 is whole
    {}
    """
    full = calendar_series(series)
    return full.rolling(length, min_periods=length).sum()


def percentage_change(baseline: float, current: float) -> float | None:
    """``(current - baseline) / baseline * 100``; ``None`` when the baseline is zero."""
    if baseline == 0:
        return None
    return (current - baseline) / baseline * 100.0


def poisson_change_p_value(baseline_count: float, current_count: float, baseline_days: int, current_days: int) -> float:
    """Two-sided exact p-value that two Poisson counts share one daily rate (no allowance for overdispersion).

    Police-recorded monthly counts vary more than Poisson, so this p-value is too small for them; use
    :func:`compare_counts` on the monthly series. Conditional on the total, the current count is
    binomial with probability ``current_days / (baseline_days + current_days)`` under equal rates.
    """
    b, c = int(round(baseline_count)), int(round(current_count))
    if b + c == 0:
        return 1.0
    p = current_days / (baseline_days + current_days)
    return float(stats.binomtest(c, b + c, p).pvalue)


def direction_status(baseline: float, current: float, better_when: str = "n/a") -> str:
    """``up``, ``down`` or ``unchanged``: the direction alone, for values with no sampling model
    (management information, snapshots, demand, budgets). ``better_when`` is not used: a direction-only
    status never says better or worse (readers see the better direction beside it, and "not tested").

    >>> direction_status(10, 12, "lower"), direction_status(10, 8, "n/a"), direction_status(7.0, 7.0, "higher")
    ('up', 'down', 'unchanged')
    """
    if math.isclose(baseline, current):
        return "unchanged"
    return "up" if current > baseline else "down"


def per_day(total: float, window: Window) -> float:
    """Average per day over a window (leap days counted)."""
    return total / window.days


def rate_per_1000(count: float, population: float) -> float | None:
    """Count per 1,000 population; ``None`` without a population."""
    if not population:
        return None
    return count / population * 1000.0


def share(part: float, whole: float) -> float | None:
    """``part / whole`` as a percentage; ``None`` when ``whole`` is zero."""
    if not whole:
        return None
    return part / whole * 100.0
