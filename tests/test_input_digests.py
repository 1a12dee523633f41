"""A prepare's input digests: what is known before reading (tables hashed here, a plain
data.police.uk file left to the worker that reads it unless the memo knows it), and what is
complete after reading."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pack.data.digests import InputDigests
from pack.data.discovery import FoundFile
from pack.data.parts import PartCache

FORCE = "Derbyshire Constabulary"


def _files(tmp_path: Path) -> list[FoundFile]:
    street = tmp_path / "2024-01-derbyshire-street.csv"
    street.write_bytes(b"Crime ID,Month\n,2024-01\n")
    table = tmp_path / "population.csv"
    table.write_bytes(b"LSOA code,Population\nE01000001,1500\n")
    return [
        FoundFile(street, street.name, "street"),
        FoundFile(table, table.name, "population"),
        FoundFile(tmp_path / "gone.csv", "gone.csv", "population"),  # listed, not there
    ]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_police_uk_file_waits_for_its_reader_and_the_rest_are_hashed_before(tmp_path: Path) -> None:
    files = _files(tmp_path)
    street, table = files[0].path, files[1].path
    digests = InputDigests.before_reading(files, FORCE, PartCache(enabled=False))
    assert digests.read_in_workers == {street}
    assert digests.known == {table: sha(table)}  # the street file is new to the memo: not read here
    assert not digests.complete  # so the content key waits for the reading
    digests.after_reading({street: ("state", sha(street))})  # what the worker hashed while reading
    assert digests.known == {street: sha(street), table: sha(table)}


def test_once_hashed_the_memo_makes_the_key_known_before_reading(tmp_path: Path) -> None:
    files = _files(tmp_path)
    first = InputDigests.before_reading(files, FORCE, PartCache(enabled=False))
    first.after_reading({})  # nothing hashed by a reader: the street file is hashed here, and remembered
    again = InputDigests.before_reading(files, FORCE, PartCache(enabled=False))
    assert again.complete and again.known == first.known and len(again.known) == 2
