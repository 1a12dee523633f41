"""Converters: validated text frames of each input -> typed frames."""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc

from pack.data import schemas

log = logging.getLogger(__name__)

number_column = schemas.parse_numbers  # text to float64 (thousands separators dropped), NaN if not a number


def district_of(lsoa_name: pd.Series) -> pd.Series:
    """``Amber Valley 001A`` -> ``Amber Valley`` (the local authority district), worked out once
    per distinct name; the result keeps ``lsoa_name``'s index."""
    names = arrow.chunked_array([arrow.array(lsoa_name.astype("str"), arrow.string())]).combine_chunks()
    names = pc.dictionary_encode(names)
    districts = pc.replace_substring_regex(names.dictionary, pattern=r"\s+\d{3}[A-Z]$", replacement="")
    return pd.Series(pc.take(districts, names.indices).to_pandas().array, index=lsoa_name.index)


def street_typed(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "crime_id": frame["Crime ID"],
            "month": frame["Month"],
            "falls_within": frame["Falls within"],
            "longitude": number_column(frame["Longitude"]),
            "latitude": number_column(frame["Latitude"]),
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
    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series("", index=frame.index, dtype="str")

    return pd.DataFrame(
        {
            "date": frame["Date"],
            "month": frame["Date"].str[:7],
            "type": frame["Type"],
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


def lookup_renames(kind: str) -> callable:
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
    return {c: c.strip().lower() for c in header}
