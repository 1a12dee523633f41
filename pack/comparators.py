"""The comparators named for what they are: the national pool of forces and the force's position.

The national comparator is the pooled rate of the forces compared (:mod:`pack.forces`): every
territorial force whose street files cover the window. On a complete archive that is England and
Wales; on any other it is only the forces the data hold, and a rate pooled over, say, 37 forces
without the Metropolitan Police is not the England and Wales rate. :func:`national_pool` says what
the pool holds: how many forces, what share of the residents of England and Wales (the force areas
of the ONS lookup) they have, and which territorial forces are missing. Its :attr:`Pool.name` is
"England and Wales" only when every territorial force of the lookup is compared (the City of London,
whose rate per resident is never compared, apart); otherwise "the national pool" with
:attr:`Pool.label` ("37 forces in the data, 67% of residents of England and Wales; missing: ...")
beside it wherever it appears.

Positions are said the way people say them: :func:`position_words` gives "7th highest of 8" (1 = the
highest rate), and :func:`difference_words` the difference in percent from a comparator's rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

ENGLAND_AND_WALES = "England and Wales"
POOL = "the national pool"
# A territorial force holding at least this share of the residents of England and Wales is "large":
# its absence from the pool is a warning when the pack is built (the Metropolitan Police hold about
# 15%, Greater Manchester, West Midlands and Thames Valley about 4-5%, a typical force 1-2%).
LARGE_FORCE_SHARE = 0.03


@dataclass(frozen=True)
class Missing:
    """A territorial force of the lookup that is not in the pool, with its share of the residents."""

    force: str
    share: float | None


@dataclass(frozen=True)
class Pool:
    """What the national comparator holds."""

    forces: int  # forces compared (pooled)
    residents_share: float | None  # their share of the residents of the lookup's force areas
    missing: tuple[Missing, ...]  # territorial forces not compared, largest first

    @property
    def complete(self) -> bool:
        """True when every territorial force of the lookup is in the pool."""
        return not self.missing

    @property
    def name(self) -> str:
        """``England and Wales`` for a complete pool, else ``the national pool``."""
        return ENGLAND_AND_WALES if self.complete else POOL

    @property
    def label(self) -> str:
        """What the pool holds, in words.

        >>> Pool(37, 0.6712, (Missing("Metropolitan Police", 0.15), Missing("West Midlands", 0.05))).label
        '37 forces in the data, 67% of residents of England and Wales; missing: Metropolitan Police, West Midlands'
        >>> Pool(42, 0.9998, ()).label
        'England and Wales (all 42 territorial forces compared)'
        """
        if self.complete:
            return f"{ENGLAND_AND_WALES} (all {self.forces} territorial forces compared)"
        share = (
            "" if self.residents_share is None else f", {self.residents_share:.0%} of residents of England and Wales"
        )
        return f"{self.forces} forces in the data{share}; missing: " + ", ".join(m.force for m in self.missing)

    @property
    def rate_name(self) -> str:
        """``the England and Wales rate`` or ``the national pool rate``, for sentences."""
        return f"the {ENGLAND_AND_WALES} rate" if self.complete else f"{POOL} rate"

    @property
    def heading(self) -> str:
        """A short name for table headings and tiles: ``England and Wales`` or ``National pool (37 forces)``."""
        return ENGLAND_AND_WALES if self.complete else f"National pool ({self.forces} forces)"

    def large_missing(self, share: float = LARGE_FORCE_SHARE) -> tuple[Missing, ...]:
        """The missing forces holding at least ``share`` of the residents."""
        return tuple(m for m in self.missing if m.share is not None and m.share >= share)


def national_pool(forces: pd.DataFrame, residents: float | None, left_apart: Callable[[str], bool]) -> Pool:
    """The pool of a :func:`pack.forces.force_table`: its ``compared`` rows, and the force areas of the
    lookup (rows with a ``pfa_name``) that are not compared, except a ``rate only`` row and those
    ``left_apart`` says are never pooled by design (the City of London). ``residents`` is the
    population of every force area of the lookup.

    >>> t = pd.DataFrame({"force": ["A", "B", "C"], "pfa_name": ["A", "B", "C"], "population": [6.0, 3.0, 1.0],
    ...                   "status": ["compared", "no data", "compared"]})
    >>> national_pool(t, 10.0, lambda area: False).label
    '2 forces in the data, 70% of residents of England and Wales; missing: B'
    """
    compared = forces[forces["status"] == "compared"]
    share = None
    if residents:
        share = float(compared["population"].sum()) / residents
    areas = forces[~forces["status"].isin(("compared", "rate only")) & (forces["pfa_name"].fillna("") != "")]
    kept = pd.Series([not left_apart(str(p)) for p in areas["pfa_name"]], index=areas.index, dtype=bool)
    areas = areas[kept].drop_duplicates("pfa_name")
    missing = [
        Missing(str(p), None if not residents or pd.isna(n) else float(n) / residents)
        for p, n in zip(areas["pfa_name"], areas["population"], strict=True)
    ]
    missing.sort(key=lambda m: (-(m.share or 0.0), m.force))
    return Pool(len(compared), share, tuple(missing))


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``23rd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def position_words(rank_from_highest: int, of: int) -> str:
    """A rank read as people read it, 1 being the highest rate: ``9th highest of 37``; the first and
    last are ``highest of 8`` and ``lowest of 8``.

    >>> position_words(1, 8), position_words(9, 37), position_words(8, 8), position_words(2, 2)
    ('highest of 8', '9th highest of 37', 'lowest of 8', 'lowest of 2')
    """
    if rank_from_highest == 1:
        return f"highest of {of}"
    if rank_from_highest == of:
        return f"lowest of {of}"
    return f"{ordinal(rank_from_highest)} highest of {of}"


def rank_from_highest(rates: pd.Series) -> pd.Series:
    """Each rate's rank, 1 = the highest; equal rates share the better (smaller) rank.

    >>> rank_from_highest(pd.Series([1.0, 3.0, 3.0, 2.0])).tolist()
    [4, 1, 1, 3]
    """
    return rates.rank(ascending=False, method="min").astype("Int64")


def percent_difference(rate: float, other: float | None) -> float | None:
    """How far ``rate`` is from ``other``, in percent of ``other`` (``None`` without a comparator)."""
    if other is None or pd.isna(other) or other == 0:
        return None
    return (rate - other) / other * 100


def difference_words(pct: float | None, name: str) -> str:
    """``25.0% above England and Wales``, ``3.1% below its most similar group``, ``the same as ...``.

    >>> difference_words(25.0, "England and Wales"), difference_words(-3.14, "its most similar group")
    ('25.0% above England and Wales', '3.1% below its most similar group')
    """
    if pct is None:
        return f"no difference from {name} (no rate)"
    if round(pct, 1) == 0:
        return f"the same as {name}"
    return f"{abs(pct):.1f}% {'above' if pct > 0 else 'below'} {name}"
