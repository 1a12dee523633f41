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
