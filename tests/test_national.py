"""The national comparison on the real shared data: every force's street files for 2021-12..2022-02,
the ONS district to police force area lookup, LSOA names and mid-2019 populations.

Rates are checked against an independent computation written here with pandas alone: raw CSVs read
directly, districts cut from LSOA names by a regular expression, the five district names that the two
ONS files spell differently listed by hand, and forces matched to force areas by name containment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from pack import compare
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.periods import rolling_window
from pack.plan import load_plan

# its module fixture prepares every force's files (slow: in make test, not test-fast); its tests share
# one xdist worker, so they are prepared once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("national-files")]

FORCE = "Derbyshire Constabulary"
WINDOW = rolling_window("2022-02", 3)
# District names in 2011 LSOA names -> the lookup's (2016) names, read off the two files
LSOA_TO_LOOKUP = {
    "Bristol": "Bristol, City of",
    "Herefordshire": "Herefordshire, County of",
    "Kings Lynn and West Norfolk": "King's Lynn and West Norfolk",
    "Kingston upon Hull": "Kingston upon Hull, City of",
    "The Vale of Glamorgan": "Vale of Glamorgan",
}


@pytest.fixture(scope="module")
def dataset(shared_real_data: Path) -> Dataset:
    return Dataset(prepare(shared_real_data, FORCE), load_plan().published)  # the default plan's peers


@pytest.fixture(scope="module")
def national(dataset: Dataset) -> compare.NationalComparison:
    return compare.national_comparison(dataset, FORCE, WINDOW)


def independent_populations(real: Path) -> dict[str, float]:
    """Residents per force area (the lookup's names), computed without the pack."""
    names = pd.read_csv(real / "ons" / "ruc_2011_lsoa11_ew.csv", usecols=["lsoa", "LSOA11NM"], encoding="utf-8-sig")
    pop = pd.read_csv(real / "ons" / "lsoa_population_mid2019_uk.csv", encoding="utf-8-sig", thousands=",")
    lookup = pd.read_csv(real / "ons" / "lad16_csp16_pfa16_census2011_ethnicity.csv", encoding="utf-8-sig")
    names["district"] = names["LSOA11NM"].str.replace(r" \d{3}[A-Z]$", "", regex=True).replace(LSOA_TO_LOOKUP)
    merged = names.merge(pop, on="lsoa").merge(lookup[["LAD16NM", "PFA16NM"]], left_on="district", right_on="LAD16NM")
    assert len(merged) == len(names)  # every LSOA of England and Wales placed in a force area
    return merged.groupby("PFA16NM")["pop"].sum().astype(float).to_dict()


def independent_counts(real: Path, crime_type: str) -> dict[str, int]:
    """Records of ``crime_type`` per ``Falls within`` in the national files of the window."""
    frames = [
        pd.read_csv(path, usecols=["Falls within", "Crime type"], encoding="utf-8-sig")
        for month in WINDOW.month_strings()
        for path in sorted((real / "police-uk-national" / month).glob("*-street.csv"))
    ]
    rows = pd.concat(frames)
    return rows[rows["Crime type"] == crime_type].groupby("Falls within").size().to_dict()


def area_of(falls_within: str, areas: list[str]) -> str | None:
    """The force area whose name (with "&" as "and") is the longest found in ``falls_within``."""
    text = falls_within.replace("&", "and")
    found = [a for a in areas if a.replace("&", "and") in text]
    return max(found, key=len) if found else None


def test_derbyshire_has_1059996_residents(national: compare.NationalComparison) -> None:
    assert national.force_area == "Derbyshire"
    assert national.force_population == 1_059_996
    assert len(national.force_districts) == 9
    assert national.areas.unmatched.empty  # the five differently spelled districts are matched by the rule
    assert set(national.areas.districts.query("how == 'normalised'")["district"]) == set(LSOA_TO_LOOKUP)


def test_every_force_present_is_listed_with_its_rate_or_why_not(national, shared_real_data: Path) -> None:
    present = set()
    for month in WINDOW.month_strings():
        for path in (shared_real_data / "police-uk-national" / month).glob("*-street.csv"):
            present.add(pd.read_csv(path, usecols=["Falls within"], nrows=1)["Falls within"].iloc[0])
    assert len(present) == 41
    table = national.forces.set_index("force")
    assert present <= set(table.index)
    assert table.loc["British Transport Police", "status"] == "not compared"
    assert table.loc["Police Service of Northern Ireland", "status"] == "not compared"
    assert table.loc["City of London Police", "status"] == "rate only"
    # Greater Manchester published nothing in these months; the Metropolitan, West Midlands and West
    # Yorkshire files are not in this copy
    assert sorted(table.index[table["status"] == "no data"]) == [
        "Greater Manchester",
        "Metropolitan",
        "West Midlands",
        "West Yorkshire",
    ]
    burglary = national.groups["burglary"].table.set_index("force")
    with_rate = present - {"British Transport Police", "Police Service of Northern Ireland"}
    assert set(burglary.index) == with_rate and burglary["rate_per_1000"].notna().all()
    assert national.compared == 38 == national.groups["burglary"].compared


@pytest.mark.parametrize("group_id, crime_type", [("asb_incidents", "Anti-social behaviour"), ("burglary", "Burglary")])
def test_rates_equal_an_independent_computation(
    national, shared_real_data: Path, group_id: str, crime_type: str
) -> None:
    residents = independent_populations(shared_real_data)
    counts = independent_counts(shared_real_data, crime_type)
    table = national.groups[group_id].table.set_index("force")
    for force, row in table.iterrows():
        area = area_of(force, list(residents))
        assert area == row["pfa_name"], force
        assert row["count"] == counts[force], force
        assert row["rate_per_1000"] == pytest.approx(1000 * counts[force] / residents[area], rel=1e-12), force
    compared = table[table["compared"]]
    pooled = 1000 * compared["count"].sum() / sum(residents[a] for a in compared["pfa_name"])
    assert national.groups[group_id].england_wales.rate_per_1000 == pytest.approx(pooled, rel=1e-12)
    ranks = compared["rate_per_1000"].rank(method="min")  # 1 = the lowest rate
    assert compared["rank"].astype(int).to_dict() == ranks.astype(int).to_dict()


def test_comparison_table_states_how_many_forces_were_compared(national, tmp_path: Path) -> None:
    summary = national.summary()
    assert set(summary["forces_compared"]) == {38}
    assert national.sentences()[-1].startswith("38 forces were compared")
    written = pd.read_csv(compare.write_comparison(national, tmp_path, "02_national"))
    asb = written[(written["group_id"] == "asb_incidents") & (written["status"] != "pooled")]
    assert asb["force"].nunique() == 45  # 41 forces in the files and 4 force areas with none
    assert set(asb.loc[asb["rate_per_1000"].isna(), "force"]) == {
        "British Transport Police",
        "Police Service of Northern Ireland",
        "Greater Manchester",
        "Metropolitan",
        "West Midlands",
        "West Yorkshire",
    }
    # a year earlier is not in these files: no change is claimed
    assert summary["force_change_pct"].isna().all()
    assert all("no change shown" in s for s in national.sentences()[:-2])  # then the pool and the count


ALLOWED = r"(residents of|outside) England and Wales"  # the pool's label and Northern Ireland's reason


def test_an_archive_without_the_met_never_calls_its_pool_england_and_wales(
    national, dataset: Dataset, shared_real_data: Path
) -> None:
    residents = independent_populations(shared_real_data)
    total = sum(residents.values())
    compared = national.forces[national.forces["status"] == "compared"]
    pool = national.pool
    assert pool.forces == 38 and not pool.complete and pool.name == "the national pool"
    assert pool.residents_share == pytest.approx(sum(residents[p] for p in compared["pfa_name"]) / total, rel=1e-12)
    missing = ["Metropolitan", "West Midlands", "Greater Manchester", "West Yorkshire"]  # most residents first
    assert [m.force for m in pool.missing] == missing
    assert pool.label == (
        f"38 forces in the data, {pool.residents_share:.0%} of residents of England and Wales; missing: "
        + ", ".join(missing)
    )
    # each of the four holds more than 3% of the residents: a warning when the pack is built
    assert [m.force for m in compare.missing_large_forces(dataset, WINDOW)] == missing
    shown = [*national.sentences(), *national.summary_for_readers().columns, *national.notes()]
    shown += [compare.funnel_centre(g) + compare.funnel_title(g) for g in national.groups.values()]
    assert not [t for t in shown if "England and Wales" in re.sub(ALLOWED, "", t)]
    burglary = national.summary().set_index("crime_group").loc["Burglary"]
    rates = national.groups["burglary"].table.query("compared")["rate_per_1000"]
    assert burglary["rank_from_highest"] == int((rates > burglary["force_rate_per_1000"]).sum()) + 1


def test_the_unverified_default_peers_are_labelled(national) -> None:
    assert national.peers.status == "unverified"
    assert national.peers.origin == "default in data/published/peers.csv"
    assert any(n.startswith("UNVERIFIED list of 7 most similar forces") for n in national.notes())
    peers = national.groups["burglary"].table
    assert peers["peer"].sum() == 7  # all seven listed peers have files covering the window
    assert "▲ its most similar group, unverified list)" in compare.table_caption(national.groups["burglary"])


def test_force_names_in_the_files_are_all_placed(national) -> None:
    reasons = national.forces.set_index("force")["reason"]
    assert not any(re.search("matches no police force area", r) for r in reasons)


@pytest.mark.slow
def test_priority_two_compares_every_force_with_a_funnel_plot(shared_real_data: Path, tmp_path: Path) -> None:
    """As a build with the national folder and --period 2022-02 --window 3 runs it."""
    import nbformat
    import papermill

    from pack.pipeline.execute import kernel_env

    kernel_env()
    out = tmp_path / "out"
    parameters = {
        "period_end": "2022-02",
        "window_months": 3,
        "data_dir": str(shared_real_data),
        "output_dir": str(out),
    }
    executed = tmp_path / "02.ipynb"
    papermill.execute_notebook(
        "notebooks/02_neighbourhood_crime_asb.ipynb", str(executed), parameters, kernel_name="python3", cwd="notebooks"
    )
    written = pd.read_csv(out / "tables" / "02_neighbourhood_crime_asb-comparison.csv")
    residents = independent_populations(shared_real_data)
    for group_id, crime_type in (("asb_incidents", "Anti-social behaviour"), ("burglary", "Burglary")):
        counts = independent_counts(shared_real_data, crime_type)
        rows = written[(written["group_id"] == group_id) & written["rate_per_1000"].notna()]
        rows = rows[rows["status"] != "pooled"].set_index("force")
        assert len(rows) == 39 and set(rows["forces_compared"]) == {38}
        for force, row in rows.iterrows():
            assert row["rate_per_1000"] == pytest.approx(1000 * counts[force] / residents[row["pfa_name"]], rel=1e-9)
    cells = {c.get("id"): c for c in nbformat.read(executed, as_version=4).cells}
    shown = "".join("".join(o.get("data", {}).get("text/html", "")) for o in cells["comparators-funnels"].outputs)
    figures = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)">', shown)
    # a funnel for each of the plan's headline crime groups (ASB, burglary, neighbourhood crime), each with alt text
    assert len(figures) == 3 and all(len(alt) > 40 for alt in figures)
    after_each = shown.split("<figure")[1:]
    assert all("◆ Derbyshire Constabulary (this force)" in part for part in after_each)  # the table beside, no colour
    summary = "".join("".join(o.get("data", {}).get("text/html", "")) for o in cells["comparators-national"].outputs)
    assert "38 forces were compared" in summary
    words = "".join(
        "".join(o.get("data", {}).get("text/html", "")) for c in cells.values() for o in c.get("outputs", [])
    )
    assert "the national pool" in words and "England and Wales" not in re.sub(ALLOWED, "", words)
