"""Benchmark: preparing a national archive (every force, a year) against a bare DuckDB pass, side by side.

    python benchmarks/bench_national.py [--runs 3] [--real ../shared/real-data] [--json national.json]

The data are the shared real national street files (``police-uk-national/``: every force's file of
2021-12, 2022-01 and 2022-02 as data.police.uk publishes them) made into a year, 2021-03..2022-02,
plus a 13th month, 2022-03, kept aside: the three real months as they are, and nine more months
each a copy of one real month (the same force's file) with its ``Month`` rewritten and every Crime ID's
first three hexadecimal digits XOR-ed with the copy's number (as ``make_scaled_data.py`` does), so the
copies are distinct crimes of distinct months. Written once into ``build/national-year`` (reused while
its ``NATIONAL_DATA.txt`` matches); about 0.9 GB.

Measured, alternating runs so that machine noise falls on both alike, each a new process:

(a) bare DuckDB: ``read_csv('<folder>/*/*-street.csv') GROUP BY "Falls within", Month, "Crime type"``;
(b) the pack's prepare stage, cold (``run_pack.py validate`` with an empty cache: every file read,
    validated, counted by force, month and crime type, the plan force's rows written to Parquet);

then, on the cache (b) left, (c) the 13th month's files copied into the folder and prepared again
(only those files are read: the rest are reused from the per-file cache); then the same year as a
zip archive, as data.police.uk serves it, prepared cold, and replaced by the next month's archive
(:func:`zip_refresh`). Prints the medians, the
ratio b/a, the time of (c) and the peak resident memory of any process (workers included), and
checks that the pack's national counts and DuckDB's agree (records the pack rejects are the only
difference allowed, and are printed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import MEASURE  # noqa: E402

REAL_MONTHS = ("2021-12", "2022-01", "2022-02")
YEAR = tuple(f"{2021 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(3, 15))  # 2021-03 .. 2022-02
EXTRA = "2022-03"  # the month added to a prepared year
FORMAT = 1
ROW = re.compile(rb"^([0-9a-f]{3})?([0-9a-f]*),(\d{4}-\d{2}),", re.MULTILINE)

DUCKDB = """
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
rows = con.execute(
    "SELECT \\"Falls within\\", Month, \\"Crime type\\", count(*) AS n FROM read_csv(?) GROUP BY ALL", [sys.argv[1]]
).fetchall()
print(len(rows), sum(r[3] for r in rows))
"""


def marker_text() -> str:
    return f"national street files, {YEAR[0]}..{YEAR[-1]} and {EXTRA}, format {FORMAT}\n"


def copy_month(source: Path, target: Path, month: str, copy: int) -> None:
    """Write ``source`` (a street file) as ``month``'s: Month rewritten, Crime IDs renumbered by ``copy``."""
    data = source.read_bytes()
    header, _, body = data.partition(b"\n")

    def renumber(match: re.Match) -> bytes:
        head = f"{int(match.group(1), 16) ^ copy:03x}".encode() if match.group(1) else b""
        return head + match.group(2) + b"," + month.encode() + b","

    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + b"\n" + (ROW.sub(renumber, body) if copy else body))


def write_national(real: Path, folder: Path, extra: Path) -> None:
    """The year into ``folder`` and the 13th month into ``extra`` (see the module's docstring)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(extra, ignore_errors=True)
    started = time.perf_counter()
    for i, month in enumerate((*YEAR, EXTRA)):
        source_month = REAL_MONTHS[i % 3]
        copy = 0 if month in REAL_MONTHS else i // 3 + 1
        out = (extra if month == EXTRA else folder) / month
        for source in sorted((real / "police-uk-national" / source_month).glob("*-street.csv")):
            name = source.name.replace(source_month, month, 1)
            copy_month(source, out / name, month, copy)
    (folder / "NATIONAL_DATA.txt").write_text(marker_text(), encoding="utf-8")
    size = sum(p.stat().st_size for p in folder.rglob("*.csv"))
    print(f"national year written to {folder}: {size / 1e9:.2f} GB in {time.perf_counter() - started:.1f} s")


def measured(command: list[str], env: dict) -> tuple[float, int, str]:
    """Run ``command``; return (seconds, peak RSS in MB of any of its processes, its stderr)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    *log, peak = done.stderr.strip().splitlines()
    return seconds, int(peak) // 1024, "\n".join(log)


