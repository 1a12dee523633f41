"""What an indicator row may state of its comparison (:func:`pack.indicators.indicator_row` asks
:func:`compared`): no comparison for a stale current figure, a missing figure, one figure given
twice or two windows that share months (each with its reason code); otherwise the given test's
verdict or the direction of change, with the change shown. And what two windows are compared as
(:func:`windows_basis`: their seasons).
"""

from __future__ import annotations

from typing import NamedTuple

from pack.figures import Change, Figure
from pack.measures import direction_status
from pack.periods import comparison_basis, describe_months

NOT_COMPARED = "none: not compared"


def join_notes(*parts: str) -> str:
    """Notes joined by semicolons, empty ones left out.

    >>> join_notes("a", "", "b")
    'a; b'
    """
    return "; ".join(p for p in parts if p)


class Said(NamedTuple):
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


def compared(baseline: Figure, current: Figure, better_when: str, given: Said) -> Said:
    """The comparison :func:`indicator_row` may state: none for a stale current figure, a missing
    figure, one figure twice or windows that share months (each with its reason); else ``given``'s
    status (a test's verdict) or the direction of change, with the change shown."""
    note, base_value = given.note, baseline.shown
    if current.state == "out of date":  # a stale current figure is not compared with anything
        return Said("out of date", NOT_COMPARED, join_notes(current.why_not(), note), "out_of_date")
    if current.shown is None:
        return Said("no comparison", NOT_COMPARED, join_notes(current.why_not(), note), "no_figure", base_value)
    if base_value is None:
        why = "no comparable baseline figure" if baseline.state == "no value" else f"baseline {baseline.why_not()}"
        return Said("no comparison", NOT_COMPARED, join_notes(why, note), "no_figure")
    change = Change(baseline, current)
    if change.small_base:
        note = join_notes(note, "base under 20: no percentage change")
    if change.same_figure:
        note = join_notes(f"the baseline and current figures are one figure ({current.label}): not compared", note)
        return Said("no comparison", NOT_COMPARED, note, "same_figure", base_value)
    shown = (base_value, change.difference, change.percent, change.text())
    if change.shared_months:
        months = describe_months(change.shared_months)
        note = join_notes(f"the two windows share {months}: not independent, so not tested", note)
        return Said("no comparison", f"none: windows overlap ({months})", note, "windows_overlap", *shown)
    status = given.status or direction_status(base_value, current.shown, better_when)
    return Said(status, given.test, note, given.reason, *shown)


def windows_basis(baseline: Figure, current: Figure) -> str:
    """The seasons of two windows of equal length in words; ``""`` when either is not a window."""
    b, c = baseline.window, current.window
    if b is None or c is None or b.length != c.length or b == c:
        return ""
    return comparison_basis(b, c)
