"""What a build reports: one result per notebook and one for the build (the build never raises mid-batch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pack.params import BuildParameters


@dataclass
class NotebookResult:
    """What happened to one notebook (the build does not raise mid-batch)."""

    stem: str
    seconds: float = 0.0
    error: str | None = None
    reused: bool = False


@dataclass
class BuildResult:
    """Outcome of a build."""

    output_dir: Path
    params: BuildParameters
    notebooks: list[NotebookResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every notebook ran."""
        return all(n.error is None for n in self.notebooks)
