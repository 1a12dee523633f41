"""Residents of districts and force areas, and rates per 1,000 residents.

**One method.** The population of a force area is the sum of the ONS LSOA population estimates of
the LSOAs whose local authority district maps to that force in the ONS district -> community safety
partnership -> police force area lookup. An LSOA's district is its 2011 name without the trailing
code ("Derby 013G" -> "Derby"), taken from the rural-urban lookup, which names every LSOA of England
and Wales. A district is matched to the lookup by its name as written; failing that, by the known
renames and mergers in :data:`DISTRICT_SUCCESSORS`; failing that, by :func:`district_key` (case,
"&", apostrophes, full stops, hyphens, a leading "The" and a trailing ", City of" / ", County of"
ignored). A district matched by none of these is reported with its LSOAs and residents, never
dropped; it counts towards no force.

All functions are pure: prepared tables in, tables and typed records out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pack.crime import CRIME_GROUPS
from pack.measures import rate_per_1000
from pack.periods import Window

# District names in 2011 LSOA names that later lookups spell differently, or that were renamed or merged
# into a new authority (Local Government (Structural Changes) orders 2018-2023): tried in order when the
# name as written is not in the lookup. Many districts to one successor is fine (all within one force area).
DISTRICT_SUCCESSORS: dict[str, tuple[str, ...]] = {
    "Shepway": ("Folkestone and Hythe",),  # renamed 2018
    "Rhondda Cynon Taf": ("Rhondda Cynon Taff",),  # spelled both ways by ONS products
    "Rhondda Cynon Taff": ("Rhondda Cynon Taf",),
    "Bournemouth": ("Bournemouth, Christchurch and Poole",),  # 2019
    "Christchurch": ("Bournemouth, Christchurch and Poole",),
    "Poole": ("Bournemouth, Christchurch and Poole",),
    "East Dorset": ("Dorset",),
    "North Dorset": ("Dorset",),
    "Purbeck": ("Dorset",),
    "West Dorset": ("Dorset",),
    "Weymouth and Portland": ("Dorset",),
    "Forest Heath": ("West Suffolk",),
    "St Edmundsbury": ("West Suffolk",),
    "Suffolk Coastal": ("East Suffolk",),
    "Waveney": ("East Suffolk",),
    "Taunton Deane": ("Somerset West and Taunton", "Somerset"),  # 2019, then 2023
    "West Somerset": ("Somerset West and Taunton", "Somerset"),
    "Mendip": ("Somerset",),  # 2023
    "Sedgemoor": ("Somerset",),
    "South Somerset": ("Somerset",),
    "Aylesbury Vale": ("Buckinghamshire",),  # 2020
    "Chiltern": ("Buckinghamshire",),
    "South Bucks": ("Buckinghamshire",),
    "Wycombe": ("Buckinghamshire",),
    "Corby": ("North Northamptonshire",),  # 2021
    "East Northamptonshire": ("North Northamptonshire",),
    "Kettering": ("North Northamptonshire",),
    "Wellingborough": ("North Northamptonshire",),
    "Daventry": ("West Northamptonshire",),
    "Northampton": ("West Northamptonshire",),
    "South Northamptonshire": ("West Northamptonshire",),
    "Allerdale": ("Cumberland",),  # 2023
    "Carlisle": ("Cumberland",),
    "Copeland": ("Cumberland",),
    "Barrow-in-Furness": ("Westmorland and Furness",),
    "Eden": ("Westmorland and Furness",),
    "South Lakeland": ("Westmorland and Furness",),
    "Craven": ("North Yorkshire",),
    "Hambleton": ("North Yorkshire",),
    "Harrogate": ("North Yorkshire",),
    "Richmondshire": ("North Yorkshire",),
    "Ryedale": ("North Yorkshire",),
    "Scarborough": ("North Yorkshire",),
    "Selby": ("North Yorkshire",),
}

POPULATION_INPUTS = "the ONS LSOA population estimates and the ONS LSOA rural-urban lookup (for LSOA names)"


def district_key(name: str) -> str:
    """A district name with the differences between ONS products taken out, for matching.

    >>> [district_key(n) for n in ("Bristol, City of", "King's Lynn and West Norfolk", "The Vale of Glamorgan")]
    ['bristol', 'kings lynn and west norfolk', 'vale of glamorgan']
    >>> district_key("Kingston upon Hull, City of") == district_key("Kingston upon Hull")
    True
    >>> district_key("St. Helens") == district_key("St Helens")
    True
    """
    text = name.casefold().replace("&", " and ")
    text = re.sub(r",\s*(city|county|city and county) of$", "", text.strip())
    text = re.sub(r"['’.]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def match_districts(districts: Iterable[str], lookup_names: Iterable[str]) -> pd.DataFrame:
    """Each district (as in LSOA names) with the lookup's name for it and how it was matched:
    ``exact``, ``successor`` (:data:`DISTRICT_SUCCESSORS`), ``normalised`` (:func:`district_key`) or
    ``unmatched`` (``lad_name`` empty). A key shared by two lookup names matches neither.

    >>> lookup = ["Derby", "Bristol, City of", "Folkestone and Hythe"]
    >>> match_districts(["Derby", "Bristol", "Shepway", "Atlantis"], lookup)
       district              lad_name         how
    0     Derby                 Derby       exact
    1   Bristol      Bristol, City of  normalised
    2   Shepway  Folkestone and Hythe   successor
    3  Atlantis                         unmatched
    """
    names = sorted(set(lookup_names))
    known = set(names)
    by_key: dict[str, list[str]] = {}
    for name in names:
        by_key.setdefault(district_key(name), []).append(name)
    rows = []
    for district in districts:
        successors = [s for s in DISTRICT_SUCCESSORS.get(district, ()) if s in known]
        keyed = by_key.get(district_key(district), [])
        if district in known:
            rows.append((district, district, "exact"))
        elif successors:
            rows.append((district, successors[0], "successor"))
        elif len(keyed) == 1:
            rows.append((district, keyed[0], "normalised"))
        else:
            rows.append((district, "", "unmatched"))
    return pd.DataFrame(rows, columns=["district", "lad_name", "how"])


def population_year(source_files: Iterable[str]) -> str | None:
    """The estimate's year from its file name (``lsoa_population_mid2019_uk.csv`` -> ``mid-2019``), if any.

    >>> population_year(["ons/lsoa_population_mid2019_uk.csv"]), population_year(["pop.csv"])
    ('mid-2019', None)
    """
    years = sorted({m.group(1) for f in source_files if (m := re.search(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", f))})
    return "mid-" + ", mid-".join(years) if years else None


@dataclass(frozen=True)
class AreaPopulations:
    """Residents by district and by force area (see the module's method), with what could not be placed."""

    districts: pd.DataFrame  # district, lad_name, pfa_name, how, lsoas, population (unmatched: empty names)
    forces: pd.DataFrame  # pfa_name, districts, lsoas, population
    source: str  # the estimates and the files they came from, for captions
    lsoas_without_population: int  # named LSOAs (England and Wales) with no population estimate
    lsoas_without_name: int  # population rows whose LSOA is not in the names lookup (e.g. Scotland, NI)
    lookup_districts_without_lsoas: tuple[str, ...]  # lookup districts no LSOA name maps to
    lookup_supplied: bool
    lookup_forces: tuple[str, ...] = ()  # every force area the lookup names, with residents or not

    @property
    def unmatched(self) -> pd.DataFrame:
        """Districts of LSOA names that no lookup district matched (reported, in no force's population)."""
        return self.districts[self.districts["how"] == "unmatched"].reset_index(drop=True)

    def force_population(self, pfa_name: str) -> float | None:
        """Residents of the force area ``pfa_name`` (the lookup's name), or ``None`` if it has none."""
        rows = self.forces[self.forces["pfa_name"] == pfa_name]
        return float(rows["population"].iloc[0]) if len(rows) and rows["population"].iloc[0] > 0 else None

    def notes(self) -> list[str]:
        """Plain-English notes on what the method could not place."""
        notes = [f"Populations: {self.source}."]
        unmatched = self.unmatched
        if not self.lookup_supplied:
            notes.append("The ONS district to police force area lookup was not supplied: no force-area populations.")
        elif len(unmatched):
            notes.append(
                f"{len(unmatched)} district(s) in LSOA names match no district of the lookup and count towards "
                f"no force ({int(unmatched['population'].sum()):,} residents): " + ", ".join(unmatched["district"])
            )
        else:
            notes.append("Every district in the LSOA names matched a district of the force-area lookup.")
        ruled = self.districts[self.districts["how"].isin(("normalised", "successor"))]
        if len(ruled):
            notes.append(
                "Matched by the naming rule: "
                + "; ".join(f"{d} -> {lad}" for d, lad in zip(ruled["district"], ruled["lad_name"], strict=True))
            )
        if self.lookup_districts_without_lsoas:
            notes.append(
                "Lookup district(s) with no LSOA of that name: " + ", ".join(self.lookup_districts_without_lsoas)
            )
        if self.lsoas_without_population:
            notes.append(f"{self.lsoas_without_population:,} LSOA(s) in the names lookup have no population estimate.")
        if self.lsoas_without_name:
            notes.append(
                f"{self.lsoas_without_name:,} population row(s) are for areas not in the LSOA names lookup "
                "(e.g. Scottish data zones, Northern Ireland small areas) and are not used."
            )
        return notes


def area_populations(
    population: pd.DataFrame, rural_urban: pd.DataFrame, force_areas: pd.DataFrame | None
) -> AreaPopulations:
    """Residents by district and force area from the prepared ``population``, ``rural_urban`` (LSOA
    names) and ``force_areas`` (district -> force area lookup) tables, by the module's method."""
    names = rural_urban.loc[rural_urban["district"] != "", ["lsoa_code", "district"]].drop_duplicates("lsoa_code")
    pop = population[["lsoa_code", "population"]].drop_duplicates("lsoa_code", keep="last")
    lsoas = names.merge(pop, on="lsoa_code", how="left")
    without_population = int(lsoas["population"].isna().sum())
    without_name = int((~pop["lsoa_code"].isin(names["lsoa_code"])).sum())
    districts = (
        lsoas.groupby("district", as_index=False)
        .agg(lsoas=("lsoa_code", "size"), population=("population", "sum"))
        .sort_values("district", kind="stable")
    )
    lookup_names = [] if force_areas is None else force_areas["lad_name"].tolist()
    matched = match_districts(districts["district"], lookup_names)
    if force_areas is None:
        matched["how"] = "no lookup"
    pfa = {} if force_areas is None else dict(zip(force_areas["lad_name"], force_areas["pfa_name"], strict=True))
    matched["pfa_name"] = matched["lad_name"].map(lambda lad: pfa.get(lad, ""))
    districts = matched.merge(districts, on="district")[
        ["district", "lad_name", "pfa_name", "how", "lsoas", "population"]
    ]
    placed = districts[districts["pfa_name"] != ""]
    forces = (
        placed.groupby("pfa_name", as_index=False)
        .agg(districts=("district", "size"), lsoas=("lsoas", "sum"), population=("population", "sum"))
        .sort_values("pfa_name", kind="stable")
        .reset_index(drop=True)
    )
    used = set(districts["lad_name"])
    files = sorted(set(population["source_file"])) if "source_file" in population else []
    year = population_year(files)
    source = f"ONS LSOA population estimates, {year or 'year not stated'}" + (f": {', '.join(files)}" if files else "")
    return AreaPopulations(
        districts=districts.reset_index(drop=True),
        forces=forces,
        source=source,
        lsoas_without_population=without_population,
        lsoas_without_name=without_name,
        lookup_districts_without_lsoas=tuple(sorted(set(lookup_names) - used)),
        lookup_supplied=force_areas is not None,
        lookup_forces=() if force_areas is None else tuple(sorted(set(force_areas["pfa_name"]))),
    )


# -------------------------------------------------------------------------------------------------
# Rates per 1,000 residents for the force's own counts

# Counts of the whole force area, whose base is its residents (not management information, not a part of the area)
FORCE_AREA_COUNTS = frozenset(
    {*CRIME_GROUPS, "stop_searches", "ksi_casualties", "killed_casualties", "seriously_injured_casualties"}
)


def district_rates(
    street_monthly: pd.DataFrame, crime_types: tuple[str, ...], window: Window, districts: pd.DataFrame
) -> pd.DataFrame:
    """Records in ``window`` and rate per 1,000 residents for each district of ``districts`` (a slice of
    :attr:`AreaPopulations.districts`: one force's); records in other districts (LSOAs just over the
    boundary) and with no location are given as rows of their own, with no rate.

    >>> street = pd.DataFrame({"month": ["2024-01"] * 3, "crime_type": ["Burglary"] * 3,
    ...                        "district": ["Derby", "Erewash", ""], "n": [50, 3, 2]})
    >>> pops = pd.DataFrame({"district": ["Derby"], "population": [250000.0]})
    >>> from pack.periods import rolling_window
    >>> district_rates(street, ("Burglary",), rolling_window("2024-01", 1), pops)
                         district  records  residents  rate_per_1000
    0                       Derby       50   250000.0            0.2
    1  (other districts: Erewash)        3        NaN            NaN
    2               (no location)        2        NaN            NaN
    """
    rows = street_monthly[
        street_monthly["crime_type"].isin(crime_types) & street_monthly["month"].isin(window.month_strings())
    ]
    counts = rows.groupby("district")["n"].sum()
    table = districts[["district", "population"]].rename(columns={"population": "residents"})
    table.insert(1, "records", table["district"].map(counts).fillna(0).astype("int64"))
    table["rate_per_1000"] = [
        round(r, 2) if (r := rate_per_1000(n, p)) is not None else float("nan")
        for n, p in zip(table["records"], table["residents"], strict=True)
    ]
    table = table.sort_values(["rate_per_1000", "district"], ascending=[False, True], kind="stable")
    others = counts[~counts.index.isin(set(districts["district"])) & (counts.index != "")]
    extra = []
    if others.sum():
        extra.append(
            {"district": f"(other districts: {', '.join(sorted(others.index))})", "records": int(others.sum())}
        )
    if counts.get("", 0):
        extra.append({"district": "(no location)", "records": int(counts[""])})
    if extra:
        table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True)
    return table.reset_index(drop=True)


