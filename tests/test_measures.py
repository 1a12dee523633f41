import pandas as pd
import pytest

from pack.measures import (
    count_status,
    percentage_change,
    poisson_change_p_value,
    rolling_12_month_total,
    window_total,
)
from pack.periods import rolling_window
from pack.spc import special_causes, xmr_limits


def series(values, start="2023-01"):
    from pack.periods import Month

    first = Month.parse(start)
    return pd.Series(values, index=[str(first + i) for i in range(len(values))])


def test_window_total_and_rolling_total_by_hand():
    s = series(list(range(1, 15)))  # 2023-01 .. 2024-02 = 1..14
    assert window_total(s, rolling_window("2024-01", 12)) == sum(range(2, 14))  # 2..13 = 90
    rolling = rolling_12_month_total(s)
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
    assert count_status(1000, 800, 365, 365, "lower") == "improved"
    assert count_status(800, 1000, 365, 365, "lower") == "worse"
    assert count_status(10, 12, 365, 365, "lower") == "no significant change"


def test_xmr_limits_by_hand():
    limits = xmr_limits(pd.Series([10, 12, 10, 12]))
    assert limits.mean == 11 and limits.mean_moving_range == 2
    assert limits.upper == pytest.approx(16.32) and limits.lower == pytest.approx(5.68)


def test_special_cause_rules():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 30]
    flags = special_causes(pd.Series(values))
    assert flags["outside_limits"].tolist()[-1] and flags["outside_limits"].sum() == 1
    shift = special_causes(pd.Series([5, 6, 5, 6, 5, 6, 5, 9, 9, 9, 9, 9, 9, 9]))
    assert shift["shift"].iloc[7:].all()
    trend = special_causes(pd.Series([5, 6, 5, 6, 1, 2, 3, 4, 5, 6, 5, 6]))
    assert trend["trend"].iloc[4:10].all() and not trend["trend"].iloc[0]
