"""Rural crime is crime: the rural headline, its rate and the rural-urban split leave anti-social
behaviour out, and ASB in rural areas is a row of its own.

The street files have, each month from March 2021 to February 2023, 2 burglaries in Derby (urban),
1 violent crime and 2 ASB incidents in Amber Valley (rural): every figure below is worked by hand.
"""

from __future__ import annotations

import pytest
from csvs import STREET_HEADER, street_row, write

from pack import findings, rural
from pack.data.dataset import Dataset
from pack.data.stage import prepare
from pack.figures import Coverage
from pack.periods import Month, month_range, rolling_window

DERBY, AMBER = ("E01013523", "Derby 008B"), ("E01019400", "Amber Valley 001A")
BASELINE, CURRENT = rolling_window("2022-02"), rolling_window("2023-02")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("rural")
    for m in (str(m) for m in month_range(Month.parse("2021-03"), Month.parse("2023-02"))):
        rows = [street_row(f"{m}-b{i}", m, *DERBY, "Burglary") for i in range(2)]
        rows.append(street_row(f"{m}-v0", m, *AMBER, "Violence and sexual offences"))
        rows += [street_row("", m, *AMBER, "Anti-social behaviour") for _ in range(2)]
        write(folder, f"{m}/{m}-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    write(
        folder,
        "ons/ruc.csv",
        "LSOA11CD,LSOA11NM,RUC11CD,RUC11\n"
        f"{AMBER[0]},{AMBER[1]},D1,Rural town and fringe\n{DERBY[0]},{DERBY[1]},C1,Urban city and town\n",
    )
    write(folder, "ons/population.csv", f'lsoa,pop\n{AMBER[0]},"1,200"\n{DERBY[0]},"2,400"\n')
    return Dataset(prepare(folder))


def test_the_rural_headline_counts_crimes_and_asb_is_its_own_row(data: Dataset) -> None:
    street, ruc = data.table("street_monthly"), data.table("rural_urban")
    rows = {r.indicator_id: r for r in rural.rural_rows(street, ruc, Coverage.of(data, ["street"]), BASELINE, CURRENT)}
    crime = rows["rural_crime_records"]
    assert (crime.baseline_value, crime.current_value) == (12, 12)  # 1 violent crime a month; ASB left out
    assert "anti-social behaviour" in crime.indicator.lower() and crime.unit == "crimes"
    asb = rows["rural_asb_incidents"]
    assert (asb.baseline_value, asb.current_value, asb.unit) == (24, 24, "incidents")


def test_the_rural_rate_and_split_leave_asb_out(data: Dataset) -> None:
    street, ruc = data.table("street_monthly"), data.table("rural_urban")
    area = rural.force_lsoas(street, ruc, data.table("population"))
    split = rural.rural_urban_summary(street, ruc, area, CURRENT).set_index("area")
    # rural: 12 crimes over 1,200 residents = 10 per 1,000 (with ASB it would be 36: 30 per 1,000);
    # urban: 24 burglaries over 2,400 = 10 per 1,000; rural share of crimes 12 / 36 = 33.3%
    assert split.loc["rural", "records"] == 12 and split.loc["rural", "rate_per_1000"] == pytest.approx(10.0)
    assert split.loc["urban", "records"] == 24 and split.loc["rural", "share_of_records_pct"] == pytest.approx(100 / 3)
    assert findings.rural_rate_title(split.reset_index()) == (
        "Rural areas recorded 10 crimes per 1,000 residents against 10 in urban areas (anti-social behaviour apart)"
    )
    assert findings.rural_sentence(split.reset_index(), area, CURRENT.label).startswith(
        "Of 36 crimes (anti-social behaviour apart) in the 12 months ending February 2023, 100.0%"
    )


