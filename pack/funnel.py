"""Funnel plots for rates per 1,000 residents (Spiegelhalter 2005), with overdispersion allowed for.

Each unit (a force) has a count ``O`` and a population ``N``; the target is the pooled rate
``r0 = 1000 ΣO / ΣN`` (the England and Wales rate of the forces compared). Under the target alone,
``O ~ Poisson(N θ0)`` and the control limits at population ``N`` are exact Poisson limits with
Spiegelhalter's interpolation (``y_p`` the smallest count with ``F(y_p) >= p``;
``α = (F(y_p) - p) / (F(y_p) - F(y_p - 1))``; limit ``1000 (y_p - α) / N``), at p = 0.025 and
0.975 (95%) and 0.001 and 0.999 (99.8%).

Crime rates of large areas vary far more than Poisson allows, so, as in Spiegelhalter's
"Handling over-dispersion of performance indicators" (Qual Saf Health Care 2005;14:347-351):

1. z-scores on the rate scale, ``z_i = (O_i - E_i) / sqrt(E_i)`` (within-unit variance ``s_i² = 1000 r0 / N_i``);
2. Winsorised at their 10th and 90th percentiles (linear interpolation, R's type 7);
3. ``φ = mean(z_w²)``;
4. additive random effect, by the method of moments: with ``w_i = 1 / s_i²``,
   ``τ² = (I φ - (I - 1)) / (Σw - Σw² / Σw)``, and 0 when ``I φ < I - 1``;
5. limits ``r0 ± z sqrt(1000 r0 / N + τ²)`` (lower limit no less than 0). With ``τ² = 0`` the
   exact Poisson limits above are used.

The worked six-unit example in ``tests/test_funnel.py`` checks every step against an independent
computation (and FunnelPlotR's functions for the same data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

PER = 1000.0
TRIM = 0.10  # Winsorised at the 10th and 90th percentiles
# (label, lower tail probability, upper tail probability)
LEVELS: tuple[tuple[str, float, float], ...] = (("95%", 0.025, 0.975), ("99.8%", 0.001, 0.999))
MIN_UNITS = 3  # fewer units give no estimate of overdispersion (the limits are then unadjusted)


def exact_poisson_limit(mu: float | np.ndarray, p: float) -> np.ndarray:
    """Spiegelhalter's interpolated Poisson limit, on the count scale, at mean ``mu`` and probability ``p``.

    >>> round(float(exact_poisson_limit(10022.522522522522, 0.975)), 3)  # 40.8749 per 1,000 at N = 250,000
    10218.714
    """
    mu = np.asarray(mu, dtype="float64")
    yp = stats.poisson.ppf(p, mu)  # the smallest y with F(y) >= p
    upper, lower = stats.poisson.cdf(yp, mu), stats.poisson.cdf(yp - 1, mu)
    return yp - (upper - p) / (upper - lower)


def winsorise(z: np.ndarray, trim: float = TRIM) -> np.ndarray:
    """``z`` with values beyond its ``trim`` and ``1 - trim`` quantiles set to those quantiles.

    >>> winsorise(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 100.0])).tolist()
    [1.5, 2.0, 3.0, 4.0, 5.0, 52.5]
    """
    low, high = np.quantile(z, [trim, 1 - trim])
    return np.clip(z, low, high)


@dataclass(frozen=True)
class FunnelFit:
    """The target rate and the overdispersion of a set of units (see the module's method)."""

    target: float  # pooled rate per 1,000
    phi: float  # dispersion of the Winsorised z-scores (1 under Poisson)
    tau2: float  # additive between-unit variance, (per 1,000)²; 0: limits unadjusted
    units: int

    @property
    def adjusted(self) -> bool:
        """True when the limits are widened for overdispersion."""
        return self.tau2 > 0

    def sd(self, population: np.ndarray | float) -> np.ndarray:
        """Standard deviation of a unit's rate at ``population`` under the target (and ``τ²``)."""
        return np.sqrt(PER * self.target / np.asarray(population, dtype="float64") + self.tau2)

    @property
    def method(self) -> str:
        """One sentence on the limits drawn, for captions."""
        if self.adjusted:
            return (
                f"Limits allow for overdispersion (φ = {self.phi:,.1f} from {self.units} forces; additive "
                f"between-force variance τ² = {self.tau2:,.4g} per 1,000 squared), as in Spiegelhalter (2005)."
            )
        return (
            f"Exact Poisson limits: the {self.units} forces vary no more than chance allows (φ = {self.phi:,.2f})."
            if self.units >= MIN_UNITS
            else f"Exact Poisson limits: {self.units} force(s) are too few to estimate overdispersion."
        )


def fit_funnel(counts: np.ndarray, populations: np.ndarray, trim: float = TRIM) -> FunnelFit:
    """The target, ``φ`` and ``τ²`` for units with ``counts`` in ``populations`` (rate scale, Winsorised).

    Three units of 10,000 with 100, 120 and 80: target 10 per 1,000, E = 100 each, z = 0, 2, -2;
    Winsorised to 0, 1.6, -1.6 (the 10% and 90% quantiles); φ = 5.12 / 3; w = 1 each, so
    τ² = (5.12 - 2) / (3 - 1) = 1.56.

    >>> fit = fit_funnel(np.array([100, 120, 80]), np.array([10_000, 10_000, 10_000]))
    >>> (fit.target, round(fit.phi, 4), round(fit.tau2, 4))
    (10.0, 1.7067, 1.56)
    """
    counts = np.asarray(counts, dtype="float64")
    populations = np.asarray(populations, dtype="float64")
    if len(counts) == 0 or populations.sum() <= 0:
        raise ValueError("a funnel needs at least one unit with a population")
    target = PER * counts.sum() / populations.sum()
    units = len(counts)
    if target <= 0 or units < MIN_UNITS:
        return FunnelFit(target, float("nan") if target <= 0 else 1.0, 0.0, units)
    expected = populations * target / PER
    z = winsorise((counts - expected) / np.sqrt(expected), trim)
    phi = float(np.mean(z**2))
    w = populations / (PER * target)  # 1 / s_i²
    tau2 = (
        0.0 if units * phi < units - 1 else max(0.0, (units * phi - (units - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    )
    return FunnelFit(float(target), phi, float(tau2), units)


def funnel_limits(fit: FunnelFit, populations: np.ndarray) -> pd.DataFrame:
    """Control limits per 1,000 at each population: columns ``population, level, lower, upper, centre``
    (one row per population and level, 95% then 99.8%)."""
    populations = np.asarray(populations, dtype="float64")
    frames = []
    for label, p_low, p_high in LEVELS:
        if fit.adjusted:
            z = stats.norm.ppf(p_high)
            half = z * fit.sd(populations)
            lower, upper = np.maximum(fit.target - half, 0.0), fit.target + half
        else:
            mu = populations * fit.target / PER
            lower = PER * exact_poisson_limit(mu, p_low) / populations
            upper = PER * exact_poisson_limit(mu, p_high) / populations
            lower = np.where(mu > 0, np.maximum(lower, 0.0), 0.0)
        frames.append(
            pd.DataFrame(
                {"population": populations, "level": label, "lower": lower, "upper": upper, "centre": fit.target}
            )
        )
    return pd.concat(frames, ignore_index=True)


def limits_grid(populations: np.ndarray, points: int = 120) -> np.ndarray:
    """Populations to draw the funnel at: evenly spaced on a log scale from 80% of the smallest unit to
    110% of the largest (whole numbers, ascending).

    >>> limits_grid(np.array([1000, 100_000]), points=3).tolist()
    [800.0, 9381.0, 110000.0]
    """
    populations = np.asarray(populations, dtype="float64")
    low, high = max(1.0, 0.8 * populations.min()), 1.1 * populations.max()
    return np.unique(np.round(np.geomspace(low, high, points)))


def positions(fit: FunnelFit, counts: np.ndarray, populations: np.ndarray) -> list[str]:
    """Where each unit sits against its own limits: ``above the 99.8% limit``, ``above the 95% limit``,
    ``within the 95% limits``, ``below the 95% limit`` or ``below the 99.8% limit``."""
    limits = funnel_limits(fit, np.asarray(populations, dtype="float64"))
    n = len(counts)
    rates = PER * np.asarray(counts, dtype="float64") / np.asarray(populations, dtype="float64")
    out = []
    for i, rate in enumerate(rates):
        l95, l998 = limits.iloc[i], limits.iloc[n + i]
        if rate > l998["upper"]:
            out.append("above the 99.8% limit")
        elif rate > l95["upper"]:
            out.append("above the 95% limit")
        elif rate < l998["lower"]:
            out.append("below the 99.8% limit")
        elif rate < l95["lower"]:
            out.append("below the 95% limit")
        else:
            out.append("within the 95% limits")
    return out


def position_phrase(position: str, centre: str = "the national pool rate") -> str:
    """Plain English for a funnel position (a rate above the limits is higher than chance explains)
    around ``centre``, the pooled rate of the forces compared ("the England and Wales rate" only when
    every territorial force is compared: :mod:`pack.comparators`).

    >>> position_phrase("below the 99.8% limit", "the England and Wales rate")
    'lower than the England and Wales rate by more than chance and normal variation between forces explain'
    """
    if position.startswith("within"):
        return f"within the range expected around {centre}"
    direction = "higher" if position.startswith("above") else "lower"
    strength = "by more than chance and normal variation between forces explain"
    if "95%" in position:
        strength = "than expected (beyond the 95% limit, within the 99.8% limit)"
    return f"{direction} than {centre} {strength}"
