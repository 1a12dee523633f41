"""One BuildRequest, made by the command line and by verify: the parameters a build records come
from it one way, and verify's request gives back the very parameters of the pack it rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.config import PROJECT_ROOT
from pack.errors import ParameterError
from pack.params import BuildParameters
from pack.pipeline.request import BuildRequest

PLAN_FORCE = "Derbyshire Constabulary"  # the default plan's force (plans/derbyshire-2021-25.toml)


def test_a_misspelt_option_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="winodw"):
        BuildRequest(period_end="2024-01", winodw=12)  # type: ignore[call-arg]


def test_the_command_lines_request_records_a_relative_folder_from_the_project_root() -> None:
    request = BuildRequest(data_dir="../anywhere/given", window=6)  # as typed, from some working folder
    params = request.parameters("2024-01", PROJECT_ROOT / "inputs" / "march")  # where it was found
    # no baseline given: a 6-month window is compared with the same months a year earlier, as the command
    # line's request is (the plan baseline is for windows of 12 months or more)
    assert params == BuildParameters(
        "2024-01", 6, "2023-01", "inputs/march", PLAN_FORCE, False, 5, "plans/derbyshire-2021-25.toml"
    )


def test_an_absolute_folder_is_recorded_as_given_and_a_named_period_beats_the_default() -> None:
    request = BuildRequest(data_dir="/srv/police-data", period_end="2023-03", public=True, suppress_below=10)
    params = request.parameters("2024-01", Path("/srv/police-data"))
    assert (params.period_end, params.data_dir, params.public, params.suppress_below) == (
        "2023-03",
        "/srv/police-data",
        True,
        10,
    )


def test_a_bad_value_is_refused_when_the_parameters_are_made() -> None:
    with pytest.raises(ParameterError, match="suppression threshold"):
        BuildRequest(suppress_below=0).parameters("2024-01", PROJECT_ROOT / "data" / "demo")


@st.composite
def pack_parameters(draw: st.DrawFn) -> BuildParameters:
    year = draw(st.integers(2023, 2030))  # (a baseline ending 2021-05 then never overlaps the period)
    period = f"{year}-{draw(st.integers(1, 12)):02d}"
    window = draw(st.one_of(st.integers(1, 12), st.just("fytd")))
    data_dir = draw(st.sampled_from(["data/demo", "../shared/real-data", "/srv/data", "inputs/2024 March"]))
    force = draw(st.sampled_from([PLAN_FORCE, "Leicestershire Police", "Police Scotland?"]))
    return BuildParameters.create(
        period_end=period,
        window=window,
        baseline_end="2021-05",
        data_dir=data_dir,
        police_force=force,
        public=draw(st.booleans()),
        suppress_below=draw(st.integers(1, 100)),
    )


@settings(max_examples=examples(60), deadline=None)
@given(pack_parameters(), st.sampled_from([Path("/tmp/copy-of-inputs"), PROJECT_ROOT / "elsewhere"]))
def test_verifys_request_gives_back_the_packs_own_parameters(params: BuildParameters, copy: Path) -> None:
    """Wherever verify finds the inputs (``--data`` names a copy), the rebuild records the pack's own
    parameters, data folder as the manifest has it: otherwise the rebuilt manifest would differ."""
    request = BuildRequest.from_parameters(params, data_folder=copy, force=True)
    assert request.parameters("1999-01", copy) == params