def district_rate_title(table: pd.DataFrame, what: str, window_label: str) -> str:
    """Title of a district rate chart naming the district with the highest rate.

    >>> t = pd.DataFrame({"district": ["Derby", "Erewash"], "records": [50, 3], "rate_per_1000": [0.2, 0.03]})
    >>> district_rate_title(t, "burglary", "12 months ending January 2024")
    'Derby had the highest burglary rate, 0.20 per 1,000 residents, in the 12 months ending January 2024'
    """
    rated = table.dropna(subset=["rate_per_1000"]).sort_values("rate_per_1000", ascending=False, kind="stable")
    if rated.empty:
        return f"{what} per 1,000 residents by district: no district with residents"
    top = rated.iloc[0]
    return (
        f"{top['district']} had the highest {what} rate, {top['rate_per_1000']:,.2f} per 1,000 residents, "
        f"in the {window_label}"
    )


def indicator_rates(indicators: pd.DataFrame, population: float | None) -> pd.DataFrame:
    """The count indicators of an indicator table whose base is the force area's residents
    (:data:`FORCE_AREA_COUNTS`: crime groups, stop searches, road casualties), with their rates per
    1,000 residents in both windows (the same population for both, so the rate changes by the same
    percentage as the count).

    >>> table = pd.DataFrame({"indicator_id": ["burglary", "hotspot_asb", "charge_rate_pct"],
    ...     "indicator": ["Burglary", "ASB in hotspots", "Charge rate"], "unit": ["crimes", "incidents", "%"],
    ...     "baseline_label": ["B"] * 3, "baseline_value": [3000.0, 900.0, 6.0],
    ...     "current_label": ["C"] * 3, "current_value": [2400.0, 450.0, 5.0], "pct_change": [-20.0, -50.0, None]})
    >>> indicator_rates(table, 1_200_000)[["indicator", "baseline_rate_per_1000", "current_rate_per_1000"]]
      indicator  baseline_rate_per_1000  current_rate_per_1000
    0  Burglary                     2.5                    2.0
    """
    rows = indicators[indicators["indicator_id"].isin(FORCE_AREA_COUNTS)]
    out = rows[
        ["indicator_id", "indicator", "unit", "baseline_label", "baseline_value", "current_label", "current_value"]
    ].copy()

    def rates(values: pd.Series) -> list[float]:
        return [
            round(r, 4) if pd.notna(v) and (r := rate_per_1000(float(v), population or 0)) is not None else float("nan")
            for v in values
        ]

    out["baseline_rate_per_1000"] = rates(out["baseline_value"])
    out["current_rate_per_1000"] = rates(out["current_value"])
    out["pct_change"] = rows["pct_change"]
    return out.reset_index(drop=True)


