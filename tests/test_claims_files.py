"""Claims files as spreadsheets save them: comma, semicolon or tab; UTF-8 with or without a
byte-order mark, UTF-16 (Excel's "Unicode text") or Windows-1252. Each reads to the same claims;
anything else is refused in one line naming the file and what was expected."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from pack.claims import load_claims
from pack.config import PUBLISHED_DIR
from pack.errors import DataError
from pack.pipeline.run import check_claims_file

ENCODINGS = {"utf-8": "utf-8", "utf-8 with BOM": "utf-8-sig", "utf-16 (Unicode text)": "utf-16", "cp1252": "cp1252"}


def published() -> pd.DataFrame:
    return load_claims(PUBLISHED_DIR / "claims.csv")


def saved(frame: pd.DataFrame, path: Path, delimiter: str, encoding: str) -> Path:
    """``frame`` written as a spreadsheet would: the delimiter, the encoding, CRLF line ends."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False))
    path.write_bytes(text.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_every_way_a_spreadsheet_saves_reads_the_same_claims(tmp_path: Path, delimiter: str, encoding: str) -> None:
    claims = published()
    claims.loc[0, "quote"] = "Members of “Neighbourhood Watch”; grant £12,000\tand more"  # curly quotes, £, ; and tab
    path = saved(claims, tmp_path / "claims.csv", delimiter, ENCODINGS[encoding])
    check_claims_file(path)  # as a build checks --claims, before any work
    pd.testing.assert_frame_equal(load_claims(path), claims)


def test_a_header_written_in_capitals_with_spaces_is_read(tmp_path: Path) -> None:
    claims = published()
    path = saved(claims.rename(columns=lambda c: f" {c.upper()} "), tmp_path / "claims.csv", ";", "utf-8")
    pd.testing.assert_frame_equal(load_claims(path), claims)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"claim_id|quote|evidence\nx|q|street:burglary\n", "row 1: missing column(s) claim_id, quote, source_"),
        (b"claim_id,quote\n\x00\x01\x02\x00", "is binary data, not CSV text"),
        ("claim_id,quote\nSt Mary’s \x81".encode("cp1252", "ignore") + b"\x81", "is not text in a known encoding"),
    ],
)
def test_what_cannot_be_read_is_refused_in_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_claims(path)
    assert str(err.value).startswith(f"file {path}") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_row_with_a_field_too_many_is_named(tmp_path: Path) -> None:
    claims = published()
    path = saved(claims, tmp_path / "claims.csv", ";", "utf-8")
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[3] += ";extra"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    with pytest.raises(DataError, match=r"row 4: has 14 field\(s\), expected 13 \(expected one value for each column"):
        load_claims(path)
