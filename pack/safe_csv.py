"""Tables written as CSV files: the same bytes for the same table, and safe to open in a spreadsheet
(text that would run as a formula is neutralised)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula, neutralised by a leading ``'`` (OWASP's
    CSV-injection rule: text beginning ``=``, ``+``, ``-``, ``@``, tab or carriage return); numbers,
    and text that is a plain negative number, unchanged.

    >>> [spreadsheet_safe(v) for v in ("=HYPERLINK(1)", "@SUM(A1)", "+1", "-2+3", "-12.5", "Derby", -4.0)]
    ["'=HYPERLINK(1)", "'@SUM(A1)", "'+1", "'-2+3", '-12.5', 'Derby', -4.0]
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv_text(value: object) -> object:
    """A text cell made :func:`spreadsheet_safe`, its line breaks written ``\\n`` (a lone carriage
    return would not be quoted, and would split the row for every reader)."""
    value = spreadsheet_safe(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a CSV deterministically (fixed float format, ``\\n`` line ends), every text cell and
    heading made :func:`spreadsheet_safe`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = frame.rename(columns=_csv_text)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(_csv_text, na_action="ignore")
    safe.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    return path
