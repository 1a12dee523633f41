"""A district missing from the district to police force area lookup: its residents are in no force's
population, so its records must leave the numerator of the force's rates too, with a note.

Every figure asserted is worked out by hand from the rows written here (or, on the real data, from
the street files read with the csv module, independently of the project).
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from csvs import STREET_HEADER, street_row, write

from pack import compare, rate_areas
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.periods import rolling_window

PLAN = "Northshire Constabulary"
BASELINE, CURRENT = rolling_window("2023-02", 2), rolling_window("2024-02", 2)
# district: residents; Gamma is not in the lookup (2,500 residents in no force's population)
RESIDENTS = {"Alpha": 3_000, "Beta": 2_000, "Gamma": 2_500}
# (district, month): burglaries of the force
BURGLARIES = {
    ("Alpha", "2023-01"): 8,
    ("Gamma", "2023-02"): 2,
    ("Alpha", "2024-01"): 6,
    ("Beta", "2024-02"): 4,
    ("Gamma", "2024-02"): 5,
}


def street_monthly() -> pd.DataFrame:
    rows = [(m, f"E0100000{i}", d, "Burglary", n) for i, ((d, m), n) in enumerate(BURGLARIES.items())]
    return pd.DataFrame(rows, columns=["month", "lsoa_code", "district", "crime_type", "n"])


def indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": ["burglary", "stop_searches", "charge_rate_pct"],
            "indicator": ["Burglary", "Stop and search", "Charge rate"],
            "unit": ["crimes", "searches", "%"],
            "baseline_label": [BASELINE.label] * 3,
            "baseline_value": [10.0, 40.0, 6.0],  # 8 + 2 burglaries
            "current_label": [CURRENT.label] * 3,
            "current_value": [15.0, 50.0, 5.0],  # 6 + 4 + 5
            "pct_change": [50.0, 25.0, None],
        }
    )


UNMATCHED = pd.DataFrame({"district": ["Gamma"], "lsoas": [1], "population": [2_500.0]})


def test_records_of_a_district_left_out_of_the_population_leave_the_rate() -> None:
    result = rate_areas.same_area_rates(indicators(), 5_000.0, street_monthly(), UNMATCHED, (BASELINE, CURRENT))
    burglary = result.table.set_index("indicator_id").loc["burglary"]
    # residents of Alpha and Beta only: 5,000. Baseline (10 - 2) / 5,000 x 1,000 = 1.6; current (15 - 5) -> 2.0
    assert (burglary["baseline_value"], burglary["current_value"]) == (8.0, 10.0)
    assert (burglary["baseline_left_out"], burglary["current_left_out"]) == (2, 5)
    assert (burglary["baseline_rate_per_1000"], burglary["current_rate_per_1000"]) == (1.6, 2.0)
    # searches cannot be placed by district: no rate rather than one over the wrong area
    searches = result.table.set_index("indicator_id").loc["stop_searches"]
    assert searches["current_value"] == 50.0 and math.isnan(searches["current_rate_per_1000"])
    assert "charge_rate_pct" not in set(result.table["indicator_id"])
    notes = " ".join(result.notes)
    assert "Gamma" in notes and "2,500 residents" in notes
    assert f"5 records in the {CURRENT.label}" in notes and f"2 in the {BASELINE.label}" in notes
    assert "Stop and search" in notes


def test_nothing_changes_when_every_district_is_placed() -> None:
    nobody = UNMATCHED.iloc[0:0]
    result = rate_areas.same_area_rates(indicators(), 7_500.0, street_monthly(), nobody, (BASELINE, CURRENT))
    burglary = result.table.set_index("indicator_id").loc["burglary"]
    assert (burglary["baseline_rate_per_1000"], burglary["current_rate_per_1000"]) == (
        1.3333,
        2.0,
    )  # 10 / 7,500 x 1,000, to 4 places
    assert result.table.set_index("indicator_id").loc["stop_searches", "current_rate_per_1000"] == 6.6667
    assert result.notes == ()


def test_a_window_with_no_count_has_nothing_left_out() -> None:
    table = indicators().assign(baseline_value=float("nan"))  # the baseline not covered by the files
    result = rate_areas.same_area_rates(table, 5_000.0, street_monthly(), UNMATCHED, (BASELINE, CURRENT))
    burglary = result.table.set_index("indicator_id").loc["burglary"]
    assert pd.isna(burglary["baseline_left_out"]) and burglary["current_left_out"] == 5
    assert BASELINE.label not in " ".join(result.notes)


def test_a_window_the_function_was_not_given_gets_no_rate() -> None:
    result = rate_areas.same_area_rates(indicators(), 5_000.0, street_monthly(), UNMATCHED, (CURRENT,))
    burglary = result.table.set_index("indicator_id").loc["burglary"]
    assert burglary["current_rate_per_1000"] == 2.0 and math.isnan(burglary["baseline_rate_per_1000"])


def test_force_residents_name_the_districts_in_no_force(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    codes = {d: f"E0100000{i}" for i, d in enumerate(RESIDENTS)}
    for month in sorted({m for _, m in BURGLARIES}):
        rows = "".join(
            street_row(f"c{d}{m}{i}", m, codes[d], f"{d} 001A", "Burglary", PLAN)
            for (d, m), n in BURGLARIES.items()
            if m == month
            for i in range(n)
        )
        write(folder, f"police-uk/{month}/{month}-northshire-street.csv", STREET_HEADER + rows)
    write(
        folder,
        "ons/ruc.csv",
        "lsoa,LSOA11NM,RUC11CD,RUC11\n" + "".join(f"{c},{d} 001A,C1,Urban city and town\n" for d, c in codes.items()),
    )
    write(folder, "ons/pop_mid2020.csv", "lsoa,pop\n" + "".join(f'{codes[d]},"{p:,}"\n' for d, p in RESIDENTS.items()))
    write(folder, "ons/lad_pfa.csv", "LAD16NM,CSP16CD,PFA16NM\nAlpha,C1,Northshire\nBeta,C2,Northshire\n")
    data = Dataset(prepare(folder, PLAN))
    residents = compare.force_residents(data, PLAN)
    assert residents.population == 5_000.0
    assert residents.unmatched[["district", "population"]].values.tolist() == [["Gamma", 2_500.0]]
    result = rate_areas.same_area_rates(
        indicators(), residents.population, data.table("street_monthly"), residents.unmatched, (BASELINE, CURRENT)
    )
    assert result.table.set_index("indicator_id").loc["burglary", "current_rate_per_1000"] == 2.0


@pytest.mark.slow
def test_real_data_with_a_district_missing_from_the_lookup(real_data: Path, tmp_path: Path) -> None:
    """Derbyshire Dales taken out of the real lookup: burglary per 1,000 over the other eight districts."""
    folder = tmp_path / "derbyshire"
    shutil.copytree(real_data, folder)
    lookup = folder / "ons" / "lad16_csp16_pfa16_census2011_ethnicity.csv"
    lines = lookup.read_text(encoding="utf-8").splitlines(keepends=True)
    lookup.unlink()
    lookup.write_text("".join(line for line in lines if ",Derbyshire Dales," not in line), encoding="utf-8")
    window = rolling_window("2022-03", 12)
    total = dales = 0
    for month in window.month_strings():
        with (folder / "police-uk" / "derbyshire" / month / f"{month}-derbyshire-street.csv").open(
            encoding="utf-8-sig"
        ) as f:
            for row in csv.DictReader(f):
                if row["Crime type"] == "Burglary":
                    total += 1
                    dales += row["LSOA name"].startswith("Derbyshire Dales ")
    with (folder / "ons" / "ruc_2011_lsoa11_ew.csv").open(encoding="utf-8-sig") as f:
        dales_lsoas = {r["lsoa"] for r in csv.DictReader(f) if r["LSOA11NM"].startswith("Derbyshire Dales ")}
    with (folder / "ons" / "lsoa_population_mid2019_uk.csv").open(encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader)
        dales_residents = sum(float(r[1].replace(",", "")) for r in reader if r[0] in dales_lsoas)
    assert total == 3_844 and dales > 0
    data = Dataset(prepare(folder, "Derbyshire Constabulary"))
    residents = compare.force_residents(data, "Derbyshire Constabulary")
    assert residents.population == 1_059_996 - dales_residents
    table = indicators().iloc[[0]].assign(current_label=window.label, current_value=float(total))
    result = rate_areas.same_area_rates(
        table, residents.population, data.table("street_monthly"), residents.unmatched, (window,)
    )
    rate = result.table.loc[0, "current_rate_per_1000"]
    assert rate == round((total - dales) / residents.population * 1_000, 4)
    assert "Derbyshire Dales" in " ".join(result.notes)


def test_the_national_comparison_rate_covers_the_same_districts(tmp_path: Path) -> None:
    """Northshire (Gamma not in the lookup) against two forces whose areas are whole."""
    folder = tmp_path / "data"
    codes = {d: f"E0100000{i}" for i, d in enumerate([*RESIDENTS, "Delta", "Eps"])}
    others = {"Delta": ("Southshire Police", 4), "Eps": ("Westshire Police", 3)}  # burglaries a month
    for month in sorted({m for _, m in BURGLARIES}):
        rows = "".join(
            street_row(f"c{d}{m}{i}", m, codes[d], f"{d} 001A", "Burglary", PLAN)
            for (d, m), n in BURGLARIES.items()
            if m == month
            for i in range(n)
        )
        rows += "".join(
            street_row(f"o{d}{month}{i}", month, codes[d], f"{d} 001A", "Burglary", force)
            for d, (force, n) in others.items()
            for i in range(n)
        )
        write(folder, f"police-uk/{month}/{month}-all-street.csv", STREET_HEADER + rows)
    names = "".join(f"{c},{d} 001A,C1,Urban city and town\n" for d, c in codes.items())
    write(folder, "ons/ruc.csv", "lsoa,LSOA11NM,RUC11CD,RUC11\n" + names)
    people = {**RESIDENTS, "Delta": 4_000, "Eps": 1_000}
    write(folder, "ons/pop_mid2020.csv", "lsoa,pop\n" + "".join(f'{codes[d]},"{p:,}"\n' for d, p in people.items()))
    lookup = "Alpha,C1,Northshire\nBeta,C2,Northshire\nDelta,C3,Southshire\nEps,C4,Westshire\n"
    write(folder, "ons/lad_pfa.csv", "LAD16NM,CSP16CD,PFA16NM\n" + lookup)
    national = compare.national_comparison(Dataset(prepare(folder, PLAN)), PLAN, CURRENT)
    burglary = national.groups["burglary"].table.set_index("force")
    # Northshire: 6 + 4 burglaries in Alpha and Beta (5 in Gamma left out) over 5,000 residents = 2.0
    assert burglary.loc[PLAN, "count"] == 10 and burglary.loc[PLAN, "rate_per_1000"] == 2.0
    # Southshire unchanged: 8 over 4,000 = 2.0
    assert burglary.loc["Southshire Police", "count"] == 8
