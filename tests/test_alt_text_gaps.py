"""Alt text and tables name any gap inside the span they describe: "21 months from March 2021 to
November 2022" is not true of a chart with a month of no data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pack import charts
from pack.periods import Month
from pack.summary.headlines import Trend
from pack.summary.tiles import spark_alt


def months(n: int, first: str = "2021-03") -> list[str]:
    return [str(Month.parse(first) + i) for i in range(n)]


def test_a_trend_chart_over_a_missing_month_says_so_in_its_alt_text_and_table() -> None:
    series = pd.Series(np.arange(1.0, 22.0), index=months(21))  # March 2021 .. November 2022
    series.iloc[6] = np.nan  # September 2021: no data
    chart = charts.trend_chart(series, name="t", title="t", ylabel="n", what="burglaries")
    assert chart.alt_text.startswith(
        "Line chart of burglaries per month, March 2021 to November 2022: 20 months with data; no data for "
        "September 2021."
    )
    assert chart.data.set_index("month").loc["2021-09", "note"] == "no data"
    assert set(chart.data["note"]) == {"", "no data"}


def test_a_complete_trend_chart_keeps_its_plain_alt_text() -> None:
    chart = charts.trend_chart(pd.Series([1.0, 2.0, 3.0], index=months(3)), name="t", title="t", ylabel="n", what="x")
    assert chart.alt_text.startswith("Line chart of x per month, 3 months from March 2021 to May 2021.")


def test_a_sparkline_over_a_gap_names_it() -> None:
    index = ["2023-01", "2023-02", "2023-05", "2023-06"]  # March and April missing
    text = spark_alt(Trend(pd.Series([5.0, 3.0, 8.0, 6.0], index=index), "crimes per month", True), [])
    assert text.startswith("crimes per month, January 2023 to June 2023 (no data for March 2023 to April 2023): ")
