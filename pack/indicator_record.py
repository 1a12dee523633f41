"""The indicator table's row: the :class:`IndicatorRow` record, its columns (:data:`COLUMNS`, the same
in every notebook), the status words a row may carry, the reason codes saying why its status is what
it is (:data:`REASONS`), and the row of an indicator whose input was not supplied. The rules that
fill a row are :func:`pack.indicators.indicator_row`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from pack.figures import unit
from pack.row_comparison import NOT_COMPARED
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
