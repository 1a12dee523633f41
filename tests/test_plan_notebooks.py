"""A plan's notebooks are written from the section templates: Derbyshire's committed notebooks are
exactly what new-plan writes; new-plan never overwrites an edit unless asked; the build refuses a plan
whose notebooks are missing or not its priorities', naming what to run, before any kernel starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from commands import run_pack

from pack.catalogue import MEASURES, SECTIONS
from pack.errors import PlanError
from pack.notebook_templates import section
from pack.notebook_templates.assemble import plan_notebooks
from pack.notebook_templates.files import check_plan_notebooks, notebook_mismatches, write_plan_notebooks
from pack.plan import DEFAULT_PLAN_FILE, load_plan

ROOT = Path(__file__).resolve().parent.parent
STEMS = ["01_strong_local_policing", "02_neighbourhood_crime_asb", "03_road_safety", "04_rural_crime"]


def plan_copy(tmp_path: Path, notebooks: str = "nb", edit=lambda text: text) -> Path:
    """Derbyshire's plan copied into ``tmp_path`` with its notebooks in ``tmp_path/<notebooks>``."""
    text = DEFAULT_PLAN_FILE.read_text(encoding="utf-8")
    text = text.replace('notebooks = "../notebooks"', f'notebooks = "{notebooks}"')
    text = text.replace('published = "../data/published"', f'published = "{(ROOT / "data" / "published").as_posix()}"')
    path = tmp_path / "plan.toml"
    path.write_text(edit(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("plan_file", ["plans/derbyshire-2021-25.toml", "plans/nottinghamshire-2021-25.toml"])
def test_each_plans_committed_notebooks_are_what_new_plan_writes(plan_file, tmp_path):
    plan = load_plan(ROOT / plan_file)
    done = write_plan_notebooks(plan, folder=tmp_path / "out")
    assert len(done["written"]) == len(plan.priorities) + 2 and done["unchanged"] == []
    for path in done["written"]:
        committed = plan.notebooks / path.name
        fix = f"run_pack.py new-plan {plan_file} --update"
        assert committed.read_bytes() == path.read_bytes(), f"{path.name}: {fix}"


def test_the_same_plan_gives_the_same_bytes_and_records_what_it_came_from(tmp_path):
    plan = load_plan(plan_copy(tmp_path))
    assert plan_notebooks(plan) == plan_notebooks(plan)
    write_plan_notebooks(plan)
    again = write_plan_notebooks(plan)
    assert again["written"] == [] and len(again["unchanged"]) == 8
    recorded = json.loads((tmp_path / "nb" / "02_neighbourhood_crime_asb.ipynb").read_text())["metadata"]["pcc_pack"]
    assert recorded == {
        "written_by": "run_pack.py new-plan",
        "plan": "Derbyshire Police and Crime Plan 2021-25",
        "plan_file": "plan.toml",
        "stem": "02_neighbourhood_crime_asb",
        "priority": 2,
        "sections": ["crime_groups", "asb_hotspots", "comparators"],
    }


def test_new_plan_never_overwrites_an_edit_unless_asked(tmp_path):
    plan = load_plan(plan_copy(tmp_path))
    write_plan_notebooks(plan)
    edited = tmp_path / "nb" / "03_road_safety.ipynb"
    mine = edited.read_text().replace("KSI casualties per month", "KSI casualties per month (my note)")
    edited.write_text(mine)
    with pytest.raises(PlanError, match=r"03_road_safety.ipynb with other content .*--update"):
        write_plan_notebooks(plan)
    assert edited.read_text() == mine  # kept
    done = write_plan_notebooks(plan, update=True)
    assert done["written"] == [edited] and "my note" not in edited.read_text()


def test_new_plan_command_line_names_what_it_wrote_and_refuses_in_one_line(tmp_path):
    path = plan_copy(tmp_path)
    first = run_pack("new-plan", str(path))  # in this process (tests/commands.py): the script's messages and codes
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == f"written: {tmp_path / 'nb' / '01_strong_local_policing.ipynb'}"
    (tmp_path / "nb" / "04_rural_crime.ipynb").write_text("{}")
    second = run_pack("new-plan", str(path))
    assert second.returncode == 2 and second.stdout == ""
    assert second.stderr.count("\n") == 1 and "04_rural_crime.ipynb" in second.stderr and "--update" in second.stderr
    assert (tmp_path / "nb" / "04_rural_crime.ipynb").read_text() == "{}"


def test_notebooks_that_do_not_match_the_plan_are_named(tmp_path):
    write_plan_notebooks(load_plan(plan_copy(tmp_path)))
    assert notebook_mismatches(load_plan(plan_copy(tmp_path))) == []
    # the plan gives priority 3 another section than its notebook was written with
    more = 'sections = ["roads", "comparators"]'
    changed = load_plan(plan_copy(tmp_path, edit=lambda t: t.replace('sections = ["roads"]', more)))
    expected = "priority 3 sections: 03_road_safety.ipynb has roads, the plan roads, comparators"
    assert notebook_mismatches(changed) == [expected]
    (tmp_path / "nb" / "05_victim_support_safeguarding.ipynb").unlink()
    with pytest.raises(PlanError) as refused:
        check_plan_notebooks(changed)
    message = str(refused.value)
    stem = "05_victim_support_safeguarding"
    assert f"priority 5 stem '{stem}': {stem}.ipynb is missing" in message
    assert "\n" not in message
    run = f"Run: python run_pack.py new-plan {tmp_path / 'plan.toml'}"
    assert message.endswith(f"{run} (add --update to rewrite notebooks that exist)")


def test_the_build_refuses_a_plan_without_its_notebooks_before_any_kernel(tmp_path):
    path = plan_copy(tmp_path, notebooks="not-written-yet")
    out = tmp_path / "pack"
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    with pytest.raises(PlanError) as refused:
        build(BuildRequest(output_dir=out, plan_file=str(path)))
    assert "priority 1 stem '01_strong_local_policing': 01_strong_local_policing.ipynb is missing" in str(refused.value)
    assert "run_pack.py new-plan" in str(refused.value)
    assert not out.exists()


def test_every_section_has_a_template_whose_code_compiles():
    for name in SECTIONS:
        s = section(name)
        for cell in s.cells:
            if cell.kind == "code":
                compile(cell.source, f"{name}:{cell.id}", "exec")
        assert s.rows or name == "comparators", name  # every section but the comparison adds rows


def test_every_computed_measure_is_computed_by_its_sections_rows_line():
    """A template's rows line names the function that computes its measures (or ctx.measures)."""
    producers = {s: " ".join(section(s).rows) for s in SECTIONS}
    for m in MEASURES.values():
        if m.source == "computed":
            assert producers[m.section], f"{m.id}: section {m.section} has no rows line"


def test_cell_ids_are_unique_in_every_derbyshire_notebook():
    for stem, text in plan_notebooks(load_plan()).items():
        ids = [c["id"] for c in json.loads(text)["cells"]]
        assert len(ids) == len(set(ids)), stem
