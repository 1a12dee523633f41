"""The inputs the pack knows: one declarative spec per input (the data contract in code)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputSpec:
    """One input of the data contract."""

    name: str
    title: str
    publisher: str
    where: str
    signature: tuple[str, ...]  # columns whose presence identifies the file
    name_pattern: str | None = None  # regex on the file name, when the header is not enough
    monthly: bool = False


STREET_COLUMNS = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
OUTCOME_COLUMNS = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
]
STOP_SEARCH_COLUMNS = [
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
]

INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "street",
        "data.police.uk street-level crime and ASB",
        "Home Office / data.police.uk",
        "https://data.police.uk/data/ (custom download or archive)",
        ("Crime ID", "Month", "Falls within", "Crime type"),
        r"-street\.csv$",
        True,
    ),
    InputSpec(
        "outcomes",
        "data.police.uk outcomes",
        "Home Office / data.police.uk",
        "https://data.police.uk/data/ (tick 'include outcomes')",
        ("Crime ID", "Month", "Outcome type"),
        r"-outcomes\.csv$",
        True,
    ),
    InputSpec(
        "stop_search",
        "data.police.uk stop and search",
        "Home Office / data.police.uk",
        "https://data.police.uk/data/ (tick 'include stop and search')",
        ("Type", "Date", "Object of search", "Outcome"),
        r"-stop-and-search\.csv$",
        True,
    ),
    InputSpec(
        "collisions",
        "STATS19 road collisions",
        "Department for Transport",
        "https://www.gov.uk/government/statistical-data-sets/road-safety-open-data",
        ("police_force",),
        None,
    ),
    InputSpec(
        "casualties",
        "STATS19 road casualties",
        "Department for Transport",
        "https://www.gov.uk/government/statistical-data-sets/road-safety-open-data",
        ("casualty_severity", "casualty_type"),
        None,
    ),
    InputSpec(
        "rural_urban",
        "LSOA rural-urban classification",
        "Office for National Statistics",
        "https://geoportal.statistics.gov.uk/ (Rural Urban Classification (2011/2021) of LSOAs)",
        (),
        None,
    ),
    InputSpec(
        "population",
        "LSOA population estimates",
        "Office for National Statistics",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/"
        "populationestimates (lower layer super output area population estimates)",
        (),
        None,
    ),
    InputSpec(
        "workforce",
        "Police workforce (officers, PCSOs, staff, specials)",
        "Home Office police workforce statistics or the force",
        "https://www.gov.uk/government/collections/police-workforce-england-and-wales",
        (),
        None,
    ),
    InputSpec(
        "calls",
        "999 and 101 call handling, monthly",
        "The force (999 bands: police.uk)",
        "supplied by the force / PCC office; 999 answer-time bands at https://www.police.uk/",
        ("month", "line", "calls_received"),
        None,
    ),
    InputSpec(
        "finance",
        "Revenue budget, capital programme and funding",
        "PCC office",
        "the PCC's budget report / statement of accounts",
        ("year", "table", "line", "value_gbp_m"),
        None,
    ),
    InputSpec(
        "consultation",
        "Public consultation survey counts",
        "PCC office",
        "the plan's consultation appendix",
        ("priority", "strongly_agree", "agree"),
        None,
    ),
    InputSpec(
        "mi",
        "Management information (long format)",
        "The force / PCC office",
        "supplied by the force / PCC office",
        ("indicator_id", "period_start", "period_end", "value"),
        None,
    ),
    InputSpec(
        "hotspots",
        "ASB hotspot patrol areas",
        "The force / PCC office",
        "the force's hotspot patrol list (Grip / Serious Violence Duty funding returns)",
        ("lsoa_code", "patrolled_from"),
        None,
    ),
    InputSpec(
        "ethnicity_population",
        "Population of the force area by ethnic group",
        "Office for National Statistics",
        "Census 2021 table TS021 (ethnic group) for the force area's LSOAs, summed to the five broad "
        "groups data.police.uk uses for officer-defined ethnicity (Asian, Black, Mixed, White, Other)",
        ("ethnic_group", "population"),
        None,
    ),
)

INPUT_NAMES = tuple(spec.name for spec in INPUTS)


def spec(name: str) -> InputSpec:
    """The :class:`InputSpec` called ``name``."""
    for s in INPUTS:
        if s.name == name:
            return s
    raise KeyError(name)
