"""One exception hierarchy for the whole pack. Messages name file, row, column and rule."""

from __future__ import annotations


class PackError(Exception):
    """Base class: any failure the pack reports to a user in plain English."""


class DataError(PackError):
    """An input file breaks the data contract."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file, self.row, self.column, self.expected = file, row, column, expected
        where = []
        if file:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        text = message
        if where:
            text = f"{', '.join(where)}: {message}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


class ParameterError(PackError):
    """A build parameter (period, window, path) is invalid."""


class CoverageError(ParameterError):
    """The data do not cover a window that was asked for."""


class NotebookError(PackError):
    """A notebook failed to execute or render."""


class PlanError(PackError):
    """A plan file breaks the plan contract (pack.plan): the message names file, line and key."""
