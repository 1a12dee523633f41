"""The NHS "Making Data Count" SPC rules on plain arrays: XmR limits, special-cause rules, phases.

The rules follow NHSRplotthedots 0.2 (github.com/nhs-r-community/NHSRplotthedots: R/ptd_spc_standard.R
and R/ptd_calculate_point_type.R), the NHS-R Community's implementation of the MDC Excel tools:

- limits: ``mean ± 2.66 × mean moving range``; moving ranges at or above ``3.267 ×`` their mean are
  screened out and the mean moving range recomputed (NHSRplotthedots' default ``screen_outliers``,
  after Nelson 1982; the Excel tool does not screen);
- **outside limits**: a point strictly above the upper or below the lower process limit;
- **trend**: 7 points in a row each strictly higher (or each strictly lower) than the one before —
  the current MDC and NHSRplotthedots rule (older NHS Improvement guidance used 6); all 7 flagged;
- **two in three**: of 3 points in a row, at least 2 lie between 2 and 3 sigma (``2/3 × 2.66`` mean
  moving ranges) from the mean and all 3 are on the same side; the points near the limit are flagged;
- **shift**: 7 or more points in a row on the same side of the mean (a point on the mean breaks it).

When a point meets several rules it is labelled by the first of: outside limits, trend, two in three,
shift (NHSRplotthedots' order). Values equal within a relative 1e-9 count as equal, so rounding in a
mean never makes a constant series signal.

Rebasing (:func:`auto_breaks`) is this module's addition, written from MDC practice as the
NHSRplotthedots vignette "number of points required" puts it: limits are locked once enough points
exist, and when a long run appears above or below the mean they may be revised from the start of the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
NEAR = 2 * LIMIT / 3  # two sigma, as NHSRplotthedots' ``limitclose``
MR_SCREEN = 3.267  # upper limit of the moving-range chart (D4 x mean moving range)
SHIFT_LENGTH = 7
TREND_LENGTH = 7
MIN_POINTS = 15
_REL_TOL = 1e-9

METHOD = (
    "Monthly series are drawn as XmR (statistical process control) charts following NHS England's Making Data "
    "Count guidance. The centre line is the mean; the process limits are the mean plus or minus 2.66 times the "
    "average month-to-month change (very large changes set aside), the range ordinary variation stays within. "
    "Limits are drawn only with at least 15 months. A month is special-cause variation when it is outside the "
    "limits, part of 7 months in a row rising or falling, part of 7 or more months on one side of the mean, or "
    "one of 2 months out of 3 close to a limit on the same side. When a sustained shift (a run of 7 or more "
    "months on one side of the mean) leaves at least 15 months either side, the limits are recalculated from "
    "the start of the run, so each phase is judged against its own level. Special-cause months are improvement "
    "or concern according to the indicator's better direction, read by the direction the series moved: on the "
    "better side of the mean, or in a trend towards better, an improvement; on the worse side, or in a trend "
    "towards worse, a concern; where a phase holds a single change, the months before it are marked as the level "
    "the series moved away from, so a series that improved steadily carries no concern marker. The variation "
    "icon describes the latest month only."
)

RULE_WORDS = {
    ("outside", 1): "above the upper limit",
    ("outside", -1): "below the lower limit",
    ("trend", 1): "rising trend",
    ("trend", -1): "falling trend",
    ("two_in_three", 1): "2 of 3 near the upper limit",
    ("two_in_three", -1): "2 of 3 near the lower limit",
    ("shift", 1): "run above the mean",
    ("shift", -1): "run below the mean",
}
COMMON_CAUSE = "common cause"

VARIATION_MEANINGS = {
    "common_cause": ("Common cause variation", "only the variation expected of this process: no significant change"),
    "improvement_high": ("Special cause improvement (high)", "unusually high, and higher is better: an improvement"),
    "improvement_low": ("Special cause improvement (low)", "unusually low, and lower is better: an improvement"),
    "concern_high": ("Special cause concern (high)", "unusually high, and lower is better: a concern"),
    "concern_low": ("Special cause concern (low)", "unusually low, and higher is better: a concern"),
    "neutral_high": ("Special cause variation (high)", "unusually high; neither better nor worse for this measure"),
    "neutral_low": ("Special cause variation (low)", "unusually low; neither better nor worse for this measure"),
    "no_limits": ("No variation icon", f"too few points for limits (at least {MIN_POINTS} are needed)"),
}


@dataclass(frozen=True)
class RuleFlags:
    """Per-point results of the four rules for one phase (arrays as long as the phase)."""

    side: np.ndarray  # +1 above the mean, -1 below, 0 on it
    outside: np.ndarray  # bool
    trend: np.ndarray  # +1 part of a rising trend, -1 falling, 0 neither
    two_in_three: np.ndarray  # bool
    shift: np.ndarray  # bool

    def classify(self) -> tuple[list[str], np.ndarray]:
        """Each point's rule (in words, by precedence) and its sign: +1 high, -1 low, 0 common cause."""
        words: list[str] = []
        signs = np.zeros(len(self.side), dtype=int)
        for i in range(len(self.side)):
            if self.outside[i]:
                rule, sign = "outside", int(self.side[i])
            elif self.trend[i]:
                rule, sign = "trend", int(self.trend[i])
            elif self.two_in_three[i]:
                rule, sign = "two_in_three", int(self.side[i])
            elif self.shift[i]:
                rule, sign = "shift", int(self.side[i])
            else:
                words.append(COMMON_CAUSE)
                continue
            words.append(RULE_WORDS[(rule, sign)])
            signs[i] = sign
        return words, signs


