"""Build parameters, parsed and checked once, handed to notebooks as plain values."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pack.errors import ParameterError
from pack.periods import Month, comparison_windows, default_baseline_end, parse_window
from pack.plan import load_plan, plan_parameter

# The names every notebook's tagged ``parameters`` cell defines, and nothing else.
NOTEBOOK_PARAMETERS = (
    "period_end",
    "window_months",
    "baseline_end",
    "data_dir",
    "output_dir",
    "police_force",
    "public",
    "suppress_below",
    "plan_file",
)


@dataclass(frozen=True)
class BuildParameters:
    """Everything that varies per run (the period, windows, data folder, force, disclosure, the plan
    file: ``""`` the default plan, else its path as :func:`pack.plan.plan_parameter` records it)."""

    period_end: str
    window: int | str
    baseline_end: str
    data_dir: str
    police_force: str
    public: bool = False
    suppress_below: int = 5
    plan_file: str = ""

    @classmethod
    def create(
        cls,
        *,
        period_end: str,
        window: int | str = 12,
        baseline_end: str | None = None,
        data_dir: str = "data/demo",
        police_force: str | None = None,
        public: bool = False,
        suppress_below: int = 5,
        plan_file: str = "",
    ) -> BuildParameters:
        """Check every value; raise :class:`ParameterError` with the rule broken (and
        :class:`~pack.errors.PlanError` for a plan file that is not a valid plan).

        With no ``police_force``, the plan's force. With no ``baseline_end``, a window shorter than 12
        months is compared with the same months a year earlier, any other with the plan baseline, or a
        year earlier when the plan sets none (:func:`pack.periods.default_baseline_end`)."""
        if not isinstance(plan_file, str) or "\n" in plan_file:
            raise ParameterError(f"plan file must be a path, got {plan_file!r}")
        plan = load_plan(plan_file)
        police_force = plan.force if police_force is None else police_force
        period = Month.parse(period_end, "period")
        window_value = parse_window(window)
        if baseline_end is None:
            baseline = default_baseline_end(period, window_value, plan.baseline_end)
        else:
            baseline = Month.parse(baseline_end, "baseline")
        comparison_windows(period, window_value, baseline)
        if not isinstance(police_force, str) or not police_force.strip() or len(police_force) > 100:
            raise ParameterError(f"police force must be a non-empty name, got {police_force!r}")
        if not isinstance(suppress_below, int) or not 1 <= suppress_below <= 100:
            raise ParameterError(f"suppression threshold must be a whole number 1..100, got {suppress_below!r}")
        if not isinstance(public, bool):
            raise ParameterError(f"public must be true or false, got {public!r}")
        if not isinstance(data_dir, str) or "\n" in data_dir:
            raise ParameterError(f"data folder must be a path, got {data_dir!r}")
        plan_given = plan_parameter(plan.file)
        return cls(
            str(period), window_value, str(baseline), data_dir, police_force.strip(), public, suppress_below, plan_given
        )

    def notebook_parameters(self, output_dir: str) -> dict:
        """Values injected into every notebook's ``parameters`` cell."""
        return {
            "period_end": self.period_end,
            "window_months": self.window,
            "baseline_end": self.baseline_end,
            "data_dir": self.data_dir,
            "output_dir": output_dir,
            "police_force": self.police_force,
            "public": self.public,
            "suppress_below": self.suppress_below,
            "plan_file": self.plan_file,
        }

    def as_dict(self) -> dict:
        """Plain dict (for the manifest)."""
        return asdict(self)
