"""The status vocabulary, and how an indicator row's figures read: values with units, dates and
changes in words.

The vocabulary has nine words: ``improved``, ``worse``, ``no significant change`` (a tested comparison);
``up``, ``down``, ``unchanged`` (direction only, not tested); ``no comparison``, ``not supplied``, ``out of
date``. A row whose status is a tested word but whose ``test`` column (or, in tables without one, its
note) says it was not tested is shown by its direction (``up``/``down``/``unchanged``), never as a
tested verdict. Any other word is shown as it is. Tested and untested
verdicts are never added together (:func:`counts_phrase`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from pack.periods import Month, describe_months

STATUS_ORDER = (
    "improved",
    "worse",
    "no significant change",
    "up",
    "down",
    "unchanged",
    "no comparison",
    "not supplied",
    "out of date",
)
TESTED = STATUS_ORDER[:3]
DIRECTION = STATUS_ORDER[3:6]
MARKERS = {
    "improved": "✔",
    "worse": "✖",
    "no significant change": "●",
    "up": "↑",
    "down": "↓",
    "unchanged": "→",
    "no comparison": "○",
    "not supplied": "–",
    "out of date": "◷",
}


def is_missing(value: object) -> bool:
    """True for a cell with no value (``None``, NaN, ``pd.NA`` or an empty string)."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value == ""


def to_float(value: object) -> float | None:
    """A cell's number, or ``None`` when it has none (or is not a number)."""
    if is_missing(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class Verdict:
    """A row's verdict as shown: the status word, whether it was tested, and whether the movement is
    in the better direction (``tone``: ``better``, ``worse``, ``same`` or ``none``)."""

    status: str
    tested: bool
    tone: str

    @property
    def marker(self) -> str:
        """A shape beside the word, so the verdict never depends on colour (``?`` for a word not in
        the vocabulary)."""
        return MARKERS.get(self.status, "?")

    @property
    def qualifier(self) -> str:
        """``tested``, ``direction only, not tested`` or nothing (no comparison was made)."""
        if self.status in TESTED and self.tested:
            return "tested"
        if self.status in DIRECTION:
            return "direction only, not tested"
        return ""

    @property
    def text(self) -> str:
        """``improved (tested)``, ``down (direction only, not tested)``, ``not supplied``."""
        return f"{self.status} ({self.qualifier})" if self.qualifier else self.status


def is_tested(row: Mapping) -> bool:
    """True when the row's status is a significance test's verdict: its ``tested`` flag, set where
    the test was made (:mod:`pack.indicators`); a row without the flag is not tested. Never read
    from the note's or the test column's words.

    >>> is_tested({"tested": True, "note": "direction only"}), is_tested({"test": "exact Poisson test"})
    (True, False)
    >>> is_tested({"tested": "False"}), is_tested({"tested": "True"})  # as read back from a CSV
    (False, True)
    """
    flag = row.get("tested")
    if isinstance(flag, str):
        return flag.strip().lower() == "true"
    return False if is_missing(flag) else bool(flag)


def _direction(row: Mapping) -> str | None:
    change = to_float(row.get("change"))
    if change is None:
        base, cur = to_float(row.get("baseline_value")), to_float(row.get("current_value"))
        change = None if base is None or cur is None else cur - base
    if change is None:
        return None
    return "unchanged" if change == 0 else ("up" if change > 0 else "down")


def verdict(row: Mapping) -> Verdict:
    """The verdict shown for an indicator row (see the module docstring).

    >>> verdict({"status": "improved", "tested": True, "better_when": "lower", "change": -3})
    Verdict(status='improved', tested=True, tone='better')
    >>> verdict({"status": "improved", "tested": False, "better_when": "lower", "change": -3})
    Verdict(status='down', tested=False, tone='better')
    >>> verdict({"status": "up", "test": "none: direction only", "better_when": "n/a", "change": 2.5})
    Verdict(status='up', tested=False, tone='none')
    """
    status = str(row.get("status", "") or "").strip()
    better = str(row.get("better_when", "") or "")
    if status in TESTED and is_tested(row):
        tone = {"improved": "better", "worse": "worse", "no significant change": "same"}[status]
        return Verdict(status, True, tone)
    if status in TESTED:
        status = _direction(row) or status
    if status in DIRECTION:
        if status == "unchanged":
            return Verdict(status, False, "same")
        if better not in ("higher", "lower"):
            return Verdict(status, False, "none")
        good = (status == "up") == (better == "higher")
        return Verdict(status, False, "better" if good else "worse")
    return Verdict(status, False, "none")


# -------------------------------------------------------------------------------------------------
# Numbers, units and dates in words


def number(value: float) -> str:
    """A figure as the pack prints it: whole numbers with separators, else one decimal place (two
    below 10), trailing zeros dropped.

    >>> [number(v) for v in (29309.0, 7.0583, 21.29, 4.30, 238.431, -0.5)]
    ['29,309', '7.06', '21.3', '4.3', '238.4', '-0.5']
    """
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_IRREGULAR = {"people": "person", "casualties": "casualty", "children": "child", "hours": "hour"}


def with_unit(value: object, unit: object) -> str:
    """A value with its unit: ``29,309 incidents``, ``£238.4m``, ``21.3%``, ``7.06 seconds``,
    ``6.45 per 1,000``; ``1 crime`` (singular); ``no figure`` when there is none.

    >>> [with_unit(v, u) for v, u in ((29309, "incidents"), (238.431, "£m"), (1, "casualties"), (None, "%"))]
    ['29,309 incidents', '£238.4m', '1 casualty', 'no figure']
    """
    amount = to_float(value)
    if amount is None:
        return "no figure"
    unit = "" if is_missing(unit) else str(unit).strip()
    text = number(amount)
    if unit == "%":
        return f"{text}%"
    if unit == "£m":
        return f"£{text}m" if amount >= 0 else f"-£{number(-amount)}m"
    if amount == 1 and unit and not unit.startswith("per "):
        unit = _IRREGULAR.get(unit, unit[:-1] if unit.endswith("s") else unit)
    return f"{text} {unit}".strip()


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"\b(\d{4})-(\d{2})\b(?![-\d])")


