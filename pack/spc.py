"""Statistical process control as NHS "Making Data Count" (MDC) does it: XmR charts that rebase.

API
---
``xmr(series, better_when="n/a", *, rebase=True, change_points=(), screen_moving_ranges=True) -> SPCResult``
    The whole analysis of one monthly series: phases (limits recalculated after a sustained shift or
    at known change points), each with its own mean and limits; every point's special-cause rule and
    whether it is an improvement, a concern or neither. Fewer than 15 points: no limits and no signals.
``SPCResult.points``
    One row per point (index as the series'): ``value, phase, mean, lower, upper, near_lower,
    near_upper, outside_limits, trend, near_limit, shift, special_cause, rule, rule_sign, point_type``
    (limits NaN where a phase has too few points). ``rule`` is in words ("run below the mean");
    ``rule_sign`` is +1 high, -1 low, 0 common cause; ``point_type`` is NHSRplotthedots' ``common_cause``,
    ``special_cause_improvement``, ``special_cause_concern``, ``special_cause_neutral_high`` or ``_low``,
    read by direction (:func:`pack.spc_rules.read_by_direction`: months before a phase's one change are
    ``special_cause_before_improvement`` or ``_before_concern``, not a concern).
``SPCResult.phases`` -> tuple of :class:`Phase` (first, last, limits, why it starts).
``SPCResult.variation`` -> :class:`Variation`: the MDC variation icon for the latest point, its
    label and its meaning in plain words (``VARIATION_MEANINGS`` has all of them, for a legend).
``describe(result, what=None) -> str``
    What happened, for a chart title: "sustained fall since mid-2022: limits recalculated from July
    2022; common-cause variation since", "common-cause variation only".
``xmr_limits``, ``special_causes``, ``XmRLimits``: the single-phase API, kept for callers (MDC rules below).

The rules (see :mod:`pack.spc_rules`, which follows NHSRplotthedots): limits ``mean ± 2.66 × mean
moving range`` with MDC moving-range screening; special cause = a point outside the limits, 7 points
rising or falling, 2 of 3 points beyond two sigma on one side, or 7 points in a row on one side of the
mean. At least 15 points before limits are drawn (:data:`MIN_POINTS`). Rebasing: with ``rebase=True``
a phase ends where a run of 7 or more points on one side of its mean starts, if both phases keep 15
points (see :func:`pack.spc_rules.auto_breaks`); ``change_points`` (labels from the index) split the
series first, e.g. at a known change in recording practice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pack.errors import ParameterError
from pack.periods import Month
from pack.spc_rules import (
    LIMIT,
    METHOD,
    MIN_POINTS,
    NEAR,
    VARIATION_MEANINGS,
    auto_breaks,
    episodes,
    evaluate,
    point_type,
    process_limits,
    read_by_direction,
)

__all__ = [
    "METHOD",
    "MIN_POINTS",
    "VARIATION_MEANINGS",
    "Phase",
    "point_type",
    "SPCResult",
    "Variation",
    "XmRLimits",
    "describe",
    "special_causes",
    "xmr",
    "xmr_limits",
]


@dataclass(frozen=True)
class XmRLimits:
    """Centre line and natural process limits of an XmR chart (one phase)."""

    mean: float
    mean_moving_range: float
    upper: float
    lower: float

    @property
    def sigma(self) -> float:
        """Estimated process standard deviation (mean moving range / 1.128)."""
        return self.mean_moving_range * LIMIT / 3

    @property
    def near_upper(self) -> float:
        """Two sigma above the mean: the inner edge of the "near the limit" band."""
        return self.mean + NEAR * self.mean_moving_range

    @property
    def near_lower(self) -> float:
        """Two sigma below the mean."""
        return self.mean - NEAR * self.mean_moving_range


@dataclass(frozen=True)
class Phase:
    """A stretch of the series with its own limits; ``limits`` is None when it has too few points."""

    first: str
    last: str
    start: int  # position of the first point
    stop: int  # position after the last point
    limits: XmRLimits | None
    reason: str  # why the phase starts where it does, in words
    automatic: bool = False  # started by a sustained shift found in the data

    @property
    def n(self) -> int:
        """Number of points in the phase."""
        return self.stop - self.start


@dataclass(frozen=True)
class Variation:
    """The MDC variation icon for the latest point: ``code`` names NHSRplotthedots' icon file."""

    code: str
    label: str
    meaning: str


