"""An indicator table holds exactly the plan's measures, in the plan's order, whatever the sections
computed: rows the plan does not list are left out, an MI measure with no row is *not supplied*, and a
computed measure no section produced is refused naming the measure and its section."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pack.catalogue import MEASURES
from pack.errors import NotebookError
from pack.indicators import not_supplied
from pack.plan import PlanPriority
from pack.plan_table import plan_rows

CRIME = [m for m, v in MEASURES.items() if v.section == "crime_groups"]
MI = [m for m, v in MEASURES.items() if v.source == "mi"][:6]


def priority(measures) -> PlanPriority:
    return PlanPriority(1, "01_x", "X", "Aim.", ("crime_groups",), tuple(measures), (), None)


def computed(ids):
    return [not_supplied(i, MEASURES[i].name, "test", MEASURES[i].better_when, MEASURES[i].unit) for i in ids]


@given(st.permutations(CRIME + MI).flatmap(lambda ms: st.integers(0, len(ms)).map(lambda n: ms[:n])))
def test_the_table_is_the_plans_measures_in_the_plans_order(measures):
    rows = plan_rows(computed(CRIME), priority(measures))  # every crime group computed, no MI row
    assert [r.indicator_id for r in rows] == list(measures)
    assert all(r.status == "not supplied" for r in rows if r.indicator_id in MI)


def test_a_computed_measure_no_section_produced_is_refused_naming_it():
    with pytest.raises(NotebookError, match=r"measure 'robbery' \(section crime_groups\) was not computed"):
        plan_rows(computed(["burglary"]), priority(["burglary", "robbery"]))


def test_a_row_computed_twice_is_refused():
    with pytest.raises(NotebookError, match="'burglary' twice"):
        plan_rows(computed(["burglary", "burglary"]), priority(["burglary"]))
