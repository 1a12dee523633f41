"""The rural-urban LSOA check with a lookup but no street records: nothing to check, and nothing read
from anywhere else (an empty parts glob made DuckDB read the working folder)."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from pack.data.aggregates import check_lsoas


def test_no_street_parts_means_no_check_and_nothing_read(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "prepared"
    out.mkdir()
    pd.DataFrame({"lsoa_code": ["E01000001"], "rural": [True]}).to_parquet(out / "rural_urban.parquet")
    stray = tmp_path / "working"
    stray.mkdir()  # a folder of somebody's Parquet files the check must never read
    pd.DataFrame({"other": [1]}).to_parquet(stray / "x.parquet")
    monkeypatch.chdir(stray)
    ctx = SimpleNamespace(out=out, checks=[])
    check_lsoas(ctx)
    assert ctx.checks == [] and os.getcwd() == str(stray)
