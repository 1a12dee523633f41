"""A per-file result without a Parquet part (another force's street file, counted) is cached as ONE
sealed file, ``<cache>/parts/<key>.sealed``: a tag and its SHA-256 on the first line, then the result
as JSON data (never a pickle).
It is reused while it matches its SHA-256, discarded and the file read again when it does not (the
output still byte for byte a prepare from scratch), and evicted least recently used like a folder
entry. Real files: Derbyshire's December 2021 (street and outcomes) and Leicestershire's street file
of the same month from the national archive; real worker processes and threads, a real cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from test_incremental import entry_files, from_scratch, read_and_reused

from pack.data.parts import decode_result
from pack.data.stage import prepare
from pack.store.entries import RECORD, SEALED, SEALED_MAGIC, USED

FORCE = "Derbyshire Constabulary"
MONTH = "2021-12"


@pytest.fixture
def data(tmp_path: Path, shared_real_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Derbyshire's month (2 files, each with a Parquet part) and Leicestershire's street file (no
    part: counted for the national comparison), in a private cache."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "data" / MONTH
    folder.mkdir(parents=True)
    for name in (f"{MONTH}-derbyshire-street.csv", f"{MONTH}-derbyshire-outcomes.csv"):
        shutil.copyfile(shared_real_data / "police-uk" / "derbyshire" / MONTH / name, folder / name)
    name = f"{MONTH}-leicestershire-street.csv"
    shutil.copyfile(shared_real_data / "police-uk-national" / MONTH / name, folder / name)
    return folder.parent


def parts() -> Path:
    return Path(os.environ["PACK_CACHE_DIR"]) / "parts"


def forget_prepared() -> None:
    """Remove the prepared entry (or the whole of it would be reused, no per-file result looked at)."""
    shutil.rmtree(Path(os.environ["PACK_CACHE_DIR"]) / "prepared")


def test_a_result_without_a_part_is_one_sealed_file_and_is_reused(data: Path, caplog) -> None:
    """3 files read: 2 folder entries (Derbyshire's parts) and exactly 1 sealed file, whose first line
    is the tag and SHA-256 of the rest, a JSON result of Leicestershire's records under its own key
    and no part; a second
    prepare reads none of the 3."""
    assert read_and_reused(caplog, data) == (3, 0)
    (sealed,) = sorted(parts().glob(f"*{SEALED}"))
    assert len([p for p in parts().iterdir() if p.is_dir()]) == 2
    head, _, payload = sealed.read_bytes().partition(b"\n")
    assert head == SEALED_MAGIC + hashlib.sha256(payload).hexdigest().encode()
    assert json.loads(payload)["key"] == sealed.name[: -len(SEALED)]
    result = decode_result(sealed.name[: -len(SEALED)], payload)
    assert result.part is None and result.memo_key is None
    assert set(result.other_forces) == {"Leicestershire Police"}
    assert result.report is not None and result.report.rows_other_forces == sum(result.force_counts.values()) > 0
    forget_prepared()
    assert read_and_reused(caplog, data) == (0, 3)


def test_a_tampered_sealed_file_is_discarded_and_the_file_read_again(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """One byte of the payload flipped: the entry fails its check (a warning), is discarded, the file
    is read again (1 read, 2 reused) and sealed anew; the output is byte for byte a prepare from scratch."""
    assert read_and_reused(caplog, data) == (3, 0)
    (sealed,) = sorted(parts().glob(f"*{SEALED}"))
    text = bytearray(sealed.read_bytes())
    text[-1] ^= 0x01  # the JSON's last byte: still the same length
    sealed.write_bytes(bytes(text))
    forget_prepared()
    with caplog.at_level(logging.WARNING, logger="pack.data"):
        assert read_and_reused(caplog, data) == (1, 2)
    assert any(
        "failed its check" in r.getMessage() and sealed.name[: -len(SEALED)] in r.getMessage() for r in caplog.records
    )
    (again,) = sorted(parts().glob(f"*{SEALED}"))
    head, _, payload = again.read_bytes().partition(b"\n")
    assert again.name == sealed.name and head == SEALED_MAGIC + hashlib.sha256(payload).hexdigest().encode()
    assert entry_files(prepare(data, FORCE).path) == from_scratch(data, tmp_path, monkeypatch)


def test_a_sealed_entry_not_in_use_is_evicted_beyond_the_cap(
    data: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """Every entry used an hour ago (past the grace period), Leicestershire's file taken away and no
    room (cap 0 MB): the sealed entry, not used by this prepare, goes; Derbyshire's 2 folders stay."""
    assert read_and_reused(caplog, data) == (3, 0)
    for entry in parts().iterdir():
        stamps = [entry] if entry.is_file() else [entry / USED, entry / RECORD]
        for stamp in (s for s in stamps if s.exists()):
            os.utime(stamp, (os.path.getmtime(stamp) - 3600,) * 2)
    (data / MONTH / f"{MONTH}-leicestershire-street.csv").unlink()
    monkeypatch.setenv("PACK_CACHE_PARTS_MB", "0")
    assert read_and_reused(caplog, data) == (0, 2)
    assert sorted(parts().glob(f"*{SEALED}")) == []
    assert len([p for p in parts().iterdir() if p.is_dir()]) == 2
