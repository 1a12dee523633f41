"""A cache that cannot serve stale or altered data: the hash memo, prepared data and executed
notebooks, each checked against what was recorded; per-notebook keys; LRU eviction."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pyarrow as arrow
import pyarrow.parquet as pq
import pytest
from folders import thirteen_months
from one_priority import INDICATORS, NOTEBOOKS, STEM

from pack.config import CLAIMS_STEM, NOTEBOOK_DIR, PROJECT_ROOT, SUMMARY_STEM
from pack.data import Dataset, prepare
from pack.errors import DataError
from pack.pipeline import cache
from pack.plan import load_plan
from pack.store import entry_problems, evict_least_recently_used, record_entry
from pack.store.hashing import memoised_sha256, memoised_sha256_many, prune_memo

STREET_JAN = "police-uk/2024-01/2024-01-derbyshire-street.csv"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of the test's own: these tests alter, remove and count cache entries, which must not
    reach (or meet) what another worker of the parallel suite writes into the run's shared cache."""
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def sha256sum(path: Path) -> str:
    """The SHA-256 the system's ``sha256sum`` gives (an independent check of our hashing)."""
    return subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout.split()[0]


def edit_in_place_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (same length) and put the modification time back, as ``touch -r`` does."""
    assert len(old) == len(new)
    stat = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


def test_an_edit_that_keeps_size_and_mtime_is_hashed_again(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"x,y\n1,2\n")
    first = memoised_sha256_many([path])[path]
    assert memoised_sha256([path]) == {path: first}  # remembered
    edit_in_place_keeping_size_and_mtime(path, b"1,2", b"3,4")
    assert memoised_sha256([path]) == {}  # the inode change time moved: the memo does not answer
    assert memoised_sha256_many([path])[path] == sha256sum(path) != first


def test_the_memo_keeps_one_entry_per_file_and_forgets_deleted_ones(tmp_path) -> None:
    from pack.store.hashing import _read_memo

    kept, gone = tmp_path / "kept.csv", tmp_path / "gone.csv"
    for path in (kept, gone):
        path.write_text("a\n", encoding="utf-8")
    memoised_sha256_many([kept, gone])
    kept.write_text("b\n", encoding="utf-8")
    gone.unlink()
    memoised_sha256_many([kept])
    memo = _read_memo()
    assert str(kept.resolve()) in memo and str(gone.resolve()) not in memo
    assert memo[str(kept.resolve())][1] == sha256sum(kept)
    assert list(prune_memo({"/": ["s", "1"], "/tmp": ["s", "2"], "/no/such": ["s", "3"]}, limit=1)) == ["/tmp"]


def test_prepare_sees_an_input_edited_in_place(fixture_dir) -> None:
    """``touch -r`` restores size and mtime: the data are prepared again, and the quality report
    (which the manifest copies) carries the file's true SHA-256."""
    before = prepare(fixture_dir)
    path = fixture_dir / STREET_JAN
    edit_in_place_keeping_size_and_mtime(path, b"Wood Street", b"Wood Stream")
    after = prepare(fixture_dir)
    assert after.key != before.key
    listed = {f.path: f.sha256 for f in after.quality.files}
    assert listed[STREET_JAN] == sha256sum(path)


def rewrite_parquet(path: Path, change) -> None:  # noqa: ANN001
    """Rewrite a Parquet file (still valid Parquet) with ``change`` applied to its frame."""
    frame = change(pd.read_parquet(path))
    pq.write_table(arrow.Table.from_pandas(frame, preserve_index=False), path)


def test_an_altered_cached_table_is_discarded_and_prepared_again(fixture_dir, caplog) -> None:
    first = prepare(fixture_dir)
    monthly = first.path / "street_monthly.parquet"
    truth = pd.read_parquet(monthly)
    rewrite_parquet(monthly, lambda f: f.assign(n=f["n"] * 10))
    with caplog.at_level(logging.INFO, logger="pack"):
        again = prepare(fixture_dir)
    assert f"Prepare: cache entry {first.key} failed its check (street_monthly.parquet:" in caplog.text
    assert "Prepare: reading" in caplog.text  # prepared afresh
    assert again.key == first.key
    pd.testing.assert_frame_equal(Dataset(again).table("street_monthly"), truth)


