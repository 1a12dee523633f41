"""The data-quality report: what each input gave, what was rejected and why, as typed records.

While a data folder is read, each input collects its facts in a mutable :class:`InputReport`; the
prepare stage then freezes them into one :class:`QualityReport`, written beside the prepared tables
as ``quality.json`` (schema: ``quality.schema.json`` in this folder, checked by the tests) and read
back from the cache with :meth:`QualityReport.from_json`. Everything downstream (notebooks, the
command line, the pack's appendix, the manifest) reads these records, never the JSON by string keys.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from pack.data.readers import FileReport, Rejection
from pack.data.specs import INPUT_NAMES, MONTHLY_INPUTS
from pack.periods import Month, describe_months, month_range

REPORT_FORMAT = 5
MAX_LISTED_REJECTIONS = 200

Severity = Literal["ok", "note", "warning", "error"]


@dataclass(frozen=True)
class Check:
    """A cross-check of the data (totals that disagree, records not matched to a lookup ...)."""

    check: str
    severity: Severity
    detail: str
    resolution: str
    inputs: tuple[str, ...] = ()  # the inputs it concerns (shown where they are used); empty: all the data


@dataclass(frozen=True)
class InputFile:
    """One file found in the data folder: path relative to it, the input it was read as (``None``:
    not recognised), its size and SHA-256 (``None`` when it could not be read)."""

    path: str
    input: str | None
    size: int | None
    sha256: str | None


@dataclass(frozen=True)
class InputQuality:
    """What one input gave: files, rows read, kept and rejected (with reasons), months covered."""

    name: str
    title: str
    files: tuple[str, ...] = ()
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    rows_other_forces: int = 0
    months: tuple[str, ...] = ()
    missing_months: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rejection_reasons: Mapping[str, int] = field(default_factory=dict)
    rejections: tuple[Rejection, ...] = ()

    @property
    def supplied(self) -> bool:
        """True when at least one file of this input was found."""
        return bool(self.files)

    @property
    def first_month(self) -> str | None:
        """The first month covered (``YYYY-MM``), if any."""
        return self.months[0] if self.months else None

    @property
    def last_month(self) -> str | None:
        """The last month covered (``YYYY-MM``), if any."""
        return self.months[-1] if self.months else None

    @classmethod
    def from_dict(cls, data: Mapping) -> InputQuality:
        """From the JSON form (:meth:`QualityReport.to_json`)."""
        fields = {k: v for k, v in data.items() if k not in ("supplied", "first_month", "last_month")}
        for name in ("files", "months", "missing_months", "notes"):
            fields[name] = tuple(fields.get(name, ()))
        fields["rejections"] = tuple(Rejection(**r) for r in fields.get("rejections", ()))
        fields["rejection_reasons"] = dict(fields.get("rejection_reasons", {}))
        return cls(**fields)

    def to_dict(self) -> dict:
        """The JSON form, with the derived ``supplied``, ``first_month`` and ``last_month``."""
        data = asdict(self)
        data.update(supplied=self.supplied, first_month=self.first_month, last_month=self.last_month)
        return data


@dataclass(frozen=True)
class QualityReport:
    """The data-quality report of one prepared data folder."""

    format: int
    force: str
    demonstration: bool
    inputs: Mapping[str, InputQuality]
    unrecognised: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    errors: tuple[str, ...] = ()
    files: tuple[InputFile, ...] = ()

    def input(self, name: str) -> InputQuality:
        """The report of input ``name`` (every input of the data contract has one)."""
        return self.inputs[name]

    def months(self, name: str) -> list[str]:
        """Months (``YYYY-MM``) that input ``name`` covers."""
        return list(self.inputs[name].months)

    def notes(self, names: list[str] | None = None) -> list[str]:
        """Every note, prefixed with its input's title (only the inputs ``names``, in that order, if given)."""
        chosen = list(self.inputs) if names is None else names
        return [f"{self.inputs[name].title}: {note}" for name in chosen for note in self.inputs[name].notes]

    def to_json(self) -> str:
        """``quality.json``: keys sorted, so the same report always gives the same bytes."""
        data = {
            "format": self.format,
            "force": self.force,
            "demonstration": self.demonstration,
            "inputs": {name: info.to_dict() for name, info in self.inputs.items()},
            "unrecognised": list(self.unrecognised),
            "checks": [asdict(c) for c in self.checks],
            "errors": list(self.errors),
            "files": [asdict(f) for f in self.files],
        }
        return json.dumps(data, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> QualityReport:
        """Read ``quality.json`` back (:meth:`to_json`)."""
        data = json.loads(text)
        return cls(
            format=data["format"],
            force=data["force"],
            demonstration=data["demonstration"],
            inputs={name: InputQuality.from_dict(data["inputs"][name]) for name in _contract_order(data["inputs"])},
            unrecognised=tuple(data["unrecognised"]),
            checks=tuple(Check(**{**c, "inputs": tuple(c.get("inputs", ()))}) for c in data["checks"]),
            errors=tuple(data["errors"]),
            files=tuple(InputFile(**f) for f in data["files"]),
        )


def _contract_order(names: Mapping) -> list[str]:
    """Input names in the data contract's order (as a fresh report has them), any others after."""
    order = {name: i for i, name in enumerate(INPUT_NAMES)}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


@dataclass
class InputReport:
    """Data-quality facts for one input, collected while its files are read (see :meth:`freeze`)."""

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

    def add(self, report: FileReport) -> None:
        """Fold one file's report into this input's."""
        self.rows_read += report.rows_read
        self.rows_kept += report.rows_kept
        self.rows_rejected += report.rows_rejected
        self.reasons.update(report.reasons)
        self.rejections.extend(report.rejections[: max(0, MAX_LISTED_REJECTIONS - len(self.rejections))])
        self.notes.extend(f"{report.file}: {note}" for note in report.notes)

    def freeze(self) -> InputQuality:
        """The frozen record; a monthly input's months missing between its first and last are named."""
        months = sorted(set(self.months))
        missing: list[str] = []
        if months and self.name in MONTHLY_INPUTS:
            span = month_range(Month.parse(months[0]), Month.parse(months[-1]))
            missing = [str(m) for m in span if str(m) not in set(months)]
        return InputQuality(
            name=self.name,
            title=self.title,
            files=tuple(self.files),
            rows_read=self.rows_read,
            rows_kept=self.rows_kept,
            rows_rejected=self.rows_rejected,
            rows_other_forces=self.rows_other_forces,
            months=tuple(months),
            missing_months=tuple(missing),
            notes=tuple(self.notes),
            rejection_reasons=dict(sorted(self.reasons.items())),
            rejections=tuple(self.rejections[:MAX_LISTED_REJECTIONS]),
        )


def summarise_coverage(quality: QualityReport) -> list[str]:
    """One plain-English line per input: supplied or not, rows, months."""
    lines = []
    for name in INPUT_NAMES:
        info = quality.input(name)
        if not info.supplied:
            lines.append(f"{info.title}: not supplied")
            continue
        text = f"{info.title}: {len(info.files)} file(s), {info.rows_kept:,} rows kept"
        if info.rows_rejected:
            text += f", {info.rows_rejected:,} rejected"
        if info.months:
            text += f"; months {describe_months(list(info.months))}"
        if info.missing_months:
            text += f" (missing {describe_months(list(info.missing_months))})"
        lines.append(text)
    return lines
