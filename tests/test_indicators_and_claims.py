import pandas as pd

from pack.catalogue import MI_CATALOGUE
from pack.consultation import share_agreeing
from pack.figures import Coverage
from pack.findings import finding_sentence
from pack.indicators import COUNT_TEST, count_indicator, mi_indicator
from pack.periods import comparison_windows


def monthly(values_by_month):
    return pd.Series(values_by_month)


def test_count_indicator_leaves_uncovered_baseline_empty():
    covered = [f"2021-{m:02d}" for m in range(3, 13)] + [f"2022-{m:02d}" for m in range(1, 12)]
    series = pd.Series(10, index=covered)
    b, c = comparison_windows("2022-03", 12, "2021-05")
    row = count_indicator(
        "asb", "ASB", series, Coverage({"street": tuple(covered)}), ("street",), b, c, "lower", "test"
    )
    assert row.current_value == 120 and row.baseline_value is None
    assert row.status == "no comparison" and "2020-06..2021-02" in row.note


def test_count_indicator_by_hand():
    months = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)]
    series = pd.Series([100] * 12 + [50] * 12, index=months)
    b, c = comparison_windows("2022-12", 12, "2021-12")
    row = count_indicator("x", "X", series, Coverage({"street": tuple(months)}), ("street",), b, c, "lower", "test")
    assert (row.baseline_value, row.current_value, row.change, row.pct_change) == (1200, 600, -600, -50)
    # no month-to-month variation but the one step (screened out as an MDC outlier): phi = 1, so
    # z = (600/1800 - 1/2) / sqrt(1/4 / 1800) = -14.1 on 22 moving ranges: a significant fall
    assert row.status == "improved" and row.test == COUNT_TEST
    assert row.note.startswith("rate -50.0% (95% interval") and "(dispersion 1, the Poisson floor)" in row.note


def test_mi_level_and_count_indicators():
    mi = pd.DataFrame(
        {
            "indicator_id": [
                "speedwatch_groups",
                "speedwatch_groups",
                "op_capture_submissions",
                "op_capture_submissions",
            ],
            "period_start": ["2021-05-31", "2024-01-31", "2022-01-01", "2023-01-01"],
            "period_end": ["2021-05-31", "2024-01-31", "2022-12-31", "2023-12-31"],
            "value": [66.0, 90.0, 1370.0, 1753.0],
            "unit": "",
            "source": "test",
            "note": "",
        }
    )
    b, c = comparison_windows("2024-01", 12, "2021-05")
    groups = mi_indicator(mi, MI_CATALOGUE["speedwatch_groups"], b, c)
    # management information has no sampling model: direction only, never "improved"
    assert (groups.baseline_value, groups.current_value, groups.status) == (66, 90, "up")
    assert groups.test == "none: direction only"
    capture = mi_indicator(mi, MI_CATALOGUE["op_capture_submissions"], b, c)
    assert (capture.baseline_label, capture.current_label) == ("2022", "2023")
    assert round(capture.pct_change, 1) == 28.0
    missing = mi_indicator(mi, MI_CATALOGUE["farm_watch_members"], b, c)
    assert missing.status == "not supplied" and "farm_watch_members" in missing.note


def test_consultation_share_and_the_plans_rounding():
    published = pd.read_csv("data/published/consultation.csv")
    records = published.to_dict("records")
    # the exact share agreeing, from the counts
    assert [round(share_agreeing(r)) for r in records] == [91, 95, 87, 74, 85, 86]
    # the plan printed the sum of the two rounded percentages: 92, 96, 86, 75, 86, 86
    printed = [round(r["strongly_agree"] / 632 * 100) + round(r["agree"] / 632 * 100) for r in records]
    assert printed == [92, 96, 86, 75, 86, 86]


def test_finding_sentence_states_direction_size_and_periods():
    row = pd.Series(
        {
            "indicator": "Burglary",
            "baseline_value": 1080.0,
            "current_value": 1047.0,
            "pct_change": -3.06,
            "baseline_label": "3 months ending November 2021",
            "current_label": "3 months ending November 2022",
            "status": "no significant change",
            "unit": "crimes",
            "note": "",
            "test": COUNT_TEST,
            "tested": True,
        }
    )
    assert finding_sentence(row) == (
        "Burglary fell by 3% (from 1,080 to 1,047 crimes) between the 3 months ending November 2021 and the "
        "3 months ending November 2022; the change is not statistically significant."
    )
