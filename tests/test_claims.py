"""Claims check on a hand-made data set where one claim is true and one is false.

Street files for 2022-01..2023-12: 10 ASB incidents and 4 burglaries every month of 2022, then
5 ASB incidents and 4 burglaries every month of 2023. So ASB fell by exactly 50% (120 → 60) between
the 12 months ending December 2022 and December 2023, and burglary did not change (48 → 48).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from csvs import street_month, write

from pack import claims
from pack.config import PUBLISHED_DIR
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.errors import DataError

CLAIMS_HEADER = ",".join(claims.COLUMNS) + "\n"
TRUE_AND_FALSE = CLAIMS_HEADER + (
    'asb_half,"ASB down by half",Test report,Section 1,asb_incidents,street:asb_incidents,pct_change,'
    "2022-12,2023-12,-50,3,percentage points\n"
    'burglary_third,"burglary down by a third",Test report,Section 1,burglary,street:burglary,pct_change,'
    "2022-12,2023-12,-33,3,percentage points\n"
    'asb_future,"ASB halved again by mid-2024",Test report,Section 2,asb_incidents,street:asb_incidents,pct_change,'
    "2023-06,2024-06,-50,3,percentage points\n"
    'calls_101,"101 wait under 3 minutes",Test report,Section 3,wait_101_minutes,calls:101,value,,'
    "2023-12,2.8,0.3,minutes\n"
)


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("claims") / "data"
    for year, asb in ((2022, 10), (2023, 5)):
        for month in range(1, 13):
            street_month(folder, f"{year}-{month:02d}", {"Anti-social behaviour": asb, "Burglary": 4})
    return folder


def test_one_claim_true_one_false_and_the_rest_cannot_be_checked(hand_made: Path, tmp_path: Path) -> None:
    claim_file = write(tmp_path, "claims.csv", TRUE_AND_FALSE)
    verdicts = claims.check_claims(claims.load_claims(claim_file), Dataset(prepare(hand_made))).set_index("claim_id")
    assert verdicts.loc["asb_half", "verdict"] == "consistent"
    assert verdicts.loc["asb_half", "computed"] == -50.0
    assert verdicts.loc["asb_half", "compared"] == "12 months ending December 2022 → 12 months ending December 2023"
    assert verdicts.loc["burglary_third", "verdict"] == "not consistent"
    assert verdicts.loc["burglary_third", "computed"] == 0.0  # computed from the data, not the claim's -33
    assert verdicts.loc["asb_future", "verdict"] == "cannot be checked"
    assert "missing 2024-01..2024-06" in verdicts.loc["asb_future", "reason"]
    assert verdicts.loc["calls_101", "verdict"] == "cannot be checked"
    assert verdicts.loc["calls_101", "reason"] == "call-handling figures not supplied"


def test_real_data_asb_and_burglary_claims_cannot_be_checked(real_data: Path) -> None:
    published = claims.load_claims(PUBLISHED_DIR / "claims.csv")
    verdicts = claims.check_claims(published, Dataset(prepare(real_data))).set_index("claim_id")
    street = verdicts[published.set_index("claim_id")["evidence"].str.startswith("street:")]
    assert len(street) >= 5
    assert set(street["verdict"]) == {"cannot be checked"}
    asb = [i for i in street.index if i.startswith("asb")][0]
    # the real files run 2021-03..2022-11: a window ending 2021-05 lacks 2020-06..2021-02
    assert "missing 2020-06..2021-02" in street.loc[asb, "reason"]
    assert street["computed"].isna().all()


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("x,q,d,s,i,street:burglary,halved,2022-12,2023-12,-50,3,%", "measure", "pct_change or change"),
        ("x,q,d,s,i,police:burglary,value,,2023-12,5,1,%", "evidence", "street:<group>"),
        ("x,q,d,s,i,street:burglary,pct_change,2022-12,Dec 2023,-50,3,%", "window_b_end", "YYYY-MM"),
        ("x,q,d,s,i,street:burglary,pct_change,,2023-12,-50,3,%", "window_a_end", "compares two periods"),
        ("x,q,d,s,i,street:burglary,value,,2023-12,about half,3,%", "stated_value", "a number"),
    ],
)
def test_a_bad_claims_row_is_named(tmp_path: Path, row: str, column: str, expected: str) -> None:
    path = write(tmp_path, "mine.csv", CLAIMS_HEADER + "ok,q,d,s,i,street:burglary,value,,2023-12,5,1,%\n" + row + "\n")
    with pytest.raises(DataError) as err:
        claims.load_claims(path)
    message = str(err.value)
    assert "mine.csv" in message and "row 3" in message and column in message and expected in message


@pytest.mark.slow
def test_claims_notebook_uses_the_users_claims_file(hand_made: Path, tmp_path: Path) -> None:
    """The build copies --claims FILE into the pack as claims.csv; the notebook checks those claims."""
    from pack.build.execute import execute_one
    from pack.params import BuildParameters

    out = tmp_path / "pack"
    for sub in ("notebooks", "tables", "figures"):
        (out / sub).mkdir(parents=True)
    write(out, "claims.csv", TRUE_AND_FALSE)
    params = BuildParameters.create(period_end="2023-12", data_dir=str(hand_made), baseline_end="2022-12")
    outcome = execute_one("07_claims_check", out, params.notebook_parameters("."), 120)
    assert outcome.error is None, outcome.error
    verdicts = pd.read_csv(out / "tables" / "07_claims_check-verdicts.csv").set_index("claim_id")
    assert list(verdicts.index) == ["asb_half", "burglary_third", "asb_future", "calls_101"]
    assert verdicts.loc["asb_half", "verdict"] == "consistent"
    assert verdicts.loc["burglary_third", "verdict"] == "not consistent"
