"""No traceback reaches a user: an unexpected failure is one line (what failed, where its details
were written) and exit 1, whatever the input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pack.cli import main


def test_an_unexpected_failure_is_one_line_naming_the_file_with_its_details(capsys: pytest.CaptureFixture) -> None:
    code = main(["validate", "--data", "data\0folder"])  # a path the operating system cannot take
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    [line] = err.strip().splitlines()
    match = re.fullmatch(
        r"error: 'validate' failed unexpectedly \(ValueError: embedded null byte\); details written to (.+\.txt)", line
    )
    assert match, line
    details = Path(match[1]).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in details and "ValueError: embedded null byte" in details


def test_a_header_line_ended_or_broken_by_a_lone_carriage_return_is_read_not_raised(tmp_path: Path) -> None:
    """A lone CR ends the header line (old Mac line ends, or damage); a header csv cannot read at all
    (a NUL byte) makes the file one the pack does not recognise, never a traceback."""
    from pack.data.sources import header_of

    for name, data, header in [
        ("mac.csv", b"Crime ID,Month\r1,2\r", ["Crime ID", "Month"]),
        ("windows.csv", b"Crime ID,Month\r\n1,2\r\n", ["Crime ID", "Month"]),
        ("cut.csv", b'"Crime ID,Mo\rnth\n1,2\n', ["Crime ID,Mo"]),  # csv raised: new-line in unquoted field
        ("nul.csv", b"Crime ID,\x00Month\n", []),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        assert header_of(path) == header, name
