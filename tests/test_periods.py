import pytest

from pack.errors import CoverageError, ParameterError
from pack.periods import (
    Month,
    comparison_windows,
    describe_months,
    missing_months,
    require_covered,
    rolling_window,
)


def test_twelve_months_ending_label_and_bounds():
    w = rolling_window("2024-01", 12)
    assert (str(w.start), str(w.end)) == ("2023-02", "2024-01")
    assert w.label == "12 months ending January 2024"


def test_window_crossing_year_boundary():
    w = rolling_window("2022-02", 3)
    assert w.month_strings() == ["2021-12", "2022-01", "2022-02"]


def test_leap_year_days():
    assert rolling_window("2024-02", 12).days == 366  # March 2023 .. February 2024
    assert rolling_window("2023-02", 12).days == 365
    assert Month(2024, 2).days == 29 and Month(2100, 2).days == 28


def test_equal_length_baseline_and_current():
    b, c = comparison_windows("2022-11", 3, "2021-11")
    assert b.month_strings() == ["2021-09", "2021-10", "2021-11"]
    assert c.month_strings() == ["2022-09", "2022-10", "2022-11"]


def test_financial_year_to_date_against_same_months_of_baseline_year():
    b, c = comparison_windows("2024-01", "fytd", "2021-05")
    assert (str(c.start), str(c.end)) == ("2023-04", "2024-01")
    assert (str(b.start), str(b.end)) == ("2021-04", "2022-01")
    assert c.label == "April 2023 to January 2024 (financial year to date)"


def test_fytd_in_first_month_of_financial_year():
    _, c = comparison_windows("2023-04", "fytd", "2021-05")
    assert c.length == 1


@pytest.mark.parametrize("bad", ["2024-13", "2024-1", "Jan 2024", "", "2024/01"])
def test_bad_month_is_refused(bad):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        Month.parse(bad)


def test_window_length_limits():
    with pytest.raises(ParameterError):
        comparison_windows("2024-01", 0, "2021-05")
    with pytest.raises(ParameterError):
        comparison_windows("2024-01", "quarter", "2021-05")


def test_uncovered_window_names_missing_months():
    w = rolling_window("2021-05", 12)
    available = [f"2021-{m:02d}" for m in range(3, 13)]
    assert describe_months(missing_months(w, available)) == "2020-06..2021-02"
    with pytest.raises(CoverageError, match="2020-06..2021-02"):
        require_covered(w, available, "street")
