"""Demonstration peer forces: eight synthetic forces' street files, their LSOAs, populations, force-area
lookup rows and a most similar group, so the default pack shows how the force compares.

The forces, districts and LSOAs (``X02...``) are invented. Each force's records follow typical
rates per 1,000 residents (:data:`ANNUAL_RATES`) with its own level and trend, drawn from a random
stream of its own (:data:`STREAM`), so the other demonstration files stay as they were. The files
cover the 24 months ending at the default period (the current window and the same months a year
earlier); one force (not in the most similar group) misses a month, so the pack shows a force it
cannot compare. One district is spelled differently in the lookup ("Kingsmere, City of"), as ONS
products do, so the name-matching rule is exercised.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.csv as arrow_csv

from pack.data.demo.areas import DISTRICTS as PLAN_DISTRICTS
from pack.data.demo.common import LAST, SEED, write_csv
from pack.periods import Month, month_range

STREAM = 23  # the random stream of this module: np.random.default_rng([SEED, STREAM])
FIRST = LAST - 23  # 24 months: the current 12-month window and the same months a year earlier

# Records per 1,000 residents per year by police.uk category (about the demonstration force's levels)
ANNUAL_RATES: dict[str, float] = {
    "Anti-social behaviour": 24.0,
    "Bicycle theft": 0.6,
    "Burglary": 2.2,
    "Criminal damage and arson": 7.5,
    "Drugs": 2.6,
    "Other crime": 2.3,
    "Other theft": 6.5,
    "Possession of weapons": 0.8,
    "Public order": 8.0,
    "Robbery": 0.8,
    "Shoplifting": 5.0,
    "Theft from the person": 0.7,
    "Vehicle crime": 4.0,
    "Violence and sexual offences": 37.0,
}
OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Court result unavailable",
    "Local resolution",
)


@dataclass(frozen=True)
class PeerForce:
    """One synthetic force: its ``Falls within`` name, force-area name, file slug and districts (name,
    number of LSOAs); ``peer``: in the demonstration force's most similar group (the one that is not
    misses a month)."""

    falls_within: str
    area: str
    slug: str
    districts: tuple[tuple[str, int], ...]
    peer: bool = True


FORCES: tuple[PeerForce, ...] = (
    PeerForce("Ashdown Constabulary", "Ashdown", "ashdown", (("Ashdown Vale", 48), ("Kingsmere", 32))),
    PeerForce("Brackenmoor Police", "Brackenmoor", "brackenmoor", (("Brackenmoor", 70), ("Oldcastle Moors", 50))),
    PeerForce("Calderholm Constabulary", "Calderholm", "calderholm", (("Calderholm", 95), ("Wexley", 65))),
    PeerForce("Dunmere Police", "Dunmere", "dunmere", (("Dunmere", 90), ("Sallow Heath", 60), ("Tarnbridge", 50))),
    PeerForce("Eastwold Constabulary", "Eastwold", "eastwold", (("Eastwold", 150), ("Marram Coast", 100))),
    PeerForce("Fenmarch Police", "Fenmarch", "fenmarch", (("Fenmarch", 140), ("Quarry Hills", 90), ("Lowwater", 70))),
    PeerForce(
        "Greyhaven & Tor Police",
        "Greyhaven and Tor",
        "greyhaven-and-tor",
        (("Greyhaven", 170), ("Torrin Dales", 110), ("Westerby", 80)),
    ),
    PeerForce("Hollowdene Police", "Hollowdene", "hollowdene", (("Hollowdene", 60), ("Bramwick", 40)), peer=False),
)
GAP_MONTH = Month(2023, 8)  # Hollowdene's files miss this month
LOOKUP_SPELLING = {"Kingsmere": "Kingsmere, City of"}  # how the lookup writes these districts


def peer_lsoas(rng: np.random.Generator) -> pd.DataFrame:
    """Every synthetic LSOA of the peer forces: code (``X02...``), name, district, force, centre, population."""
    rows = []
    code = 1
    for f, force in enumerate(FORCES):
        for d, (district, count) in enumerate(force.districts):
            lon, lat = -3.0 + 0.4 * f + 0.15 * d, 51.0 + 0.25 * f
            for i in range(count):
                rows.append(
                    {
                        "lsoa_code": f"X02{code:06d}",
                        "lsoa_name": f"{district} {i // 5 + 1:03d}{'ABCDE'[i % 5]}",
                        "district": district,
                        "force": force.falls_within,
                        "lon": round(lon + rng.normal(0, 0.06), 5),
                        "lat": round(lat + rng.normal(0, 0.04), 5),
                        "population": int(rng.integers(1300, 2300)),
                        "rural": bool(rng.random() < 0.25),
                    }
                )
                code += 1
    return pd.DataFrame(rows)


def _street_rows(
    rng: np.random.Generator, force: PeerForce, lsoas: pd.DataFrame, month: Month, expected: dict[str, float]
) -> pd.DataFrame:
    """One month of a force's street records (Poisson counts per category, placed by LSOA population)."""
    types = list(expected)
    counts = rng.poisson([expected[t] for t in types])
    crime_type = np.repeat(types, counts)
    n = len(crime_type)
    weights = lsoas["population"].to_numpy(dtype="float64")
    pick = lsoas.iloc[rng.choice(len(lsoas), size=n, p=weights / weights.sum())]
    is_asb = crime_type == "Anti-social behaviour"
    raw = rng.bytes(32 * n).hex()
    ids = np.array([raw[64 * i : 64 * (i + 1)] for i in range(n)], dtype=object)
    ids[is_asb] = ""
    outcome = np.asarray(rng.choice(OUTCOMES, n), dtype=object)
    outcome[is_asb] = ""
    frame = pd.DataFrame(
        {
            "Crime ID": ids,
            "Month": str(month),
            "Reported by": force.falls_within,
            "Falls within": force.falls_within,
            "Longitude": (pick["lon"].to_numpy() + rng.normal(0, 0.01, n)).round(6),
            "Latitude": (pick["lat"].to_numpy() + rng.normal(0, 0.007, n)).round(6),
            "Location": "On or near " + pd.Series(rng.choice(["High Street", "Station Road", "Park Road"], n)),
            "LSOA code": pick["lsoa_code"].to_numpy(),
            "LSOA name": pick["lsoa_name"].to_numpy(),
            "Crime type": crime_type,
            "Last outcome category": outcome,
            "Context": "",
        }
    )
    return frame.iloc[rng.permutation(n)].reset_index(drop=True)


