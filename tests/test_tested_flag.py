"""Whether a figure was tested is a flag set where the test is made, with a reason code: every
indicator row carries ``tested`` and ``test_reason``, and the scorecard reads the flag, never the
words of a note or of the test column."""

from __future__ import annotations

import pandas as pd
import pytest

from pack.figures import Coverage, Figure, unit
from pack.indicators import COLUMNS, REASONS, count_indicator, indicator_row, indicator_table, share_indicator
from pack.periods import Month, month_range, rolling_window
from pack.verdicts import verdict

STREET = ("street",)


def series(first: str, values: list[int]) -> tuple[pd.Series, Coverage]:
    months = [str(m) for m in month_range(Month.parse(first), Month.parse(first) + (len(values) - 1))]
    return pd.Series(values, index=months), Coverage({"street": tuple(months)})


def test_a_tested_count_row_says_so_and_why() -> None:
    # 24 months, 100 a month then 50 a month: a fall far beyond month-to-month variation
    monthly, coverage = series("2022-01", [100, 104] * 6 + [50, 52] * 6)
    row = count_indicator(
        "x",
        "X",
        monthly,
        coverage,
        STREET,
        rolling_window("2022-12"),
        rolling_window("2023-12"),
        "lower",
        "t",
        "crimes",
    )
    assert (row.status, row.tested, row.test_reason) == ("improved", True, "tested")


def test_too_few_months_is_a_reason_code_not_words_in_a_note() -> None:
    # two adjacent one-month windows: one month-to-month change, too few to estimate the dispersion
    monthly, coverage = series("2024-01", [100, 50])
    row = count_indicator(
        "x",
        "X",
        monthly,
        coverage,
        STREET,
        rolling_window("2024-01", 1),
        rolling_window("2024-02", 1),
        "lower",
        "t",
        "crimes",
    )
    assert (row.status, row.tested, row.test_reason) == ("down", False, "too_few_months")
    assert verdict(row.__dict__).tested is False


def test_overlapping_windows_no_better_direction_and_no_base() -> None:
    monthly, coverage = series("2023-01", [10] * 24)
    overlap = count_indicator(
        "x",
        "X",
        monthly,
        coverage,
        STREET,
        rolling_window("2023-12"),
        rolling_window("2024-06"),
        "lower",
        "t",
        "crimes",
    )
    assert (overlap.status, overlap.tested, overlap.test_reason) == ("no comparison", False, "windows_overlap")
    window_a, window_b = rolling_window("2023-12"), rolling_window("2024-12")
    shares = [Figure(40.0, unit("%"), w.label, w, base=500) for w in (window_a, window_b)]
    shares[1] = Figure(60.0, unit("%"), window_b.label, window_b, base=500)
    neither = share_indicator("s", "S", *shares, "n/a", "t")
    assert (neither.status, neither.tested, neither.test_reason) == ("up", False, "no_better_direction")
    plain = [Figure(v, unit("%"), w.label, w) for v, w in ((40.0, window_a), (60.0, window_b))]
    no_base = share_indicator("s", "S", *plain, "higher", "t")
    assert (no_base.status, no_base.tested, no_base.test_reason) == ("up", False, "direction_only")


def test_every_row_has_the_flag_and_a_known_reason_and_a_tested_word_needs_a_test() -> None:
    a, b = rolling_window("2022-12"), rolling_window("2023-12")
    rows = [
        indicator_row(
            "x", "X", Figure(10.0, unit("crimes"), a.label, a), Figure(8.0, unit("crimes"), b.label, b), "lower", "t"
        )
    ]
    table = indicator_table(rows)
    assert {"tested", "test_reason"} <= set(COLUMNS)
    assert table["tested"].tolist() == [False] and set(table["test_reason"]) <= set(REASONS)
    with pytest.raises(ValueError, match="tested verdict"):
        indicator_row(
            "x",
            "X",
            Figure(10.0, unit("crimes"), a.label, a),
            Figure(8.0, unit("crimes"), b.label, b),
            "lower",
            "t",
            status="improved",
            test="a test named in words only",
        )


def test_the_scorecard_reads_the_flag_not_the_words() -> None:
    row = {"status": "improved", "better_when": "lower", "change": -3, "baseline_value": 10, "current_value": 7}
    assert verdict({**row, "tested": False, "note": "exact Poisson test", "test": "quasi-Poisson"}).status == "down"
    assert verdict({**row, "tested": True, "note": "direction only", "test": "none"}).status == "improved"
