"""The summary's verdicts, wording, tiles and full scorecard, on small tables written by hand."""

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pack.errors import NotebookError
from pack.periods import Month
from pack.plan import PlanPriority, load_plan
from pack.summary.headlines import Trend
from pack.summary.scorecard import headline_ids, scorecard_rows, status_counts, tiles
from pack.verdicts import (
    DIRECTION,
    STATUS_ORDER,
    TESTED,
    Verdict,
    change_words,
    counts_phrase,
    in_words,
    label_months,
    movement,
    verdict,
    with_unit,
)

POISSON = "exact Poisson test of the two daily rates at the 5% level"
MI = "management information: direction of change only, no significance test"


def row(**values):
    base = {
        "indicator_id": "x",
        "indicator": "X",
        "baseline_label": "12 months ending May 2021",
        "baseline_value": 100.0,
        "current_label": "12 months ending January 2024",
        "current_value": 80.0,
        "change": -20.0,
        "pct_change": -20.0,
        "better_when": "lower",
        "status": "improved",
        "source": "test",
        "unit": "crimes",
        "note": POISSON,
        "tested": True,  # set where the test was made (pack.indicators)
    }
    base.update(values)
    return base


# --- verdicts -------------------------------------------------------------------------------------


def test_tested_words_stay_tested_when_the_row_was_tested():
    assert verdict(row()) == Verdict("improved", True, "better")
    assert verdict(row(status="worse", change=20.0)) == Verdict("worse", True, "worse")
    assert verdict(row(status="no significant change")) == Verdict("no significant change", True, "same")


def test_an_untested_improved_is_shown_by_its_direction():
    # today's MI rows say "improved" with a note that no test was made: 600 -> 720 taser-trained officers
    taser = row(
        status="improved",
        baseline_value=600,
        current_value=720,
        change=120,
        better_when="higher",
        note=MI,
        tested=False,
    )
    assert verdict(taser) == Verdict("up", False, "better")
    assert verdict(taser).text == "up (direction only, not tested)"
    # the flag decides, whatever the test column or the note say
    assert verdict(row(test="none: direction only", tested=False)).status == "down"
    assert verdict(row(test="quasi-Poisson comparison of two windows")).tested


def test_direction_words_with_no_better_direction():
    # 999 calls per day: demand, direction only, neither direction better ("changed" is no longer a status)
    assert verdict(row(status="up", better_when="n/a", change=15.8, test="none: direction only")) == Verdict(
        "up", False, "none"
    )
    assert verdict(row(status="unchanged", better_when="n/a", change=0.0, test="none: direction only")) == Verdict(
        "unchanged", False, "same"
    )
    assert verdict(row(status="changed", change=2.0)) == Verdict("changed", False, "none")  # not a word of the nine


def test_the_nine_words_and_unknown_words_pass_through():
    for word in ("up", "down", "unchanged"):
        assert verdict(row(status=word, note=MI)).status == word
    for word in ("no comparison", "not supplied", "out of date"):
        assert verdict(row(status=word)) == Verdict(word, False, "none")
    odd = verdict(row(status="partly met"))
    assert (odd.status, odd.marker, odd.text) == ("partly met", "?", "partly met")


@given(
    status=st.sampled_from(STATUS_ORDER),
    note=st.sampled_from([POISSON, MI, "workforce figures are counts at a date: direction only", ""]),
    flag=st.sampled_from([True, False, "True", "False", None]),
    change=st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
    better=st.sampled_from(["higher", "lower", "n/a"]),
)
def test_a_verdict_is_tested_only_if_the_row_was(status, note, flag, change, better):
    v = verdict(row(status=status, note=note, tested=flag, change=change, better_when=better))
    # the row's flag alone says whether it was tested (as written, or read back from a CSV); the note never does
    was_tested = flag in (True, "True")
    assert v.tested == (status in TESTED and was_tested)
    assert v.tested == (v.qualifier == "tested")
    if not v.tested and status in TESTED and change is not None:
        assert v.status in DIRECTION  # never a tested word for an untested comparison


# --- words ----------------------------------------------------------------------------------------


def test_values_carry_their_units():
    assert with_unit(29309.0, "incidents") == "29,309 incidents"
    assert with_unit(7.058282626, "seconds") == "7.06 seconds"
    assert with_unit(21.2919677, "%") == "21.3%"
    assert with_unit(238.431, "£m") == "£238.4m"
    assert with_unit(6.45, "per 1,000") == "6.45 per 1,000"
    assert with_unit(1886.6, "people") == "1,886.6 people"
    assert with_unit(1.0, "people") == "1 person"
    assert with_unit(float("nan"), "crimes") == "no figure"


def test_dates_in_words():
    assert in_words("at 2021-03-31") == "at 31 March 2021"
    assert in_words("1 April 2021 to 31 March 2022") == "1 April 2021 to 31 March 2022"
    assert in_words("2022/23") == "2022/23"


