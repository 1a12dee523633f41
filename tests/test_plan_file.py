"""The plan as a file: the default plan loads; every mistake is one line naming file, line and key."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.catalogue import COMPUTED, MEASURES, MI_CATALOGUE, SECTIONS
from pack.errors import PackError, PlanError
from pack.plan import DEFAULT_PLAN_FILE, Plan, PlanPriority, Target, load_plan

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
name = "Testshire Police and Crime Plan 2024-28"
years = "2024-28"
force = "Testshire Police"
publisher = "Office of the Testshire PCC"
contact = "https://example.org"
notebooks = "nb"

[[priorities]]
number = 1
stem = "01_safer_streets"
title = "Safer streets"
aim = "Less crime."
sections = ["crime_groups"]
measures = [
  "burglary",
  "robbery",
  "victim_satisfaction_pct",
]
headlines = ["burglary"]

[[priorities]]
number = 2
stem = "02_roads"
title = "Roads"
aim = "Fewer casualties."
sections = ["roads"]
measures = ["ksi_casualties"]
headlines = []
"""


TARGET = """
[[priorities.targets]]
measure = "ksi_casualties"
value = 100
by = 2028-03-31
kind = "level"
source = "p. 4"
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "nb").mkdir(exist_ok=True)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    return message[len(str(path)) :]


def test_the_default_plan_is_derbyshires_with_six_priorities() -> None:
    plan = load_plan()
    assert load_plan("") == plan and plan.file == DEFAULT_PLAN_FILE
    assert plan.name == "Derbyshire Police and Crime Plan 2021-25" and plan.force == "Derbyshire Constabulary"
    assert plan.baseline_end == "2021-05" and plan.years == "2021-25"
    assert [p.number for p in plan.priorities] == [1, 2, 3, 4, 5, 6]
    assert plan.notebooks == ROOT / "notebooks" and plan.published == ROOT / "data" / "published"
    assert plan.priority(4).stem == "04_rural_crime" and plan.priority("04_rural_crime").number == 4
    assert plan.priority(6).headlines == ("revenue_outturn_variance_pct",)
    # the uplift is the plan's target: 283 officers over the 30 September 2019 headcount by 31 March 2023
    assert plan.priority(1).targets == (
        Target(
            "officer_headcount", 283.0, "2023-03-31", "increase_over", "2019-09-30", plan.priority(1).targets[0].source
        ),
    )
    assert plan.target("officer_headcount") is plan.priority(1).targets[0]
    assert plan.priority(2).measures_of("crime_groups") == (
        "asb_incidents",
        "burglary",
        "serious_acquisitive_crime",
        "neighbourhood_crime",
        "possession_of_weapons",
    )
    assert plan.priority(2).measures_of("asb_hotspots") == ("hotspot_asb",)
    assert plan.priority(3).mi_measures[:2] == ("speedwatch_groups", "speedwatch_members")


def test_a_small_plan_loads_with_paths_from_its_folder(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, GOOD))
    assert plan.notebooks == tmp_path / "nb" and plan.published is None and plan.baseline_end is None
    assert plan.priorities[0] == PlanPriority(
        1,
        "01_safer_streets",
        "Safer streets",
        "Less crime.",
        ("crime_groups",),
        ("burglary", "robbery", "victim_satisfaction_pct"),
        ("burglary",),
        None,
    )
    assert plan.priorities[0].mi_measures == ("victim_satisfaction_pct",)


def test_an_unknown_measure_is_refused_on_its_own_line(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace('"robbery"', '"robbery",\n  "burglery"'))
    # line 17 holds "burglery" (the list's own key is on line 14)
    assert message.startswith(" line 17: priority 1 measures: unknown measure 'burglery' (did you mean 'burglary'?")
    assert "run_pack.py measures" in message


def test_a_headline_without_a_better_direction_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace('"robbery",', '"robbery",\n  "drugs",').replace(
        'headlines = ["burglary"]', 'headlines = ["drugs"]'
    )
    message = refused(tmp_path, text)
    assert message.startswith(" line 20: priority 1 headlines: 'drugs' has no better direction (better_when 'n/a')")


def test_a_headline_not_among_the_measures_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("headlines = []", 'headlines = ["killed_casualties"]'))
    assert message == " line 28: priority 2 headlines: 'killed_casualties' is not among this priority's measures"


def test_an_unknown_key_is_refused_with_the_key_meant(tmp_path: Path) -> None:
    assert refused(tmp_path, GOOD.replace('aim = "Fewer', 'aimm = "Fewer')) == (
        " line 25: priority 2 aimm: unknown key (did you mean 'aim'?)"
    )
    assert refused(tmp_path, GOOD.replace("years =", "yeers =")).startswith(" line 2: yeers: unknown key")


def test_a_missing_required_key_names_its_table(tmp_path: Path) -> None:
    assert refused(tmp_path, GOOD.replace('title = "Roads"\n', "")) == (
        " line 21: priority 2 title: required key missing"
    )
    assert refused(tmp_path, GOOD.replace('force = "Testshire Police"\n', "")) == " line ?: force: required key missing"


def test_priorities_numbered_wrong_or_badly_named_are_refused(tmp_path: Path) -> None:
    assert refused(tmp_path, GOOD.replace("number = 2", "number = 3")) == (
        " line 22: priority 2 number: expected 2 (priorities are numbered 1, 2, ... in order), got 3"
    )
    assert refused(tmp_path, GOOD.replace('"02_roads"', '"03_roads"')).startswith(
        " line 23: priority 2 stem: expected the notebook's name '02_name'"
    )


def test_a_computed_measure_needs_its_section(tmp_path: Path) -> None:
    message = refused(
        tmp_path, GOOD.replace('measures = ["ksi_casualties"]', 'measures = ["ksi_casualties", "hotspot_asb"]')
    )
    assert message == (
        " line 27: priority 2 measures: 'hotspot_asb' is computed by the section 'asb_hotspots', "
        "which is not in this priority's sections"
    )


def test_unknown_sections_targets_and_folders_are_refused(tmp_path: Path) -> None:
    assert refused(tmp_path, GOOD.replace('["roads"]', '["road"]')).startswith(
        " line 26: priority 2 sections: unknown section 'road'"
    )
    target = TARGET.replace("ksi_casualties", "ksi_casualtys")
    assert refused(tmp_path, GOOD + target).startswith(
        " line 31: priority 2 target 1 measure: unknown measure 'ksi_casualtys'"
    )
    level_with_base = TARGET.replace('kind = "level"', 'kind = "level"\nbase_date = "2024-01-01"')
    assert refused(tmp_path, GOOD + level_with_base).startswith(" line 35: priority 2 target 1 base_date:")
    # a notebooks folder not yet written is allowed (new-plan creates it; a build refuses it); a file is not
    (tmp_path / "a-file").write_text("x")
    assert refused(tmp_path, GOOD.replace('notebooks = "nb"', 'notebooks = "a-file"')).startswith(
        " line 6: notebooks: no such folder: a-file"
    )
    assert refused(tmp_path, GOOD.replace('years = "2024-28"', "years = 2024")).startswith(
        " line 2: years: expected a non-empty text in quotes, got 2024"
    )
    assert "not a valid TOML file" in refused(tmp_path, GOOD.replace('years = "2024-28"', "years = "))


def test_a_target_by_date_may_be_a_toml_date(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, GOOD + TARGET))
    assert plan.priority(2).targets == (Target("ksi_casualties", 100.0, "2028-03-31", "level", None, "p. 4"),)


def test_a_missing_plan_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="no such plan file"):
        load_plan(tmp_path / "none.toml")
    assert issubclass(PlanError, PackError)


def test_the_catalogue_has_each_measure_once_with_a_direction_and_a_source() -> None:
    assert not set(COMPUTED) & set(MI_CATALOGUE)
    assert len(MEASURES) == len(COMPUTED) + len(MI_CATALOGUE)
    for m in MEASURES.values():
        assert m.better_when in ("higher", "lower", "n/a") and m.unit
        assert (m.source == "computed") == (m.section in SECTIONS)


def test_crime_groups_in_the_catalogue_are_the_ones_the_pack_counts() -> None:
    from pack.crime import ACTIVITY_DRIVEN, CRIME_GROUPS

    groups = {i: m for i, m in COMPUTED.items() if m.section == "crime_groups"}
    assert set(groups) == set(CRIME_GROUPS)
    for i, m in groups.items():
        assert m.name == CRIME_GROUPS[i][0]
        assert m.better_when == ("n/a" if i in ACTIVITY_DRIVEN else "lower")


# ---- any valid plan round-trips: written as TOML, read back the same ----

_WORD = st.text(string.ascii_letters + string.digits + " .,'-", min_size=1, max_size=20).map(str.strip).filter(bool)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def _priority(draw: st.DrawFn, number: int) -> PlanPriority:
    sections = tuple(draw(st.lists(st.sampled_from(SECTIONS), unique=True, max_size=3)))
    allowed = [m for m in MEASURES.values() if m.source == "mi" or m.section in sections]
    measures = tuple(draw(st.lists(st.sampled_from([m.id for m in allowed]), unique=True, min_size=1, max_size=6)))
    directed = [m for m in measures if MEASURES[m].better_when != "n/a"]
    headlines = tuple(draw(st.lists(st.sampled_from(directed), unique=True, max_size=3))) if directed else ()
    targets = tuple(
        Target(draw(st.sampled_from(measures)), float(v), "2025-03-31", "increase_over", "2021-09-30", "plan p. 3")
        for v in draw(st.lists(st.integers(0, 999), max_size=2))
    )
    stem = f"{number:02d}_" + draw(st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,5})?", fullmatch=True))
    key = draw(st.none() | _WORD)
    return PlanPriority(number, stem, draw(_WORD), draw(_WORD), sections, measures, headlines, key, targets)


def _toml(plan: Plan) -> str:
    def names(values: tuple[str, ...]) -> str:
        return "[" + ", ".join(_quote(v) for v in values) + "]"

    out = [f"{k} = {_quote(getattr(plan, k))}" for k in ("name", "years", "force", "publisher", "contact")]
    out.append('notebooks = "nb"')
    if plan.baseline_end:
        out.append(f"baseline_end = {_quote(plan.baseline_end)}")
    for p in plan.priorities:
        out += ["", "[[priorities]]", f"number = {p.number}", f"stem = {_quote(p.stem)}"]
        out += [f"title = {_quote(p.title)}", f"aim = {_quote(p.aim)}", f"sections = {names(p.sections)}"]
        out += [f"measures = {names(p.measures)}", f"headlines = {names(p.headlines)}"]
        if p.consultation_key is not None:
            out.append(f"consultation_key = {_quote(p.consultation_key)}")
        for t in p.targets:
            out += ["[[priorities.targets]]", f"measure = {_quote(t.measure)}", f"value = {t.value}"]
            out += [
                f'by = "{t.by}"',
                f'kind = "{t.kind}"',
                f'base_date = "{t.base_date}"',
                f"source = {_quote(t.source)}",
            ]
    return "\n".join(out) + "\n"


@st.composite
def _plans(draw: st.DrawFn) -> Plan:
    n = draw(st.integers(1, 4))
    return Plan(
        file=Path("plan.toml"),
        name=draw(_WORD),
        years=draw(_WORD),
        force=draw(_WORD),
        baseline_end=draw(st.none() | st.sampled_from(["2021-05", "2019-12"])),
        publisher=draw(_WORD),
        contact=draw(_WORD),
        notebooks=Path("nb"),
        published=None,
        priorities=tuple(draw(_priority(i)) for i in range(1, n + 1)),
    )


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=_plans())
def test_any_valid_plan_round_trips(tmp_path: Path, plan: Plan) -> None:
    path = write(tmp_path, _toml(plan))
    loaded = load_plan(path)
    assert loaded == Plan(**{**plan.__dict__, "file": path.absolute(), "notebooks": tmp_path / "nb"})
