"""Stop and search disparity ratios and breakdowns (issue 22, item 6), on hand-written files.

Searches in January and February 2024 (rows through the real prepare stage):

| officer-defined | self-defined                                         | age   | gender | legislation    |
|-----------------|------------------------------------------------------|-------|--------|----------------|
| White x 3       | White - English/Welsh/Scottish/Northern Irish/British | 18-24 | Male   | Misuse of Drugs |
| Black x 1       | Black/African/Caribbean/Black British - African       | 10-17 | Male   | PACE s1         |
| Black x 1       | White - Irish                                        | 25-34 | Female | PACE s1         |
| (blank) x 1     | Other ethnic group - Not stated                      | over 34 | Male | Misuse of Drugs |

Residents: White 3,000, Black 250, Mixed 400 (officer-defined ethnicity never records Mixed here).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from csvs import STOP_HEADER, write

from pack import policing, stopsearch
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.figures import Coverage
from pack.periods import rolling_window

WINDOW = rolling_window("2024-02", 2)
DRUGS, PACE = "Misuse of Drugs Act 1971 (section 23)", "Police and Criminal Evidence Act 1984 (section 1)"
WHITE_BRITISH = "White - English/Welsh/Scottish/Northern Irish/British"


def row(day: str, officer: str, self_defined: str, age: str, gender: str, law: str) -> str:
    return (
        f"Person search,{day}T10:00:00+00:00,False,,52.92,-1.48,{gender},{age},{self_defined},{officer},"
        f"{law},Controlled drugs,Arrest,True,False\n"
    )


@pytest.fixture(scope="module")
def searches(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    d = tmp_path_factory.mktemp("stopsearch") / "data"
    write(
        d,
        "2024-01/2024-01-derbyshire-stop-and-search.csv",
        STOP_HEADER
        + row("2024-01-03", "White", WHITE_BRITISH, "18-24", "Male", DRUGS)
        + row("2024-01-09", "White", WHITE_BRITISH, "18-24", "Male", DRUGS)
        + row("2024-01-15", "Black", "Black/African/Caribbean/Black British - African", "10-17", "Male", PACE),
    )
    write(
        d,
        "2024-02/2024-02-derbyshire-stop-and-search.csv",
        STOP_HEADER
        + row("2024-02-02", "White", WHITE_BRITISH, "18-24", "Male", DRUGS)
        + row("2024-02-11", "Black", "White - Irish", "25-34", "Female", PACE)
        + row("2024-02-20", "", "Other ethnic group - Not stated", "over 34", "Male", DRUGS),
    )
    write(d, "ons/ethnic-groups.csv", 'ethnic_group,population\nWhite,"3,000"\nBlack,250\nMixed,400\n')
    return Dataset(prepare(d))


def population(data: Dataset) -> dict[str, float]:
    return policing.population_by_group(data.table("ethnicity_population"))


def test_officer_defined_disparity_by_hand(searches: Dataset) -> None:
    table = stopsearch.disparity_table(searches.table("stop_search"), WINDOW, population(searches))
    by = table.set_index("ethnic_group")
    assert list(by.index) == ["White", "Black"]  # Mixed is never recorded by officers here: no row
    assert by.loc["White", "per_1000_residents"] == 1.0  # 3 / 3,000 x 1,000
    assert by.loc["Black", "per_1000_residents"] == 8.0  # 2 / 250 x 1,000
    assert by.loc["Black", "rate_ratio"] == 8.0  # 8.0 / 1.0
    # exact interval: given 5 searches, Black ones are binomial with p0 = 250 / 3,250. Clopper-Pearson for
    # 2 of 5: lower p = Beta(0.025; 2, 4) = 0.0527, upper p = Beta(0.975; 3, 3) = 0.85337; as a ratio,
    # p / (1 - p) x 3,000 / 250: 0.0527 / 0.9473 x 12 = 0.67 and 0.85337 / 0.14663 x 12 = 69.84
    assert by.loc["Black", "lower_limit"] == 0.67 and by.loc["Black", "upper_limit"] == 69.84
    assert math.isnan(by.loc["White", "lower_limit"]) and by.loc["White", "rate_ratio"] == 1.0


def test_beta_quantiles_used_above() -> None:
    """The Beta quantiles of the worked interval, from their closed-form CDFs (no library):
    Beta(2, 4): F(x) = 1 - (1 - x)^4 (1 + 4x) ... written out: 1 - (1-x)^5 - 5x(1-x)^4;
    Beta(3, 3): F(x) = 10x^3 - 15x^4 + 6x^5."""
    lower, upper = 0.0527, 0.85337
    assert math.isclose(1 - (1 - lower) ** 5 - 5 * lower * (1 - lower) ** 4, 0.025, abs_tol=5e-4)
    assert math.isclose(10 * upper**3 - 15 * upper**4 + 6 * upper**5, 0.975, abs_tol=5e-4)


def test_disparity_sentences_state_the_ratio_interval_and_what_is_left_out(searches: Dataset) -> None:
    stop = searches.table("stop_search")
    table = stopsearch.disparity_table(stop, WINDOW, population(searches))
    sentences = stopsearch.disparity_sentences(table, stop, WINDOW, population(searches))
    assert sentences == [
        "Black people were searched at 8.0 times the rate of White people (95% CI 0.67 to 69.8; not statistically "
        "significantly different), officer-defined ethnicity, 2 months ending February 2024.",
        "No search in the files records officer-defined ethnicity 'Mixed': no ratio for it.",
        "1 of 6 searches (16.7%) recorded no officer-defined ethnicity and are in no rate.",
    ]


def test_self_defined_ethnicity_is_grouped_by_its_first_part(searches: Dataset) -> None:
    stop = searches.table("stop_search")
    assert stopsearch.recorded(stop, "self_defined_ethnicity", WINDOW)
    table = stopsearch.disparity_table(stop, WINDOW, population(searches), "self_defined_ethnicity")
    by = table.set_index("ethnic_group")
    # self-defined: White British x 3 and White - Irish x 1 are White (4); one Black African; one not stated
    assert by["searches"].to_dict() == {"White": 4, "Black": 1}
    assert by.loc["Black", "rate_ratio"] == 3.0  # (1 / 250) / (4 / 3,000) = 0.004 / 0.001333


def test_breakdowns_by_legislation_age_and_gender(searches: Dataset) -> None:
    stop = searches.table("stop_search")
    coverage = Coverage.of(searches, ["stop_search"])
    law = stopsearch.by_category(stop, WINDOW, coverage, "legislation").table.set_index("legislation")
    assert law["searches"].to_dict() == {DRUGS: 4, PACE: 2}
    assert law.loc[DRUGS, "share_pct"] == 66.7  # 4 of 6
    age = stopsearch.by_category(stop, WINDOW, coverage, "age_range").table
    assert age["age_range"].tolist() == ["10-17", "18-24", "25-34", "over 34"]  # age order, not by count
    assert age["searches"].tolist() == [1, 3, 1, 1]
    gender = stopsearch.by_category(stop, WINDOW, coverage, "gender").table
    assert stopsearch.category_title(gender, "gender", WINDOW.label) == (
        "83% of searches were of men, 2 months ending February 2024"  # 5 of 6
    )
    assert stopsearch.category_title(age, "age_range", WINDOW.label).startswith(
        "People aged 18-24 were searched most: 50%"
    )


def test_a_column_the_files_leave_empty_is_not_recorded() -> None:
    frame = pd.DataFrame({"month": ["2024-01"], "self_defined_ethnicity": [""], "legislation": ["x"]})
    assert not stopsearch.recorded(frame, "self_defined_ethnicity", rolling_window("2024-01", 1))
    assert stopsearch.recorded(frame, "legislation", rolling_window("2024-01", 1))


def test_a_window_not_covered_gives_no_ratios(searches: Dataset) -> None:
    b = stopsearch.disparity(
        searches.table("stop_search"),
        rolling_window("2024-02", 3),
        Coverage.of(searches, ["stop_search"]),
        {"White": 1.0},
    )
    assert b.table.empty and "missing 2023-12" in b.left_out[0]