def test_shares_change_in_percentage_points_and_counts_in_per_cent():
    # charge rate 7.683593005% -> 5.674062805%: -2.0095 points (the relative change, -26.2%, is not shown)
    rate = row(baseline_value=7.683593005, current_value=5.674062805, change=-2.0095302, pct_change=-26.15, unit="%")
    assert movement(rate) == "down 2.0 percentage points"
    # ASB 58,658 -> 29,309: -29,349 = -50.03%
    asb = row(baseline_value=58658, current_value=29309, change=-29349, pct_change=-50.03409595, unit="incidents")
    assert change_words(asb) == "down 50.0% on the 12 months ending May 2021 (58,658 incidents)"
    assert change_words(asb, "12 months ending May 2021") == "down 50.0% from 58,658 incidents"
    # 66 -> 90 groups with no percentage given: the change in the unit
    assert (
        movement(row(baseline_value=66, current_value=90, change=None, pct_change=None, unit="groups"))
        == "up 24 groups"
    )
    at_date = row(
        baseline_label="at 2021-03-31",
        baseline_value=1935,
        current_value=2124,
        change=189,
        pct_change=9.767,
        unit="people",
    )
    assert change_words(at_date, "12 months ending May 2021") == "up 9.8% since 31 March 2021 (1,935 people)"
    assert change_words(row(status="not supplied", current_value=None)) == "not supplied for this period"
    assert change_words(row(baseline_value=None, status="no comparison")) == "no earlier figure"


def test_periods_named_by_their_labels():
    def months(label):
        first, last = label_months(label)
        return str(first), str(last)

    assert months("12 months ending January 2024") == ("2023-02", "2024-01")
    assert months("at 2023-12-31") == ("2023-12", "2023-12")
    assert months("1 July 2023 to 31 January 2024") == ("2023-07", "2024-01")
    assert months("April 2023 to January 2024 (financial year to date)") == ("2023-04", "2024-01")
    assert label_months("2022/23") is None and label_months("") is None


def test_counts_never_add_tested_and_untested_verdicts():
    words = ["improved", "improved", "down", "up", "worse", "no comparison", "out of date"]
    assert (
        counts_phrase(words)
        == "tested: 2 improved, 1 worse; direction only: 1 up, 1 down; 1 no comparison, 1 out of date"
    )


# --- tiles ----------------------------------------------------------------------------------------


def Priority(number, stem, title, aim, key, headlines=()):
    """A priority of a test plan whose measures are its headlines."""
    return PlanPriority(number, stem, title, aim, (), headlines, headlines, key or None)


PRIORITIES = load_plan().priorities

TEST_PRIORITY = Priority(9, "09_test", "Test priority", "aim", "key", headlines=("asb", "rate"))


def tables_for(priority=TEST_PRIORITY, **overrides):
    rows = [
        row(
            indicator_id="asb",
            indicator="Anti-social behaviour incidents",
            baseline_value=58658,
            current_value=29309,
            change=-29349,
            pct_change=-50.03409595,
            unit="incidents",
        ),
        row(
            indicator_id="rate",
            indicator="Crimes charged or summonsed",
            baseline_value=7.683593005,
            current_value=5.674062805,
            change=-2.0095302,
            pct_change=-26.15,
            unit="%",
            better_when="higher",
            status="worse",
            note="share; direction only",
            tested=False,
        ),
        row(
            indicator_id="mi",
            indicator="Members",
            status="not supplied",
            baseline_value=None,
            current_value=None,
            change=None,
            pct_change=None,
            unit="members",
            note="not supplied: needs management information",
        ),
    ]
    frame = pd.DataFrame(rows).assign(stem=priority.stem, priority=priority.title)
    for column, value in overrides.items():
        frame[column] = value
    return frame


def test_a_tile_from_its_headline_rows():
    series = pd.Series(range(100, 124), index=[str(Month(2022, 2) + i) for i in range(24)], dtype="float64")
    trend = Trend(series, "incidents per month", True)
    [tile] = tiles(
        tables_for(), {"asb": trend}, common_baseline="12 months ending May 2021", priorities=(TEST_PRIORITY,)
    )
    asb, rate = tile.measures
    assert (asb.value, asb.change, asb.verdict.text) == (
        "29,309 incidents",
        "down 50.0% from 58,658 incidents",
        "improved (tested)",
    )
    assert asb.trend is trend and asb.variation is not None  # 24 monthly points: a control chart
    assert asb.variation.code == "concern_high"  # a rise in every month, lower is better: a concern
    assert (rate.value, rate.verdict.text) == ("5.67%", "down (direction only, not tested)")
    assert rate.change == "down 2.0 percentage points from 7.68%" and rate.trend is None and rate.variation is None
    assert asb.position is None and tile.anchor == "sec-09_test"


