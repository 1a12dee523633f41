"""The office's own files in the demonstration data: its judgement of each priority, the latest PEEL
grades, and the management information the plan and the statutory statement name that no published
document gives (Fatal 4 enforcement, victim satisfaction, national measures, complaints). Every figure
here is a demonstration assumption, marked as such, chosen only so that every path of the Panel's
paper is shown; cyber crime and hospital admissions are left out on purpose (*not supplied*)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pack.data.demo.common import write_csv

ASSUMED = "demonstration assumption (not published)"
BASELINE = ("2020-06-01", "2021-05-31")  # the 12 months ending May 2021, the plan baseline
CURRENT = ("2023-02-01", "2024-01-31")  # the 12 months ending January 2024, the demo's latest
_COUNTS = {  # indicator id: (baseline, current), counts over each 12 months
    "fatal4_speeding_offences": (41250, 47830),
    "fatal4_drink_drug_driving_arrests": (1180, 1342),
    "fatal4_seatbelt_offences": (1520, 1210),
    "fatal4_mobile_phone_offences": (910, 1064),
    "homicides": (12, 9),
    "knife_crime_offences": (610, 655),
    "county_lines_closed": (31, 44),
    "drug_trafficking_offences": (1050, 1185),
    "complaints_logged": (1420, 1510),
}
_LEVELS = {  # indicator id: (at 31 May 2021, at 31 January 2024)
    "victim_satisfaction_pct": ("72.4", "70.1"),
    "da_victim_satisfaction_pct": ("81.0", "83.5"),
    "complaint_days_to_log": ("3.1", "2.4"),
    "complaint_days_to_contact": ("4.0", "3.2"),
}
_UNITS = {
    "fatal4_drink_drug_driving_arrests": "arrests",
    "county_lines_closed": "lines",
    "complaints_logged": "complaints",
}

JUDGEMENT = [
    (
        "Strong Local Policing",
        "content",
        "Officer numbers are above the uplift target; 101 waits remain long.",
        "Performance Scrutiny Meeting on contact handling; site visit to the contact centre",
    ),
    (
        "Neighbourhood Crime and Anti-Social Behaviour",
        "requires additional scrutiny",
        "ASB fell force-wide; the hotspot patrols' own effect is not yet shown.",
        "Asked the force for the hotspot evaluation; Neighbourhood Watch review",
    ),
    (
        "Road Safety",
        "content",
        "Killed or seriously injured casualties are level; Speedwatch has grown.",
        "Fatal 4 enforcement report requested for the next meeting",
    ),
    ("Rural Crime", "content", "Rural crime is level; Farm Watch membership has grown.", "Rural crime team visit"),
    (
        "Victim Support and Safeguarding",
        "requires additional scrutiny",
        "Violence and sexual offences rose; satisfaction of all victims fell slightly.",
        "Victims' Code compliance audit commissioned",
    ),
    (
        "Driving Efficiencies",
        "content",
        "Savings are on plan.",
        "Budget monitoring at the Strategic Priorities Assurance Board",
    ),
]
PEEL = [
    ("2023-03-14", "Preventing crime", "good"),
    ("2023-03-14", "Responding to the public", "requires improvement"),
    ("2023-03-14", "Investigating crime", "adequate"),
    ("2023-03-14", "Protecting vulnerable people", "adequate"),
    ("2023-03-14", "Managing offenders", "good"),
    ("2023-03-14", "Developing a positive workplace", "good"),
    ("2023-03-14", "Good use of resources", "adequate"),
]


def office_mi() -> pd.DataFrame:
    """Management-information rows (the ``mi`` input's columns) for the measures above."""
    rows = []
    for indicator, values in _COUNTS.items():
        unit = _UNITS.get(indicator, "offences")
        for (start, end), value in zip((BASELINE, CURRENT), values, strict=True):
            rows.append([indicator, start, end, str(value), unit, ASSUMED, "12 months"])
    for indicator, values in _LEVELS.items():
        unit = "%" if indicator.endswith("_pct") else "days"
        for end, value in zip((BASELINE[1], CURRENT[1]), values, strict=True):
            rows.append([indicator, end, end, value, unit, ASSUMED, "level at the date"])
    return pd.DataFrame(rows, columns=["indicator_id", "period_start", "period_end", "value", "unit", "source", "note"])


def write_office_files(out: Path) -> None:
    """``judgement.csv`` and ``peel.csv`` at the top of the demo folder (formats in data/README.md)."""
    narrative = "Demonstration judgement, written to show the format: "
    judgement = pd.DataFrame(
        [(p, g, narrative + n, a) for p, g, n, a in JUDGEMENT], columns=["priority", "grade", "narrative", "actions"]
    )
    write_csv(judgement, out / "judgement.csv")
    write_csv(pd.DataFrame(PEEL, columns=["published", "area", "grade"]), out / "peel.csv")
