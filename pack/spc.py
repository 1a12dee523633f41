"""Statistical process control: XmR charts with the NHS "Making Data Count" rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_POINTS = 15  # fewer points give unreliable limits


@dataclass(frozen=True)
class XmRLimits:
    """Centre line and natural process limits of an XmR chart."""

    mean: float
    mean_moving_range: float
    upper: float
    lower: float

    @property
    def sigma(self) -> float:
        """Estimated process standard deviation (mean moving range / 1.128)."""
        return self.mean_moving_range / 1.128


def xmr_limits(values: pd.Series) -> XmRLimits:
    """Limits ``mean ± 2.66 × mean moving range``.

    >>> float(xmr_limits(pd.Series([10, 12, 10, 12])).upper)
    16.32
    """
    v = values.astype("float64").to_numpy()
    mean = float(v.mean())
    mr = float(np.abs(np.diff(v)).mean()) if len(v) > 1 else 0.0
    return XmRLimits(mean, mr, round(mean + 2.66 * mr, 10), round(mean - 2.66 * mr, 10))


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Mark every point that belongs to a run of at least ``length`` consecutive True values."""
    out = np.zeros(len(mask), dtype=bool)
    start = None
    for i, flag in enumerate(list(mask) + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def special_causes(values: pd.Series, limits: XmRLimits | None = None) -> pd.DataFrame:
    """Flag special-cause variation per point.

    Columns: ``outside_limits`` (beyond a process limit), ``shift`` (part of a run of 7 or more
    on one side of the mean), ``trend`` (part of 6 or more points each rising or each falling),
    ``near_limit`` (2 of 3 consecutive points beyond two sigma on the same side), and ``any``.
    """
    limits = limits or xmr_limits(values)
    v = values.astype("float64").to_numpy()
    outside = (v > limits.upper) | (v < limits.lower)
    shift = _runs(v > limits.mean, 7) | _runs(v < limits.mean, 7)
    diffs = np.diff(v)
    rising = _runs(diffs > 0, 5)  # 5 rises join 6 points
    falling = _runs(diffs < 0, 5)
    trend = np.zeros(len(v), dtype=bool)
    for i in np.flatnonzero(rising | falling):
        trend[i] = trend[i + 1] = True
    near = np.zeros(len(v), dtype=bool)
    two_sigma_hi = limits.mean + 2 * limits.sigma
    two_sigma_lo = limits.mean - 2 * limits.sigma
    for side in (v > two_sigma_hi, v < two_sigma_lo):
        for i in range(len(v) - 2):
            window = side[i : i + 3]
            if window.sum() >= 2:
                near[i : i + 3] |= window
    frame = pd.DataFrame(
        {"value": v, "outside_limits": outside, "shift": shift, "trend": trend, "near_limit": near},
        index=values.index,
    )
    frame["any"] = frame[["outside_limits", "shift", "trend", "near_limit"]].any(axis=1)
    return frame
