"""Rural and urban crime: street records joined to the ONS LSOA rural-urban classification.

Counts and rates are over the same areas: the LSOAs of the force area's districts
(:func:`pack.crime.force_districts`) that the lookup classifies, and, for rates, that the population
file also has. Records outside the force area (snapped to neighbouring LSOAs), in LSOAs the lookup
does not hold (e.g. 2021 codes against a 2011 lookup) or with no location are counted apart and
named in each indicator's note, never silently dropped.

LSOAs of two vintages: data.police.uk moved to 2021 LSOA codes in 2022, and a 2021 LSOA split from
or merged with 2011 ones is not in a 2011 lookup (nor a 2011 one in a 2021 lookup). Its records
cannot be placed as rural or urban, but its residents are still in the lookup's LSOAs of the same
area. So that a rate's records and residents cover the same people, every MSOA holding such a code
in any month (read from the LSOA name, "Derby 012F" in MSOA "Derby 012", which both vintages share:
a best fit at MSOA level) leaves the rates whole, its residents and its records alike
(:func:`force_lsoas` marks ``in_rates``; :func:`population_note` says which).
"""

from __future__ import annotations

import pandas as pd

from pack.crime import force_districts, monthly_series
from pack.figures import Breakdown, Coverage, window_table
from pack.indicators import IndicatorRow, count_indicator, not_supplied
from pack.measures import rate_per_1000
from pack.periods import Window

__all__ = ["force_districts"]  # re-exported: the force area is also the rural lookup's area

STREET = ("street",)
ASB = "Anti-social behaviour"  # incidents, not crimes: counted in rows of their own, never in rural crime
RURAL, URBAN = "rural", "urban"
OUTSIDE, NOT_IN_LOOKUP, NO_LOCATION = "outside the force area", "not in lookup", "no location"
UNCLASSIFIED_LIMIT = 0.01  # above this share of a window's records unclassified, no test
_MSOA_PART = r"^(.*\S \d{3})[A-Z]{1,2}$"  # "Derby 012F" -> "Derby 012": district, MSOA number, LSOA letter(s)


def msoa_of(lsoa_name: pd.Series) -> pd.Series:
    """The MSOA part of each LSOA name (``""`` where the name has none).

    >>> msoa_of(pd.Series(["Derby 012F", "High Peak 001A", "Bristol 023AB", "somewhere", ""])).tolist()
    ['Derby 012', 'High Peak 001', 'Bristol 023', '', '']
    """
    return lsoa_name.astype("str").str.extract(_MSOA_PART, expand=False).fillna("").astype("str")


def msoas_with_unmatched_codes(street_monthly: pd.DataFrame, ruc: pd.DataFrame) -> tuple[str, ...]:
    """MSOAs (by LSOA name) of the force area holding, in any month, a record whose LSOA code the
    lookup does not hold (a code of another vintage)."""
    rows = classify(street_monthly, ruc, force_districts(street_monthly))
    names = msoa_of(rows.loc[rows["area"] == NOT_IN_LOOKUP, "lsoa_name"])
    return tuple(sorted(set(names[names != ""])))


