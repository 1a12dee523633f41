"""The data-quality report: what each input gave, what was rejected and why, as typed records.

While a data folder is read, each input collects its facts in a mutable :class:`InputReport`; the
prepare stage then freezes them into one :class:`QualityReport`, written beside the prepared tables
as ``quality.json`` (schema: ``quality.schema.json`` in this folder, checked by the tests) and read
back from the cache with :meth:`QualityReport.from_json`. Everything downstream (notebooks, the
command line, the pack's appendix, the manifest) reads these records, never the JSON by string keys.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from pack.data.accounts import FileAccount, RowAccount
from pack.data.domains import DomainCounts
from pack.data.file_report import FileReport, Rejection
from pack.data.specs import INPUT_NAMES, MONTHLY_INPUTS
from pack.periods import Month, describe_months, month_range

REPORT_FORMAT = 6
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


_DERIVED = (
    "supplied",
    "first_month",
    "last_month",
    "balanced",
    "rows_read",
    "rows_kept",
    "rows_rejected",
    "rows_other_forces",
    "rows_repeated",
)  # InputQuality's properties its JSON form also carries


@dataclass(frozen=True)
class InputQuality:
    """What one input gave: files, rows read, kept and rejected (with reasons), months covered.

    ``months`` are the months covered: a month whose file lost records is not among them but in
    ``incomplete_months`` (month: why). ``unusable`` says why an input that was read cannot be
    used (e.g. outcome files whose Crime IDs match no crime); :meth:`QualityReport.months` then
    gives no month for it."""

    name: str
    title: str
    files: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    missing_months: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rejection_reasons: Mapping[str, int] = field(default_factory=dict)
    rejections: tuple[Rejection, ...] = ()
    incomplete_months: Mapping[str, str] = field(default_factory=dict)
    file_accounts: tuple[FileAccount, ...] = ()
    variant_values: Mapping[str, int] = field(default_factory=dict)  # "column: 'as written' read as 'value'": rows
    unknown_values: Mapping[str, int] = field(default_factory=dict)  # "column: 'value'": rows
    unusable: str | None = None

    @property
    def account(self) -> RowAccount:
        """Where the lines of the input's files went: their accounts summed (the one record of it)."""
        return sum((a.account for a in self.file_accounts), RowAccount())

    @property
    def rows_read(self) -> int:
        """Records read from the input's files (kept, rejected, other forces and repeated)."""
        return self.account.rows

    @property
    def rows_kept(self) -> int:
        """Records kept."""
        return self.account.kept

    @property
    def rows_rejected(self) -> int:
        """Records rejected (each listed with its reason in the files' reports)."""
        return self.account.rejected

    @property
    def rows_other_forces(self) -> int:
        """Records of other forces, set aside."""
        return self.account.other_forces

    @property
    def rows_repeated(self) -> int:
        """Records not counted because they repeat records that are."""
        return self.account.repeated

    @property
    def balanced(self) -> bool:
        """Every line of every file accounted for."""
        return all(a.balanced for a in self.file_accounts)

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
        """From the JSON form (:meth:`QualityReport.to_json`); the derived values (``supplied``, the
        ``rows_*`` counts ...) are read from the records they derive from, not from the JSON."""
        fields = {k: v for k, v in data.items() if k not in _DERIVED}
        for name in ("files", "months", "missing_months", "notes"):
            fields[name] = tuple(fields.get(name, ()))
        fields["rejections"] = tuple(Rejection(**r) for r in fields.get("rejections", ()))
        for name in ("rejection_reasons", "incomplete_months", "variant_values", "unknown_values"):
            fields[name] = dict(fields.get(name, {}))
        fields["file_accounts"] = tuple(FileAccount.from_dict(a) for a in fields.get("file_accounts", ()))
        return cls(**fields)

    def to_dict(self) -> dict:
        """The JSON form, with the derived values (:data:`_DERIVED`) written out for its readers."""
        data = asdict(self)
        data.update({name: getattr(self, name) for name in _DERIVED})
        data["file_accounts"] = [a.to_dict() for a in self.file_accounts]
        return data


