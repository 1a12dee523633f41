"""Reporting periods: months, "12 months ending ..." windows, baselines, coverage.

UK official statistics compare equal-length windows ("12 months ending January 2024" against
"12 months ending May 2021"). A window the data do not fully cover is refused: the pack never
reports a short total as if it were a full one.

Baseline and reporting windows must differ and the baseline must not end after the reporting period
(:func:`comparison_windows` raises :class:`ParameterError` otherwise, e.g. ``--window fytd`` with a
baseline in the same financial year). Windows that *overlap* (a baseline ending less than a window's
length before the period) are accepted: their figures are shown, but they are not independent, so no
significance test is applied and every comparison says which months they share (:func:`overlap`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pack.errors import CoverageError, ParameterError

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month. ``Month(2024, 1)`` prints as ``2024-01``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ParameterError(f"month must be 1..12, got {self.month}")

    @classmethod
    def parse(cls, text: str, what: str = "month") -> Month:
        """Parse ``YYYY-MM``; a clear :class:`ParameterError` otherwise.

        >>> Month.parse("2024-01")
        Month(year=2024, month=1)
        """
        m = _MONTH_RE.match(str(text).strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ParameterError(f"{what} must be a month written YYYY-MM (e.g. 2024-01), got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __add__(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, months: int) -> Month:
        return self + (-months)

    def months_since(self, other: Month) -> int:
        """Number of months from ``other`` to ``self`` (0 when equal)."""
        return (self.year - other.year) * 12 + (self.month - other.month)

    @property
    def name(self) -> str:
        """``January 2024``."""
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def days(self) -> int:
        """Days in the month (29 for February in a leap year)."""
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def financial_year_start(self) -> Month:
        """April that starts the UK financial year containing this month."""
        return Month(self.year if self.month >= 4 else self.year - 1, 4)


@dataclass(frozen=True)
class Window:
    """An inclusive run of months, e.g. 2023-02 .. 2024-01."""

    start: Month
    end: Month
    kind: str = "rolling"  # "rolling" or "fytd"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ParameterError(f"window ends ({self.end}) before it starts ({self.start})")

    @property
    def length(self) -> int:
        """Number of months in the window."""
        return self.end.months_since(self.start) + 1

    def months(self) -> list[Month]:
        """Every month of the window, oldest first."""
        return [self.start + i for i in range(self.length)]

    def month_strings(self) -> list[str]:
        """Every month as ``YYYY-MM``."""
        return [str(m) for m in self.months()]

    @property
    def days(self) -> int:
        """Days in the window (leap years counted)."""
        return sum(m.days for m in self.months())

    @property
    def label(self) -> str:
        """The official-statistics wording: ``12 months ending January 2024``."""
        if self.kind == "fytd":
            return f"{self.start.name} to {self.end.name} (financial year to date)"
        if self.length == 1:
            return self.end.name
        return f"{self.length} months ending {self.end.name}"

    def __contains__(self, month: object) -> bool:
        return isinstance(month, Month) and self.start <= month <= self.end

    @property
    def first_day(self) -> str:
        """``YYYY-MM-01`` of the first month (ISO date)."""
        return f"{self.start}-01"

    @property
    def last_day(self) -> str:
        """The last day of the last month (ISO date), e.g. ``2024-01-31``."""
        return f"{self.end}-{self.end.days:02d}"


def rolling_window(end: Month | str, length: int = 12) -> Window:
    """The ``length`` months ending with ``end``.

    >>> rolling_window("2024-01").label
    '12 months ending January 2024'
    """
    end = Month.parse(end) if isinstance(end, str) else end
    if length < 1:
        raise ParameterError(f"window length must be at least 1 month, got {length}")
    return Window(end - (length - 1), end)


def financial_year_to_date(end: Month | str) -> Window:
    """April of ``end``'s financial year up to ``end``."""
    end = Month.parse(end) if isinstance(end, str) else end
    return Window(end.financial_year_start, end, kind="fytd")


def parse_window(text: str | int) -> int | str:
    """``--window`` value: a whole number of months 1..60, or ``fytd``."""
    value = str(text).strip().lower()
    if value == "fytd":
        return "fytd"
    if not value.isdigit() or not 1 <= int(value) <= 60:
        raise ParameterError(f"window must be a number of months from 1 to 60 or 'fytd', got {text!r}")
    return int(value)


def comparison_windows(period_end: Month | str, window: int | str, baseline_end: Month | str) -> tuple[Window, Window]:
    """Return ``(baseline, current)`` windows of equal length.

    For ``window="fytd"`` the current window runs from April to ``period_end`` and the baseline
    covers the same months of the financial year that contains ``baseline_end``.

    >>> b, c = comparison_windows("2024-01", 12, "2021-05")
    >>> (b.label, c.label)
    ('12 months ending May 2021', '12 months ending January 2024')
    """
    period_end = Month.parse(period_end, "period") if isinstance(period_end, str) else period_end
    baseline_end = Month.parse(baseline_end, "baseline") if isinstance(baseline_end, str) else baseline_end
    window = parse_window(window)
    if window == "fytd":
        current = financial_year_to_date(period_end)
        start = baseline_end.financial_year_start
        baseline = Window(start, start + (current.length - 1), kind="fytd")
    else:
        current = rolling_window(period_end, window)
        baseline = rolling_window(baseline_end, window)
    if baseline.end > current.end:
        raise ParameterError(f"baseline ({baseline.label}) must not end after the reporting period ({current.label})")
    if baseline == current:
        why = (
            f"the baseline {baseline_end} falls in the same financial year as the period {period_end}"
            if window == "fytd"
            else f"the baseline and the period both end in {period_end.name}"
        )
        raise ParameterError(
            f"the baseline and the reporting period are the same window ({current.label}): {why}; "
            "choose a baseline in an earlier "
            + ("financial year" if window == "fytd" else "month")
            + " (--baseline YYYY-MM)"
        )
    return baseline, current


