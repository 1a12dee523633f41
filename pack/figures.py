"""What the data support: every number a reader sees is a :class:`Figure`, decided here once.

A :class:`Figure` is one value together with what it takes to show it honestly: its **window** (the
months it stands for), the months of that window its **inputs** do not cover, its **unit** and its
**as-at date**. Subject modules build their indicator rows, breakdown tables, chart series and
sentences from figures; this module alone turns them into text:

- a window the inputs do not cover in full gives ``not covered: missing 2020-06..2021-02`` (the
  inputs named when more than one is needed, e.g. street *and* outcome files for an outcome rate),
  never a short total;
- a value dated before its window starts gives ``out of date (as at 30 September 2019)``: it is
  never presented as current and never compared with anything;
- otherwise the number with its unit: ``27,591 incidents``, ``7.7%``, ``£4.3m``, ``6.5 seconds``.

Changes (:class:`Change`) follow the unit: shares (``%``) change in **percentage points**, rates
(``per 1,000 ...``) by their own unit, counts and amounts by a difference and a percentage, and a
count whose baseline is under :data:`SMALL_BASE` gets no percentage.

:class:`~pack.coverage.Coverage` (imported here with the figures) holds the months each input covers
(from the data-quality report); every window check goes through it. Monthly chart series
(:func:`chart_series`, :func:`spc_series`) run by calendar month, hold NaN where an input misses a
month, and end at the reporting period.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pack.coverage import Coverage
from pack.measures import calendar_series, percentage_change
from pack.periods import Month, Window, month_range, overlap
from pack.units import SMALL_BASE, Unit, number, unit

# units re-exported: a figure's unit is part of the record; and the coverage every figure is built on
__all__ = ["SMALL_BASE", "Coverage", "Unit", "unit"]

MIN_SPC_POINTS = 15  # NHS "Making Data Count": no process limits with fewer points
SPC_MONTHS = 60  # an XmR chart shows at most five years: enough for two phases of 15+ months after a shift

# ---------------------------------------------------------------------------------------------
# Figures


def _date_words(iso: str) -> str:
    """``2019-09-30`` -> ``30 September 2019``; other text unchanged."""
    try:
        stamp = pd.Timestamp(iso)
    except (ValueError, TypeError):
        return str(iso)
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


@dataclass(frozen=True)
class Figure:
    """One value a reader may see, with its window, coverage, unit and date.

    ``window`` is the window the value is reported for; ``period`` the months the value itself
    describes (the window for a total over it; one month for a headcount at a date). ``gap`` names
    the months of ``window`` the inputs do not cover (``""``: covered); ``as_at`` is the ISO date the
    value refers to (the end of its period); ``stale`` is set when that date is before ``window``
    starts; ``base`` is the count the value rests on (for the small-base rule).
    """

    value: float | None
    unit: Unit
    label: str = ""
    window: Window | None = None
    gap: str = ""
    as_at: str = ""
    stale: bool = False
    supplied: bool = True
    base: float | None = None
    period: Window | None = None
    stamp: str = ""  # what "as at ..." says, when not the date (a financial year: "2021/22")

    @property
    def state(self) -> Literal["shown", "not supplied", "not covered", "out of date", "no value"]:
        """Whether the value may be shown, and if not, why."""
        if not self.supplied:
            return "not supplied"
        if self.gap:
            return "not covered"
        if self.stale:
            return "out of date"
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return "no value"
        return "shown"

    @property
    def shown(self) -> float | None:
        """The value when it may be shown as a figure for its window; ``None`` otherwise."""
        return float(self.value) if self.state == "shown" else None

    def text(self) -> str:
        """The figure as readers see it.

        >>> w = Window(Month(2021, 4), Month(2022, 3))
        >>> Figure(None, unit("crimes"), w.label, w, gap="2020-06..2021-02").text()
        'not covered: missing 2020-06..2021-02'
        >>> dated(1839.0, "2019-09-30", w, unit("people")).text()
        'out of date (as at 30 September 2019): 1,839 people'
        """
        state = self.state
        if state == "not covered":
            return f"not covered: missing {self.gap}"
        if state == "out of date":
            stale = f"out of date (as at {self.stamp or (_date_words(self.as_at) if self.as_at else self.label)})"
            return stale + (f": {self.unit.format(float(self.value))}" if self.value is not None else "")
        if state == "not supplied":
            return "not supplied"
        if state == "no value":
            return "no figure"
        return self.unit.format(float(self.value))

    def why_not(self) -> str:
        """Why the value is not shown (``""`` when it is), naming the window."""
        state = self.state
        what = self.window.label if self.window is not None else self.label
        if state == "not covered":
            return f"{what} not covered: missing {self.gap}"
        if state == "out of date":
            return f"{self.text()}, before the {what} began" if self.window is not None else self.text()
        if state == "no value":
            return f"no figure for {what}"
        return "" if state == "shown" else state


def not_supplied(units: Unit) -> Figure:
    """A figure whose input was not supplied."""
    return Figure(None, units, supplied=False)


def covered_value(
    compute: Callable[[], float | None],
    window: Window,
    coverage: Coverage,
    needs: Sequence[str],
    units: Unit,
    base: Callable[[], float | None] | None = None,
) -> Figure:
    """A figure for ``window`` computed only when every input in ``needs`` covers it."""
    gap = coverage.gap(window, needs)
    if gap:
        return Figure(None, units, window.label, window, gap=gap, period=window)
    value = compute()
    return Figure(
        value, units, window.label, window, as_at=window.last_day, base=base() if base else None, period=window
    )


def window_total(series: pd.Series, window: Window, coverage: Coverage, needs: Sequence[str], units: Unit) -> Figure:
    """Total of a monthly series over ``window`` (its base is the total itself), when covered.

    >>> s = pd.Series(10, index=[f"2021-{m:02d}" for m in range(3, 13)])
    >>> c = Coverage({"street": tuple(s.index)})
    >>> window_total(s, Window(Month(2021, 3), Month(2021, 5)), c, ("street",), unit("crimes")).text()
    '30 crimes'
    >>> window_total(s, Window(Month(2021, 1), Month(2021, 3)), c, ("street",), unit("crimes")).text()
    'not covered: missing 2021-01..2021-02'
    """

    def total() -> float:
        return float(series.reindex(window.month_strings()).fillna(0).sum())

    return covered_value(total, window, coverage, needs, units, base=total)


def dated(
    value: float | None, as_at: str, window: Window, units: Unit, label: str = "", start: str = "", stamp: str = ""
) -> Figure:
    """A value that refers to a date (a headcount at 30 September, a budget year ending in March,
    a management-information figure for the period ``start`` .. ``as_at``), reported for ``window``:
    stale when ``as_at`` (the end of its period) is before ``window`` starts.

    >>> w = Window(Month(2021, 4), Month(2022, 3))
    >>> (dated(5.0, "2021-03-31", w, unit("£m")).state, dated(5.0, "2021-04-30", w, unit("£m")).state)
    ('out of date', 'shown')
    """
    end = Month.parse(as_at[:7])
    first = Month.parse(start[:7]) if start else end
    return Figure(
        value,
        units,
        label or f"at {_date_words(as_at)}",
        window,
        as_at=as_at,
        stale=as_at < window.first_day,
        base=value,
        period=Window(min(first, end), end),
        stamp=stamp,
    )


# ---------------------------------------------------------------------------------------------
# Changes


@dataclass(frozen=True)
class Change:
    """A baseline figure against a current one: difference and percentage as the unit allows."""

    baseline: Figure
    current: Figure

    @property
    def comparable(self) -> bool:
        """Both figures may be shown."""
        return self.baseline.shown is not None and self.current.shown is not None

    @property
    def shared_months(self) -> list[Month]:
        """Months both figures' periods contain (two totals over them are not independent)."""
        if self.baseline.period is None or self.current.period is None:
            return []
        return overlap(self.baseline.period, self.current.period)

    @property
    def same_figure(self) -> bool:
        """Baseline and current are one figure (the same date and value): never compared."""
        b, c = self.baseline, self.current
        return bool(b.as_at) and b.as_at == c.as_at and b.label == c.label and b.value == c.value

    @property
    def difference(self) -> float | None:
        """Current minus baseline, in the unit's change unit (percentage points for shares)."""
        if not self.comparable:
            return None
        return float(self.current.shown) - float(self.baseline.shown)

    @property
    def small_base(self) -> bool:
        """A count whose baseline is under :data:`SMALL_BASE`: no percentage."""
        base = self.baseline.base if self.baseline.base is not None else self.baseline.shown
        return self.baseline.unit.kind == "count" and base is not None and abs(base) < SMALL_BASE

    @property
    def percent(self) -> float | None:
        """Percentage change, only for counts (on a base of :data:`SMALL_BASE` or more) and amounts."""
        if not self.comparable or not self.current.unit.percentage_allowed or self.small_base:
            return None
        return percentage_change(float(self.baseline.shown), float(self.current.shown))

    def text(self) -> str:
        """The change for a table cell: ``down 29,349 incidents (50.0%)``, ``down 2.0 percentage
        points``, ``up 4 casualties`` (a small base: no percentage), ``no change``; ``""`` when not
        comparable."""
        diff = self.difference
        if diff is None:
            return ""
        if math.isclose(diff, 0.0, abs_tol=1e-12):
            return "no change"
        words = f"{'up' if diff > 0 else 'down'} {self.current.unit.format_change(diff)}"
        pct = self.percent
        return words + (f" ({abs(pct):.1f}%)" if pct is not None else "")

    def movement(self) -> str:
        """The change inside a sentence: ``fell by 50% (from 58,658 to 29,309 incidents)``, ``fell by
        2.0 percentage points (from 7.7% to 5.7%)``, ``rose by 4 (from 12 to 16 casualties)``."""
        diff = self.difference
        if diff is None:
            return ""
        cur = self.current
        base_text, cur_text = self.baseline.unit.format(self.baseline.shown), cur.unit.format(cur.shown)
        if cur.unit.kind == "count" and cur.unit.name:  # "from 58,658 to 29,309 incidents"
            base_text = number(self.baseline.shown, 1)
        if math.isclose(diff, 0.0, abs_tol=1e-12):
            return f"was unchanged ({cur_text})"
        verb = "rose" if diff > 0 else "fell"
        pct = self.percent
        if pct is not None and round(abs(pct)) == 0:
            return f"changed little (from {base_text} to {cur_text})"
        if pct is not None:
            size = f"{abs(pct):.0f}%"
        elif cur.unit.kind == "count":
            size = number(abs(diff), 1)
        else:
            size = cur.unit.format_change(diff)
        return f"{verb} by {size} (from {base_text} to {cur_text})"


