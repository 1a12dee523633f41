"""The window-aware figure record (pack.figures): coverage, units, freshness and changes, with
answers worked by hand, and the rules every chart series and window total must keep for any set of
missing months (hypothesis)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.figures import (
    Change,
    Coverage,
    Figure,
    chart_series,
    covered_value,
    dated,
    spc_series,
    unit,
    window_total,
)
from pack.indicators import indicator_row
from pack.measures import rolling_total
from pack.periods import Month, Window, month_range, rolling_window

MONTHS = [str(m) for m in month_range(Month(2021, 1), Month(2023, 12))]  # 36 months


def months_from(first: str, last: str) -> list[str]:
    return [str(m) for m in month_range(Month.parse(first), Month.parse(last))]


# ---------------------------------------------------------------------------------------------
# Units


def test_units_write_values_and_changes_in_their_own_terms() -> None:
    assert unit("incidents").format(27591.0) == "27,591 incidents"
    assert unit("%").format(7.6836) == "7.7%"
    assert unit("£m").format(212.226) == "£212.226m" and unit("£m").format(4.3) == "£4.3m"
    assert unit("seconds").format(6.0) == "6.0 seconds"
    assert unit("per 1,000").format(6.45) == "6.45 per 1,000"
    assert unit("%").change_name == "percentage points" and unit("crimes").change_name == "crimes"
    assert [unit(u).percentage_allowed for u in ("crimes", "£m", "%", "per 1,000")] == [True, True, False, False]


def test_a_share_changes_in_percentage_points_never_in_per_cent() -> None:
    # the demo's charge rate: 7.68% -> 5.67% is 2.01 points down (it was printed as "-26.2%")
    window_a, window_b = rolling_window("2021-05"), rolling_window("2024-01")
    change = Change(Figure(7.6836, unit("%"), window_a.label), Figure(5.6741, unit("%"), window_b.label))
    assert change.difference == pytest.approx(-2.0095)
    assert change.percent is None
    assert change.text() == "down 2.0 percentage points"
    assert change.movement() == "fell by 2.0 percentage points (from 7.7% to 5.7%)"


def test_a_count_changes_in_per_cent_except_on_a_small_base() -> None:
    a, b = Figure(58658.0, unit("incidents"), "a", base=58658.0), Figure(29309.0, unit("incidents"), "b")
    assert Change(a, b).percent == pytest.approx(-50.034, abs=0.001)  # (29,309 - 58,658) / 58,658
    assert Change(a, b).text() == "down 29,349 incidents (50.0%)"
    assert Change(a, b).movement() == "fell by 50% (from 58,658 to 29,309 incidents)"
    small = Change(Figure(12.0, unit("casualties"), "a", base=12.0), Figure(17.0, unit("casualties"), "b"))
    assert small.small_base and small.percent is None  # 12 < 20: no "+42%"
    assert small.text() == "up 5 casualties"
    assert small.movement() == "rose by 5 (from 12 to 17 casualties)"


def test_a_rate_changes_by_its_own_unit() -> None:
    change = Change(Figure(1.9, unit("per 1,000"), "a"), Figure(6.45, unit("per 1,000"), "b"))
    assert change.percent is None and change.difference == pytest.approx(4.55)
    assert change.text() == "up 4.55 per 1,000"


# ---------------------------------------------------------------------------------------------
# Coverage and figures


def test_a_total_over_a_window_with_a_missing_month_is_not_covered() -> None:
    covered = [m for m in months_from("2021-03", "2022-11") if m != "2021-09"]
    series = pd.Series(10, index=covered)
    coverage = Coverage({"street": tuple(covered)})
    whole = window_total(series, rolling_window("2022-11"), coverage, ("street",), unit("crimes"))
    assert whole.shown == 120.0 and whole.text() == "120 crimes"  # 2021-12 .. 2022-11: 12 x 10
    gap = window_total(series, rolling_window("2022-03"), coverage, ("street",), unit("crimes"))
    assert gap.shown is None and gap.state == "not covered"
    assert gap.text() == "not covered: missing 2021-09"  # never 110, a total of 11 months
    early = window_total(series, rolling_window("2021-05"), coverage, ("street",), unit("crimes"))
    assert early.text() == "not covered: missing 2020-06..2021-02"


def test_an_outcome_figure_needs_street_and_outcome_months() -> None:
    coverage = Coverage(
        {"street": tuple(months_from("2021-03", "2022-11")), "outcomes": tuple(months_from("2021-03", "2022-03"))}
    )
    calls = []

    def compute() -> float:
        calls.append(1)
        return 5.0

    late = covered_value(compute, rolling_window("2022-11"), coverage, ("street", "outcomes"), unit("%"))
    assert late.text() == "not covered: missing 2022-04..2022-11 (outcome files)"
    assert calls == []  # the value is not even computed from part of the window
    both = covered_value(compute, rolling_window("2021-05"), coverage, ("street", "outcomes"), unit("%"))
    assert both.text() == "not covered: missing 2020-06..2021-02 (street files and outcome files)"


def test_a_figure_dated_before_its_window_is_out_of_date_and_never_compared() -> None:
    window = rolling_window("2022-03")  # April 2021 .. March 2022
    headcount = dated(1839.0, "2019-09-30", window, unit("people"))
    assert headcount.state == "out of date" and headcount.shown is None
    assert headcount.text() == "out of date (as at 30 September 2019): 1,839 people"
    baseline = dated(1839.0, "2019-09-30", rolling_window("2021-05"), unit("people"))
    row = indicator_row("officer_headcount", "Police officers (headcount)", baseline, headcount, "higher", "test")
    assert (row.status, row.current_value, row.baseline_value, row.change) == ("out of date", None, None, None)
    assert row.current_text == "out of date (as at 30 September 2019): 1,839 people"
    assert "before the 12 months ending March 2022 began" in row.note
    fresh = dated(2124.0, "2021-09-30", window, unit("people"))
    assert fresh.state == "shown" and fresh.label == "at 30 September 2021"


def test_one_figure_is_never_compared_with_itself() -> None:
    """Overlapping windows can pick the same snapshot for both: no "no change" verdict from it."""
    baseline, current = rolling_window("2021-05"), rolling_window("2022-03")  # share April and May 2021
    same = dated(1900.0, "2021-04-30", current, unit("people"))
    row = indicator_row("x", "X", dated(1900.0, "2021-04-30", baseline, unit("people")), same, "higher", "test")
    assert row.status == "no comparison" and row.change is None
    assert "one figure" in row.note


def test_overlapping_windows_are_shown_but_not_tested() -> None:
    covered = tuple(months_from("2020-01", "2022-03"))
    series = pd.Series(10, index=list(covered))
    baseline, current = rolling_window("2021-05"), rolling_window("2022-03")
    a = window_total(series, baseline, Coverage({"street": covered}), ("street",), unit("crimes"))
    b = window_total(series, current, Coverage({"street": covered}), ("street",), unit("crimes"))
    row = indicator_row("x", "X", a, b, "lower", "test", status="improved", test="exact Poisson", reason="tested")
    assert (row.baseline_value, row.current_value, row.change) == (120.0, 120.0, 0.0)
    assert row.status == "no comparison" and row.test == "none: windows overlap (2021-04..2021-05)"
    assert (row.tested, row.test_reason) == (False, "windows_overlap")


# ---------------------------------------------------------------------------------------------
# Series for charts


def test_rolling_totals_run_by_calendar_month_and_stop_at_a_gap() -> None:
    # 2023-01 .. 2024-02 with June 2023 missing: 13 values spanning 14 months
    months = [m for m in months_from("2023-01", "2024-02") if m != "2023-06"]
    series = pd.Series(1.0, index=months)
    rolling = rolling_total(series, 12)
    assert list(rolling.index) == months_from("2023-01", "2024-02")  # every calendar month
    assert rolling.dropna().empty  # every 12 months ending 2023-12 .. 2024-02 contains June 2023
    whole = pd.Series(range(1, 15), index=months_from("2023-01", "2024-02"), dtype=float)
    assert rolling_total(whole).loc["2024-02"] == sum(range(3, 15))  # 3 + ... + 14 = 102


def test_a_chart_series_ends_at_the_reporting_period_with_gaps_kept() -> None:
    covered = [m for m in months_from("2021-03", "2022-11") if m != "2021-09"]
    series = pd.Series(5, index=covered)
    shown = chart_series(series, Coverage({"street": tuple(covered)}), ("street",), Month(2022, 3))
    assert shown.index[0] == "2021-03" and shown.index[-1] == "2022-03"  # not 2022-11
    assert math.isnan(shown.loc["2021-09"]) and shown.loc["2021-10"] == 5.0
    xmr = spc_series(series, Coverage({"street": tuple(covered)}), ("street",), Month(2022, 11))
    assert (xmr.index[0], xmr.index[-1], len(xmr)) == ("2021-10", "2022-11", 14)  # the run after the gap


# ---------------------------------------------------------------------------------------------
# Properties: whatever months are missing


@st.composite
def coverage_cases(draw: st.DrawFn) -> tuple[list[str], Month, int]:
    missing = draw(st.sets(st.sampled_from(MONTHS), max_size=8))
    end = Month.parse(draw(st.sampled_from(MONTHS[11:])))
    length = draw(st.sampled_from([1, 3, 12]))
    return [m for m in MONTHS if m not in missing], end, length


@settings(max_examples=examples(200), deadline=None)
@given(coverage_cases())
def test_no_chart_value_or_rolling_total_spans_an_uncovered_month(case: tuple[list[str], Month, int]) -> None:
    covered, end, length = case
    coverage = Coverage({"street": tuple(covered)})
    series = pd.Series(range(1, len(MONTHS) + 1), index=MONTHS, dtype=float)  # values even where not covered
    shown = chart_series(series, coverage, ("street",), end)
    assert all(Month.parse(m) <= end for m in shown.index)
    assert all(m in covered for m, v in shown.items() if not math.isnan(v))
    for m, total in rolling_total(shown, 12).items():
        if not math.isnan(total):
            assert all(str(x) in covered for x in rolling_window(m, 12).months())
    window = rolling_window(end, length)
    figure = window_total(series, window, coverage, ("street",), unit("crimes"))
    if all(m in covered for m in window.month_strings()):
        assert figure.shown == float(series.loc[window.month_strings()].sum())
    else:
        assert figure.shown is None and figure.text().startswith("not covered: missing ")
    xmr = spc_series(series, coverage, ("street",), end)
    assert xmr.notna().all() and all(m in covered for m in xmr.index)
    if len(xmr):
        assert xmr.index[-1] == str(end)
        assert list(xmr.index) == [str(m) for m in month_range(Month.parse(xmr.index[0]), end)]


@settings(max_examples=examples(100), deadline=None)
@given(
    st.floats(0, 100), st.floats(0, 100), st.integers(0, 5000), st.integers(0, 5000), st.sampled_from(["%", "crimes"])
)
def test_changes_follow_the_unit(a: float, b: float, base_a: int, base_b: int, name: str) -> None:
    window_a, window_b = Window(Month(2021, 1), Month(2021, 12)), Window(Month(2022, 1), Month(2022, 12))
    first = Figure(a, unit(name), window_a.label, window_a, base=base_a, period=window_a)
    second = Figure(b, unit(name), window_b.label, window_b, base=base_b, period=window_b)
    change = Change(first, second)
    assert change.difference == pytest.approx(b - a)
    if name == "%":
        assert change.percent is None
        assert change.text() == "no change" or "percentage points" in change.text()
    elif base_a < 20 or a == 0:
        assert change.percent is None
    else:
        assert change.percent == pytest.approx((b - a) / a * 100)
