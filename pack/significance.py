"""Significance of change: tests that fit police-recorded counts, shares and disparities.

Three comparisons, each returning one :class:`Comparison` record (estimate, 95% interval, p-value,
the dispersion used, the method in words, and whether a test was made):

- :func:`compare_counts` — two equal-length, non-overlapping windows of a **monthly count series**
  (e.g. burglaries). Police-recorded counts vary from month to month far more than a Poisson model
  allows (on Derbyshire's data the month-to-month spread is 1.8 to 4.1 times the Poisson spread), so
  a plain Poisson test calls small changes significant. This is a *quasi-Poisson* test: the variance
  of a count is taken as ``phi`` times its mean, with ``phi`` estimated from the series itself.
- :func:`compare_shares` — two proportions (a share of searches, an outcome rate): the difference in
  percentage points with Newcombe's score interval and the two-proportion z-test.
- :func:`rate_ratio` — a disparity between two groups with fixed populations (searches per 1,000
  Black residents against per 1,000 White residents): the exact conditional (binomial) test and
  interval for a ratio of two Poisson rates, as R's ``poisson.test`` gives them.

:func:`verdict` turns a record into the pack's status words.

How ``phi`` is estimated (:func:`dispersion`), in plain words: take every month-to-month change in
the months from the start of the baseline window to the end of the current window; divide each
change by the Poisson standard deviation of a count at that level (the square root of the two months'
average); drop changes that the NHS "Making Data Count" (MDC) screen treats as outliers (3.267 times
the average or more, so a one-off step does not count as noise); the average of what is left, divided
by 2/sqrt(pi) (1.128, the usual XmR constant), estimates the spread as a multiple of Poisson's, and
``phi`` is its square. Using changes between neighbouring months keeps slow trends and steps out of
the estimate ("variation around the trend"). ``phi`` is floored at 1: counts are never treated as less
variable than Poisson. Because ``phi`` is itself an estimate, the test refers to a t distribution with
the effective degrees of freedom of an average moving range (about 0.6 per change; derivation in
:func:`moving_range_degrees_of_freedom`).

Assumptions, stated: the variance of a monthly count is ``phi`` times its mean in both windows;
months are independent given the underlying level (strong seasonality inflates ``phi`` and makes the
test more cautious); each window is compared per day (leap days counted).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from pack.errors import ParameterError
from pack.periods import Month, Window, month_range

CONFIDENCE = 0.95
D2 = 2.0 / math.sqrt(math.pi)  # expected moving range of unit-variance normal values (1.128)
MR_SCREEN = 3.267  # MDC/NHSRplotthedots: moving ranges at or above 3.267 x average are screened out
MIN_MOVING_RANGES = 5  # fewer month-to-month changes than this cannot estimate phi

__all__ = [
    "CONFIDENCE",
    "Comparison",
    "Dispersion",
    "compare_counts",
    "compare_shares",
    "dispersion",
    "moving_range_degrees_of_freedom",
    "rate_ratio",
    "verdict",
]


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing a current value with a reference (baseline window or reference group).

    ``measure`` says what ``estimate``, ``lower`` and ``upper`` are ("rate ratio" or "difference in
    percentage points"); ``null`` is the estimate's no-change value (1 for a ratio, 0 for a difference).
    ``reference`` and ``value`` are the two things compared (window totals, shares in %, or rates per
    1,000). ``dispersion`` is the ``phi`` the test used (``None`` for methods without one). ``tested``
    is False when no test could be made; ``note`` then says why, and otherwise states the assumptions.
    """

    measure: str
    reference: float
    value: float
    estimate: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    dispersion: float | None
    method: str
    tested: bool
    note: str = ""
    null: float = 1.0
    confidence: float = CONFIDENCE

    @property
    def significant(self) -> bool:
        """True when tested and ``p_value`` is below ``1 - confidence`` (5% by default)."""
        return self.tested and self.p_value is not None and self.p_value < 1.0 - self.confidence

    @property
    def direction(self) -> str:
        """``up``, ``down`` or ``unchanged``: the estimate against its no-change value."""
        if self.estimate is None or math.isclose(self.estimate, self.null, rel_tol=1e-12, abs_tol=1e-12):
            return "unchanged"
        return "up" if self.estimate > self.null else "down"


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
    both zero. Each change is standardised by ``sqrt((x_t + x_{t-1}) / 2)``; changes at or above
    3.267 times their average are screened out (MDC); ``estimate = (mean standardised change / d2)**2``.
    Returns ``None`` when fewer than :data:`MIN_MOVING_RANGES` changes are usable.

    >>> d = dispersion(pd.Series([100, 120, 100, 120, 100, 120], index=[f"2024-0{m}" for m in range(1, 7)]))
    >>> round(d.estimate, 3), round(d.phi, 3), d.moving_ranges  # (20 / sqrt(110) / 1.1284)**2 = 1.690**2
    (2.856, 2.856, 5)
    """
    months = [str(m) for m in series.index]
    if not months:
        return None
    lo = Month.parse(first or min(months))
    hi = Month.parse(last or max(months))
    span = [str(m) for m in month_range(lo, hi)]
    x = pd.to_numeric(pd.Series(series.to_numpy(), index=months), errors="coerce").reindex(span).to_numpy(float)
    prev, cur = x[:-1], x[1:]
    usable = np.isfinite(prev) & np.isfinite(cur) & (prev + cur > 0)
    if usable.sum() < MIN_MOVING_RANGES:
        return None
    d = np.full(len(cur), np.nan)
    d[usable] = np.abs(cur[usable] - prev[usable]) / np.sqrt((cur[usable] + prev[usable]) / 2.0)
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


def _window_sum(series: pd.Series, window: Window) -> float:
    index = [str(m) for m in series.index]
    values = pd.Series(series.to_numpy(), index=index)
    missing = [m for m in window.month_strings() if m not in values.index or pd.isna(values[m])]
    if missing:
        raise KeyError(f"months not in series: {', '.join(missing)}")
    return float(values.loc[window.month_strings()].sum())


def _not_tested(measure: str, reference: float, value: float, estimate: float | None, method: str, why: str, null=1.0):
    return Comparison(measure, reference, value, estimate, None, None, None, None, method, False, why, null)


def _wilson(successes: float, n: float, q: float) -> tuple[float, float]:
    """Wilson score interval for a proportion, with ``q`` the two-sided critical value."""
    p = successes / n
    centre = (p + q * q / (2 * n)) / (1 + q * q / n)
    half = q / (1 + q * q / n) * math.sqrt(p * (1 - p) / n + q * q / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


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
        return _not_tested(measure, b_total, c_total, estimate, method, why)
    first, last = min(baseline.start, current.start), max(baseline.end, current.end)
    disp = dispersion(series, str(first), str(last))
    if disp is None:
        why = (
            f"not tested: fewer than {MIN_MOVING_RANGES} month-to-month changes from {first} to {last} to estimate phi"
        )
        return _not_tested(measure, b_total, c_total, estimate, method, why)
    n = b_total + c_total
    if n <= 0:
        return _not_tested(measure, b_total, c_total, None, method, "not tested: no records in either window")
    p0 = c_days / (b_days + c_days)
    p_hat = c_total / n
    n_eff = n / disp.phi
    t_stat = (p_hat - p0) / math.sqrt(p0 * (1 - p0) / n_eff)
    p_value = float(2 * stats.t.sf(abs(t_stat), disp.df))
    q = float(stats.t.ppf(0.5 + confidence / 2, disp.df))
    lo_p, hi_p = _wilson(p_hat * n_eff, n_eff, q)
    scale = b_days / c_days
    lower = lo_p / (1 - lo_p) * scale
    upper = hi_p / (1 - hi_p) * scale if hi_p < 1 else math.inf
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


def compare_shares(
    reference_part: float,
    reference_whole: float,
    part: float,
    whole: float,
    *,
    confidence: float = CONFIDENCE,
) -> Comparison:
    """Two-proportion comparison: ``part/whole`` against ``reference_part/reference_whole``.

    The estimate is the difference in percentage points; the interval is Newcombe's hybrid score
    interval (method 10, from two Wilson intervals); the p-value is the pooled two-proportion z-test
    (Pearson's chi-squared without continuity correction). Assumes independent events in two
    separate samples (non-overlapping windows or groups). ``reference`` and ``value`` are the shares in %.

    >>> r = compare_shares(48, 80, 56, 70)
    >>> round(r.estimate, 1), round(r.lower, 2), round(r.upper, 2)
    (20.0, 5.24, 33.39)
    """
    measure, null = "difference in percentage points", 0.0
    method = "two-proportion z-test (pooled); Newcombe hybrid score interval"
    if reference_whole <= 0 or whole <= 0:
        ref = reference_part / reference_whole * 100 if reference_whole > 0 else math.nan
        val = part / whole * 100 if whole > 0 else math.nan
        return _not_tested(measure, ref, val, None, method, "not tested: a share with no cases", null)
    for name, x, n in (("reference", reference_part, reference_whole), ("current", part, whole)):
        if not 0 <= x <= n:
            raise ValueError(f"{name} part {x} must be between 0 and its whole {n}")
    p1, p2 = part / whole, reference_part / reference_whole
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    l1, u1 = _wilson(part, whole, z)
    l2, u2 = _wilson(reference_part, reference_whole, z)
    diff = p1 - p2
    lower = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (part + reference_part) / (whole + reference_whole)
    se = math.sqrt(pooled * (1 - pooled) * (1 / whole + 1 / reference_whole))
    p_value = 1.0 if se == 0 else float(2 * stats.norm.sf(abs(diff) / se))
    note = "assumes independent cases in two separate samples (binomial variation only)"
    return Comparison(
        measure, p2 * 100, p1 * 100, diff * 100, lower * 100, upper * 100, p_value, None, method, True, note, null
    )


def rate_ratio(
    count: float,
    population: float,
    reference_count: float,
    reference_population: float,
    *,
    confidence: float = CONFIDENCE,
) -> Comparison:
    """Ratio of two rates with fixed populations (a disparity ratio), exact test and interval.

    Under equal rates, ``count`` given ``count + reference_count`` is binomial with probability
    ``population / (population + reference_population)``; the p-value is that exact binomial test and
    the interval is the Clopper-Pearson interval for the binomial proportion mapped to a rate ratio
    (the method of R's ``poisson.test``). ``reference`` and ``value`` are the rates per 1,000.
    Assumes events are independent (Poisson); repeated events for one person make the interval too narrow.

    >>> r = rate_ratio(11, 800, 21, 3011)
    >>> round(r.estimate, 4), round(r.lower, 4), round(r.upper, 4), round(r.p_value, 5)
    (1.9715, 0.8584, 4.2773, 0.07967)
    """
    measure = "rate ratio"
    method = "exact conditional (binomial) test and Clopper-Pearson interval for a ratio of two Poisson rates"
    if population <= 0 or reference_population <= 0:
        raise ValueError(f"populations must be positive, got {population} and {reference_population}")
    rate, ref_rate = count / population * 1000, reference_count / reference_population * 1000
    x, n = int(round(count)), int(round(count + reference_count))
    if n == 0:
        return _not_tested(measure, ref_rate, rate, None, method, "not tested: no events in either group")
    estimate = rate / ref_rate if reference_count > 0 else math.inf
    alpha = 1 - confidence
    lo_p = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    hi_p = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    scale = reference_population / population
    lower = lo_p / (1 - lo_p) * scale
    upper = hi_p / (1 - hi_p) * scale if hi_p < 1 else math.inf
    p_value = float(stats.binomtest(x, n, population / (population + reference_population)).pvalue)
    note = "populations taken as fixed; assumes independent events (repeat events for one person narrow the interval)"
    return Comparison(measure, ref_rate, rate, estimate, lower, upper, p_value, None, method, True, note)


def verdict(result: Comparison, better_when: str) -> str:
    """The pack's status word for a comparison.

    Tested with a better direction (``higher``/``lower``): ``improved``, ``worse`` or
    ``no significant change``. Tested but not significant, whatever the direction: ``no significant
    change``. Otherwise (not tested, or no better direction) the direction only: ``up``, ``down`` or
    ``unchanged``; ``no comparison`` when there is no estimate.

    >>> verdict(rate_ratio(200, 1000, 100, 1000), "lower")
    'worse'
    """
    if result.estimate is None:
        return "no comparison"
    if result.tested and not result.significant:
        return "no significant change"
    if result.tested and better_when in ("higher", "lower"):
        return "improved" if (result.direction == "up") == (better_when == "higher") else "worse"
    return result.direction
