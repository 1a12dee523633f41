"""Rows that repeat: exact duplicate rows, repeated Crime IDs and blocks of rows pasted twice, per file.

data.police.uk publishes rows that are exact copies of each other, and they are distinct records:
anti-social behaviour has no Crime ID, so two incidents at the same anonymised point in the same
month are identical rows (about one in ten rows of a real Derbyshire street file); a crime may be
published as several rows under one Crime ID (a few hundred rows a month). Those rows are kept,
counted and reported per file. What data.police.uk never publishes is a run of rows repeating, in
order, an earlier run of the same file: that is a block pasted twice or a download appended to
itself. A run of at least :data:`BLOCK_ROWS` such rows is not counted (each row reported as
repeated, with the rows it repeats).

Rows are compared by a 64-bit fingerprint of every column the pack reads (Crime ID key,
coordinates, location, LSOA, crime type, outcome, month; for outcomes the outcome type; for
stop and search every column), worked out per distinct value of each text column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc

BLOCK_ROWS = 50  # an ordered repeat this long is a paste, never data (longest in the real files: none)

_MULTIPLIERS = (
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD,
    0xC4CEB9FE1A85EC53,
    0x27D4EB2F165667C5,
    0x94D049BB133111EB,
)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def _column_words(column: arrow.ChunkedArray | arrow.Array) -> np.ndarray:
    """One ``uint64`` per row that depends on the row's value alone."""
    if isinstance(column, arrow.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else arrow.array([], column.type)
    kind = column.type
    if arrow.types.is_floating(kind):
        values = pc.fill_null(column, float("nan")).to_numpy(zero_copy_only=False).astype(np.float64)
        values = np.where(np.isnan(values), np.nan, values)  # one NaN bit pattern
        return values.view(np.uint64)
    if arrow.types.is_integer(kind):
        return pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.int64).view(np.uint64)
    encoded = pc.dictionary_encode(pc.fill_null(column.cast(arrow.string()), ""))
    digests = np.array([hash(v) & 0xFFFFFFFFFFFFFFFF for v in encoded.dictionary.to_pylist()] or [0], dtype=np.uint64)
    return digests[encoded.indices.to_numpy(zero_copy_only=False)]


def fingerprints(table: arrow.Table, columns: list[str]) -> np.ndarray:
    """A 64-bit fingerprint of each row's values in ``columns`` (equal rows, equal fingerprints).

    Text is hashed with Python's ``hash``: stable within one process, which is all a file's rows
    are compared in."""
    total = np.zeros(table.num_rows, dtype=np.uint64)
    for i, name in enumerate(columns):
        words = _column_words(table.column(name))
        total = total + _mix(words + np.uint64(i + 1)) * np.uint64(_MULTIPLIERS[i % len(_MULTIPLIERS)])
    return _mix(total)


