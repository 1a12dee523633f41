"""The demonstration data reproduce each published figure in data/published/demo_targets.csv.

Each target is recomputed from the prepared demo data with the same `pack` functions the
notebooks use, and must fall within the tolerance the targets table states: absolute for
proportions (a change of -0.50 ± 0.03), relative for everything else (138 a day ± 3%).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from pack import policing
from pack.config import DEMO_DATA_DIR, PUBLISHED_DIR
from pack.crime import CRIME_GROUPS, monthly_series
from pack.data.dataset import Dataset
from pack.data.demo import ensure_demo_data
from pack.data.stage import prepare
from pack.measures import percentage_change, window_total
from pack.periods import Window, rolling_window

TARGETS = pd.read_csv(PUBLISHED_DIR / "demo_targets.csv", dtype={"window_a_end": str, "window_b_end": str})


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return Dataset(prepare(ensure_demo_data(DEMO_DATA_DIR)))


def _street_total(data: Dataset, group: str, window: Window) -> float:
    covered = data.months("street")
    series = monthly_series(data.table("street_monthly"), CRIME_GROUPS[group][1], covered)
    return float(window_total(series, window))


def _per_day_2021(data: Dataset, group: str) -> float:
    year = rolling_window("2021-12")
    return _street_total(data, group, year) / year.days


def _street_change(data: Dataset, group: str, a: str, b: str) -> float:
    return (
        percentage_change(_street_total(data, group, rolling_window(a)), _street_total(data, group, rolling_window(b)))
        / 100
    )


def _calls(data: Dataset, line: str) -> pd.DataFrame:
    return policing.calls_monthly(data.table("calls"), line).set_index("month")


def _uplift_at(data: Dataset, date: str) -> float:
    progress = policing.uplift_progress(data.table("workforce"), None)
    return float(progress.loc[progress["date"] <= date, "increase_since_sep_2019"].iloc[-1])


COMPUTE: dict[str, Callable[[Dataset, str, str], float]] = {
    "asb_per_day_2021": lambda d, a, b: _per_day_2021(d, "asb_incidents"),
    "asb_change": lambda d, a, b: _street_change(d, "asb_incidents", a, b),
    "burglary_per_day_2021": lambda d, a, b: _per_day_2021(d, "burglary"),
    "burglary_change": lambda d, a, b: _street_change(d, "burglary", a, b),
    "sac_change": lambda d, a, b: _street_change(d, "serious_acquisitive_crime", a, b),
    "stop_search_per_day_2021": lambda d, a, b: (
        float(d.table("stop_search")["month"].str.startswith("2021").sum()) / 365
    ),
    "calls_999_per_day_2021": lambda d, a, b: (
        float(_calls(d, "999").filter(like="2021-", axis=0)["calls_received"].sum()) / 365
    ),
    "calls_101_per_day_2021": lambda d, a, b: (
        float(_calls(d, "101").filter(like="2021-", axis=0)["calls_received"].sum()) / 365
    ),
    "answer_999_seconds_now": lambda d, a, b: float(_calls(d, "999").loc[b, "mean_answer_seconds"]),
    "answer_999_change": lambda d, a, b: (
        percentage_change(
            _calls(d, "999").loc[a, "mean_answer_seconds"], _calls(d, "999").loc[b, "mean_answer_seconds"]
        )
        / 100
    ),
    "wait_101_minutes_now": lambda d, a, b: float(_calls(d, "101").loc[b, "mean_answer_minutes"]),
    "wait_101_change_minutes": lambda d, a, b: float(
        _calls(d, "101").loc[b, "mean_answer_minutes"] - _calls(d, "101").loc[a, "mean_answer_minutes"]
    ),
    "officers_recruited": lambda d, a, b: _uplift_at(d, f"{b}-31"),
}


def test_every_target_has_a_computation() -> None:
    assert set(TARGETS["target_id"]) == set(COMPUTE)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS.to_dict("records"), ids=list(TARGETS["target_id"]))
def test_demo_data_meet_calibration_target(demo: Dataset, target: dict) -> None:
    a = target["window_a_end"] if isinstance(target["window_a_end"], str) else ""
    value = COMPUTE[target["target_id"]](demo, a, target["window_b_end"])
    expected, tolerance = float(target["value"]), float(target["tolerance"])
    if abs(expected) <= 1:  # a proportion: absolute tolerance
        assert value == pytest.approx(expected, abs=tolerance), target["measure"]
    else:
        assert value == pytest.approx(expected, rel=tolerance), target["measure"]
