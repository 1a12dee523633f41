"""Demonstration data: every input in its real public format, generated deterministically.

Calibrated to the published figures in ``data/published/demo_targets.csv`` (per-day rates and
changes between windows) and ``data/published/mi_published.csv``. LSOA codes are synthetic
(``X01......``) so no output can be mistaken for a real area's statistics, and the folder holds a
``DEMONSTRATION_DATA.txt`` marker that makes every output say "demonstration data".
"""

from __future__ import annotations

import csv
import logging
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from pack.config import PLAN_FORCE, PUBLISHED_DIR
from pack.data.stage import DEMO_MARKER
from pack.periods import Month, month_range

log = logging.getLogger(__name__)

SEED = 20211115  # the day the plan went to the Panel
FIRST, LAST = Month(2019, 4), Month(2024, 1)

# Derbyshire's nine districts: approximate centre, LSOA count, share of LSOAs that are rural.
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
# Monthly level of the other police.uk categories (about Derbyshire's 2022 levels).
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


def _targets() -> dict[str, float]:
    frame = pd.read_csv(PUBLISHED_DIR / "demo_targets.csv")
    return dict(zip(frame["target_id"], frame["value"].astype(float), strict=True))


def _months() -> list[Month]:
    return month_range(FIRST, LAST)


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


def _lsoas(rng: np.random.Generator) -> pd.DataFrame:
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


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    raw = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    return np.array([bytes(r).hex() for r in raw])


def _write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig" if bom else "utf-8")


def _street_and_outcomes(
    out: Path, rng: np.random.Generator, lsoas: pd.DataFrame, targets: dict[str, float]
) -> pd.DataFrame:
    months = _months()
    expected = _expected_monthly(months, targets)
    hotspot_codes = set(lsoas[~lsoas["rural"]].nlargest(20, "weight")["lsoa_code"])
    pending: dict[str, list[pd.DataFrame]] = {str(m): [] for m in months}
    outcome_probs = np.array([p for _, p in OUTCOMES])
    outcome_probs = outcome_probs / outcome_probs.sum()
    for i, month in enumerate(months):
        parts = []
        for crime_type, series in expected.items():
            n = int(rng.poisson(series[i]))
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
        frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        n = len(frame)
        is_asb = (frame["Crime type"] == "Anti-social behaviour").to_numpy()
        ids = np.where(is_asb, "", _hex_ids(rng, n))
        no_location = rng.random(n) < 0.004
        frame.loc[no_location, ["Longitude", "Latitude"]] = np.nan
        frame.loc[no_location, ["LSOA code", "LSOA name"]] = ""
        age = len(months) - 1 - i
        decided = rng.random(n) < min(0.95, 0.35 + 0.1 * age)
        outcome_idx = rng.choice(len(OUTCOMES), size=n, p=outcome_probs)
        last = np.where(decided, np.array([o for o, _ in OUTCOMES])[outcome_idx], "Under investigation")
        last = np.where(is_asb, "", last)
        street = pd.DataFrame(
            {
                "Crime ID": ids,
                "Month": str(month),
                "Reported by": PLAN_FORCE,
                "Falls within": PLAN_FORCE,
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
        _write_csv(street, out / "police-uk" / str(month) / f"{month}-derbyshire-street.csv", bom=(i % 7 == 0))
        # outcome records: decided crimes get their outcome in this or a later month
        crimes = street[~is_asb & decided]
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
                        "Reported by": PLAN_FORCE,
                        "Falls within": PLAN_FORCE,
                        "Longitude": rows["Longitude"],
                        "Latitude": rows["Latitude"],
                        "Location": rows["Location"],
                        "LSOA code": rows["LSOA code"],
                        "LSOA name": rows["LSOA name"],
                        "Outcome type": rows["Last outcome category"],
                    }
                )
            )
    for month, frames in pending.items():
        if frames:
            _write_csv(
                pd.concat(frames, ignore_index=True), out / "police-uk" / month / f"{month}-derbyshire-outcomes.csv"
            )
    return pd.DataFrame({"lsoa_code": sorted(hotspot_codes), "patrolled_from": "2023-07"})


def _stop_and_search(out: Path, rng: np.random.Generator, lsoas: pd.DataFrame, per_day: float) -> None:
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
    for month in _months():
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
        _write_csv(frame, out / "police-uk" / str(month) / f"{month}-derbyshire-stop-and-search.csv")


def _ethnicity_population(total: int) -> pd.DataFrame:
    """The area's population split into the five broad groups (synthetic shares)."""
    shares = {"Asian": 0.045, "Black": 0.012, "Mixed": 0.020, "Other": 0.008}
    counts = {group: round(total * share) for group, share in shares.items()}
    counts = {"White": total - sum(counts.values()), **counts}
    return pd.DataFrame({"ethnic_group": list(counts), "population": [f"{n:,}" for n in counts.values()]})


