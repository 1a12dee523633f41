"""Which months each input covers: one :class:`Coverage` record, read from the data-quality report,
through which every window check goes (:mod:`pack.figures` builds every figure on it).

A window the inputs do not cover in full is named by the months it misses (``2020-06..2021-02``),
each input named when more than one is needed (``2022-03 (outcome files)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pack.periods import Month, Window, describe_months, missing_months

INPUT_WORDS = {
    "street": "street files",
    "outcomes": "outcome files",
    "stop_search": "stop-and-search files",
    "collisions": "STATS19 collisions",
    "casualties": "STATS19 casualties",
    "calls": "call-handling figures",
    "workforce": "workforce figures",
    "mi": "management information",
    "finance": "finance tables",
}


class HasMonths(Protocol):
    """Anything that says which months an input covers (:class:`pack.data.Dataset`)."""

    def months(self, name: str) -> list[str]: ...


@dataclass(frozen=True)
class Coverage:
    """The months (``YYYY-MM``) each input covers. An input not named covers no month."""

    months: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, data: HasMonths, names: Iterable[str]) -> Coverage:
        """Coverage of ``names`` as the data-quality report gives it."""
        return cls({name: tuple(sorted(data.months(name))) for name in names})

    def covered(self, needs: Sequence[str]) -> list[str]:
        """Months covered by every input in ``needs``, oldest first."""
        if not needs:
            return []
        common = set(self.months.get(needs[0], ()))
        for name in needs[1:]:
            common &= set(self.months.get(name, ()))
        return sorted(common)

    def missing(self, window: Window, needs: Sequence[str]) -> dict[str, list[Month]]:
        """``{input: months of window it misses}`` for the inputs that miss any."""
        gaps = {name: missing_months(window, self.months.get(name, ())) for name in needs}
        return {name: months for name, months in gaps.items() if months}

    def gap(self, window: Window, needs: Sequence[str]) -> str:
        """``""`` when every input in ``needs`` covers the window; else the missing months, each
        input named when more than one is needed: ``2020-06..2021-02`` or ``2022-03 (outcome files)``.

        >>> c = Coverage({"street": ("2024-01", "2024-02"), "outcomes": ("2024-01",)})
        >>> c.gap(Window(Month(2024, 1), Month(2024, 2)), ("street", "outcomes"))
        '2024-02 (outcome files)'
        >>> c.gap(Window(Month(2023, 12), Month(2024, 1)), ("street", "outcomes"))
        '2023-12 (street files and outcome files)'
        """
        gaps = self.missing(window, needs)
        if len(needs) == 1:
            return describe_months(gaps[needs[0]]) if gaps else ""
        by_months: dict[str, list[str]] = {}
        for name, months in gaps.items():
            by_months.setdefault(describe_months(months), []).append(INPUT_WORDS.get(name, name))
        return "; ".join(f"{months} ({' and '.join(names)})" for months, names in by_months.items())

    def covers(self, window: Window, needs: Sequence[str]) -> bool:
        """True when every input in ``needs`` covers every month of ``window``."""
        return not self.missing(window, needs)
