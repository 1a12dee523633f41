"""Rural and urban crime: street records joined to the ONS LSOA rural-urban classification."""

from __future__ import annotations

import pandas as pd

from pack.measures import rate_per_1000
from pack.periods import Window

FORCE_DISTRICT_SHARE = 0.01  # a district is in the force area when it holds >= 1% of records


def force_districts(street_monthly: pd.DataFrame) -> list[str]:
    """Districts that make up the force area: those holding at least 1% of its street records
    (a few records snap to LSOAs of neighbouring districts; those are not part of the area)."""
    by = street_monthly[street_monthly["district"] != ""].groupby("district")["n"].sum()
    return sorted(by[by / by.sum() >= FORCE_DISTRICT_SHARE].index)


def force_lsoas(street_monthly: pd.DataFrame, ruc: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """LSOAs of the force area's districts, with rural flag and population (where supplied)."""
    districts = set(force_districts(street_monthly))
    area = ruc[ruc["district"].isin(districts)][["lsoa_code", "lsoa_name", "district", "ruc_code", "rural"]]
    if population is not None:
        area = area.merge(population[["lsoa_code", "population"]], on="lsoa_code", how="left")
    else:
        area = area.assign(population=float("nan"))
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


def classify_records(street_monthly: pd.DataFrame, ruc: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Records in ``window`` with ``area`` = rural / urban / no location / not in lookup."""
    rows = street_monthly[street_monthly["month"].isin(window.month_strings())]
    merged = rows.merge(ruc[["lsoa_code", "rural"]], on="lsoa_code", how="left")
    area = pd.Series("not in lookup", index=merged.index)
    area[merged["lsoa_code"] == ""] = "no location"
    area[merged["rural"].eq(True)] = "rural"
    area[merged["rural"].eq(False)] = "urban"
    return merged.assign(area=area)


def rural_urban_summary(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window
) -> pd.DataFrame:
    """Records, population, rate per 1,000 and shares for rural and urban areas.

    >>> # see tests/test_rural.py for a worked example
    """
    records = classify_records(street_monthly, ruc, window).groupby("area")["n"].sum()
    pop = area_lsoas.groupby("rural")["population"].sum()
    classified = float(records.get("rural", 0) + records.get("urban", 0))
    total_pop = float(pop.sum())
    rows = []
    for name, flag in (("rural", True), ("urban", False)):
        n = float(records.get(name, 0))
        p = float(pop.get(flag, 0.0))
        rows.append(
            {
                "area": name,
                "records": n,
                "population": p,
                "rate_per_1000": rate_per_1000(n, p),
                "share_of_records_pct": n / classified * 100 if classified else None,
                "share_of_population_pct": p / total_pop * 100 if total_pop else None,
            }
        )
    for name in ("no location", "not in lookup"):
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


def rural_by_crime_type(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, area_lsoas: pd.DataFrame, window: Window
) -> pd.DataFrame:
    """Rate per 1,000 residents by crime type in rural and urban areas."""
    rows = classify_records(street_monthly, ruc, window)
    rows = rows[rows["area"].isin(["rural", "urban"])]
    table = rows.pivot_table(index="crime_type", columns="area", values="n", aggfunc="sum", fill_value=0)
    pop = area_lsoas.groupby("rural")["population"].sum()
    for area, flag in (("rural", True), ("urban", False)):
        if area not in table:
            table[area] = 0
        table[f"{area}_per_1000"] = (table[area] / float(pop.get(flag, float("nan"))) * 1000).round(2)
    return (
        table.reset_index()
        .sort_values("crime_type")
        .reset_index(drop=True)[["crime_type", "rural", "urban", "rural_per_1000", "urban_per_1000"]]
    )


def rural_monthly(
    street_monthly: pd.DataFrame, ruc: pd.DataFrame, crime_types: tuple[str, ...], covered: list[str]
) -> pd.Series:
    """Monthly records of ``crime_types`` in rural LSOAs."""
    from pack.crime import monthly_series

    rural_codes = set(ruc.loc[ruc["rural"], "lsoa_code"])
    return monthly_series(street_monthly[street_monthly["lsoa_code"].isin(rural_codes)], crime_types, covered)


def rural_rows(
    street_monthly: pd.DataFrame | None, ruc: pd.DataFrame | None, covered: list[str], baseline: Window, current: Window
) -> list:
    """All records, burglary and vehicle crime in rural LSOAs: window against window."""
    from pack.indicators import count_indicator, not_supplied

    specs = [
        ("rural_crime_records", "All records in rural areas", None),
        ("rural_burglary", "Burglary in rural areas (all burglary)", ("Burglary",)),
        ("rural_vehicle_crime", "Vehicle crime in rural areas", ("Vehicle crime",)),
    ]
    if street_monthly is None or ruc is None:
        needs = "data.police.uk street files" if street_monthly is None else "the ONS LSOA rural-urban lookup"
        return [not_supplied(i, n, needs, "lower", "records") for i, n, _ in specs]
    rows = []
    all_types = tuple(sorted(street_monthly["crime_type"].unique()))
    for ind, name, types in specs:
        series = rural_monthly(street_monthly, ruc, types or all_types, covered)
        rows.append(
            count_indicator(
                ind,
                name,
                series,
                covered,
                baseline,
                current,
                "lower",
                "data.police.uk street records in rural LSOAs (ONS rural-urban lookup)",
                "records",
            )
        )
    return rows
