"""What a build is asked for: one :class:`BuildRequest`, made by the command line (``build``) and
by ``verify`` (from a pack's manifest), and read by :func:`pack.pipeline.run.build`.

A request holds the options as given; the build checks them (:meth:`BuildRequest.parameters` makes
the notebooks' :class:`~pack.params.BuildParameters` once the data, and so the default period,
are known).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pack.config import PROJECT_ROOT
from pack.params import BuildParameters


def data_parameter(given: str, folder: Path) -> str:
    """The ``data_dir`` a pack records: an absolute folder as given; a relative one written from
    the project root (the same whatever the working folder was), so ``verify`` finds it again.

    >>> data_parameter("data/demo", PROJECT_ROOT / "data" / "demo")
    'data/demo'
    >>> data_parameter("/srv/data", Path("/srv/data"))
    '/srv/data'
    """
    if Path(given).is_absolute():
        return given
    return Path(os.path.relpath(folder, PROJECT_ROOT)).as_posix()


@dataclass(frozen=True)
class BuildRequest:
    """One build's options, as given.

    The first seven and ``plan_file`` are the pack's parameters (:class:`~pack.params.BuildParameters`;
    ``period_end`` ``None``: the latest month of the data; ``police_force`` ``None``: the plan's force;
    ``plan_file`` ``None``: the default plan). ``output_dir`` ``None`` is ``build/<period>``; ``jobs``
    ``None`` one notebook per core. ``data_folder`` and ``inputs`` are for ``verify``: the folder
    that ``data_dir`` means on this machine (``data_dir`` is then recorded as given, as the
    manifest has it) and exactly the files to read (:func:`pack.data.listed_inputs`).
    """

    data_dir: str = "data/demo"
    period_end: str | None = None
    window: int | str = 12
    baseline_end: str | None = None  # None: the plan baseline, or a year earlier for a window under 12 months
    police_force: str | None = None
    public: bool = False
    suppress_below: int = 5
    output_dir: Path | str | None = None
    jobs: int | None = None
    cell_timeout: int | None = 600
    force: bool = False
    claims_file: Path | str | None = None
    data_folder: Path | None = None
    inputs: list | None = None
    plan_file: Path | str | None = None

    @classmethod
    def from_parameters(cls, params: BuildParameters, **options: object) -> BuildRequest:
        """A request to build again the pack of ``params`` (``verify``), with the other options given."""
        return cls(
            data_dir=params.data_dir,
            period_end=params.period_end,
            window=params.window,
            baseline_end=params.baseline_end,
            police_force=params.police_force,
            public=params.public,
            suppress_below=params.suppress_below,
            plan_file=params.plan_file,
            **options,  # type: ignore[arg-type]
        )

    def parameters(self, default_period: str, data_path: Path) -> BuildParameters:
        """The checked parameters the notebooks get: ``default_period`` when the request names none;
        the data folder recorded as :func:`data_parameter` writes it (as given when ``data_folder``
        says where it is). Raises :class:`~pack.errors.ParameterError` for a value out of range."""
        return BuildParameters.create(
            period_end=self.period_end or default_period,
            window=self.window,
            baseline_end=self.baseline_end,
            data_dir=self.data_dir if self.data_folder is not None else data_parameter(self.data_dir, data_path),
            police_force=self.police_force,
            public=self.public,
            suppress_below=self.suppress_below,
            plan_file=str(self.plan_file or ""),
        )
