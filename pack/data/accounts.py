"""Where every line of a file went: one :class:`RowAccount` record, and its balance equation,
written once; a file's account as the quality report keeps it (:class:`FileAccount`).

``lines`` = header + blank + continuation lines + rows, and rows = kept + rejected + other forces
+ repeated (rows not counted because they repeat rows that are, e.g. a block pasted twice).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

_PARTS = (
    ("header", "header"),
    ("blank", "blank"),
    ("continuation", "continuing a record"),
    ("kept", "kept"),
    ("rejected", "rejected"),
    ("other_forces", "other forces"),
    ("repeated", "repeated (not counted)"),
)


@dataclass(frozen=True)
class RowAccount:
    """The lines of a file (or the sum over files, with ``+``) by where they went."""

    lines: int = 0
    header: int = 0
    blank: int = 0
    continuation: int = 0  # lines that continue a record over a quoted line break
    kept: int = 0
    rejected: int = 0
    other_forces: int = 0
    repeated: int = 0

    @property
    def rows(self) -> int:
        """Records read (every line that is not the header, blank or a continuation)."""
        return self.kept + self.rejected + self.other_forces + self.repeated

    @property
    def balanced(self) -> bool:
        """Every line accounted for, once.

        >>> RowAccount(lines=12, header=1, blank=1, kept=9, rejected=1).balanced
        True
        >>> RowAccount(lines=12, header=1, kept=9).balanced
        False
        """
        return self.lines == self.header + self.blank + self.continuation + self.rows

    def __add__(self, other: RowAccount) -> RowAccount:
        """Two accounts together, count by count (an input's files summed).

        >>> RowAccount(lines=3, header=1, kept=2) + RowAccount(lines=5, header=1, kept=3, repeated=1)
        RowAccount(lines=8, header=2, blank=0, continuation=0, kept=5, rejected=0, other_forces=0, repeated=1)
        """
        if not isinstance(other, RowAccount):
            return NotImplemented
        return RowAccount(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def describe(self) -> str:
        """``12 lines = 1 header + 1 blank + 9 kept + 1 rejected`` (the parts that are not 0).

        >>> RowAccount(lines=12, header=1, blank=1, kept=9, rejected=1).describe()
        '12 lines = 1 header + 1 blank + 9 kept + 1 rejected'
        >>> RowAccount(lines=12, header=1, kept=9).describe()
        '12 lines = 1 header + 9 kept (DOES NOT BALANCE)'
        """
        shown = " + ".join(f"{getattr(self, name):,} {what}" for name, what in _PARTS if getattr(self, name)) or "0"
        return f"{self.lines:,} lines = {shown}" + ("" if self.balanced else " (DOES NOT BALANCE)")


@dataclass(frozen=True)
class FileAccount:
    """One file's account (:class:`RowAccount`: where every line went) and what else its reading
    counted: stray quotes mended, exact duplicate rows (kept) and rows sharing a Crime ID."""

    file: str
    account: RowAccount
    mended: int = 0  # stray quotes mended (see pack.data.lines)
    duplicates: int = 0  # kept rows identical to an earlier row of the file (counted: distinct records)
    shared_id_rows: int = 0  # rows whose Crime ID another row of the file also has

    @property
    def balanced(self) -> bool:
        """Every line accounted for, once."""
        return self.account.balanced

    def describe(self) -> str:
        """``12 lines = 1 header + 1 blank + 9 kept + 1 rejected`` (the parts that are not 0)."""
        return self.account.describe()

    @classmethod
    def from_dict(cls, data: Mapping) -> FileAccount:
        """From the JSON form (:meth:`to_dict`)."""
        counts = {f.name: data[f.name] for f in fields(RowAccount) if f.name in data}
        return cls(data["file"], RowAccount(**counts), data["mended"], data["duplicates"], data["shared_id_rows"])

    def to_dict(self) -> dict:
        """The JSON form: the file, its account's counts, the other counts, then ``rows`` and ``balanced``."""
        return {
            "file": self.file,
            **asdict(self.account),
            "mended": self.mended,
            "duplicates": self.duplicates,
            "shared_id_rows": self.shared_id_rows,
            "rows": self.account.rows,
            "balanced": self.balanced,
        }
