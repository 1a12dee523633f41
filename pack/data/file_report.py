"""What reading one file found: a :class:`FileReport` of where every line went (its
:class:`~pack.data.accounts.RowAccount`), the rows rejected and why, the values removed from rows
kept, and the notes the data-quality report shows for the file.

The readers (:mod:`pack.data.readers`, :mod:`pack.data.policeuk_file`, :mod:`pack.data.national`)
fill it as they read; the quality report (:mod:`pack.data.report`) reads it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pack.data.accounts import FileAccount, RowAccount
from pack.data.domains import DomainCounts
from pack.data.quotes import Mend


@dataclass(frozen=True)
class Rejection:
    """One rejected row: where it was and which rule it broke."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str


MAX_EXAMPLES = 50  # rejected rows listed per file; all of them are counted


@dataclass
class FileReport:
    """What reading one file found, every line accounted for: ``lines`` = header + blank +
    continuation lines + ``rows_read``, and ``rows_read`` = kept + rejected + other forces + repeated
    (:meth:`balanced`). Rejected rows are all counted (in total and by reason); the first
    :data:`MAX_EXAMPLES` are listed, so memory stays bounded for a file of bad rows."""

    file: str
    encoding: str = "utf-8"
    lines: int = 0  # lines of the file, header included
    header_lines: int = 0
    blank_lines: int = 0
    continuation_lines: int = 0  # lines that continue a record over a quoted line break
    rows_read: int = 0  # records read, malformed ones included
    rows_kept: int = 0
    rows_rejected: int = 0
    rows_other_forces: int = 0
    rows_repeated: int = 0  # rows not counted because they repeat rows that are (e.g. a block pasted twice)
    duplicate_rows: int = 0  # kept rows identical to an earlier row of the file
    duplicate_rows_no_id: int = 0  # ... of them, rows without a Crime ID
    shared_id_rows: int = 0  # rows with a Crime ID that another row of the file also has
    shared_ids: int = 0  # ... and how many Crime IDs those are
    reasons: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mends: list[Mend] = field(default_factory=list)
    cleared: Counter[str] = field(default_factory=Counter)  # values removed (row kept), by "column: rule"
    cleared_examples: dict[str, tuple[int, str]] = field(default_factory=dict)
    domain_counts: DomainCounts = field(default_factory=DomainCounts)

    def reject(self, row: int | None, column: str, value: str, reason: str) -> None:
        """Count one failed rule (the caller counts the distinct rows in ``rows_rejected``)."""
        self.reasons[f"{column}: {reason}"] += 1
        if len(self.rejections) < MAX_EXAMPLES:
            self.rejections.append(Rejection(self.file, row, column, value[:80], reason))

    def clear(self, row: int, column: str, value: str, reason: str) -> None:
        """Count one value removed from a kept row (e.g. a longitude that is not a number)."""
        key = f"{column}: {reason}"
        self.cleared[key] += 1
        self.cleared_examples.setdefault(key, (row, value[:80]))

    def account(self) -> RowAccount:
        """Where the file's lines went, as counted so far."""
        return RowAccount(
            lines=self.lines,
            header=self.header_lines,
            blank=self.blank_lines,
            continuation=self.continuation_lines,
            kept=self.rows_kept,
            rejected=self.rows_rejected,
            other_forces=self.rows_other_forces,
            repeated=self.rows_repeated,
        )

    def file_account(self) -> FileAccount:
        """The file's account as the quality report keeps it (its lines, mends and repeats), frozen now."""
        return FileAccount(self.file, self.account(), len(self.mends), self.duplicate_rows, self.shared_id_rows)

    def balanced(self) -> bool:
        """Every line accounted for, once (:attr:`RowAccount.balanced`), and every record read counted."""
        account = self.account()
        return self.rows_read == account.rows and account.balanced

    def finish_notes(self) -> None:
        """Notes for what was mended, joined and removed (once the whole file is read)."""
        for mend in self.mends:
            done = (
                "a closing quote supplied where the line then has the header's fields"
                if mend.closed
                else "the quote read as text"
            )
            self.notes.append(
                f"row {mend.line}: a quote opening field {mend.field + 1} ({mend.text!r}) is never closed and would "
                f"have run {mend.swallowed:,} line(s) into one field: {done}; each line after it read as its own record"
            )
        if self.blank_lines:
            self.notes.append(f"{self.blank_lines} blank line(s) ignored")
        if self.continuation_lines:
            self.notes.append(
                f"{self.continuation_lines} line(s) continue a record whose quoted field holds a line break "
                "(the record is read whole; rows are numbered by their first line)"
            )
        for key, n in sorted(self.cleared.items()):
            row, value = self.cleared_examples[key]
            self.notes.append(f"{key}: {n:,} value(s) removed, rows kept (e.g. row {row}: {value!r})")