def in_words(label: object) -> str:
    """A period label with its dates in words: ``at 2021-03-31`` -> ``at 31 March 2021``.

    >>> in_words("at 2021-03-31"), in_words("2019-04..2024-01"), in_words("2022/23"), in_words(float("nan"))
    ('at 31 March 2021', 'April 2019..January 2024', '2022/23', '')
    """
    if is_missing(label):
        return ""
    text = _ISO_DAY.sub(lambda m: f"{int(m[3])} {Month(int(m[1]), int(m[2])).name}", str(label))
    return _ISO_MONTH.sub(lambda m: Month(int(m[1]), int(m[2])).name, text)


def months_in_words(months: Iterable[str]) -> str:
    """Months (``YYYY-MM``) as runs in words, for naming a gap.

    >>> months_in_words(["2021-09"]), months_in_words(["2023-03", "2023-04", "2023-07"])
    ('September 2021', 'March 2023 to April 2023, July 2023')
    """
    return in_words(describe_months(months)).replace("..", " to ")


def gap_months(labels: Iterable[object], values: Iterable[object] | None = None) -> list[str]:
    """The months between the first and the last of ``labels`` with no value: absent from the labels,
    or (with ``values``) whose value is missing.

    >>> gap_months(["2023-01", "2023-02", "2023-05"]), gap_months(["2023-01", "2023-02"], [1.0, float("nan")])
    (['2023-03', '2023-04'], ['2023-02'])
    """
    names = [str(x)[:7] for x in labels]
    if not names:
        return []
    have = set(names) if values is None else {m for m, v in zip(names, values, strict=True) if not is_missing(v)}
    first, last = Month.parse(min(names)), Month.parse(max(names))
    return [str(first + i) for i in range(last.months_since(first) + 1) if str(first + i) not in have]


def _phrase(label: str) -> str:
    """``the 12 months ending May 2021``, ``31 March 2021``, ``2022/23``."""
    if label.startswith("at "):
        return label[3:]
    if re.match(r"^\d+ months ending ", label):
        return f"the {label}"
    return label


def movement(row: Mapping) -> str | None:
    """The size and direction of the change: shares and rates (unit ``%``) in percentage points,
    other values in per cent (or in their unit when there is no percentage); ``None`` without two
    figures to compare.

    >>> movement({"baseline_value": 58658, "current_value": 29309, "change": -29349, "pct_change": -50.03})
    'down 50.0%'
    >>> movement({"baseline_value": 7.68, "current_value": 5.67, "pct_change": -26.2, "unit": "%"})
    'down 2.0 percentage points'
    >>> movement({"baseline_value": 66, "current_value": 90, "unit": "groups"}), movement({"current_value": 3})
    ('up 24 groups', None)
    """
    base, cur = to_float(row.get("baseline_value")), to_float(row.get("current_value"))
    if base is None or cur is None:
        return None
    unit = "" if is_missing(row.get("unit")) else str(row.get("unit"))
    diff = to_float(row.get("change"))
    diff = cur - base if diff is None else diff
    pct = to_float(row.get("pct_change"))
    if unit == "%":
        size, flat = f"{abs(diff):.1f} percentage points", round(abs(diff), 1) == 0
    elif pct is not None:
        size, flat = f"{abs(pct):.1f}%", round(abs(pct), 1) == 0
    else:
        size, flat = with_unit(abs(diff), unit), diff == 0
    return "unchanged" if flat else f"{'up' if diff > 0 else 'down'} {size}"