@dataclass(frozen=True)
class SPCResult:
    """An XmR analysis: per-point table, phases, better direction, and why there are no limits if so."""

    points: pd.DataFrame
    phases: tuple[Phase, ...]
    better_when: str
    note: str = ""

    @property
    def has_limits(self) -> bool:
        """True when at least one phase has limits (so signals can exist)."""
        return any(p.limits is not None for p in self.phases)

    @property
    def variation(self) -> Variation:
        """The MDC variation icon, judged on the latest point as NHSRplotthedots does."""
        if self.points.empty or self.phases[-1].limits is None:
            return Variation("no_limits", *VARIATION_MEANINGS["no_limits"])
        kind = str(self.points["point_type"].iloc[-1])
        if kind == "common_cause":
            code = "common_cause"
        elif kind.startswith("special_cause_neutral"):
            code = kind.removeprefix("special_cause_")
        else:
            high = self.points["rule_sign"].iloc[-1] > 0
            code = f"{kind.removeprefix('special_cause_')}_{'high' if high else 'low'}"
        return Variation(code, *VARIATION_MEANINGS[code])

    @property
    def signals(self) -> pd.DataFrame:
        """The special-cause points only."""
        return self.points[self.points["special_cause"]]


def _limits(values: np.ndarray, screen: bool) -> XmRLimits:
    mean, amr = process_limits(values, screen)
    return XmRLimits(mean, amr, round(mean + LIMIT * amr, 10), round(mean - LIMIT * amr, 10))


def xmr_limits(values: pd.Series, screen: bool = True) -> XmRLimits:
    """Single-phase limits ``mean ± 2.66 × mean moving range`` (moving ranges screened as MDC).

    >>> float(xmr_limits(pd.Series([10, 12, 10, 12])).upper)
    16.32
    """
    return _limits(values.astype("float64").to_numpy(), screen)


def _label(key: object) -> str:
    return str(key)


def _positions(index: pd.Index, change_points: Iterable[object]) -> list[int]:
    labels = [_label(k) for k in index]
    out = []
    for cp in change_points:
        if _label(cp) not in labels:
            raise ParameterError(f"change point {cp!r} is not in the series (from {labels[0]} to {labels[-1]})")
        pos = labels.index(_label(cp))
        if pos == 0:
            raise ParameterError(f"change point {cp!r} is the first point: a change point starts a later phase")
        out.append(pos)
    return sorted(set(out))


def _phase_bounds(values: np.ndarray, known: list[int], rebase: bool) -> list[tuple[int, int, str, bool]]:
    bounds: list[tuple[int, int, str, bool]] = []
    edges = [0, *known, len(values)]
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        reason = "start of the series" if a == 0 else "known change point"
        starts = [(a, reason, False)]
        if rebase:
            starts += [(a + r, "sustained shift", True) for r in auto_breaks(values[a:b])]
        for (s, why, auto), nxt in zip(starts, [x[0] for x in starts[1:]] + [b], strict=True):
            bounds.append((s, nxt, why, auto))
    return bounds