def _direction(better_when: str) -> int:
    return {"higher": 1, "lower": -1}.get(better_when, 0)


def point_type(sign: int, better_when: str) -> str:
    """NHSRplotthedots' point type for a point whose signal is high (+1), low (-1) or none (0).

    >>> point_type(-1, "lower"), point_type(-1, "higher"), point_type(1, "n/a"), point_type(0, "lower")
    ('special_cause_improvement', 'special_cause_concern', 'special_cause_neutral_high', 'common_cause')
    """
    if sign == 0:
        return "common_cause"
    direction = _direction(better_when)
    if direction == 0:
        return "special_cause_neutral_high" if sign > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if sign * direction > 0 else "special_cause_concern"


BEFORE_IMPROVEMENT = "special_cause_before_improvement"
BEFORE_CONCERN = "special_cause_before_concern"


def _lone_outside(signs: np.ndarray, outside: np.ndarray | None) -> np.ndarray:
    """Points outside the limits with neither neighbour outside on the same side: spikes.

    >>> _lone_outside(np.array([1, 1, 0, 1, -1]), np.array([1, 1, 0, 1, 1], bool)).tolist()
    [False, False, False, True, True]
    """
    beyond = (np.zeros(len(signs), dtype=bool) if outside is None else np.asarray(outside, dtype=bool)) & (signs != 0)
    out = beyond.copy()
    for i in np.flatnonzero(beyond):
        for j in (i - 1, i + 1):
            if 0 <= j < len(signs) and beyond[j] and signs[j] == signs[i]:
                out[i] = False
    return out