def change_words(row: Mapping, common_baseline: str | None = None) -> str:
    """The change in words and what it is against; when the baseline is ``common_baseline`` (said
    once for every figure), only the baseline figure.

    >>> row = {"baseline_value": 58658, "current_value": 29309, "pct_change": -50.03, "unit": "incidents",
    ...        "baseline_label": "12 months ending May 2021", "status": "improved"}
    >>> change_words(row)
    'down 50.0% on the 12 months ending May 2021 (58,658 incidents)'
    >>> change_words(row, "12 months ending May 2021")
    'down 50.0% from 58,658 incidents'
    >>> change_words({"baseline_value": 7.68, "current_value": 5.67, "unit": "%", "baseline_label": "at 2021-03-31"})
    'down 2.0 percentage points since 31 March 2021 (7.68%)'
    """
    if str(row.get("status", "")) == "not supplied":
        return "not supplied for this period"
    if to_float(row.get("current_value")) is None:
        return "no figure for this period"
    moved = movement(row)
    if moved is None:
        return "no earlier figure"
    unit = row.get("unit")
    label = in_words(row.get("baseline_label"))
    base = with_unit(row.get("baseline_value"), unit)
    if common_baseline is not None and label == in_words(common_baseline):
        return f"{moved} from {base}"
    against = f"since {label[3:]}" if label.startswith("at ") else f"on {_phrase(label)}"
    return f"{moved} {against} ({base})"


_MONTHS = {Month(2000, m).name.split()[0]: m for m in range(1, 13)}
_MONTH_NAME = r"([A-Z][a-z]+) (\d{4})"


def _named(name: str, year: str) -> Month | None:
    return Month(int(year), _MONTHS[name]) if name in _MONTHS else None


def label_months(label: object) -> tuple[Month, Month] | None:
    """The first and last month a period label covers, or ``None`` for a label that names no months
    (``2022/23``, a year): ``12 months ending May 2021``, ``at 2021-03-31`` / ``at 31 March 2021``,
    ``1 April 2021 to 31 March 2022``, ``April 2023 to January 2024 (financial year to date)``.

    >>> [tuple(map(str, label_months(x))) for x in ("12 months ending May 2021", "at 2021-03-31")]
    [('2020-06', '2021-05'), ('2021-03', '2021-03')]
    >>> label_months("2022/23") is None
    True
    """
    text = in_words(label)
    if m := re.fullmatch(rf"(\d+) months ending {_MONTH_NAME}", text):
        end = _named(m[2], m[3])
        return None if end is None else (end - (int(m[1]) - 1), end)
    if m := re.fullmatch(rf"(?:at )?(?:\d{{1,2}} )?{_MONTH_NAME}", text):
        month = _named(m[1], m[2])
        return None if month is None else (month, month)
    if m := re.fullmatch(rf"(?:\d{{1,2}} )?{_MONTH_NAME} to (?:\d{{1,2}} )?{_MONTH_NAME}( \(.*\))?", text):
        first, last = _named(m[1], m[2]), _named(m[3], m[4])
        return None if first is None or last is None or last < first else (first, last)
    return None


def status_columns(words: Iterable[object]) -> list[str]:
    """The nine status words in their fixed order, then any other word found (as it is, sorted).

    >>> status_columns(["worse", "partly met", "improved"])[-2:]
    ['out of date', 'partly met']
    """
    found = {str(w) for w in words}
    return [*STATUS_ORDER, *sorted(found - set(STATUS_ORDER))]


def counts_phrase(words: list[str]) -> str:
    """A priority's verdicts counted without adding tested and untested ones together.

    >>> counts_phrase(["improved", "up", "improved", "not supplied", "worse"])
    'tested: 2 improved, 1 worse; direction only: 1 up; 1 not supplied'
    """
    parts = []
    for label, group in (("tested: ", TESTED), ("direction only: ", DIRECTION), ("", None)):
        chosen = [w for w in status_columns(words) if (w in group if group else w not in (*TESTED, *DIRECTION))]
        counted = [f"{words.count(w)} {w}" for w in chosen if words.count(w)]
        if counted:
            parts.append(label + ", ".join(counted))
    return "; ".join(parts)
