"""Loaders and the prepare stage on tiny hand-written fixtures and on the real public files."""

import pandas as pd
import pytest

from pack.errors import DataError
from pack.prepare import prepare
from pack.rural import force_lsoa_facts


def test_street_loader_bom_blank_ids_force_filter_and_rejections(fixture_dir):
    p = prepare(fixture_dir)
    street = pd.read_parquet(p.path / "street.parquet")
    info = p.quality["inputs"]["street"]
    # 2024-01: 6 rows read, 1 other force, 1 malformed month; 2024-02: 2 rows, 1 bad longitude
    assert info["rows_read"] == 8
    assert info["rows_other_forces"] == 1
    assert info["rows_rejected"] == 2
    assert len(street) == 5
    assert (street["crime_id"] == "").sum() == 2  # ASB rows keep their blank Crime ID
    assert street["lsoa_code"].eq("").sum() == 1  # the row with no location is kept
    rejected = {(r["row"], r["column"]) for r in info["rejections"]}
    assert (7, "Month") in rejected and (3, "Longitude") in rejected
    assert info["months"] == ["2024-01", "2024-02"]
    assert any("Nottinghamshire Police" in n for n in info["notes"])


def test_outcome_join_takes_latest_outcome(fixture_dir):
    p = prepare(fixture_dir)
    joined = pd.read_parquet(p.path / "crime_outcomes.parquet")
    aaa = joined[(joined["month"] == "2024-01") & (joined["crime_type"] == "Burglary")]
    assert aaa["outcome_type"].tolist() == ["Suspect charged"]
    vehicle = joined[joined["crime_type"] == "Vehicle crime"]
    assert vehicle["outcome_type"].isna().all()  # no outcome record


def test_population_thousands_separators_and_ruc(fixture_dir):
    p = prepare(fixture_dir)
    pop = pd.read_parquet(p.path / "population.parquet").set_index("lsoa_code")["population"]
    assert pop["E01019400"] == 1954
    ruc = pd.read_parquet(p.path / "rural_urban.parquet").set_index("lsoa_code")
    assert bool(ruc.loc["E01019400", "rural"]) and not bool(ruc.loc["E01013523", "rural"])
    unmatched = [c for c in p.quality["checks"] if "rural-urban" in c["check"]][0]
    assert "1 have no LSOA" in unmatched["detail"]


def test_stats19_both_vintages_filtered_to_force(fixture_dir):
    p = prepare(fixture_dir)
    cas = pd.read_parquet(p.path / "casualties.parquet")
    assert len(cas) == 12  # 6 of force 30 in 2021 + 6 in 2022; the force-31 casualty is excluded
    assert p.quality["inputs"]["collisions"]["rows_other_forces"] == 1
    assert cas["adjusted_serious"].notna().sum() == 6  # only the 2022 vintage has adjusted severity


def test_other_force_only_folder_names_forces(tmp_path):
    folder = tmp_path / "d" / "2024-01"
    folder.mkdir(parents=True)
    (folder / "2024-01-notts-street.csv").write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n,2024-01,Nottinghamshire Police,Nottinghamshire Police,,,,,,Anti-social behaviour,,\n"
    )
    with pytest.raises(DataError, match="forces found: Nottinghamshire Police"):
        prepare(tmp_path / "d")


def test_real_data_facts(real_data):
    p = prepare(real_data)
    q = p.quality["inputs"]
    assert (q["street"]["first_month"], q["street"]["last_month"]) == ("2021-03", "2022-11")
    assert (q["outcomes"]["first_month"], q["outcomes"]["last_month"]) == ("2021-03", "2022-03")
    assert not q["stop_search"]["supplied"] and not q["collisions"]["supplied"]
    assert q["street"]["rows_rejected"] == 0
    facts = force_lsoa_facts(p)
    assert facts["lsoas"] == 642 and facts["rural_lsoas"] == 124
    assert facts["population"] == 1_059_996 and facts["rural_population"] == 211_869


def test_real_data_window_counts(real_data):
    from pack.crime import CRIME_GROUPS, monthly_series
    from pack.measures import window_total
    from pack.periods import rolling_window

    p = prepare(real_data)
    street = pd.read_parquet(p.path / "street_monthly.parquet")
    covered = p.quality["inputs"]["street"]["months"]
    asb = monthly_series(street, CRIME_GROUPS["asb_incidents"][1], covered)
    burglary = monthly_series(street, ("Burglary",), covered)
    assert window_total(asb, rolling_window("2022-03")) == 27591
    assert window_total(burglary, rolling_window("2022-03")) == 3844
    assert window_total(asb, rolling_window("2022-11")) == 23484
    assert window_total(burglary, rolling_window("2022-11")) == 3859
    assert window_total(asb, rolling_window("2022-11", 3)) == 4975
    assert window_total(asb, rolling_window("2021-11", 3)) == 6071
    assert window_total(burglary, rolling_window("2022-11", 3)) == 1047
    assert window_total(burglary, rolling_window("2021-11", 3)) == 1080
    assert int(street["n"].sum()) == 204_966
