"""Small-count suppression for public packs (primary and secondary)."""

from __future__ import annotations

import pandas as pd


def suppress_small_counts(frame: pd.DataFrame, columns: list[str], threshold: int = 5) -> pd.DataFrame:
    """Blank counts from 1 to ``threshold - 1`` in ``columns``; where a column has exactly one
    such cell, also blank its next-smallest count so a total cannot reveal it.

    >>> suppress_small_counts(pd.DataFrame({"n": [2, 9, 30]}), ["n"])["n"].tolist()
    [nan, nan, 30.0]
    """
    out = frame.copy()
    for col in columns:
        values = pd.to_numeric(out[col], errors="coerce").astype("float64")
        small = (values > 0) & (values < threshold)
        if small.sum() == 1 and len(values) > 1:
            others = values[~small & values.notna()]
            if len(others):
                small[others.idxmin()] = True
        out[col] = values.mask(small)
    return out


def suppressed_cells(before: pd.DataFrame, after: pd.DataFrame, columns: list[str]) -> int:
    """How many cells suppression blanked."""
    return int(sum((before[c].notna() & after[c].isna()).sum() for c in columns))