def test_an_msoa_holding_a_code_of_another_vintage_leaves_both_sides_of_the_rates(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Amber Valley 001A and 001B (2011 codes, rural, 1,200 and 800 residents) share MSOA Amber Valley 001 with
    # E01035000 "Amber Valley 001E", a 2021 code the 2011 lookup lacks; Amber Valley 002A (rural, 1,000) and
    # Derby 008B (urban, 2,400) do not. Each month: 1 crime in 001A, 1 burglary in 001E, 1 crime in 002A,
    # 2 burglaries in Derby 008B, and an ASB incident in 001E (not a crime).
    folder = tmp_path_factory.mktemp("msoa")
    amber_b, amber_2 = ("E01019401", "Amber Valley 001B"), ("E01019402", "Amber Valley 002A")
    for m in (str(m) for m in month_range(Month.parse("2022-03"), Month.parse("2023-02"))):
        rows = [street_row(f"{m}-v0", m, *AMBER, "Violence and sexual offences")]
        rows.append(street_row(f"{m}-n", m, "E01035000", "Amber Valley 001E", "Burglary"))  # a 2021 code
        rows.append(street_row(f"{m}-v2", m, *amber_2, "Violence and sexual offences"))
        rows += [street_row(f"{m}-b{i}", m, *DERBY, "Burglary") for i in range(2)]
        rows.append(street_row("", m, "E01035000", "Amber Valley 001E", "Anti-social behaviour"))
        write(folder, f"{m}/{m}-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    lookup = [(AMBER, "D1", "Rural town and fringe"), (amber_b, "D1", "Rural town and fringe")]
    lookup += [(amber_2, "E1", "Rural village"), (DERBY, "C1", "Urban city and town")]
    lines = "".join(f"{code},{name},{ruc_code},{ruc_name}\n" for (code, name), ruc_code, ruc_name in lookup)
    write(folder, "ons/ruc.csv", "LSOA11CD,LSOA11NM,RUC11CD,RUC11\n" + lines)
    populations = {AMBER[0]: "1,200", amber_b[0]: "800", amber_2[0]: "1,000", DERBY[0]: "2,400"}
    write(folder, "ons/population.csv", "lsoa,pop\n" + "".join(f'{c},"{p}"\n' for c, p in populations.items()))
    data = Dataset(prepare(folder))
    street, ruc = data.table("street_monthly"), data.table("rural_urban")
    area = rural.force_lsoas(street, ruc, data.table("population"))
    assert sorted(area.loc[~area["in_rates"], "lsoa_code"]) == [AMBER[0], amber_b[0]]  # MSOA Amber Valley 001
    split = rural.rural_urban_summary(street, ruc, area, CURRENT).set_index("area")
    # rural: the 12 crimes of 002A over its 1,000 residents = 12 per 1,000 (not 24 crimes over 3,000 = 8, with
    # 001E's 12 burglaries in no numerator while its residents stay in 001A and 001B); urban: 24 / 2,400 = 10
    assert split.loc["rural", "rate_per_1000"] == pytest.approx(12.0) and split.loc["rural", "population"] == 1000
    assert split.loc["urban", "rate_per_1000"] == pytest.approx(10.0)
    assert split.loc["rural", "records"] == 24 and split.loc["not in lookup", "records"] == 12  # counted, not dropped
    by_type = rural.rural_by_crime_type(street, ruc, area, CURRENT).set_index("crime_type")
    assert by_type.loc["Violence and sexual offences", "rural_per_1000"] == pytest.approx(12.0)
    note = rural.population_note(street, ruc, area, CURRENT)
    assert note.startswith("12 crime(s) in the 12 months ending February 2023 carry LSOA codes the rural-urban lookup")
    assert "(1: Amber Valley 001) are left out of both sides of the rates: 2 LSOA(s) of the lookup with 2,000 " in note
    assert "residents, and their 12 classified crime(s) in this window" in note
    assert "no MSOA of the force area" not in note
    assert findings.rural_sentence(split.reset_index(), area, CURRENT.label).endswith(
        "hold 29.4% of residents of the LSOAs in the rates (1,000 of 3,400) and 50.0% of classified crimes."
    )


def test_crimes_in_codes_the_lookup_does_not_hold_are_said_to_leave_the_rates_on_other_residents(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("codes2021")
    for m in (str(m) for m in month_range(Month.parse("2022-03"), Month.parse("2023-02"))):
        rows = [street_row(f"{m}-v0", m, *AMBER, "Violence and sexual offences")]
        rows.append(street_row(f"{m}-n", m, "E01035000", "Amber Valley 099Z", "Burglary"))  # a 2021 code
        rows.append(street_row("", m, "E01035000", "Amber Valley 099Z", "Anti-social behaviour"))  # not a crime
        write(folder, f"{m}/{m}-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    write(folder, "ons/ruc.csv", f"LSOA11CD,LSOA11NM,RUC11CD,RUC11\n{AMBER[0]},{AMBER[1]},D1,Rural town and fringe\n")
    write(folder, "ons/population.csv", f'lsoa,pop\n{AMBER[0]},"1,200"\n')
    data = Dataset(prepare(folder))
    street, ruc = data.table("street_monthly"), data.table("rural_urban")
    area = rural.force_lsoas(street, ruc, data.table("population"))
    note = rural.population_note(street, ruc, area, CURRENT)
    assert note.startswith("12 crime(s) in the 12 months ending February 2023 carry LSOA codes the rural-urban lookup")
    # "Amber Valley 099Z" names an MSOA the lookup does not have: no best fit, so the note says the rates may
    # understate crime
    assert "12 of the crimes have an LSOA name that gives no MSOA of the force area: they are in no rate" in note