# ---------------------------------------------------------------------------------------------
# Chart series and breakdowns


def chart_series(series: pd.Series, coverage: Coverage, needs: Sequence[str], end: Month) -> pd.Series:
    """A monthly series for a chart: every calendar month from the first month the inputs cover to
    ``end`` (the reporting period's last month, never later), NaN in a month any input in
    ``needs`` misses. Empty when no month up to ``end`` is covered. A rolling 12-month total over
    it (:func:`pack.measures.rolling_total`) is therefore NaN wherever its 12 months have a gap.

    >>> s = pd.Series([5, 6, 7, 8], index=["2024-01", "2024-02", "2024-03", "2024-04"])
    >>> c = Coverage({"street": ("2024-01", "2024-03", "2024-04")})
    >>> chart_series(s, c, ("street",), Month(2024, 3)).to_dict()
    {'2024-01': 5.0, '2024-02': nan, '2024-03': 7.0}
    """
    covered = [m for m in coverage.covered(needs) if Month.parse(m) <= end]
    if not covered:
        return pd.Series(dtype="float64", name=series.name).rename_axis("month")
    months = [str(m) for m in month_range(Month.parse(covered[0]), end)]
    values = series.astype("float64").reindex(months)
    values[~values.index.isin(covered)] = float("nan")
    return calendar_series(values.rename(series.name)).rename_axis("month")


