"""Seasons are not change: a window shorter than a year is tested only against the same calendar
months of another year (the default baseline for such a window); across seasons it is shown untested
with the reason, for counts, changes against a reference series and shares alike."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pack.crime import group_indicator
from pack.data import prepare
from pack.figures import Coverage, Figure, unit
from pack.indicators import share_indicator
from pack.overdispersion import compare_changes, compare_counts
from pack.params import BuildParameters
from pack.periods import Month, comparison_windows, rolling_window, season_reason

MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021, 2022) for m in range(1, 13)]


def seasonal(level: float = 200.0, swing: float = 0.3) -> pd.Series:
    """Winter months high, summer low, the same every year (no change at all from year to year)."""
    high = {10, 11, 12, 1, 2, 3}
    return pd.Series([level * (1 + swing if int(m[5:]) in high else 1 - swing) for m in MONTHS], index=MONTHS)


def test_across_seasons_a_count_change_is_not_tested():
    # Apr-Sep 2021 (summer, 140 a month) against Oct 2021-Mar 2022 (winter, 260 a month): +86% by season alone
    result = compare_counts(seasonal(), rolling_window("2021-09", 6), rolling_window("2022-03", 6))
    assert not result.tested and result.p_value is None
    assert "different calendar months (Apr\u2013Sep against Oct\u2013Mar)" in result.note
    assert round(result.estimate, 3) == round((260 * 6 / 182) / (140 * 6 / 183), 3)  # the ratio is still shown


def test_same_months_a_year_earlier_and_whole_years_are_tested():
    series = seasonal()
    same = compare_counts(series, rolling_window("2021-03", 6), rolling_window("2022-03", 6))
    assert same.tested and not same.significant
    whole = compare_counts(series, rolling_window("2021-03", 12), rolling_window("2022-03", 12))
    assert whole.tested  # 12 months hold every season, whatever month they start in
    assert season_reason(rolling_window("2021-01", 12), rolling_window("2022-05", 12)) == ""


def test_across_seasons_a_change_against_a_reference_is_not_tested():
    result = compare_changes(seasonal(), seasonal(1000), rolling_window("2021-09", 3), rolling_window("2021-12", 3))
    assert not result.tested and "different calendar months (Jul\u2013Sep against Oct\u2013Dec)" in result.note


def share_figure(end: str, value: float) -> Figure:
    window = rolling_window(end, 6)
    return Figure(value, unit("%"), label=window.label, window=window, base=10_000)


def test_across_seasons_a_share_is_shown_untested():
    # -10 points on 10,000 cases each: far beyond chance, but Apr-Sep against Oct-Mar
    row = share_indicator("x", "A share", share_figure("2021-09", 60.0), share_figure("2022-03", 50.0), "higher", "s")
    assert row.status == "down" and row.test.startswith("none: the windows cover different calendar months")
    same = share_indicator("x", "A share", share_figure("2021-03", 60.0), share_figure("2022-03", 50.0), "higher", "s")
    assert same.status == "worse"  # the same months a year earlier: tested


def test_default_baseline_of_a_short_window_is_the_same_months_a_year_earlier():
    assert BuildParameters.create(period_end="2022-03", window=6).baseline_end == "2021-03"
    assert BuildParameters.create(period_end="2022-03", window=1).baseline_end == "2021-03"
    assert BuildParameters.create(period_end="2022-03").baseline_end == "2021-05"  # the default plan's baseline
    assert (
        BuildParameters.create(period_end="2023-01", window="fytd").baseline_end == "2021-05"
    )  # the default plan's baseline
    given = BuildParameters.create(period_end="2022-03", window=6, baseline_end="2021-09")
    assert given.baseline_end == "2021-09"  # a baseline given is kept (and tested across seasons only if it can be)


@pytest.fixture(scope="module")
def street(real_data: Path) -> tuple[pd.DataFrame, Coverage]:
    prepared = prepare(real_data)
    frame = pd.read_parquet(prepared.path / "street_monthly.parquet")
    return frame, Coverage({"street": tuple(prepared.quality.months("street"))})


def test_real_burglary_across_seasons_is_untested_with_its_reason(street):
    """Issue 30: Apr-Sep 2021 1,778 -> Oct 2021-Mar 2022 2,066 (+16.8%) was 'worse'; the next summer was back."""
    frame, coverage = street
    baseline, current = comparison_windows("2022-03", 6, "2021-09")
    row = group_indicator("burglary", frame, coverage, baseline, current)
    assert (row.baseline_value, row.current_value) == (1778, 2066)
    assert row.status == "up" and "different calendar months (Apr\u2013Sep against Oct\u2013Mar)" in row.test


def test_real_burglary_default_baseline_is_the_same_months_a_year_earlier(street):
    frame, coverage = street
    params = BuildParameters.create(period_end="2022-03", window=6)
    baseline, current = comparison_windows(params.period_end, 6, params.baseline_end)
    assert baseline == rolling_window(Month(2021, 3), 6)
    row = group_indicator("burglary", frame, coverage, baseline, current)
    # the street files start in March 2021: the same months a year earlier are not covered, and say so
    assert row.baseline_label == "6 months ending March 2021" and row.status == "no comparison"
    assert "2020-10..2021-02" in row.note
