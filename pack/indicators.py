"""Indicator rows: one per indicator, the same columns in every notebook.

``indicator_id, indicator, baseline_label, baseline_value, current_label, current_value, change,
pct_change, better_when, status, source`` (then ``unit`` and ``note``). ``status`` is one of
``improved``, ``worse``, ``no significant change``, ``no comparison``, ``not supplied``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pack.catalogue import MIIndicator
from pack.measures import count_status, direction_status, percentage_change, window_total
from pack.periods import Window, describe_months, missing_months

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
]
STATUSES = ("improved", "worse", "no significant change", "changed", "no comparison", "not supplied")


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


def not_supplied(indicator_id: str, name: str, needs: str, better_when: str = "n/a", unit: str = "") -> IndicatorRow:
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
        unit,
        f"not supplied: needs {needs}",
    )


def compare_values(
    indicator_id: str,
    name: str,
    baseline_label: str,
    baseline: float | None,
    current_label: str,
    current: float | None,
    better_when: str,
    source: str,
    unit: str = "",
    status: str | None = None,
    note: str = "",
) -> IndicatorRow:
    """Row for two values; status by direction unless given."""
    if current is None:
        return IndicatorRow(
            indicator_id,
            name,
            baseline_label,
            baseline,
            current_label,
            None,
            None,
            None,
            better_when,
            "no comparison",
            source,
            unit,
            note,
        )
    if baseline is None:
        return IndicatorRow(
            indicator_id,
            name,
            baseline_label,
            None,
            current_label,
            current,
            None,
            None,
            better_when,
            status or "no comparison",
            source,
            unit,
            note,
        )
    change = current - baseline
    return IndicatorRow(
        indicator_id,
        name,
        baseline_label,
        baseline,
        current_label,
        current,
        change,
        percentage_change(baseline, current),
        better_when,
        status or direction_status(baseline, current, better_when),
        source,
        unit,
        note,
    )


def count_indicator(
    indicator_id: str,
    name: str,
    monthly: pd.Series,
    covered: list[str],
    baseline: Window,
    current: Window,
    better_when: str,
    source: str,
    unit: str = "",
) -> IndicatorRow:
    """Compare the counts of two equal-length windows with an exact Poisson test.

    ``covered`` lists the months the input covers. A window that is not fully covered is left
    empty (never a short total) and the note names the missing months.
    """

    def total(window: Window) -> tuple[float | None, str]:
        missing = missing_months(window, covered)
        if missing:
            return None, f"{window.label} not covered: missing {describe_months(missing)}"
        return window_total(monthly, window), ""

    cur, cur_gap = total(current)
    base, base_gap = total(baseline) if cur is not None else (None, "")
    if cur is None or base is None:
        return compare_values(
            indicator_id,
            name,
            baseline.label,
            base,
            current.label,
            cur,
            better_when,
            source,
            unit,
            note=cur_gap or f"baseline {base_gap}",
        )
    status = count_status(base, cur, baseline.days, current.days, better_when)
    return compare_values(
        indicator_id,
        name,
        baseline.label,
        base,
        current.label,
        cur,
        better_when,
        source,
        unit,
        status=status,
        note="exact Poisson test of the two daily rates at the 5% level",
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


def mi_indicator(mi: pd.DataFrame | None, meta: MIIndicator, baseline: Window, current: Window) -> IndicatorRow:
    """Row for a management-information indicator.

    Current: the latest value whose period ends by the end of the reporting period. Baseline:
    the latest value whose period ends by the end of the baseline window (for counts, only a
    period of the same length is comparable). Status by direction only: MI has no sampling model.
    """
    rows = None if mi is None else mi[mi["indicator_id"] == meta.id]
    if rows is None or rows.empty:
        return not_supplied(
            meta.id, meta.name, f"management information row(s) '{meta.id}'", meta.better_when, meta.unit
        )
    rows = rows.sort_values(["period_end", "period_start"])
    current_end = f"{current.end}-{current.end.days:02d}"
    baseline_end = f"{baseline.end}-{baseline.end.days:02d}"
    cur_rows = rows[rows["period_end"] <= current_end]
    source = "; ".join(sorted({s for s in rows["source"] if s})) or "management information"
    if cur_rows.empty:
        return IndicatorRow(
            meta.id,
            meta.name,
            "",
            None,
            "",
            None,
            None,
            None,
            meta.better_when,
            "no comparison",
            source,
            meta.unit,
            f"no value for a period ending by {current.end.name}",
        )
    cur = cur_rows.iloc[-1]
    base_rows = rows[rows["period_end"] <= baseline_end]
    note = "management information: direction of change only, no significance test"
    if meta.kind == "count":
        length = pd.Timestamp(cur["period_end"]) - pd.Timestamp(cur["period_start"])
        base_rows = _same_length(base_rows, length)
        if base_rows.empty:
            earlier = rows[rows["period_end"] < cur["period_start"]]
            earlier = _same_length(earlier, length)
            if not earlier.empty:
                base_rows = earlier
                note += "; compared with the previous period of the same length (none ends by the baseline)"
    if meta.kind == "level" and base_rows.empty:
        earliest = rows.iloc[0]
        if earliest["period_end"] < cur["period_end"]:
            base_rows = rows.iloc[:1]
            note += "; baseline is the earliest value supplied"
    cur_label = _period_label(cur["period_start"], cur["period_end"])
    if base_rows.empty:
        return compare_values(
            meta.id, meta.name, "", None, cur_label, float(cur["value"]), meta.better_when, source, meta.unit, note=note
        )
    base = base_rows.iloc[-1]
    return compare_values(
        meta.id,
        meta.name,
        _period_label(base["period_start"], base["period_end"]),
        float(base["value"]),
        cur_label,
        float(cur["value"]),
        meta.better_when,
        source,
        meta.unit,
        note=note,
    )


def indicator_table(rows: list[IndicatorRow]) -> pd.DataFrame:
    """Rows as a DataFrame with the standard columns, in the order given."""
    frame = pd.DataFrame([asdict(r) for r in rows], columns=COLUMNS)
    bad = set(frame["status"]) - set(STATUSES)
    if bad:
        raise ValueError(f"unknown status value(s): {bad}")
    return frame


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula, neutralised by a leading ``'`` (OWASP's
    CSV-injection rule: text beginning ``=``, ``+``, ``-``, ``@``, tab or carriage return); numbers,
    and text that is a plain negative number, unchanged.

    >>> [spreadsheet_safe(v) for v in ("=HYPERLINK(1)", "@SUM(A1)", "+1", "-2+3", "-12.5", "Derby", -4.0)]
    ["'=HYPERLINK(1)", "'@SUM(A1)", "'+1", "'-2+3", '-12.5', 'Derby', -4.0]
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv_text(value: object) -> object:
    """A text cell made :func:`spreadsheet_safe`, its line breaks written ``\\n`` (a lone carriage
    return would not be quoted, and would split the row for every reader)."""
    value = spreadsheet_safe(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a CSV deterministically (fixed float format, ``\\n`` line ends), every text cell and
    heading made :func:`spreadsheet_safe`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = frame.rename(columns=_csv_text)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(_csv_text, na_action="ignore")
    safe.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    return path


def write_indicator_table(frame: pd.DataFrame, output_dir: Path | str, stem: str) -> Path:
    """Write ``tables/<stem>-indicators.csv`` under ``output_dir``."""
    return write_csv(frame, Path(output_dir) / "tables" / f"{stem}-indicators.csv")
