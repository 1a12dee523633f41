"""The plan file reaches everything that used to read plan constants: parameters, the command line, the
notebook context, the Panel's paper and the build's outputs. Nothing of Derbyshire's is assumed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pack.catalogue import COMPUTED, MI_CATALOGUE
from pack.cli import main
from pack.data import Dataset
from pack.data.stage import prepare
from pack.errors import NotebookError
from pack.notebook import NotebookContext
from pack.paper import collect
from pack.params import BuildParameters
from pack.periods import comparison_windows
from pack.pipeline.render import rerun_command
from pack.plan import PlanPriority, load_plan
from pack.summary.scorecard import Tile

ROOT = Path(__file__).resolve().parent.parent

# Two priorities; the 999 calls are the second's, stop and search nobody's; no baseline, no target.
PLAN = """\
name = "Testshire Police and Crime Plan 2024-28"
years = "2024-28"
force = "Testshire Police"
publisher = "Office of the Testshire PCC"
contact = "mailto:pcc@example.org"
notebooks = "nb"

[[priorities]]
number = 1
stem = "01_safer_streets"
title = "Safer streets"
aim = "Less crime."
sections = ["crime_groups"]
measures = ["robbery", "burglary", "victim_satisfaction_pct"]
headlines = ["burglary"]

[[priorities]]
number = 2
stem = "02_answering_calls"
title = "Answering calls"
aim = "Calls answered quickly."
sections = ["calls"]
measures = ["answer_999_within_10s_pct"]
headlines = ["answer_999_within_10s_pct"]
"""


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    (tmp_path / "nb").mkdir()
    path = tmp_path / "testshire.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_force_and_baseline_default_to_the_plans(plan_file: Path) -> None:
    default = BuildParameters.create(period_end="2024-01")
    assert (default.police_force, default.baseline_end) == ("Derbyshire Constabulary", "2021-05")
    assert default.plan_file == "plans/derbyshire-2021-25.toml"  # recorded from the project root
    other = BuildParameters.create(period_end="2024-01", plan_file=str(plan_file))
    # a plan with no baseline: a 12-month window is compared with the 12 months a year earlier
    assert (other.police_force, other.baseline_end) == ("Testshire Police", "2023-01")
    assert other.plan_file == str(plan_file)  # outside the project: absolute
    assert other.notebook_parameters(".")["plan_file"] == str(plan_file)
    given = BuildParameters.create(period_end="2024-01", plan_file=str(plan_file), police_force="Kent Police")
    assert given.police_force == "Kent Police"


def test_the_rerun_command_names_a_plan_that_is_not_the_default(plan_file: Path) -> None:
    params = BuildParameters.create(period_end="2024-01", plan_file=str(plan_file))
    assert rerun_command(params) == (
        f"python run_pack.py build --period 2024-01 --window 12 --baseline 2023-01 --data data/demo --plan {plan_file}"
    )
    default = BuildParameters.create(period_end="2024-01", police_force="Kent Police")
    assert "--plan" not in rerun_command(default) and "--police-force 'Kent Police'" in rerun_command(default)


def test_a_bad_plan_is_refused_in_one_line_before_any_work(plan_file: Path, tmp_path: Path, capsys) -> None:
    plan_file.write_text(PLAN.replace('"robbery", ', '"robbery", "burglery", '), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--plan", str(plan_file), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {plan_file} line 14: priority 1 measures: unknown measure 'burglery' "
        "(did you mean 'burglary'? see the catalogue: run_pack.py measures)"
    ]
    assert not out.exists()
    assert main(["validate", "--plan", str(tmp_path / "none.toml")]) == 2
    assert "no such plan file" in capsys.readouterr().err


def test_measures_lists_the_catalogue(capsys) -> None:
    assert main(["measures"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(COMPUTED) + len(MI_CATALOGUE)
    assert "burglary: Burglary (crimes; better lower; computed in section crime_groups)" in lines
    assert "farm_watch_members: Farm Watch members (members; better higher; management information)" in lines


def test_the_uplift_is_judged_only_against_a_target_the_plan_sets(plan_file: Path) -> None:
    assert collect.uplift_target(load_plan(plan_file)) is None
    priority, target = collect.uplift_target(load_plan())
    assert (priority.number, target.value, target.by, target.base_date) == (1, 283.0, "2023-03-31", "2019-09-30")


def test_questions_go_to_the_priority_whose_section_wrote_the_table(plan_file: Path, tmp_path: Path) -> None:
    plan = load_plan(plan_file)
    out = tmp_path / "pack"
    (out / "tables").mkdir(parents=True)
    months = [f"2023-{m:02d}" for m in range(2, 13)] + ["2024-01"]
    bands = pd.DataFrame({"month": months, "answered_under_10s_pct": [95.0] * 11 + [80.0]})
    bands.to_csv(out / "tables" / "02_answering_calls-999-answer-bands.csv", index=False)
    tables = pd.DataFrame(columns=["indicator_id", "indicator", "status", "better_when", "stem", "priority"])
    statement = pd.DataFrame({"measure": ["Homicide"], "verdict": ["shown"]})
    tiles = [Tile(p, ()) for p in plan.priorities]
    ranked = collect.ranked_questions(
        tables, tiles, None, "not supplied", statement, out, "12 months ending January 2024"
    )
    # the 999 question belongs to "Answering calls" (the calls section), not to the plan's first priority
    assert ranked["priority"].tolist() == ["Answering calls"]
    assert ranked["question"].iloc[0].startswith("Fewer than 90% of 999 calls were answered within 10 seconds in 1 of")


def _context(plan_file: Path, fixture_dir: Path, tmp_path: Path, stem: str) -> NotebookContext:
    plan = load_plan(plan_file)
    params = BuildParameters.create(period_end="2024-01", plan_file=str(plan_file))
    baseline, current = comparison_windows("2024-01", 12, params.baseline_end)
    data = Dataset(prepare(fixture_dir, "Derbyshire Constabulary"))  # the hand-made files' force
    return NotebookContext(stem, "test", params, baseline, current, data, tmp_path, plan)


def test_the_indicator_table_holds_the_plans_measures_in_its_order(plan_file, fixture_dir, tmp_path) -> None:
    from pack.indicators import not_supplied

    mi = "indicator_id,period_start,period_end,value,unit,source\n"
    mi += "victim_satisfaction_pct,2023-12-31,2023-12-31,78,%,survey\n"
    (fixture_dir / "management-information.csv").write_text(mi, encoding="utf-8")
    ctx = _context(plan_file, fixture_dir, tmp_path / "out", "01_safer_streets")
    assert ctx.priority.title == "Safer streets" and ctx.measures("crime_groups") == ("robbery", "burglary")
    computed = [not_supplied(i, i, "street", "lower", "crimes") for i in ("burglary", "drugs", "robbery")]
    table = ctx.save_indicators(computed)
    # the plan's order; 'drugs', computed but not in the plan, is not shown; the MI measure comes from the
    # data folder's management information (78% at 31 December 2023, in the 12 months ending January 2024)
    assert table["indicator_id"].tolist() == ["robbery", "burglary", "victim_satisfaction_pct"]
    assert table["indicator"].iloc[2] == "Victim satisfaction" and table["current_value"].iloc[2] == 78
    written = pd.read_csv(tmp_path / "out" / "tables" / "01_safer_streets-indicators.csv")
    assert written["indicator_id"].tolist() == ["robbery", "burglary", "victim_satisfaction_pct"]
    with pytest.raises(NotebookError, match="lists the measure 'burglary'.*its section 'crime_groups' must run"):
        ctx.save_indicators(computed[2:])


@pytest.mark.slow
def test_a_default_builds_indicator_tables_are_the_plans_measures(demo_pack: Path) -> None:
    plan = load_plan()
    for p in plan.priorities:
        table = pd.read_csv(demo_pack / "tables" / f"{p.stem}-indicators.csv")
        assert tuple(table["indicator_id"]) == p.measures, p.stem
    manifest = json.loads((demo_pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["plan_file"] == "plans/derbyshire-2021-25.toml"
    assert manifest["plan"]["name"] == plan.name and len(manifest["plan"]["sha256"]) == 64


def test_a_priority_of_a_plan_is_found_by_stem_or_number(plan_file: Path) -> None:
    plan = load_plan(plan_file)
    assert plan.priority(2) == plan.priority("02_answering_calls")
    assert isinstance(plan.priority(2), PlanPriority)
    with pytest.raises(KeyError):
        plan.priority("03_roads")
    assert plan.notebook_file("02_answering_calls") == plan_file.parent / "nb" / "02_answering_calls.ipynb"
    assert plan.notebook_file("00_strategic_summary") == ROOT / "notebooks" / "00_strategic_summary.ipynb"


def test_verify_names_a_plan_file_changed_since_the_build(plan_file: Path) -> None:
    from pack.pipeline.audit import plan_differences
    from pack.store import sha256_file

    manifest = {"plan": {"file": str(plan_file), "sha256": sha256_file(plan_file)}}
    assert plan_differences(manifest, str(plan_file)) == []
    plan_file.write_text(PLAN.replace("Less crime.", "Less crime, faster."), encoding="utf-8")
    assert plan_differences(manifest, str(plan_file)) == [f"changed: the plan file {plan_file}"]
    plan_file.unlink()
    assert plan_differences(manifest, str(plan_file)) == [f"missing: the plan file {plan_file}"]
    assert plan_differences({}, str(plan_file)) == []  # a pack made before plans were files
