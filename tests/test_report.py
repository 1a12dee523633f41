"""The typed data-quality report: its JSON form follows the documented schema and reads back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from pack.data import QualityReport, prepare

SCHEMA = Path(__file__).resolve().parent.parent / "pack" / "data" / "quality.schema.json"


def test_quality_json_follows_its_schema_and_reads_back_the_same(fixture_dir: Path) -> None:
    prepared = prepare(fixture_dir)
    written = (prepared.path / "quality.json").read_text(encoding="utf-8")
    jsonschema.validate(json.loads(written), json.loads(SCHEMA.read_text(encoding="utf-8")))
    again = QualityReport.from_json(written)
    assert again == prepared.quality
    assert again.to_json() == written  # same bytes: the report is deterministic


def test_report_records_what_the_fixture_holds(fixture_dir: Path) -> None:
    quality = prepare(fixture_dir).quality
    street = quality.input("street")
    # the hand-written fixture: see tests/fixtures (one Nottinghamshire row and one bad row among Derbyshire's)
    assert street.supplied and street.rows_read == street.rows_kept + street.rows_rejected + street.rows_other_forces
    assert quality.months("street") == list(street.months)
    assert all(note.startswith(street.title + ": ") for note in quality.notes(["street"]))
    assert {f.input for f in quality.files} >= {"street", "rural_urban", "population"}


def test_a_report_read_back_lists_its_inputs_in_the_contracts_order(fixture_dir: Path) -> None:
    from pack.data import INPUT_NAMES

    quality = prepare(fixture_dir).quality
    assert list(QualityReport.from_json(quality.to_json()).inputs) == list(INPUT_NAMES) == list(quality.inputs)


def test_every_file_has_an_account_that_balances_and_reads_back(tmp_path: Path) -> None:
    """A folder without outcome files (no outcome_join) and with rows set aside in every way the
    report knows: the JSON follows its schema, reads back the same, and each file's lines add up."""
    import shutil

    corpus = Path(__file__).resolve().parent / "bad_inputs"
    data = shutil.copytree(corpus / "stats19_overlap", tmp_path / "data")
    shutil.copytree(corpus / "pasted_block" / "2024-01", data / "2024-01")
    quality = prepare(data).quality
    written = quality.to_json()
    jsonschema.validate(json.loads(written), json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert QualityReport.from_json(written) == quality and quality.outcome_join is None
    [street] = quality.input("street").file_accounts[-1:]
    # 141 lines = 1 header + 80 kept + 60 repeated (rows 82-141 repeat rows 12-71)
    assert (
        street.account.lines,
        street.account.header,
        street.account.kept,
        street.account.repeated,
        street.balanced,
    ) == (141, 1, 80, 60, True)
    collisions = {a.file.split("-")[-1]: a for a in quality.input("collisions").file_accounts}
    # the 2023 file: 4 lines = header + 2 repeated (its collisions are also in the five-year file, later by
    # path, which is used) + 1 rejected (29/02/2023); the five-year file: 5 lines = header + 3 kept + 1 rejected (30.7)
    yearly, five_years = collisions["2023.csv"], collisions["years.csv"]
    assert (yearly.account.lines, yearly.account.kept, yearly.account.repeated, yearly.account.rejected) == (4, 0, 2, 1)
    assert (
        five_years.account.lines,
        five_years.account.kept,
        five_years.account.repeated,
        five_years.account.rejected,
    ) == (5, 3, 0, 1)
    assert all(a.balanced for info in quality.inputs.values() for a in info.file_accounts)
