"""999 calls answered within 10 seconds as a measure against the 90% national standard: the share
over the window weighted by calls answered, and how many of its months met the standard.

Every figure below is worked by hand from the rows written in the test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pack import policing
from pack.periods import rolling_window
from pack.plan import load_plan

CALLS = pd.DataFrame(
    [
        # line, month, received, answered, mean s, % under 10 s
        ("999", "2023-11", 300, 300, 9.0, None),  # bands published from a later month
        ("999", "2023-12", 200, 200, 8.0, 80.0),
        ("999", "2024-01", 100, 100, 5.0, 95.0),
        ("999", "2024-02", 300, 300, 7.0, 85.0),
    ],
    columns=["line", "month", "calls_received", "calls_answered", "mean_answer_seconds", "answered_under_10s_pct"],
)


PRIORITIES = load_plan().priorities


def _row(baseline: str, b_months: int, current: str, c_months: int):
    rows = policing.call_rows(CALLS, rolling_window(baseline, b_months), rolling_window(current, c_months))
    return {r.indicator_id: r for r in rows}["answer_999_within_10s_pct"]


PRIORITIES = load_plan().priorities


def test_share_within_10_seconds_is_call_weighted_with_months_meeting_the_standard() -> None:
    row = _row("2023-12", 1, "2024-02", 2)
    # (100 × 95 + 300 × 85) / 400 = 87.5%; January met 90%, February did not
    assert row.current_value == pytest.approx(87.5) and row.baseline_value == pytest.approx(80.0)
    assert row.unit == "%" and row.better_when == "higher"
    assert row.change == pytest.approx(7.5) and row.change_unit == "percentage points"
    assert row.status == "up" and not row.tested
    assert "below the 90% standard; 1 of 2 months met it" in row.note


PRIORITIES = load_plan().priorities


def test_a_window_with_a_month_lacking_bands_has_no_figure() -> None:
    row = _row("2023-12", 2, "2024-02", 2)  # November 2023 has no bands
    assert row.baseline_value is None and row.current_value == pytest.approx(87.5)
    assert row.status == "no comparison"


PRIORITIES = load_plan().priorities


def test_the_standard_is_a_headline_of_strong_local_policing() -> None:
    assert "answer_999_within_10s_pct" in PRIORITIES[0].headlines


PRIORITIES = load_plan().priorities


def test_the_row_states_the_figure_against_the_standard_for_the_tile() -> None:
    assert _row("2023-12", 1, "2024-02", 2).benchmark == "below the 90% standard; 1 of 2 months met it"
    assert _row("2023-12", 1, "2024-01", 1).benchmark == "meets the 90% standard; 1 of 1 month met it"


PRIORITIES = load_plan().priorities


def test_the_tile_and_the_papers_first_screen_show_the_standard() -> None:
    from pack.indicators import indicator_table
    from pack.paper.collect import tiles_table
    from pack.summary.scorecard import Tile, measure
    from pack.summary.tiles import measure_html

    frame = indicator_table([_row("2023-12", 1, "2024-02", 2)])
    shown = measure(frame.iloc[0].to_dict())
    assert "below the 90% standard; 1 of 2 months met it" in measure_html(shown)
    table = tiles_table([Tile(PRIORITIES[0], (shown,))])
    assert table["benchmark"].tolist() == ["below the 90% standard; 1 of 2 months met it"]
