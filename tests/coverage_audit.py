"""An audit of a built pack, independent of the pack's own code: does any figure in ``tables/*.csv``
or in the HTML span a month the data do not cover, or a month after the reporting period?

It reads the pack as a reader would: window labels ("12 months ending May 2021") in column headings
and cells, ``month`` columns of chart tables, and the value beside each label.
"""

from __future__ import annotations

import calendar
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from pack.periods import Month, Window, rolling_window

_LABEL = re.compile(r"^(\d+) months ending ([A-Z][a-z]+) (\d{4})$")
_NUMBER = re.compile(r"^[£-]?[\d,]+(\.\d+)?(%|m)?$")
OUTCOME_IDS = ("crimes_with_outcome_pct", "charge_rate_pct")
OUTCOME_TABLES = ("outcome-mix", "charge-rates")
VALUE_COLUMNS = ("count", "value")  # a chart table's monthly values (trend: count; XmR: value)


def label_window(label: object) -> Window | None:
    """The window a label such as ``12 months ending May 2021`` names; ``None`` for other text."""
    match = _LABEL.match(str(label).strip())
    if not match:
        return None
    month = list(calendar.month_name).index(match.group(2))
    return rolling_window(Month(int(match.group(3)), month), int(match.group(1)))


def covered(window: Window, months: set[str]) -> bool:
    return all(m in months for m in window.month_strings())


def _filled(value: object) -> bool:
    return str(value).strip() not in ("", "nan")


def table_problems(pack: Path, street: set[str], outcomes: set[str], period_end: str) -> list[str]:
    """Every figure in ``tables/*.csv`` that spans a month not covered (or later than ``period_end``)."""
    problems = []
    end = Month.parse(period_end)
    for path in sorted((pack / "tables").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        months = street & outcomes if any(t in path.stem for t in OUTCOME_TABLES) else street
        if path.stem.endswith("-indicators"):
            for row in frame.to_dict("records"):
                needs = street & outcomes if row["indicator_id"] in OUTCOME_IDS else street
                for side in ("baseline", "current"):
                    window = label_window(row[f"{side}_label"])
                    if window and _filled(row[f"{side}_value"]) and not covered(window, needs):
                        problems.append(f"{path.name}: {row['indicator_id']} {side} {row[f'{side}_label']}")
        for column in frame.columns:
            window = label_window(column)
            if window and frame[column].map(_filled).any() and not covered(window, months):
                problems.append(f"{path.name}: column {column}")
        if "month" in frame.columns:
            for row in frame.to_dict("records"):
                month = row["month"]
                if not re.fullmatch(r"\d{4}-\d{2}", month):
                    continue
                if Month.parse(month) > end:
                    problems.append(f"{path.name}: {month} is after the period")
                for column in VALUE_COLUMNS:
                    if column in row and _filled(row[column]) and month not in months:
                        problems.append(f"{path.name}: {column} in {month}, not covered")
                total = row.get("rolling_12_month_total", "")
                if _filled(total) and not covered(rolling_window(month, 12), months):
                    problems.append(f"{path.name}: rolling total ending {month} spans a month not covered")
    return problems


class _Tables(HTMLParser):
    """The text of every table row of an HTML page: headings and cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_problems(page: Path, uncovered: list[str]) -> list[str]:
    """Table rows of the page that give a number for a window in ``uncovered`` (labels): a heading
    that is the label, or a cell that is the label followed by a number."""
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    problems = []
    for row in parser.rows:
        for i, cell in enumerate(row):
            if cell in uncovered and i + 1 < len(row) and _NUMBER.match(row[i + 1]):
                problems.append(f"{page.name}: {cell} -> {row[i + 1]} in row {row[:3]}")
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", page.read_text(encoding="utf-8"))
    problems += [f"{page.name}: a column headed {h}" for h in headings if h.strip() in uncovered]
    return problems
