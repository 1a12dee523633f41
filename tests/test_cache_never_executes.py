"""Nothing read from the cache is executed or trusted on its own word.

Attacks from a hostile tester, on a real cache: a per-file result (``parts/*.sealed``) replaced by a
pickle that runs a shell command, sealed with the cache's own writer (so its checking hash is right);
a per-file result whose counts are edited and sealed again; a cached notebook section edited together
with the hash its ``entry.json`` records. Each must be refused (the command never runs), discarded
with a log line, and rebuilt: what is rebuilt is byte for byte what an empty cache gives.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
from pathlib import Path

import pytest
from test_incremental import entry_files, from_scratch, read_and_reused
from test_sealed_entries import FORCE, forget_prepared, parts
from test_sealed_entries import data as data  # the fixture: Derbyshire's month and Leicestershire's street file

from pack.data.stage import prepare
from pack.pipeline import cache
from pack.plan import load_plan
from pack.store.entries import SEALED, read_sealed, record_entry, write_sealed

STEM = "02_neighbourhood_crime_asb"


class _ShellCommand:
    """A pickle that runs ``touch <marker>`` when loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (os.system, (f"touch {self.marker}",))


def _sealed() -> Path:
    (sealed,) = sorted(parts().glob(f"*{SEALED}"))
    return sealed


@pytest.mark.parametrize("sealing", ["hash line", "cache writer"])
def test_a_sealed_pickle_that_runs_a_command_is_never_loaded(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog, sealing: str
) -> None:
    """The sealed file replaced by ``sha256(payload)`` + payload (the issue's reproduction), or by the
    payload sealed with :func:`write_sealed` itself: the command does not run; the entry is discarded
    with a warning, Leicestershire's file read again (1 read, 2 reused), and the prepared data are
    byte for byte those of an empty cache."""
    assert read_and_reused(caplog, data) == (3, 0)
    sealed = _sealed()
    marker = tmp_path / "the-command-ran"
    payload = pickle.dumps(_ShellCommand(marker))
    if sealing == "hash line":
        sealed.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    else:
        write_sealed(sealed, payload)
    forget_prepared()
    with caplog.at_level(logging.WARNING, logger="pack.data"):
        assert read_and_reused(caplog, data) == (1, 2)
    assert not marker.exists(), "a pickle from the cache was loaded: it ran a shell command"
    assert any("failed its check" in r.getMessage() for r in caplog.records)
    if sealing == "cache writer":  # the cache's own file: discarded and sealed anew, as data
        assert b"the-command-ran" not in _sealed().read_bytes()
    else:  # not in the cache's format, so not provably its own: left in place, and never loaded
        assert b"the-command-ran" in _sealed().read_bytes()
        forget_prepared()
        assert read_and_reused(caplog, data) == (1, 2)
        assert not marker.exists()
    assert entry_files(prepare(data, FORCE).path) == from_scratch(data, tmp_path, monkeypatch)