def rate_text(rate: float) -> str:
    """A rate per 1,000 for sentences: two decimals, or three significant figures below 1 in 100.

    >>> rate_text(25.384), rate_text(0.3152), rate_text(0.01732)
    ('25.38', '0.32', '0.0173')
    """
    return f"{rate:,.2f}" if rate >= 0.1 else f"{rate:.3g}"


def rate_sentences(rates: pd.DataFrame, population: float | None, source: str) -> list[str]:
    """One sentence per row of :func:`indicator_rates`: the rate beside the count, with the population used."""
    if not population:
        return [
            f"No rates per 1,000 residents: the force area's population needs {POPULATION_INPUTS} and the ONS "
            "district to police force area lookup."
        ]
    sentences = []
    for r in rates.itertuples(index=False):
        if pd.isna(r.current_rate_per_1000):
            continue
        text = f"{r.indicator}: {rate_text(r.current_rate_per_1000)} per 1,000 residents in the {r.current_label} "
        text += f"({r.current_value:,.0f} {r.unit})"
        if pd.notna(r.baseline_rate_per_1000):
            text += f", against {rate_text(r.baseline_rate_per_1000)} in the {r.baseline_label}"
        sentences.append(text + ".")
    sentences.append(f"Rates use {population:,.0f} residents ({source}) for every window.")
    return sentences
