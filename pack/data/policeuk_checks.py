"""What a data.police.uk file is checked for beyond its schema's rules: coordinates that are not a
place in the United Kingdom (removed from their rows, which are kept and counted), and a file most of
whose rows are of another month than its name says (refused: renamed or saved wrongly).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from pack.data.domains import outside_uk
from pack.data.file_report import FileReport
from pack.data.schemas import MONTH_PATTERN
from pack.errors import DataError


def remove_bad_places(frame: pd.DataFrame, typed: pd.DataFrame, numbers: np.ndarray, report: FileReport) -> None:
    """Coordinates that are not numbers, or not a place in the United Kingdom (``0,0``, swapped ...),
    removed from their records (kept, and counted)."""
    not_numbers = np.zeros(len(typed), dtype=bool)
    for text, number, bounds in (("Longitude", "longitude", "-180 to 180"), ("Latitude", "latitude", "-90 to 90")):
        missing = typed[number].isna().to_numpy()
        if not missing.any():
            continue
        bad = missing & (frame[text] != "").to_numpy()
        for position in np.flatnonzero(bad):
            report.clear(
                int(numbers[position]),
                text,
                str(frame[text].iat[position]),
                f"expected a number from {bounds}, or empty",
            )
        not_numbers |= bad
    if not_numbers.any():  # half a place is no place
        typed.loc[not_numbers, ["longitude", "latitude"]] = np.nan
    outside = outside_uk(typed["longitude"], typed["latitude"])
    if not outside.any():
        return
    first = int(np.flatnonzero(outside)[0])
    example = f"{frame['Longitude'].iat[first]},{frame['Latitude'].iat[first]}"
    report.cleared_examples.setdefault(_OUTSIDE, (int(numbers[first]), example))
    report.cleared[_OUTSIDE] += int(outside.sum())
    typed.loc[outside, ["longitude", "latitude"]] = np.nan


_OUTSIDE = "Longitude, Latitude: not a place in the United Kingdom (0,0, swapped, or one of the two missing)"


def refuse_renamed(report: FileReport, file_month: str | None) -> None:
    """A file most of whose rows are of one other month than its name says was renamed (or saved) wrongly."""
    if not file_month or not report.rows_read:
        return
    reasons = report.reasons
    other = reasons.get(f"Month: expected the file's own month {file_month}", 0) + reasons.get(
        f"Date: expected a date in {file_month}", 0
    )
    malformed = reasons.get("Month: expected a month written YYYY-MM", 0) + sum(
        n for reason, n in reasons.items() if reason.startswith("Date: expected an ISO date-time")
    )
    wrong = other - malformed  # rows of a real month, not the file's
    if wrong * 2 <= report.rows_read:
        return
    found = Counter(
        r.value[:7]
        for r in report.rejections
        if r.reason.endswith((f"own month {file_month}", f"a date in {file_month}")) and MONTH.fullmatch(r.value[:7])
    )
    month = found.most_common(1)[0][0] if found else "another month"
    raise DataError(
        f"its name says {file_month} but {wrong:,} of its {report.rows_read:,} rows are of {month}: "
        "a file renamed to the wrong month?",
        file=report.file,
        expected=f"rows of {file_month}, or the file named for the month its rows are of",
    )


MONTH = re.compile(MONTH_PATTERN)