def test_a_result_edited_and_sealed_again_is_discarded(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """Leicestershire's counts renamed to another force (same length, so the payload stays valid in any
    format) and sealed again with a right hash: the edit is caught by a hash the file cannot supply,
    the entry discarded and the file read again; no trace of the made-up force reaches the data."""
    assert read_and_reused(caplog, data) == (3, 0)
    sealed = _sealed()
    payload, problem = read_sealed(sealed)
    assert payload is not None and problem == ""
    assert b"Leicestershire Police" in payload
    write_sealed(sealed, payload.replace(b"Leicestershire Police", b"Leicestershire Polize"))
    forget_prepared()
    with caplog.at_level(logging.WARNING, logger="pack.data"):
        assert read_and_reused(caplog, data) == (1, 2)
    assert any("failed its check" in r.getMessage() for r in caplog.records)
    files = entry_files(prepare(data, FORCE).path)
    assert not any(b"Polize" in content for content in files.values())
    assert files == from_scratch(data, tmp_path, monkeypatch)


def _outputs(staging: Path) -> None:
    for sub, name, text in (
        ("notebooks", f"{STEM}.ipynb", "{}"),
        ("tables", f"{STEM}-indicators.csv", "indicator_id,current_value\nasb,27591\n"),
        ("_sections", f"{STEM}.json", '{"html": "<p>ASB: 27,591 incidents</p>"}'),
    ):
        (staging / sub).mkdir(parents=True, exist_ok=True)
        (staging / sub / name).write_text(text, encoding="utf-8")


def test_a_section_edited_with_its_entry_record_is_not_restored(tmp_path: Path, monkeypatch, caplog) -> None:
    """A cached notebook's section given a made-up figure and a script, and its ``entry.json`` written
    again to match (every size and SHA-256 right, as an attacker with the cache can do): the run is
    not restored (the notebook runs again), with a log line, and the entry is gone."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    key = "a" * 32
    _outputs(tmp_path / "run")
    cache.store(key, STEM, tmp_path / "run")
    (tmp_path / "honest").mkdir()
    assert cache.restore(key, STEM, tmp_path / "honest")  # the untouched entry is reused
    entry = cache._root() / key
    section = entry / "_sections" / f"{STEM}.json"
    section.write_text('{"html": "<p>ASB: 99,999 incidents</p><script>alert(1)</script>"}', encoding="utf-8")
    record_entry(entry)  # the record made to agree with the edit
    (tmp_path / "staging").mkdir()
    with caplog.at_level(logging.WARNING, logger="pack"):
        assert not cache.restore(key, STEM, tmp_path / "staging")
    assert f"the cached run of {STEM} failed its check" in caplog.text
    assert not (tmp_path / "staging" / "_sections").exists()
    assert not entry.exists()


def test_an_entry_copied_under_another_key_is_not_restored(tmp_path: Path, monkeypatch, caplog) -> None:
    """A whole, self-consistent entry copied to the key of another run (record and all): it is not
    that run's, so it is not restored."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "cache"))
    _outputs(tmp_path / "run")
    cache.store("a" * 32, STEM, tmp_path / "run")
    shutil.copytree(cache._root() / ("a" * 32), cache._root() / ("b" * 32))
    (tmp_path / "staging").mkdir()
    with caplog.at_level(logging.WARNING, logger="pack"):
        assert not cache.restore("b" * 32, STEM, tmp_path / "staging")
    assert "failed its check" in caplog.text


@pytest.mark.long  # a rebuild of the demo pack's notebooks
@pytest.mark.slow
def test_a_section_edited_with_its_record_never_reaches_the_pack(demo_pack: Path, tmp_path: Path, caplog) -> None:
    """The issue's reproduction end to end: in the cache the demo pack was built from, the ASB
    notebook's section gets a made-up figure and a ``<script>``, and its ``entry.json`` is written
    again to match. The next build does not reuse that section (it runs the notebook again, with a
    log line), and the pack it writes is byte for byte the demo pack."""
    from pack.pipeline.manifest import manifest_parameters, output_hashes, read_manifest
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    manifest = read_manifest(demo_pack)
    params = manifest_parameters(manifest)
    key = cache.notebook_key(
        STEM, params.notebook_parameters("."), manifest["data_key"], plan=load_plan(params.plan_file)
    )
    entry = cache._root() / key
    section = entry / "_sections" / f"{STEM}.json"
    data = json.loads(section.read_text(encoding="utf-8"))
    made_up = "<p>ASB incidents: 1 (made up)</p><script>document.title='cache'</script>"
    data["html"] = made_up + data["html"]
    section.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    record_entry(entry)
    with caplog.at_level(logging.INFO, logger="pack"):
        result = build(BuildRequest(output_dir=tmp_path / "again"))
    assert result.ok, [n.error for n in result.notebooks]
    assert f"the cached run of {STEM} failed its check" in caplog.text
    assert [n.stem for n in result.notebooks if not n.reused] == [STEM]
    assert "made up" not in (tmp_path / "again" / "evidence-pack.html").read_text(encoding="utf-8")
    assert output_hashes(tmp_path / "again") == output_hashes(demo_pack)