# The prepare stage alone, as a build runs it (``run_pack.py validate`` would add its report's imports)
PREPARE = """
import logging, sys, time
if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()
    from pack.data import prepare
    imported = time.perf_counter()
    prepare(sys.argv[1])
    print(f"stage {time.perf_counter() - imported:.2f} s after {imported - started:.2f} s of imports", file=sys.stderr)
"""


def prepare_command(folder: Path) -> list[str]:
    return [sys.executable, "-c", PREPARE, str(folder)]


def pack_counts(cache: Path) -> tuple[int, int]:
    """(force-month-type groups, records) of the newest prepared entry's force_monthly table."""
    import duckdb

    entry = max((cache / "prepared").iterdir(), key=lambda p: (p / "quality.json").stat().st_mtime)
    row = (
        duckdb.connect()
        .execute(
            f"SELECT count(*), sum(n) FROM (SELECT falls_within, month, crime_type, sum(n) AS n "
            f"FROM '{entry / 'force_monthly.parquet'}' GROUP BY ALL)"
        )
        .fetchone()
    )
    return int(row[0]), int(row[1])


def zip_refresh(folder: Path, extra: Path, work: Path) -> dict:
    """The national archive as data.police.uk serves it, one zip file named for its latest month:
    (d) the year's archive prepared cold, then (e) replaced by the next month's archive (the year and
    the 13th month, another name) and prepared again on (d)'s cache. Deflate at level 1 (written
    once into ``build/national-zip``)."""
    archives = ROOT / "build" / "national-zip"
    year, longer = archives / f"{YEAR[-1]}.zip", archives / f"{EXTRA}.zip"
    marker = archives / "NATIONAL_DATA.txt"
    shutil.rmtree(folder / EXTRA, ignore_errors=True)  # (copied in by (c))
    if not marker.is_file() or marker.read_text(encoding="utf-8") != marker_text():
        shutil.rmtree(archives, ignore_errors=True)
        archives.mkdir(parents=True)
        for target, sources in ((year, [folder]), (longer, [folder, extra])):
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                for source in sources:
                    for path in sorted(source.glob("*/*-street.csv")):
                        archive.write(path, path.relative_to(source).as_posix())
        marker.write_text(marker_text(), encoding="utf-8")
    data, cache = work / "zip-data", work / "zip-cache"
    data.mkdir()
    env = {**os.environ, "PACK_CACHE_DIR": str(cache)}
    shutil.copyfile(year, data / year.name)
    cold, _, _ = measured(prepare_command(data), env)
    (data / year.name).unlink()
    shutil.copyfile(longer, data / longer.name)
    refresh, _, log = measured(prepare_command(data), env)
    reuse = re.search(r"Prepare: (\d+) new file\(s\) read, (\d+) reused", log)
    return {"cold_s": round(cold, 2), "refresh_s": round(refresh, 2), "log": reuse.group(0) if reuse else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument(
        "--real",
        type=Path,
        default=Path(os.environ.get("PACK_REAL_DATA", ROOT.parent / "shared" / "real-data")),
        help="the shared real data (default ../shared/real-data, or PACK_REAL_DATA)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    folder, extra = ROOT / "build" / "national-year", ROOT / "build" / "national-extra"
    marker = folder / "NATIONAL_DATA.txt"
    if not marker.is_file() or marker.read_text(encoding="utf-8") != marker_text() or not (extra / EXTRA).is_dir():
        write_national(args.real.resolve(), folder, extra)
    shutil.rmtree(folder / EXTRA, ignore_errors=True)  # (left by an interrupted run)
    size = sum(p.stat().st_size for p in folder.rglob("*.csv"))
    files = len(list(folder.rglob("*-street.csv")))
    work = Path(tempfile.mkdtemp(prefix="bench-national-"))
    times: dict[str, list[float]] = {"duckdb": [], "prepare": []}
    peaks: dict[str, int] = {"duckdb": 0, "prepare": 0, "add_month": 0}
    duck = [sys.executable, "-c", DUCKDB, f"{folder}/*/*-street.csv"]
    try:
        for run in range(1, args.runs + 1):
            for name in ("duckdb", "prepare"):
                cache = work / "cache"
                shutil.rmtree(cache, ignore_errors=True)  # cold: nothing hashed, read or prepared before
                env = {**os.environ, "PACK_CACHE_DIR": str(cache)}
                seconds, peak, log = measured(duck if name == "duckdb" else prepare_command(folder), env)
                times[name].append(round(seconds, 2))
                peaks[name] = max(peaks[name], peak)
                stage = re.search(r"stage .*", log)
                shown = f", {stage.group(0)}" if stage else ""
                print(f"run {run}: {name:8s} {seconds:6.1f} s  (peak RSS {peak} MB{shown})", flush=True)
        duck_groups, duck_rows = (
            int(v) for v in subprocess.run(duck, capture_output=True, text=True, check=True).stdout.split()[-2:]
        )
        groups, records = pack_counts(work / "cache")
        shutil.copytree(extra / EXTRA, folder / EXTRA)  # one month of every force added
        env = {**os.environ, "PACK_CACHE_DIR": str(work / "cache")}
        add_month, peaks["add_month"], log = measured(prepare_command(folder), env)
        reuse = re.search(r"Prepare: (\d+) new file\(s\) read, (\d+) reused", log)
        stage = re.search(r"stage ([\d.]+) s", log)
        add_stage = float(stage.group(1)) if stage else None
        print(
            f"add one month: {add_month:.1f} s, of which the prepare stage {add_stage} s "
            f"(peak RSS {peaks['add_month']} MB): {reuse and reuse.group(0)}"
        )
        zipped = zip_refresh(folder, extra, work)
    finally:
        shutil.rmtree(folder / EXTRA, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    duckdb_s, prepare_s = statistics.median(times["duckdb"]), statistics.median(times["prepare"])
    summary = {
        "cores": os.cpu_count(),
        "runs": args.runs,
        "files": files,
        "gigabytes": round(size / 1e9, 3),
        "duckdb_median_s": duckdb_s,
        "prepare_median_s": prepare_s,
        "ratio_prepare_to_duckdb": round(prepare_s / duckdb_s, 2),
        "add_one_month_s": round(add_month, 2),
        "add_one_month_stage_s": add_stage,
        "peak_rss_mb": peaks,
        "runs_s": times,
        "zip_archive": zipped,
        "duckdb_groups_records": [duck_groups, duck_rows],
        "pack_groups_records": [groups, records],
    }
    print(f"\n{files} street files, {size / 1e9:.2f} GB (a year of every force in the copy)")
    print(f"bare DuckDB read_csv + GROUP BY:  median {duckdb_s:.1f} s over {args.runs} runs")
    print(
        f"pack prepare (cold):              median {prepare_s:.1f} s   "
        f"ratio {prepare_s / duckdb_s:.2f}  (target <= 1.2)"
    )
    print(f"adding one month (41 files):      {add_month:.1f} s, stage {add_stage} s  (target <= 3 s)")
    print(f"peak RSS of any process:          {peaks}  (target < 2048 MB)")
    print(
        f"national counts: DuckDB {duck_groups:,} groups, {duck_rows:,} records; pack {groups:,} groups, "
        f"{records:,} valid records ({duck_rows - records:,} rejected by the pack's checks)"
    )
    print(
        f"as zip archives: the year cold {zipped['cold_s']} s; the archive downloaded anew with a 13th month "
        f"(another name) {zipped['refresh_s']} s: {zipped['log']}"
    )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
