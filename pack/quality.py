"""The data-quality report as tables: per input, and the rows rejected."""

from __future__ import annotations

import pandas as pd

from pack.data import INPUT_NAMES
from pack.periods import describe_months


def input_quality_table(quality: dict, inputs: list[str] | None = None) -> pd.DataFrame:
    """One row per input: supplied, files, rows read/kept/rejected, months covered and missing."""
    rows = []
    for name in INPUT_NAMES:  # the data contract's order
        info = quality["inputs"][name]
        if inputs is not None and name not in inputs:
            continue
        rows.append(
            {
                "input": info["title"],
                "supplied": "yes" if info["supplied"] else "no",
                "files": len(info["files"]),
                "rows read": info["rows_read"],
                "rows kept": info["rows_kept"],
                "rows rejected": info["rows_rejected"],
                "other forces": info["rows_other_forces"],
                "months covered": describe_months(info["months"]) if info["months"] else "–",
                "months missing": describe_months(info["missing_months"]) if info["missing_months"] else "none",
            }
        )
    return pd.DataFrame(rows)


def rejections_table(quality: dict, limit: int = 100) -> pd.DataFrame:
    """Rejected rows (file, row, column, value, reason), at most ``limit``."""
    rows = []
    for info in quality["inputs"].values():
        rows.extend(info["rejections"])
    frame = pd.DataFrame(rows, columns=["file", "row", "column", "value", "reason"])
    return frame.head(limit)


def rejection_reasons_table(quality: dict) -> pd.DataFrame:
    """Rejected rows counted by input and reason."""
    rows = [
        {"input": info["title"], "reason": reason, "rows": n}
        for info in quality["inputs"].values()
        for reason, n in info["rejection_reasons"].items()
    ]
    return pd.DataFrame(rows, columns=["input", "reason", "rows"])


def checks_table(quality: dict) -> pd.DataFrame:
    """Cross-checks (unmatched LSOAs, totals that disagree ...)."""
    return pd.DataFrame(quality["checks"], columns=["check", "severity", "detail", "resolution"])
