"""One pandera schema per input: the data contract in code.

Raw files are read as text; each schema checks the text of each row, so a rejected row can be
reported with its file, row number, column and the rule it broke. Typed conversion happens after
validation, in :mod:`pack.data.stage`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow
import pyarrow.compute as pc

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
LSOA_PATTERN = r"^([A-Z]\d{8}|95[A-Z]{2}\d{2}[A-Z]\d{1,2})$"  # GB codes; NI small areas

POLICE_UK_CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)


_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


def parse_numbers(text: pd.Series, thousands: bool = True) -> pd.Series:
    """Text to float64, NaN where the text is not a plain number (e.g. ``abc``, ``n/a``, empty).
    With ``thousands``, commas are dropped first (``"1,954"`` -> 1954.0). Vectorised with Arrow
    compute (match, then cast): no Python-level parsing per value.

    >>> parse_numbers(pd.Series(["1,954", " 2.5", "abc", "", "-1e3"])).tolist()
    [1954.0, 2.5, nan, nan, -1000.0]
    >>> parse_numbers(pd.Series(["1", "nan", "inf"])).tolist()
    [1.0, nan, nan]
    """
    values = pc.utf8_trim_whitespace(arrow.array(text.astype("str"), type=arrow.string()))
    if thousands:
        values = pc.replace_substring(values, ",", "")
    try:  # the usual case, every value a finite number or empty: one cast
        numbers = pc.cast(pc.if_else(pc.equal(values, ""), arrow.scalar(None, arrow.string()), values), arrow.float64())
        if pc.all(pc.is_finite(numbers)).as_py() is not False:
            return pd.Series(numbers.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
    except arrow.ArrowInvalid:
        pass
    # otherwise only what matches the pattern is a number (Arrow's cast would take "nan", "inf")
    numbers = pc.if_else(pc.match_substring_regex(values, f"^{_NUMBER}$"), values, arrow.scalar(None, arrow.string()))
    return pd.Series(
        pc.cast(numbers, arrow.float64()).to_numpy(zero_copy_only=False), index=text.index, dtype="float64"
    )


def _number(low: float = 0, high: float = 1e12, thousands: bool = True) -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        return parse_numbers(s, thousands).between(low, high)

    return pa.Check(check, error=f"a number from {low:g} to {high:g}")


def _integer(low: int, high: int) -> pa.Check:
    """A whole number written without a decimal point (a code: ``30.7`` is not 30) from ``low`` to ``high``."""

    def check(s: pd.Series) -> pd.Series:
        text = s.str.strip()
        return text.str.fullmatch(r"[+-]?\d+") & parse_numbers(text, thousands=False).between(low, high)

    return pa.Check(_per_distinct(check), error=f"a whole number from {low} to {high}")


def calendar_dates(text: pd.Series, date_format: str) -> pd.Series:
    """True where ``text`` is a date written as ``date_format`` (``%Y-%m-%d`` or ``%d/%m/%Y``, digits
    padded) that exists in the calendar.

    >>> calendar_dates(pd.Series(["28/02/2023", "29/02/2023", "29/02/2024", "1/2/2023"]), "%d/%m/%Y").tolist()
    [True, False, True, False]
    >>> calendar_dates(pd.Series(["2023-02-31", "2023-02-28"]), "%Y-%m-%d").tolist()
    [False, True]
    """
    pattern = DATE_PATTERN if date_format == "%Y-%m-%d" else r"^\d{2}/\d{2}/\d{4}$"
    return text.str.fullmatch(pattern) & pd.to_datetime(text, format=date_format, errors="coerce").notna()


def _calendar_date(date_format: str, written: str) -> pa.Check:
    """A date that exists in the calendar (``2023-02-31`` and ``29/02/2023`` do not), written as ``written``."""
    return pa.Check(
        _per_distinct(lambda s: calendar_dates(s, date_format)),
        error=f"a date written {written} that exists in the calendar",
    )


def _per_distinct(check: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """``check`` worked out once per distinct value, for columns that repeat a few values (a
    month, an LSOA code) over many rows; the same answer row by row.

    >>> _per_distinct(lambda s: s.str.len() > 1)(pd.Series(["ab", "c", "ab"])).tolist()
    [True, False, True]
    """

    def on_distinct(values: pd.Series) -> pd.Series:
        codes, distinct = pd.factorize(values)
        answers = np.asarray(check(pd.Series(distinct, dtype=values.dtype)), dtype=bool)
        return pd.Series(answers[codes], index=values.index)

    return on_distinct


def _matches_or_empty(pattern: str, what: str) -> pa.Check:
    return pa.Check(_per_distinct(lambda s: (s == "") | s.str.fullmatch(pattern)), error=f"{what}, or empty")


def _non_empty(what: str) -> pa.Check:
    return pa.Check(lambda s: s.str.strip() != "", error=f"{what} (not empty)")


def _month_checks(file_month: str | None) -> list[pa.Check]:
    """``Month`` is YYYY-MM and, when the file name has a month, that month."""
    checks = [pa.Check(_per_distinct(lambda s: s.str.fullmatch(MONTH_PATTERN)), error="a month written YYYY-MM")]
    if file_month:
        checks.append(pa.Check(_per_distinct(lambda s: s == file_month), error=f"the file's own month {file_month}"))
    return checks


def _col(*checks: pa.Check) -> pa.Column:
    # Text read from CSV is never null (an empty field is ""), so pandera's null check could only
    # cost time; where a value must not be empty, a check says so.
    return pa.Column(None, list(checks), nullable=True, required=True)


def street_schema(file_month: str | None = None) -> pa.DataFrameSchema:
    """data.police.uk street-level crime file (``YYYY-MM-<force>-street.csv``). Coordinates are read
    once, as numbers, when the rows are typed: one that is not a number, or not a place in the
    United Kingdom, is removed from its record (which is kept) and counted."""
    return pa.DataFrameSchema(
        {
            "Month": _col(*_month_checks(file_month)),
            "Falls within": _col(_non_empty("a force name")),
            "LSOA code": _col(_matches_or_empty(LSOA_PATTERN, "an LSOA code such as E01019400")),
            "Crime type": _col(_non_empty("a crime type")),
        },
        name="street",
    )


def outcomes_schema(file_month: str | None = None) -> pa.DataFrameSchema:
    """data.police.uk outcomes file (``YYYY-MM-<force>-outcomes.csv``)."""
    return pa.DataFrameSchema(
        {
            "Crime ID": _col(_non_empty("a crime ID")),
            "Month": _col(*_month_checks(file_month)),
            "Falls within": _col(_non_empty("a force name")),
            "Outcome type": _col(_non_empty("an outcome type")),
        },
        name="outcomes",
    )


def stop_search_schema(file_month: str | None = None) -> pa.DataFrameSchema:
    """data.police.uk stop-and-search file (``YYYY-MM-<force>-stop-and-search.csv``)."""

    def real_day(s: pd.Series) -> pd.Series:
        day = pd.to_datetime(s.str[:10], format="%Y-%m-%d", errors="coerce")
        return s.str.match(r"^\d{4}-\d{2}-\d{2}") & day.notna()

    checks = [pa.Check(_per_distinct(real_day), error="an ISO date-time on a day that exists in the calendar")]
    if file_month:
        checks.append(pa.Check(lambda s: s.str[:7] == file_month, error=f"a date in {file_month}"))
    return pa.DataFrameSchema(
        {
            "Type": _col(_non_empty("a search type")),
            "Date": _col(*checks),
        },
        name="stop_search",
    )


def collisions_schema() -> pa.DataFrameSchema:
    """DfT STATS19 collision (accident) file, columns normalised to the ``collision_*`` vintage."""
    return pa.DataFrameSchema(
        {
            "collision_index": _col(_non_empty("a collision index")),
            "police_force": _col(_integer(1, 99)),
            "collision_severity": _col(pa.Check.isin(["1", "2", "3"], error="1, 2 or 3")),
            "date": _col(_calendar_date("%d/%m/%Y", "dd/mm/yyyy")),
        },
        name="collisions",
    )


def casualties_schema() -> pa.DataFrameSchema:
    """DfT STATS19 casualty file, columns normalised to the ``collision_*`` vintage."""
    return pa.DataFrameSchema(
        {
            "collision_index": _col(_non_empty("a collision index")),
            "casualty_severity": _col(pa.Check.isin(["1", "2", "3"], error="1, 2 or 3")),
            "casualty_type": _col(_integer(-1, 999)),
        },
        name="casualties",
    )


def rural_urban_schema() -> pa.DataFrameSchema:
    """ONS LSOA rural-urban classification (normalised columns ``lsoa_code``, ``ruc_code``)."""
    return pa.DataFrameSchema(
        {
            "lsoa_code": _col(pa.Check.str_matches(LSOA_PATTERN, error="an LSOA code")),
            "ruc_code": _col(
                pa.Check.str_matches(
                    r"^([A-F]\d|U[NF]1|R[LS][NF]1)$",
                    error="a 2011 code such as A1 or E2, or a 2021 code such as UN1 or RSF1",
                )
            ),
        },
        name="rural_urban",
    )


def population_schema() -> pa.DataFrameSchema:
    """ONS LSOA population (normalised columns ``lsoa_code``, ``population``)."""
    return pa.DataFrameSchema(
        {
            "lsoa_code": _col(pa.Check.str_matches(LSOA_PATTERN, error="an LSOA code")),
            "population": _col(_number(0, 1e6)),
        },
        name="population",
    )


def workforce_schema() -> pa.DataFrameSchema:
    """Workforce long table: ``date, role, measure, value``."""
    return pa.DataFrameSchema(
        {
            "date": _col(_calendar_date("%Y-%m-%d", "YYYY-MM-DD")),
            "role": _col(
                pa.Check.isin(
                    ["officer", "pcso", "staff", "special", "volunteer"],
                    error="officer, pcso, staff, special or volunteer",
                )
            ),
            "measure": _col(pa.Check.isin(["fte", "headcount"], error="fte or headcount")),
            "value": _col(_number(0, 1e6)),
        },
        name="workforce",
    )


def calls_schema() -> pa.DataFrameSchema:
    """Monthly call handling: ``month, line, calls_received, calls_answered, mean_answer_seconds``."""
    return pa.DataFrameSchema(
        {
            "month": _col(pa.Check.str_matches(MONTH_PATTERN, error="a month written YYYY-MM")),
            "line": _col(pa.Check.isin(["999", "101"], error="999 or 101")),
            "calls_received": _col(_number(0, 1e8)),
            "calls_answered": _col(_number(0, 1e8)),
            "mean_answer_seconds": _col(_number(0, 1e6)),
        },
        name="calls",
    )


def finance_schema() -> pa.DataFrameSchema:
    """Finance long table: ``year, table, line, value_gbp_m``."""
    return pa.DataFrameSchema(
        {
            "year": _col(pa.Check.str_matches(r"^\d{4}/\d{2}$", error="a financial year like 2021/22")),
            "table": _col(
                pa.Check.isin(
                    ["revenue", "capital", "funding", "outturn", "reserves"],
                    error="revenue, capital, funding, outturn or reserves",
                )
            ),
            "line": _col(_non_empty("a budget line")),
            "value_gbp_m": _col(_number(-1e6, 1e6)),
        },
        name="finance",
    )


def consultation_schema() -> pa.DataFrameSchema:
    """Consultation survey counts per priority (five Likert columns)."""
    count = _number(0, 1e7, thousands=True)
    return pa.DataFrameSchema(
        {
            "priority": _col(_non_empty("a priority name")),
            "strongly_agree": _col(count),
            "agree": _col(count),
            "neither": _col(count),
            "disagree": _col(count),
            "strongly_disagree": _col(count),
        },
        name="consultation",
    )


def management_information_schema() -> pa.DataFrameSchema:
    """Management information long table."""
    return pa.DataFrameSchema(
        {
            "indicator_id": _col(pa.Check.str_matches(r"^[a-z0-9_]+$", error="a lower_snake_case indicator id")),
            "period_start": _col(_calendar_date("%Y-%m-%d", "YYYY-MM-DD")),
            "period_end": _col(_calendar_date("%Y-%m-%d", "YYYY-MM-DD")),
            "value": _col(_number(-1e12, 1e12)),
        },
        name="management_information",
    )


def hotspots_schema() -> pa.DataFrameSchema:
    """ASB hotspot list: ``lsoa_code, patrolled_from``."""
    return pa.DataFrameSchema(
        {
            "lsoa_code": _col(pa.Check.str_matches(LSOA_PATTERN, error="an LSOA code")),
            "patrolled_from": _col(pa.Check.str_matches(MONTH_PATTERN, error="a month YYYY-MM")),
        },
        name="hotspots",
    )


def ethnicity_population_schema() -> pa.DataFrameSchema:
    """Population by broad ethnic group: ``ethnic_group, population``."""
    return pa.DataFrameSchema(
        {
            "ethnic_group": _col(_non_empty("an ethnic group such as White or Asian")),
            "population": _col(_number(0, 1e8)),
        },
        name="ethnicity_population",
    )


def force_areas_schema() -> pa.DataFrameSchema:
    """ONS local authority district -> community safety partnership -> police force area lookup
    (normalised columns ``lad_name``, ``pfa_name``; codes optional)."""
    return pa.DataFrameSchema(
        {
            "lad_name": _col(_non_empty("a local authority district name such as Amber Valley")),
            "pfa_name": _col(_non_empty("a police force area name such as Derbyshire")),
        },
        name="force_areas",
    )


def peers_schema() -> pa.DataFrameSchema:
    """Most similar group: one ``force, peer`` pair per row."""
    return pa.DataFrameSchema(
        {
            "force": _col(_non_empty("a police force name such as Derbyshire")),
            "peer": _col(_non_empty("the name of a force in its most similar group")),
        },
        name="peers",
    )
