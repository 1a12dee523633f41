"""Units: what a figure counts or measures, how it is written, and how its change is given.

Shares (``%``) change in percentage points; rates (``per 1,000 ...``) by their own unit; counts and
amounts (money, time, daily averages) by a difference and a percentage, except a count whose
baseline is under :data:`SMALL_BASE`, which gets no percentage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UnitKind = Literal["count", "amount", "share", "rate"]
SMALL_BASE = 20  # a count below this gets no percentage change


def number(value: float, decimals: int) -> str:
    """``27,591``, ``1,800.1``, ``6.45``: thousands separators, at most ``decimals`` decimals, no
    trailing zeros."""
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Unit:
    """What a value counts or measures, and so how it is written and how its change is given.

    ``kind``: ``count`` (crimes, people ...: difference and percentage, no percentage on a small
    base), ``amount`` (money, time, per day: difference and percentage), ``share`` (a percentage:
    changes in percentage points) or ``rate`` (per 1,000 ...: difference in the rate's unit).
    """

    name: str
    kind: UnitKind = "count"

    def format(self, value: float) -> str:
        """``27,591 incidents``, ``7.7%``, ``£4.3m``, ``6.5 seconds``, ``1.9 per 1,000 cases``.

        >>> [unit(u).format(v) for u, v in (("crimes", 27591.0), ("%", 7.6836), ("£m", 4.3), ("seconds", 6.54))]
        ['27,591 crimes', '7.7%', '£4.3m', '6.5 seconds']
        """
        if self.name == "%":
            return f"{value:,.1f}%"
        if self.name == "£m":
            return f"£{number(value, 3)}m"
        if self.kind == "amount":  # times and daily averages keep their decimal: 6.0 minutes, 399.0 calls per day
            return f"{value:,.1f} {self.name}"
        return f"{number(value, 2 if self.kind == 'rate' else 1)} {self.name}".strip()

    @property
    def change_name(self) -> str:
        """The unit a change is given in: ``percentage points`` for a share, else the unit's own."""
        return "percentage points" if self.kind == "share" else self.name

    def format_change(self, difference: float) -> str:
        """A difference without its sign (words carry the direction): ``2.0 percentage points``."""
        size = abs(difference)
        if self.kind == "share":
            return f"{size:,.1f} percentage points"
        return self.format(size)

    @property
    def percentage_allowed(self) -> bool:
        """Percentage change only for counts and amounts, never for shares or rates."""
        return self.kind in ("count", "amount")


_AMOUNTS = ("£m", "seconds", "minutes")


def unit(name: str) -> Unit:
    """The :class:`Unit` a unit name stands for (``%`` a share, ``per 1,000 ...`` a rate, money,
    time and ``... per day`` amounts, anything else a count).

    >>> [unit(n).kind for n in ("%", "per 1,000 cases", "£m", "calls per day", "crimes")]
    ['share', 'rate', 'amount', 'amount', 'count']
    """
    text = str(name or "").strip()
    if text == "%":
        return Unit(text, "share")
    if text.startswith("per 1,000") or text.startswith("per 100,000"):
        return Unit(text, "rate")
    if text in _AMOUNTS or text.endswith("per day"):
        return Unit(text, "amount")
    return Unit(text, "count")
