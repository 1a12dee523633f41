"""Converters: each input's validated text frame -> its typed frame, and header renames.

Every converter takes the validated text of one batch and the file's name as shown to users and
returns the typed columns the prepared table keeps (with ``source_file``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc

import pack.data.schemas as schemas
from pack.reference import is_rural_code

number_column = schemas.parse_numbers  # text to float64 (thousands separators dropped), NaN if not a number


def district_of(lsoa_name: pd.Series) -> pd.Series:
    """``Amber Valley 001A`` -> ``Amber Valley`` (the local authority district), worked out once
    per distinct name; the result keeps ``lsoa_name``'s index."""
    names = arrow.chunked_array([arrow.array(lsoa_name.astype("str"), arrow.string())]).combine_chunks()
    names = pc.dictionary_encode(names)
    districts = pc.replace_substring_regex(names.dictionary, pattern=r"\s+\d{3}[A-Z]$", replacement="")
    return pd.Series(pc.take(districts, names.indices).to_pandas().array, index=lsoa_name.index)


def street_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed data.police.uk street-level records."""
    return pd.DataFrame(
        {
            "crime_id": frame["Crime ID"],
            "month": frame["Month"],
            "falls_within": frame["Falls within"],
            "longitude": number_column(frame["Longitude"], thousands=False),
            "latitude": number_column(frame["Latitude"], thousands=False),
            "location": frame["Location"],
            "lsoa_code": frame["LSOA code"],
            "lsoa_name": frame["LSOA name"],
            "district": district_of(frame["LSOA name"]),
            "crime_type": frame["Crime type"],
            "last_outcome": frame["Last outcome category"],
            "source_file": file,
        }
    )


def outcomes_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed data.police.uk outcome updates."""
    return pd.DataFrame(
        {
            "crime_id": frame["Crime ID"],
            "month": frame["Month"],  # month of the outcome update
            "falls_within": frame["Falls within"],
            "lsoa_code": frame["LSOA code"],
            "outcome_type": frame["Outcome type"],
            "source_file": file,
        }
    )


def stop_search_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed data.police.uk stop-and-search records."""

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series("", index=frame.index, dtype="str")

    return pd.DataFrame(
        {
            "date": frame["Date"],
            "month": frame["Date"].str[:7],
            "type": frame["Type"],
            "longitude": number_column(frame["Longitude"], thousands=False),
            "latitude": number_column(frame["Latitude"], thousands=False),
            "gender": col("Gender"),
            "age_range": col("Age range"),
            "officer_defined_ethnicity": col("Officer-defined ethnicity"),
            "self_defined_ethnicity": col("Self-defined ethnicity"),
            "legislation": col("Legislation"),
            "object_of_search": col("Object of search"),
            "outcome": col("Outcome"),
            "outcome_linked_to_object": col("Outcome linked to object of search"),
            "source_file": file,
        }
    )


_STATS19_RENAMES = {
    "accident_index": "collision_index",
    "accident_severity": "collision_severity",
    "accident_year": "collision_year",
    "accident_reference": "collision_reference",
    "casualty_adjusted_severity_serious": "adjusted_serious",
    "casualty_adjusted_severity_slight": "adjusted_slight",
}


def stats19_renames(header: list[str]) -> dict[str, str]:
    """Map either STATS19 vintage (``accident_*`` or ``collision_*``) to the ``collision_*`` names."""
    return {c: _STATS19_RENAMES.get(c.strip().lower(), c.strip().lower()) for c in header}


def collisions_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed STATS19 collisions (date ``dd/mm/yyyy`` to ISO date and month)."""
    dates = pd.to_datetime(frame["date"], format="%d/%m/%Y", errors="coerce")
    return pd.DataFrame(
        {
            "collision_index": frame["collision_index"],
            "police_force": number_column(frame["police_force"]).astype("int64"),
            "collision_severity": number_column(frame["collision_severity"]).astype("int64"),
            "date": dates.dt.strftime("%Y-%m-%d"),
            "month": dates.dt.strftime("%Y-%m"),
            "source_file": file,
        }
    )


