"""Small CSV files as spreadsheets write them: the delimiters and encodings people really send.

Excel saves "CSV UTF-8" (with a byte-order mark), plain "CSV" in the computer's own code page
(Windows-1252 in the UK), "Unicode text" (UTF-16, tab-separated), and, in locales where the comma
is the decimal mark, separates values with semicolons. :func:`read_rows` reads each of these and
says which it was; anything else is refused in one line naming the file and what was expected.
Used for the hand-made files (a claims file), not the large inputs of :mod:`pack.data`.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from pack.errors import DataError

DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
ENCODINGS_EXPECTED = "UTF-8 (with or without a byte-order mark), UTF-16 (Excel's 'Unicode text') or Windows-1252"


def decode(raw: bytes, shown: str) -> tuple[str, str | None]:
    """``(text, note)`` of a file's bytes: UTF-8 (a byte-order mark dropped), UTF-16 with a
    byte-order mark, or else Windows-1252 (the note says which, when not UTF-8). Raises
    :class:`DataError` for anything else (binary data, bytes no such encoding has).

    >>> decode("a,b\\n".encode("utf-16"), "f.csv"), decode(b"St Mary\\x92s", "f.csv")[0]
    (('a,b\\n', 'UTF-16 text (Excel "Unicode text"): read as such'), 'St Mary’s')
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), 'UTF-16 text (Excel "Unicode text"): read as such'
        except UnicodeDecodeError as exc:
            raise DataError(f"is not valid UTF-16 text: {exc.reason}", file=shown, expected=ENCODINGS_EXPECTED) from exc
    if b"\0" in raw:
        raise DataError(
            "is binary data, not CSV text", file=shown, expected=f"a CSV file saved as {ENCODINGS_EXPECTED}"
        )
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "not UTF-8: read as Windows-1252 text (as Excel saves CSV)"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"is not text in a known encoding (byte {raw[exc.start]:#04x})",
            file=shown,
            row=line,
            expected=ENCODINGS_EXPECTED,
        ) from exc


def delimiter_of(first_line: str, required: list[str], shown: str) -> str:
    """The delimiter (comma, semicolon or tab) that splits ``first_line`` into a header holding
    every ``required`` column (names compared without case or surrounding spaces). Raises
    :class:`DataError` naming the file and the columns expected when none does.

    >>> delimiter_of("claim_id;quote", ["claim_id", "quote"], "f.csv")
    ';'
    """
    wanted = {c.lower() for c in required}
    best, found = ",", -1
    for delimiter in DELIMITERS:
        names = {c.strip().lower() for c in next(csv.reader([first_line], delimiter=delimiter), [])}
        if wanted <= names:
            return delimiter
        if len(wanted & names) > found:
            best, found = delimiter, len(wanted & names)
    names = {n.strip().lower() for n in next(csv.reader([first_line], delimiter=best), [])}
    missing = [c for c in required if c.lower() not in names]
    raise DataError(
        f"missing column(s) {', '.join(missing)}",
        file=shown,
        row=1,
        expected=f"a header naming {', '.join(required)}, separated by commas, semicolons or tabs",
    )


def read_rows(path: Path, required: list[str]) -> tuple[list[str], list[list[str]], list[str]]:
    """``(header, rows, notes)`` of a small CSV file as spreadsheets write it (:func:`decode`,
    :func:`delimiter_of`): the header's names lower-cased, spaces around them removed; blank lines
    skipped. A row with more or fewer fields than the header is refused, naming its line."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", file=shown) from exc
    text, note = decode(raw, shown)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = delimiter_of(first, required, shown)
    notes = [note] if note else []
    if delimiter != ",":
        notes.append(f"separated by {DELIMITERS[delimiter]}: read as such")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            if records and len(record) != len(records[0]):
                raise DataError(
                    f"has {len(record)} field(s), expected {len(records[0])}",
                    file=shown,
                    row=reader.line_num,
                    expected=f"one value for each column, separated by {DELIMITERS[delimiter]}",
                )
            records.append(record)
    except csv.Error as exc:
        raise DataError(f"is not CSV text that can be read: {exc}", file=shown, row=reader.line_num) from exc
    header = [name.strip().lower() for name in records[0]]
    return header, records[1:], notes