def overlap(a: Window, b: Window) -> list[Month]:
    """Months that two windows share (none for windows that do not overlap).

    >>> b, c = comparison_windows("2022-03", 12, "2021-05")
    >>> describe_months(overlap(b, c))
    '2021-04..2021-05'
    """
    first, last = max(a.start, b.start), min(a.end, b.end)
    return month_range(first, last) if first <= last else []


def month_range(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last`` inclusive."""
    return Window(first, last).months()


def missing_months(window: Window, available: Iterable[Month | str]) -> list[Month]:
    """Months of ``window`` that are not in ``available``."""
    have = {Month.parse(m) if isinstance(m, str) else m for m in available}
    return [m for m in window.months() if m not in have]


def describe_months(months: Iterable[Month | str]) -> str:
    """Compress months into ranges: ``2020-06..2021-02, 2021-04``."""
    items = sorted({Month.parse(m) if isinstance(m, str) else m for m in months})
    if not items:
        return "none"
    runs: list[tuple[Month, Month]] = []
    start = prev = items[0]
    for m in items[1:]:
        if m.months_since(prev) != 1:
            runs.append((start, prev))
            start = m
        prev = m
    runs.append((start, prev))
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in runs)


def require_covered(window: Window, available: Iterable[Month | str], what: str) -> None:
    """Raise :class:`CoverageError` naming the missing months if ``window`` is not covered."""
    missing = missing_months(window, available)
    if missing:
        raise CoverageError(
            f"{what}: the {window.label} ({window.start}..{window.end}) is not covered by the "
            f"data; missing months: {describe_months(missing)}"
        )


def default_baseline_end(period_end: Month | str, window: int | str, plan_baseline_end: Month | str | None) -> Month:
    """The baseline a build uses when none is given: for a window shorter than 12 months the same
    calendar months a year earlier (so seasons match), else the plan baseline ``plan_baseline_end``;
    a year earlier too when the plan sets no baseline (``None``).

    >>> str(default_baseline_end("2022-03", 6, "2021-05")), str(default_baseline_end("2022-03", 12, "2021-05"))
    ('2021-03', '2021-05')
    >>> str(default_baseline_end("2022-03", 12, None)), str(default_baseline_end("2022-03", "fytd", None))
    ('2021-03', '2021-03')
    """
    period = Month.parse(period_end, "period") if isinstance(period_end, str) else period_end
    if plan_baseline_end is not None and (parse_window(window) == "fytd" or int(window) >= 12):
        return Month.parse(plan_baseline_end, "baseline") if isinstance(plan_baseline_end, str) else plan_baseline_end
    return period - 12


def season_reason(baseline: Window, current: Window) -> str:
    """Why two windows may not be tested against each other for seasons, or ``""`` when they may.

    A window of 12 months or more holds every season; a shorter one may be tested only against the
    same calendar months of another year (a financial year to date against the same months of an
    earlier one). Across seasons, the seasonal swing would read as change.

    >>> season_reason(rolling_window("2021-03", 6), rolling_window("2022-03", 6))
    ''
    >>> season_reason(rolling_window("2021-09", 6), rolling_window("2022-03", 6))[:60]
    'not tested: the windows cover different calendar months (Apr'
    """
    if min(baseline.length, current.length) >= 12:
        return ""
    if baseline.start.month == current.start.month and baseline.length == current.length:
        return ""
    return (
        f"not tested: the windows cover different calendar months ({_season_span(baseline)} against "
        f"{_season_span(current)}); a window shorter than 12 months is tested only against the same months of "
        "another year, as seasonal variation would otherwise read as change"
    )


def _season_span(window: Window) -> str:
    """``Apr-Sep``: a window's first and last calendar month (one name for a single month)."""
    first, last = calendar.month_abbr[window.start.month], calendar.month_abbr[window.end.month]
    return first if window.length == 1 else f"{first}\u2013{last}"


def comparison_basis(baseline: Window, current: Window) -> str:
    """What two windows are compared as, in words, for a row's ``comparison_basis``.

    >>> comparison_basis(rolling_window("2021-03", 6), rolling_window("2022-03", 6))
    'the same calendar months of another year'
    >>> comparison_basis(rolling_window("2021-09", 6), rolling_window("2022-03", 6))
    'different calendar months (Apr–Sep against Oct–Mar): across seasons, not tested'
    >>> comparison_basis(rolling_window("2021-05"), rolling_window("2022-03"))
    'windows of 12 months or more (every season in each)'
    """
    if min(baseline.length, current.length) >= 12:
        return "windows of 12 months or more (every season in each)"
    if not season_reason(baseline, current):
        return "the same calendar months of another year"
    spans = f"{_season_span(baseline)} against {_season_span(current)}"
    return f"different calendar months ({spans}): across seasons, not tested"
