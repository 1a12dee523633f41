"""The statutory statement (SIO 7A-7C): a figure only where the data measure the national measure; a
police.uk proxy is context with no verdict; PEEL grades and complaints from supplied files."""

import pandas as pd
import pytest

from pack.errors import DataError
from pack.paper.statutory import NO_VERDICT, complaints_7c, load_peel, statement_7a
from pack.periods import comparison_windows

BASELINE, CURRENT = comparison_windows("2024-01", 12, "2021-05")


def tables(possession_status="worse"):
    rows = [
        {
            "indicator_id": "possession_of_weapons",
            "indicator": "Possession of weapons offences",
            "status": possession_status,
            "test": "quasi-Poisson",
            "tested": True,
            "test_reason": "tested",
            "better_when": "lower",
            "change": 121,
            "current_label": "12 months ending January 2024",
            "current_text": "970 crimes",
            "change_text": "up 121 crimes (14.3%)",
        },
        {
            "indicator_id": "neighbourhood_crime",
            "indicator": "Neighbourhood crime (burglary, robbery, vehicle crime, theft from the person)",
            "status": "improved",
            "test": "quasi-Poisson",
            "tested": True,
            "test_reason": "tested",
            "better_when": "lower",
            "change": -1049,
            "current_label": "12 months ending January 2024",
            "current_text": "8,127 crimes",
            "change_text": "down 1,049 crimes (11.4%)",
        },
    ]
    return pd.DataFrame(rows)


def mi(rows):
    columns = ["indicator_id", "period_start", "period_end", "value", "unit", "source", "note"]
    frame = pd.DataFrame(rows, columns=columns)
    for c in ("period_start", "period_end"):
        frame[c] = pd.to_datetime(frame[c])
    frame["value"] = frame["value"].astype(float)
    return frame


@pytest.mark.parametrize("status", ["worse", "improved", "no significant change"])
def test_possession_of_weapons_never_carries_a_verdict_as_serious_violence(status):
    statement = statement_7a(tables(status), None, BASELINE, CURRENT)
    violence = statement[statement["measure"] == "Reduce serious violence"]
    assert list(violence["verdict"]) == ["not supplied", NO_VERDICT]
    assert violence["figure"].iloc[1].startswith("context only: Possession of weapons offences: 970 crimes")
    assert set(statement.loc[statement["figure"].str.contains("Possession"), "verdict"]) == {NO_VERDICT}


def test_serious_violence_from_knife_crime_figures_when_supplied():
    supplied = mi(
        [
            ["knife_crime_offences", "2020-06-01", "2021-05-31", 610, "offences", "force", ""],
            ["knife_crime_offences", "2023-02-01", "2024-01-31", 655, "offences", "force", ""],
        ]
    )
    statement = statement_7a(tables(), supplied, BASELINE, CURRENT)
    row = statement[statement["measure"] == "Reduce serious violence"].iloc[0]
    assert row["figure"] == "Knife and sharp-instrument offences: 655 offences"
    assert row["verdict"] == "up"  # management information: a direction, never a tested verdict


def test_neighbourhood_crime_is_named_as_the_police_uk_approximation():
    statement = statement_7a(tables(), None, BASELINE, CURRENT)
    row = statement[statement["measure"] == "Reduce neighbourhood crime"].iloc[0]
    assert "police.uk approximation" in row["what applies"] and row["verdict"] == "improved"
    satisfaction = statement[statement["measure"].str.startswith("Improve satisfaction")].iloc[0]
    assert "domestic abuse" in satisfaction["measure"] and satisfaction["verdict"] == "not supplied"


def test_complaints_are_not_supplied_without_their_management_information():
    assert list(complaints_7c(None, BASELINE, CURRENT)["value"]) == ["not supplied"] * 3


def test_peel_keeps_the_latest_inspection_and_refuses_a_bad_grade(tmp_path):
    assert load_peel(tmp_path) is None
    (tmp_path / "peel.csv").write_text(
        "published,area,grade\n2021-05-01,Investigating crime,Good\n2023-03-14,Investigating crime,Adequate\n",
        encoding="utf-8",
    )
    assert load_peel(tmp_path).to_dict("records") == [
        {"published": "2023-03-14", "area": "Investigating crime", "grade": "adequate"}
    ]
    (tmp_path / "peel.csv").write_text("published,area,grade\n2023-03-14,Investigating crime,Fine\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2, column 'grade'"):
        load_peel(tmp_path)
