"""Driving Efficiencies' headline: revenue outturn against the year's budget, scored by how far it
is from budget (an underspend is not "higher is better"), and usable reserves where supplied.

Every figure below is worked by hand from the rows written in the test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pack import finance
from pack.errors import DataError
from pack.periods import rolling_window
from pack.plan import load_plan

ROWS = [
    # year, table, line, value_gbp_m
    ("2021/22", "revenue", "Officers", 60.0),
    ("2021/22", "revenue", "Staff", 40.0),  # budget 100
    ("2022/23", "revenue", "Officers", 70.0),
    ("2022/23", "revenue", "Staff", 40.0),  # budget 110
    ("2021/22", "outturn", "Officers", 58.0),
    ("2021/22", "outturn", "Staff", 39.0),  # outturn 97: underspend 3, 3.0% of budget
    ("2022/23", "outturn", "Officers", 71.0),
    ("2022/23", "outturn", "Staff", 40.1),  # outturn 111.1: overspend 1.1, 1.0% of budget
    ("2021/22", "reserves", "General reserve", 8.0),
    ("2021/22", "reserves", "Earmarked reserves", 12.0),  # 20 at 31 March 2022
    ("2022/23", "reserves", "General reserve", 10.0),
    ("2022/23", "reserves", "Earmarked reserves", 15.0),  # 25 at 31 March 2023: 22.7% of 110
]


def _frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "table", "line", "value_gbp_m"])
    return frame.assign(order=range(len(frame)))


def _rows(frame: pd.DataFrame, end: str) -> dict:
    return {r.indicator_id: r for r in finance.finance_rows(frame, "test", rolling_window(end, 12))}


def test_outturn_variance_is_its_distance_from_budget_lower_better() -> None:
    row = _rows(_frame(ROWS), "2023-03")["revenue_outturn_variance_pct"]
    assert row.better_when == "lower"
    assert (row.baseline_label, row.current_label) == ("2021/22", "2022/23")
    assert row.baseline_value == pytest.approx(3.0) and row.current_value == pytest.approx(1.0)
    assert row.change == pytest.approx(-2.0) and row.change_unit == "percentage points"
    assert row.status == "down" and not row.tested  # direction only: closer to budget
    assert "2022/23: outturn £111.1m against a budget of £110.0m, an overspend of £1.1m" in row.note
    assert "2021/22: outturn £97.0m against a budget of £100.0m, an underspend of £3.0m" in row.note


def test_an_outturn_is_the_periods_only_once_its_year_has_ended() -> None:
    # 12 months ending February 2023: 2022/23 has not ended, so its outturn is not yet known
    row = _rows(_frame(ROWS), "2023-02")["revenue_outturn_variance_pct"]
    assert row.current_label == "2021/22" and row.current_value == pytest.approx(3.0)
    assert row.status == "no comparison"  # no earlier outturn


def test_reserves_are_shown_by_direction_with_their_share_of_the_budget() -> None:
    row = _rows(_frame(ROWS), "2023-03")["usable_reserves_gbp_m"]
    assert (row.baseline_value, row.current_value) == (pytest.approx(20.0), pytest.approx(25.0))
    assert row.better_when == "n/a" and row.status == "up"
    assert "22.7% of the 2022/23 revenue budget" in row.note


def test_without_outturn_or_reserves_the_rows_say_not_supplied() -> None:
    budget_only = [r for r in ROWS if r[1] == "revenue"]
    rows = _rows(_frame(budget_only), "2023-03")
    assert rows["revenue_outturn_variance_pct"].status == "not supplied"
    assert rows["usable_reserves_gbp_m"].status == "not supplied"


def test_an_outturn_without_its_years_budget_is_an_error_naming_the_year() -> None:
    rows = [*ROWS, ("2023/24", "outturn", "Officers", 75.0)]
    with pytest.raises(DataError, match="2023/24"):
        _rows(_frame(rows), "2024-03")


def test_driving_efficiencies_headline_is_outturn_against_budget() -> None:
    efficiencies = load_plan().priority(6)
    assert efficiencies.headlines[0] == "revenue_outturn_variance_pct"
    for gone in ("savings_and_underspends_gbp_m", "street_triage_hours_saved", "drone_savings_gbp_m"):
        assert gone not in efficiencies.headlines


def test_savings_and_underspends_have_no_better_direction() -> None:
    from pack.catalogue import MI_CATALOGUE

    # a saving is welcome, an underspend is money not spent on the plan: the sum is not "higher is better"
    assert MI_CATALOGUE["savings_and_underspends_gbp_m"].better_when == "n/a"


def test_the_tile_says_whether_the_year_was_over_or_under_budget() -> None:
    rows = _rows(_frame(ROWS), "2023-03")
    assert rows["revenue_outturn_variance_pct"].benchmark == "an overspend of £1.1m on a budget of £110.0m"
    assert _rows(_frame(ROWS), "2023-02")["revenue_outturn_variance_pct"].benchmark == (
        "an underspend of £3.0m on a budget of £100.0m"  # the period says the year
    )
