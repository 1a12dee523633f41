"""Questions for the Commissioner: addressed to the Commissioner, ranked by importance, never about
rounding or truncation alone, each with its figure, period and comparator. Answers worked by hand."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pack.paper import questions as q

CURRENT = "12 months ending January 2024"


def claim_row(stated, published_as, computed, compared="12 months ending May 2021 → 12 months ending January 2024"):
    return {
        "quote": "Groups increased by 36.3%.",
        "source": "End of Term Report",
        "stated": stated,
        "published_as": published_as,
        "computed": computed,
        "compared": compared,
        "verdict": "not consistent",
    }


def test_a_truncated_figure_is_not_a_contradiction():
    # 66 -> 90 groups is +36.3636...%: published as "36.3" (truncated), rounding gives 36.4. Not a question.
    assert q.claim(claim_row(36.3, "36.3", 36.3636)) is None
    # rounding to the published decimals is not one either: 31.96 published as "32"
    assert q.claim(claim_row(32.0, "32", 31.6)) is None
    # sign kept: -7.1 published as 7.1 (a fall), computed -7.149 truncates to -7.1
    assert q.claim(claim_row(-7.1, "7.1", -7.149)) is None


def test_a_figure_beyond_rounding_and_truncation_is_asked():
    # 1,370 -> 1,753 submissions is +27.96%: stated 27.6, beyond both (27.55 to 27.7)
    asked = q.claim(claim_row(27.6, "27.6", 27.956, "1 January 2022 to 31 December 2022 → 2023"))
    assert asked is not None and "the Commissioner" in asked.question
    assert "28.0%" in asked.question and "27.6% stated" in asked.question and asked.comparator == "27.6% stated"
    # -7.1 stated, -4.75 computed: beyond
    assert q.claim(claim_row(-7.1, "7.1", -4.752)) is not None
    # the opposite sign is a contradiction whatever the size
    assert q.claim(claim_row(-0.4, "0.4", 0.2)) is not None


def test_iso_dates_in_a_claims_period_are_written_in_words():
    asked = q.claim(claim_row(27.6, "27.6", 27.956, "2022-01-01 to 2022-12-31 → 2023-01-01 to 2023-12-31"))
    assert asked.period == "1 January 2022 to 31 December 2022 → 1 January 2023 to 31 December 2023"
    assert "2022-01-01" not in asked.question


def test_disparity_names_the_ratio_its_interval_and_the_reference_group():
    ratios = pd.DataFrame(
        {
            "ethnic_group": ["White", "Asian", "Black"],
            "per_1000_residents": [1.82, 3.33, 8.08],
            "rate_ratio": [1.0, 1.83, 4.43],
            "lower_limit": [None, 1.55, 3.63],
            "upper_limit": [None, 2.13, 5.37],
        }
    )
    asked = q.disparity(ratios, CURRENT)
    assert asked.figure == "4.4 times the rate (95% CI 3.6 to 5.4)"
    assert asked.comparator == "White residents" and asked.period == CURRENT
    assert "Black residents were stopped and searched at 4.4 times the rate of White residents" in asked.question
    # no interval wholly above 1: no question
    assert q.disparity(ratios.assign(lower_limit=[None, 0.9, 0.95]), CURRENT) is None


def test_the_999_standard_counts_the_months_below_90_percent():
    bands = pd.DataFrame({"month": [f"2023-{m:02d}" for m in range(1, 13)], "answered_under_10s_pct": [95.0] * 12})
    assert q.standard_999(bands, CURRENT) is None
    bands.loc[[1, 4, 7], "answered_under_10s_pct"] = [89.9, 83.5, 90.0]  # 90.0 meets the standard
    asked = q.standard_999(bands, CURRENT)
    assert asked.figure == "2 of 12 months below 90% (lowest 83.5%)"
    assert "May 2023" in asked.question


def test_ranked_by_kind_then_size_and_ten_in_the_paper():
    found = [
        q.Question(kind, "P", f"{kind} {i}: the Commissioner?", "f", "p", "c", i) for kind in q.KINDS for i in (1, 3)
    ]
    ranked = q.rank(list(reversed(found)) + [None])
    assert list(ranked["kind"]) == [k for k in q.KINDS for _ in (0, 1)]
    assert list(ranked["question"][:2]) == [
        "significant deterioration 3: the Commissioner?",
        "significant deterioration 1: the Commissioner?",
    ]
    assert list(ranked["in_paper"]) == [True] * 10 + [False] * (len(found) - 10)
    assert list(ranked["rank"]) == list(range(1, len(found) + 1))


worse_rows = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(["Burglary", "Charge rate"]),
        "unit": st.sampled_from(["crimes", "%", "£m", "incidents"]),
        "baseline_value": st.floats(1, 1e5),
        "current_value": st.floats(1, 1e5),
        "baseline_label": st.just("12 months ending May 2021"),
        "current_label": st.just(CURRENT),
        "current_text": st.just("x"),
        "baseline_text": st.just("y"),
    }
)


@given(worse_rows)
def test_every_deterioration_question_asks_the_commissioner_with_its_figure(row):
    row = row | {"change": row["current_value"] - row["baseline_value"]}
    asked = q.deterioration(row, "P")
    assert "the Commissioner" in asked.question and asked.figure == "x"
    assert asked.period == CURRENT and asked.comparator == "y, 12 months ending May 2021"


def test_a_claim_without_per_cent_is_asked_without_a_unit_and_one_missing_measure_is_singular():
    row = claim_row(120.0, "120", 150.0) | {"quote": "Officers made 120 visits."}
    asked = q.claim(row)
    assert "give 150.0 (" in asked.question and "against 120 stated" in asked.question
    statement = pd.DataFrame({"measure": ["Tackle cyber crime", "Reduce murder"], "verdict": ["not supplied", "down"]})
    assert q.statutory_missing(statement).figure == "1 measure not supplied"
