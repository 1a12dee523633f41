"""Whole packs show only what the data support (issue 21's acceptance): the real Derbyshire files for
March 2022, the same files with a month taken out, the demo pack, and packs built from data folders
with random months missing (hypothesis). Each pack is read back by an independent audit
(:mod:`coverage_audit`) of ``tables/*.csv`` and the HTML.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from coverage_audit import html_problems, label_window, table_problems
from csvs import OUTCOME_HEADER, STREET_HEADER, outcome_row, street_row, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pack.periods import Month, month_range
from pack.pipeline.request import BuildRequest
from pack.pipeline.run import build

pytestmark = pytest.mark.slow

STREET_REAL = {str(m) for m in month_range(Month(2021, 3), Month(2022, 11))}
OUTCOMES_REAL = {str(m) for m in month_range(Month(2021, 3), Month(2022, 3))}


def indicators(pack: Path) -> pd.DataFrame:
    frames = [pd.read_csv(p) for p in sorted((pack / "tables").glob("*-indicators.csv"))]
    return pd.concat(frames, ignore_index=True).set_index("indicator_id")


def pages(pack: Path) -> list[Path]:
    return [pack / "evidence-pack.html", *sorted((pack / "notebooks").glob("*.html"))]


def test_real_pack_for_march_2022_shows_nothing_for_the_uncovered_baseline(real_pack: Path) -> None:
    out = real_pack  # the shared build of the real files for the 12 months ending March 2022
    assert table_problems(out, STREET_REAL, OUTCOMES_REAL, "2022-03") == []
    for page in pages(out):
        assert html_problems(page, ["12 months ending May 2021"]) == []
    table = indicators(out)
    # street files from March 2021, outcome files to March 2022: no baseline, a current outcome rate
    for ind in ("asb_incidents", "violence_sexual_offences", "crimes_with_outcome_pct", "charge_rate_pct"):
        assert pd.isna(table.loc[ind, "baseline_value"]) and table.loc[ind, "baseline_text"].startswith("not covered")
    assert table.loc["asb_incidents", "current_value"] == 27591  # counted independently (PROVENANCE.md)
    assert (
        table.loc["charge_rate_pct", "unit"] == "%"
        and table.loc["charge_rate_pct", "change_unit"] == "percentage points"
    )
    # the September 2019 headcount is out of date for the 12 months ending March 2022, never compared
    head = table.loc["officer_headcount"]
    assert head["status"] == "out of date" and pd.isna(head["current_value"]) and pd.isna(head["change"])
    assert head["current_text"] == "out of date (as at 30 September 2019): 1,839 people"
    districts = pd.read_csv(out / "tables" / "02_neighbourhood_crime_asb-asb-districts.csv")
    assert list(districts.columns) == ["district", "12 months ending March 2022"]
    assert len(districts) == 10 and districts["district"].iloc[-1] == "Outside the force area"  # 9 districts + 1
    trend = pd.read_csv(out / "tables" / "02_neighbourhood_crime_asb-asb-trend.csv", dtype={"month": str})
    assert trend["month"].iloc[-1] == "2022-03"  # the files run to November 2022
    html = (out / "evidence-pack.html").read_text(encoding="utf-8")
    assert "out of date: ends September 2019, before the 12 months ending March 2022 began" in html


@pytest.mark.long  # a default-plan build of the real files with a month taken out
def test_real_pack_with_a_month_taken_out(real_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(real_data, data, copy_function=os.link)
    (data / "police-uk" / "derbyshire" / "2021-09" / "2021-09-derbyshire-street.csv").unlink()
    out = tmp_path / "pack"
    result = build(BuildRequest(period_end="2022-11", output_dir=out, data_dir=str(data), baseline_end="2021-11"))
    assert result.ok, [n.error for n in result.notebooks]
    street = STREET_REAL - {"2021-09"}
    assert table_problems(out, street, OUTCOMES_REAL, "2022-11") == []
    for page in pages(out):
        assert html_problems(page, ["12 months ending November 2021"]) == []
    trend = pd.read_csv(out / "tables" / "02_neighbourhood_crime_asb-asb-trend.csv", dtype={"month": str})
    rolling = trend.set_index("month")["rolling_12_month_total"]
    assert rolling.loc["2021-09":"2022-08"].isna().all() and rolling.loc["2022-11"] == 23484  # PROVENANCE.md
    row = indicators(out).loc["burglary"]
    assert row["baseline_text"] == "not covered: missing 2020-12..2021-02, 2021-09"
    assert row["current_value"] == 3859  # 12 months ending November 2022, counted independently
    assert not (out / "tables" / "02_neighbourhood_crime_asb-asb-xmr.csv").exists()  # 14 months after the gap


def test_demo_pack_computes_every_indicator(demo_pack: Path) -> None:
    table = indicators(demo_pack)
    shown = table[table["status"] != "not supplied"]
    assert shown["current_value"].notna().all()
    # the 999 answer-time bands are published from November 2021 only (as the real ones are): no data can
    # cover the plan baseline (12 months ending May 2021), so that one baseline says so; every other is computed
    bands = table.loc["answer_999_within_10s_pct"]
    assert bands["baseline_text"] == "not covered: missing 2020-06..2021-05" and bands["status"] == "no comparison"
    baselines = shown["baseline_text"].drop(index="answer_999_within_10s_pct").dropna()
    texts = pd.concat([baselines, shown["current_text"]])
    assert not texts.str.contains("not covered|out of date").any()
    assert (shown["unit"].fillna("") != "").all()
    charge = table.loc["charge_rate_pct"]
    assert charge["change_unit"] == "percentage points" and pd.isna(charge["pct_change"])
    # at equal follow-up (outcomes recorded in the crime month, both windows): 3.44% -> 3.38%, not "worse"
    # (the latest outcome of every crime read 7.68% -> 5.67%, "worse": the current window's censoring)
    assert charge["change_text"] == "down 0.1 percentage points" and charge["status"] == "no significant change"
    assert charge["follow_up_months"] == 0 and charge["indicator"].endswith("in the crime month")
    demo_months = {str(m) for m in month_range(Month(2019, 1), Month(2024, 1))}  # STATS19 from 2019-01, the rest later
    assert table_problems(demo_pack, demo_months, demo_months, "2024-01") == []


# ---------------------------------------------------------------------------------------------
# Property: for random sets of missing months, no figure spans an uncovered month


DATA_MONTHS = [str(m) for m in month_range(Month(2021, 1), Month(2024, 2))]  # runs past the period
PERIOD = "2023-12"
CURRENT = {str(m) for m in month_range(Month(2023, 1), Month(2023, 12))}


def synthetic_folder(folder: Path, street: list[str], outcomes: list[str]) -> None:
    """7 records a month (4 ASB and 2 burglaries in Derby, 1 violent crime in Amber Valley), one
    burglary snapped to Sheffield in the first month, outcome files for the ``outcomes`` months."""
    for m in street:
        rows = [street_row("", m, "E01013523", "Derby 008B", "Anti-social behaviour") for _ in range(4)]
        rows += [street_row(f"{m}-b{i}", m, "E01013523", "Derby 008B", "Burglary") for i in range(2)]
        rows.append(street_row(f"{m}-v", m, "E01019400", "Amber Valley 001A", "Violence and sexual offences"))
        if m == street[0]:
            rows.append(street_row(f"{m}-x", m, "E01008000", "Sheffield 001A", "Burglary"))
        write(folder, f"{m}/{m}-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    for m in outcomes:
        rows = [outcome_row(f"{m}-b0", m, "Suspect charged"), outcome_row(f"{m}-b1", m, "Unable to prosecute suspect")]
        write(folder, f"{m}/{m}-derbyshire-outcomes.csv", OUTCOME_HEADER + "".join(rows))
    write(
        folder,
        "ons/ruc.csv",
        "LSOA11CD,LSOA11NM,RUC11CD,RUC11\nE01019400,Amber Valley 001A,D1,Rural town and fringe\n"
        "E01013523,Derby 008B,C1,Urban city and town\n",
    )
    write(folder, "ons/population.csv", 'lsoa,pop\nE01019400,"1,500"\nE01013523,"3,000"\n')


@pytest.mark.long  # four whole builds of the default plan on random data
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    street_missing=st.sets(st.sampled_from([m for m in DATA_MONTHS if m not in CURRENT]), max_size=6),
    outcome_missing=st.sets(st.sampled_from(DATA_MONTHS), max_size=6),
    baseline=st.sampled_from(["2022-12", "2022-06", "2023-06"]),
)
def test_no_figure_of_a_built_pack_spans_an_uncovered_month(
    street_missing: set[str], outcome_missing: set[str], baseline: str
) -> None:
    street = [m for m in DATA_MONTHS if m not in street_missing]
    outcomes = [m for m in street if m not in outcome_missing and m <= "2023-10"]
    with tempfile.TemporaryDirectory() as work:
        folder, out = Path(work) / "data", Path(work) / "pack"
        synthetic_folder(folder, street, outcomes)
        result = build(BuildRequest(period_end=PERIOD, output_dir=out, data_dir=str(folder), baseline_end=baseline))
        assert result.ok, [n.error for n in result.notebooks]
        assert table_problems(out, set(street), set(outcomes), PERIOD) == []
        uncovered = [
            label for label in {f"12 months ending {Month.parse(baseline).name}"} if not _covered(label, street)
        ]
        for page in pages(out):
            assert html_problems(page, uncovered) == []
        table = indicators(out)
        for ind, row in table.iterrows():
            for side in ("baseline", "current"):
                window = label_window(row[f"{side}_label"])
                if window is not None and pd.isna(row[f"{side}_value"]) and row["status"] != "not supplied":
                    assert str(row[f"{side}_text"]).startswith("not covered: missing"), (ind, side)


def _covered(label: str, months: list[str]) -> bool:
    window = label_window(label)
    return window is not None and all(m in months for m in window.month_strings())