def read_by_direction(
    signs: np.ndarray, better_when: str, outside: np.ndarray | None = None, side: np.ndarray | None = None
) -> list[str]:
    """Each point's type for one phase, read by the direction the series moved.

    A point on the better side of the mean, or in a trend towards better, is an improvement; on the
    worse side, or in a trend towards worse, a concern (:func:`point_type`). But when a phase holds a
    single change (its first month is special cause, and its special-cause months lie, in time
    order, first on one side of the mean (``side``) and then only on the other), the months before
    the change are the level the series moved away from, not events of their own: a steadily falling
    series whose better direction is lower is high at first only because it fell. Those of them
    judged by the old side are typed ``special_cause_before_improvement`` (or ``_before_concern``),
    so no improving series carries a concern marker and no worsening one an improvement marker. A
    lone month outside the limits (:func:`_lone_outside`) after the first keeps its judgement, and
    when the later months are only such spikes nothing is re-read: a spike is an event, not a level.

    >>> short = {"special_cause_before_improvement": "before", "special_cause_improvement": "better",
    ...          "special_cause_concern": "worse", "common_cause": "-"}
    >>> [short[t] for t in read_by_direction(np.array([1, 1, 0, -1, -1]), "lower")]  # the highs came before a fall
    ['before', 'before', '-', 'better', 'better']
    >>> [short[t] for t in read_by_direction(np.array([0, 1, 0, -1, -1]), "lower")]  # a high within a stable start
    ['-', 'worse', '-', 'better', 'better']
    """
    types = [point_type(int(s), better_when) for s in signs]
    direction = _direction(better_when)
    where = np.asarray(signs if side is None else side, dtype=int)
    special = np.flatnonzero(np.asarray(signs) != 0)
    if direction == 0 or not len(special) or special[0] != 0 or where[0] == 0:
        return types
    old = int(where[0])
    sides = where[special]
    switch = next((k for k, s in enumerate(sides) if s != old), None)
    if switch is None or any(s == old for s in sides[switch:]):
        return types  # no change of side, or more than one
    lone = _lone_outside(np.asarray(signs), outside)
    if all(lone[i] for i in special[switch:]):
        return types  # the "change" is spikes only, not a new level
    before = BEFORE_IMPROVEMENT if -old * direction > 0 else BEFORE_CONCERN
    old_kind = point_type(old, better_when)
    for i in special[:switch]:
        if types[i] == old_kind and (i == 0 or not lone[i]):
            types[i] = before
    return types


def _tolerance(*scales: float) -> float:
    """Absolute tolerance for "equal": a relative 1e-9 of the largest scale (at least 1e-9)."""
    return _REL_TOL * max(1.0, max((abs(float(s)) for s in scales), default=0.0))


def process_limits(values: np.ndarray, screen: bool = True) -> tuple[float, float]:
    """``(mean, mean moving range)`` of one phase, moving ranges screened as NHSRplotthedots does.

    >>> process_limits(np.array([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1.0]))
    (1.9444444444444444, 1.0)
    """
    v = np.asarray(values, dtype=float)
    mean = float(v.mean())
    if len(v) < 2:
        return mean, 0.0
    mr = np.abs(np.diff(v))
    amr = float(mr.mean())
    if screen and amr > 0:
        kept = mr[mr < MR_SCREEN * amr]
        amr = float(kept.mean())
    return mean, amr


def side_of(values: np.ndarray, centre: float) -> np.ndarray:
    """+1 above ``centre``, -1 below, 0 equal (within a relative 1e-9)."""
    d = np.asarray(values, dtype=float) - centre
    tol = _tolerance(centre, *np.asarray(values, dtype=float))
    return np.where(d > tol, 1, np.where(d < -tol, -1, 0))


def runs_of(side: np.ndarray, length: int) -> np.ndarray:
    """True for every point in a run of at least ``length`` equal, non-zero values of ``side``."""
    out = np.zeros(len(side), dtype=bool)
    start = 0
    for i in range(1, len(side) + 1):
        if i == len(side) or side[i] != side[start]:
            if side[start] != 0 and i - start >= length:
                out[start:i] = True
            start = i
    return out


def trend_directions(values: np.ndarray, length: int = TREND_LENGTH) -> np.ndarray:
    """+1 / -1 for points in a run of ``length`` points each higher / lower than the last, else 0.

    A point at the turn of a rising and a falling trend takes the direction of the trend to its right,
    as NHSRplotthedots does.

    >>> trend_directions(np.array([2, 1, 2, 3, 4, 5, 6, 7, 3])).tolist()
    [0, 1, 1, 1, 1, 1, 1, 1, 0]
    """
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return np.zeros(len(v), dtype=int)
    diff = np.diff(v)
    tol = _tolerance(*v)
    steps = np.where(diff > tol, 1, np.where(diff < -tol, -1, 0))
    rising = np.zeros(len(v), dtype=bool)
    falling = np.zeros(len(v), dtype=bool)
    for mask, sign in ((rising, 1), (falling, -1)):
        step_run = runs_of(np.where(steps == sign, sign, 0), length - 1)
        for i in np.flatnonzero(step_run):
            mask[i] = mask[i + 1] = True
    out = np.where(rising, 1, np.where(falling, -1, 0))
    both = np.flatnonzero(rising & falling)
    for i in both:  # the turn of a rising and a falling trend: the step to its right
        out[i] = int(steps[i]) if i < len(steps) and steps[i] != 0 else int(steps[i - 1])
    return out


