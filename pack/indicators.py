"""Indicator rows: one per indicator, the same columns in every notebook, built from figures.

``indicator_id, indicator, baseline_label, baseline_value, current_label, current_value, change,
pct_change, better_when, status, source, unit, note`` then ``test`` (the significance test used, or
``none: ...`` and why), ``change_unit`` (``percentage points`` for shares), and the figures as readers
see them: ``baseline_text``, ``current_text``, ``change_text``.

Every row comes from two :class:`pack.figures.Figure` values through :func:`indicator_row`, the one
place that decides what a row may say: a value whose window is not covered, or which is out of date,
is left empty (its text says why) and never compared; windows that overlap are shown but not tested.
``status`` is one of nine words (:data:`STATUSES`): a tested comparison of two separate windows is
``improved``, ``worse`` or ``no significant change``; a comparison by direction alone (management
information, snapshots such as the workforce, demand such as calls per day, budgets, a count whose
months are too few to test) is ``up``, ``down`` or ``unchanged``, its ``test`` ``none: ...``; otherwise
``no comparison``, ``not supplied`` or ``out of date``.

Tests (named in the ``test`` column): counts over two windows by :func:`count_indicator` — a
quasi-Poisson comparison whose dispersion is estimated from the monthly series
(:func:`pack.overdispersion.compare_counts`); shares by :func:`share_indicator` — a two-proportion
test (:func:`pack.significance.compare_shares`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from pack.catalogue import OUTCOME_SHARES, MIIndicator
from pack.figures import Change, Coverage, Figure, dated, unit, window_total
from pack.measures import direction_status
from pack.overdispersion import MIN_MOVING_RANGES, compare_counts
from pack.periods import Window, comparison_basis, describe_months, season_reason
from pack.safe_csv import write_csv
from pack.significance import Comparison, compare_shares, significance_status
from pack.verdicts import STATUS_ORDER

COLUMNS = [
    "indicator_id",
    "indicator",
    "baseline_label",
    "baseline_value",
    "current_label",
    "current_value",
    "change",
    "pct_change",
    "better_when",
    "status",
    "source",
    "unit",
    "note",
    "test",
    "change_unit",
    "baseline_text",
    "current_text",
    "change_text",
    "tested",
    "test_reason",
    "follow_up_months",
    "comparison_basis",
    "benchmark",
]
STATUSES = STATUS_ORDER  # the nine words
TESTED_WORDS = ("improved", "worse", "no significant change")
# ``test_reason``: why a row's status is what it is, as a code set where the test is (or is not) made;
# ``tested`` is True exactly when the reason is ``tested``. Nothing reads this from the note's words.
REASONS = {
    "tested": "a significance test was made; the status is its verdict",
    "no_better_direction": "tested, but neither direction is better: the status is the direction, the test in the note",
    "direction_only": "no sampling model (management information, snapshots, demand, budgets): direction only",
    "too_few_months": "too few month-to-month changes to estimate how much the counts vary: direction only",
    "windows_overlap": "the two windows share months: not independent, not tested",
    "same_figure": "the baseline and current figures are one figure: not compared",
    "no_figure": "a figure is missing (window not covered, no value): not compared",
    "out_of_date": "the current figure is out of date: not compared",
    "not_supplied": "the input was not supplied",
    "not_tested": "not tested, for the reason the test column gives",
    "different_seasons": "windows shorter than a year in different calendar months: seasons are not change, not tested",
    "unequal_follow_up": "outcome shares whose follow-up is not equal or not stated: not compared",
}
COUNT_TEST = "quasi-Poisson comparison of two windows (dispersion from the monthly series), 5% level"
SHARE_TEST = "two-proportion z-test of two windows, 5% level"
DIRECTION_ONLY = "none: direction only"
NO_BETTER_DIRECTION = "none: direction only (neither direction is better)"
TOO_FEW_MONTHS = (
    f"none: too few months with records to estimate how much the counts vary (a test needs at least "
    f"{MIN_MOVING_RANGES} month-to-month changes from the start of the baseline to the end of the current window)"
)
NOT_COMPARED = "none: not compared"
MI_FOLLOW_UP = (
    "an outcome rate whose follow-up is not stated: a later period's cases may have had less time to reach an "
    "outcome, so the two figures are not compared"
)


@dataclass(frozen=True)
class IndicatorRow:
    """One row of an indicator table."""

    indicator_id: str
    indicator: str
    baseline_label: str
    baseline_value: float | None
    current_label: str
    current_value: float | None
    change: float | None
    pct_change: float | None
    better_when: str
    status: str
    source: str
    unit: str = ""
    note: str = ""
    test: str = NOT_COMPARED
    change_unit: str = ""
    baseline_text: str = ""
    current_text: str = ""
    change_text: str = ""
    tested: bool = False  # the status is a significance test's verdict (``test_reason`` == "tested")
    test_reason: str = "not_supplied"  # a code of :data:`REASONS`
    follow_up_months: int | None = None  # outcome shares: months after the crime month both windows are counted to
    comparison_basis: str = ""  # what the two windows are compared as (same months, equal follow-up, ...)
    benchmark: str = ""  # the current figure against a standard or its budget, in words (shown on a tile)


def not_supplied(
    indicator_id: str, name: str, needs: str, better_when: str = "n/a", unit_name: str = ""
) -> IndicatorRow:
    """A row for an indicator whose input was not supplied; says which input would fill it."""
    return IndicatorRow(
        indicator_id,
        name,
        "",
        None,
        "",
        None,
        None,
        None,
        better_when,
        "not supplied",
        "",
        unit_name,
        f"not supplied: needs {needs}",
        NOT_COMPARED,
        unit(unit_name).change_name,
        "",
        "not supplied",
        "",
        False,
        "not_supplied",
    )


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


class _Said(NamedTuple):
    """What a row says of its comparison: status ("" for the direction), test, note and reason code,
    and the baseline value, change and change text shown."""

    status: str
    test: str
    note: str
    reason: str
    base_value: float | None = None
    diff: float | None = None
    pct: float | None = None
    change_text: str = ""


def _compared(baseline: Figure, current: Figure, better_when: str, given: _Said) -> _Said:
    """The comparison :func:`indicator_row` may state: none for a stale current figure, a missing
    figure, one figure twice or windows that share months (each with its reason); else ``given``'s
    status (a test's verdict) or the direction of change, with the change shown."""
    note, base_value = given.note, baseline.shown
    if current.state == "out of date":  # a stale current figure is not compared with anything
        return _Said("out of date", NOT_COMPARED, _join(current.why_not(), note), "out_of_date")
    if current.shown is None:
        return _Said("no comparison", NOT_COMPARED, _join(current.why_not(), note), "no_figure", base_value)
    if base_value is None:
        why = "no comparable baseline figure" if baseline.state == "no value" else f"baseline {baseline.why_not()}"
        return _Said("no comparison", NOT_COMPARED, _join(why, note), "no_figure")
    change = Change(baseline, current)
    if change.small_base:
        note = _join(note, "base under 20: no percentage change")
    if change.same_figure:
        note = _join(f"the baseline and current figures are one figure ({current.label}): not compared", note)
        return _Said("no comparison", NOT_COMPARED, note, "same_figure", base_value)
    shown = (base_value, change.difference, change.percent, change.text())
    if change.shared_months:
        months = describe_months(change.shared_months)
        note = _join(f"the two windows share {months}: not independent, so not tested", note)
        return _Said("no comparison", f"none: windows overlap ({months})", note, "windows_overlap", *shown)
    status = given.status or direction_status(base_value, current.shown, better_when)
    return _Said(status, given.test, note, given.reason, *shown)


def indicator_row(
    indicator_id: str,
    name: str,
    baseline: Figure,
    current: Figure,
    better_when: str,
    source: str,
    *,
    status: str | None = None,
    test: str = DIRECTION_ONLY,
    note: str = "",
    reason: str = "direction_only",
    follow_up_months: int | None = None,
    basis: str = "",
    benchmark: str = "",
) -> IndicatorRow:
    """The row for ``baseline`` against ``current``: the one place that decides what it may say.

    ``basis`` says what the windows are compared as; by default the seasons of the two windows
    (:func:`pack.periods.comparison_basis`). ``follow_up_months`` is for outcome shares. ``benchmark``
    says the current figure against a standard or budget; kept only when the current figure is shown.

    - current not supplied: ``not supplied``; out of date: ``out of date`` (never compared);
      current or baseline not shown (window not covered, out of date, no figure): ``no comparison``,
      the note saying why;
    - windows that share months: values and change shown, ``no comparison``, not tested;
    - otherwise ``status`` (a test's verdict, with ``test`` naming it) or the direction of change.

    ``reason`` (a code of :data:`REASONS`) is why the status is what it is, given by the caller that
    made (or could not make) the test: ``tested`` with a tested verdict, else why not. The row's
    ``tested`` flag is set from it here, and a tested verdict without ``reason="tested"`` is refused.
    """
    if status in TESTED_WORDS and reason != "tested":
        raise ValueError(f"{indicator_id}: status {status!r} is a tested verdict but the reason given is {reason!r}")
    units = current.unit
    if not current.supplied:
        return not_supplied(indicator_id, name, note or "its input", better_when, units.name)
    texts = {
        "baseline_text": baseline.text() if (baseline.label or baseline.state != "no value") else "",
        "current_text": current.text(),
    }
    said = _compared(baseline, current, better_when, _Said(status or "", test, note, reason))
    base_value, cur_value = said.base_value, current.shown
    verdict, test, note, reason = said.status, said.test, said.note, said.reason
    diff, pct, change_text = said.diff, said.pct, said.change_text
    return IndicatorRow(
        indicator_id,
        name,
        baseline.label,
        base_value,
        current.label,
        cur_value,
        diff,
        pct,
        better_when,
        verdict,
        source,
        units.name,
        note,
        test,
        units.change_name,
        texts["baseline_text"],
        texts["current_text"],
        change_text,
        reason == "tested",
        reason,
        follow_up_months,
        basis or _basis(baseline, current),
        benchmark if cur_value is not None and current.state != "out of date" else "",
    )


def _basis(baseline: Figure, current: Figure) -> str:
    """The seasons of two windows of equal length in words; ``""`` when either is not a window."""
    b, c = baseline.window, current.window
    if b is None or c is None or b.length != c.length or b == c:
        return ""
    return comparison_basis(b, c)


def _percent(value: float) -> str:
    return f"{value:+.1f}%"


def comparison_note(result: Comparison) -> str:
    """A tested comparison in words, for a row's note: the estimate, its 95% interval, the p-value and
    (for counts) how much more the monthly counts vary than Poisson.

    >>> comparison_note(compare_shares(48, 80, 56, 70))
    'change +20.0 percentage points (95% interval +5.2 to +33.4), p = 0.008'
    """
    if not result.tested or result.estimate is None or result.p_value is None:
        return ""
    p = f"p = {result.p_value:.3f}" if result.p_value >= 0.001 else "p < 0.001"
    if result.null == 1.0:
        lo, hi = result.percent_interval or (float("nan"), float("nan"))
        text = f"rate {_percent(result.percent_change)} (95% interval {_percent(lo)} to {_percent(hi)}), {p}"
    else:
        text = (
            f"change {result.estimate:+.1f} percentage points (95% interval {result.lower:+.1f} to "
            f"{result.upper:+.1f}), {p}"
        )
    if result.dispersion is not None and result.dispersion > 1.0:
        text += (
            f"; monthly counts vary {result.dispersion**0.5:.1f} times as much as chance alone "
            f"(dispersion {result.dispersion:.1f})"
        )
    elif result.dispersion is not None:
        text += "; monthly counts vary no more than chance alone (dispersion 1, the Poisson floor)"
    return text


@dataclass(frozen=True)
class Judgement:
    """What a test (or the want of one) makes of a row: ``status`` (``None``: the direction), the
    ``test`` column, words for the note and the ``reason`` code (:data:`REASONS`)."""

    status: str | None
    test: str
    note: str
    reason: str


def status_from(result: Comparison, better_when: str, test: str) -> Judgement:
    """The row's :class:`Judgement` from a comparison record, the one place a test becomes a status.

    Tested with a better direction: the test's verdict (``improved``, ``worse``, ``no significant
    change``: :func:`pack.significance.significance_status`), reason ``tested``. Tested with no better
    direction: direction only (``None``), the test's result in the note, reason ``no_better_direction``.
    Not tested: direction only, with the comparison's own reason code (``too_few_months``, ...).
    """
    if not result.tested:
        reason = result.reason or "not_tested"
        why = TOO_FEW_MONTHS if reason == "too_few_months" else f"none: {result.note.removeprefix('not tested: ')}"
        return Judgement(None, why, "", reason)
    words = comparison_note(result)
    if better_when not in ("higher", "lower"):
        significant = "statistically significant" if result.significant else "not statistically significant"
        return Judgement(
            None, NO_BETTER_DIRECTION, f"{test.split(',')[0]}: {significant} ({words})", "no_better_direction"
        )
    return Judgement(significance_status(result, better_when), test, words, "tested")


def count_indicator(
    indicator_id: str,
    name: str,
    monthly: pd.Series,
    coverage: Coverage,
    needs: Sequence[str],
    baseline: Window,
    current: Window,
    better_when: str,
    source: str,
    unit_name: str = "",
    note: str = "",
    untested: str = "",
    counterfactual: Callable[[], Judgement] | None = None,
) -> IndicatorRow:
    """Compare the counts of two equal-length windows of the monthly series ``monthly``.

    The test is :func:`pack.overdispersion.compare_counts`: a quasi-Poisson comparison of the two
    windows' daily rates whose dispersion (how much more than Poisson the monthly counts vary) is
    estimated from the series' month-to-month changes between the start of the baseline and the end
    of the current window. When those months are too few to estimate it (fewer than 5 changes, e.g.
    two adjacent one-month windows), the row is direction only (``up``/``down``/``unchanged``): a plain
    Poisson test would call ordinary month-to-month variation significant. With no better direction
    the row is direction only and the note gives the test's result.

    ``coverage`` says which months each input in ``needs`` covers. A window that is not fully
    covered is left empty (never a short total) and the note names the missing months. With
    ``untested`` (the reason) the counts are shown but not tested (``no comparison``). Windows that
    overlap are never tested (:func:`indicator_row`). With ``counterfactual`` (a section that tests
    the change against what happened elsewhere, e.g. hotspots against the rest of the force), its
    :class:`Judgement` is the row's verdict instead of the before/after test: one result, one verdict.
    """
    units = unit(unit_name)
    cur = window_total(monthly, current, coverage, needs, units)
    base = window_total(monthly, baseline, coverage, needs, units)
    judged = Judgement(None, DIRECTION_ONLY, "", "direction_only")
    if untested:
        judged = Judgement("no comparison", f"none: {untested}", "", "not_tested")
    elif cur.shown is not None and base.shown is not None and not Change(base, cur).shared_months:
        if counterfactual is not None:
            judged = counterfactual()
        else:
            covered = pd.Series(monthly.to_numpy(dtype="float64"), index=[str(m) for m in monthly.index])
            covered = covered[covered.index.isin(coverage.covered(needs))]
            judged = status_from(compare_counts(covered, baseline, current), better_when, COUNT_TEST)
    return _judged_row(indicator_id, name, base, cur, better_when, source, judged, note)


def _judged_row(
    indicator_id: str,
    name: str,
    base: Figure,
    cur: Figure,
    better_when: str,
    source: str,
    judged: Judgement,
    note: str,
    follow_up_months: int | None = None,
    basis: str = "",
) -> IndicatorRow:
    return indicator_row(
        indicator_id,
        name,
        base,
        cur,
        better_when,
        source,
        status=judged.status,
        test=judged.test,
        note=_join(judged.note, note),
        reason=judged.reason,
        follow_up_months=follow_up_months,
        basis=basis,
    )


def share_indicator(
    indicator_id: str,
    name: str,
    baseline: Figure,
    current: Figure,
    better_when: str,
    source: str,
    *,
    note: str = "",
    follow_up_months: int | None = None,
    basis: str = "",
) -> IndicatorRow:
    """Compare two shares (``%`` figures whose ``base`` is the number of cases, e.g. searches) with a
    two-proportion test (:func:`pack.significance.compare_shares`); the part is ``value x base / 100``.
    A share with no base (a figure that does not say how many cases it rests on) is direction only, and
    so are two windows shorter than a year in different calendar months
    (:func:`pack.periods.season_reason`)."""
    judged = Judgement(None, DIRECTION_ONLY, "", "direction_only")
    seasons = season_reason(baseline.window, current.window) if baseline.window and current.window else ""
    if seasons and baseline.shown is not None and current.shown is not None:
        judged = Judgement(None, f"none: {seasons.removeprefix('not tested: ')}", "", "different_seasons")
    elif (
        baseline.shown is not None
        and current.shown is not None
        and baseline.base
        and current.base
        and not Change(baseline, current).shared_months
    ):
        parts = [round(f.shown * f.base / 100.0) for f in (baseline, current)]
        result = compare_shares(parts[0], baseline.base, parts[1], current.base)
        judged = status_from(result, better_when, SHARE_TEST)
    return _judged_row(
        indicator_id, name, baseline, current, better_when, source, judged, note, follow_up_months, basis
    )


def _period_label(start: str, end: str) -> str:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31 and s.year == e.year:
        return f"{s.year}"
    if s == e:
        return f"at {e.day} {e.strftime('%B %Y')}"
    return f"{s.day} {s.strftime('%B %Y')} to {e.day} {e.strftime('%B %Y')}"


def _same_length(rows: pd.DataFrame, length: pd.Timedelta) -> pd.DataFrame:
    """Rows whose period is as long as ``length`` (within 3 days: months and years vary)."""
    spans = pd.to_datetime(rows["period_end"]) - pd.to_datetime(rows["period_start"])
    return rows[(spans - length).abs() <= pd.Timedelta(days=3)]


def _mi_figure(row: pd.Series | None, window: Window, units) -> Figure:
    if row is None:
        return Figure(None, units)
    start, end = str(row["period_start"]), str(row["period_end"])
    return dated(float(row["value"]), end, window, units, _period_label(start, end), start=start)


def _mi_baseline(
    rows: pd.DataFrame, cur: pd.Series, meta: MIIndicator, baseline: Window
) -> tuple[pd.Series | None, str]:
    """The MI row a current value is compared with, and how it was chosen (``""`` when it is simply the
    latest ending by the baseline window): for counts only a period of the same length (else the
    previous such period); for levels with none by the baseline, the earliest value supplied."""
    base_rows = rows[rows["period_end"] <= baseline.last_day]
    how = ""
    if meta.kind == "count":
        length = pd.Timestamp(cur["period_end"]) - pd.Timestamp(cur["period_start"])
        base_rows = _same_length(base_rows, length)
        if base_rows.empty:
            earlier = _same_length(rows[rows["period_end"] < cur["period_start"]], length)
            if not earlier.empty:
                base_rows = earlier
                how = "compared with the previous period of the same length (none ends by the baseline)"
    if meta.kind == "level" and base_rows.empty and rows.iloc[0]["period_end"] < cur["period_end"]:
        base_rows = rows.iloc[:1]
        how = "baseline is the earliest value supplied"
    return (base_rows.iloc[-1] if not base_rows.empty else None), how


def mi_indicator(mi: pd.DataFrame | None, meta: MIIndicator, baseline: Window, current: Window) -> IndicatorRow:
    """Row for a management-information indicator.

    Current: the latest value whose period ends by the end of the reporting period; a value whose
    period ended before the reporting window began is out of date. Baseline: the latest value whose
    period ends by the end of the baseline window (for counts, only a period of the same length is
    comparable). Status by direction only: MI has no sampling model.
    """
    units = unit(meta.unit)
    rows = None if mi is None else mi[mi["indicator_id"] == meta.id]
    if rows is None or rows.empty:
        return not_supplied(
            meta.id, meta.name, f"management information row(s) '{meta.id}'", meta.better_when, meta.unit
        )
    rows = rows.sort_values(["period_end", "period_start"])
    cur_rows = rows[rows["period_end"] <= current.last_day]
    source = "; ".join(sorted({s for s in rows["source"] if s})) or "management information"
    if cur_rows.empty:
        empty = Figure(None, units, current.label, current)
        return indicator_row(
            meta.id,
            meta.name,
            Figure(None, units),
            empty,
            meta.better_when,
            source,
            note=f"no value for a period ending by {current.end.name}",
        )
    cur = cur_rows.iloc[-1]
    base, how = _mi_baseline(rows, cur, meta, baseline)
    note = _join("management information: direction of change only, no significance test", how)
    status = test = basis = None
    reason = "direction_only"
    if meta.id in OUTCOME_SHARES:  # censoring: never compared without equal follow-up (pack.victims)
        status, test, basis = "no comparison", f"none: {MI_FOLLOW_UP}", "follow-up not stated (management information)"
        note, reason = f"{MI_FOLLOW_UP}; {note}", "unequal_follow_up"
    return indicator_row(
        meta.id,
        meta.name,
        _mi_figure(base, baseline, units),
        _mi_figure(cur, current, units),
        meta.better_when,
        source,
        status=status,
        test=test or DIRECTION_ONLY,
        note=note,
        reason=reason,
        basis=basis or "",
    )


def indicator_table(rows: list[IndicatorRow]) -> pd.DataFrame:
    """Rows as a DataFrame with the standard columns, in the order given."""
    frame = pd.DataFrame([asdict(r) for r in rows], columns=COLUMNS)
    bad = set(frame["status"]) - set(STATUSES)
    if bad:
        raise ValueError(f"unknown status value(s): {bad}")
    return frame


def write_indicator_table(frame: pd.DataFrame, output_dir: Path | str, stem: str) -> Path:
    """Write ``tables/<stem>-indicators.csv`` under ``output_dir``."""
    return write_csv(frame, Path(output_dir) / "tables" / f"{stem}-indicators.csv")