def force_lsoas(street_monthly: pd.DataFrame, ruc: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """LSOAs of the force area's districts in the lookup, with rural flag and population (NaN
    where the population file has no figure for the LSOA: populations are summed only over LSOAs of
    the lookup's vintage, never over codes the lookup does not hold), and ``in_rates``: the LSOA has
    a population and lies in no MSOA holding a code the lookup lacks (:func:`msoas_with_unmatched_codes`),
    so its residents and records go into the rates."""
    districts = set(force_districts(street_monthly))
    area = ruc[ruc["district"].isin(districts)][["lsoa_code", "lsoa_name", "district", "ruc_code", "rural"]]
    if population is not None:
        area = area.merge(population[["lsoa_code", "population"]], on="lsoa_code", how="left")
    else:
        area = area.assign(population=float("nan"))
    split = msoas_with_unmatched_codes(street_monthly, ruc)
    area = area.assign(in_rates=area["population"].notna() & ~msoa_of(area["lsoa_name"]).isin(split))
    return area.sort_values("lsoa_code").reset_index(drop=True)


def force_lsoa_facts(prepared) -> dict | None:
    """LSOAs, rural LSOAs and population of the force area (for ``validate``)."""
    path = prepared.path
    if not ((path / "street_monthly.parquet").is_file() and (path / "rural_urban.parquet").is_file()):
        return None
    street = pd.read_parquet(path / "street_monthly.parquet")
    ruc = pd.read_parquet(path / "rural_urban.parquet")
    pop = pd.read_parquet(path / "population.parquet") if (path / "population.parquet").is_file() else None
    area = force_lsoas(street, ruc, pop)
    return {
        "lsoas": len(area),
        "rural_lsoas": int(area["rural"].sum()),
        "population": float(area["population"].sum()),
        "rural_population": float(area.loc[area["rural"], "population"].sum()),
    }


def classify(rows: pd.DataFrame, ruc: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """Every street row with ``area``: ``rural`` or ``urban`` (an LSOA of the force area, whose
    ``districts`` are worked out from all the street records, that the lookup classifies), ``outside
    the force area``, ``not in lookup`` or ``no location``."""
    merged = rows.merge(ruc[["lsoa_code", "rural"]], on="lsoa_code", how="left")
    area = pd.Series(NOT_IN_LOOKUP, index=merged.index)
    area[merged["rural"].eq(True)] = RURAL
    area[merged["rural"].eq(False)] = URBAN
    area[(merged["district"] != "") & ~merged["district"].isin(districts)] = OUTSIDE
    area[merged["lsoa_code"] == ""] = NO_LOCATION
    return merged.assign(area=area)


def crime_types(street_monthly: pd.DataFrame) -> tuple[str, ...]:
    """Every crime type in the street records except anti-social behaviour (incidents, not crimes).

    >>> crime_types(pd.DataFrame({"crime_type": ["Burglary", "Anti-social behaviour", "Drugs", "Burglary"]}))
    ('Burglary', 'Drugs')
    """
    return tuple(sorted(set(street_monthly["crime_type"]) - {ASB}))


def classify_records(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, window: Window, crime_types: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Records in ``window`` (of ``crime_types``, if given) with their ``area`` (see :func:`classify`)."""
    rows = street_monthly[street_monthly["month"].isin(window.month_strings())]
    if crime_types is not None:
        rows = rows[rows["crime_type"].isin(crime_types)]
    return classify(rows, ruc, force_districts(street_monthly))


def _in_rates(area_lsoas: pd.DataFrame) -> set[str]:
    return set(area_lsoas.loc[area_lsoas["in_rates"], "lsoa_code"])


def _rate_population(area_lsoas: pd.DataFrame) -> pd.Series:
    """Residents of the LSOAs in the rates, rural (``True``) and urban (``False``)."""
    return area_lsoas[area_lsoas["in_rates"]].groupby("rural")["population"].sum()


def rural_urban_summary(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window
) -> pd.DataFrame:
    """Crimes (anti-social behaviour apart: :func:`crime_types`), population, rate per 1,000 and
    shares for rural and urban areas of the force area, then the crimes counted apart (outside the
    force area, not in the lookup, no location).

    A rate's numerator and denominator cover the same LSOAs: those of the force area in the rates
    (``in_rates`` of :func:`force_lsoas`: a class, a population, no code of another vintage in its
    MSOA); ``population`` and the population shares are theirs. Records elsewhere are counted in
    ``records`` but not in the rate; :func:`population_note` says how many.
    """
    rows_w = classify_records(street_monthly, ruc, window, crime_types(street_monthly))
    records = rows_w.groupby("area")["n"].sum()
    populated = rows_w[rows_w["lsoa_code"].isin(_in_rates(area_lsoas))].groupby("area")["n"].sum()
    pop = _rate_population(area_lsoas)
    classified = float(records.get(RURAL, 0) + records.get(URBAN, 0))
    total_pop = float(pop.sum())
    rows = []
    for name, flag in ((RURAL, True), (URBAN, False)):
        n = float(records.get(name, 0))
        p = float(pop.get(flag, 0.0))
        rows.append(
            {
                "area": name,
                "records": n,
                "population": p,
                "rate_per_1000": rate_per_1000(float(populated.get(name, 0)), p),
                "share_of_records_pct": n / classified * 100 if classified else None,
                "share_of_population_pct": p / total_pop * 100 if total_pop else None,
            }
        )
    for name in (OUTSIDE, NOT_IN_LOOKUP, NO_LOCATION):
        rows.append(
            {
                "area": name,
                "records": float(records.get(name, 0)),
                "population": None,
                "rate_per_1000": None,
                "share_of_records_pct": None,
                "share_of_population_pct": None,
            }
        )
    return pd.DataFrame(rows)


def population_note(street_monthly: pd.DataFrame, ruc: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window) -> str:
    """``""``, or sentences naming the force area's LSOAs with no population figure and the records
    in them that are therefore left out of the rates, and the crimes in LSOA codes the lookup does
    not hold (2021 codes against a 2011 lookup): the MSOAs holding such codes leave the rates, their
    residents and crimes alike (:func:`force_lsoas`), and the sentence says how many of each; crimes
    whose LSOA name gives no MSOA of the force area are in no rate, and it says that too."""
    parts = []
    without = set(area_lsoas.loc[area_lsoas["population"].isna(), "lsoa_code"])
    if without:
        rows_w = classify_records(street_monthly, ruc, window)
        n = int(rows_w.loc[rows_w["lsoa_code"].isin(without), "n"].sum())
        parts.append(
            f"{len(without):,} LSOA(s) of the force area have no population figure (the population file is of "
            f"another LSOA vintage or incomplete); their {n:,} record(s) in the {window.label} are counted but "
            "left out of the rates, whose populations are summed over the other LSOAs."
        )
    crimes = classify_records(street_monthly, ruc, window, crime_types(street_monthly))
    parts.append(_vintage_note(crimes, area_lsoas, window))
    return " ".join(p for p in parts if p)


def _vintage_note(crimes: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window) -> str:
    """What :func:`population_note` says of codes of another vintage (``""`` when there are none)."""
    unmatched = crimes[crimes["area"] == NOT_IN_LOOKUP]
    split = area_lsoas[area_lsoas["population"].notna() & ~area_lsoas["in_rates"]]
    if unmatched.empty and split.empty:
        return ""
    msoas = sorted(set(msoa_of(split["lsoa_name"])))
    placed = crimes["lsoa_code"].isin(set(split["lsoa_code"])) & crimes["area"].isin([RURAL, URBAN])
    unplaced = int(unmatched.loc[~msoa_of(unmatched["lsoa_name"]).isin(msoas), "n"].sum())
    left_out = int(crimes.loc[placed, "n"].sum())
    named = ", ".join(msoas[:3]) + (f" and {len(msoas) - 3:,} more" if len(msoas) > 3 else "")
    text = (
        f"{int(unmatched['n'].sum()):,} crime(s) in the {window.label} carry LSOA codes the rural-urban lookup "
        "does not hold (e.g. 2021 codes against a 2011 lookup) and cannot be placed as rural or urban."
    )
    if msoas:
        text += (
            " So that each rate's crimes and residents cover the same people, the MSOAs that hold such codes in "
            f"any month ({len(msoas):,}: {named}) are left out of both sides of the rates: {len(split):,} LSOA(s) "
            f"of the lookup with {split['population'].sum():,.0f} residents, and their {left_out:,} "
            "classified crime(s) in this window. This is a best fit by the MSOA part of the LSOA name, which both "
            "vintages share; no 2011 to 2021 lookup was supplied."
        )
    if unplaced:
        text += (
            f" {unplaced:,} of the crimes have an LSOA name that gives no MSOA of the force area: they are in no "
            "rate while the residents of their area may be, so the rates may understate crime slightly."
        )
    return text


def rural_urban_table(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window, coverage: Coverage
) -> Breakdown:
    """:func:`rural_urban_summary` for ``window`` when the street files cover it."""
    return window_table(
        lambda w: rural_urban_summary(street_monthly, ruc, area_lsoas, w), window, coverage, STREET, "rural-urban split"
    )


def rural_by_crime_type(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window
) -> pd.DataFrame:
    """Rate per 1,000 residents by crime type in rural and urban areas of the force area (records
    and populations over the LSOAs in the rates: see :func:`rural_urban_summary`)."""
    rows = classify_records(street_monthly, ruc, window)
    rows = rows[rows["area"].isin([RURAL, URBAN]) & rows["lsoa_code"].isin(_in_rates(area_lsoas))]
    table = rows.pivot_table(index="crime_type", columns="area", values="n", aggfunc="sum", fill_value=0)
    pop = _rate_population(area_lsoas)
    for area, flag in ((RURAL, True), (URBAN, False)):
        if area not in table:
            table[area] = 0
        population = float(pop.get(flag, 0.0))
        table[f"{area}_per_1000"] = (table[area] / population * 1000).round(2) if population else float("nan")
    return (
        table.reset_index()
        .sort_values("crime_type")
        .reset_index(drop=True)[["crime_type", RURAL, URBAN, "rural_per_1000", "urban_per_1000"]]
    )


def rural_by_crime_type_table(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window, coverage: Coverage
) -> Breakdown:
    """:func:`rural_by_crime_type` for ``window`` when the street files cover it."""
    return window_table(
        lambda w: rural_by_crime_type(street_monthly, ruc, area_lsoas, w), window, coverage, STREET, "rates by type"
    )


def rural_monthly(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, crime_types: tuple[str, ...], covered: list[str]
) -> pd.Series:
    """Monthly records of ``crime_types`` in the rural LSOAs of the force area."""
    rows = street_monthly[street_monthly["crime_type"].isin(crime_types)]
    rows = classify(rows, ruc, force_districts(street_monthly))
    return monthly_series(rows[rows["area"] == RURAL], crime_types, covered)


def unclassified_note(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, crime_types: tuple[str, ...], windows: list[Window]
) -> tuple[str, bool]:
    """``(note, too many)``: records of ``crime_types`` left out of the rural count in each window
    (LSOA not in the lookup, outside the force area), and whether the unclassified share of any
    window's records exceeds :data:`UNCLASSIFIED_LIMIT` (then a change may come from the lookup, not
    from crime: no test)."""
    parts, too_many = [], False
    for window in windows:
        rows = classify_records(street_monthly, ruc, window, crime_types)
        by = rows.groupby("area")["n"].sum()
        total, unmatched, outside = float(by.sum()), int(by.get(NOT_IN_LOOKUP, 0)), int(by.get(OUTSIDE, 0))
        left = [
            f"{unmatched:,} record(s) in LSOAs not in the rural-urban lookup (e.g. 2021 codes against a 2011 lookup)"
            if unmatched
            else "",
            f"{outside:,} outside the force area" if outside else "",
        ]
        if unmatched or outside:
            parts.append(f"{window.label}: {' and '.join(t for t in left if t)} not counted")
        too_many = too_many or (total > 0 and unmatched / total > UNCLASSIFIED_LIMIT)
    return "; ".join(parts), too_many


def rural_rows(
    street_monthly: pd.DataFrame | None,
    ruc: pd.DataFrame | None,
    coverage: Coverage,
    baseline: Window,
    current: Window,
) -> list[IndicatorRow]:
    """Crime (every crime type, anti-social behaviour apart), burglary, vehicle crime and, in a row of
    its own, ASB incidents in rural LSOAs of the force area: window against window."""
    specs = [
        ("rural_crime_records", "Crimes in rural areas (anti-social behaviour excluded)", None, "crimes"),
        ("rural_burglary", "Burglary in rural areas (all burglary)", ("Burglary",), "crimes"),
        ("rural_vehicle_crime", "Vehicle crime in rural areas", ("Vehicle crime",), "crimes"),
        ("rural_asb_incidents", "Anti-social behaviour incidents in rural areas (not crimes)", (ASB,), "incidents"),
    ]
    if street_monthly is None or ruc is None:
        needs = "data.police.uk street files" if street_monthly is None else "the ONS LSOA rural-urban lookup"
        return [not_supplied(i, n, needs, "lower", u) for i, n, _, u in specs]
    rows = []
    crimes = crime_types(street_monthly)
    covered = coverage.covered(STREET)
    shown = [w for w in (baseline, current) if coverage.covers(w, STREET)]
    for ind, name, types, unit_name in specs:
        note, too_many = unclassified_note(street_monthly, ruc, types or crimes, shown)
        rows.append(
            count_indicator(
                ind,
                name,
                rural_monthly(street_monthly, ruc, types or crimes, covered),
                coverage,
                STREET,
                baseline,
                current,
                "lower",
                "data.police.uk street records in rural LSOAs of the force area (ONS rural-urban lookup)",
                unit_name,
                note=note,
                untested="over 1% of a window's records could not be classified" if too_many else "",
            )
        )
    return rows
