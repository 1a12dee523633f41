"""Small-count suppression for public packs (primary and secondary)."""

from __future__ import annotations

import pandas as pd


def suppress_small_counts(
    frame: pd.DataFrame, columns: list[str], threshold: int = 5, derived: list[str] | None = None
) -> pd.DataFrame:
    """Blank counts from 1 to ``threshold - 1`` in ``columns``; where a column has exactly one
    such cell, also blank its next-smallest count so a total cannot reveal it. In a row with a
    blanked count, the ``derived`` columns (shares, rates: anything computed from the count) are
    blanked too; by default every other numeric column.

    >>> table = pd.DataFrame({"group": ["a", "b", "c"], "n": [2, 9, 30], "pct": [4.9, 22.0, 73.2]})
    >>> suppress_small_counts(table, ["n"]).values.tolist()
    [['a', nan, nan], ['b', nan, nan], ['c', 30.0, 73.2]]
    """
    out = frame.copy()
    if derived is None:
        derived = [c for c in frame.columns if c not in columns and pd.api.types.is_numeric_dtype(frame[c])]
    blanked = pd.Series(False, index=frame.index)
    for col in columns:
        values = pd.to_numeric(out[col], errors="coerce").astype("float64")
        small = (values > 0) & (values < threshold)
        if small.sum() == 1 and len(values) > 1:
            others = values[~small & values.notna()]
            if len(others):
                small[others.idxmin()] = True
        out[col] = values.mask(small)
        blanked |= small
    for col in derived:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64").mask(blanked)
    return out


def suppressed_cells(before: pd.DataFrame, after: pd.DataFrame, columns: list[str]) -> int:
    """How many cells suppression blanked."""
    return int(sum((before[c].notna() & after[c].isna()).sum() for c in columns))
