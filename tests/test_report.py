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