def spc_series(
    series: pd.Series, coverage: Coverage, needs: Sequence[str], end: Month, months: int = SPC_MONTHS
) -> pd.Series:
    """The series for an XmR chart: at most ``months`` consecutive covered months ending at ``end``
    (the run after the last uncovered month, if any; empty if ``end`` itself is not covered)."""
    shown = chart_series(series, coverage, needs, end).iloc[-months:]
    if shown.empty or pd.isna(shown.iloc[-1]):
        return shown.iloc[0:0]
    gaps = [i for i, v in enumerate(shown.to_numpy()) if pd.isna(v)]
    return shown.iloc[gaps[-1] + 1 :] if gaps else shown


@dataclass(frozen=True)
class Breakdown:
    """A table with one column per covered window (``window.label``) and a sentence for each window
    left out because its inputs do not cover it."""

    table: pd.DataFrame
    windows: tuple[Window, ...]
    left_out: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        """The window columns shown."""
        return [w.label for w in self.windows]


def covered_windows(
    windows: Sequence[Window], coverage: Coverage, needs: Sequence[str], what: str
) -> tuple[tuple[Window, ...], tuple[str, ...]]:
    """``(windows covered, one sentence per window left out)`` for a breakdown of ``what``."""
    kept, left_out = [], []
    for window in windows:
        gap = coverage.gap(window, needs)
        if gap:
            left_out.append(f"No {what} for the {window.label}: not covered (missing {gap}).")
        else:
            kept.append(window)
    return tuple(kept), tuple(left_out)


def window_table(
    build: Callable[[Window], pd.DataFrame], window: Window, coverage: Coverage, needs: Sequence[str], what: str
) -> Breakdown:
    """``build(window)`` when the inputs cover ``window``; otherwise an empty table and the sentence
    saying why (the table is never built from part of the window)."""
    windows, left_out = covered_windows([window], coverage, needs, what)
    return Breakdown(build(window) if windows else pd.DataFrame(), windows, left_out)
