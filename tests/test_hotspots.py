"""Patrolled hotspots against the rest of the force (issue 22, item 5): worked examples.

Each street table is written by hand: ASB records by month and LSOA ("H" a hotspot, "R" elsewhere),
24 months (2022-01..2023-12), compared between the 12 months ending December 2022 and December 2023.
Steady months have no month-to-month change, so the dispersion estimate is below 1 and floored at 1
(Poisson); the one step between December 2022 and January 2023 is screened out as an outlier.
"""

from __future__ import annotations

import math

import pandas as pd

from pack import hotspots
from pack.figures import Coverage
from pack.periods import rolling_window

MONTHS = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
BASELINE, CURRENT = rolling_window("2022-12"), rolling_window("2023-12")
HOTSPOTS = pd.DataFrame({"lsoa_code": ["H"], "patrolled_from": ["2023-01"]})


def street(hot: tuple[int, int], rest: tuple[int, int]) -> pd.DataFrame:
    """ASB a month: ``hot[0]`` in the hotspot in 2022, ``hot[1]`` in 2023; likewise ``rest``, plus one
    burglary a month in the hotspot (not ASB: never counted)."""
    rows = []
    for month in MONTHS:
        year = 0 if month < "2023" else 1
        rows.append({"month": month, "crime_type": "Anti-social behaviour", "lsoa_code": "H", "n": hot[year]})
        rows.append({"month": month, "crime_type": "Anti-social behaviour", "lsoa_code": "R", "n": rest[year]})
        rows.append({"month": month, "crime_type": "Burglary", "lsoa_code": "H", "n": 1})
    return pd.DataFrame(rows)


def compare(hot: tuple[int, int], rest: tuple[int, int]) -> hotspots.HotspotComparison:
    result = hotspots.hotspot_comparison(
        street(hot, rest), HOTSPOTS, Coverage({"street": tuple(MONTHS)}), BASELINE, CURRENT
    )
    assert isinstance(result, hotspots.HotspotComparison)
    return result


def test_same_fall_as_the_rest_of_the_force_is_no_more_than_force_wide() -> None:
    # hotspots 1,200 -> 600 (-50%), the rest 12,000 -> 6,000 (-50%): ratio of rate ratios 0.5 / 0.5 = 1
    r = compare((100, 50), (1000, 500))
    assert (r.hotspots, r.rest) == ((1200, 600), (12000, 6000))
    assert (r.hotspot_pct, r.rest_pct) == (-50.0, -50.0)
    assert math.isclose(r.test.estimate, 1.0) and math.isclose(r.test.p_value, 1.0)
    assert r.finding == "no more than force-wide"
    assert "the hotspots fell no more than force-wide" in r.sentence()
    assert r.table()["pct_change"].tolist() == [-50.0, -50.0]


def test_a_significantly_larger_fall_is_more_than_the_rest_of_the_force() -> None:
    # hotspots 1,200 -> 600, the rest 12,000 -> 12,000: ratio (600/1200) / (12000/12000) = 0.5.
    # phi = 1 for both (floored), so Var(log ratio) = 1/1200 + 1/600 + 1/12000 + 1/12000 = 0.0026667,
    # se = 0.05164, t = ln(0.5) / 0.05164 = -13.4: p far below 0.05; 95% interval about 0.5 x exp(±2 x 0.0516)
    r = compare((100, 50), (1000, 1000))
    assert math.isclose(r.test.estimate, 0.5)
    assert r.test.p_value < 1e-6
    assert 0.44 < r.test.lower < 0.46 and 0.55 < r.test.upper < 0.57
    assert r.finding == "fell more than the rest of the force"
    assert "fell more than the rest of the force — a statistically significant difference" in r.sentence()


def test_a_rise_against_a_steady_force_is_worded_as_a_rise() -> None:
    # hotspots 600 -> 1,200 (+100%), the rest steady: ratio 2, significant
    r = compare((50, 100), (1000, 1000))
    assert math.isclose(r.test.estimate, 2.0) and r.test.significant
    assert r.finding == "rose more than the rest of the force"


def test_a_small_difference_is_not_called_more() -> None:
    # hotspots 1,200 -> 1,080 (-10%), the rest 12,000 -> 11,400 (-5%): ratio 0.9 / 0.95 = 0.947;
    # se = sqrt(1/1200 + 1/1080 + 1/12000 + 1/11400) = 0.0444, t = ln(0.947) / 0.0444 = -1.22: not significant
    r = compare((100, 90), (1000, 950))
    assert math.isclose(r.test.estimate, 0.9 / 0.95)
    assert not r.test.significant
    assert r.finding == "no more than force-wide"
    assert r.sentence().startswith("ASB in the patrolled hotspots changed −10.0% and in the rest of the force −5.0%")


def test_a_window_not_covered_is_said_not_compared() -> None:
    covered = Coverage({"street": tuple(MONTHS[1:])})  # 2022-01 missing
    result = hotspots.hotspot_comparison(street((100, 50), (1000, 500)), HOTSPOTS, covered, BASELINE, CURRENT)
    assert result == (
        "Hotspots not compared with the rest of the force: the 12 months ending December 2022 is not covered "
        "(missing 2022-01)."
    )


def row(hot: tuple[int, int], rest: tuple[int, int]) -> dict:
    return hotspots.hotspot_indicator(
        street(hot, rest), HOTSPOTS, Coverage({"street": tuple(MONTHS)}), BASELINE, CURRENT
    ).__dict__


def test_the_hotspot_row_carries_the_counterfactual_verdict_not_the_before_and_after_one() -> None:
    # hotspots 1,200 -> 600 (-50%), as did the rest of the force: a before/after test alone says
    # "improved" (p far below 0.05), against the rest of the force the ratio is 1 (p = 1)
    same = row((100, 50), (1000, 500))
    assert (same["baseline_value"], same["current_value"], same["pct_change"]) == (1200, 600, -50.0)
    assert same["status"] == "no significant change"
    assert same["test"] == hotspots.HOTSPOT_TEST
    assert "the hotspots fell no more than force-wide" in same["note"]
    # a significantly larger fall than the rest (ratio 0.5): improved; a rise against a steady force: worse
    assert row((100, 50), (1000, 1000))["status"] == "improved"
    assert row((50, 100), (1000, 1000))["status"] == "worse"


def test_the_hotspot_row_without_a_hotspot_list_is_not_supplied() -> None:
    r = hotspots.hotspot_indicator(street((1, 1), (1, 1)), None, Coverage({"street": tuple(MONTHS)}), BASELINE, CURRENT)
    assert r.status == "not supplied" and "hotspot list" in r.note
