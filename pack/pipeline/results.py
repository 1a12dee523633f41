"""What a build reports: one result per notebook and one for the build (the build never raises mid-batch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pack.params import BuildParameters

FailureKind = Literal["error", "timeout", "dead kernel", "no kernel", "render", "not run"]


@dataclass(frozen=True)
class NotebookFailure:
    """Why a notebook did not run to the end, with nbclient's structured fields where it gave them.

    ``kind`` comes from the exception's type, never its message: ``error`` (a cell raised:
    papermill's ``PapermillExecutionError``), ``timeout`` (nbclient's ``CellTimeoutError``),
    ``dead kernel`` (nbclient's ``DeadKernelError``), ``no kernel`` (none could be started),
    ``render`` (it ran, but could not be turned into HTML), ``not run`` (skipped: an earlier
    notebook it needs failed)."""

    kind: FailureKind
    message: str
    cell_index: int | None = None  # position of the cell in the executed notebook (0-based)
    exec_count: int | None = None  # the cell's execution count, as the notebook shows it
    ename: str | None = None
    evalue: str | None = None
    traceback: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotebookResult:
    """What happened to one notebook: run (in ``seconds``), reused from the cache, or failed."""

    stem: str
    seconds: float = 0.0
    reused: bool = False
    failure: NotebookFailure | None = None

    @property
    def error(self) -> str | None:
        """The failure in one line, or ``None`` when the notebook ran."""
        return None if self.failure is None else self.failure.message


@dataclass
class BuildResult:
    """Outcome of a build. ``failed_dir`` names the folder where a failed build's notebooks and
    errors were kept (``None`` when the build succeeded or nothing could be kept)."""

    output_dir: Path
    params: BuildParameters
    notebooks: list[NotebookResult] = field(default_factory=list)
    failed_dir: Path | None = None

    @property
    def ok(self) -> bool:
        """True when every notebook ran."""
        return all(n.error is None for n in self.notebooks)

    @property
    def failures(self) -> list[NotebookResult]:
        """The notebooks that failed, in the order they were run."""
        return [n for n in self.notebooks if n.error is not None]