@dataclass(frozen=True)
class MonthMatch:
    """One month of the crime-to-outcome match: rows (outcome rows, or crimes with a Crime ID),
    how many matched, and whether the month is judged (see :mod:`pack.data.joins`)."""

    month: str
    rows: int
    matched: int
    judged: bool = False

    @property
    def share(self) -> float:
        """``matched / rows`` (0 when there are no rows)."""
        return self.matched / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class OutcomeJoin:
    """How the outcome files' Crime IDs met the street files' crimes, month by month: the outcome rows
    of each outcome month that match a crime, the crimes of each street month that have an outcome
    row. ``sample`` n: one Crime ID in n was checked (large data). ``unusable``: why the outcomes
    cannot be used (``None``: they can)."""

    outcome_rows: tuple[MonthMatch, ...] = ()
    crimes: tuple[MonthMatch, ...] = ()
    sample: int = 1
    unusable: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping) -> OutcomeJoin:
        """From the JSON form."""
        return cls(
            outcome_rows=tuple(MonthMatch(**m) for m in data.get("outcome_rows", ())),
            crimes=tuple(MonthMatch(**m) for m in data.get("crimes", ())),
            sample=data.get("sample", 1),
            unusable=data.get("unusable"),
        )


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
    outcome_join: OutcomeJoin | None = None

    def input(self, name: str) -> InputQuality:
        """The report of input ``name`` (every input of the data contract has one)."""
        return self.inputs[name]

    def months(self, name: str) -> list[str]:
        """Months (``YYYY-MM``) that input ``name`` covers, usably: none when it is :attr:`~InputQuality.unusable`."""
        info = self.inputs[name]
        return [] if info.unusable else list(info.months)

    def unusable(self, name: str) -> str | None:
        """Why input ``name`` cannot be used although it was read (``None``: it can)."""
        return self.inputs[name].unusable

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
            "outcome_join": None if self.outcome_join is None else asdict(self.outcome_join),
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
            outcome_join=None if data.get("outcome_join") is None else OutcomeJoin.from_dict(data["outcome_join"]),
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
    months: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    incomplete: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    accounts: list[FileAccount] = field(default_factory=list)
    domains: DomainCounts = field(default_factory=DomainCounts)
    unusable: str | None = None

    def add(self, report: FileReport) -> None:
        """Fold one file's report into this input's (its account is the file's, frozen now)."""
        self.reasons.update(report.reasons)
        self.rejections.extend(report.rejections[: max(0, MAX_LISTED_REJECTIONS - len(self.rejections))])
        self.notes.extend(f"{report.file}: {note}" for note in report.notes)
        self.accounts.append(report.file_account())
        self.domains.update(report.domain_counts)

    @property
    def account(self) -> RowAccount:
        """Where the lines of the files read so far went: their accounts summed."""
        return sum((a.account for a in self.accounts), RowAccount())

    def repeat_notes(self) -> list[str]:
        """One line each for the exact duplicate rows and the shared Crime IDs of the input's files."""
        lines = []
        files = [a for a in self.accounts if a.duplicates]
        if files:
            total = sum(a.duplicates for a in files)
            lines.append(
                f"{total:,} row(s) in {len(files)} file(s) repeat an earlier row of their file exactly: kept and "
                "counted, as data.police.uk publishes distinct records that way (incidents without a Crime ID at "
                "one anonymised place in one month; a crime's identical outcome rows); see each file's account"
            )
        files = [a for a in self.accounts if a.shared_id_rows]
        if files:
            lines.append(
                f"{sum(a.shared_id_rows for a in files):,} row(s) in {len(files)} file(s) share their Crime ID with "
                "another row of their file: each kept as a record; all rows of one Crime ID take that crime's "
                "latest outcome"
            )
        return lines

    def freeze(self) -> InputQuality:
        """The frozen record; a monthly input's months missing between its first and last are named
        (a month whose file lost records counts as missing)."""
        incomplete = {m: "; ".join(reasons) for m, reasons in sorted(self.incomplete.items())}
        months = sorted(set(self.months) - set(incomplete))
        missing: list[str] = []
        span = sorted(set(months) | set(incomplete))
        if span and self.name in MONTHLY_INPUTS:
            whole = month_range(Month.parse(span[0]), Month.parse(span[-1]))
            missing = [str(m) for m in whole if str(m) not in set(months)]
        return InputQuality(
            name=self.name,
            title=self.title,
            files=tuple(self.files),
            months=tuple(months),
            missing_months=tuple(missing),
            notes=tuple(self.notes + self.repeat_notes()),
            rejection_reasons=dict(sorted(self.reasons.items())),
            rejections=tuple(self.rejections[:MAX_LISTED_REJECTIONS]),
            incomplete_months=incomplete,
            file_accounts=tuple(self.accounts),
            variant_values={f"{c}: {w!r} read as {r!r}": n for (c, w, r), n in sorted(self.domains.variants.items())},
            unknown_values={f"{c}: {v!r}": n for (c, v), n in sorted(self.domains.unknown.items())},
            unusable=self.unusable,
        )


def summarise_coverage(quality: QualityReport) -> list[str]:
    """One plain-English line per input: supplied or not, rows, months (and those not covered)."""
    lines = []
    for name in INPUT_NAMES:
        info = quality.input(name)
        if not info.supplied:
            lines.append(f"{info.title}: not supplied")
            continue
        text = f"{info.title}: {len(info.files)} file(s), {info.rows_kept:,} rows kept"
        if info.rows_rejected:
            text += f", {info.rows_rejected:,} rejected"
        if info.rows_repeated:
            text += f", {info.rows_repeated:,} repeated (not counted)"
        if info.months:
            text += f"; months {describe_months(list(info.months))}"
        if info.missing_months:
            text += f" (missing {describe_months(list(info.missing_months))})"
        if info.unusable:
            text += f"; NOT USABLE: {info.unusable}"
        lines.append(text)
        lines += [f"{info.title}: {month} not covered: {why}" for month, why in info.incomplete_months.items()]
    return lines


def describe_accounts(info: InputQuality) -> list[str]:
    """One line per file of an input whose lines are not all header and kept rows (every file that
    does not balance included): where each line went."""
    plain = [a.balanced and a.account.lines == a.account.header + a.account.kept for a in info.file_accounts]
    return [f"{a.file}: {a.describe()}" for a, simple in zip(info.file_accounts, plain, strict=True) if not simple]