def test_a_truncated_or_added_part_is_noticed(fixture_dir) -> None:
    prepared = prepare(fixture_dir)
    part = sorted((prepared.path / "street.parquet").glob("*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:100])
    (prepared.path / "street.parquet" / "part-99999.parquet").write_bytes(b"PAR1")
    problems = entry_problems(prepared.path)
    assert f"street.parquet/{part.name}: 100 bytes, recorded" in problems[1]
    assert problems[0] == "street.parquet/part-99999.parquet: not in the record"
    assert prepare(fixture_dir).path == prepared.path and entry_problems(prepared.path) == []  # rebuilt


def test_a_table_read_checks_the_entry_record(fixture_dir) -> None:
    """Altered after the data were opened (in a notebook, say): the read refuses, the entry goes."""
    data = Dataset(prepare(fixture_dir))
    assert len(data.table("street_monthly")) > 0
    rewrite_parquet(data.prepared.path / "street_monthly.parquet", lambda f: f.iloc[:1])
    with pytest.raises(DataError, match="the prepared table street_monthly.parquet differs from the record"):
        data.table("street_monthly")
    assert not data.prepared.path.exists()


def test_least_recently_used_entries_are_evicted_beyond_the_cap(tmp_path) -> None:
    root = tmp_path / "notebooks"
    now = time.time()
    for name, age_hours in (("old", 48), ("older", 72), ("recent", 1), ("in-use", 0)):
        entry = root / name
        entry.mkdir(parents=True)
        (entry / "table.csv").write_bytes(b"x" * 1000)
        record_entry(entry)
        (entry / ".used").touch()
        os.utime(entry / ".used", (now - age_hours * 3600, now - age_hours * 3600))
    removed = evict_least_recently_used(root, max_bytes=3000, keep={"older"})
    # 4 x 1,000 bytes > 3,000: the least recently used that may go ("older" is kept: this build uses
    # it) is "old"; without it 3,000 bytes remain, within the cap
    assert removed == ["old"]
    assert sorted(p.name for p in root.iterdir()) == ["in-use", "older", "recent"]
    assert evict_least_recently_used(root, max_bytes=0) == ["older", "recent"]  # "in-use": used seconds ago


def test_eviction_never_touches_an_entry_still_being_written(tmp_path) -> None:
    # another thread of the build is writing "k.tmp-<pid>" (no record, no stamp: it looks oldest and
    # unsized); it then renames it into place: eviction must neither remove it nor trip over it
    root = tmp_path / "notebooks"
    writing = root / f"{'k' * 32}.tmp-{os.getpid()}"
    (writing / "_sections").mkdir(parents=True)
    (writing / "_sections" / "x.json").write_bytes(b"x" * 1000)
    assert evict_least_recently_used(root, max_bytes=0) == []
    assert (writing / "_sections" / "x.json").is_file()


def fake_outputs(staging: Path, stem: str) -> None:
    for sub, name, text in (("notebooks", f"{stem}.ipynb", "{}"), ("tables", f"{stem}-indicators.csv", "a\n1\n")):
        (staging / sub).mkdir(parents=True, exist_ok=True)
        (staging / sub / name).write_text(text, encoding="utf-8")


def test_a_cached_notebook_run_is_checked_before_reuse(tmp_path, caplog) -> None:
    stem = "02_neighbourhood_crime_asb"
    fake_outputs(tmp_path / "run", stem)
    cache.store("k" * 32, stem, tmp_path / "run")
    for staging in ("first", "second"):
        (tmp_path / staging).mkdir()  # a build's staging folder
    assert cache.restore("k" * 32, stem, tmp_path / "first")
    assert (tmp_path / "first" / "tables" / f"{stem}-indicators.csv").read_text(encoding="utf-8") == "a\n1\n"
    entry = cache._root() / ("k" * 32)
    (entry / "tables" / f"{stem}-indicators.csv").write_text("a\n9\n", encoding="utf-8")  # same size, other number
    with caplog.at_level(logging.INFO, logger="pack"):
        assert not cache.restore("k" * 32, stem, tmp_path / "second")
    assert "the cached run of 02_neighbourhood_crime_asb failed its check" in caplog.text
    assert not entry.exists()


def test_each_notebook_is_keyed_on_what_it_reads(tmp_path, monkeypatch) -> None:
    params, data_key = {"period_end": "2024-01"}, "d" * 24
    stems = [*load_plan().stems, CLAIMS_STEM, SUMMARY_STEM]
    keys = {stem: cache.notebook_key(stem, params, data_key) for stem in stems}
    assert len(set(keys.values())) == len(stems)
    copy = shutil.copytree(NOTEBOOK_DIR, tmp_path / "notebooks")
    nb = nbformat.read(copy / "03_road_safety.ipynb", as_version=4)
    markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    markdown.source += "\n\nA sentence added by a reviewer."
    nbformat.write(nb, copy / "03_road_safety.ipynb")
    monkeypatch.setattr(cache, "NOTEBOOK_DIR", copy)
    edited = {stem: cache.notebook_key(stem, params, data_key) for stem in stems}
    assert [s for s in stems if edited[s] != keys[s]] == ["03_road_safety"]  # that notebook only
    # the summary reads the six indicator tables: a changed table changes its key, nothing else does
    (tmp_path / "tables").mkdir()
    for p in load_plan().priorities:
        (tmp_path / "tables" / f"{p.stem}-indicators.csv").write_text("indicator_id\nx\n", encoding="utf-8")
    summary = cache.notebook_key(SUMMARY_STEM, params, data_key, cache.summary_inputs(tmp_path, load_plan()))
    (tmp_path / "tables" / "03_road_safety-indicators.csv").write_text("indicator_id\ny\n", encoding="utf-8")
    changed = cache.notebook_key(SUMMARY_STEM, params, data_key, cache.summary_inputs(tmp_path, load_plan()))
    assert changed != summary
    # ... and the claims check's verdicts (its scrutiny questions name claims the data do not support)
    (tmp_path / "tables" / f"{CLAIMS_STEM}-verdicts.csv").write_text("claim_id,verdict\n", encoding="utf-8")
    assert cache.notebook_key(SUMMARY_STEM, params, data_key, cache.summary_inputs(tmp_path, load_plan())) != changed
    # a claims file reaches the claims notebook's key only
    claims = tmp_path / "claims.csv"
    claims.write_text("claim_id\n", encoding="utf-8")
    with_claims = cache.notebook_key(CLAIMS_STEM, params, data_key, cache.claims_inputs(claims))
    assert with_claims != cache.notebook_key(CLAIMS_STEM, params, data_key, cache.claims_inputs(None))


def build(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run_pack.py", "build", "--period", "2024-01", "--baseline", "2023-01", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def indicators(pack: Path) -> pd.DataFrame:
    return pd.read_csv(pack / "tables" / INDICATORS).set_index("indicator_id")


@pytest.mark.slow
def test_builds_see_edited_inputs_and_altered_tables_and_rerun_only_what_changed(tmp_path, one_priority_plan) -> None:
    """One data folder, three builds of the plan of one priority (three notebooks: the cache's
    machinery is the same for any plan):

    1. cold: every notebook runs;
    2. an input edited in place keeping size and mtime: the pack shows the new numbers and the
       manifest's SHA-256 is the file's (``sha256sum``);
    3. a cached prepared table altered (valid Parquet) and the priority notebook's markdown edited:
       the build notices the table, prepares again, and the pack's numbers (of the notebook that
       runs again, on the data prepared again) are those of the inputs; that notebook runs again,
       nothing else does (the summary neither: the table it reads from it is unchanged).
    """
    data = thirteen_months(tmp_path / "data")
    notebooks = shutil.copytree(one_priority_plan.parent / "one-priority", tmp_path / "notebooks")
    env = {"PACK_NOTEBOOK_DIR": str(notebooks), "PACK_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "pack"
    plan = ("--plan", str(one_priority_plan))
    first = build("--data", str(data), "--out", str(out), *plan, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count(" done in ") == NOTEBOOKS
    # 6 burglaries a month: 72 in the 12 months ending January 2024
    assert indicators(out).loc["burglary", "current_value"] == 72

    # 2. one burglary in January 2024 becomes a robbery: same size ("Burglary" -> "Robbery" and a
    #    space kept by "On or near Arthur Street" -> "On or near Arthur Streets"), same mtime
    january = data / "2024-01" / "2024-01-derbyshire-street.csv"
    edit_in_place_keeping_size_and_mtime(
        january, b"Arthur Street,E01013523,Derby 008B,Burglary", b"Arthur Streets,E01013523,Derby 008B,Robbery"
    )
    second = build("--data", str(data), "--out", str(out), *plan, env=env)
    assert second.returncode == 0, second.stderr
    assert "Prepare: reading" in second.stderr  # not served from the cache
    assert indicators(out).loc["burglary", "current_value"] == 71  # 72 - 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["inputs"]}
    assert listed["2024-01/2024-01-derbyshire-street.csv"] == sha256sum(january)

    # 3. the cached monthly table is altered (burglaries doubled), still valid Parquet; and a
    #    reviewer's sentence in the priority notebook's markdown, so that notebook runs again (on the
    #    data as prepared in this build: doubled, it would show 142 burglaries)
    entry = tmp_path / "cache" / "prepared" / manifest["data_key"]
    rewrite_parquet(entry / "street_monthly.parquet", lambda f: f.assign(n=f["n"] * 2))
    path = notebooks / f"{STEM}.ipynb"
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.cell_type == "markdown").source += "\n\nChecked by the panel."
    nbformat.write(nb, path)
    third = build("--data", str(data), "--out", str(out), *plan, env=env)
    assert third.returncode == 0, third.stderr
    assert f"Prepare: cache entry {manifest['data_key']} failed its check (street_monthly.parquet" in third.stderr
    assert "Prepare: reading" in third.stderr  # prepared afresh
    assert indicators(out).loc["burglary", "current_value"] == 71
    ran = sorted(line.split()[1] for line in third.stderr.splitlines() if " done in " in line)
    reused = sorted(
        line.split()[1] for line in third.stderr.splitlines() if line.endswith("unchanged, reused from the cache")
    )
    assert ran == [STEM]
    assert reused == sorted([CLAIMS_STEM, SUMMARY_STEM])  # the summary too: the table it reads is unchanged
    page = (out / "notebooks" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "Checked by the panel." in page
