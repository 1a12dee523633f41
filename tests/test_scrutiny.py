"""Scrutiny questions: one per signal, naming the figure, in a fixed order; nothing for a signal that is
not there."""

import pandas as pd

from pack.periods import Month
from pack.plan import PlanPriority, load_plan
from pack.summary.headlines import Trend
from pack.summary.scorecard import tiles
from pack.summary.scrutiny import concern_question, missing_question, questions, read_claim_verdicts

PRIORITIES = load_plan().priorities
POISSON = "exact Poisson test of the two daily rates at the 5% level"
P1 = PlanPriority(1, PRIORITIES[0].stem, PRIORITIES[0].title, "", (), ("vso",), ("vso",), None)


def table(*rows):
    base = {
        "baseline_label": "12 months ending May 2021",
        "current_label": "12 months ending January 2024",
        "better_when": "lower",
        "unit": "crimes",
        "note": POISSON,
        "tested": True,  # set where the test was made (pack.indicators)
        "stem": P1.stem,
        "priority": P1.title,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


VSO = {
    "indicator_id": "vso",
    "indicator": "Violence and sexual offences",
    "baseline_value": 42510,
    "current_value": 45280,
    "change": 2770,
    "pct_change": 6.516,
    "status": "worse",
}


def test_a_tested_rise_gets_a_question_naming_it_and_an_untested_one_none():
    untested = {
        **VSO,
        "indicator_id": "w",
        "indicator": "Workforce",
        "note": "direction only",
        "unit": "people",
        "tested": False,
    }
    asked = questions(table(VSO, untested), [], None, "12 months ending January 2024")
    # 42,510 -> 45,280 is +2,770 = +6.5%
    assert asked == [
        "Violence and sexual offences rose by 6.5% (from 42,510 to 45,280 crimes) between the 12 months ending May "
        "2021 and the 12 months ending January 2024, a statistically significant rise: what is driving the rise, and "
        "how much of it is recording rather than offending?"
    ]


def test_a_fall_in_a_rate_asks_what_is_being_done():
    rate = {
        **VSO,
        "indicator": "Crimes charged or summonsed",
        "baseline_value": 7.68,
        "current_value": 5.67,
        "change": -2.01,
        "unit": "%",
        "better_when": "higher",
    }
    [asked] = questions(table(rate), [], None, "x")
    assert asked.startswith("Crimes charged or summonsed fell by 2.0 percentage points (from 7.68% to 5.67%)")
    assert asked.endswith("what is driving the fall, and what is being done about it?")


def test_months_of_concern_inside_the_period_only():
    months = [str(Month(2022, 1) + i) for i in range(24)]
    values = [10.0, 11.0] * 10 + [10.0, 11.0, 10.0, 11.0]
    quiet = pd.Series(values, index=months)
    assert concern_question("Burglary", quiet, "lower", Month(2023, 2), Month(2023, 12)) is None
    spike = quiet.copy()
    spike.iloc[3] = 40.0  # April 2022: far above the upper limit, but before the period
    assert concern_question("Burglary", spike, "lower", Month(2023, 2), Month(2023, 12)) is None
    spike.iloc[20] = 40.0  # September 2023, inside the period
    assert concern_question("Burglary", spike, "lower", Month(2023, 2), Month(2023, 12)).startswith(
        "Burglary: 1 month of the reporting period (September 2023) shows special-cause variation of concern"
    )
    # where higher is better the spike is no concern (the run of low months it leaves behind is)
    single = quiet.copy()
    single.iloc[20] = 40.0
    higher = concern_question("Officers", single, "higher", Month(2023, 2), Month(2023, 12))
    assert "September 2023" not in higher and "(run below the mean)" in higher


def test_every_kind_of_signal_in_its_order(tmp_path):
    months = [str(Month(2022, 2) + i) for i in range(24)]
    values = [10.0, 11.0] * 12
    values[-2] = 40.0  # December 2023, in the 12 months ending January 2024
    trend = Trend(pd.Series(values, index=months), "crimes per month", True)
    quiet = {**VSO, "status": "no significant change", "current_value": 42600, "change": 90, "pct_change": 0.2}
    absent = {"indicator_id": "m", "indicator": "Victim satisfaction", "status": "not supplied", "unit": "%"}
    stale = {"indicator_id": "s", "indicator": "Officers", "status": "out of date", "current_label": "at 2019-09-30"}
    tables = table(quiet, absent, stale)
    claims = pd.DataFrame(
        [
            {
                "claim_id": "a",
                "quote": "'ASB fell by 50%.",
                "source": "End of Term Report",
                "stated": -50,
                "computed": -41.2,
                "compared": "x → y",
                "verdict": "not consistent",
            },
            {
                "claim_id": "c",
                "quote": "138 ASB incidents a day.",
                "source": "End of Term Report",
                "stated": 138,
                "computed": 75,
                "compared": "y",
                "verdict": "different source",
                "claim_source": "the force's incident system",
            },
            {
                "claim_id": "b",
                "quote": "Fine.",
                "source": "R",
                "stated": 1,
                "computed": 1,
                "compared": "y",
                "verdict": "consistent",
            },
        ]
    )
    (tmp_path / "tables").mkdir()
    claims.to_csv(tmp_path / "tables" / "07_claims_check-verdicts.csv", index=False)
    asked = questions(
        tables,
        tiles(tables, {"vso": trend}, priorities=(P1,)),
        read_claim_verdicts(tmp_path),
        "12 months ending January 2024",
    )
    assert len(asked) == 4
    assert asked[0].startswith("Violence and sexual offences: 1 month of the reporting period (December 2023) shows")
    assert asked[1] == (
        'The End of Term Report says: "ASB fell by 50%." The data supplied give -41.2 (x → y) against -50 stated: '
        "what explains the difference?"
    )
    assert asked[2] == (  # a different source is not "not consistent": the question asks for that source
        'The End of Term Report says: "138 ASB incidents a day." Its figure comes from the force\'s incident system, '
        "which the data supplied do not measure: can the panel see that source's figures for the same months?"
    )
    assert asked[3] == (
        "Strong Local Policing: 1 measure was not supplied for this pack (Victim satisfaction). When will it be "
        "supplied, and by whom? 1 measure is out of date for the 12 months ending January 2024 (Officers (at 30 "
        "September 2019)). When will an up-to-date figure be available?"
    )
    assert read_claim_verdicts(tmp_path / "nowhere") is None


def test_no_missing_measures_no_question():
    assert missing_question("Road Safety", [{"indicator": "KSI", "status": "improved"}], "x") is None