def _write_street(frame: pd.DataFrame, path: Path) -> None:
    """A street file as data.police.uk writes it (no field here needs quoting: none is quoted), written by
    Arrow: several times faster than pandas for the peers' half a million rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = arrow.Table.from_pandas(frame, preserve_index=False)
    with path.open("wb") as handle:
        handle.write((",".join(frame.columns) + "\n").encode("utf-8"))
        arrow_csv.write_csv(table, handle, arrow_csv.WriteOptions(include_header=False, quoting_style="none"))


def peer_street_files(out: Path, rng: np.random.Generator, lsoas: pd.DataFrame) -> None:
    """``police-uk/<month>/<month>-<force>-street.csv`` for every peer force and month FIRST..LAST."""
    months = month_range(FIRST, LAST)
    for force in FORCES:
        area = lsoas[lsoas["force"] == force.falls_within]
        thousands = area["population"].sum() / 1000
        level = rng.lognormal(0, 0.12)  # the force's overall level
        by_type = {t: rate * level * rng.lognormal(0, 0.2) for t, rate in ANNUAL_RATES.items()}
        trend = {t: rng.normal(-0.03, 0.08) for t in ANNUAL_RATES}  # change a year, as a log ratio
        for i, month in enumerate(months):
            if not force.peer and month == GAP_MONTH:
                continue
            expected = {
                t: by_type[t] * thousands * month.days / 365.25 * np.exp(trend[t] * (i - len(months) + 1) / 12)
                for t in ANNUAL_RATES
            }
            rows = _street_rows(rng, force, area, month, expected)
            _write_street(rows, out / "police-uk" / str(month) / f"{month}-{force.slug}-street.csv")


def lookup_rows(lsoas: pd.DataFrame, plan_area: str = "Derbyshire") -> pd.DataFrame:
    """ONS-style LAD -> CSP -> PFA lookup rows (``LAD16CD, LAD16NM, CSP16CD, CSP16NM, PFA16CD, PFA16NM``)
    for the demonstration force's districts and every peer force's."""
    rows = [(district, plan_area) for district, *_ in PLAN_DISTRICTS]
    areas = {f.falls_within: f.area for f in FORCES}
    rows += [
        (LOOKUP_SPELLING.get(d, d), areas[f]) for d, f in lsoas[["district", "force"]].drop_duplicates().to_numpy()
    ]
    pfa_codes = {area: f"X23{i + 1:06d}" for i, area in enumerate(dict.fromkeys(area for _, area in rows))}
    return pd.DataFrame(
        {
            "LAD16CD": [f"X07{i + 1:06d}" for i in range(len(rows))],
            "LAD16NM": [lad for lad, _ in rows],
            "CSP16CD": [f"X22{i + 1:06d}" for i in range(len(rows))],
            "CSP16NM": [lad for lad, _ in rows],
            "PFA16CD": [pfa_codes[area] for _, area in rows],
            "PFA16NM": [area for _, area in rows],
        }
    )


def write_peers(out: Path) -> None:
    """Write the peer forces' street files, LSOA names and populations, the force-area lookup and the
    demonstration force's most similar group (``force/peers.csv``) under ``out``."""
    rng = np.random.default_rng([SEED, STREAM])
    lsoas = peer_lsoas(rng)
    peer_street_files(out, rng, lsoas)
    ons = out / "ons"
    names = pd.DataFrame(
        {
            "lsoa": lsoas["lsoa_code"],
            "LSOA11NM": lsoas["lsoa_name"],
            "RUC11CD": np.where(lsoas["rural"], "D1", "C1"),
            "RUC11": np.where(lsoas["rural"], "Rural village/town", "Urban city and town"),
        }
    )
    write_csv(names, ons / "ruc_2011_lsoa11_synthetic_peers.csv")
    write_csv(
        pd.DataFrame({"lsoa": lsoas["lsoa_code"], "pop": [f"{p:,}" for p in lsoas["population"]]}),
        ons / "lsoa_population_synthetic_peers.csv",
    )
    write_csv(lookup_rows(lsoas), ons / "lad16_csp16_pfa16_synthetic.csv")
    write_csv(
        pd.DataFrame(
            {
                "force": "Derbyshire",
                "peer": [f.area for f in FORCES if f.peer],
                "edition": "demonstration",
                "source": "Demonstration data: a synthetic most similar group of invented forces",
                "verified": "",
            }
        ),
        out / "force" / "peers.csv",
    )
