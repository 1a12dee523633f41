"""Funnel limits for rates per 1,000 (Spiegelhalter 2005) on a worked six-unit example.

The expected values were worked out independently of the pack (numpy/scipy, from the formulas in
Spiegelhalter's papers) and cross-checked against FunnelPlotR 0.6.0's own functions in R for the
same data: research notes, statistics part B3.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.funnel import FunnelFit, exact_poisson_limit, fit_funnel, funnel_limits, positions, winsorise

# Six units: populations and counts (rates 54.0, 35.83, 44.5, 37.43, 43.0, 38.0 per 1,000)
POPULATIONS = np.array([50_000, 120_000, 200_000, 350_000, 600_000, 900_000])
COUNTS = np.array([2_700, 4_300, 8_900, 13_100, 25_800, 34_200])


def limits_at(fit: FunnelFit, population: float) -> dict[str, float]:
    table = funnel_limits(fit, np.array([population]))
    return {f"{row.level} {side}": getattr(row, side) for row in table.itertuples() for side in ("lower", "upper")}


def test_target_dispersion_and_between_unit_variance():
    fit = fit_funnel(COUNTS, POPULATIONS)
    # r0 = 1000 × 89,000 / 2,220,000
    assert fit.target == pytest.approx(40.090090, abs=1e-6)
    # z = (O - E)/sqrt(E) = 15.534, -7.365, 9.850, -7.864, 11.257, -9.903; Winsorised at the 10% and 90%
    # quantiles (-8.883525, 13.395815); phi = mean of their squares
    assert fit.phi == pytest.approx(99.698636, rel=1e-7)
    # tau² = (6 × 99.698636 - 5) / (Σw - Σw²/Σw) = 593.1918 / (55.3753 - 15.1618), w = N / (1000 r0)
    assert fit.tau2 == pytest.approx(14.751068, rel=1e-7)
    assert fit.adjusted and fit.units == 6


def test_winsorising_replaces_the_extremes_by_the_quantiles():
    z = np.array([15.534268, -7.364630, 9.849772, -7.864027, 11.257363, -9.903022])
    # with six values the 10% quantile lies half-way between the two lowest, the 90% between the two highest
    assert winsorise(z).tolist() == pytest.approx([13.395815, -7.364630, 9.849772, -7.864027, 11.257363, -8.883525])


def test_overdispersed_limits_at_a_quarter_of_a_million():
    lim = limits_at(fit_funnel(COUNTS, POPULATIONS), 250_000)
    # 40.0901 ± z sqrt(1000 × 40.0901 / 250,000 + 14.751068), z = 1.959964 and 3.090232
    assert lim["95% lower"] == pytest.approx(32.5216, abs=5e-5)
    assert lim["95% upper"] == pytest.approx(47.6586, abs=5e-5)
    assert lim["99.8% lower"] == pytest.approx(28.1571, abs=5e-5)
    assert lim["99.8% upper"] == pytest.approx(52.0231, abs=5e-5)


def test_exact_poisson_limits_when_there_is_no_overdispersion():
    unadjusted = FunnelFit(target=89_000 / 2_220_000 * 1000, phi=1.0, tau2=0.0, units=6)
    lim = limits_at(unadjusted, 250_000)
    # Poisson mean E = 10,022.52; y_p the smallest count with F >= p, interpolated (Spiegelhalter, appendix)
    assert lim["95% lower"] == pytest.approx(39.3051, abs=5e-5)
    assert lim["95% upper"] == pytest.approx(40.8749, abs=5e-5)
    assert lim["99.8% lower"] == pytest.approx(38.8563, abs=5e-5)
    assert lim["99.8% upper"] == pytest.approx(41.3313, abs=5e-5)


def test_only_the_first_unit_is_beyond_the_overdispersed_limits():
    fit = fit_funnel(COUNTS, POPULATIONS)
    # z adjusted = (rate - r0) / sqrt(1000 r0 / N + tau²)
    rates = 1000 * COUNTS / POPULATIONS
    assert ((rates - fit.target) / fit.sd(POPULATIONS)).round(3).tolist() == [
        3.527,
        -1.096,
        1.140,
        -0.690,
        0.756,
        -0.543,
    ]
    assert positions(fit, COUNTS, POPULATIONS) == ["above the 99.8% limit"] + ["within the 95% limits"] * 5
    # without the adjustment every unit would be beyond the 99.8% limits
    poisson = FunnelFit(fit.target, 1.0, 0.0, 6)
    assert all(p.endswith("99.8% limit") for p in positions(poisson, COUNTS, POPULATIONS))


def test_counts_no_more_variable_than_poisson_get_unadjusted_limits():
    counts = np.array([2_010, 4_760, 8_060, 14_080, 23_960, 36_130])
    fit = fit_funnel(counts, POPULATIONS)
    # z = 0.123, -0.733, 0.469, 0.409, -0.606, 0.258: phi = 0.209589, and 6 × phi < 5 so tau² = 0
    assert fit.phi == pytest.approx(0.209589, abs=1e-6)
    assert fit.tau2 == 0.0 and not fit.adjusted
    mu = 250_000 * fit.target / 1000
    assert limits_at(fit, 250_000)["95% upper"] == pytest.approx(1000 * exact_poisson_limit(mu, 0.975) / 250_000)


def test_three_units_worked_by_hand():
    # E = 100 each; z = 0, 2, -2, Winsorised to 0, 1.6, -1.6; phi = 5.12 / 3; tau² = (5.12 - 2) / (3 - 1)
    fit = fit_funnel(np.array([100, 120, 80]), np.array([10_000, 10_000, 10_000]))
    assert (fit.target, round(fit.phi, 6), round(fit.tau2, 6)) == (10.0, 1.706667, 1.56)


def test_too_few_units_get_poisson_limits():
    fit = fit_funnel(np.array([10, 30]), np.array([1_000, 2_000]))
    assert fit.tau2 == 0.0 and "too few" in fit.method


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1_000, 3_000_000), st.floats(0.2, 80.0)),
        min_size=3,
        max_size=12,
    )
)
def test_limits_nest_and_surround_the_target(units):
    populations = np.array([n for n, _ in units], dtype="float64")
    counts = np.array([round(n * r / 1000) for n, r in units], dtype="float64")
    if counts.sum() == 0:
        return
    fit = fit_funnel(counts, populations)
    assert fit.tau2 >= 0 and fit.phi >= 0
    table = funnel_limits(fit, np.geomspace(populations.min(), populations.max(), 25))
    inner, outer = table[table["level"] == "95%"], table[table["level"] == "99.8%"]
    assert (inner["lower"].to_numpy() >= outer["lower"].to_numpy() - 1e-9).all()
    assert (inner["upper"].to_numpy() <= outer["upper"].to_numpy() + 1e-9).all()
    assert (table["lower"] >= 0).all()
    assert (table["lower"] <= fit.target + 1e-9).all() and (table["upper"] >= fit.target - 1e-9).all()
