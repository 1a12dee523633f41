"""The demonstration force area: nine districts, synthetic LSOAs (``X01...``) with populations and rural classes."""

from __future__ import annotations

import numpy as np
import pandas as pd

DISTRICTS = [
    ("Amber Valley", -1.43, 53.03, 77, 0.25),
    ("Bolsover", -1.29, 53.20, 48, 0.20),
    ("Chesterfield", -1.42, 53.24, 66, 0.0),
    ("Derby", -1.48, 52.92, 151, 0.0),
    ("Derbyshire Dales", -1.63, 53.10, 43, 0.80),
    ("Erewash", -1.32, 52.94, 72, 0.05),
    ("High Peak", -1.88, 53.35, 57, 0.45),
    ("North East Derbyshire", -1.43, 53.21, 65, 0.30),
    ("South Derbyshire", -1.55, 52.80, 63, 0.35),
]


def synthetic_lsoas(rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic LSOAs of the nine districts: code, name, centre, population, rural class and a crime weight."""
    rows = []
    code = 1
    for district, lon, lat, count, rural_share in DISTRICTS:
        n_rural = round(count * rural_share)
        for i in range(count):
            rural = i >= count - n_rural
            spread = 0.12 if rural else 0.05
            rows.append(
                {
                    "lsoa_code": f"X01{code:06d}",
                    "lsoa_name": f"{district} {i // 5 + 1:03d}{'ABCDE'[i % 5]}",
                    "district": district,
                    "rural": rural,
                    "lon": round(lon + rng.normal(0, spread), 5),
                    "lat": round(lat + rng.normal(0, spread * 0.6), 5),
                    "population": int(rng.integers(1300, 2300)) if not rural else int(rng.integers(1400, 2100)),
                    "ruc": ("D1" if rng.random() < 0.6 else "E1") if rural else ("C1" if rng.random() < 0.7 else "A1"),
                }
            )
            code += 1
    frame = pd.DataFrame(rows)
    # crime is concentrated: urban areas, and a few busy centres, carry more
    weight = np.where(frame["rural"], 0.45, 1.0) * rng.gamma(2.0, 0.5, len(frame))
    frame["weight"] = weight / weight.sum()
    return frame


def ethnicity_population(total: int) -> pd.DataFrame:
    """The area's population split into the five broad groups (synthetic shares)."""
    shares = {"Asian": 0.045, "Black": 0.012, "Mixed": 0.020, "Other": 0.008}
    counts = {group: round(total * share) for group, share in shares.items()}
    counts = {"White": total - sum(counts.values()), **counts}
    return pd.DataFrame({"ethnic_group": list(counts), "population": [f"{n:,}" for n in counts.values()]})
