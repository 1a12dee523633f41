"""Whatever sections a plan gives a priority, in whatever order, the notebook written from the templates
is a valid, thin, committed-style notebook: unique cell ids, every code cell compiles, one parameters
cell defining exactly the pack's parameters, each section's cells present once, in the plan's order."""

from __future__ import annotations

import ast
import json

import nbformat
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.catalogue import MEASURES, SECTIONS
from pack.notebook_templates import section
from pack.notebook_templates.assemble import notebook, priority_cells
from pack.params import NOTEBOOK_PARAMETERS
from pack.plan import PlanPriority, load_plan

PLAN = load_plan()


def priority_of(sections: list[str]) -> PlanPriority:
    measures = tuple(m for m, v in MEASURES.items() if v.section in sections)
    return PlanPriority(1, "01_any", "Any priority", "An aim.", tuple(sections), measures, (), None)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from(SECTIONS), min_size=1, max_size=len(SECTIONS), unique=True))
def test_any_sections_give_a_valid_notebook(sections):
    cells = priority_cells(PLAN, priority_of(sections))
    nb = notebook(cells, {"sections": sections})
    nbformat.validate(nb)
    ids = [c.id for c in cells]
    assert len(ids) == len(set(ids))
    for c in cells:
        if c.kind == "code":
            ast.parse(c.source)
            assert "def " not in c.source and "class " not in c.source  # notebooks stay thin
    tagged = [c for c in cells if "parameters" in c.tags]
    assert len(tagged) == 1
    assert [line.split(" = ")[0] for line in tagged[0].source.splitlines()] == list(NOTEBOOK_PARAMETERS)
    body = [c.id.split("-", 1)[0] for c in cells if c.id.split("-", 1)[0] in SECTIONS]
    assert list(dict.fromkeys(body)) == [s for s in sections if section(s).cells]  # in the plan's order
    assert all(body.count(s) == len(section(s).cells) for s in sections)
    json.dumps(nb)  # plain JSON, no objects


def test_a_section_adds_its_rows_and_its_data_quality_inputs_once():
    cells = priority_cells(PLAN, priority_of(["crime_groups", "comparators"]))
    rows = next(c.source for c in cells if c.id == "cell-05")
    assert rows.count('ctx.measures("crime_groups")') == 1
    quality = next(c.source for c in cells if c.id == "quality")
    assert quality == 'ctx.show_data_quality(["street", "population", "mi"])'
    setup = next(c.source for c in cells if c.id == "cell-03")
    assert setup.count('street = ctx.data.table("street_monthly")') == 1  # shared by both sections, read once
