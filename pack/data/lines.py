"""A CSV file as runs of whole lines, and where in each run its records start.

The reader parses a file in runs of about :data:`BLOCK_SIZE` bytes (:func:`line_runs`), each a view
of the memory-mapped file, never cut inside a quoted field; a run that holds a quote is read by
:mod:`pack.data.quotes`, which mends stray quotes and says where its records start. Every line of
a run is a record's first line, a line continuing a record over a quoted line break, or blank
(:class:`Layout`).

Line numbers count the header as line 1; a line ends at ``\\n`` (``\\r\\n`` included).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pack.data.quotes import Mend, QuotedBlock

BLOCK_SIZE = 16 << 20  # bytes of CSV text per run: memory stays bounded whatever the file size
LF, CR = 0x0A, 0x0D


def _bytes(view: memoryview | bytes | bytearray) -> np.ndarray:
    return np.frombuffer(view, dtype=np.uint8)


COUNT_CHUNK = 1 << 20  # bytes compared at a time by count_byte


def count_byte(view: memoryview | bytes, byte: bytes) -> int:
    """How many times ``byte`` occurs in ``view`` (no copy of the text; compared a megabyte at a time,
    so no temporary the size of the text is made: in a thread, glibc would keep one such per thread)."""
    data, value = _bytes(view), byte[0]
    return sum(int(np.count_nonzero(data[at : at + COUNT_CHUNK] == value)) for at in range(0, len(data), COUNT_CHUNK))


def line_count(piece: memoryview | bytes) -> int:
    """Lines in a run of whole lines (the last may lack its newline).

    >>> line_count(b"a\\nb\\n"), line_count(b"a\\nb"), line_count(b"")
    (2, 2, 0)
    """
    return count_byte(piece, b"\n") + (len(piece) > 0 and piece[-1:] != b"\n")


def is_ascii(view: memoryview | bytes) -> bool:
    """True when every byte of ``view`` is ASCII."""
    return len(view) == 0 or int(_bytes(view).max()) < 128


@dataclass(frozen=True)
class Layout:
    """Which lines of a run start records; the others are blank or continue a record."""

    record_lines: np.ndarray  # the line number (header = 1) of each record's first line
    blank: int  # blank lines (not inside a quoted field)
    continuation: int  # lines that continue a record over a quoted line break
    multiline: tuple[int, ...] = ()  # first lines of the records that run over line breaks


@dataclass
class Run:
    """A run of whole lines of a file (its text mended when a stray quote was found in it)."""

    text: memoryview | bytes
    first_line: int  # line number of its first line (header = 1)
    lines: int  # lines in it
    quoted: bool  # whether it holds a quote at all (a run without one is one record per non-blank line)
    mends: list[Mend] = field(default_factory=list)
    known: Layout | None = None  # worked out as it was read (a run with quotes)

    def layout(self) -> Layout:
        """Where its records start (worked out when first asked for, for a run without quotes)."""
        if self.known is None:
            self.known = layout_of(_bytes(self.text), self.first_line, [])
        return self.known


def _line_starts(ends: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], ends[:-1] + 1)) if len(ends) else np.zeros(0, dtype=np.int64)


def layout_of(data: np.ndarray, first_line: int, spans: list[tuple[int, int | None]]) -> Layout:
    """The layout of a run of lines given its quoted fields (positions within ``data``)."""
    ends = np.flatnonzero(data == LF)
    if len(data) and data[-1] != LF:
        ends = np.append(ends, len(data))
    lines = len(ends)
    continuing = np.zeros(lines, dtype=bool)
    multiline = []
    for opening, closing in spans:
        first = int(np.searchsorted(ends, opening))
        last = int(np.searchsorted(ends, closing)) if closing is not None else lines - 1
        if last > first:
            continuing[first + 1 : last + 1] = True
            multiline.append(first_line + first)
    starts = _line_starts(ends)
    lengths = ends - starts
    blank = lengths == 0
    one = lengths == 1
    blank[one] = data[starts[one]] == CR
    blank &= ~continuing
    records = np.flatnonzero(~blank & ~continuing) + first_line
    return Layout(records.astype(np.int64), int(blank.sum()), int(continuing.sum()), tuple(multiline))


def lines_between(mapped: mmap.mmap, start: int, end: int) -> int:
    """Line ends in ``mapped[start:end]``, counted a block at a time."""
    view, count = memoryview(mapped), 0
    for at in range(start, end, BLOCK_SIZE):
        count += count_byte(view[at : min(end, at + BLOCK_SIZE)], b"\n")
    return count


def file_line_count(path: Path) -> int:
    """Lines of a whole file (the last may lack its newline)."""
    size = path.stat().st_size
    if not size:
        return 0
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return lines_between(mapped, 0, size) + (mapped[size - 1 : size] != b"\n")


def header_end(mapped: mmap.mmap | bytes, size: int) -> int:
    """The offset just after the header line."""
    return mapped.find(b"\n") + 1 or size


def _mapped(path: Path | bytes) -> tuple[mmap.mmap | bytes, int]:
    """``(text, size)``: the file memory-mapped (freed when no view of it is left), or the bytes as
    given; an empty file gives ``(b"", 0)`` (an empty file cannot be mapped)."""
    if isinstance(path, bytes):
        return path, len(path)
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return b"", 0
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), size


def line_runs(
    path: Path | bytes,
    fields: int,
    block_size: int = BLOCK_SIZE,
    on_bytes: Callable[[memoryview], None] | None = None,
    shown: str = "",
) -> Iterator[Run]:
    """Yield the lines after the header in runs of about ``block_size`` bytes, never cut inside a
    quoted field, with stray quotes mended (``fields``: the header's number of fields).

    The file is memory-mapped and a run without a mend is a view of it, so its text is never
    copied; once the next run is asked for, the pages of the last one are let go (a view of it stays
    valid, read again from the page cache if touched). ``on_bytes`` is given the header line and
    then each run's original bytes before it is yielded: every byte of the file once, in order
    (e.g. to hash it in the same pass). Raises :class:`DataError` naming the file as ``shown`` when
    it has more than :data:`MAX_MENDS` stray quotes. ``path`` may be the file's bytes instead (a zip
    member read into memory)."""
    mapped, size = _mapped(path)
    if size == 0:
        return
    text = memoryview(mapped)
    start = header_end(mapped, size)
    if on_bytes is not None:
        on_bytes(text[:start])
    first_line, mends = 2, 0
    while start < size:
        end = min(start + block_size, size)
        cut = end if end == size else mapped.rfind(b"\n", start, end) + 1
        if cut <= start:  # one record longer than the block: take more at once
            block_size *= 2
            continue
        if mapped.find(b'"', start, cut) < 0:
            piece = text[start:cut]
            run = Run(piece, first_line, line_count(piece), False)
        else:
            block = QuotedBlock(mapped, start, cut, fields, first_line, shown)
            piece, spans, cut = block.read(mends)
            if cut <= start:  # a quoted field runs on past the block: take more at once
                block_size *= 2
                continue
            layout = layout_of(_bytes(piece), first_line, spans)
            lines = len(layout.record_lines) + layout.blank + layout.continuation
            run = Run(piece, first_line, lines, True, block.mends, layout)
            mends += len(run.mends)
        if on_bytes is not None:
            on_bytes(text[start:cut])
        yield run
        # done with these pages: drop them from this process (they stay in the page cache), so
        # its memory holds one run of the file, not the whole file
        done = start - start % mmap.PAGESIZE
        if isinstance(mapped, mmap.mmap):
            mapped.madvise(mmap.MADV_DONTNEED, done, cut - done)
        first_line += run.lines
        start = cut
