"""Small-count suppression for public packs: the one place for the rule (primary and secondary).

The rule, as official statistics apply it (GSS/ONS statistical disclosure control): a count from
1 to ``threshold - 1`` is blanked (*primary* suppression); so is anything a reader could compute it
back from (*secondary* suppression):

- **totals minus shown cells**: a reader is taken to know every column's total (a breakdown adds up
  to a figure shown elsewhere in the pack), and the rule itself (the threshold; that blanks are
  never zero, and are the column's smallest counts). More of the smallest shown non-zero counts are
  blanked until no blanked small count is pinned to one value, even by a reader who knows the
  blanks' order (:func:`pinned`);
- **percentages times totals**: a share of a count in the same row (``shares``: share column ->
  its base column, e.g. ``arrest_pct`` of ``searches``) implies its numerator; a numerator from 1
  to ``threshold - 1`` is suppressed like a count (the share blanked), with the same protection;
- **rates times populations**: in a row with a blanked count, every column computed from it
  (shares, rates, ``derived``) is blanked too.

A table can carry its shares as ``frame.attrs["shares_of"]`` (set where the table is made), so
every caller suppresses it the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

SHARES_ATTR = "shares_of"  # frame.attrs key: {share column: base count column} (percentages)
RULE = (
    "counts from 1 to threshold-1 blanked in breakdown tables and charts, with the shares and rates computed "
    "from them; then a column's next-smallest non-zero counts, until no blanked count can be worked back from the "
    "column's total (knowing the rule and the blanks' order); shares whose numerator is such a count blanked the "
    "same way"
)


def rank_bounds(total: float, k: int, upper: float, threshold: int | None = None) -> list[tuple[int, int]]:
    """What a reader can tell of ``k`` blanked counts from their sum ``total``, each from 1 to
    ``upper`` (and, given ``threshold``, the smallest below it): the lowest and highest value the
    j-th smallest of them (j = 1..k) can take.

    >>> rank_bounds(9, 2, 5)  # blanks 4 and 5 beside a shown 5: the smaller is 4 for certain
    [(4, 4), (5, 5)]
    >>> rank_bounds(13, 2, 40)
    [(1, 6), (7, 12)]
    >>> rank_bounds(6, 2, 4, threshold=3)  # 2 and 4 beside a shown 4: 3 and 3 would have no small count
    [(2, 2), (4, 4)]
    """
    bounds = []
    for j in range(1, k + 1):
        low = max(1, math.ceil((total - (k - j) * upper) / j))
        high = min(math.floor(upper), math.floor((total - (j - 1)) / (k - j + 1)))
        if threshold is not None and j == 1:
            high = min(high, threshold - 1)
        elif threshold is not None:
            low = max(low, math.ceil((total - (k - j) * upper - (threshold - 1)) / (j - 1)))
        bounds.append((low, high))
    return bounds


def pinned(values: pd.Series, hidden: pd.Series, threshold: int) -> bool:
    """Whether a reader who knows the column's total, its shown cells and the rule can pin a blanked
    small count (below ``threshold``) to one value: some rank among the blanks whose true value is
    small has one possible value (:func:`rank_bounds`, upper bound the smallest shown non-zero
    count)."""
    blanks = values[hidden].sort_values().to_numpy()
    if len(blanks) == 0 or not (blanks < threshold).any():
        return False
    shown = values[~hidden & (values > 0)]
    upper = float(shown.min()) if len(shown) else float(blanks.sum())
    bounds = rank_bounds(float(blanks.sum()), len(blanks), upper, threshold)
    return any(v < threshold and low == high for v, (low, high) in zip(blanks, bounds, strict=True))


def protect(values: pd.Series, threshold: int) -> pd.Series:
    """Which cells of a count column to blank: the counts from 1 to ``threshold - 1``, then the
    smallest shown non-zero counts, one at a time, until none of them is :func:`pinned`.

    >>> protect(pd.Series([4.0, 5, 5, 40, 0]), 5).tolist()  # 4 and one 5 (sum 9, each <= 5) would pin the 4
    [True, True, True, False, False]
    """
    values = values.astype("float64")
    hidden = (values > 0) & (values < threshold)
    while pinned(values, hidden, threshold):
        candidates = values[~hidden & (values > 0)]
        if candidates.empty:
            break
        hidden[candidates.idxmin()] = True
    return hidden


def implied_counts(frame: pd.DataFrame, share: str, base: str) -> pd.Series:
    """The count a percentage implies (share x base / 100, to the nearest whole number)."""
    share_values = pd.to_numeric(frame[share], errors="coerce").astype("float64")
    base_values = pd.to_numeric(frame[base], errors="coerce").astype("float64")
    return (share_values * base_values / 100).round()


def suppress_small_counts(
    frame: pd.DataFrame,
    columns: list[str],
    threshold: int = 5,
    derived: list[str] | None = None,
    shares: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Blank counts from 1 to ``threshold - 1`` in ``columns`` and what would reveal them (the
    module's rule): more of a column's smallest counts until none can be worked back from the
    total; shares (``shares``, default ``frame.attrs["shares_of"]``) whose numerator is such a
    count; and in a row with a blanked count, the ``derived`` columns (shares, rates: anything
    computed from the count; by default every other numeric column).

    >>> table = pd.DataFrame({"group": ["a", "b", "c"], "n": [2, 9, 30], "pct": [4.9, 22.0, 73.2]})
    >>> suppress_small_counts(table, ["n"]).values.tolist()
    [['a', nan, nan], ['b', nan, nan], ['c', 30.0, 73.2]]
    """
    shares = {s: b for s, b in (shares or frame.attrs.get(SHARES_ATTR, {})).items() if s in frame and b in frame}
    out = frame.copy()
    if derived is None:
        derived = [c for c in frame.columns if c not in columns and pd.api.types.is_numeric_dtype(frame[c])]
    blanked = pd.Series(False, index=frame.index)
    for col in columns:
        values = pd.to_numeric(out[col], errors="coerce").astype("float64")
        hidden = protect(values, threshold)
        out[col] = values.mask(hidden)
        blanked |= hidden
    for share, base in shares.items():
        numerators = implied_counts(frame, share, base)
        hidden = protect(numerators, threshold) & numerators.notna()
        out[share] = pd.to_numeric(out[share], errors="coerce").astype("float64").mask(hidden)
    for col in derived:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64").mask(blanked)
    return out


def suppressed_cells(before: pd.DataFrame, after: pd.DataFrame, columns: list[str]) -> int:
    """How many cells suppression blanked."""
    return int(sum((before[c].notna() & after[c].isna()).sum() for c in columns))
