import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from scipy import stats

from pack.errors import ParameterError
from pack.measures import (
    compare_changes,
    compare_counts,
    compare_shares,
    dispersion,
    percentage_change,
    poisson_change_p_value,
    rate_ratio,
    rolling_total,
    significance_status,
    window_total,
)
from pack.overdispersion import moving_range_degrees_of_freedom
from pack.periods import rolling_window


def series(values, start="2023-01"):
    from pack.periods import Month

    first = Month.parse(start)
    return pd.Series(values, index=[str(first + i) for i in range(len(values))])


def test_window_total_and_rolling_total_by_hand():
    s = series(list(range(1, 15)))  # 2023-01 .. 2024-02 = 1..14
    assert window_total(s, rolling_window("2024-01", 12)) == sum(range(2, 14))  # 2..13 = 90
    rolling = rolling_total(s, 12)
    assert rolling.isna().sum() == 11
    assert rolling.iloc[11] == 78 and rolling.iloc[13] == 102


def test_window_total_refuses_missing_months():
    with pytest.raises(KeyError):
        window_total(series([1, 2, 3]), rolling_window("2023-12", 12))


def test_percentage_change():
    assert percentage_change(50370, 25190) == pytest.approx(-49.99, abs=0.01)
    assert percentage_change(0, 5) is None


def test_poisson_test_small_and_large_counts():
    assert poisson_change_p_value(10, 12, 365, 365) > 0.5
    assert poisson_change_p_value(1000, 800, 365, 365) < 0.001
    assert poisson_change_p_value(800, 1000, 365, 365) < 0.001


# --- significance: known answers worked by hand or published --------------------------------------


def test_quasi_poisson_comparison_by_hand():
    # Jan 2023 - Mar 2024 alternating 100, 120: baseline Jan-Mar 2023 = 320 in 90 days, current Jan-Mar 2024
    # = 100 + 120 + 100... the 13th to 15th values: 100, 120, 100 = 320 in 91 days (2024 is a leap year)
    from pack.periods import Month

    values = [100, 120] * 7 + [100]
    s = series(values)
    result = compare_counts(s, rolling_window("2023-03", 3), rolling_window("2024-03", 3))
    # phi from the 14 month-to-month changes of the daily rate, each over its Poisson spread
    days = [(Month(2023, 1) + i).days for i in range(15)]
    changes = []
    for i in range(14):
        (x1, d1), (x2, d2) = (values[i], days[i]), (values[i + 1], days[i + 1])
        pooled = (x1 + x2) / (d1 + d2)
        changes.append(abs(x2 / d2 - x1 / d1) / math.sqrt(pooled * (1 / d1 + 1 / d2) / 2))
    mean = sum(changes) / 14
    assert max(changes) < 3.267 * mean  # none screened
    phi = (mean / (2 / math.sqrt(math.pi))) ** 2
    assert result.dispersion == pytest.approx(phi)
    # the first change, January 100 (31 days) -> February 120 (28): |4.2857 - 3.2258| / sqrt(3.7288 x 0.06839 / 2)
    assert changes[0] == pytest.approx(abs(120 / 28 - 100 / 31) / math.sqrt(220 / 59 * (1 / 31 + 1 / 28) / 2))
    df = moving_range_degrees_of_freedom(14, 13)
    # rate ratio (320/91) / (320/90)
    assert result.estimate == pytest.approx((320 / 91) / (320 / 90))
    p0, n_eff = 91 / 181, 640 / result.dispersion
    z = (320 / 640 - p0) / math.sqrt(p0 * (1 - p0) / n_eff)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(z), df))
    assert result.lower < 1 < result.upper and result.tested and not result.significant
    assert significance_status(result, "lower") == "no significant change"
    assert f"phi = {phi:.2f}" in result.method and f"{df:.1f} degrees of freedom" in result.method


def test_quasi_poisson_floors_phi_at_one():
    # a flat series has no month-to-month variation at all: phi would be 0, the test uses 1 (Poisson)
    s = series([50] * 12 + [40] * 12)  # one step, screened as an outlier moving range
    result = compare_counts(s, rolling_window("2023-12", 12), rolling_window("2024-12", 12))
    assert result.dispersion == 1.0
    # p0 = 366 / 731 (2024 is a leap year); C/N = 480/1080; z on 1080 events; t with the df of 22 kept
    # moving ranges of 23, whose 22 adjacent pairs lose the 2 that touch the screened step: 20
    p0 = 366 / 731
    z = (480 / 1080 - p0) / math.sqrt(p0 * (1 - p0) / 1080)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(z), moving_range_degrees_of_freedom(22, 20)))
    assert (
        result.significant
        and significance_status(result, "lower") == "improved"
        and significance_status(result, "higher") == "worse"
    )


