"""Crime the police mostly find themselves (possession of weapons, drug offences) has no better direction:
a significant rise is police activity as much as harm, so it is reported as a direction with its test in
the note, never as ``worse``, and so never becomes a panel question about deterioration."""

from __future__ import annotations

import pandas as pd

from pack import crime
from pack.figures import Coverage
from pack.periods import Month, rolling_window


def _street(crime_type: str, first_year: int, second_year: int) -> tuple[pd.DataFrame, Coverage]:
    months = [str(Month(2022, 2) + i) for i in range(24)]  # February 2022 .. January 2024
    values = [first_year] * 12 + [second_year] * 12
    frame = pd.DataFrame({"month": months, "crime_type": crime_type, "n": values})
    return frame, Coverage({"street": tuple(months)})


def test_a_significant_rise_in_possession_of_weapons_is_up_not_worse() -> None:
    # 12 months ending January 2023: 12 x 50 = 600; ending January 2024: 12 x 100 = 1,200 (flat within
    # each year, so the month-to-month variation is no more than chance): a doubling, far beyond chance.
    street, coverage = _street("Possession of weapons", 50, 100)
    row = crime.group_indicator(
        "possession_of_weapons", street, coverage, rolling_window("2023-01"), rolling_window("2024-01")
    )
    assert (row.baseline_value, row.current_value) == (600, 1200)
    assert row.better_when == "n/a" and row.status == "up"
    assert row.test_reason == "no_better_direction" and not row.tested
    assert "statistically significant" in row.note and "police activity" in row.note


def test_drug_offences_have_no_better_direction_and_burglary_still_does() -> None:
    street, coverage = _street("Drugs", 100, 50)
    drugs = crime.group_indicator("drugs", street, coverage, rolling_window("2023-01"), rolling_window("2024-01"))
    assert (drugs.better_when, drugs.status) == ("n/a", "down")
    street, coverage = _street("Burglary", 50, 100)
    burglary = crime.group_indicator("burglary", street, coverage, rolling_window("2023-01"), rolling_window("2024-01"))
    assert (burglary.better_when, burglary.status, burglary.tested) == ("lower", "worse", True)
