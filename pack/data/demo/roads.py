"""Demonstration DfT STATS19 collisions and casualties (both published vintages)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pack.data.demo.common import SEED, write_csv
from pack.periods import Month

TYPES = ([0, 1, 2, 3, 5, 9, 11, 19, 90], [0.12, 0.08, 0.02, 0.03, 0.05, 0.60, 0.02, 0.05, 0.03])


def stats19(out: Path, rng: np.random.Generator, lsoas: pd.DataFrame, last: Month) -> None:
    """Collisions and casualties for every year to ``last``: 2019-2020 in the older ``accident_*`` vintage,
    and the year of ``last``, when it is not complete, as DfT's provisional file of the months published
    (drawn from its own random stream, so the complete years stay as they were)."""
    for year in range(2019, last.year):
        _collision_year(out, rng, lsoas, year, 12)
    if last.month < 12:
        provisional = np.random.default_rng([SEED, last.year])
        _collision_year(out, provisional, lsoas, last.year, last.month)
    else:
        _collision_year(out, rng, lsoas, last.year, 12)


def _collision_year(out: Path, rng: np.random.Generator, lsoas: pd.DataFrame, year: int, months: int) -> None:
    """One year's collision and casualty files (``months`` of it: 12, or the provisional months)."""
    expected = 1750 * (1 - 0.03 * (year - 2019)) * (0.8 if year == 2020 else 1.0)
    days = 365
    if months < 12:
        days = (pd.Timestamp(year=year, month=months, day=1) + pd.offsets.MonthEnd(0)).day_of_year
        expected *= days / 365
    n = int(rng.poisson(expected))
    force = np.where(rng.random(n) < 0.97, 30, 31)  # a few of a neighbouring force, filtered out
    severity = rng.choice([1, 2, 3], n, p=[0.015, 0.21, 0.775])
    day_of_year = rng.integers(0, days, n)
    dates = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(np.sort(day_of_year), unit="D")
    index = [f"{year}30{i:06d}" for i in range(n)]
    old = year <= 2020
    key = "accident" if old else "collision"
    pick = lsoas.iloc[rng.choice(len(lsoas), size=n)]
    collisions = pd.DataFrame(
        {
            f"{key}_index": index,
            f"{key}_year": year,
            f"{key}_reference": [i[4:] for i in index],
            "longitude": pick["lon"].to_numpy(),
            "latitude": pick["lat"].to_numpy(),
            "police_force": force,
            f"{key}_severity": severity,
            "number_of_vehicles": rng.integers(1, 4, n),
            "number_of_casualties": 0,
            "date": dates.strftime("%d/%m/%Y"),
            "speed_limit": rng.choice([20, 30, 40, 60, 70], n),
            "urban_or_rural_area": np.where(pick["rural"].to_numpy(), 2, 1),
        }
    )
    rows = []
    for idx, sev in zip(index, severity, strict=True):
        k = 1 + int(rng.poisson(0.35))
        for j in range(k):
            cas_sev = sev if j == 0 else int(max(sev, rng.choice([2, 3], p=[0.15, 0.85])))
            row = {
                f"{key}_index": idx,
                f"{key}_year": year,
                f"{key}_reference": idx[4:],
                "vehicle_reference": 1,
                "casualty_reference": j + 1,
                "casualty_class": int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1])),
                "casualty_severity": cas_sev,
                "casualty_type": int(rng.choice(TYPES[0], p=TYPES[1])),
            }
            if not old:
                adjusted = 1.0 if cas_sev == 2 else (0.0 if cas_sev == 1 else round(float(rng.beta(1, 12)), 4))
                row["casualty_adjusted_severity_serious"] = adjusted
                row["casualty_adjusted_severity_slight"] = 0.0 if cas_sev < 3 else round(1 - adjusted, 4)
            rows.append(row)
    casualties = pd.DataFrame(rows)
    collisions["number_of_casualties"] = casualties.groupby(f"{key}_index").size().reindex(index).to_numpy()
    folder = out / "stats19"
    name = f"{year}" if months == 12 else f"provisional-mid-year-unvalidated-{year}"
    write_csv(collisions, folder / f"dft-road-casualty-statistics-{key}-{name}.csv")
    write_csv(casualties, folder / f"dft-road-casualty-statistics-casualty-{name}.csv")
