"""The inputs the pack knows: one declarative spec per input (the data contract in code).

A spec says how the input is recognised in a data folder (its file name or its header), how it is
read (``reader``), which columns it must have, how its header names map to the contract's names,
the schema each row's text is checked against and the converter that types the valid rows. Discovery
(:mod:`pack.data.discovery`), validation and reading (:mod:`pack.data.tables`, :mod:`pack.data.policeuk`,
:mod:`pack.data.workforce`) all read these specs: adding an input is adding a spec (and, when the
input needs a step after reading, a finisher in :mod:`pack.data.tables`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import pandera.pandas as pa

import pack.data.converters as converters
import pack.data.schemas as schemas
from pack.data.domains import OUTCOME_DOMAINS, STOP_SEARCH_DOMAINS, STREET_DOMAINS, Domain

Reader = Literal["police_uk", "table", "workforce"]
Recognise = Callable[[frozenset[str], frozenset[str]], bool]


def columns(*names: str) -> Recognise:
    """A header rule: every one of ``names`` is a column, exactly as written."""
    wanted = frozenset(names)
    return lambda exact, _lower: wanted <= exact


def lower_columns(*names: str) -> Recognise:
    """A header rule: every one of ``names`` is a column, ignoring case and surrounding spaces."""
    wanted = frozenset(names)
    return lambda _exact, lower: wanted <= lower


def any_lower_column(*names: str) -> Recognise:
    """A header rule: at least one of ``names`` is a column (ignoring case)."""
    wanted = frozenset(names)
    return lambda _exact, lower: bool(wanted & lower)


def _stats19_collisions(_exact: frozenset[str], lower: frozenset[str]) -> bool:
    return "police_force" in lower and bool({"accident_severity", "collision_severity"} & lower)


def _lsoa_population(_exact: frozenset[str], lower: frozenset[str]) -> bool:
    return bool({"pop", "population", "all ages", "total"} & lower) and any("lsoa" in c for c in lower)


def _force_areas(_exact: frozenset[str], lower: frozenset[str]) -> bool:
    """An ONS LAD -> (CSP ->) PFA lookup of any vintage: ``LAD16NM`` (or ``LAD21NM`` ...) and ``PFA16NM``."""
    return any(re.fullmatch(r"lad\d{2}nm", c) for c in lower) and any(re.fullmatch(r"pfa\d{2}nm", c) for c in lower)


def _workforce(_exact: frozenset[str], lower: frozenset[str]) -> bool:
    return {"date", "role", "measure", "value"} <= lower or bool({"force/region", "police force"} & lower)


@dataclass(frozen=True)
class InputSpec:
    """One input of the data contract: where it comes from, how it is recognised and how it is read."""

    name: str
    title: str
    where: str
    reader: Reader
    recognise: Recognise  # header rule: (columns as written, columns lower-cased) -> this input?
    required: tuple[str, ...]  # contract names (after ``renames``) a file must have
    schema: Callable[..., pa.DataFrameSchema]  # police.uk schemas take the month in the file name
    convert: Callable[[pd.DataFrame, str], pd.DataFrame]
    renames: Callable[[list[str]], dict[str, str]] | None = None
    name_pattern: str | None = None  # regex on the file name, for data.police.uk's own names
    monthly: bool = False  # one file (or more) per month: months missing between the first and last are named
    kept: tuple[str, ...] | None = None  # columns read (others are noted as not used); None: all
    domains: tuple[Domain, ...] = ()  # columns with a known list of values (see pack.data.domains)
    soft: frozenset[str] = frozenset()  # columns whose bad value is removed, the row kept (it still counts)


STREET_COLUMNS = (
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
)
OUTCOME_COLUMNS = (
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
)
STOP_SEARCH_COLUMNS = (
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
)

STATS19_WHERE = "https://www.gov.uk/government/statistical-data-sets/road-safety-open-data"

INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "street",
        "data.police.uk street-level crime and ASB",
        "https://data.police.uk/data/ (custom download or archive)",
        reader="police_uk",
        recognise=columns("Crime ID", "Month", "Falls within", "Crime type"),
        required=tuple(c for c in STREET_COLUMNS if c != "Context"),
        schema=schemas.street_schema,
        convert=converters.street_typed,
        name_pattern=r"-street\.csv$",
        monthly=True,
        kept=STREET_COLUMNS,
        domains=STREET_DOMAINS,
        soft=frozenset({"LSOA code"}),
    ),
    InputSpec(
        "outcomes",
        "data.police.uk outcomes",
        "https://data.police.uk/data/ (tick 'include outcomes')",
        reader="police_uk",
        recognise=columns("Crime ID", "Month", "Outcome type"),
        required=OUTCOME_COLUMNS,
        schema=schemas.outcomes_schema,
        convert=converters.outcomes_typed,
        name_pattern=r"-outcomes\.csv$",
        monthly=True,
        kept=("Crime ID", "Month", "Falls within", "LSOA code", "Outcome type"),
        domains=OUTCOME_DOMAINS,
        soft=frozenset({"LSOA code"}),
    ),
    InputSpec(
        "stop_search",
        "data.police.uk stop and search",
        "https://data.police.uk/data/ (tick 'include stop and search')",
        reader="police_uk",
        recognise=columns("Type", "Date", "Object of search", "Outcome"),
        required=("Type", "Date", "Latitude", "Longitude", "Object of search", "Outcome"),
        schema=schemas.stop_search_schema,
        convert=converters.stop_search_typed,
        name_pattern=r"-stop-and-search\.csv$",
        monthly=True,
        kept=STOP_SEARCH_COLUMNS,
        domains=STOP_SEARCH_DOMAINS,
    ),
    InputSpec(
        "collisions",
        "STATS19 road collisions",
        STATS19_WHERE,
        reader="table",
        recognise=_stats19_collisions,
        required=("collision_index", "police_force", "collision_severity", "date"),
        schema=schemas.collisions_schema,
        convert=converters.collisions_typed,
        renames=converters.stats19_renames,
    ),
    InputSpec(
        "casualties",
        "STATS19 road casualties",
        STATS19_WHERE,
        reader="table",
        recognise=lower_columns("casualty_severity"),
        required=("collision_index", "casualty_severity", "casualty_type"),
        schema=schemas.casualties_schema,
        convert=converters.casualties_typed,
        renames=converters.stats19_renames,
    ),
    InputSpec(
        "rural_urban",
        "LSOA rural-urban classification",
        "https://geoportal.statistics.gov.uk/ (Rural Urban Classification (2011/2021) of LSOAs)",
        reader="table",
        recognise=any_lower_column("ruc11cd", "ruc21cd"),
        required=("lsoa_code", "ruc_code"),
        schema=schemas.rural_urban_schema,
        convert=converters.rural_urban_typed,
        renames=converters.lookup_renames("rural_urban"),
    ),
    InputSpec(
        "population",
        "LSOA population estimates",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates "
        "(lower layer super output area population estimates)",
        reader="table",
        recognise=_lsoa_population,
        required=("lsoa_code", "population"),
        schema=schemas.population_schema,
        convert=converters.population_typed,
        renames=converters.lookup_renames("population"),
    ),
    InputSpec(
        "workforce",
        "Police workforce (officers, PCSOs, staff, specials)",
        "https://www.gov.uk/government/collections/police-workforce-england-and-wales",
        reader="workforce",
        recognise=_workforce,
        required=("date", "role", "measure", "value"),
        schema=schemas.workforce_schema,
        convert=converters.workforce_typed,
        renames=converters.simple_renames,
    ),
    InputSpec(
        "calls",
        "999 and 101 call handling, monthly",
        "supplied by the force / PCC office; 999 answer-time bands at https://www.police.uk/",
        reader="table",
        recognise=lower_columns("month", "line", "calls_received"),
        required=("month", "line", "calls_received", "calls_answered", "mean_answer_seconds"),
        schema=schemas.calls_schema,
        convert=converters.calls_typed,
        renames=converters.simple_renames,
        monthly=True,
    ),
    InputSpec(
        "finance",
        "Revenue budget, capital programme and funding",
        "the PCC's budget report / statement of accounts",
        reader="table",
        recognise=lower_columns("year", "table", "line", "value_gbp_m"),
        required=("year", "table", "line", "value_gbp_m"),
        schema=schemas.finance_schema,
        convert=converters.finance_typed,
        renames=converters.simple_renames,
    ),
    InputSpec(
        "consultation",
        "Public consultation survey counts",
        "the plan's consultation appendix",
        reader="table",
        recognise=lower_columns("priority", "strongly_agree", "agree"),
        required=("priority", *converters.LIKERT),
        schema=schemas.consultation_schema,
        convert=converters.consultation_typed,
        renames=converters.simple_renames,
    ),
    InputSpec(
        "mi",
        "Management information (long format)",
        "supplied by the force / PCC office",
        reader="table",
        recognise=lower_columns("indicator_id", "period_start", "period_end", "value"),
        required=("indicator_id", "period_start", "period_end", "value"),
        schema=schemas.management_information_schema,
        convert=converters.mi_typed,
        renames=converters.simple_renames,
    ),
    InputSpec(
        "hotspots",
        "ASB hotspot patrol areas",
        "the force's hotspot patrol list (Grip / Serious Violence Duty funding returns)",
        reader="table",
        recognise=lower_columns("lsoa_code", "patrolled_from"),
        required=("lsoa_code", "patrolled_from"),
        schema=schemas.hotspots_schema,
        convert=converters.hotspots_typed,
        renames=converters.simple_renames,
    ),
    InputSpec(
        "ethnicity_population",
        "Population of the force area by ethnic group",
        "Census 2021 table TS021 (ethnic group) for the force area's LSOAs, summed to the five broad "
        "groups data.police.uk uses for officer-defined ethnicity (Asian, Black, Mixed, White, Other)",
        reader="table",
        recognise=lower_columns("ethnic_group", "population"),
        required=("ethnic_group", "population"),
        schema=schemas.ethnicity_population_schema,
        convert=converters.ethnicity_population_typed,
        renames=converters.simple_renames,
    ),
    InputSpec(
        "force_areas",
        "Local authority district to community safety partnership to police force area lookup",
        "https://geoportal.statistics.gov.uk/ (Local Authority District to Community Safety Partnership to "
        "Police Force Area lookup, e.g. LAD16_CSP16_PFA16_EW_LU); used with the LSOA population and "
        "rural-urban lookup for force and district populations",
        reader="table",
        recognise=_force_areas,
        required=("lad_name", "pfa_name"),
        schema=schemas.force_areas_schema,
        convert=converters.force_areas_typed,
        renames=converters.force_areas_renames,
    ),
    InputSpec(
        "peers",
        "Most similar group of forces (peers)",
        "IOPC 'Most similar force (MSF) groups' or HMICFRS value-for-money data; replaces the "
        "default published with the plan (its peers.csv)",
        reader="table",
        recognise=lower_columns("force", "peer"),
        required=("force", "peer"),
        schema=schemas.peers_schema,
        convert=converters.peers_typed,
        renames=converters.simple_renames,
    ),
)

INPUT_NAMES = tuple(s.name for s in INPUTS)
MONTHLY_INPUTS = tuple(s.name for s in INPUTS if s.monthly)
POLICE_UK_INPUTS = tuple(s.name for s in INPUTS if s.reader == "police_uk")


def spec(name: str) -> InputSpec:
    """The :class:`InputSpec` called ``name``."""
    for s in INPUTS:
        if s.name == name:
            return s
    raise KeyError(name)
