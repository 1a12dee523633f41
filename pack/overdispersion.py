"""Counts that vary more than Poisson: comparing two windows of a monthly count series.

Both comparisons return a :class:`pack.significance.Comparison` record:

- :func:`compare_counts` — two equal-length, non-overlapping windows of a **monthly count series**
  (e.g. burglaries). Police-recorded counts vary from month to month far more than a Poisson model
  allows, so a plain Poisson test calls small changes significant. This is a *quasi-Poisson* test: the variance
  of a count is taken as ``phi`` times its mean, with ``phi`` estimated from the series itself.
- :func:`compare_changes` — whether one series changed more than another between the same two
  windows (patrolled hotspots against the rest of the force): a ratio of rate ratios.

How ``phi`` is estimated (:func:`dispersion`), in plain words: take every month-to-month change in
the months from the start of the baseline window to the end of the current window, as a change of
the *daily rate* (so that months of 28 to 31 days are not read as variation); divide each change by
its Poisson standard deviation at that level (for two months of equal length, the square root of the
two months' average count); drop changes that the NHS "Making Data Count" (MDC) screen treats as outliers (3.267 times
the average or more, so a one-off step does not count as noise); the average of what is left, divided
by 2/sqrt(pi) (1.128, the usual XmR constant), estimates the spread as a multiple of Poisson's, and
``phi`` is its square. Using changes between neighbouring months keeps slow trends and steps out of
the estimate ("variation around the trend"). ``phi`` is floored at 1: counts are never treated as less
variable than Poisson (so on series that really are Poisson the test is cautious: about 2% false
positives in simulation, not 5%). Because ``phi`` is itself an estimate, the test refers to a t distribution with
the effective degrees of freedom of an average moving range (about 0.6 per change; derivation in
:func:`moving_range_degrees_of_freedom`).

Assumptions, stated: the variance of a monthly count is ``phi`` times its mean in both windows;
months are independent given the underlying level; each window is compared per day (leap days
counted). Windows shorter than 12 months are tested only against the same calendar months of
another year (:func:`pack.periods.season_reason`): across seasons the record says why it is not
tested. A level that drifts slowly is treated as change, not noise, as SPC treats a run: the test
asks whether the windows differ by more than month-to-month variation. False positives achieved in
simulation (``tests/test_overdispersion.py``, nominal 5%, negative binomial counts with variance 9 x
mean): 4-7% on series with no season; about 2% with a +-25% seasonal swing, same months a year apart
(the swing between neighbouring months inflates ``phi``); across seasons none (not tested; 72% were
called significant before the rule); with the log level wandering with lag-one correlation 0.3, about
5% (3 months a year apart) to 8% (12-month windows side by side).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from pack.errors import ParameterError
from pack.periods import Month, Window, month_range, season_reason
from pack.significance import CONFIDENCE, Comparison, not_tested, wilson

D2 = 2.0 / math.sqrt(math.pi)  # expected moving range of unit-variance normal values (1.128)
MR_SCREEN = 3.267  # MDC/NHSRplotthedots: moving ranges at or above 3.267 x average are screened out
MIN_MOVING_RANGES = 5  # fewer month-to-month changes than this cannot estimate phi

__all__ = [
    "METHOD",
    "Dispersion",
    "compare_changes",
    "compare_counts",
    "dispersion",
    "moving_range_degrees_of_freedom",
]

METHOD = (
    "Changes in counts are tested by comparing the daily rate in the current window with the daily rate in "
    "an equal-length, earlier window that does not overlap it; a window shorter than 12 months is tested only "
    "against the same calendar months of another year, since across seasons the seasonal swing would read as "
    "change (such a comparison is shown with its direction, not tested, and the reason). Police-recorded counts "
    "vary from month to month more than pure chance (a Poisson model) allows, so the test first measures how "
    "much more, from the month-to-month changes of the daily rate across both windows and the months between "
    "them (per day, so that months of 28 to 31 days are not read as variation; each change scaled by the size "
    "of the counts, and one-off jumps set aside as in Making Data Count), and widens its margin of error by that "
    "factor (never narrowing it below the Poisson margin). A change is called significant when a change as "
    "large would arise by chance less than 5% of the time; the 95% interval gives the range of rate ratios "
    "consistent with the data. The test assumes the extra variation is the same in both windows and that "
    "months are independent once the level is allowed for; it treats a slow drift in the level as a real "
    "change, as an SPC chart treats a run. In simulation it called 4-7% of unchanged series significant, about "
    "2% of seasonal ones compared with the same months a year earlier, and 5-8% of series whose level wanders "
    "with month-to-month correlation 0.3."
)


@dataclass(frozen=True)
class Dispersion:
    """How much more a monthly count series varies than Poisson counts would.

    ``estimate`` is the raw ratio of variances (may be below 1); ``phi`` = max(1, estimate) is what a
    test uses; ``df`` is its effective degrees of freedom; ``moving_ranges`` month-to-month changes
    were used and ``screened`` more were set aside by the MDC outlier screen.
    """

    estimate: float
    phi: float
    df: float
    moving_ranges: int
    screened: int

    @property
    def spread_ratio(self) -> float:
        """The month-to-month spread as a multiple of the Poisson spread (square root of ``estimate``)."""
        return math.sqrt(self.estimate)


def moving_range_degrees_of_freedom(moving_ranges: int, adjacent_pairs: int) -> float:
    """Effective degrees of freedom of a standard deviation estimated as average moving range / d2.

    For independent normal values with unit variance a moving range ``|x2 - x1|`` has variance
    ``v = 2 - 4/pi`` and two adjacent moving ranges (sharing a value, correlation -1/2 between the
    differences) have covariance ``c = (4/pi)(sqrt(3)/2 + pi/12 - 1)``. The average of ``k`` moving
    ranges with ``a`` adjacent pairs has variance ``(k v + 2 a c) / k**2``; matching a chi distribution,
    ``df = d2**2 / (2 Var(average))`` with ``d2 = 2/sqrt(pi)``; about ``0.6 k`` for long series.

    >>> round(moving_range_degrees_of_freedom(14, 13), 2)
    8.66
    """
    if moving_ranges < 1:
        raise ValueError("at least one moving range is needed")
    v = 2.0 - 4.0 / math.pi
    c = (4.0 / math.pi) * (math.sqrt(3.0) / 2.0 + math.pi / 12.0 - 1.0)
    var_mean = (moving_ranges * v + 2.0 * adjacent_pairs * c) / moving_ranges**2
    return D2**2 / (2.0 * var_mean)


def dispersion(series: pd.Series, first: str | None = None, last: str | None = None) -> Dispersion | None:
    """Estimate ``phi`` from the month-to-month changes of ``series`` between ``first`` and ``last``.

    ``series`` is indexed by month (``YYYY-MM``); months outside ``first..last`` are ignored and a
    change is used only between two consecutive calendar months that both have a value and are not
    both zero. Each change is a change of the daily rate (month length removed) standardised by its
    Poisson spread (:func:`_standardised_changes`; for months of equal length ``|x_t - x_{t-1}| /
    sqrt((x_t + x_{t-1}) / 2)``); changes at or above
    3.267 times their average are screened out (MDC); ``estimate = (mean standardised change / d2)**2``.
    Returns ``None`` when fewer than :data:`MIN_MOVING_RANGES` changes are usable.

    >>> d = dispersion(pd.Series([310, 280, 310, 300, 310, 300], index=[f"2023-0{m}" for m in range(1, 7)]))
    >>> d.estimate, d.phi, d.moving_ranges  # 10 a day every month: the counts differ by month length only
    (0.0, 1.0, 5)
    """
    months = [str(m) for m in series.index]
    if not months:
        return None
    lo = Month.parse(first or min(months))
    hi = Month.parse(last or max(months))
    span = [str(m) for m in month_range(lo, hi)]
    x = pd.to_numeric(pd.Series(series.to_numpy(), index=months), errors="coerce").reindex(span).to_numpy(float)
    days = np.array([Month.parse(m).days for m in span], dtype=float)
    prev, cur = x[:-1], x[1:]
    usable = np.isfinite(prev) & np.isfinite(cur) & (prev + cur > 0)
    if usable.sum() < MIN_MOVING_RANGES:
        return None
    d = np.full(len(cur), np.nan)
    d[usable] = _standardised_changes(prev[usable], cur[usable], days[:-1][usable], days[1:][usable])
    average = float(np.nanmean(d))
    kept = usable & (d < MR_SCREEN * average) if average > 0 else usable
    k = int(kept.sum())
    if k < MIN_MOVING_RANGES:
        return None
    estimate = (float(d[kept].mean()) / D2) ** 2
    adjacent = int((kept[:-1] & kept[1:]).sum())
    return Dispersion(
        estimate, max(1.0, estimate), moving_range_degrees_of_freedom(k, adjacent), k, int(usable.sum()) - k
    )


def _standardised_changes(prev: np.ndarray, cur: np.ndarray, prev_days: np.ndarray, cur_days: np.ndarray) -> np.ndarray:
    """Month-to-month changes of the daily rate, each divided by its Poisson spread.

    With daily rates ``r = x / days`` and the pair's pooled rate ``r0 = (x1 + x2) / (days1 + days2)``, a
    change is ``|r2 - r1| / sqrt(r0 (1/days1 + 1/days2) / 2)``: for two months of equal length exactly
    ``|x2 - x1| / sqrt((x1 + x2) / 2)``, the change of counts scaled as for an XmR chart of Poisson counts;
    months of unequal length no longer count the difference in days as variation.
    """
    pooled = (prev + cur) / (prev_days + cur_days)
    return np.abs(cur / cur_days - prev / prev_days) / np.sqrt(pooled * (1.0 / prev_days + 1.0 / cur_days) / 2.0)


def _window_sum(series: pd.Series, window: Window) -> float:
    index = [str(m) for m in series.index]
    values = pd.Series(series.to_numpy(), index=index)
    missing = [m for m in window.month_strings() if m not in values.index or pd.isna(values[m])]
    if missing:
        raise KeyError(f"months not in series: {', '.join(missing)}")
    return float(values.loc[window.month_strings()].sum())


def _score_test(
    b_total: float, c_total: float, b_days: int, c_days: int, disp: Dispersion, confidence: float
) -> tuple[float, float, float]:
    """``(p-value, lower, upper)`` of the rate ratio, from both windows' totals (``N`` together, at
    least one record), days and dispersion: the current total's share ``C/N`` against its expected
    share ``p0 = current days / all days``, with ``N/phi`` effective events and t with the
    dispersion's degrees of freedom; the interval a Wilson interval for the share, mapped to a rate
    ratio. Equal totals over equal days: p = 1, and an interval whose ends are reciprocals:

    >>> p, lower, upper = _score_test(60.0, 60.0, 365, 365, Dispersion(1.0, 1.0, 10.0, 11, 0), 0.95)
    >>> round(p, 6), round(lower * upper, 6)
    (1.0, 1.0)
    """
    n = b_total + c_total
    p0 = c_days / (b_days + c_days)
    p_hat = c_total / n
    n_eff = n / disp.phi
    t_stat = (p_hat - p0) / math.sqrt(p0 * (1 - p0) / n_eff)
    p_value = float(2 * stats.t.sf(abs(t_stat), disp.df))
    q = float(stats.t.ppf(0.5 + confidence / 2, disp.df))
    lo_p, hi_p = wilson(p_hat * n_eff, n_eff, q)
    scale = b_days / c_days
    lower = lo_p / (1 - lo_p) * scale
    upper = hi_p / (1 - hi_p) * scale if hi_p < 1 else math.inf
    return p_value, lower, upper


def compare_counts(
    series: pd.Series, baseline: Window, current: Window, *, confidence: float = CONFIDENCE
) -> Comparison:
    """Quasi-Poisson comparison of the daily rates in two windows of a monthly count series.

    The estimate is the rate ratio ``(current total / current days) / (baseline total / baseline
    days)``. Given the two windows' combined total ``N``, the current total is compared with its
    expected share ``p0 = current days / all days`` by the score statistic
    ``z = (C/N - p0) / sqrt(p0 (1 - p0) phi / N)`` referred to t with the dispersion's degrees of
    freedom; the interval inverts the same statistic (a Wilson interval for ``C/N`` with ``N/phi``
    effective events, mapped to a rate ratio), so it excludes 1 exactly when p < 0.05.
    Windows must be of equal length; overlapping windows, or too few months to estimate ``phi``,
    give a record with ``tested=False`` and the reason.

    >>> s = pd.Series([100] * 12 + [60] * 12, index=[f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)])
    >>> from pack.periods import rolling_window
    >>> r = compare_counts(s, rolling_window("2022-12"), rolling_window("2023-12"))
    >>> round(r.estimate, 2), r.dispersion, r.significant
    (0.6, 1.0, True)
    """
    measure = "rate ratio"
    method = "quasi-Poisson score test of two windows' daily rates (dispersion from month-to-month changes)"
    if baseline.length != current.length:
        raise ParameterError(
            f"windows must be of equal length to compare: {baseline.label} has {baseline.length} months, "
            f"{current.label} has {current.length}"
        )
    b_total, c_total = _window_sum(series, baseline), _window_sum(series, current)
    b_days, c_days = baseline.days, current.days
    estimate = (c_total / c_days) / (b_total / b_days) if b_total > 0 else None
    if not (baseline.end < current.start or current.end < baseline.start):
        why = f"not tested: the windows overlap ({baseline.label}; {current.label}); a test needs separate windows"
        return not_tested(measure, b_total, c_total, estimate, method, why, reason="windows_overlap")
    first, last = min(baseline.start, current.start), max(baseline.end, current.end)
    disp = dispersion(series, str(first), str(last))
    if disp is None:
        why = (
            f"not tested: fewer than {MIN_MOVING_RANGES} month-to-month changes from {first} to {last} to estimate phi"
        )
        return not_tested(measure, b_total, c_total, estimate, method, why, reason="too_few_months")
    if season_reason(baseline, current):
        return not_tested(
            measure, b_total, c_total, estimate, method, season_reason(baseline, current), reason="different_seasons"
        )
    if b_total + c_total <= 0:
        return not_tested(measure, b_total, c_total, None, method, "not tested: no records in either window")
    p_value, lower, upper = _score_test(b_total, c_total, b_days, c_days, disp, confidence)
    method = (
        f"quasi-Poisson score test of two windows' daily rates; dispersion phi = {disp.phi:.2f} "
        f"(month-to-month spread {disp.spread_ratio:.1f} x Poisson, from {disp.moving_ranges} MDC-screened "
        f"moving ranges {first} to {last}, floored at 1); t reference with {disp.df:.1f} degrees of freedom"
    )
    note = (
        "assumes each monthly count varies phi times as much as a Poisson count (variance = phi x mean) in both "
        "windows, months independent given the level; rates compared per day"
    )
    return Comparison(measure, b_total, c_total, estimate, lower, upper, p_value, disp.phi, method, True, note)


def compare_changes(
    series: pd.Series,
    reference_series: pd.Series,
    baseline: Window,
    current: Window,
    *,
    confidence: float = CONFIDENCE,
) -> Comparison:
    """Did ``series`` change more than ``reference_series`` between two windows? (difference in change)

    For patrolled hotspots against the rest of the force: the estimate is the ratio of the two rate
    ratios, ``(C / B) / (C_ref / B_ref)`` (window days cancel); 1 means "no more than elsewhere". Each
    log rate ratio has quasi-Poisson variance ``phi (1/B + 1/C)`` with the series' own ``phi``; their
    difference is referred to t with Welch-Satterthwaite degrees of freedom (a Wald test on the log
    scale, so every window total must be above zero). ``reference`` and ``value`` are the two rate ratios.

    >>> months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
    >>> hot, rest = pd.Series([100] * 12 + [50] * 12, months), pd.Series([1000] * 12 + [500] * 12, months)
    >>> from pack.periods import rolling_window
    >>> r = compare_changes(hot, rest, rolling_window("2022-12"), rolling_window("2023-12"))
    >>> round(r.estimate, 6), round(r.p_value, 6), r.significant
    (1.0, 1.0, False)
    """
    measure = "ratio of rate ratios"
    method = "quasi-Poisson Wald test of the difference between two series' log rate ratios"
    if baseline.length != current.length:
        raise ParameterError(f"windows must be of equal length to compare: {baseline.label}; {current.label}")
    totals = [(_window_sum(x, baseline), _window_sum(x, current)) for x in (series, reference_series)]
    ratios = [c / b if b > 0 else math.nan for b, c in totals]
    estimate = ratios[0] / ratios[1] if all(math.isfinite(r) and r > 0 for r in ratios) else None
    if not (baseline.end < current.start or current.end < baseline.start):
        why = f"not tested: the windows overlap ({baseline.label}; {current.label}); a test needs separate windows"
        return not_tested(measure, ratios[1], ratios[0], estimate, method, why)
    if season_reason(baseline, current):
        return not_tested(measure, ratios[1], ratios[0], estimate, method, season_reason(baseline, current))
    if estimate is None:
        why = "not tested: a window total of zero has no log rate ratio"
        return not_tested(measure, ratios[1], ratios[0], None, method, why)
    first, last = str(min(baseline.start, current.start)), str(max(baseline.end, current.end))
    disps = [dispersion(x, first, last) for x in (series, reference_series)]
    if any(d is None for d in disps):
        why = (
            f"not tested: fewer than {MIN_MOVING_RANGES} month-to-month changes from {first} to {last} to estimate phi"
        )
        return not_tested(measure, ratios[1], ratios[0], estimate, method, why, reason="too_few_months")
    variances = [d.phi * (1 / b + 1 / c) for d, (b, c) in zip(disps, totals, strict=True)]
    se = math.sqrt(sum(variances))
    df = sum(variances) ** 2 / sum(v * v / d.df for v, d in zip(variances, disps, strict=True))
    t_stat = math.log(estimate) / se
    q = float(stats.t.ppf(0.5 + confidence / 2, df))
    lower, upper = estimate * math.exp(-q * se), estimate * math.exp(q * se)
    p_value = float(2 * stats.t.sf(abs(t_stat), df))
    method = (
        f"{method}; dispersion phi = {disps[0].phi:.2f} (series) and {disps[1].phi:.2f} (reference), from "
        f"MDC-screened moving ranges {first} to {last}, floored at 1; t reference with {df:.1f} degrees of freedom"
    )
    note = "assumes each series varies phi times as much as Poisson counts, independently of the other"
    return Comparison(measure, ratios[1], ratios[0], estimate, lower, upper, p_value, disps[0].phi, method, True, note)
