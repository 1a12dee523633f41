"""Columns with a known list of values (data.police.uk's vocabularies), and places on the map.

A value not in its column's list is never silently let through or dropped. A variant that differs
only in case or spacing (``burglary``, ``Burglary ``) is read as the value it stands for and
counted; any other value (``Residential burglary``) is kept as written and counted, so the data-
quality report names it with its number of rows (such a crime is in all-crime totals, in no crime
group). Coordinates outside the United Kingdom (``0,0``, or longitude and latitude swapped) are
removed from their record, which is kept and counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc

from pack.data.schemas import POLICE_UK_CRIME_TYPES

# data.police.uk outcome categories (street files' "Last outcome category" and outcomes files'
# "Outcome type"), as the site's outcome-categories list names them
POLICE_UK_OUTCOMES = (
    "Action to be taken by another organisation",
    "Awaiting court outcome",
    "Court case unable to proceed",
    "Court result unavailable",
    "Defendant found not guilty",
    "Defendant sent to Crown Court",
    "Formal action is not in the public interest",
    "Further action is not in the public interest",
    "Further investigation is not in the public interest",
    "Investigation complete; no suspect identified",
    "Local resolution",
    "Offender deprived of property",
    "Offender fined",
    "Offender given a caution",
    "Offender given a drugs possession warning",
    "Offender given absolute discharge",
    "Offender given community sentence",
    "Offender given conditional discharge",
    "Offender given penalty notice",
    "Offender given suspended prison sentence",
    "Offender ordered to pay compensation",
    "Offender otherwise dealt with",
    "Offender sent to prison",
    "Status update unavailable",
    "Suspect charged",
    "Suspect charged as part of another case",
    "Unable to prosecute suspect",
    "Under investigation",
)
STOP_SEARCH_TYPES = ("Person search", "Vehicle search", "Person and Vehicle search")
OFFICER_DEFINED_ETHNICITIES = ("Asian", "Black", "Mixed", "Other", "White", "")  # "": not recorded
OBJECTS_OF_SEARCH = (
    "",  # not recorded
    "Anything to threaten or harm anyone",
    "Article for use in theft",
    "Articles for use in criminal damage",
    "Controlled drugs",
    "Crossbows",
    "Detailed object of search unavailable",
    "Evidence of hunting any wild mammal with a dog",
    "Evidence of offences under the Act",
    "Evidence of wildlife offences",
    "Firearms",
    "Fireworks",
    "Game or poaching equipment",
    "Goods on which duty has not been paid etc.",
    "Offensive weapons",
    "Psychoactive substances",
    "Seals or hunting equipment",
    "Stolen goods",
)

# The United Kingdom with its islands (Isles of Scilly, Channel Islands, Shetland), in degrees
UK_LONGITUDE = (-8.7, 1.8)
UK_LATITUDE = (49.8, 60.9)


@dataclass(frozen=True)
class Domain:
    """A column (as named in the file's header) and the values it may hold."""

    column: str
    values: tuple[str, ...]
    what: str  # e.g. "data.police.uk crime type"

    def canonical(self) -> dict[str, str]:
        """Each value's key (case and spacing ignored) -> the value."""
        return {_key(v): v for v in self.values}


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def same_force(written: str, force: str) -> bool:
    """True when a ``Falls within`` value names ``force``, whatever its case or spacing.

    >>> same_force("DERBYSHIRE  CONSTABULARY ", "Derbyshire Constabulary"), same_force("Derby", "Derby Police")
    (True, False)
    """
    return _key(written) == _key(force)


@dataclass
class DomainCounts:
    """Rows whose value was a variant of a known one (read as it), and rows with an unknown value."""

    variants: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (column, as written, read as)
    unknown: Counter[tuple[str, str]] = field(default_factory=Counter)  # (column, value)
    what: dict[str, str] = field(default_factory=dict)  # column -> what its values are

    def update(self, other: DomainCounts) -> None:
        """Add another file's counts."""
        self.variants.update(other.variants)
        self.unknown.update(other.unknown)
        self.what.update(other.what)

    def notes(self) -> list[str]:
        """One plain-English line per variant and per unknown value, with its rows."""
        lines = [
            f"{column}: {n:,} row(s) {written!r} read as {read!r} (case or spacing differs)"
            for (column, written, read), n in sorted(self.variants.items())
        ]
        lines += [
            f"{column}: {n:,} row(s) {value!r} is not a {self.what.get(column, 'known value')}: kept as written"
            for (column, value), n in sorted(self.unknown.items())
        ]
        return lines


def read_domains(table: arrow.Table, domains: tuple[Domain, ...] | list[Domain], counts: DomainCounts) -> arrow.Table:
    """``table`` with each domain column's variants read as the values they stand for; variants and
    unknown values counted in ``counts``. Worked out per distinct value (a column of a few values
    over many rows costs one pass)."""
    for domain in domains:
        if domain.column not in table.column_names:
            continue
        column = table.column(domain.column)
        known = set(domain.values)
        odd = [v for v in pc.unique(column).to_pylist() if v not in known]
        if not odd:
            continue
        counts.what[domain.column] = domain.what
        canonical = domain.canonical()
        tally = pc.value_counts(pc.filter(column, pc.is_in(column, value_set=arrow.array(odd, column.type))))
        found = {v["values"]: v["counts"] for v in tally.to_pylist()}
        replace = {}
        for value in odd:
            read_as = canonical.get(_key(value))
            if read_as is None:
                counts.unknown[(domain.column, value)] += found.get(value, 0)
            else:
                counts.variants[(domain.column, value, read_as)] += found.get(value, 0)
                replace[value] = read_as
        if replace:
            keys = arrow.array(list(replace), column.type)
            index = pc.index_in(column, value_set=keys)
            swapped = pc.take(arrow.array(list(replace.values()), column.type), pc.fill_null(index, 0))
            table = table.set_column(
                table.column_names.index(domain.column), domain.column, pc.if_else(pc.is_null(index), column, swapped)
            )
    return table


def folded_force(frame: pd.DataFrame, force: str, counts: DomainCounts) -> pd.DataFrame:
    """``frame`` with each ``Falls within`` that differs from ``force`` only in case or spacing
    (``DERBYSHIRE CONSTABULARY``, ``Derbyshire Constabulary ``) read as ``force``, and counted as a
    variant in ``counts`` (never dropped as another force's rows). Worked out per distinct value."""
    variants = [v for v in frame["Falls within"].unique() if v != force and same_force(v, force)]
    if not variants:
        return frame
    falls = frame["Falls within"]
    for written, n in falls[falls.isin(variants)].value_counts().items():
        counts.variants[("Falls within", str(written), force)] += int(n)
    return frame.assign(**{"Falls within": falls.where(~falls.isin(variants), force)})


def outside_uk(longitude: pd.Series, latitude: pd.Series) -> np.ndarray:
    """Rows whose coordinates are given but are not a place in the United Kingdom (``0,0``, swapped,
    another country, or only one of the two given)."""
    lon, lat = longitude.to_numpy(dtype=float), latitude.to_numpy(dtype=float)
    given = ~np.isnan(lon) | ~np.isnan(lat)
    inside = (lon >= UK_LONGITUDE[0]) & (lon <= UK_LONGITUDE[1]) & (lat >= UK_LATITUDE[0]) & (lat <= UK_LATITUDE[1])
    return given & ~inside


STREET_DOMAINS = (
    Domain("Crime type", POLICE_UK_CRIME_TYPES, "data.police.uk crime type (counted in all crime, in no crime group)"),
    Domain("Last outcome category", (*POLICE_UK_OUTCOMES, ""), "data.police.uk outcome category"),
)
OUTCOME_DOMAINS = (Domain("Outcome type", POLICE_UK_OUTCOMES, "data.police.uk outcome category"),)
STOP_SEARCH_DOMAINS = (
    Domain("Type", STOP_SEARCH_TYPES, "data.police.uk search type"),
    Domain("Object of search", OBJECTS_OF_SEARCH, "data.police.uk object of search"),
    Domain("Officer-defined ethnicity", OFFICER_DEFINED_ETHNICITIES, "data.police.uk officer-defined ethnic group"),
)