def _numbers(series: pd.Series) -> np.ndarray:
    """The series' values as floats; a point missing or not a number is refused: an XmR chart needs every one."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    if values.isna().any():
        missing = ", ".join(_label(k) for k in values.index[values.isna()])
        raise ValueError(f"an XmR chart needs a value at every point; missing or not a number: {missing}")
    return values.to_numpy()


def xmr(
    series: pd.Series,
    better_when: str = "n/a",
    *,
    rebase: bool = True,
    change_points: Iterable[object] = (),
    screen_moving_ranges: bool = True,
) -> SPCResult:
    """Analyse a series as an MDC XmR chart: phases, limits, special causes, improvement or concern.

    ``better_when`` is ``"higher"``, ``"lower"`` or anything else for no better direction.

    >>> r = xmr(pd.Series([12, 10] * 10 + [20, 22] * 10), "lower")
    >>> [(p.first, p.last, p.limits.mean) for p in r.phases]
    [('0', '19', 11.0), ('20', '39', 21.0)]
    >>> int(r.points["special_cause"].sum()), r.variation.code
    (0, 'common_cause')
    """
    v = _numbers(series)
    labels = [_label(k) for k in series.index]
    n = len(v)
    columns = {name: np.full(n, np.nan) for name in ("mean", "lower", "upper", "near_lower", "near_upper")}
    flags = {name: np.zeros(n, dtype=bool) for name in ("outside_limits", "trend", "near_limit", "shift")}
    rule = np.array(["no limits"] * n, dtype=object)
    sign = np.zeros(n, dtype=int)
    kinds = np.array(["common_cause"] * n, dtype=object)
    phase_no = np.zeros(n, dtype=int)
    phases: list[Phase] = []
    note = ""
    if n < MIN_POINTS:
        note = f"{n} points: Making Data Count asks for at least {MIN_POINTS} before limits and signals"
        bounds = [(0, n, "start of the series", False)] if n else []
    else:
        bounds = _phase_bounds(v, _positions(series.index, change_points), rebase)
    for number, (a, b, why, auto) in enumerate(bounds, start=1):
        phase_no[a:b] = number
        limits = None
        if n >= MIN_POINTS and b - a >= MIN_POINTS:
            limits = _limits(v[a:b], screen_moving_ranges)
            for name in columns:  # mean, lower, upper, near_lower, near_upper
                columns[name][a:b] = getattr(limits, name)
            result = evaluate(v[a:b], limits.mean, limits.mean_moving_range)
            words, signs = result.classify()
            rule[a:b], sign[a:b] = words, signs
            kinds[a:b] = read_by_direction(signs, better_when, result.outside, result.side)
            flags["outside_limits"][a:b] = result.outside
            flags["trend"][a:b] = result.trend != 0
            flags["near_limit"][a:b] = result.two_in_three
            flags["shift"][a:b] = result.shift
        elif n >= MIN_POINTS:
            why += f" ({b - a} points: too few for limits, {MIN_POINTS} needed)"
        phases.append(Phase(labels[a], labels[b - 1], a, b, limits, why, auto))
    points = pd.DataFrame({"value": v, "phase": phase_no, **columns, **flags}, index=series.index)
    points["special_cause"] = sign != 0
    points["rule"] = pd.Series(list(rule), index=points.index, dtype="str")
    points["rule_sign"] = sign
    points["point_type"] = pd.Series(list(kinds), index=points.index, dtype="str")
    return SPCResult(points, tuple(phases), better_when, note)


def special_causes(values: pd.Series, limits: XmRLimits | None = None) -> pd.DataFrame:
    """Single-phase special-cause flags (no rebasing), for callers of the earlier API.

    Columns ``value, outside_limits, shift, trend, near_limit, any``, by the MDC rules of
    :mod:`pack.spc_rules` against ``limits`` (default :func:`xmr_limits`). Fewer than 15 points: no flags.
    """
    v = values.astype("float64").to_numpy()
    limits = limits or xmr_limits(values)
    frame = pd.DataFrame({"value": v}, index=values.index)
    for name in ("outside_limits", "shift", "trend", "near_limit"):
        frame[name] = False
    if len(v) >= MIN_POINTS:
        result = evaluate(v, limits.mean, limits.mean_moving_range)
        frame["outside_limits"] = result.outside
        frame["shift"] = result.shift
        frame["trend"] = result.trend != 0
        frame["near_limit"] = result.two_in_three
    frame["any"] = frame[["outside_limits", "shift", "trend", "near_limit"]].any(axis=1)
    return frame


def _month(label: str) -> Month | None:
    try:
        return Month.parse(label)
    except ParameterError:
        return None


def _name(label: str) -> str:
    month = _month(label)
    return month.name if month else label


def _rough(label: str) -> str:
    """``early 2022`` (January-April), ``mid-2022`` (May-August) or ``late 2022``."""
    month = _month(label)
    if month is None:
        return label
    part = "early " if month.month <= 4 else "mid-" if month.month <= 8 else "late "
    return f"{part}{month.year}"


def _kind(rule: str) -> str:
    if rule.startswith("run"):
        return "run"
    if rule.endswith("trend"):
        return "trend"
    return "near" if rule.startswith("2 of 3") else "outside"


def _episode_words(result: SPCResult, a: int, b: int, sign: int, now: bool) -> str:
    """One episode of special cause in words; ``now`` when it reaches the latest point."""
    labels = [_label(k) for k in result.points.index]
    unit, one = ("months", "month") if all(_month(x) is not None for x in labels) else ("points", "point")
    k, first, last = b - a, _name(labels[a]), _name(labels[b - 1])
    kinds = {_kind(r) for r in result.points["rule"].iloc[a:b]}
    side, limit, moving, unusual = (
        ("above", "upper", "rising", "high") if sign > 0 else ("below", "lower", "falling", "low")
    )
    span = f"since {first}" if now else f"from {first} to {last}"
    if kinds == {"outside"} and k == 1:
        text = f"latest {one} {side} the {limit} limit" if now else f"{last} {side} the {limit} limit"
    elif kinds == {"outside"}:
        text = f"{k} {unit} {side} the {limit} limit {span}"
    elif kinds == {"near"}:
        text = f"{k} {unit} near the {limit} limit {span}"
    elif kinds == {"run"}:
        text = f"{k} {unit} {side} the mean {span}"
    elif kinds == {"trend"}:
        text = f"{moving} for the last {k} {unit}" if now else f"{moving} for {k} {unit} to {last}"
    elif "trend" in kinds:
        text = f"{k} {unit} {moving} or unusually {unusual} {span}"
    else:
        text = f"{k} {unit} unusually {unusual} {span}"
    kind = str(result.points["point_type"].iloc[b - 1])
    judgement = {
        "special_cause_improvement": " (improvement)",
        "special_cause_concern": " (concern)",
        "special_cause_before_improvement": " (the level before the improvement)",
        "special_cause_before_concern": " (the level before the deterioration)",
    }.get(kind, "")
    return text + judgement


def describe(result: SPCResult, what: str | None = None) -> str:
    """What the chart shows, in words for its title, rather than a count of flagged points.

    The latest rebasing ("sustained fall since mid-2022: limits recalculated from July 2022") and the
    latest special-cause episode in the last phase, or "common-cause variation only".

    >>> months = [str(Month(2020, 11) + i) for i in range(40)]
    >>> describe(xmr(pd.Series([20, 22] * 10 + [10, 12] * 10, index=months)), "Burglary")
    'Burglary: sustained fall since mid-2022: limits recalculated from July 2022; common-cause variation since'
    """
    n = len(result.points)
    labels = [_label(k) for k in result.points.index]
    unit = "months" if n and all(_month(x) is not None for x in labels) else "points"
    if not result.has_limits:
        text = f"too few {unit} for control limits ({n}; at least {MIN_POINTS} needed)"
        return f"{what}: {text}" if what else text
    parts: list[str] = []
    last = result.phases[-1]
    if len(result.phases) > 1:
        prev = result.phases[-2]
        first = labels[last.start]
        if last.limits is None:
            parts.append(f"{last.n} {unit} since the change in {_name(first)}: too few for new limits")
        elif prev.limits is not None:
            higher = last.limits.mean > prev.limits.mean
            if last.automatic:
                moved = "rise" if higher else "fall"
                parts.append(f"sustained {moved} since {_rough(first)}: limits recalculated from {_name(first)}")
            else:
                level = "higher" if higher else "lower"
                parts.append(f"{level} since the change in {_name(first)}: limits recalculated from {_name(first)}")
    if last.limits is not None:
        sign = result.points["rule_sign"].to_numpy()
        found = episodes(sign, last.start, last.stop)
        if not found:
            parts.append("common-cause variation since" if parts else "common-cause variation only")
        else:
            a, b, s = found[-1]
            words = _episode_words(result, a, b, s, now=b == n)
            parts.append(words if b == n else f"{words}; common-cause variation since")
    text = "; ".join(parts)
    return f"{what}: {text}" if what else text
