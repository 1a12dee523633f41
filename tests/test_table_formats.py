"""Tables readers see: one number format a column, and wide tables marked to be set smaller in print."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pack.display import html_table


def cells(markup: str) -> list[str]:
    return re.findall(r'<td class="num">([^<]*)</td>', markup)


def test_a_columns_numbers_share_their_decimal_places() -> None:
    frame = pd.DataFrame({"rate_per_1000": [7.0, 12.4, -1.0], "records": [1200.0, 35.0, 4.0], "share": [0.125, 3.5, 2]})
    markup = html_table(frame, "Rates")
    # by row: 7.0 | 1,200 | 0.12 ... the rate column needs one place (12.4), the records none, the share two
    assert cells(markup) == ["7.0", "1,200", "0.12", "12.4", "35", "3.50", "-1.0", "4", "2.00"]
    assert 'class="pack-table"' in markup


def test_a_table_of_eleven_columns_or_more_is_marked_wide() -> None:
    assert "pack-table pack-table-wide" in html_table(pd.DataFrame([list(range(11))]), "Eleven")
    assert "pack-table-wide" not in html_table(pd.DataFrame([list(range(10))]), "Ten")


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=20))
def test_every_number_of_a_column_is_printed_to_the_same_places(values: list[float]) -> None:
    printed = cells(html_table(pd.DataFrame({"value": values}), "Values"))
    places = {len(p.split(".")[1]) if "." in p else 0 for p in printed}
    assert len(places) == 1 and places <= {0, 1, 2}
    for text, value in zip(printed, values, strict=True):  # and none is shown less precisely than at 2 places
        assert round(float(text.replace(",", "")), 2) == round(value, 2) or abs(value) < 0.005