def two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Points near a limit that are 2 of 3 in a row near it, all 3 on the same side of the mean.

    >>> two_in_three(np.array([0, 0, 1, 1, 0, 0, 0], bool), np.ones(7, int)).tolist()
    [False, False, True, True, False, False, False]
    """
    n = len(close)
    window_hit = np.zeros(n, dtype=bool)
    for j in range(n - 2):
        if close[j : j + 3].sum() >= 2 and abs(int(side[j : j + 3].sum())) == 3:
            window_hit[j : j + 3] = True
    return window_hit & close.astype(bool)


def evaluate(values: np.ndarray, mean: float, amr: float) -> RuleFlags:
    """Apply the four rules to one phase with its centre line ``mean`` and mean moving range ``amr``."""
    v = np.asarray(values, dtype=float)
    tol = _tolerance(mean, amr)
    side = side_of(v, mean)
    upper, lower = mean + LIMIT * amr, mean - LIMIT * amr
    outside = (v > upper + tol) | (v < lower - tol)
    close = ~outside & ((v > mean + NEAR * amr + tol) | (v < mean - NEAR * amr - tol))
    return RuleFlags(side, outside, trend_directions(v), two_in_three(close, side), runs_of(side, SHIFT_LENGTH))


def _run_start(side: np.ndarray, min_points: int, run_length: int) -> int | None:
    """The first position ``r`` (``min_points <= r <= len - min_points``) that starts a run of at least
    ``run_length`` equal non-zero sides, the point before it on another side; ``None`` if there is none."""
    for r in range(min_points, len(side) - min_points + 1):
        s = side[r]
        if s != 0 and side[r - 1] != s and bool(np.all(side[r : r + run_length] == s)):
            return r
    return None


def auto_breaks(values: np.ndarray, min_points: int = MIN_POINTS, run_length: int = SHIFT_LENGTH) -> list[int]:
    """Positions where a sustained shift starts a new phase (limits rebased), scanning left to right.

    A phase's centre is the mean of its first ``min_points`` points (its limits are "locked" there,
    as MDC practice has it). The phase ends at the first point ``r`` that starts a run of at least
    ``run_length`` points on one side of that centre (the point before ``r`` is not on that side, so a
    boundary is never inside a run), provided the phase keeps ``min_points`` points before ``r`` and
    the new phase has ``min_points`` from ``r`` on. When there is none (a level that falls steadily
    is on one side of its first points' mean from within them, so no run *starts* later), the centre
    line the chart draws, the mean of the phase's points, is scanned the same way. The next phase
    starts at ``r`` and is scanned the same way.

    >>> auto_breaks(np.array([12, 10] * 10 + [20, 22] * 10, dtype=float))  # first 15 average 11.07
    [20]
    >>> falling = np.array([float(100 - 2 * i + (i % 2)) for i in range(40)])  # 100, 99, 96, 95, ... 23
    >>> auto_breaks(falling)  # below the first 15's mean (86.5) from the 9th on; below the drawn mean (61.5) from 20
    [20]
    """
    v = np.asarray(values, dtype=float)
    breaks: list[int] = []
    start = 0
    while len(v) - start >= 2 * min_points:
        rest = v[start:]
        found = _run_start(side_of(rest, float(rest[:min_points].mean())), min_points, run_length)
        if found is None:
            found = _run_start(side_of(rest, float(rest.mean())), min_points, run_length)
        if found is None:
            break
        breaks.append(start + found)
        start += found
    return breaks


def episodes(sign: np.ndarray, start: int, stop: int) -> list[tuple[int, int, int]]:
    """Consecutive special-cause points with the same sign in ``start..stop``: ``(first, after last, sign)``.

    >>> episodes(np.array([0, 1, 1, -1, 0, -1]), 0, 6)
    [(1, 3, 1), (3, 4, -1), (5, 6, -1)]
    """
    out: list[tuple[int, int, int]] = []
    i = start
    while i < stop:
        if sign[i] == 0:
            i += 1
            continue
        j = i
        while j < stop and sign[j] == sign[i]:
            j += 1
        out.append((i, j, int(sign[i])))
        i = j
    return out