def _stats19(out: Path, rng: np.random.Generator, lsoas: pd.DataFrame) -> None:
    """Collisions and casualties for 2019-2023: 2019-2020 in the older ``accident_*`` vintage."""
    types = ([0, 1, 2, 3, 5, 9, 11, 19, 90], [0.12, 0.08, 0.02, 0.03, 0.05, 0.60, 0.02, 0.05, 0.03])
    for year in range(2019, 2024):
        n = int(rng.poisson(1750 * (1 - 0.03 * (year - 2019)) * (0.8 if year == 2020 else 1.0)))
        force = np.where(rng.random(n) < 0.97, 30, 31)  # a few of a neighbouring force, filtered out
        severity = rng.choice([1, 2, 3], n, p=[0.015, 0.21, 0.775])
        day_of_year = rng.integers(0, 365, n)
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
                    "casualty_type": int(rng.choice(types[0], p=types[1])),
                }
                if not old:
                    adjusted = 1.0 if cas_sev == 2 else (0.0 if cas_sev == 1 else round(float(rng.beta(1, 12)), 4))
                    row["casualty_adjusted_severity_serious"] = adjusted
                    row["casualty_adjusted_severity_slight"] = 0.0 if cas_sev < 3 else round(1 - adjusted, 4)
                rows.append(row)
        casualties = pd.DataFrame(rows)
        collisions["number_of_casualties"] = casualties.groupby(f"{key}_index").size().reindex(index).to_numpy()
        folder = out / "stats19"
        _write_csv(collisions, folder / f"dft-road-casualty-statistics-{key}-{year}.csv")
        _write_csv(casualties, folder / f"dft-road-casualty-statistics-casualty-{year}.csv")


def _calls(out: Path, rng: np.random.Generator, targets: dict[str, float]) -> None:
    months = month_range(Month(2020, 4), LAST)
    rows = []
    t_end = len(months) - 1
    i_2022 = [str(m) for m in months].index("2022-01")
    i_2023 = [str(m) for m in months].index("2023-01")
    now_999 = targets["answer_999_seconds_now"]
    now_101 = targets["wait_101_minutes_now"] * 60
    before_101 = now_101 - targets["wait_101_change_minutes"] * 60
    for i, m in enumerate(months):
        # 999: flat near 1.8 times today's figure until January 2022, then halving to today's
        if i <= i_2022:
            s999 = 1.8 * now_999 * (1 + 0.03 * math.sin(i))
        else:
            s999 = 1.8 * now_999 - 0.8 * now_999 * (i - i_2022) / (t_end - i_2022)
        # 101: rising to a peak in January 2023, then falling by seven minutes to under three
        if i <= i_2023:
            s101 = 300 + (before_101 - 300) * i / i_2023
        else:
            s101 = before_101 - (before_101 - now_101) * (i - i_2023) / (t_end - i_2023)
        for line, per_day, seconds in (
            ("999", targets["calls_999_per_day_2021"], s999),
            ("101", targets["calls_101_per_day_2021"], s101),
        ):
            received = int(rng.poisson(per_day * m.days))
            answered = int(received * (0.995 if line == "999" else 0.88))
            row = {
                "month": str(m),
                "line": line,
                "calls_received": received,
                "calls_answered": answered,
                "mean_answer_seconds": round(seconds * (1 + rng.normal(0, 0.02)), 1),
            }
            if line == "999" and m >= Month(2021, 11):
                under10 = min(97.0, 70 + 25 * (i - i_2022) / (t_end - i_2022)) if i > i_2022 else 70.0
                row["answered_under_10s_pct"] = round(under10, 1)
                row["answered_10_to_60s_pct"] = round((100 - under10) * 0.85, 1)
                row["answered_over_60s_pct"] = round(100 - under10 - round((100 - under10) * 0.85, 1), 1)
            rows.append(row)
    _write_csv(pd.DataFrame(rows), out / "force" / "calls.csv")