def test_quasi_poisson_refuses_what_it_cannot_test():
    s = series(list(range(100, 124)))
    overlap = compare_counts(s, rolling_window("2023-12", 12), rolling_window("2024-06", 12))
    assert not overlap.tested and "overlap" in overlap.note and overlap.p_value is None
    assert significance_status(overlap, "lower") == "up"  # direction only, never a tested word
    with pytest.raises(ParameterError, match="equal length"):
        compare_counts(s, rolling_window("2023-06", 6), rolling_window("2024-12", 12))
    few = compare_counts(series([5, 6, 7, 8]), rolling_window("2023-02", 2), rolling_window("2023-04", 2))
    assert not few.tested and "month-to-month changes" in few.note
    with pytest.raises(KeyError, match="2022-12"):
        compare_counts(s, rolling_window("2022-12", 1), rolling_window("2023-06", 1))


def test_difference_in_change_hotspots_against_the_rest_by_hand():
    months = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    baseline, current = rolling_window("2023-12", 12), rolling_window("2024-12", 12)
    rest = pd.Series([1000] * 12 + [500] * 12, index=months)  # halved: 12,000 -> 6,000
    same = compare_changes(pd.Series([100] * 12 + [50] * 12, index=months), rest, baseline, current)
    assert same.estimate == pytest.approx(1.0) and same.p_value == pytest.approx(1.0)
    assert significance_status(same, "lower") == "no significant change"  # "no more than force-wide"
    more = compare_changes(pd.Series([100] * 12 + [40] * 12, index=months), rest, baseline, current)
    # (480/1200) / (6000/12000) = 0.8; flat halves give phi 1 (the step's moving range is screened), so
    # se = sqrt(1/1200 + 1/480 + 1/12000 + 1/6000) = 0.056273 and t = log(0.8) / 0.056273 = -3.965
    # each series has 22 kept moving ranges (20 adjacent pairs), so the same df nu; Welch-Satterthwaite:
    # nu (Va + Vb)**2 / (Va**2 + Vb**2) with Va = 1/1200 + 1/480 = 0.0029167, Vb = 0.00025: 1.1702 nu
    va, vb = 1 / 1200 + 1 / 480, 1 / 12000 + 1 / 6000
    se, df = math.sqrt(va + vb), moving_range_degrees_of_freedom(22, 20) * (va + vb) ** 2 / (va**2 + vb**2)
    assert more.estimate == pytest.approx(0.8) and -math.log(0.8) / se == pytest.approx(3.965, abs=1e-3)
    assert more.p_value == pytest.approx(2 * stats.t.sf(-math.log(0.8) / se, df))
    assert (more.reference, more.value) == (pytest.approx(0.5), pytest.approx(0.4))
    assert more.significant and significance_status(more, "lower") == "improved"
    assert more.percent_change == pytest.approx(-20.0) and more.percent_interval[1] < 0
    zero = compare_changes(pd.Series([0] * 24, index=months), rest, baseline, current)
    assert not zero.tested and zero.estimate is None


def test_two_proportions_match_newcombe_1998():
    # Newcombe (1998) Statistics in Medicine 17:873, table II, method 10: (a) 56/70 - 48/80 gives
    # 0.0524 to 0.3339; (b) 9/10 - 3/10: 0.1705 to 0.8090; (d) 5/56 - 0/29: -0.0381 to 0.1926;
    # (e) 0/10 - 0/20: -0.1611 to 0.2775. Differences are in percentage points here.
    for (x1, n1, x2, n2), (low, high) in [
        ((56, 70, 48, 80), (5.24, 33.39)),
        ((9, 10, 3, 10), (17.05, 80.90)),
        ((5, 56, 0, 29), (-3.81, 19.26)),
        ((0, 10, 0, 20), (-16.11, 27.75)),
    ]:
        result = compare_shares(x2, n2, x1, n1)
        assert result.estimate == pytest.approx((x1 / n1 - x2 / n2) * 100)
        assert (round(result.lower, 2), round(result.upper, 2)) == (low, high)
    # pooled z: p = 104/150 = 0.69333; se = sqrt(0.69333 x 0.30667 x (1/70 + 1/80)) = 0.075467;
    # z = 0.2 / 0.075467 = 2.650, two-sided p = 0.00805 - Pearson's chi-squared without correction
    result = compare_shares(48, 80, 56, 70)
    assert result.p_value == pytest.approx(0.00805, abs=5e-5)
    chi2 = stats.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert result.p_value == pytest.approx(chi2.pvalue)
    assert (result.reference, result.value) == (pytest.approx(60.0), pytest.approx(80.0))
    assert significance_status(result, "higher") == "improved" and result.dispersion is None
    assert not compare_shares(0, 0, 3, 10).tested


