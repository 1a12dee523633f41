"""The data-quality report: what each input gave, what was rejected and why."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from pack.data.readers import FileReport, Rejection
from pack.data.specs import INPUT_NAMES
from pack.periods import Month, describe_months, month_range

log = logging.getLogger(__name__)

MAX_LISTED_REJECTIONS = 200


MONTHLY_INPUTS = ("street", "outcomes", "stop_search", "calls")


@dataclass
class InputReport:
    """Data-quality facts for one input."""

    name: str
    title: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    rows_other_forces: int = 0
    months: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def supplied(self) -> bool:
        """True when at least one file of this input was found."""
        return bool(self.files)

    def add(self, report: FileReport) -> None:
        """Fold one file's report into this input's."""
        self.rows_read += report.rows_read
        self.rows_kept += report.rows_kept
        self.rows_rejected += report.rows_rejected
        self.reasons.update(report.reasons)
        self.rejections.extend(report.rejections[: max(0, MAX_LISTED_REJECTIONS - len(self.rejections))])
        self.notes.extend(f"{report.file}: {note}" for note in report.notes)

    def as_dict(self) -> dict:
        """Plain JSON form, rejections listed up to a cap and counted by reason."""
        missing: list[str] = []
        if self.months and self.name in MONTHLY_INPUTS:
            span = month_range(Month.parse(self.months[0]), Month.parse(self.months[-1]))
            missing = [str(m) for m in span if str(m) not in set(self.months)]
        return {
            "name": self.name,
            "title": self.title,
            "supplied": self.supplied,
            "files": self.files,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_rejected": self.rows_rejected,
            "rows_other_forces": self.rows_other_forces,
            "months": self.months,
            "first_month": self.months[0] if self.months else None,
            "last_month": self.months[-1] if self.months else None,
            "missing_months": missing,
            "notes": self.notes,
            "rejection_reasons": dict(sorted(self.reasons.items())),
            "rejections": [r.__dict__ for r in self.rejections[:MAX_LISTED_REJECTIONS]],
        }


def summarise_coverage(quality: dict) -> list[str]:
    """One plain-English line per input: supplied or not, rows, months."""
    lines = []
    for name in INPUT_NAMES:
        info = quality["inputs"][name]
        if not info["supplied"]:
            lines.append(f"{info['title']}: not supplied")
            continue
        text = f"{info['title']}: {len(info['files'])} file(s), {info['rows_kept']:,} rows kept"
        if info["rows_rejected"]:
            text += f", {info['rows_rejected']:,} rejected"
        if info["months"]:
            text += f"; months {describe_months(info['months'])}"
        if info["missing_months"]:
            text += f" (missing {describe_months(info['missing_months'])})"
        lines.append(text)
    return lines
