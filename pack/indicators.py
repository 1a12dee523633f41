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
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from pack.catalogue import OUTCOME_SHARES, MIIndicator
from pack.figures import Change, Coverage, Figure, dated, unit, window_total
from pack.indicator_record import COLUMNS, REASONS, STATUSES, TESTED_WORDS, IndicatorRow, not_supplied
from pack.overdispersion import compare_counts
from pack.periods import Window, season_reason
from pack.row_comparison import NOT_COMPARED, Said, compared, join_notes, windows_basis
from pack.row_judgement import NO_BETTER_DIRECTION, Judgement, status_from
from pack.safe_csv import write_csv
from pack.significance import compare_shares

# defined beside what they belong to, and part of this module's API: the row record and its reason codes
# (pack.indicator_record), the comparison a row may state (pack.row_comparison) and what a test makes of
# it (pack.row_judgement)
__all__ = [
    "COLUMNS",
    "NOT_COMPARED",
    "NO_BETTER_DIRECTION",
    "REASONS",
    "STATUSES",
    "IndicatorRow",
    "Judgement",
    "not_supplied",
    "status_from",
]

COUNT_TEST = "quasi-Poisson comparison of two windows (dispersion from the monthly series), 5% level"
SHARE_TEST = "two-proportion z-test of two windows, 5% level"
DIRECTION_ONLY = "none: direction only"
MI_FOLLOW_UP = (
    "an outcome rate whose follow-up is not stated: a later period's cases may have had less time to reach an "
    "outcome, so the two figures are not compared"
)


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
    if not current.supplied:
        return not_supplied(indicator_id, name, note or "its input", better_when, current.unit.name)
    said = compared(baseline, current, better_when, Said(status or "", test, note, reason))
    basis = basis or windows_basis(baseline, current)
    return _row(indicator_id, name, baseline, current, better_when, source, said, follow_up_months, basis, benchmark)


def _row(
    indicator_id: str,
    name: str,
    baseline: Figure,
    current: Figure,
    better_when: str,
    source: str,
    said: Said,
    follow_up_months: int | None,
    basis: str,
    benchmark: str,
) -> IndicatorRow:
    """The row's columns: the two figures (values and texts), what is ``said`` of their comparison,
    and the ``benchmark`` only when the current figure is shown."""
    units = current.unit
    return IndicatorRow(
        indicator_id,
        name,
        baseline.label,
        said.base_value,
        current.label,
        current.shown,
        said.diff,
        said.pct,
        better_when,
        said.status,
        source,
        units.name,
        said.note,
        said.test,
        units.change_name,
        baseline.text() if (baseline.label or baseline.state != "no value") else "",
        current.text(),
        said.change_text,
        said.reason == "tested",
        said.reason,
        follow_up_months,
        basis,
        benchmark if current.shown is not None and current.state != "out of date" else "",
    )


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
        note=join_notes(judged.note, note),
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
    note = join_notes("management information: direction of change only, no significance test", how)
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
