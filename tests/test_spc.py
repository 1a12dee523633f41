"""SPC as NHS "Making Data Count" does it: known answers for every rule, rebasing, and properties.

Rule source for every fixture: NHSRplotthedots 0.2 (github.com/nhs-r-community/NHSRplotthedots),
R/ptd_spc_standard.R (limits, moving-range screening, the two-sigma band) and
R/ptd_calculate_point_type.R (the four rules, their precedence and improvement/concern), the NHS-R
Community's implementation of the MDC Excel tools. Arithmetic for each expected answer is in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.errors import ParameterError
from pack.periods import Month
from pack.spc import MIN_POINTS, describe, special_causes, xmr, xmr_limits
from pack.spc_rules import auto_breaks, side_of, trend_directions, two_in_three


def monthly(values, start: str = "2021-01") -> pd.Series:
    first = Month.parse(start)
    return pd.Series(values, index=[str(first + i) for i in range(len(values))], dtype="float64")


def special(result) -> dict[int, str]:
    """Position -> rule of every special-cause point."""
    rules = result.points["rule"].tolist()
    return {i: rules[i] for i in np.flatnonzero(result.points["special_cause"].to_numpy())}


# --- limits -----------------------------------------------------------------------------------------


def test_limits_screen_moving_ranges_as_nhsrplotthedots_vignette():
    """NHSRplotthedots vignette "Deviations from Excel defaults": this series gives UPL 4.6, mean 1.94,
    LPL -0.72 with screening (the default) and UPL 6.95, LPL -3.06 without (the MDC Excel tool)."""
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    # mean = 35/18 = 1.944; moving ranges: 15 of 1, then 8 and 9: average 32/17 = 1.882
    unscreened = xmr_limits(pd.Series(data), screen=False)
    assert unscreened.mean == pytest.approx(35 / 18)
    assert unscreened.upper == pytest.approx(35 / 18 + 2.66 * 32 / 17)  # 6.95
    assert round(unscreened.upper, 2) == 6.95 and round(unscreened.lower, 2) == -3.06
    # screening drops moving ranges >= 3.267 x 1.882 = 6.15 (the 8 and the 9): average 15/15 = 1
    screened = xmr_limits(pd.Series(data))
    assert screened.mean_moving_range == 1.0
    assert round(screened.upper, 2) == 4.6 and round(screened.lower, 2) == -0.72
    # the vignette's chart: "four grey common cause points followed by a single blue special cause
    # improvement point followed by a further 12 grey common cause points"
    result = xmr(pd.Series(data), "higher")
    assert special(result) == {4: "above the upper limit"}
    assert result.points["point_type"].iloc[4] == "special_cause_improvement"
    assert (result.points["point_type"].drop(index=4) == "common_cause").all()


def test_legacy_xmr_limits_by_hand():
    limits = xmr_limits(pd.Series([10, 12, 10, 12]))
    assert limits.mean == 11 and limits.mean_moving_range == 2
    assert limits.upper == pytest.approx(16.32) and limits.lower == pytest.approx(5.68)
    assert limits.sigma == pytest.approx(2 * 2.66 / 3)  # 2 / 1.128


# --- the four rules, each on a hand-built series of at least 15 points ------------------------------


def test_shift_rule_seven_points_on_one_side():
    """MDC shift: 7 or more points in a row on one side of the mean (NHSRplotthedots
    ptd_seven_point_one_side_mean); all of them are flagged, 6 are not enough."""
    seven = [14, 10, 14, 10, 14, 10, 14, 10, 13, 15, 13, 15, 13, 15, 13]
    # mean = (4*14 + 4*10 + 4*13 + 3*15) / 15 = 193/15 = 12.87; positions 8..14 all above, 7 is below.
    # mean moving range = (7*4 + 1 + 6*2) / 14 = 2.93: limits 5.08..20.66, two-sigma band 7.67..18.06
    result = xmr(monthly(seven), "lower")
    assert special(result) == dict.fromkeys(range(8, 15), "run above the mean")
    assert set(result.points["point_type"].iloc[8:]) == {"special_cause_concern"}
    six = [14, 10, 14, 10, 14, 10, 14, 10, 13, 15, 13, 15, 13, 15, 10]  # mean 12.67: only 6 above
    assert special(xmr(monthly(six), "lower")) == {}


def test_trend_rule_seven_points_rising():
    """MDC trend: 7 points each higher (or lower) than the one before (NHSRplotthedots
    ptd_seven_point_trend; the older NHS Improvement rule of 6 is not used); all 7 flagged."""
    rising7 = [14, 10, 14, 10, 14, 10, 14, 10, 9, 10, 11, 12, 13, 14, 15, 11]
    # mean = 191/16 = 11.94: 9, 10, 11 below and 12..15 above, so no run of 7 on one side;
    # mean moving range = (7*4 + 1 + 6*1 + 4) / 15 = 2.6: limits 5.02..18.86, nothing near them
    result = xmr(monthly(rising7), "higher")
    assert special(result) == dict.fromkeys(range(8, 15), "rising trend")
    assert set(result.points["point_type"].iloc[8:15]) == {"special_cause_improvement"}
    rising6 = [14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 11, 12, 13, 14, 15, 11]  # 10..15: 6 points
    assert special(xmr(monthly(rising6), "higher")) == {}


def test_trend_directions_match_nhsrplotthedots_unit_tests():
    """NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R, ptd_seven_point_trend: a tie
    breaks a trend (c(1:3, 3:6)); 2, 1:7, 3 marks 1..7; at the turn of a rise and a fall the point
    takes the direction to its right."""
    assert trend_directions(np.array([1, 2, 3, 3, 4, 5, 6])).tolist() == [0] * 7
    assert trend_directions(np.arange(1, 7)).tolist() == [0] * 6
    assert trend_directions(np.array([2, 1, 2, 3, 4, 5, 6, 7, 3])).tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 0]
    assert trend_directions(np.array([2, 7, 6, 5, 4, 3, 2, 1, 3])).tolist() == [0, -1, -1, -1, -1, -1, -1, -1, 0]
    peak = trend_directions(np.array([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]))
    assert peak.tolist() == [1] * 6 + [-1] * 7


def test_two_in_three_near_the_limit_same_side():
    """MDC: 2 of 3 points in a row beyond two sigma (inside the limits), all 3 on the same side of the
    mean (NHSRplotthedots ptd_two_in_three, fixed for opposite sides in 0.2.2, issue #143); only the
    points near the limit are flagged (ptd_part_of_two_in_three)."""
    base = [10, 14] * 10
    same_side = base + [23, 14, 23] + [10, 14]
    # mean = (240 + 60 + 24) / 25 = 12.96; moving ranges (19*4 + 9 + 9 + 9 + 13 + 4) / 24 = 5.0:
    # two-sigma band up to 12.96 + 1.7733*5 = 21.83, upper limit 12.96 + 13.3 = 26.26, so 23 is near
    # the limit but inside it, and 14 (position 21) is above the mean but not near the limit
    result = xmr(monthly(same_side), "lower")
    assert special(result) == {20: "2 of 3 near the upper limit", 22: "2 of 3 near the upper limit"}
    opposite = base + [23, 10, 23] + [10, 14]
    # mean 320/25 = 12.8, moving ranges 128/24 = 5.33: 23 is still near the limit (22.26..26.99), but
    # the middle point is below the mean, so the three are not on one side: no signal
    assert special(xmr(monthly(opposite), "lower")) == {}
    # the package's own unit tests (ptd_two_in_three g and h, then ptd_part_of_two_in_three)
    ones = np.ones(7, dtype=int)
    assert two_in_three(np.array([0, 0, 1, 0, 1, 0, 0], bool), ones).tolist() == [0, 0, 1, 0, 1, 0, 0]
    assert not two_in_three(np.array([0, 0, 1, 0, 1, 0, 0], bool), np.array([1, -1, 1, -1, 1, -1, 1])).any()


def test_rule_precedence_outside_before_trend_before_run():
    """NHSRplotthedots ptd_special_cause_type: outside limits, then trend, then 2 in 3, then shift."""
    values = [10, 14] * 8 + [9, 10, 11, 12, 13, 14, 40]
    # mean = (192 + 69 + 40) / 23 = 13.09; moving ranges: 16*4... the jump 14 -> 40 (26) is screened,
    # so limits stay near 13.09 +- 2.66*3.3: 40 is outside; 9..14 with 40 make 7 rising points
    result = xmr(monthly(values), "higher")
    assert result.points["rule"].iloc[-1] == "above the upper limit"
    assert set(result.points["rule"].iloc[16:22]) == {"rising trend"}


def test_fewer_than_15_points_no_limits_no_signals():
    """MDC asks for at least 15 points before limits; with 14 even a glaring outlier is not a signal."""
    result = xmr(monthly([10, 11] * 6 + [10, 500]), "lower")
    assert MIN_POINTS == 15 and not result.has_limits
    assert not result.points["special_cause"].any() and result.points["upper"].isna().all()
    assert "14 points" in result.note and "15" in result.note
    assert result.variation.code == "no_limits"
    assert describe(result) == "too few months for control limits (14; at least 15 needed)"
    assert not special_causes(pd.Series([10, 11] * 6 + [10, 500]))["any"].any()


# --- rebasing ---------------------------------------------------------------------------------------

STEP_E = [2, -2, 3, -3, 1, -1, 4, -4, 2, -2, 3, -3, 1, -1, -4, 4, -2, 2, -3, 3]  # sums to 0


def step_series() -> pd.Series:
    """20 months around 100 (mean exactly 100), then 20 around 70 whose last month is 40."""
    before = [100 + e for e in STEP_E]
    after = [70 + e for e in STEP_E[:19]] + [40]
    return monthly(before + after, start="2020-11")  # position 20 = July 2022


def test_one_clear_step_gives_two_phases_and_only_genuine_signals():
    series = step_series()
    # locked centre of phase 1 = mean of its first 15 = 100 + (-4)/15 = 99.73; position 19 (103) is
    # above it and positions 20.. (around 70) below: a run of 20 starts at 20, so phase 2 starts there
    result = xmr(series, "lower")
    assert [(p.first, p.last, p.automatic) for p in result.phases] == [
        ("2020-11", "2022-06", False),
        ("2022-07", "2024-02", True),
    ]
    first, second = (p.limits for p in result.phases)
    # phase 1: mean 100; moving ranges sum to 93 over 19: 4.895, limits 100 +- 13.02
    assert first.mean == pytest.approx(100) and first.mean_moving_range == pytest.approx(93 / 19)
    # phase 2: mean (1330 - 3 + 40) / 20 = 68.35; the last moving range (67 -> 40 = 27) is screened
    # (>= 3.267 * 114/19 = 19.6), leaving 87/18 = 4.83: lower limit 68.35 - 12.86 = 55.49
    assert second.mean == pytest.approx(68.35) and second.mean_moving_range == pytest.approx(87 / 18)
    # the only genuine signal: the last month, below its phase's lower limit; lower is better
    assert special(result) == {39: "below the lower limit"}
    assert result.variation.code == "improvement_low"
    assert result.points["phase"].tolist() == [1] * 20 + [2] * 20
    assert describe(result, "Burglary") == (
        "Burglary: sustained fall since mid-2022: limits recalculated from July 2022; "
        "latest month below the lower limit (improvement)"
    )
    # limits across the step (the old way) flag the whole series as a run on one side of the mean
    assert special_causes(series)["any"].sum() == 40
    assert xmr(series, "higher").variation.code == "concern_low"


def test_rebasing_can_be_switched_off_and_known_change_points_split():
    series = step_series()
    single = xmr(series, "lower", rebase=False)
    assert len(single.phases) == 1 and single.points["special_cause"].sum() == 40
    known = xmr(series, "lower", rebase=False, change_points=["2022-07"])
    assert [p.reason for p in known.phases] == ["start of the series", "known change point"]
    assert describe(known).startswith("lower since the change in July 2022: limits recalculated from July 2022")
    short = xmr(series, "lower", rebase=False, change_points=["2023-06"])  # leaves 9 points after it
    assert short.phases[1].limits is None and "9 points: too few for limits" in short.phases[1].reason
    assert describe(short).startswith("9 months since the change in June 2023: too few for new limits")
    with pytest.raises(ParameterError, match="2030-01"):
        xmr(series, change_points=["2030-01"])


def test_a_run_that_ends_too_recently_is_a_signal_not_a_phase():
    """A new phase needs 15 points of its own; a run of 8 at the end stays a signal in one phase."""
    values = [8, 14] * 10 + [9, 10] * 4
    # mean = (220 + 76) / 28 = 10.57: the first 20 alternate about it, the last 8 are all below;
    # mean moving range (19*6 + 5 + 7*1) / 27 = 4.67, limits 10.57 +- 12.41: nothing else signals;
    # 28 points cannot make two phases of 15, so the run is flagged rather than rebased
    result = xmr(monthly(values), "lower")
    assert len(result.phases) == 1
    assert set(special(result).values()) == {"run below the mean"} and max(special(result)) == 27
    assert describe(result) == "8 months below the mean since September 2022 (improvement)"
    assert result.variation.code == "improvement_low"


def test_common_cause_only_and_missing_values():
    result = xmr(monthly([12, 10, 11] * 6), "lower")
    assert describe(result) == "common-cause variation only" and result.variation.code == "common_cause"
    assert "no significant change" in result.variation.meaning
    with pytest.raises(ValueError, match="2021-02"):
        xmr(monthly([1.0, None] + [1.0] * 20))


# --- properties -------------------------------------------------------------------------------------

series_values = st.lists(st.integers(min_value=0, max_value=60), min_size=0, max_size=60)
stepped = st.tuples(
    st.lists(st.integers(0, 20), min_size=15, max_size=40),
    st.lists(st.integers(0, 20), min_size=15, max_size=40),
    st.integers(-30, 30),
).map(lambda t: t[0] + [x + 40 + t[2] for x in t[1]])


@settings(max_examples=examples(150), deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=0, max_value=60))
def test_a_constant_series_never_signals(value, n):
    result = xmr(pd.Series([value] * n), "lower")
    assert not result.points["special_cause"].any()
    assert len(result.phases) <= 1


@settings(max_examples=examples(150), deadline=None)
@given(series_values)
def test_reversing_the_better_direction_swaps_improvement_and_concern(values):
    lower = xmr(pd.Series(values), "lower").points["point_type"]
    higher = xmr(pd.Series(values), "higher").points["point_type"]
    swap = {"special_cause_improvement": "special_cause_concern", "special_cause_concern": "special_cause_improvement"}
    swap |= {"special_cause_before_improvement": "special_cause_before_concern"}
    swap |= {"special_cause_before_concern": "special_cause_before_improvement"}
    assert higher.tolist() == [swap.get(t, t) for t in lower]
    neutral = xmr(pd.Series(values), "n/a").points["point_type"]
    assert (neutral.str.startswith("special_cause_neutral") == lower.str.startswith("special_cause_")).all()


def test_a_steadily_falling_series_whose_better_direction_is_lower_carries_no_concern_marker():
    # 100, 98, ..., 22: one phase per 20 months (auto_breaks), each falling; before the reading by
    # direction its first months, above its mean, were each a "concern"
    months = [str(Month(2020, 1) + i) for i in range(40)]
    falling = pd.Series([100.0 - 2 * i + (i % 2) for i in range(40)], index=months)
    result = xmr(falling, "lower")
    kinds = result.points["point_type"]
    assert "special_cause_concern" not in set(kinds)
    assert [p.start for p in result.phases] == [0, 20]
    # phase 1 (100, 99, 96, 95, ... 63): the first months are high only because the series fell
    assert kinds.iloc[0] == "special_cause_before_improvement" and kinds.iloc[-1] == "special_cause_improvement"
    assert result.variation.code == "improvement_low"
    # the same series read with higher better: no improvement marker either
    assert "special_cause_improvement" not in set(xmr(falling, "higher").points["point_type"])


def test_a_lone_high_month_in_a_stable_start_stays_a_concern():
    values = [10.0, 11.0] * 4 + [30.0] + [10.0, 11.0] * 5 + [6.0] * 8  # a spike at month 9, then a fall
    kinds = xmr(pd.Series(values), "lower", rebase=False).points["point_type"]
    assert kinds.iloc[8] == "special_cause_concern"  # not the level before the fall: it began common cause
    assert kinds.iloc[-1] == "special_cause_improvement"


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.integers(0, 5), min_size=MIN_POINTS, max_size=60))
def test_a_series_that_never_rises_carries_no_concern_where_lower_is_better(steps):
    values = pd.Series(np.cumsum([-s for s in steps], dtype=float) + 1000)
    assert "special_cause_concern" not in set(xmr(values, "lower").points["point_type"])


@settings(max_examples=examples(150), deadline=None)
@given(st.one_of(series_values, stepped))
def test_negating_the_series_and_its_better_direction_changes_no_judgement(values):
    plain = xmr(pd.Series(values, dtype="float64"), "lower").points
    negated = xmr(-pd.Series(values, dtype="float64"), "higher").points
    assert plain["point_type"].tolist() == negated["point_type"].tolist()
    assert plain["phase"].tolist() == negated["phase"].tolist()


@settings(max_examples=examples(200), deadline=None)
@given(st.one_of(series_values, stepped))
def test_rebasing_never_puts_a_boundary_inside_a_short_run(values):
    v = np.array(values, dtype=float)
    result = xmr(pd.Series(v), "lower")
    for before, phase in zip(result.phases[:-1], result.phases[1:], strict=True):
        assert before.n >= MIN_POINTS and phase.n >= MIN_POINTS
        # the centre is the phase's first 15 points' mean (its locked limits) or, when no run starts
        # against that, the mean of the points from the phase's start (the centre line drawn)
        r = phase.start
        starts = []
        for centre in (v[before.start : before.start + MIN_POINTS].mean(), v[before.start :].mean()):
            sides = side_of(v, centre)
            starts.append(abs(int(sides[r : r + 7].sum())) == 7 and sides[r - 1] != sides[r])
        assert any(starts), "a boundary starts a run of at least 7 on one side, never inside it"
    assert [p.start for p in result.phases[1:]] == auto_breaks(v)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=0, max_size=MIN_POINTS - 1))
def test_fewer_than_15_points_never_signal(values):
    result = xmr(pd.Series(values), "higher")
    assert not result.points["special_cause"].any() and not result.has_limits
