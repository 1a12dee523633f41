"""A priority's indicator table as its plan lists it: the plan's measures, in the plan's order.

The sections of a notebook may compute more rows than the plan reports (a section computes its
whole set; the plan chooses); those are left out of the table. A computed measure the plan lists
that no section produced is a fault of the notebook (a section missing or edited away), refused
naming the measure and the section; a management-information measure with no row is *not supplied*.
"""

from __future__ import annotations

from pack.catalogue import MEASURES, MI_CATALOGUE
from pack.errors import NotebookError
from pack.indicators import IndicatorRow, not_supplied
from pack.plan import PlanPriority


def plan_rows(rows: list[IndicatorRow], priority: PlanPriority) -> list[IndicatorRow]:
    """The rows of ``priority.measures``, in that order, from the ``rows`` the notebook computed
    (:class:`NotebookError` for a row computed twice or a computed measure missing)."""
    by_id: dict[str, IndicatorRow] = {}
    for row in rows:
        if row.indicator_id in by_id:
            raise NotebookError(f"{priority.stem}: the indicator rows hold '{row.indicator_id}' twice")
        by_id[row.indicator_id] = row
    chosen = []
    for measure_id in priority.measures:
        if measure_id in by_id:
            chosen.append(by_id[measure_id])
            continue
        measure = MEASURES[measure_id]
        if measure.source == "mi":
            meta = MI_CATALOGUE[measure_id]
            needs = f"management information row(s) '{measure_id}'"
            chosen.append(not_supplied(measure_id, meta.name, needs, meta.better_when, meta.unit))
            continue
        raise NotebookError(
            f"{priority.stem}: the plan's measure '{measure_id}' (section {measure.section}) was not computed by "
            f"the notebook: is the '{measure.section}' section in the priority's sections and its cells in the "
            "notebook? (run_pack.py new-plan PLAN --update rewrites it)"
        )
    return chosen
