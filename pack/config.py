"""Paths and plan constants in one place (the plan's priorities, notebooks, force)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# ``PACK_NOTEBOOK_DIR`` points a build at another folder of the same notebooks (a fork's, or the
# deliberately broken copies the reliability tests use).
NOTEBOOK_DIR = Path(os.environ.get("PACK_NOTEBOOK_DIR") or PROJECT_ROOT / "notebooks")
DEMO_DATA_DIR = PROJECT_ROOT / "data" / "demo"
PUBLISHED_DIR = PROJECT_ROOT / "data" / "published"
DEFAULT_BUILD_ROOT = PROJECT_ROOT / "build"
TEMPLATE_DIR = Path(__file__).resolve().parent / "pipeline" / "templates"

PLAN_NAME = "Derbyshire Police and Crime Plan 2021-25"
PLAN_FORCE = "Derbyshire Constabulary"
PLAN_BASELINE_END = "2021-05"
DEMO_DATA_NOTICE = "Demonstration data - not official statistics"
# Who publishes the pack and where readers write to: printed on the cover and on every printed page.
# An office that publishes its own pack changes these two lines.
PUBLISHER = "Office of the Police and Crime Commissioner for Derbyshire"
CONTACT = "https://www.derbyshire-pcc.gov.uk"
# Cells with this tag (how to run the notebook, its own data-quality listing) appear on the notebook's
# own page but not in the combined evidence pack.
NOTEBOOK_ONLY_TAG = "notebook-only"


def cache_root() -> Path:
    """Folder of the content-addressed cache (``PACK_CACHE_DIR`` overrides)."""
    return Path(os.environ.get("PACK_CACHE_DIR", DEFAULT_BUILD_ROOT / ".cache"))


@dataclass(frozen=True)
class Priority:
    """One priority of the plan and the notebook that reports on it."""

    number: int
    stem: str
    title: str
    aim: str
    consultation_key: str
    # The headline measures on the summary's first screen: indicator ids of this priority's
    # indicator table, each a performance measure with a better direction (higher or lower).
    headlines: tuple[str, ...] = ()


PRIORITIES: tuple[Priority, ...] = (
    Priority(
        1,
        "01_strong_local_policing",
        "Strong Local Policing",
        "More police on our streets and a focus on neighbourhood policing.",
        "Strong Local Policing",
        headlines=("answer_999_within_10s_pct", "wait_101_minutes"),  # the uplift row answers the plan on officers
    ),
    Priority(
        2,
        "02_neighbourhood_crime_asb",
        "Neighbourhood Crime and Anti-Social Behaviour",
        "Clamping down on burglary, drug dealing and anti-social behaviour.",
        "Neighbourhood Crime and ASB",
        headlines=("asb_incidents", "burglary", "neighbourhood_crime"),
    ),
    Priority(
        3,
        "03_road_safety",
        "Road Safety",
        "Dealing with the Fatal Four (speeding, drugs/alcohol, seatbelts and mobile phones) "
        "and improving road safety for all.",
        "Road Safety",
        headlines=("ksi_casualties", "killed_casualties", "speedwatch_members"),
    ),
    Priority(
        4,
        "04_rural_crime",
        "Rural Crime",
        "Increase police presence with more officers trained to deal with rural crime and "
        "ensure specific support services are available for victims.",
        "Rural Crime",
        headlines=("rural_crime_records", "rural_burglary", "rural_vehicle_crime"),
    ),
    Priority(
        5,
        "05_victim_support_safeguarding",
        "Victim Support and Safeguarding",
        "Ensuring all victims of crime receive appropriate support and the most vulnerable are protected.",
        "Victim Support and Safeguarding",
        headlines=("violence_sexual_offences", "charge_rate_pct", "rasso_positive_outcome_rate_pct"),
    ),
    Priority(
        6,
        "06_driving_efficiencies",
        "Driving Efficiencies",
        "Ensuring tax payers' money is being spent wisely and resources are being managed effectively.",
        "Driving Efficiencies",
        headlines=("revenue_outturn_variance_pct",),
    ),
)

SUMMARY_STEM = "00_strategic_summary"
CLAIMS_STEM = "07_claims_check"


def priority(stem_or_number: str | int) -> Priority:
    """Look up a priority by notebook stem or number."""
    for p in PRIORITIES:
        if stem_or_number in (p.stem, p.number):
            return p
    raise KeyError(stem_or_number)