def _workforce(out: Path, rng: np.random.Generator, targets: dict[str, float]) -> None:
    quarters = [m for m in month_range(Month(2019, 3), Month(2023, 12)) if m.month in (3, 6, 9, 12)]
    base = 1785
    recruited = targets["officers_recruited"]
    rows = []
    for q in quarters:
        progress = min(1.0, max(0.0, q.months_since(Month(2019, 9)) / Month(2023, 3).months_since(Month(2019, 9))))
        officers = base + round(recruited * progress) if q >= Month(2019, 9) else base - 10
        if q > Month(2023, 3):
            officers = base + int(recruited) - 4 * q.months_since(Month(2023, 3)) // 3
        date = f"{q}-{q.days:02d}"
        for role, head, fte_share in (
            ("officer", officers, 0.975),
            ("pcso", 165 + int(rng.integers(-4, 5)), 0.93),
            ("staff", 1720 + int(rng.integers(-15, 16)), 0.88),
            ("special", 190 + int(rng.integers(-10, 11)), 1.0),
        ):
            rows.append({"date": date, "role": role, "measure": "headcount", "value": head})
            if role != "special":
                rows.append({"date": date, "role": role, "measure": "fte", "value": round(head * fte_share, 1)})
    _write_csv(pd.DataFrame(rows), out / "force" / "workforce.csv")


def _copy_published(out: Path) -> None:
    (out / "pcc").mkdir(parents=True, exist_ok=True)
    finance = pd.read_csv(PUBLISHED_DIR / "finance.csv").drop(columns=["printed_pct"])
    _write_csv(finance, out / "pcc" / "finance.csv")
    shutil.copyfile(PUBLISHED_DIR / "consultation.csv", out / "pcc" / "consultation.csv")
    mi = pd.read_csv(PUBLISHED_DIR / "mi_published.csv", keep_default_na=False)
    _write_csv(mi, out / "pcc" / "management-information.csv")


def write_demo_data(out: Path | str) -> Path:
    """Write the demonstration data set to ``out`` (replacing it) and return the folder."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    rng = np.random.default_rng(SEED)
    targets = _targets()
    lsoas = _lsoas(rng)
    log.info("Demo data: writing street, outcomes and stop-and-search files %s..%s", FIRST, LAST)
    hotspots = _street_and_outcomes(tmp, rng, lsoas, targets)
    _stop_and_search(tmp, rng, lsoas, targets["stop_search_per_day_2021"])
    log.info("Demo data: writing STATS19, calls, workforce, lookups and PCC tables")
    _stats19(tmp, rng, lsoas)
    _calls(tmp, rng, targets)
    _workforce(tmp, rng, targets)
    lookups = tmp / "ons"
    lookups.mkdir()
    ruc = lsoas.assign(
        LSOA11NM=lsoas["lsoa_name"], RUC11=np.where(lsoas["rural"], "Rural village/town", "Urban city and town")
    )
    _write_csv(
        ruc.rename(columns={"lsoa_code": "lsoa", "ruc": "RUC11CD"})[["lsoa", "LSOA11NM", "RUC11CD", "RUC11"]],
        lookups / "ruc_2011_lsoa11_synthetic.csv",
    )
    pop = pd.DataFrame({"lsoa": lsoas["lsoa_code"], "pop": [f"{p:,}" for p in lsoas["population"]]})
    pop.to_csv(
        lookups / "lsoa_population_synthetic.csv", index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n"
    )
    _write_csv(hotspots, tmp / "force" / "asb-hotspots.csv")
    _write_csv(_ethnicity_population(int(lsoas["population"].sum())), lookups / "ethnic_group_population_synthetic.csv")
    _copy_published(tmp)
    (tmp / DEMO_MARKER).write_text(
        "Demonstration data - not official statistics.\n"
        "Generated by pack.data.demo (python run_pack.py demo-data) with a fixed seed, in the formats of\n"
        "data.police.uk, DfT STATS19, ONS lookups and the force/PCC tables described in data/README.md.\n"
        "LSOA codes starting X01 are synthetic. Figures are calibrated to data/published/demo_targets.csv.\n"
        f"generator: {generator_fingerprint()}\n",
        encoding="utf-8",
    )
    tmp.rename(out)
    return out


def generator_fingerprint() -> str:
    """SHA-256 of what decides the demo data: this module and the published tables it reads."""
    from pack.data.hashing import sha256_file, sha256_text

    parts = [sha256_file(Path(__file__))]
    parts += [sha256_file(p) for p in sorted(PUBLISHED_DIR.glob("*.csv"))]
    return sha256_text("".join(parts))


def ensure_demo_data(out: Path | str) -> Path:
    """Generate the demonstration data unless the folder holds data from this same generator."""
    out = Path(out)
    marker = out / DEMO_MARKER
    if not marker.is_file():
        log.info("Demo data: not found in %s, generating it (about half a minute)", out)
        write_demo_data(out)
    elif f"generator: {generator_fingerprint()}" not in marker.read_text(encoding="utf-8"):
        log.info("Demo data: %s was made by an older generator, regenerating it", out)
        write_demo_data(out)
    return out
