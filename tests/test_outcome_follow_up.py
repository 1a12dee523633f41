"""Outcome shares are compared at equal follow-up: each window's crimes are counted with the outcome
they had by the same number of months after the crime month (the months of outcome files the current
window's newest month has), never the baseline's years of outcomes against the current window's weeks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from csvs import OUTCOME_HEADER, STREET_HEADER, outcome_row, street_row, write

from pack import victims
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.figures import Coverage
from pack.indicators import indicator_table
from pack.periods import Month, comparison_windows, month_range, rolling_window

FIRST, LAST = Month(2021, 1), Month(2022, 4)  # street and outcome files for every month between


def outcomes_of(month: Month) -> list[tuple[str, int, str]]:
    """``(crime, lag in months, outcome)`` for the four crimes of ``month``.

    2021 crimes: c0 charged in the crime month; c1 under investigation, then charged a month later;
    c2 charged 3 months later; c3 no suspect 5 months later. 2022 crimes: c0 and c1 as in 2021, c2 and
    c3 nothing yet. So by one month after the crime month both years have 2 of 4 with an outcome, both
    charged; with every outcome the files hold, 2021 has 4 of 4 with an outcome and 3 charged.
    """
    both = [("c0", 0, "Suspect charged"), ("c1", 0, "Under investigation"), ("c1", 1, "Suspect charged")]
    later = [("c2", 3, "Suspect charged"), ("c3", 5, "Investigation complete; no suspect identified")]
    return both + (later if month.year == 2021 else [])


@pytest.fixture(scope="module")
def follow_up_data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("follow-up")
    records: dict[Month, list[str]] = {m: [] for m in month_range(FIRST, LAST)}
    for m in month_range(FIRST, LAST):
        crimes = "".join(street_row(f"{m}-c{i}", str(m), crime_type="Burglary") for i in range(4))
        write(folder, f"{m}/{m}-derbyshire-street.csv", STREET_HEADER + crimes)
        for crime, lag, outcome in outcomes_of(m):
            if m + lag <= LAST:
                records[m + lag].append(outcome_row(f"{m}-{crime}", str(m + lag), outcome))
    for m, rows in records.items():
        write(folder, f"{m}/{m}-derbyshire-outcomes.csv", OUTCOME_HEADER + "".join(rows))
    return Dataset(prepare(folder))


def rows_for(data: Dataset, baseline, current) -> dict:
    coverage = Coverage.of(data, victims.OUTCOME_INPUTS)
    rows = victims.outcome_rows(
        data.table("crime_outcomes"), coverage, baseline, current, lags=data.table("crime_outcome_lags")
    )
    return {r.indicator_id: r for r in rows}


def test_outcome_shares_are_compared_at_the_follow_up_of_the_current_window(follow_up_data: Dataset) -> None:
    # Jan-Mar 2022 against Jan-Mar 2021; the outcome files run to April 2022: one month after March 2022
    rows = rows_for(follow_up_data, rolling_window("2021-03", 3), rolling_window("2022-03", 3))
    outcome, charge = rows["crimes_with_outcome_pct"], rows["charge_rate_pct"]
    # by the end of the month after the crime month: 2021 6 of 12 with an outcome (c0, c1), 6 charged;
    # 2022 the same. With every outcome the files hold 2021 would read 12 of 12 and 9 of 12 (100% -> 50%)
    assert (outcome.baseline_value, outcome.current_value) == (pytest.approx(50.0), pytest.approx(50.0))
    assert (charge.baseline_value, charge.current_value) == (pytest.approx(50.0), pytest.approx(50.0))
    assert outcome.status == charge.status == "no significant change"
    assert outcome.follow_up_months == charge.follow_up_months == 1
    assert "within 1 month after the crime month" in charge.indicator
    assert "within 1 month after the crime month in both windows" in charge.comparison_basis
    frame = indicator_table(list(rows.values()))
    assert {"follow_up_months", "comparison_basis"} <= set(frame.columns)


def test_the_follow_up_is_what_the_newest_month_allows(follow_up_data: Dataset) -> None:
    # the current window ends in April 2022, the last month of outcome files: counted in the crime month only
    rows = rows_for(follow_up_data, rolling_window("2021-04", 3), rolling_window("2022-04", 3))
    charge = rows["charge_rate_pct"]
    assert charge.follow_up_months == 0 and "in the crime month" in charge.indicator
    # in the crime month only c0 of 4 is charged and c0, c1 have an outcome, in both years
    assert (charge.baseline_value, charge.current_value) == (pytest.approx(25.0), pytest.approx(25.0))
    assert rows["crimes_with_outcome_pct"].current_value == pytest.approx(50.0)


def test_lags_add_up_to_each_crimes_latest_outcome(follow_up_data: Dataset) -> None:
    lags = follow_up_data.table("crime_outcome_lags")
    latest = follow_up_data.table("crime_outcomes").dropna(subset=["outcome_type"])
    by_lags = lags.groupby(["month", "outcome_type"])["n"].sum()
    by_latest = latest.groupby(["month", "outcome_type"])["n"].sum()
    assert by_lags[by_lags != 0].sort_index().to_dict() == by_latest.sort_index().to_dict()
    # January 2021: c1 under investigation at lag 0, charged at lag 1 (+1 charged, -1 under investigation)
    jan = lags[lags["month"] == "2021-01"].set_index(["outcome_type", "lag"])["n"].to_dict()
    assert jan == {
        ("Suspect charged", 0): 1,
        ("Under investigation", 0): 1,
        ("Suspect charged", 1): 1,
        ("Under investigation", 1): -1,
        ("Suspect charged", 3): 1,
        ("Investigation complete; no suspect identified", 5): 1,
    }


def test_real_outcome_shares_at_equal_follow_up(real_data: Path) -> None:
    """Issue 30: --period 2022-03 --window 6 --baseline 2021-09 read 93.4% -> 74.8% and 7.5% -> 4.0%, both
    'worse'; at equal follow-up (the crime month: outcome files end March 2022) -4.4 and -0.19 points,
    and April-September against October-March is across seasons: shown, not tested."""
    data = Dataset(prepare(real_data))
    rows = rows_for(data, *comparison_windows("2022-03", 6, "2021-09"))
    outcome, charge = rows["crimes_with_outcome_pct"], rows["charge_rate_pct"]
    assert outcome.follow_up_months == charge.follow_up_months == 0
    assert round(outcome.change, 1) == -4.4 and round(charge.change, 2) == -0.19
    assert "worse" not in {outcome.status, charge.status}
    assert outcome.status == charge.status == "down" and "different calendar months" in charge.test
    assert all("in the crime month" in r.indicator for r in (outcome, charge))
    frame = indicator_table([outcome, charge])
    assert (frame["follow_up_months"] == 0).all() and frame["comparison_basis"].str.contains("equal follow-up").all()
    assert isinstance(frame, pd.DataFrame)


def test_an_outcome_rate_from_management_information_is_not_compared() -> None:
    """A RASSO positive outcome rate supplied as management information does not say how long each period's
    cases had to reach an outcome: its two figures are shown, and not compared (no 'up' or 'down' to read)."""
    from pack.catalogue import MI_CATALOGUE
    from pack.indicators import mi_indicator

    mi = pd.DataFrame(
        {
            "indicator_id": ["rasso_positive_outcome_rate_pct"] * 2,
            "period_start": ["2023-01-31", "2024-01-31"],
            "period_end": ["2023-01-31", "2024-01-31"],
            "value": [7.4, 9.5],
            "unit": "%",
            "source": "force MI",
            "note": "",
        }
    )
    row = mi_indicator(
        mi, MI_CATALOGUE["rasso_positive_outcome_rate_pct"], *comparison_windows("2024-01", 12, "2023-01")
    )
    assert (row.baseline_value, row.current_value) == (7.4, 9.5)
    assert row.status == "no comparison" and "follow-up" in row.test
    assert row.comparison_basis.startswith("follow-up not stated")
    # any other management information keeps its direction
    other = mi.assign(indicator_id="cps_file_quality_pct")
    assert (
        mi_indicator(other, MI_CATALOGUE["cps_file_quality_pct"], *comparison_windows("2024-01", 12, "2023-01")).status
        == "up"
    )
