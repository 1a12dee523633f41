"""Demonstration data.police.uk files: street-level records, outcomes and stop and search, month by month."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from pack.data.demo.common import DEMO_FORCE, LAST, street_months, write_csv
from pack.periods import Month

OTHER_LEVELS = {
    "Bicycle theft": 45,
    "Criminal damage and arson": 680,
    "Drugs": 230,
    "Other crime": 210,
    "Other theft": 600,
    "Possession of weapons": 70,
    "Public order": 760,
    "Shoplifting": 420,
    "Theft from the person": 55,
    "Violence and sexual offences": 3400,
}

STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Road",
    "Mill Lane",
    "Market Place",
    "Victoria Street",
    "Green Lane",
    "School Road",
    "Chapel Street",
    "Nightclub",
    "Supermarket",
    "Parking Area",
    "Sports/Recreation Area",
    "Petrol Station",
]

OUTCOMES = [
    ("Investigation complete; no suspect identified", 0.42),
    ("Unable to prosecute suspect", 0.30),
    ("Suspect charged", 0.08),
    ("Local resolution", 0.05),
    ("Offender given a caution", 0.02),
    ("Formal action is not in the public interest", 0.03),
    ("Further investigation is not in the public interest", 0.03),
    ("Action to be taken by another organisation", 0.03),
    ("Further action is not in the public interest", 0.04),
]


def _window_sum(rates: np.ndarray, months: list[Month], end: str) -> float:
    idx = [str(m) for m in months].index(end)
    return float(sum(rates[i] * months[i].days for i in range(idx - 11, idx + 1)))


def _exponential_rates(months: list[Month], ratio: float, a_end: str, b_end: str, per_day: float) -> np.ndarray:
    """Daily rates with a constant growth that gives ``ratio`` between two 12-month windows,
    scaled so that calendar 2021 averages ``per_day``."""
    gap = Month.parse(b_end).months_since(Month.parse(a_end))
    g = math.log(ratio) / gap
    t = np.arange(len(months))
    rates = np.exp(g * t)
    days_2021 = sum(m.days for m in months if m.year == 2021)
    mean_2021 = sum(rates[i] * m.days for i, m in enumerate(months) if m.year == 2021) / days_2021
    return rates * per_day / mean_2021


def _solve_growth(target: float, fn) -> float:
    lo, hi = -0.05, 0.05
    for _ in range(60):
        mid = (lo + hi) / 2
        if fn(mid) > target:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def _expected_monthly(months: list[Month], targets: dict[str, float]) -> dict[str, np.ndarray]:
    """Expected records per month for each police.uk category."""
    asb = _exponential_rates(months, 1 + targets["asb_change"], "2021-05", "2024-01", targets["asb_per_day_2021"])
    burg = _exponential_rates(
        months, 1 + targets["burglary_change"], "2020-03", "2023-03", targets["burglary_per_day_2021"]
    )
    days = np.array([m.days for m in months], dtype=float)
    t = np.arange(len(months))
    robbery0, vehicle0 = 80 / 30.4, 400 / 30.4

    def sac_ratio(g: float) -> float:
        other = (robbery0 + vehicle0) * np.exp(g * t)
        total = burg + other
        return _window_sum(total, months, "2024-01") / _window_sum(total, months, "2020-03")

    g = _solve_growth(1 + targets["sac_change"], sac_ratio)
    season = 1 + 0.08 * np.sin((np.array([m.month for m in months]) - 4) / 12 * 2 * np.pi)
    expected = {
        "Anti-social behaviour": asb * days * season,
        "Burglary": burg * days,
        "Robbery": robbery0 * np.exp(g * t) * days,
        "Vehicle crime": vehicle0 * np.exp(g * t) * days,
    }
    for crime_type, level in OTHER_LEVELS.items():
        expected[crime_type] = np.full(len(months), level / 30.4) * days * (1 + 0.002 * t)
    return expected


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    raw = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    return np.array([bytes(r).hex() for r in raw])


def street_and_outcomes(
    out: Path, rng: np.random.Generator, lsoas: pd.DataFrame, targets: dict[str, float]
) -> pd.DataFrame:
    """Write the force's street files (one a month, every seventh with a byte order mark) and outcomes
    files from one seeded random stream (its draws in a fixed order: the demo data stay byte-identical);
    return the patrolled ASB hotspots (the 20 busiest urban LSOAs)."""
    months = street_months()
    expected = _expected_monthly(months, targets)
    hotspot_codes = set(lsoas[~lsoas["rural"]].nlargest(20, "weight")["lsoa_code"])
    pending: dict[str, list[pd.DataFrame]] = {str(m): [] for m in months}
    outcome_probs = np.array([p for _, p in OUTCOMES])
    outcome_probs = outcome_probs / outcome_probs.sum()
    for i, month in enumerate(months):
        frame = _month_crimes(rng, lsoas, {crime_type: series[i] for crime_type, series in expected.items()})
        street, is_asb, decided = _street_file(rng, frame, month, outcome_probs)
        write_csv(street, out / "police-uk" / str(month) / f"{month}-derbyshire-street.csv", bom=(i % 7 == 0))
        _outcome_records(rng, street[~is_asb & decided], month, pending)
    for month, frames in pending.items():
        if frames:
            write_csv(
                pd.concat(frames, ignore_index=True), out / "police-uk" / month / f"{month}-derbyshire-outcomes.csv"
            )
    return pd.DataFrame({"lsoa_code": sorted(hotspot_codes), "patrolled_from": "2023-07"})


def _month_crimes(rng: np.random.Generator, lsoas: pd.DataFrame, expected: dict[str, float]) -> pd.DataFrame:
    """One month's crimes: a Poisson count of each type (``expected``: its mean), each placed in an LSOA
    drawn by weight and jittered about its centre; in random order."""
    parts = []
    for crime_type, mean in expected.items():
        n = int(rng.poisson(mean))
        if n == 0:
            continue
        pick = rng.choice(len(lsoas), size=n, p=lsoas["weight"].to_numpy())
        chosen = lsoas.iloc[pick]
        parts.append(
            pd.DataFrame(
                {
                    "Crime type": crime_type,
                    "LSOA code": chosen["lsoa_code"].to_numpy(),
                    "LSOA name": chosen["lsoa_name"].to_numpy(),
                    "Longitude": (chosen["lon"].to_numpy() + rng.normal(0, 0.006, n)).round(6),
                    "Latitude": (chosen["lat"].to_numpy() + rng.normal(0, 0.004, n)).round(6),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def _street_file(
    rng: np.random.Generator, frame: pd.DataFrame, month: Month, outcome_probs: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """``(street file, is ASB, decided)``: a month's crimes as data.police.uk's street file, with Crime
    IDs (none for ASB), a few records with no location, and the last outcome of the 95% decided."""
    n = len(frame)
    is_asb = (frame["Crime type"] == "Anti-social behaviour").to_numpy()
    ids = np.where(is_asb, "", _hex_ids(rng, n))
    no_location = rng.random(n) < 0.004
    frame.loc[no_location, ["Longitude", "Latitude"]] = np.nan
    frame.loc[no_location, ["LSOA code", "LSOA name"]] = ""
    # 95% of crimes reach an outcome whatever their month; the outcome record comes some months later
    # (_outcome_records), and one due after the last month is not in the files yet: censoring as the
    # real files have it, so that crimes of every month have the same outcomes at equal follow-up
    decided = rng.random(n) < 0.95
    outcome_idx = rng.choice(len(OUTCOMES), size=n, p=outcome_probs)
    last = np.where(decided, np.array([o for o, _ in OUTCOMES])[outcome_idx], "Under investigation")
    last = np.where(is_asb, "", last)
    street = pd.DataFrame(
        {
            "Crime ID": ids,
            "Month": str(month),
            "Reported by": DEMO_FORCE,
            "Falls within": DEMO_FORCE,
            "Longitude": frame["Longitude"],
            "Latitude": frame["Latitude"],
            "Location": np.where(
                no_location, "No Location", "On or near " + pd.Series(rng.choice(STREETS, n)).to_numpy()
            ),
            "LSOA code": frame["LSOA code"],
            "LSOA name": frame["LSOA name"],
            "Crime type": frame["Crime type"],
            "Last outcome category": last,
            "Context": "",
        }
    )
    return street, is_asb, decided


def _outcome_records(
    rng: np.random.Generator, crimes: pd.DataFrame, month: Month, pending: dict[str, list[pd.DataFrame]]
) -> None:
    """The outcome records of a month's decided ``crimes``, each in this or a later month (a geometric
    lag) added to ``pending`` by month; one due after the last month is left out (not published yet)."""
    lag = rng.geometric(0.45, len(crimes)) - 1
    for lag_value in np.unique(lag):
        target = month + int(lag_value)
        if target > LAST:
            continue
        rows = crimes[lag == lag_value]
        pending[str(target)].append(
            pd.DataFrame(
                {
                    "Crime ID": rows["Crime ID"],
                    "Month": str(target),
                    "Reported by": DEMO_FORCE,
                    "Falls within": DEMO_FORCE,
                    "Longitude": rows["Longitude"],
                    "Latitude": rows["Latitude"],
                    "Location": rows["Location"],
                    "LSOA code": rows["LSOA code"],
                    "LSOA name": rows["LSOA name"],
                    "Outcome type": rows["Last outcome category"],
                }
            )
        )


def stop_and_search(out: Path, rng: np.random.Generator, lsoas: pd.DataFrame, per_day: float) -> None:
    ethnicities = (["White", "Asian", "Black", "Other", ""], [0.80, 0.08, 0.05, 0.02, 0.05])
    objects = (
        [
            "Controlled drugs",
            "Offensive weapons",
            "Stolen goods",
            "Article for use in theft",
            "Evidence of offences under the Act",
            "Firearms",
        ],
        [0.58, 0.14, 0.12, 0.08, 0.06, 0.02],
    )
    outcomes = (
        [
            "A no further action disposal",
            "Arrest",
            "Community resolution",
            "Penalty Notice for Disorder",
            "Summons / charged by post",
            "Khat or Cannabis warning",
        ],
        [0.70, 0.13, 0.08, 0.02, 0.02, 0.05],
    )
    for month in street_months():
        n = int(rng.poisson(per_day * month.days * (0.9 + 0.2 * rng.random())))
        pick = lsoas.iloc[rng.choice(len(lsoas), size=n, p=lsoas["weight"].to_numpy())]
        days = rng.integers(1, month.days + 1, n)
        outcome = rng.choice(outcomes[0], n, p=outcomes[1])
        frame = pd.DataFrame(
            {
                "Type": rng.choice(
                    ["Person search", "Person and Vehicle search", "Vehicle search"], n, p=[0.75, 0.2, 0.05]
                ),
                "Date": [
                    f"{month}-{d:02d}T{int(h):02d}:00:00+00:00"
                    for d, h in zip(days, rng.integers(0, 24, n), strict=True)
                ],
                "Part of a policing operation": "False",
                "Policing operation": "",
                "Latitude": (pick["lat"].to_numpy() + rng.normal(0, 0.004, n)).round(6),
                "Longitude": (pick["lon"].to_numpy() + rng.normal(0, 0.006, n)).round(6),
                "Gender": rng.choice(["Male", "Female"], n, p=[0.88, 0.12]),
                "Age range": rng.choice(["10-17", "18-24", "25-34", "over 34"], n, p=[0.15, 0.35, 0.28, 0.22]),
                "Self-defined ethnicity": "",
                "Officer-defined ethnicity": rng.choice(ethnicities[0], n, p=ethnicities[1]),
                "Legislation": "Misuse of Drugs Act 1971 (section 23)",
                "Object of search": rng.choice(objects[0], n, p=objects[1]),
                "Outcome": outcome,
                "Outcome linked to object of search": np.where(
                    outcome == "A no further action disposal", "", np.where(rng.random(n) < 0.7, "True", "False")
                ),
                "Removal of more than just outer clothing": "False",
            }
        ).sort_values("Date", kind="stable")
        write_csv(frame, out / "police-uk" / str(month) / f"{month}-derbyshire-stop-and-search.csv")
