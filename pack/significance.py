"""Significance of change: the comparison record, proportions, disparities and the status words.

Every comparison in the pack returns one :class:`Comparison` record: the estimate, its 95% interval,
the p-value, the dispersion the test allowed for, the method in words, and whether a test was made.

- :func:`compare_shares` — two proportions (a share of searches, an outcome rate): the difference in
  percentage points with Newcombe's score interval and the two-proportion z-test.
- :func:`rate_ratio` — a disparity between two groups with fixed populations (searches per 1,000
  Black residents against per 1,000 White residents): the exact conditional (binomial) test and
  interval for a ratio of two Poisson rates, as R's ``poisson.test`` gives them.
- :func:`verdict` turns a record into the pack's status words.

Counts over time (monthly series, which vary more than Poisson) are compared in
:mod:`pack.overdispersion` (:func:`~pack.overdispersion.compare_counts`,
:func:`~pack.overdispersion.compare_changes`), which return the same record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

CONFIDENCE = 0.95

__all__ = ["CONFIDENCE", "Comparison", "compare_shares", "not_tested", "rate_ratio", "significance_status", "wilson"]


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
    reason: str = ""  # why not tested, as a code (pack.indicators.REASONS): read by code, never from ``note``

    @property
    def significant(self) -> bool:
        """True when tested and ``p_value`` is below ``1 - confidence`` (5% by default)."""
        return self.tested and self.p_value is not None and self.p_value < 1.0 - self.confidence

    @property
    def percent_change(self) -> float | None:
        """For a ratio: the change in per cent, ``(estimate - 1) x 100``; None otherwise."""
        if self.null != 1.0 or self.estimate is None:
            return None
        return (self.estimate - 1.0) * 100.0

    @property
    def percent_interval(self) -> tuple[float, float] | None:
        """For a ratio: its interval as per cent changes; None when untested or not a ratio."""
        if self.null != 1.0 or self.lower is None or self.upper is None:
            return None
        return (self.lower - 1.0) * 100.0, (self.upper - 1.0) * 100.0

    @property
    def direction(self) -> str:
        """``up``, ``down`` or ``unchanged``: the estimate against its no-change value."""
        if self.estimate is None or math.isclose(self.estimate, self.null, rel_tol=1e-12, abs_tol=1e-12):
            return "unchanged"
        return "up" if self.estimate > self.null else "down"


def not_tested(
    measure: str,
    reference: float,
    value: float,
    estimate: float | None,
    method: str,
    why: str,
    null: float = 1.0,
    reason: str = "not_tested",
) -> Comparison:
    """A record for a comparison that could not be tested; ``why`` says why in words, ``reason`` as a code."""
    return Comparison(
        measure, reference, value, estimate, None, None, None, None, method, False, why, null, reason=reason
    )


def wilson(successes: float, n: float, q: float) -> tuple[float, float]:
    """Wilson score interval for a proportion, with ``q`` the two-sided critical value."""
    p = successes / n
    centre = (p + q * q / (2 * n)) / (1 + q * q / n)
    half = q / (1 + q * q / n) * math.sqrt(p * (1 - p) / n + q * q / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


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
        return not_tested(measure, ref, val, None, method, "not tested: a share with no cases", null)
    for name, x, n in (("reference", reference_part, reference_whole), ("current", part, whole)):
        if not 0 <= x <= n:
            raise ValueError(f"{name} part {x} must be between 0 and its whole {n}")
    p1, p2 = part / whole, reference_part / reference_whole
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    l1, u1 = wilson(part, whole, z)
    l2, u2 = wilson(reference_part, reference_whole, z)
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
        return not_tested(measure, ref_rate, rate, None, method, "not tested: no events in either group")
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


def significance_status(result: Comparison, better_when: str) -> str:
    """The pack's status word for a comparison.

    Tested with a better direction (``higher``/``lower``): ``improved``, ``worse`` or
    ``no significant change``. Tested but not significant, whatever the direction: ``no significant
    change``. Otherwise (not tested, or no better direction) the direction only: ``up``, ``down`` or
    ``unchanged``; ``no comparison`` when there is no estimate.

    >>> significance_status(rate_ratio(200, 1000, 100, 1000), "lower")
    'worse'
    """
    if result.estimate is None:
        return "no comparison"
    if result.tested and not result.significant:
        return "no significant change"
    if result.tested and better_when in ("higher", "lower"):
        return "improved" if (result.direction == "up") == (better_when == "higher") else "worse"
    return result.direction
