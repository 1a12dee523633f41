"""The encoding of a CSV file, decided as it is read: UTF-8 unless a run of lines is not, then
Windows-1252 (as Excel saves CSV); a file that is both is refused (:class:`TextEncoding`)."""

from __future__ import annotations

import codecs

from pack.data.file_report import FileReport
from pack.data.lines import count_byte, is_ascii
from pack.errors import DataError


class TextEncoding:
    """The encoding of a CSV file, decided run by run as it is read (one pass, no look-ahead):
    UTF-8 (with or without BOM) unless a run is not UTF-8; from then on Windows-1252, as Excel
    saves CSV. Runs are whole lines, so no character is split between two of them.

    A file that is UTF-8 text with non-ASCII characters in one part and not UTF-8 in another is
    refused: no single reading of it is right."""

    def __init__(self, report: FileReport) -> None:
        self.report = report
        self.encoding = "utf-8"
        self._non_ascii_utf8_seen = False

    def of(self, piece: memoryview | bytes, first_line: int) -> str:
        """The encoding to read ``piece`` (whose first line is ``first_line`` of the file) with."""
        if self.encoding == "cp1252" or is_ascii(piece):
            return self.encoding  # ASCII reads the same in both
        try:
            codecs.utf_8_decode(piece, "strict", True)
        except UnicodeDecodeError as exc:
            if self._non_ascii_utf8_seen or not is_ascii(piece[: exc.start]):
                raise DataError(
                    "is UTF-8 text up to here but not from this row on (mixed encodings)",
                    file=self.report.file,
                    row=first_line + count_byte(piece[: exc.start], b"\n"),
                    expected="one encoding throughout: save the file again as UTF-8",
                ) from exc
            self.encoding = self.report.encoding = "cp1252"
            self.report.notes.append("not UTF-8: read as Windows-1252 text (as Excel saves CSV)")
            return self.encoding
        self._non_ascii_utf8_seen = True
        return self.encoding
