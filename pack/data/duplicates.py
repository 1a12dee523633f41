"""Rows that repeat: exact duplicate rows, repeated Crime IDs and blocks of rows pasted twice, per file.

data.police.uk publishes rows that are exact copies of each other, and they are distinct records:
anti-social behaviour has no Crime ID, so two incidents at the same anonymised point in the same
month are identical rows (about one in ten rows of a real Derbyshire street file); a crime may be
published as several rows under one Crime ID (a few hundred rows a month). Those rows are kept,
counted and reported per file. What data.police.uk never publishes is a run of rows repeating, in
order, an earlier run of the same file: that is a block pasted twice or a download appended to
itself. A run of at least :data:`BLOCK_ROWS` such rows is not counted (each row reported as
repeated, with the rows it repeats).

Rows are compared by a 64-bit fingerprint of every column the pack reads (Crime ID key, month,
force, coordinates, location, LSOA, crime type, outcome; for stop and search every column), worked
out per distinct value of each text column. A row with a Crime ID can only repeat a row with the
same Crime ID, so only rows whose Crime ID repeats are compared on the other columns.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """The rows of one file as they are kept, batch by batch.

    A row with a Crime ID can repeat another only if its Crime ID does, and only a few do: such rows
    are fingerprinted at the end, their columns read back from the Parquet part they were written to
    (so a large file's rows are not held in memory). Rows without one (anti-social behaviour; stop
    and search) are fingerprinted as they come."""

    columns: list[str] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    prints: list[np.ndarray] = field(default_factory=list)  # fingerprint; for rows with a Crime ID, their key
    with_id: list[np.ndarray] = field(default_factory=list)  # True where the row has a Crime ID
    keyed: bool = False  # the rows have Crime ID keys

    def add(self, table: arrow.Table, rows: np.ndarray, columns: list[str]) -> None:
        """Remember one batch of kept rows (``rows``: their line numbers)."""
        self.columns = columns
        self.rows.append(np.asarray(rows, dtype=np.int64))
        if "crime_key_hi" not in table.column_names:
            self.prints.append(fingerprints(table, columns))
            self.with_id.append(np.zeros(table.num_rows, dtype=bool))
            return
        hi = table.column("crime_key_hi")
        has_id = pc.is_valid(hi)
        with_id = has_id.to_numpy(zero_copy_only=False)
        prints = np.zeros(table.num_rows, dtype=np.uint64)
        keys = pc.fill_null(hi, 0).to_numpy(zero_copy_only=False).astype(np.uint64)
        prints[with_id] = _mix(keys[with_id] ^ np.uint64(0x5BD1E995))  # stands in until a key is found repeated
        if not with_id.all():  # their keys are all empty: compared on the other columns
            others = [c for c in columns if c not in ("crime_key_hi", "crime_key_lo")]
            prints[~with_id] = fingerprints(table.select(others).filter(pc.invert(has_id)), others)
        self.prints.append(prints)
        self.with_id.append(with_id)
        self.keyed = True

    def summary(self, read_back: Callable[[list[str], np.ndarray], arrow.Table] | None = None) -> Repeats:
        """Exact duplicates, repeated Crime IDs and pasted blocks among the rows remembered;
        ``read_back(columns, positions)`` gives the rows at ``positions`` (in the order added) when
        rows with a Crime ID must be compared on every column."""
        if not self.prints:
            return Repeats()
        prints = np.concatenate(self.prints)
        rows = np.concatenate(self.rows)
        with_id = np.concatenate(self.with_id)
        result = Repeats()
        ids = np.flatnonzero(with_id)
        keys = prints[ids].copy()
        shared = np.zeros(len(ids), dtype=bool)
        if self.keyed:
            shared = pd.Series(keys).duplicated(keep=False).to_numpy()
            if shared.any() and read_back is not None:  # those rows compared on every column
                prints[ids[shared]] = fingerprints(read_back(self.columns, ids[shared]), self.columns)
        candidate = ~with_id
        candidate[ids[shared]] = True
        candidates = np.flatnonzero(candidate)
        codes, uniques = pd.factorize(prints[candidates])
        first = np.empty(len(uniques), dtype=np.int64)
        first[codes[::-1]] = candidates[::-1]  # each value's first position
        source = np.arange(len(prints))
        source[candidates] = first[codes]
        repeated = source != np.arange(len(prints))
        blocks = _pasted_blocks(prints, repeated, source)
        result.blocks = [(int(rows[a]), int(rows[b - 1]), int(rows[a - d]), int(rows[b - 1 - d])) for a, b, d in blocks]
        if blocks:
            result.drop = np.concatenate([np.arange(a, b) for a, b, _ in blocks])
            repeated[result.drop] = False
        result.exact = int(repeated.sum())
        result.exact_no_id = int((repeated & ~with_id).sum())
        if len(result.drop):  # Crime IDs shared among the rows counted
            counted = np.ones(len(prints), dtype=bool)
            counted[result.drop] = False
            keys = keys[counted[ids]]
            shared = pd.Series(keys).duplicated(keep=False).to_numpy()
        if shared.any():
            result.repeated_id_rows = int(shared.sum())
            result.repeated_ids = int(pd.Series(keys[shared]).nunique())
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
        starts, ends = edges[0::2], edges[1::2]
        long = ends - starts >= BLOCK_ROWS
        for start, end in zip(starts[long], ends[long], strict=True):
            if not taken[start:end].any():
                taken[start:end] = True
                found.append((int(start), int(end), offset))
    return sorted(found)


@dataclass
class Repeats:
    """What :meth:`RepeatTally.summary` found in one file."""

    exact: int = 0  # rows identical to an earlier row of the file, kept (not in a block)
    exact_no_id: int = 0  # ... of them, rows with no Crime ID (anti-social behaviour, stop and search)
    repeated_id_rows: int = 0  # rows with a Crime ID that another row of the file also has
    repeated_ids: int = 0  # ... and how many Crime IDs those are
    blocks: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first, last row; first, last repeated)
    drop: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # positions of the blocks' rows

    def notes(self) -> list[str]:
        """Plain-English lines for the file's report: each block not counted (the counts of exact
        duplicates and shared Crime IDs go into the file's account, summed per input)."""
        return [
            f"rows {a:,}-{b:,} repeat rows {c:,}-{d:,} exactly, in order ({b - a + 1:,} rows: a block pasted "
            "twice?): not counted"
            for a, b, c, d in self.blocks
        ]