def test_disparity_rate_ratio_matches_r_poisson_test():
    # R: poisson.test(c(11, 21), c(800, 3011)) -> rate ratio 1.971488, 95% CI 0.8584264 to 4.2772659,
    # p-value 0.07967 (the example in R's documentation)
    result = rate_ratio(11, 800, 21, 3011)
    assert result.estimate == pytest.approx(1.971488, abs=1e-6)
    assert result.lower == pytest.approx(0.8584264, abs=1e-7) and result.upper == pytest.approx(4.2772659, abs=1e-7)
    assert result.p_value == pytest.approx(0.07967, abs=1e-5)
    assert result.value == pytest.approx(11 / 800 * 1000) and result.reference == pytest.approx(21 / 3011 * 1000)
    # no events in the group: estimate 0; upper limit from 1 - 0.025**(1/10) = 0.30850, over 1 - 0.30850
    zero = rate_ratio(0, 1000, 10, 1000)
    assert zero.estimate == 0 and zero.lower == 0
    assert zero.upper == pytest.approx((1 - 0.025**0.1) / 0.025**0.1)


def test_verdict_words():
    big = rate_ratio(300, 1000, 100, 1000)  # tested, significant, up
    assert (
        significance_status(big, "lower") == "worse"
        and significance_status(big, "higher") == "improved"
        and significance_status(big, "n/a") == "up"
    )
    same = rate_ratio(100, 1000, 100, 1000)
    assert same.direction == "unchanged" and significance_status(same, "lower") == "no significant change"
    assert significance_status(compare_shares(0, 0, 0, 0), "lower") == "no comparison"


def test_dispersion_screens_a_step_and_is_scale_free():
    # a step of 50% between two flat halves is one outlying moving range: screened, phi stays at 0 -> 1
    from pack.periods import Month

    days = [(Month(2023, 1) + i).days for i in range(24)]
    flat_step = dispersion(series([20 * d for d in days[:12]] + [10 * d for d in days[12:]]))  # 20 a day, then 10
    assert flat_step.estimate == 0 and flat_step.phi == 1 and flat_step.screened == 1
    # standardised changes do not depend on the level: 10x the counts with 10x the variance (phi 10x)
    low = dispersion(series([100, 120, 100, 120, 100, 120]))
    high = dispersion(series([1000, 1200, 1000, 1200, 1000, 1200]))
    assert high.estimate == pytest.approx(low.estimate * 10)
    assert dispersion(series([1, 2])) is None


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=400), min_size=24, max_size=24))
def test_interval_excludes_one_exactly_when_significant(values):
    result = compare_counts(series(values), rolling_window("2023-12", 12), rolling_window("2024-12", 12))
    if not result.tested:
        return
    excludes = result.upper < 1 or result.lower > 1
    near_edge = min(abs(result.upper - 1), abs(result.lower - 1)) < 1e-9
    assert excludes == result.significant or near_edge
    assert result.dispersion >= 1


def test_dispersion_is_estimated_on_daily_rates():
    # a constant daily rate: the monthly counts differ only by month length (28 to 31 days), which is not noise
    from pack.periods import Month

    days = [(Month(2023, 1) + i).days for i in range(24)]
    steady = dispersion(series([40 * d for d in days]))
    assert steady.estimate == 0 and steady.phi == 1  # on raw counts: changes of up to 120 on about 1,200
    # February 2023 (28 days) 1,120 and March (31) 1,240 are one change of the daily rate 40 -> 40, not 120;
    # January 1,240 (31 days) -> February 1,400 (28 days, 50 a day): |50 - 40| / sqrt(r (1/28 + 1/31) / 2) with
    # r = 2,640 / 59 a day, which on counts would have been |1,400 - 1,240| / sqrt(1,320)
    jump = series([1240, 1400, 1240, 1200, 1240, 1200, 1240])  # Jan..Jul 2023: 40 a day but 50 in February
    r = (1240 + 1400) / 59
    standardised = (50 - 40) / math.sqrt(r * (1 / 28 + 1 / 31) / 2)
    expected = [standardised, standardised] + [0.0] * 4  # Feb and Mar against their neighbours; then steady
    estimate = dispersion(jump)
    mean = sum(expected) / 6
    assert estimate.screened == 0 and estimate.moving_ranges == 6
    assert estimate.estimate == pytest.approx((mean / (2 / math.sqrt(math.pi))) ** 2)