def casualties_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed STATS19 casualties."""
    out = pd.DataFrame(
        {
            "collision_index": frame["collision_index"],
            "casualty_severity": number_column(frame["casualty_severity"]).astype("int64"),
            "casualty_type": number_column(frame["casualty_type"]).astype("int64"),
            "adjusted_serious": number_column(frame["adjusted_serious"])
            if "adjusted_serious" in frame
            else pd.Series(float("nan"), index=frame.index),
            "source_file": file,
        }
    )
    return out


_LSOA_COLUMNS = ("lsoa_code", "lsoa", "lsoa11cd", "lsoa21cd", "lsoa code", "lsoa11 code")
_POP_COLUMNS = ("population", "pop", "all ages", "total")


def lookup_renames(kind: str) -> Callable[[list[str]], dict[str, str]]:
    """Header renames of an ONS LSOA lookup (``kind`` ``rural_urban`` or ``population``): the column names
    of each vintage and publisher mapped to ``lsoa_code``, ``lsoa_name``, ``ruc_code``, ``ruc_name``, ``population``."""

    def renames(header: list[str]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        lower = {c: c.strip().lower() for c in header}
        for c, low in lower.items():
            if low in _LSOA_COLUMNS and "lsoa_code" not in mapping.values():
                mapping[c] = "lsoa_code"
            elif kind == "rural_urban" and low in ("ruc11cd", "ruc21cd"):
                mapping[c] = "ruc_code"
            elif low in ("lsoa11nm", "lsoa21nm", "lsoa_name", "lsoa name"):
                mapping[c] = "lsoa_name"
            elif kind == "rural_urban" and low in ("ruc11", "ruc21", "ruc11nm", "ruc21nm"):
                mapping[c] = "ruc_name"
            elif kind == "population" and low in _POP_COLUMNS and "population" not in mapping.values():
                mapping[c] = "population"
        return mapping

    return renames


def simple_renames(header: list[str]) -> dict[str, str]:
    """Header names trimmed and lower-cased (the pack's own CSV formats)."""
    return {c: c.strip().lower() for c in header}


def _text_or_empty(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column] if column in frame else pd.Series("", index=frame.index, dtype="str")


def rural_urban_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed LSOA rural-urban lookup: the class, whether it is rural, and the lookup's vintage (2011 or 2021)."""
    names = frame["lsoa_name"] if "lsoa_name" in frame else pd.Series("", index=frame.index, dtype="str")
    return pd.DataFrame(
        {
            "lsoa_code": frame["lsoa_code"],
            "ruc_code": frame["ruc_code"],
            "lsoa_name": names,
            "district": district_of(names) if "lsoa_name" in frame else names,
            "ruc_name": _text_or_empty(frame, "ruc_name"),
            "rural": frame["ruc_code"].map(is_rural_code).astype(bool),
            "vintage": "2021" if frame["ruc_code"].str.startswith(("U", "R")).any() else "2011",
            "source_file": file,
        }
    )


def population_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed LSOA population estimates (thousands separators dropped)."""
    return pd.DataFrame(
        {"lsoa_code": frame["lsoa_code"], "population": number_column(frame["population"]), "source_file": file}
    )


def workforce_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed workforce figures in the pack's long form (date, role, measure, value)."""
    return pd.DataFrame(
        {
            "date": frame["date"],
            "role": frame["role"],
            "measure": frame["measure"],
            "value": number_column(frame["value"]),
            "source_file": file,
        }
    )


CALL_BANDS = ("answered_under_10s_pct", "answered_10_to_60s_pct", "answered_over_60s_pct")


def calls_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed monthly 999/101 call handling (answer-time bands optional)."""
    return pd.DataFrame(
        {
            "month": frame["month"],
            "line": frame["line"],
            "calls_received": number_column(frame["calls_received"]),
            "calls_answered": number_column(frame["calls_answered"]),
            "mean_answer_seconds": number_column(frame["mean_answer_seconds"]),
            **{band: number_column(_text_or_empty(frame, band)) for band in CALL_BANDS},
            "source_file": file,
        }
    )


def finance_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed budget lines (£m), keeping their order in the file."""
    return pd.DataFrame(
        {
            "year": frame["year"],
            "table": frame["table"],
            "line": frame["line"],
            "value_gbp_m": number_column(frame["value_gbp_m"]),
            "order": range(len(frame)),
            "source": _text_or_empty(frame, "source"),
            "source_file": file,
        }
    )


LIKERT = ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree")


def consultation_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed consultation counts per priority (five-point agreement scale)."""
    return pd.DataFrame(
        {
            "priority": frame["priority"],
            **{c: number_column(frame[c]).astype("int64") for c in LIKERT},
            "source": _text_or_empty(frame, "source"),
            "source_file": file,
        }
    )


def mi_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed management information (one value per indicator and period)."""
    return pd.DataFrame(
        {
            "indicator_id": frame["indicator_id"],
            "period_start": frame["period_start"],
            "period_end": frame["period_end"],
            "value": number_column(frame["value"]),
            "unit": _text_or_empty(frame, "unit"),
            "source": _text_or_empty(frame, "source"),
            "note": _text_or_empty(frame, "note"),
            "source_file": file,
        }
    )


def hotspots_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed hotspot patrol areas (LSOA and the date patrols began)."""
    return pd.DataFrame(
        {"lsoa_code": frame["lsoa_code"], "patrolled_from": frame["patrolled_from"], "source_file": file}
    )


def ethnicity_population_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed population by broad ethnic group."""
    return pd.DataFrame(
        {
            "ethnic_group": frame["ethnic_group"].str.strip(),
            "population": number_column(frame["population"]),
            "source_file": file,
        }
    )


def force_areas_renames(header: list[str]) -> dict[str, str]:
    """Header renames of an ONS LAD -> CSP -> PFA lookup of any vintage: ``LAD16NM``/``LAD21NM`` ->
    ``lad_name``, ``LAD16CD`` -> ``lad_code``, likewise ``csp_*`` and ``pfa_*``; other columns lower-cased.

    >>> force_areas_renames(["LAD16NM", "CSP16CD", "PFA21NM", "FID"])
    {'LAD16NM': 'lad_name', 'CSP16CD': 'csp_code', 'PFA21NM': 'pfa_name', 'FID': 'fid'}
    """
    mapping: dict[str, str] = {}
    for column in header:
        low = column.strip().lower()
        match = re.fullmatch(r"(lad|csp|pfa)\d{2}(cd|nm)", low)
        name = f"{match.group(1)}_{'code' if match.group(2) == 'cd' else 'name'}" if match else low
        mapping[column] = name if name not in mapping.values() else low
    return mapping


def force_areas_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed LAD -> CSP -> PFA lookup rows (names trimmed; codes empty where the file has none)."""
    return pd.DataFrame(
        {
            "lad_code": _text_or_empty(frame, "lad_code").str.strip(),
            "lad_name": frame["lad_name"].str.strip(),
            "csp_code": _text_or_empty(frame, "csp_code").str.strip(),
            "csp_name": _text_or_empty(frame, "csp_name").str.strip(),
            "pfa_code": _text_or_empty(frame, "pfa_code").str.strip(),
            "pfa_name": frame["pfa_name"].str.strip(),
            "source_file": file,
        }
    )


def peers_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Typed most-similar-group pairs, with the source and edition each row names (empty if none)."""
    return pd.DataFrame(
        {
            "force": frame["force"].str.strip(),
            "peer": frame["peer"].str.strip(),
            "edition": _text_or_empty(frame, "edition").str.strip(),
            "source": _text_or_empty(frame, "source").str.strip(),
            "verified": _text_or_empty(frame, "verified").str.strip().str.lower(),
            "source_file": file,
        }
    )


def folded_names(header: list[str], mapping: dict[str, str], contract: list[str]) -> tuple[dict[str, str], list[str]]:
    """``(mapping, notes)``: ``mapping`` (raw header name -> contract name) with each other column
    whose name differs from a contract name only in case or spacing read as that column, with a
    note; never when the file also has the column as written.

    >>> folded_names(["crime id", "Month", "Crime  Type"], {}, ["Crime ID", "Month", "Crime type"])[0]
    {'crime id': 'Crime ID', 'Crime  Type': 'Crime type'}
    """
    folded = {" ".join(c.split()).casefold(): c for c in contract}
    present = {mapping.get(c, c) for c in header}
    out, notes = dict(mapping), []
    for raw in header:
        now = mapping.get(raw, raw)
        target = folded.get(" ".join(now.split()).casefold())
        if now not in contract and target is not None and target not in present:
            out[raw] = target
            present.add(target)
            notes.append(f"column {raw!r} read as {target!r} (the same name in other case or spacing)")
    return out, notes
