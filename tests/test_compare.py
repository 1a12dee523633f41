"""Rates per 1,000 residents, force populations and the comparison of forces, on a tiny data folder.

Four forces of a made-up country (plus British Transport Police and a force that misses a month), a
district to force area lookup, LSOA names and populations: every figure asserted was worked out by
hand from the rows written here, which go through the real prepare stage first.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from csvs import STREET_HEADER, street_row, write
from hypothesis import given
from hypothesis import strategies as st

from pack import compare, forces, populations
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.periods import rolling_window
from pack.plan import load_plan

PLAN = "Northshire Constabulary"
LSOAS = {  # code: (name, residents)
    "E01000001": ("Alpha 001A", "1,000"),
    "E01000002": ("Beta 001A", "1,000"),
    "E01000003": ("Gamma 001A", "4,000"),
    "E01000004": ("Delta 001A", "1,000"),
    "E01000005": ("Epsilon 001A", "3,000"),
    "E01000006": ("Zeta 001A", "500"),
    "E01000007": ("Theta 001A", "2,000"),
}
LOOKUP = (  # district as the lookup writes it, force area
    ("Alpha", "Northshire"),
    ("Beta", "Northshire"),
    ("Gamma", "Southshire"),
    ("Delta, City of", "Eastshire"),  # LSOA names say "Delta"
    ("Epsilon", "Westshire"),
    ("Theta", "Hillshire"),
    ("Omega", "Farshire"),  # no LSOA is in Omega
)
# (file force slug, Falls within, LSOA code, month): {crime type: records}
STREET = {
    ("northshire", PLAN, "E01000001", "2023-01"): {"Burglary": 2, "Anti-social behaviour": 1},
    ("northshire", PLAN, "E01000002", "2023-02"): {"Burglary": 3},
    ("northshire", PLAN, "E01000001", "2024-01"): {"Burglary": 3, "Anti-social behaviour": 2, "Robbery": 1},
    ("northshire", PLAN, "E01000002", "2024-02"): {"Burglary": 1},
    ("southshire", "Southshire Police", "E01000003", "2023-01"): {"Burglary": 3},
    ("southshire", "Southshire Police", "E01000003", "2023-02"): {"Burglary": 3},
    ("southshire", "Southshire Police", "E01000003", "2024-01"): {"Burglary": 4},
    ("southshire", "Southshire Police", "E01000003", "2024-02"): {"Burglary": 2},
    ("southshire", "British Transport Police", "E01000003", "2024-02"): {"Drugs": 1},  # in Southshire's file
    ("eastshire", "Eastshire Police", "E01000004", "2024-01"): {"Burglary": 2},
    ("eastshire", "Eastshire Police", "E01000004", "2024-02"): {"Burglary": 1},
    ("westshire", "Westshire Constabulary", "E01000005", "2023-01"): {"Burglary": 3},
    ("westshire", "Westshire Constabulary", "E01000005", "2023-02"): {"Burglary": 3},
    ("westshire", "Westshire Constabulary", "E01000005", "2024-01"): {"Burglary": 2},
    ("westshire", "Westshire Constabulary", "E01000005", "2024-02"): {"Burglary": 1},
    ("hillshire", "Hillshire Police", "E01000007", "2024-01"): {"Burglary": 5},  # no file for 2024-02
}
WINDOW = rolling_window("2024-02", 2)  # 2024-01..2024-02, against 2023-01..2023-02


def write_folder(folder: Path, peers: str | None) -> Path:
    files: dict[str, list[str]] = {}
    for (slug, force, lsoa, month), counts in STREET.items():
        rows = files.setdefault(f"police-uk/{month}/{month}-{slug}-street.csv", [])
        for crime_type, n in counts.items():
            for i in range(n):
                crime_id = (
                    "" if crime_type == "Anti-social behaviour" else f"{slug}-{month}-{crime_type}-{i}-{force[:3]}"
                )
                rows.append(street_row(crime_id, month, lsoa, LSOAS[lsoa][0], crime_type, force))
    for relative, rows in files.items():
        write(folder, relative, STREET_HEADER + "".join(rows))
    names = "".join(f"{code},{name},C1,Urban city and town\n" for code, (name, _) in LSOAS.items())
    write(folder, "ons/ruc.csv", "lsoa,LSOA11NM,RUC11CD,RUC11\n" + names)
    write(folder, "ons/pop_mid2020.csv", "lsoa,pop\n" + "".join(f'{c},"{p}"\n' for c, (_, p) in LSOAS.items()))
    lookup = "".join(f'"{lad}",C{i},"{pfa}"\n' for i, (lad, pfa) in enumerate(LOOKUP))
    write(folder, "ons/lad_pfa.csv", "LAD16NM,CSP16CD,PFA16NM\n" + lookup)
    if peers is not None:
        write(folder, "force/peers.csv", peers)
    return folder


@pytest.fixture(scope="module")
def shires(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    peers = "force,peer,source\nNorthshire,Southshire,hand-made\nNorthshire,Westshire Constabulary,hand-made\n"
    peers += "Northshire,Hillshire,hand-made\nSouthshire,Northshire,hand-made\n"
    return Dataset(prepare(write_folder(tmp_path_factory.mktemp("shires"), peers), PLAN))


@pytest.fixture(scope="module")
def national(shires: Dataset) -> compare.NationalComparison:
    return compare.national_comparison(shires, PLAN, WINDOW)


# -------------------------------------------------------------------------------------------------
# The prepared inputs


def test_every_forces_counts_are_kept_by_month_and_type(shires: Dataset) -> None:
    fm = shires.table("force_monthly")
    totals = fm.groupby("falls_within")["n"].sum().to_dict()
    assert totals == {
        PLAN: 13,  # 3 + 3 + 6 + 1
        "Southshire Police": 12,
        "British Transport Police": 1,  # its row was in Southshire's file
        "Eastshire Police": 3,
        "Westshire Constabulary": 9,
        "Hillshire Police": 5,
    }
    row = fm[(fm["falls_within"] == PLAN) & (fm["month"] == "2024-01") & (fm["crime_type"] == "Burglary")]
    assert row["n"].tolist() == [3] and row["source_file"].tolist() == [
        "police-uk/2024-01/2024-01-northshire-street.csv"
    ]
    # the plan force's own table still holds only its rows
    assert int(shires.table("street_monthly")["n"].sum()) == 13


def test_lookup_and_peers_are_inputs(shires: Dataset) -> None:
    lookup = shires.table("force_areas")
    assert lookup["lad_name"].tolist() == sorted(lad for lad, _ in LOOKUP)
    assert dict(zip(lookup["lad_name"], lookup["pfa_name"], strict=True))["Delta, City of"] == "Eastshire"
    assert shires.table("peers")["peer"].tolist() == ["Southshire", "Westshire Constabulary", "Hillshire", "Northshire"]


def test_a_district_in_two_force_areas_is_refused(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data", None)
    write(folder, "ons/lad_pfa_2.csv", "LAD16NM,PFA16NM\nAlpha,Southshire\n")
    with pytest.raises(Exception, match="Alpha: Northshire, Southshire"):
        prepare(folder, PLAN)


# -------------------------------------------------------------------------------------------------
# Populations


def test_force_populations_by_the_documented_method(national: compare.NationalComparison) -> None:
    areas = national.areas
    by_force = dict(zip(areas.forces["pfa_name"], areas.forces["population"], strict=True))
    # Alpha 1,000 + Beta 1,000; Delta matched to "Delta, City of"; Zeta in no force area
    assert by_force == {
        "Eastshire": 1000.0,
        "Hillshire": 2000.0,
        "Northshire": 2000.0,
        "Southshire": 4000.0,
        "Westshire": 3000.0,
    }
    assert areas.unmatched[["district", "lsoas", "population"]].values.tolist() == [["Zeta", 1, 500.0]]
    assert areas.lookup_districts_without_lsoas == ("Omega",)
    assert areas.districts.set_index("district").loc["Delta", "how"] == "normalised"
    assert national.force_population == 2000.0
    assert "ONS LSOA population estimates, mid-2020: ons/pop_mid2020.csv" in areas.source
    notes = " ".join(areas.notes())
    assert (
        "1 district(s)" in notes and "Zeta" in notes and "500 residents" in notes and "Delta -> Delta, City of" in notes
    )


def test_residents_of_one_force_without_the_comparison(shires: Dataset) -> None:
    residents = compare.force_residents(shires, PLAN)
    assert (residents.area, residents.population) == ("Northshire", 2000.0)
    assert compare.force_residents(shires, "Nowhere Police").population is None


def test_lookup_names_that_differ_from_lsoa_names() -> None:
    lsoa_names = ["Bristol", "Herefordshire", "Kings Lynn and West Norfolk", "Kingston upon Hull"]
    lsoa_names += ["The Vale of Glamorgan", "Shepway", "St. Helens", "Derby", "Atlantis"]
    lookup = ["Bristol, City of", "Herefordshire, County of", "King's Lynn and West Norfolk"]
    lookup += ["Kingston upon Hull, City of", "Vale of Glamorgan", "Folkestone and Hythe", "St Helens", "Derby"]
    matched = populations.match_districts(lsoa_names, lookup).set_index("district")
    assert matched["lad_name"].to_dict() == {
        "Bristol": "Bristol, City of",
        "Herefordshire": "Herefordshire, County of",
        "Kings Lynn and West Norfolk": "King's Lynn and West Norfolk",
        "Kingston upon Hull": "Kingston upon Hull, City of",
        "The Vale of Glamorgan": "Vale of Glamorgan",
        "Shepway": "Folkestone and Hythe",
        "St. Helens": "St Helens",
        "Derby": "Derby",
        "Atlantis": "",
    }
    assert matched.loc["Shepway", "how"] == "successor" and matched.loc["Atlantis", "how"] == "unmatched"


def test_merged_districts_match_their_successor_and_a_shared_key_matches_neither() -> None:
    matched = populations.match_districts(
        ["Taunton Deane", "Purbeck", "Newtown"], ["Somerset", "Dorset", "Newtown", "NEWTOWN"]
    )
    assert matched["lad_name"].tolist() == ["Somerset", "Dorset", "Newtown"]  # exact name first
    ambiguous = populations.match_districts(["New Town"], ["Newtown", "New-Town", "New Town."])
    assert ambiguous["how"].tolist() == ["unmatched"]


@given(
    st.lists(st.text(alphabet="abcdefghijklmnop", min_size=2, max_size=9), min_size=1, max_size=4).map(" ".join),
    st.sampled_from(["The {}", "{}, City of", "{}, County of", "{}.", "THE {}", "{} "]),
)
def test_spelling_variants_match_the_lookup_name(base: str, variant: str) -> None:
    name = base.title()
    spelled = variant.format(name)
    assert populations.match_districts([spelled], [name, "Elsewhere"])["lad_name"].tolist() == [name]
    assert populations.match_districts([name], [spelled, "Elsewhere"])["lad_name"].tolist() == [spelled]


# -------------------------------------------------------------------------------------------------
# Rates


def test_district_rates_count_records_outside_the_area_without_a_rate(shires: Dataset, national) -> None:
    street = shires.table("street_monthly")
    table = populations.district_rates(street, ("Burglary",), WINDOW, national.force_districts)
    # Alpha: 3 burglaries in 2024-01 / 1,000 residents; Beta: 1 / 1,000
    assert table[["district", "records", "rate_per_1000"]].values.tolist() == [["Alpha", 3, 3.0], ["Beta", 1, 1.0]]


def test_indicator_rates_and_sentences() -> None:
    indicators = pd.DataFrame(
        {
            "indicator_id": ["burglary", "asb_incidents", "hotspot_asb", "officers_taser_trained"],
            "indicator": ["Burglary", "ASB", "ASB in hotspots", "Taser-trained officers"],
            "unit": ["crimes", "incidents", "incidents", "officers"],
            "baseline_label": ["12 months ending May 2021"] * 4,
            "baseline_value": [3_000.0, 50_000.0, 900.0, 600.0],
            "current_label": ["12 months ending January 2024"] * 4,
            "current_value": [2_400.0, 25_000.0, 450.0, 720.0],
            "pct_change": [-20.0, -50.0, -50.0, 20.0],
        }
    )
    rates = populations.indicator_rates(indicators, 1_250_000)
    # 3,000 / 1,250,000 × 1,000 = 2.4; 2,400 → 1.92; 50,000 → 40; 25,000 → 20 (hotspots: not the area's base)
    assert rates[["indicator_id", "baseline_rate_per_1000", "current_rate_per_1000"]].values.tolist() == [
        ["burglary", 2.4, 1.92],
        ["asb_incidents", 40.0, 20.0],
    ]
    sentences = populations.rate_sentences(rates, 1_250_000, "ONS mid-2019")
    assert sentences[0] == (
        "Burglary: 1.92 per 1,000 residents in the 12 months ending January 2024 (2,400 crimes), "
        "against 2.40 in the 12 months ending May 2021."
    )
    assert sentences[-1] == "Rates use 1,250,000 residents (ONS mid-2019) for every window."
    assert "No rates" in populations.rate_sentences(rates, None, "")[0]


# -------------------------------------------------------------------------------------------------
# The comparison


def test_force_names_match_force_areas_and_peer_lists() -> None:
    falls_within = ["Avon and Somerset Constabulary", "Devon & Cornwall Police", "Metropolitan Police Service"]
    falls_within += ["Dyfed-Powys Police", "City of London Police", "Greater Manchester Police", "North Wales Police"]
    areas = ["Avon & Somerset", "Devon & Cornwall", "Metropolitan", "Dyfed-Powys", "City of London"]
    areas += ["Greater Manchester", "North Wales"]
    assert [forces.force_key(f) for f in falls_within] == [forces.force_key(a) for a in areas]
    assert forces.force_key("British Transport Police") in forces.NOT_TERRITORIAL
    assert forces.force_key("Police Service of Northern Ireland") in forces.NOT_TERRITORIAL


def test_who_is_compared_and_why_not(national: compare.NationalComparison) -> None:
    table = national.forces.set_index("force")
    assert table["status"].to_dict() == {
        "British Transport Police": "not compared",
        "Eastshire Police": "compared",
        "Farshire": "no data",  # in the lookup, but no LSOA and no files
        "Hillshire Police": "not compared",
        PLAN: "compared",
        "Southshire Police": "compared",
        "Westshire Constabulary": "compared",
    }
    assert table.loc["Hillshire Police", "reason"] == "its files miss 2024-02 of the 2 months ending February 2024"
    assert "railways" in table.loc["British Transport Police", "reason"]
    assert national.compared == 4 and national.available


def test_burglary_rates_rank_and_pooled_rates_by_hand(national: compare.NationalComparison) -> None:
    group = national.groups["burglary"]
    t = group.table.set_index("force")
    # window counts 4, 6, 3, 3 over 2,000, 4,000, 1,000, 3,000 residents
    assert t["rate_per_1000"].to_dict() == {
        "Westshire Constabulary": 1.0,
        "Southshire Police": 1.5,
        PLAN: 2.0,
        "Eastshire Police": 3.0,
    }
    assert t["rank"].tolist() == [1, 2, 3, 4]
    # change on 2023-01..02: Northshire 5 -> 4 (-20%), Southshire 6 -> 6, Westshire 6 -> 3; Eastshire has no 2023 files
    assert t.loc[PLAN, "change_pct"] == pytest.approx(-20.0)
    assert t.loc["Westshire Constabulary", "change_pct"] == pytest.approx(-50.0)
    assert math.isnan(t.loc["Eastshire Police", "change_pct"])
    ew, msg = group.england_wales, group.peers
    assert (ew.forces, ew.count, ew.population) == (4, 16, 10_000.0)
    assert ew.rate_per_1000 == pytest.approx(1.6)  # 16 / 10,000 × 1,000
    assert ew.change_pct == pytest.approx((13 - 17) / 17 * 100)  # the three forces covering both windows
    assert ew.forces_with_change == 3
    # peers listed: Southshire, Westshire, Hillshire (not compared): 9 / 7,000 × 1,000; 12 -> 9
    assert (msg.forces, msg.rate_per_1000, msg.change_pct) == (2, pytest.approx(9 / 7), pytest.approx(-25.0))
    assert t["peer"].to_dict() == {
        "Westshire Constabulary": True,
        "Southshire Police": True,
        PLAN: False,
        "Eastshire Police": False,
    }


def test_funnel_of_four_forces_by_hand(national: compare.NationalComparison) -> None:
    group = national.groups["burglary"]
    # target 1.6 per 1,000; E = 3.2, 6.4, 1.6, 4.8; z = 0.4472, -0.1581, 1.1068, -0.8216; Winsorised to
    # 0.4472, -0.1581, 0.9089, -0.6225; phi = 0.3597, and 4 × phi < 3 so tau² = 0: exact Poisson limits
    assert group.fit.target == pytest.approx(1.6)
    assert group.fit.phi == pytest.approx(0.359674, abs=1e-6)
    assert group.fit.tau2 == 0.0
    assert set(group.table["funnel_position"]) == {"within the 95% limits"}
    points = group.points()
    assert list(points.columns) == ["force", "population", "count", "rate_per_1000", "highlighted", "peer", "position"]
    assert points.loc[points["highlighted"], "force"].tolist() == [PLAN]
    limits = group.limits(points=10)
    assert list(limits.columns) == ["population", "level", "lower", "upper", "centre"]
    assert set(limits["level"]) == {"95%", "99.8%"} and limits["population"].min() == 800  # 80% of 1,000


def test_all_crime_leaves_out_asb(national: compare.NationalComparison) -> None:
    t = national.groups["all_crime"].table.set_index("force")
    assert t.loc[PLAN, "count"] == 5  # 4 burglaries and 1 robbery in the window; 2 ASB incidents left out
    assert national.groups["asb_incidents"].table.set_index("force").loc[PLAN, "rate_per_1000"] == 1.0


def test_sentences_and_tables_for_readers(national: compare.NationalComparison, tmp_path: Path) -> None:
    text = compare.group_sentence(national.groups["burglary"], national.peers)
    # pool: 4 forces with 10,000 of the 12,000 residents of the lookup's force areas (Hillshire's 2,000
    # not compared; Farshire has none); rates 3.0, 2.0, 1.5, 1.0: the plan force 2nd highest of 4; with
    # its compared peers (1.5, 1.0) the highest of 3; (2.0 - 1.6) / 1.6 = +25.0%, (2.0 - 9/7) / (9/7) = +55.6%
    assert text == (
        "Burglary: 2.00 crimes per 1,000 residents in the 2 months ending February 2024 (4 crimes), against 1.60 for "
        "the national pool (4 forces in the data, 83% of residents of England and Wales; missing: Hillshire, "
        "Farshire) and 1.29 for its most similar group (2 forces); down 20.0% on the 2 months ending February 2023 "
        "(the national pool: down 23.5%, 3 forces). Its rate is the 2nd highest of 4 forces compared and the highest "
        "of 3 in its most similar group; 25.0% above the national pool and 55.6% above its most similar group; "
        "within the range expected around the national pool rate."
    )
    assert national.count_sentence().startswith("4 forces were compared")
    shown = compare.reader_table(national.groups["burglary"])
    assert shown["force"].tolist() == [
        "▲ Westshire Constabulary",
        "▲ Southshire Police",
        f"◆ {PLAN} (this force)",
        "Eastshire Police",
    ]
    summary = national.summary().set_index("crime_group")
    assert summary.loc["Burglary", "rank"] == 3 and summary.loc["Burglary", "forces_compared"] == 4
    assert (summary.loc["Burglary", "rank_from_highest"], summary.loc["Burglary", "rank_in_group"]) == (2, 1)
    assert summary.loc["Burglary", "difference_from_pool_pct"] == pytest.approx(25.0)
    assert summary.loc["Burglary", "difference_from_peers_pct"] == pytest.approx((2 - 9 / 7) / (9 / 7) * 100)
    readers = national.summary_for_readers().set_index("Crime group")
    assert readers.loc["Burglary", "Position among the forces compared"] == "2nd highest of 4"
    assert readers.loc["Burglary", "Position in the most similar group"] == "highest of 3"
    assert readers.loc["Burglary", "National pool (4 forces): per 1,000 residents"] == 1.6
    assert not any("England and Wales" in c for c in readers.columns)
    written = pd.read_csv(compare.write_comparison(national, tmp_path, "02_x"))
    burglary = written[written["group_id"] == "burglary"].set_index("force")
    assert burglary.loc["Hillshire Police", "status"] == "not compared"
    assert math.isnan(burglary.loc["Hillshire Police", "rate_per_1000"])
    pool = "National pool: 4 forces in the data, 83% of residents of England and Wales; missing: Hillshire, Farshire"
    assert burglary.loc[pool, "rate_per_1000"] == pytest.approx(1.6)
    assert not any(f.startswith("England and Wales") for f in burglary.index)
    assert set(written["group_id"]) == set(compare.HEADLINE_GROUPS)


def test_the_pool_is_named_for_what_it_holds(national: compare.NationalComparison) -> None:
    pool = national.pool
    assert (pool.forces, pool.residents_share, pool.complete) == (4, pytest.approx(10_000 / 12_000), False)
    assert [(m.force, m.share) for m in pool.missing] == [
        ("Hillshire", pytest.approx(2_000 / 12_000)),
        ("Farshire", None),
    ]
    assert national.pool_name == "the national pool"
    assert not any("England and Wales (" in s or "for England and Wales" in s for s in national.sentences())
    group = national.groups["burglary"]
    assert compare.funnel_centre(group) == "national pool rate (4 forces in the data)"
    assert compare.funnel_title(group) == (
        "Northshire's burglary rate is within the range expected around the national pool rate, 2 months ending "
        "February 2024"
    )
    assert [m.force for m in pool.large_missing()] == ["Hillshire"]  # 16.7% of the residents


def test_england_and_wales_only_when_every_territorial_force_is_compared() -> None:
    table = pd.DataFrame(
        {
            "force": ["A Police", "B Police", "City of London Police", "British Transport Police"],
            "pfa_name": ["A", "B", "London, City of", ""],
            "population": [600.0, 390.0, 10.0, None],
            "status": ["compared", "compared", "rate only", "not compared"],
        }
    )
    pool = compare.pool_of(table, None)
    assert pool.complete and pool.name == "England and Wales" and pool.rate_name == "the England and Wales rate"
    assert pool.label == "England and Wales (all 2 territorial forces compared)"
    table.loc[1, "status"] = "no data"
    assert compare.pool_of(table, None).name == "the national pool"


def test_peers_from_the_data_folder_or_the_unverified_default(tmp_path: Path, national) -> None:
    assert national.peers.peers == ("Southshire", "Westshire Constabulary", "Hillshire")
    assert national.peers.origin == "supplied in the data folder: force/peers.csv"
    prepared = prepare(write_folder(tmp_path / "d", None), PLAN)
    default = compare.national_comparison(Dataset(prepared, load_plan().published), PLAN, WINDOW)
    assert default.peers.origin == "default in data/published/peers.csv"  # the default plan's published list
    assert default.peers.peers == ()  # the default lists Derbyshire's peers only
    # a plan that publishes no list: no most similar group, and it says so
    none = compare.national_comparison(Dataset(prepared, None), PLAN, WINDOW)
    assert (
        none.peers.peers == ()
        and none.peers.origin == "no peers input in the data folder and none published with the plan"
    )
    assert none.peers.label == (
        "No most similar group is listed for Northshire Constabulary (no peers input in the data folder and none "
        "published with the plan)."
    )
    # with no group there is no position in it: never "highest of 1" (the force alone)
    readers = none.summary_for_readers()
    assert set(readers[[c for c in readers if "most similar group" in c.lower() and "position" in c.lower()][0]]) == {
        "–"
    }
    assert all(pd.isna(g.table.loc[g.table["this_force"], "rank_in_group"]).all() for g in none.groups.values())
    published = pd.read_csv(Path(__file__).parent.parent / "data" / "published" / "peers.csv")
    derbyshire = forces.peer_group(published, "Derbyshire Constabulary", "default")
    assert derbyshire.status == "unverified" and len(derbyshire.peers) == 7
    assert derbyshire.label.startswith("UNVERIFIED list of 7 most similar forces")


def test_no_comparison_without_other_forces_or_a_lookup(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    write(folder, "2024-01/2024-01-northshire-street.csv", STREET_HEADER + street_row("a1", "2024-01", force=PLAN))
    alone = compare.national_comparison(Dataset(prepare(folder, PLAN)), PLAN, rolling_window("2024-01", 1))
    assert not alone.available
    assert alone.sentences() == [
        "No national comparison: it needs the ONS LSOA population estimates and the ONS LSOA rural-urban lookup "
        "(for LSOA names); the ONS local authority district to police force area lookup."
    ]


# -------------------------------------------------------------------------------------------------
# The demonstration data


@pytest.mark.slow  # writes or prepares the whole demonstration data set
def test_the_demo_data_show_the_comparison() -> None:
    from pack.config import DEMO_DATA_DIR
    from pack.plan import load_plan

    PLAN_FORCE = load_plan().force
    from pack.data.demo import ensure_demo_data

    folder = ensure_demo_data(DEMO_DATA_DIR)
    data = Dataset(prepare(folder))
    national = compare.national_comparison(data, PLAN_FORCE, rolling_window("2024-01", 12))
    assert national.available and national.compared == 8  # the demo force and seven peers
    reasons = national.forces.set_index("force")["reason"]
    assert reasons["Hollowdene Police"] == "its files miss 2023-08 of the 12 months ending January 2024"
    assert national.peers.peers == (
        "Ashdown",
        "Brackenmoor",
        "Calderholm",
        "Dunmere",
        "Eastwold",
        "Fenmarch",
        "Greyhaven and Tor",
    )
    assert national.groups["burglary"].peers.forces == 7
    assert national.summary()["force_change_pct"].notna().all()  # the peers' files cover a year earlier too
    own = pd.read_csv(folder / "ons" / "lsoa_population_synthetic.csv", thousands=",")["pop"].sum()
    assert national.force_population == own  # every LSOA of the demo force's nine districts
    assert "Kingsmere -> Kingsmere, City of" in " ".join(national.notes())
    street = data.quality.input("street")
    assert street.rows_other_forces > 0 and int(data.table("street_monthly")["n"].sum()) == street.rows_kept


@pytest.mark.slow  # writes or prepares the whole demonstration data set
def test_demo_peers_have_their_own_random_stream_and_files(tmp_path: Path) -> None:
    from pack.data.demo.peers import write_peers

    write_peers(tmp_path / "a")
    write_peers(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*.csv"))
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    # files of their own: none that the rest of the demonstration data writes is touched
    assert [f for f in files if not f.startswith("police-uk/")] == [
        "force/peers.csv",
        "ons/lad16_csp16_pfa16_synthetic.csv",
        "ons/lsoa_population_synthetic_peers.csv",
        "ons/ruc_2011_lsoa11_synthetic_peers.csv",
    ]
    assert not [f for f in files if "derbyshire" in f]
    assert len([f for f in files if f.endswith("-street.csv")]) == 8 * 24 - 1  # one force misses a month
