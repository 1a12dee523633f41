"""Stray quotes: a quote that opens a field and is never closed where it should be, found and mended.

Quotes are read as Arrow's CSV parser reads them: a quote opens a quoted field only at the start of
a field (after a comma or a line end); inside, ``""`` is a quote and a single quote closes the field;
a quote anywhere else is text. A quoted field may hold line breaks, so a record may run over several
lines; it is accepted only when it is well-formed.

A quote that opens a field and is never closed swallows the lines after it into that field, up to
the next quote or the end of the file: thousands of records read as one, and a month short of them.
Such a quote is recognised when a line it swallowed is, read alone, a complete record of the file
(as many fields as the header, its own quotes closed), or when the line where it closes is one once
its own stray quote is mended. The line that holds it is then mended (:class:`Mend`): a closing
quote is supplied at the one place where the line then has the header's number of fields, or,
failing that, the quote is read as text; every swallowed line is read as the record it is. More
than :data:`MAX_MENDS` in one file and the file is refused as too damaged to read reliably.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass

import numpy as np

from pack.errors import DataError

MAX_MENDS = 100  # stray quotes mended in one file; beyond that the file is refused as too damaged
QUOTE, COMMA, LF = 0x22, 0x2C, 0x0A


def _bytes(view: memoryview | bytes | bytearray) -> np.ndarray:
    return np.frombuffer(view, dtype=np.uint8)


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
    [(2, 8), (14, None)]
    """
    quotes = np.flatnonzero(data == QUOTE)
    spans: list[tuple[int, int | None]] = []
    i, n = 0, len(quotes)
    while i < n:
        opening = int(quotes[i])
        if opening > 0 and int(data[opening - 1]) not in (COMMA, LF, 0x0D):
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


class QuotedBlock:
    """The lines of ``[start, cut)`` of a file that holds quotes: finds the stray quotes, mends them,
    and says where the run may end (before a quoted field that runs on past the block)."""

    def __init__(
        self, mapped: mmap.mmap | bytes, start: int, cut: int, fields: int, first_line: int, shown: str
    ) -> None:
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

    def read(self, mends_before: int) -> tuple[memoryview | bytes, list[tuple[int, int | None]], int]:
        """``(text, quoted fields, end)``: the block's text up to ``end`` (where it ends in the file;
        ``start`` when no run can end in this block) with its stray quotes mended, and the quoted
        fields of that text. Raises :class:`DataError` past :data:`MAX_MENDS` mends in the file."""
        scan_from = 0
        while (stray := self._first_stray(scan_from)) is not None:
            if mends_before + len(self.mends) >= MAX_MENDS:
                raise DataError(
                    f"more than {MAX_MENDS} quotes are never closed where they should be: too damaged to read reliably",
                    file=self.shown,
                    row=self.first_line + int(np.searchsorted(np.flatnonzero(self.data() == LF), stray)),
                    expected='quoted fields closed, e.g. "On or near Asda, Thurmaston"',
                )
            scan_from = self._mend(stray)
        data = self.data()
        spans = quote_spans(data)
        end = len(data)
        if spans and spans[-1][1] is None and not self.at_end:  # runs on past the block: end before its record
            end = data[: spans[-1][0]].tobytes().rfind(b"\n") + 1
            spans = spans[:-1]
        if self.work is not None:
            return bytes(self.work[:end]), spans, self.start + self._original(end)
        return memoryview(self.mapped)[self.start : self.start + end], spans, self.start + end

    def _original(self, position: int) -> int:
        """The offset in the original block of ``position`` in the mended copy."""
        return position - sum(delta for at, delta in self.shifts if at < position)

    def _ends(self) -> tuple[np.ndarray, np.ndarray, int]:
        data = self.data()
        ends = np.flatnonzero(data == LF)
        lines = len(ends) + (1 if len(data) and data[-1] != LF else 0)
        return data, ends, lines

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
        stop = len(self.mapped) if closing < 0 else closing
        view, count = memoryview(self.mapped), 0
        for at in range(position, stop, 1 << 24):  # a block at a time: the rest of a large file is not copied
            count += int(np.count_nonzero(_bytes(view[at : min(stop, at + (1 << 24))]) == LF))
        return count


def _open_quote(line: bytes) -> int | None:
    """The offset of the quote that ``line`` leaves open, if any."""
    spans = quote_spans(_bytes(line))
    return spans[-1][0] if spans and spans[-1][1] is None else None