@dataclass
class RepeatTally:
    """The rows of one file as they are kept, batch by batch: their fingerprints, row numbers and
    (when they have one) Crime ID keys."""

    prints: list[np.ndarray] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    keys: list[np.ndarray] = field(default_factory=list)  # crime_key_hi, 0 where there is no Crime ID
    no_id: list[np.ndarray] = field(default_factory=list)  # True where the row has no Crime ID

    def add(self, table: arrow.Table, rows: np.ndarray, columns: list[str]) -> None:
        """Remember one batch of kept rows (``rows``: their line numbers)."""
        self.prints.append(fingerprints(table, columns))
        self.rows.append(np.asarray(rows, dtype=np.int64))
        if "crime_key_hi" in table.column_names:
            hi = table.column("crime_key_hi")
            self.no_id.append(pc.is_null(hi).to_numpy(zero_copy_only=False))
            self.keys.append(pc.fill_null(hi, 0).to_numpy(zero_copy_only=False).astype(np.uint64))

    def summary(self) -> Repeats:
        """Exact duplicates, repeated Crime IDs and pasted blocks among the rows remembered."""
        if not self.prints:
            return Repeats()
        prints = np.concatenate(self.prints)
        rows = np.concatenate(self.rows)
        codes, uniques = pd.factorize(prints)
        first = np.empty(len(uniques), dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # each value's first position
        source = first[codes]
        repeated = source != np.arange(len(codes))
        blocks = _pasted_blocks(prints, repeated, source)
        result = Repeats(
            exact=int(repeated.sum()),
            blocks=[(int(rows[a]), int(rows[b - 1]), int(rows[a - d]), int(rows[b - 1 - d])) for a, b, d in blocks],
            drop=np.concatenate([np.arange(a, b) for a, b, _ in blocks]) if blocks else np.zeros(0, dtype=np.int64),
        )
        if self.keys:
            keys = np.concatenate(self.keys)
            no_id = np.concatenate(self.no_id)
            result.exact_no_id = int((repeated & no_id).sum())
            with_id = keys[~no_id]
            shared = pd.Series(with_id).duplicated(keep=False).to_numpy()
            result.repeated_id_rows = int(shared.sum())
            result.repeated_ids = int(pd.Series(with_id[shared]).nunique())
        return result


def _pasted_blocks(prints: np.ndarray, repeated: np.ndarray, source: np.ndarray) -> list[tuple[int, int, int]]:
    """``(start, end, offset)`` of each run of at least :data:`BLOCK_ROWS` rows each equal to the row
    ``offset`` rows before it (a block repeated in order, after its original: ``offset >= BLOCK_ROWS``).

    Candidate offsets are those of many repeated rows to their first occurrence; rows repeated
    within the original block point further back, so each candidate is then checked row by row."""
    positions = np.flatnonzero(repeated)
    offsets = positions - source[positions]
    offsets = offsets[offsets >= BLOCK_ROWS]
    if not len(offsets):
        return []
    candidates, counts = np.unique(offsets, return_counts=True)
    found: list[tuple[int, int, int]] = []
    taken = np.zeros(len(prints), dtype=bool)
    for offset in candidates[counts >= BLOCK_ROWS // 5]:
        offset = int(offset)
        same = np.zeros(len(prints) + 1, dtype=bool)
        same[offset:-1] = prints[offset:] == prints[:-offset]
        edges = np.flatnonzero(np.diff(np.concatenate(([False], same))).astype(bool))
        for start, end in zip(edges[0::2], edges[1::2], strict=False):
            if end - start >= BLOCK_ROWS and not taken[start:end].any():
                taken[start:end] = True
                found.append((int(start), int(end), offset))
    return sorted(found)


@dataclass
class Repeats:
    """What :meth:`RepeatTally.summary` found in one file."""

    exact: int = 0  # rows identical to an earlier row of the file (blocks included)
    exact_no_id: int = 0  # ... of them, rows with no Crime ID (anti-social behaviour)
    repeated_id_rows: int = 0  # rows with a Crime ID that another row of the file also has
    repeated_ids: int = 0  # ... and how many Crime IDs those are
    blocks: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first, last row; first, last repeated)
    drop: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # positions of the blocks' rows

    def notes(self) -> list[str]:
        """Plain-English lines for the file's report."""
        lines = [
            f"rows {a:,}-{b:,} repeat rows {c:,}-{d:,} exactly, in order ({b - a + 1:,} rows: a block pasted "
            "twice?): not counted"
            for a, b, c, d in self.blocks
        ]
        kept = self.exact - len(self.drop)
        if kept:
            with_id = kept - self.exact_no_id
            lines.append(
                f"{kept:,} row(s) repeat an earlier row exactly ({self.exact_no_id:,} without a Crime ID, "
                f"{with_id:,} with one): kept, as data.police.uk publishes distinct records that way (incidents "
                "at one anonymised point in one month)"
            )
        if self.repeated_id_rows:
            lines.append(
                f"{self.repeated_id_rows:,} rows share their Crime ID with another row of the file "
                f"({self.repeated_ids:,} Crime IDs): each row kept as a record; all rows of one Crime ID take "
                "that crime's latest outcome"
            )
        return lines
