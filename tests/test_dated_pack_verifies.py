"""A pack built with ``SOURCE_DATE_EPOCH`` and a claims file holding spreadsheet formulas: the claims
copy in the pack runs no formula, and ``verify`` reproduces the pack byte for byte whatever the
verifier's own ``SOURCE_DATE_EPOCH`` (the manifest records the one the build used).

One real build (the session's cache), then real rebuilds by ``verify``. What is tested is the claims
copy and verify's machinery, not the pack's contents: the build is of the one-priority test plan
(``tests/plans/one-priority.toml``, three notebooks) on two years of hand-written street files (the
demo data hold the office's judgement of the default plan's priorities, which refuses that plan);
the published claims, about priorities and data it does not hold, are checked all the same.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from csvs import street_month

from pack.config import PUBLISHED_DIR
from pack.pipeline import verify
from pack.pipeline.request import BuildRequest
from pack.pipeline.run import build

# its module fixture builds a pack: its tests share one xdist worker
pytestmark = pytest.mark.xdist_group("dated-pack")

EPOCH = "1709596800"  # 5 March 2024, 00:00 UTC
FORMULAS = {"quote": '=HYPERLINK("http://example.invalid","Reducing ASB")', "source_document": "@SUM(1+1)"}


def _with_environment(name: str, value: str | None):
    saved = os.environ.get(name)

    def restore() -> None:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved

    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
    return restore


@pytest.fixture(scope="module")
def dated_pack(tmp_path_factory: pytest.TempPathFactory, one_priority_plan: Path) -> Path:
    """The one-priority plan's pack of two years of street files (2022-23), built with
    ``SOURCE_DATE_EPOCH`` and the published claims plus one claim whose text cells are formulas."""
    folder = tmp_path_factory.mktemp("dated")
    rows = list(csv.DictReader(io.StringIO((PUBLISHED_DIR / "claims.csv").read_text(encoding="utf-8"))))
    rows.append({**rows[0], "claim_id": "formula_claim", **FORMULAS})
    claims = folder / "claims.csv"
    with claims.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for year in (2022, 2023):
        for month in range(1, 13):
            street_month(folder / "data", f"{year}-{month:02d}", {"Anti-social behaviour": 10, "Burglary": 4})
    request = BuildRequest(
        output_dir=folder / "pack",
        data_dir=str(folder / "data"),
        period_end="2023-12",
        baseline_end="2022-12",
        claims_file=claims,
        plan_file=str(one_priority_plan),
    )
    restore = _with_environment("SOURCE_DATE_EPOCH", EPOCH)
    try:
        result = build(request)
    finally:
        restore()
    assert result.ok, [n.error for n in result.notebooks]
    return folder / "pack"


@pytest.mark.long  # a dated build and two verifies: verify's variants (make test verifies once, test_audit)
@pytest.mark.slow
def test_the_claims_copy_in_a_pack_runs_no_formula(dated_pack: Path) -> None:
    """Every cell of the pack's ``claims.csv`` that a spreadsheet would run is neutralised with a
    leading ``'``; plain numbers (``-50``) stay numbers; the claim is still the one given."""
    rows = list(csv.DictReader(io.StringIO((dated_pack / "claims.csv").read_text(encoding="utf-8"))))
    for row in rows:
        for column, value in row.items():
            starts = value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and not _is_number(value))
            assert not starts, (row["claim_id"], column, value)
    (formula,) = [r for r in rows if r["claim_id"] == "formula_claim"]
    assert formula["quote"] == "'" + FORMULAS["quote"] and formula["source_document"] == "'@SUM(1+1)"
    assert rows[0]["stated_value"] == "-50"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.long  # a dated build and two verifies: verify's variants (make test verifies once, test_audit)
@pytest.mark.slow
@pytest.mark.parametrize("verifier_epoch", [None, "1000000000"])
def test_a_pack_built_with_source_date_epoch_is_verified(dated_pack: Path, verifier_epoch: str | None) -> None:
    """The manifest records the build's ``SOURCE_DATE_EPOCH``; verify rebuilds with it, whether the
    verifier has none or another one, and leaves the verifier's own setting as it was."""
    manifest = json.loads((dated_pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source_date_epoch"] == EPOCH
    assert "5 March 2024" in (dated_pack / "evidence-pack.html").read_text(encoding="utf-8")
    restore = _with_environment("SOURCE_DATE_EPOCH", verifier_epoch)
    try:
        ok, lines = verify(dated_pack)
        assert os.environ.get("SOURCE_DATE_EPOCH") == verifier_epoch
    finally:
        restore()
    assert ok, lines
