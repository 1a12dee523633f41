"""Known answers for each priority's measures, on tiny hand-written data sets.

Every figure asserted here was worked out by hand from the rows written in the test; the rows go
through the real prepare stage (CSV → validation → Parquet) before the priority functions see them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from csvs import DERBYSHIRE, OUTCOME_HEADER, STOP_HEADER, STREET_HEADER, outcome_row, search_row, street_row, write

from pack import finance, policing, roads, rural, victims
from pack.config import PUBLISHED_DIR
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.figures import Coverage
from pack.periods import rolling_window

FORCE = f"{DERBYSHIRE},{DERBYSHIRE}"


# -------------------------------------------------------------------------------------------
# 1. Strong Local Policing: stop and search, call handling


@pytest.fixture
def policing_data(tmp_path: Path) -> Dataset:
    d = tmp_path / "data"
    write(
        d,
        "2024-01/2024-01-derbyshire-stop-and-search.csv",
        STOP_HEADER
        + search_row("2024-01-03", "White", "Controlled drugs", "Arrest", "True")
        + search_row("2024-01-09", "White", "Controlled drugs", "A no further action disposal", "")
        + search_row("2024-01-15", "Asian", "Offensive weapons", "Arrest", "True")
        + search_row("2024-01-28", "Black", "Stolen goods", "A no further action disposal", "False"),
    )
    write(
        d,
        "2024-02/2024-02-derbyshire-stop-and-search.csv",
        STOP_HEADER
        + search_row("2024-02-02", "White", "Controlled drugs", "Community resolution", "True")
        + search_row("2024-02-20", "", "Offensive weapons", "Arrest", "False"),
    )
    write(d, "ons/ethnic-groups.csv", 'ethnic_group,population\nWhite,"3,000"\nAsian,500\nBlack,250\n')
    write(
        d,
        "force/calls.csv",
        "month,line,calls_received,calls_answered,mean_answer_seconds\n"
        "2023-01,999,110,100,10\n2023-02,999,310,300,6\n2024-01,999,205,200,4\n2024-02,999,200,200,5\n"
        "2023-01,101,150,100,600\n2023-02,101,100,100,420\n2024-01,101,120,100,180\n2024-02,101,90,100,120\n",
    )
    return Dataset(prepare(d))


def test_stop_search_breakdown_by_ethnicity_with_rates(policing_data: Dataset) -> None:
    searches = policing_data.table("stop_search")
    population = policing.population_by_group(policing_data.table("ethnicity_population"))
    assert population == {"White": 3000.0, "Asian": 500.0, "Black": 250.0}  # "3,000" read as 3000
    table = policing.stop_search_breakdown(
        searches, rolling_window("2024-02", 2), "officer_defined_ethnicity", population
    )
    by = table.set_index("officer_defined_ethnicity")
    assert by["searches"].to_dict() == {"White": 3, "Asian": 1, "Black": 1, "Not stated": 1}
    assert by.loc["White", "share_pct"] == 50.0  # 3 of 6
    assert by.loc["White", "arrest_pct"] == 33.3  # 1 of 3
    assert by.loc["White", "linked_outcome_pct"] == 66.7  # 2 of 3
    assert by.loc["White", "per_1000_population"] == 1.0  # 3 / 3,000 × 1,000
    assert by.loc["Asian", "per_1000_population"] == 2.0  # 1 / 500 × 1,000
    assert by.loc["Black", "per_1000_population"] == 4.0  # 1 / 250 × 1,000
    assert math.isnan(by.loc["Not stated", "per_1000_population"])  # no population for "not stated"


def test_stop_search_rows_count_and_linked_share(policing_data: Dataset) -> None:
    searches = policing_data.table("stop_search")
    rows = {
        r.indicator_id: r
        for r in policing.stop_search_rows(
            searches,
            Coverage.of(policing_data, ["stop_search"]),
            rolling_window("2024-01", 1),
            rolling_window("2024-02", 1),
        )
    }
    count = rows["stop_searches"]
    assert (count.baseline_value, count.current_value, count.change) == (4, 2, -2)
    linked = rows["stop_search_linked_outcome_pct"]
    assert (linked.baseline_value, linked.current_value) == (50.0, 50.0)  # 2 of 4, then 1 of 2
    assert (linked.change, linked.pct_change, linked.change_unit) == (0.0, None, "percentage points")


def test_stop_search_by_object_has_no_population_rate(policing_data: Dataset) -> None:
    table = policing.stop_search_breakdown(
        policing_data.table("stop_search"), rolling_window("2024-02", 2), "object_of_search"
    )
    assert table["object_of_search"].tolist()[:2] == ["Controlled drugs", "Offensive weapons"]
    assert table["searches"].tolist() == [3, 2, 1]
    assert "per_1000_population" not in table


def test_call_time_changes_are_call_weighted(policing_data: Dataset) -> None:
    rows = {
        r.indicator_id: r
        for r in policing.call_rows(
            policing_data.table("calls"), rolling_window("2023-02", 2), rolling_window("2024-02", 2)
        )
    }
    answer = rows["answer_999_seconds"]
    # baseline (100×10 + 300×6) / 400 = 7.0 s; current (200×4 + 200×5) / 400 = 4.5 s
    assert answer.baseline_value == pytest.approx(7.0) and answer.current_value == pytest.approx(4.5)
    assert answer.pct_change == pytest.approx(-35.714, abs=0.001) and answer.status == "down"  # direction only
    wait = rows["wait_101_minutes"]
    # baseline (100×10 + 100×7) / 200 = 8.5 min; current (100×3 + 100×2) / 200 = 2.5 min: down 6 minutes
    assert wait.baseline_value == pytest.approx(8.5) and wait.current_value == pytest.approx(2.5)
    assert wait.change == pytest.approx(-6.0)
    per_day = rows["calls_999_per_day"]
    assert per_day.baseline_value == pytest.approx(420 / 59)  # Jan + Feb 2023: 59 days
    assert per_day.current_value == pytest.approx(405 / 60)  # 2024 is a leap year: 60 days


def test_call_rows_without_a_covered_baseline_say_so(policing_data: Dataset) -> None:
    rows = {
        r.indicator_id: r
        for r in policing.call_rows(
            policing_data.table("calls"), rolling_window("2022-12", 2), rolling_window("2024-02", 2)
        )
    }
    assert rows["answer_999_seconds"].baseline_value is None
    assert rows["answer_999_seconds"].status == "no comparison"
    assert "not covered" in rows["answer_999_seconds"].note


# -------------------------------------------------------------------------------------------
# 3. Road Safety: KSI from STATS19 (tests/fixtures/stats19: 12 Derbyshire casualties, both vintages)


def test_ksi_counts_and_road_user_split(fixture_dir: Path) -> None:
    data = Dataset(prepare(fixture_dir))
    casualties, coverage = data.table("casualties"), Coverage.of(data, roads.STATS19)
    baseline, current = rolling_window("2021-03", 3), rolling_window("2022-03", 3)
    rows = {r.indicator_id: r for r in roads.ksi_rows(casualties, coverage, baseline, current)}
    # 2021 Q1: fatal car occupant; serious pedestrian, cyclist, motorcyclist (slight ones do not count)
    # 2022 Q1: fatal pedestrian; serious motorcyclist ×2, cyclist, car occupant
    assert (rows["ksi_casualties"].baseline_value, rows["ksi_casualties"].current_value) == (4, 5)
    assert (rows["killed_casualties"].baseline_value, rows["killed_casualties"].current_value) == (1, 1)
    assert (
        rows["seriously_injured_casualties"].baseline_value,
        rows["seriously_injured_casualties"].current_value,
    ) == (3, 4)
    # 12 casualties in the fixture: too few months with a casualty to measure month-to-month variation (at
    # least 5 changes between months not both empty are needed), so no test: direction only
    assert rows["ksi_casualties"].status == "up"
    assert rows["ksi_casualties"].test.startswith("none: too few months with records")
    split = roads.ksi_by_road_user(casualties, baseline, current, coverage).table.set_index("road_user")
    assert split[baseline.label].to_dict() == {
        "Pedestrian": 1,
        "Pedal cyclist": 1,
        "Motorcyclist": 1,
        "Car occupant": 1,
        "Other": 0,
    }
    assert split[current.label].to_dict() == {
        "Pedestrian": 1,
        "Pedal cyclist": 1,
        "Motorcyclist": 2,
        "Car occupant": 1,
        "Other": 0,
    }
    # DfT severity-adjusted KSI: killed 1 + adjusted serious of the others (1 + 1 + 0.1 + 1 + 0.8)
    assert roads.adjusted_ksi(casualties, current, coverage).shown == pytest.approx(4.9)
    assert roads.adjusted_ksi(casualties, baseline, coverage).shown is None  # the 2021 accident_* files carry none


def test_ksi_rows_not_supplied_without_stats19() -> None:
    rows = roads.ksi_rows(None, Coverage(), rolling_window("2021-03", 3), rolling_window("2022-03", 3))
    assert {r.status for r in rows} == {"not supplied"}
    assert "STATS19" in rows[0].note


# -------------------------------------------------------------------------------------------
# 6. Rural crime: street records joined to the rural-urban lookup


@pytest.fixture
def rural_data(tmp_path: Path) -> Dataset:
    d = tmp_path / "data"
    rows = (
        [street_row(f"r{i}", "2024-01", "E01019400", "Amber Valley 001A", "Burglary") for i in range(3)]
        + [street_row(f"u{i}", "2024-01", "E01013523", "Derby 008B", "Burglary") for i in range(4)]
        + [street_row(f"v{i}", "2024-01", "E01013523", "Derby 008B", "Vehicle crime") for i in range(2)]
        + [
            street_row("n1", "2024-01", "E01035000", "Derby 099Z", "Burglary"),
            street_row("n2", "2024-01", "E01035000", "Derby 099Z", "Vehicle crime"),
            street_row("x1", "2024-01", "", "", "Burglary"),
        ]
    )
    write(d, "2024-01/2024-01-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    write(
        d,
        "ons/ruc.csv",
        "LSOA11CD,LSOA11NM,RUC11CD,RUC11\n"
        "E01019400,Amber Valley 001A,D1,Rural town and fringe\nE01013523,Derby 008B,C1,Urban city and town\n",
    )
    write(d, "ons/population.csv", 'lsoa,pop\nE01019400,"1,500"\nE01013523,"3,000"\n')
    return Dataset(prepare(d))


def test_rural_rates_and_unmatched_lsoas(rural_data: Dataset) -> None:
    street, ruc = rural_data.table("street_monthly"), rural_data.table("rural_urban")
    area = rural.force_lsoas(street, ruc, rural_data.table("population"))
    assert area[["lsoa_code", "rural", "population"]].values.tolist() == [
        ["E01013523", False, 3000.0],
        ["E01019400", True, 1500.0],
    ]
    summary = rural.rural_urban_summary(street, ruc, area, rolling_window("2024-01", 1)).set_index("area")
    assert summary.loc["rural", "records"] == 3 and summary.loc["urban", "records"] == 6
    assert summary.loc["rural", "rate_per_1000"] == pytest.approx(2.0)  # 3 / 1,500 × 1,000
    assert summary.loc["urban", "rate_per_1000"] == pytest.approx(2.0)  # 6 / 3,000 × 1,000
    assert summary.loc["rural", "share_of_records_pct"] == pytest.approx(100 / 3)
    assert summary.loc["rural", "share_of_population_pct"] == pytest.approx(100 / 3)
    assert summary.loc["not in lookup", "records"] == 2  # E01035000, a 2021 code: counted, not dropped
    assert summary.loc["no location", "records"] == 1
    check = next(c for c in rural_data.quality.checks if "rural-urban" in c.check)
    assert "9 of 12 records matched; 1 have no LSOA; 2 records in 1 LSOA code(s) not in the lookup" in check.detail


def test_rural_rates_by_crime_type(rural_data: Dataset) -> None:
    street, ruc = rural_data.table("street_monthly"), rural_data.table("rural_urban")
    area = rural.force_lsoas(street, ruc, rural_data.table("population"))
    table = rural.rural_by_crime_type(street, ruc, area, rolling_window("2024-01", 1)).set_index("crime_type")
    assert table.loc["Burglary"].tolist() == [3, 4, 2.0, 1.33]  # 3/1,500 and 4/3,000 per 1,000
    assert table.loc["Vehicle crime"].tolist() == [0, 2, 0.0, 0.67]


def test_rural_2021_lookup_codes(tmp_path: Path) -> None:
    d = tmp_path / "data"
    write(
        d,
        "2024-01/2024-01-derbyshire-street.csv",
        STREET_HEADER
        + street_row("a", "2024-01", "E01019400", "Amber Valley 001A", "Burglary")
        + street_row("b", "2024-01", "E01013523", "Derby 008B", "Burglary"),
    )
    write(
        d,
        "ons/ruc21.csv",
        "LSOA21CD,LSOA21NM,RUC21CD,RUC21NM\n"
        "E01019400,Amber Valley 001A,RSF1,Smaller rural: Further from a major town or city\n"
        "E01013523,Derby 008B,UN1,Urban: Nearer to a major town or city\n",
    )
    ruc = Dataset(prepare(d)).table("rural_urban").set_index("lsoa_code")
    assert ruc.loc["E01019400", "rural"] and not ruc.loc["E01013523", "rural"]
    assert ruc.loc["E01019400", "ruc_code"] == "RSF1"


# -------------------------------------------------------------------------------------------
# 5. Victim support: outcomes joined to crimes by Crime ID


@pytest.fixture
def outcome_data(tmp_path: Path) -> Dataset:
    d = tmp_path / "data"
    write(
        d,
        "2024-01/2024-01-derbyshire-street.csv",
        STREET_HEADER
        + street_row("c1", "2024-01", "E01013523", "Derby 008B", "Burglary")
        + street_row("c2", "2024-01", "E01013523", "Derby 008B", "Burglary")
        + street_row("c3", "2024-01", "E01013523", "Derby 008B", "Violence and sexual offences")
        + street_row("c4", "2024-01", "E01013523", "Derby 008B", "Violence and sexual offences")
        + street_row("c5", "2024-01", "E01013523", "Derby 008B", "Vehicle crime")
        + street_row("", "2024-01", "E01013523", "Derby 008B", "Anti-social behaviour"),
    )

    write(
        d,
        "2024-01/2024-01-derbyshire-outcomes.csv",
        OUTCOME_HEADER
        + outcome_row("c1", "2024-01", "Under investigation")
        + outcome_row("c2", "2024-01", "Investigation complete; no suspect identified")
        + outcome_row("c3", "2024-01", "Suspect charged")
        + outcome_row("c4", "2024-01", "Under investigation"),
    )
    write(
        d, "2024-02/2024-02-derbyshire-outcomes.csv", OUTCOME_HEADER + outcome_row("c1", "2024-02", "Suspect charged")
    )
    return Dataset(prepare(d))


def test_outcome_join_takes_the_latest_outcome_per_crime(outcome_data: Dataset) -> None:
    joined = outcome_data.table("crime_outcomes")
    window = rolling_window("2024-01", 1)
    assert int(joined["n"].sum()) == 5  # ASB has no Crime ID and is not a crime with outcomes
    assert victims.matched_share(joined, window) == (4, 5)  # c5 has no outcome record
    mix = victims.outcome_mix(joined, window).set_index("outcome")["crimes"].to_dict()
    assert mix == {
        "Charged or summonsed": 2,
        "No suspect identified": 1,
        "Under investigation": 1,
        "No outcome record": 1,
    }


def test_charge_rate_of_all_and_of_final_outcomes(outcome_data: Dataset) -> None:
    table = victims.charge_rate_by_type(outcome_data.table("crime_outcomes"), rolling_window("2024-01", 1)).set_index(
        "crime_type"
    )
    assert table.loc[
        "Burglary", ["crimes", "charged", "final", "charge_rate_pct", "charge_rate_of_final_pct"]
    ].tolist() == [2, 1, 2, 50.0, 50.0]
    violence = table.loc["Violence and sexual offences"]
    assert (violence["charge_rate_pct"], violence["charge_rate_of_final_pct"]) == (50.0, 100.0)  # c4 still open
    assert table.loc["Vehicle crime", "charge_rate_pct"] == 0.0
    assert math.isnan(table.loc["Vehicle crime", "charge_rate_of_final_pct"])  # no final outcome yet
    rows = {
        r.indicator_id: r
        for r in victims.outcome_rows(
            outcome_data.table("crime_outcomes"),
            Coverage.of(outcome_data, victims.OUTCOME_INPUTS),
            rolling_window("2023-12", 1),
            rolling_window("2024-01", 1),
            lags=outcome_data.table("crime_outcome_lags"),
        )
    }
    assert rows["crimes_with_outcome_pct"].current_value == pytest.approx(80.0)
    assert rows["charge_rate_pct"].current_value == pytest.approx(40.0)  # c1 and c3 of 5
    assert rows["charge_rate_pct"].baseline_value is None  # the street files do not cover 2023-12
    assert rows["charge_rate_pct"].baseline_text == "not covered: missing 2023-12 (street files and outcome files)"


# -------------------------------------------------------------------------------------------
# 8. Driving Efficiencies: budget tables


def test_budget_shares_recomputed_match_the_plans_printed_percentages() -> None:
    published = pd.read_csv(PUBLISHED_DIR / "finance.csv", dtype_backend="numpy_nullable")  # the plan's figures
    for table in ("revenue", "capital"):
        lines = published[published["table"] == table].assign(order=lambda f: range(len(f)))
        recomputed = finance.budget_table(lines, table, "2021/22").set_index("line")["share_pct"]
        printed = lines.set_index("line")["printed_pct"].astype(float)
        # the plan truncates where we round (105.552 / 212.226 = 49.7356%: printed 49.73, ours 49.74)
        assert (recomputed - printed).abs().max() <= 0.01 + 1e-9, (table, (recomputed - printed).abs().idxmax())
    assert finance.table_total(published, "revenue", "2021/22") == 212.226
    assert finance.table_total(published, "funding", "2021/22") == 202.630


def test_year_on_year_table_appears_with_a_second_year() -> None:
    lines = pd.DataFrame(
        {
            "year": ["2021/22", "2021/22", "2022/23", "2022/23"],
            "table": ["revenue"] * 4,
            "line": ["Police Officers", "Police Staff", "Police Officers", "Police Staff"],
            "value_gbp_m": [100.0, 40.0, 110.0, 38.0],
            "order": [0, 1, 0, 1],
        }
    )
    assert finance.year_on_year(lines.iloc[:2], "revenue", "2021/22") is None  # one year only
    table = finance.year_on_year(lines, "revenue", "2022/23").set_index("line")
    assert table.loc["Police Officers", ["change_gbp_m", "change_pct"]].tolist() == [10.0, 10.0]
    assert table.loc["Police Staff", ["change_gbp_m", "change_pct"]].tolist() == [-2.0, -5.0]
    rows = {r.indicator_id: r for r in finance.finance_rows(lines, "test", rolling_window("2023-03"))}
    assert (rows["revenue_budget_total"].baseline_value, rows["revenue_budget_total"].current_value) == (140.0, 148.0)
    assert rows["revenue_budget_total"].change_text == "up £8m (5.7%)"  # 148 - 140 = 8; 8 / 140 = 5.7%
    assert rows["capital_programme_total"].status == "not supplied"
    assert rows["capital_programme_total"].note == "not supplied: needs the capital table in the finance input"