def test_a_tile_shows_the_national_position_when_there_is_one():
    positions = pd.DataFrame(
        [
            {
                "indicator_id": "asb",
                "rate_per_1000": 27.83,
                "england_wales_rate_per_1000": 14.1,
                "peers_rate_per_1000": 13.05,
                "rank": 5,
                "forces_compared": 42,
                "funnel_position": "above the 99.8% limit",
                "pool": "national pool (37 forces in the data, 67% of residents of England and Wales; missing: X)",
                "peers_unverified": True,
                "rank_in_group": 1,
                "group_size": 8,
            }
        ]
    )
    [tile] = tiles(tables_for(), positions=positions, priorities=(TEST_PRIORITY,))
    assert tile.measures[0].position.text == (
        "27.8 per 1,000 residents; national pool (37 forces in the data, 67% of residents of England and Wales) "
        "14.1, most similar group (unverified list) 13.1; 5th highest of 42 forces, highest of 8 in its "
        "most similar group"
    )
    assert tile.measures[1].position is None  # no comparison for a charge rate


def test_a_headline_missing_or_without_a_better_direction_is_refused():
    missing = Priority(9, "09_test", "Test priority", "aim", "key", headlines=("asb", "gone"))
    with pytest.raises(
        NotebookError, match="headline measure 'gone' of priority 9 .* the priority's headlines in the plan file"
    ):
        tiles(tables_for(), priorities=(missing,))
    with pytest.raises(NotebookError, match="no better direction"):
        tiles(tables_for(better_when="n/a"), priorities=(TEST_PRIORITY,))


def test_the_plan_names_one_to_three_headlines_per_priority():
    # Driving Efficiencies has one performance measure that can be compared: outturn against budget
    assert [len(p.headlines) for p in PRIORITIES] == [2, 3, 3, 3, 3, 1]
    assert len(set(headline_ids(PRIORITIES))) == 15
    assert "revenue_budget_total" not in headline_ids(PRIORITIES)  # a budget is not a performance measure


def test_the_scorecard_has_units_dates_in_words_and_statuses_in_a_fixed_order():
    tables = pd.concat(
        [
            tables_for(),
            tables_for(
                Priority(1, "01_x", PRIORITIES[0].title, "", ""),
                baseline_label="at 2021-03-31",
                current_label="at 2023-12-31",
            ),
        ]
    )
    rows = scorecard_rows(tables)
    shown = rows[rows["baseline"] != "–"]
    assert shown["baseline"].str.contains(r"incidents|%").all() and shown["current"].str.contains(r"incidents|%").all()
    assert not rows[["baseline", "current"]].apply(lambda c: c.str.contains(r"\d{4}-\d{2}-\d{2}")).any().any()
    assert rows["baseline"].iloc[3] == "58,658 incidents (at 31 March 2021)"
    counts = status_counts(rows, PRIORITIES)
    assert list(counts.columns) == ["priority", *STATUS_ORDER]
    # plan order, every priority of the plan, then any other (never dropped)
    assert counts["priority"].tolist() == [*(p.title for p in PRIORITIES), "Test priority"]
    first = counts.iloc[0]  # the second table, under priority 1: improved, down, not supplied
    assert (first["improved"], first["down"], first["not supplied"], first["worse"]) == (1, 1, 1, 0)
    words = counts[list(STATUS_ORDER)]
    assert words.to_numpy().sum() == 6 and words.iloc[1:6].to_numpy().sum() == 0
    assert re.fullmatch(r"[✔✖●↑↓→○–◷?] .+", rows["status"].iloc[0])


@pytest.mark.slow
def test_positions_read_from_the_national_comparison():
    """With :mod:`pack.compare` (the national comparison), the tiles read the force's rate, England and
    Wales's, its most similar group's and its rank as the comparison computes them."""
    from pack import compare
    from pack.config import DEMO_DATA_DIR
    from pack.data import ensure_demo_data, open_dataset
    from pack.periods import comparison_windows
    from pack.summary.scorecard import POSITION_COLUMNS, positions_table

    ensure_demo_data(DEMO_DATA_DIR)
    _, current = comparison_windows("2024-01", 12, "2021-05")
    national = compare.national_comparison(open_dataset(DEMO_DATA_DIR, load_plan().force), load_plan().force, current)
    positions = positions_table(national)
    if not national.available:
        assert positions is None
        return
    summary = national.summary()
    assert list(positions.columns) == POSITION_COLUMNS
    assert positions["indicator_id"].tolist() == list(national.groups)
    same = {
        "rate_per_1000": "force_rate_per_1000",
        "england_wales_rate_per_1000": "england_wales_rate_per_1000",
        "peers_rate_per_1000": "peers_rate_per_1000",
    }
    for ours, theirs in same.items():
        assert positions[ours].astype("float64").tolist() == summary[theirs].astype("float64").tolist()
    assert positions["rank"].tolist() == summary["rank_from_highest"].tolist()  # 1 = the highest rate
    assert positions["rank_in_group"].tolist() == summary["rank_in_group"].tolist()
    assert set(positions["pool"]) == {
        "England and Wales" if national.pool.complete else f"national pool ({national.pool.label})"
    }
    [tile] = tiles(
        pd.DataFrame([row(indicator_id="asb_incidents", indicator="ASB", unit="incidents")]).assign(
            stem="09_test", priority="Test"
        ),
        positions=positions,
        priorities=(Priority(9, "09_test", "Test", "", "", headlines=("asb_incidents",)),),
    )
    assert tile.measures[0].position is not None
