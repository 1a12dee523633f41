"""The data-quality report as tables for readers: per input, the rows rejected, the cross-checks."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from pack.data import INPUT_NAMES, QualityReport
from pack.periods import describe_months


def input_quality_table(quality: QualityReport, inputs: list[str] | None = None) -> pd.DataFrame:
    """One row per input: supplied, files, rows read/kept/rejected, months covered and missing."""
    rows = []
    for name in INPUT_NAMES:  # the data contract's order
        if inputs is not None and name not in inputs:
            continue
        info = quality.input(name)
        rows.append(
            {
                "input": info.title,
                "supplied": "yes" if info.supplied else "no",
                "files": len(info.files),
                "rows read": info.rows_read,
                "rows kept": info.rows_kept,
                "rows rejected": info.rows_rejected,
                "other forces": info.rows_other_forces,
                "rows repeated (not counted)": info.rows_repeated,
                "months covered": describe_months(list(info.months)) if info.months else "–",
                "months missing": describe_months(list(info.missing_months)) if info.missing_months else "none",
                "months not covered (records lost)": ", ".join(info.incomplete_months) or "none",
                "every line accounted for": "yes" if info.balanced else "NO",
                "usable": "no: " + info.unusable if info.unusable else "yes",
            }
        )
    return pd.DataFrame(rows)


def rejections_table(quality: QualityReport, limit: int = 100) -> pd.DataFrame:
    """Rejected rows (file, row, column, value, reason), at most ``limit``."""
    rows = [asdict(r) for info in quality.inputs.values() for r in info.rejections]
    frame = pd.DataFrame(rows, columns=["file", "row", "column", "value", "reason"])
    return frame.head(limit)


def rejection_reasons_table(quality: QualityReport) -> pd.DataFrame:
    """Rejected rows counted by input and reason."""
    rows = [
        {"input": info.title, "reason": reason, "rows": n}
        for info in quality.inputs.values()
        for reason, n in info.rejection_reasons.items()
    ]
    return pd.DataFrame(rows, columns=["input", "reason", "rows"])


def checks_table(quality: QualityReport) -> pd.DataFrame:
    """Cross-checks (unmatched LSOAs, totals that disagree ...)."""
    return pd.DataFrame([asdict(c) for c in quality.checks], columns=["check", "severity", "detail", "resolution"])
