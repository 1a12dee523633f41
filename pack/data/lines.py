"""A CSV file as runs of whole lines, its quotes read as Arrow's CSV parser reads them, stray quotes mended.

The reader parses a file in runs of about :data:`BLOCK_SIZE` bytes (:func:`line_runs`), each a view
of the memory-mapped file, never cut inside a quoted field. Quotes are read as Arrow reads them: a
quote opens a quoted field only at the start of a field (after a comma or a line end); inside, ``""``
is a quote and a single quote closes the field; a quote anywhere else is text. A quoted field may
hold line breaks, so a record may run over several lines; it is accepted only when it is
well-formed.

A quote that opens a field and is never closed where it should be swallows the lines after it into
that field, up to the next quote or the end of the file: thousands of records read as one, and
a month short of them. Such a quote is recognised when a line it swallowed is, read alone, a
complete record of the file (as many fields as the header, its own quotes closed), or when it
leaves two lines each of which is a complete record once its stray quote is mended. The line that
holds it is then mended (:class:`Mend`): a closing quote is supplied at the one place where the line
then has the header's number of fields, or, failing that, the quote is read as text; every
swallowed line is read as the record it is. Each mend is reported with its line.

Line numbers count the header as line 1; a line ends at ``\\n`` (``\\r\\n`` included).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pack.errors import DataError

BLOCK_SIZE = 16 << 20  # bytes of CSV text per run: memory stays bounded whatever the file size
MAX_MENDS = 100  # stray quotes mended in one file; beyond that the file is refused as too damaged
QUOTE, COMMA, LF, CR = 0x22, 0x2C, 0x0A, 0x0D


def _bytes(view: memoryview | bytes | bytearray) -> np.ndarray:
    return np.frombuffer(view, dtype=np.uint8)


def count_byte(view: memoryview | bytes, byte: bytes) -> int:
    """How many times ``byte`` occurs in ``view`` (no copy of the text)."""
    return int(np.count_nonzero(_bytes(view) == byte[0]))


def line_count(piece: memoryview | bytes) -> int:
    """Lines in a run of whole lines (the last may lack its newline).

    >>> line_count(b"a\\nb\\n"), line_count(b"a\\nb"), line_count(b"")
    (2, 2, 0)
    """
    return count_byte(piece, b"\n") + (len(piece) > 0 and piece[-1:] != b"\n")


def is_ascii(view: memoryview | bytes) -> bool:
    """True when every byte of ``view`` is ASCII."""
    return len(view) == 0 or int(_bytes(view).max()) < 128


def blank_line_offsets(piece: memoryview | bytes) -> np.ndarray:
    """0-based offsets of the empty lines (``\\n`` or ``\\r\\n`` alone) in a run of lines.

    >>> blank_line_offsets(b"a,b\\n\\nc,d\\r\\n\\r\\n").tolist()
    [1, 3]
    """
    data = _bytes(piece)
    ends = np.flatnonzero(data == LF)
    if len(data) and data[-1] != LF:  # a last line without its newline
        ends = np.append(ends, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else np.array([], dtype=np.int64)
    lengths = ends - starts
    carriage = np.zeros(len(starts), dtype=bool)
    one = lengths == 1
    carriage[one] = data[starts[one]] == CR
    return np.flatnonzero((lengths == 0) | carriage)


def fields_alone(line: bytes) -> tuple[int, bool]:
    """``(fields, quotes closed)`` of one line read alone, as Arrow reads it (no line end included).

    >>> fields_alone(b'a,"b,c",d'), fields_alone(b'a,"b,c'), fields_alone(b'a,b"c,d')
    ((3, True), (2, False), (3, True))
    """
    count, i, size, at_start = 1, 0, len(line), True
    while i < size:
        char = line[i]
        if at_start and char == QUOTE:
            j = i + 1
            while True:
                k = line.find(b'"', j)
                if k < 0:
                    return count, False
                if k + 1 < size and line[k + 1] == QUOTE:
                    j = k + 2
                    continue
                break
            i, at_start = k + 1, False
            continue
        if char == COMMA:
            count += 1
            at_start = True
        else:
            at_start = False
        i += 1
    return count, True


def quote_spans(data: np.ndarray) -> list[tuple[int, int | None]]:
    """The quoted fields of ``data`` as ``(opening quote, closing quote or None if never closed)``.

    >>> quote_spans(np.frombuffer(b'a,"b\\n""c",d"e,"f', dtype=np.uint8))
    [(2, 9), (15, None)]
    """
    quotes = np.flatnonzero(data == QUOTE)
    spans: list[tuple[int, int | None]] = []
    i, n = 0, len(quotes)
    while i < n:
        opening = int(quotes[i])
        if opening > 0 and int(data[opening - 1]) not in (COMMA, LF, CR):
            i += 1  # a quote inside a field is text
            continue
        j = i + 1
        while j + 1 < n and quotes[j + 1] == quotes[j] + 1:  # "" inside quotes is a quote
            j += 2
        if j >= n:
            spans.append((opening, None))
            break
        spans.append((opening, int(quotes[j])))
        i = j + 1
    return spans


@dataclass(frozen=True)
class Mend:
    """A stray quote mended: the line it was on, the field it opened, what was done."""

    line: int  # line number in the file (header = 1)
    field: int  # 0-based position of the field the quote opened
    text: str  # the field as written, from the quote (first 60 characters)
    swallowed: int  # lines the quote would have run into, to the next quote or the end of the file
    closed: bool  # True: a closing quote supplied where the line then has the header's fields; False: read as text


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
    _layout: Layout | None = None

    def layout(self) -> Layout:
        """Where its records start (worked out when first asked for, for a run without quotes)."""
        if self._layout is None:
            self._layout = _layout(_bytes(self.text), self.first_line, [])
        return self._layout


def _line_starts(ends: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], ends[:-1] + 1)) if len(ends) else np.zeros(0, dtype=np.int64)


def _layout(data: np.ndarray, first_line: int, spans: list[tuple[int, int | None]]) -> Layout:
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


class _QuotedBlock:
    """The lines of ``[start, cut)`` of a file that holds quotes: finds the stray quotes, mends them,
    and says where the run may end (before a quoted field that runs on past the block)."""

    def __init__(self, mapped: mmap.mmap, start: int, cut: int, fields: int, first_line: int, shown: str) -> None:
        self.mapped, self.shown = mapped, shown
        self.start, self.cut, self.at_end = start, cut, cut == len(mapped)
        self.fields, self.first_line = fields, first_line
        self.work: bytearray | None = None  # a mended copy of the block, made at the first mend
        self.shifts: list[tuple[int, int]] = []  # (position in the copy, +1 inserted / -1 deleted)
        self.mends: list[Mend] = []

    def data(self) -> np.ndarray:
        if self.work is not None:
            return _bytes(self.work)
        return _bytes(memoryview(self.mapped)[self.start : self.cut])

    def run(self, mends_before: int) -> tuple[Run, int]:
        """The run (mended), and where it ends in the file (``start`` when no run can end in this block)."""
        scan_from = 0
        while (stray := self._first_stray(scan_from)) is not None:
            if mends_before + len(self.mends) >= MAX_MENDS:
                raise DataError(
                    f"more than {MAX_MENDS} quotes are never closed where they should be: too damaged to read reliably",
                    file=self.shown,
                    row=self.first_line + self._line_of(stray),
                    expected='quoted fields closed, e.g. "On or near Asda, Thurmaston"',
                )
            scan_from = self._mend(stray)
        data = self.data()
        spans = quote_spans(data)
        end = len(data)
        if spans and spans[-1][1] is None and not self.at_end:  # runs on past the block: end before its record
            end = data[: spans[-1][0]].tobytes().rfind(b"\n") + 1
            spans = spans[:-1]
        view = memoryview(self.mapped)
        text: memoryview | bytes = (
            bytes(self.work[:end]) if self.work is not None else view[self.start : self.start + end]
        )
        layout = _layout(_bytes(text), self.first_line, spans)
        run = Run(
            text, self.first_line, len(layout.record_lines) + layout.blank + layout.continuation, True, self.mends
        )
        run._layout = layout
        return run, self.start + self._original(end)

    def _original(self, position: int) -> int:
        """The offset in the original block of ``position`` in the mended copy."""
        return position - sum(delta for at, delta in self.shifts if at < position)

    def _ends(self) -> tuple[np.ndarray, np.ndarray, int]:
        data = self.data()
        ends = np.flatnonzero(data == LF)
        lines = len(ends) + (1 if len(data) and data[-1] != LF else 0)
        return data, ends, lines

    def _line_of(self, position: int) -> int:
        return int(np.searchsorted(np.flatnonzero(self.data() == LF), position))

    def _line(self, data: np.ndarray, ends: np.ndarray, line: int) -> tuple[int, bytes]:
        """``(offset, text)`` of line ``line`` of ``data``, without its line end."""
        start = int(ends[line - 1]) + 1 if line > 0 else 0
        end = int(ends[line]) if line < len(ends) else len(data)
        text = data[start:end].tobytes()
        return start, text[:-1] if text.endswith(b"\r") else text

    def _first_stray(self, scan_from: int) -> int | None:
        """The position of the first quote at or after ``scan_from`` that swallows records, if any."""
        data, ends, lines = self._ends()
        spans = quote_spans(data[scan_from:])
        if not spans:
            return None
        openings = np.array([o for o, _ in spans], dtype=np.int64) + scan_from
        closings = np.array([len(data) if c is None else c for _, c in spans], dtype=np.int64) + scan_from
        first = np.searchsorted(ends, openings)
        last = np.searchsorted(ends, closings)
        for k in np.flatnonzero((last > first) | np.array([c is None for _, c in spans])):
            opening, line, closed = int(openings[k]), int(first[k]), spans[k][1] is not None
            final = int(last[k]) if closed else lines - 1
            if not closed and final == line and not self.at_end:
                return None  # opens on the block's last line: read with the next run
            for inner in range(line + 1, final if closed else final + 1):
                count, balanced = fields_alone(self._line(data, ends, inner)[1])
                if balanced and count == self.fields:
                    return opening  # a line it swallowed is a record of its own
            if closed:
                tail = self._line(data, ends, final)[1]
                count, balanced = fields_alone(tail)
                if (balanced and count == self.fields) or self._mend_of(tail, _open_quote(tail)) is not None:
                    return opening  # the line where it closes is a record of its own, its own quote mended
            elif final == line:
                start, text = self._line(data, ends, line)
                return opening if self._mend_of(text, opening - start) is not None else None  # open at the end
            else:
                return None  # runs on swallowing no record: left to the parser (or the next run)
        return None

    def _mend_of(self, line: bytes, quote: int | None) -> int | None:
        """Where a closing quote makes ``line`` (whose quote at offset ``quote`` is never closed) a
        complete record: an offset in ``line``, or ``None``."""
        if quote is None:
            return None
        for at in range(len(line), quote, -1):
            if at == len(line) or line[at] == COMMA:
                count, balanced = fields_alone(line[:at] + b'"' + line[at:])
                if balanced and count == self.fields:
                    return at
        return None

    def _mend(self, stray: int) -> int:
        """Mend the line holding the stray quote at ``stray``; return where the next line starts."""
        data, ends, _ = self._ends()
        line = int(np.searchsorted(ends, stray))
        start, text = self._line(data, ends, line)
        if self.work is None:
            self.work = bytearray(data.tobytes())
        del data  # a view of the copy would keep it from growing or shrinking
        quote = stray - start
        at = self._mend_of(text, quote)
        swallowed = self._swallowed(stray)
        if at is not None:
            self.work[start + at : start + at] = b'"'
            self.shifts.append((start + at, 1))
        else:
            del self.work[stray]
            self.shifts.append((stray, -1))
        self.mends.append(
            Mend(
                line=self.first_line + line,
                field=text[:quote].count(b","),
                text=text[quote : quote + 60].decode("utf-8", "replace"),
                swallowed=swallowed,
                closed=at is not None,
            )
        )
        return int(ends[line]) + 1 + self.shifts[-1][1] if line < len(ends) else len(self.work)

    def _swallowed(self, stray: int) -> int:
        """Lines from the stray quote to the next quote of the original file (or its end)."""
        position = self.start + self._original(stray)
        closing = self.mapped.find(b'"', position + 1)
        return lines_between(self.mapped, position, len(self.mapped) if closing < 0 else closing)


def lines_between(mapped: mmap.mmap, start: int, end: int) -> int:
    """Line ends in ``mapped[start:end]``, counted a block at a time."""
    view, count = memoryview(mapped), 0
    for at in range(start, end, BLOCK_SIZE):
        count += count_byte(view[at : min(end, at + BLOCK_SIZE)], b"\n")
    return count


def _open_quote(line: bytes) -> int | None:
    """The offset of the quote that ``line`` leaves open, if any."""
    spans = quote_spans(_bytes(line))
    return spans[-1][0] if spans and spans[-1][1] is None else None


def file_line_count(path: Path) -> int:
    """Lines of a whole file (the last may lack its newline)."""
    size = path.stat().st_size
    if not size:
        return 0
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return lines_between(mapped, 0, size) + (mapped[size - 1 : size] != b"\n")


def header_end(mapped: mmap.mmap, size: int) -> int:
    """The offset just after the header line."""
    return mapped.find(b"\n") + 1 or size


def line_runs(
    path: Path,
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
    it has more than :data:`MAX_MENDS` stray quotes."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # freed when no view is left
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
            run, cut = _QuotedBlock(mapped, start, cut, fields, first_line, shown).run(mends)
            if cut <= start:  # a quoted field runs on past the block: take more at once
                block_size *= 2
                continue
            mends += len(run.mends)
        if on_bytes is not None:
            on_bytes(text[start:cut])
        yield run
        # done with these pages: drop them from this process (they stay in the page cache), so
        # its memory holds one run of the file, not the whole file
        done = start - start % mmap.PAGESIZE
        mapped.madvise(mmap.MADV_DONTNEED, done, cut - done)
        first_line += run.lines
        start = cut
