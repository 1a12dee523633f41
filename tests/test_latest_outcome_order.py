"""A Parquet part's outcome rows carry their place in time and their outcome type as integers
(pack.data.outcome_order), worked by hand from the packing rule: the month index
(year * 12 + month - 1) shifted past 46 bits, the file's rank left zero in bits 30-45, the row
in the low 30 bits; outcome types coded in the order the file first shows them."""

from __future__ import annotations

import pyarrow as arrow
import pytest

from pack.data.outcome_order import MAX_ROWS_PER_FILE, ORDER_MONTH_SHIFT, ORDER_RANK_SHIFT, with_join_keys
from pack.errors import DataError


def _outcomes(months: list[str], types: list[str]) -> arrow.Table:
    ids = [f"c{i}" for i in range(len(months))]
    return arrow.table({"crime_id": ids, "month": months, "outcome_type": types})


def test_an_outcome_row_is_ordered_by_month_then_row_and_its_type_coded_in_first_seen_order() -> None:
    codes: dict[str, int] = {}
    first = with_join_keys(_outcomes(["2024-01", "2024-02", "2024-01"], ["A", "B", "A"]), "outcomes", "f.csv", 0, codes)
    january, february = 2024 * 12 + 0, 2024 * 12 + 1  # 24288, 24289
    assert first.column("outcome_order").to_pylist() == [
        (january << 46) | 0,
        (february << 46) | 1,
        (january << 46) | 2,
    ]
    assert first.column("outcome_code").to_pylist() == [0, 1, 0]
    # the next batch of the same file: rows go on from 3, a type seen before keeps its code
    second = with_join_keys(_outcomes(["2024-02", "2024-03"], ["B", "C"]), "outcomes", "f.csv", 3, codes)
    assert second.column("outcome_order").to_pylist() == [(february << 46) | 3, ((february + 1) << 46) | 4]
    assert second.column("outcome_code").to_pylist() == [1, 2]
    assert codes == {"A": 0, "B": 1, "C": 2}
    assert ORDER_MONTH_SHIFT == 46 and ORDER_RANK_SHIFT == 30  # the rule the numbers above were worked from


def test_the_files_rank_is_left_for_the_aggregates_to_add() -> None:
    out = with_join_keys(_outcomes(["2019-04"], ["A"]), "outcomes", "f.csv", 12345, {})
    (order,) = out.column("outcome_order").to_pylist()
    rank_bits = (order >> ORDER_RANK_SHIFT) & ((1 << (ORDER_MONTH_SHIFT - ORDER_RANK_SHIFT)) - 1)
    assert rank_bits == 0 and order & ((1 << ORDER_RANK_SHIFT) - 1) == 12345


def test_a_street_row_gets_the_crime_id_key_and_nothing_else() -> None:
    street = arrow.table({"crime_id": ["c0", ""], "month": ["2024-01", "2024-01"]})
    out = with_join_keys(street, "street", "s.csv", 0, {})
    assert out.column_names == ["crime_id", "month", "crime_key_hi", "crime_key_lo"]
    assert out.column("crime_key_hi").to_pylist()[1] is None  # no Crime ID (ASB): no key


def test_a_file_with_more_rows_than_an_order_can_hold_is_refused_by_name() -> None:
    with pytest.raises(DataError, match="split the file by month") as caught:
        with_join_keys(_outcomes(["2024-01"], ["A"]), "outcomes", "big.csv", MAX_ROWS_PER_FILE, {})
    assert "big.csv" in str(caught.value)
