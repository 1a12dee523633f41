"""Benchmark: the pack's build against the naive papermill + nbconvert pipeline, side by side.

    python benchmarks/bench_build.py [--runs 3] [--data data/demo] [--period 2024-01]

(a) naive: one ``papermill`` command per notebook, in sequence, then one
    ``jupyter nbconvert --to html`` per executed notebook - every step a new process;
(b) ``python run_pack.py build --force`` (one parent process, worker pool, prepared Parquet).

With ``--scale 10 40``, the demo data are also written at those multiples of their volume
(``benchmarks/make_scaled_data.py``, into ``build/scaled-N``, reused while its ``SCALED_DATA.txt``
matches) and each gets ``--runs`` cold builds and cold prepares, alternating, timed with the peak
memory of any process (workers included); their medians are set against the 1x median.

Runs alternate a, b, a, b ... so machine noise hits both alike; every run starts cold (empty
cache: the data are prepared again and every notebook executes). Then one no-change rebuild
(``run_pack.py build`` with the cache warm). Prints each time, the medians, the ratio b/a and
the peak resident memory of any single process in each run (kernels included).

Only the standard library is used here; the two pipelines use what the project installs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_scaled_data import marker_text  # noqa: E402

from pack.config import CLAIMS_STEM, NOTEBOOK_DIR, SUMMARY_STEM  # noqa: E402
from pack.plan import load_plan  # noqa: E402

ORDER = [*load_plan().stems, CLAIMS_STEM, SUMMARY_STEM]
BIN = Path(sys.executable).parent

# Runs a command and prints the largest peak RSS (kB) of the command or any process it waited for.
MEASURE = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)"
)


def timed(commands: list[list[str]], env: dict, cwd: Path) -> tuple[float, int]:
    """Run ``commands`` in sequence; return (seconds, peak RSS in MB of any process)."""
    peak = 0
    started = time.perf_counter()
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, *command], env=env, cwd=cwd, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
        peak = max(peak, int(done.stderr.strip().splitlines()[-1]))
    return time.perf_counter() - started, peak // 1024


def naive_commands(out: Path, data: Path, period: str) -> list[list[str]]:
    params = ["-p", "period_end", period, "-p", "data_dir", str(data), "-p", "output_dir", "."]
    run = [
        [
            str(BIN / "papermill"),
            str(NOTEBOOK_DIR / f"{stem}.ipynb"),
            str(out / f"{stem}.ipynb"),
            *params,
            "--cwd",
            str(out),
            "--kernel",
            "python3",
            "--no-progress-bar",
        ]
        for stem in ORDER
    ]
    convert = [[str(BIN / "jupyter-nbconvert"), "--to", "html", str(out / f"{stem}.ipynb")] for stem in ORDER]
    return run + convert


def pack_command(out: Path, data: Path, period: str, force: bool = True) -> list[list[str]]:
    return [
        [
            sys.executable,
            str(ROOT / "run_pack.py"),
            "build",
            "--data",
            str(data),
            "--period",
            period,
            "--out",
            str(out),
            *(["--force"] if force else []),
        ]
    ]


def scaled_figures(factor: int, work: Path, period: str, runs: int) -> dict:
    """Cold builds and cold prepares (alternating, ``runs`` of each) on the demo data at
    ``factor`` times its volume; medians, every run, and the peak memory of any process."""
    folder = ROOT / "build" / f"scaled-{factor}"
    marker = folder / "SCALED_DATA.txt"
    if not marker.is_file() or marker.read_text(encoding="utf-8") != marker_text(factor):
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "make_scaled_data.py"),
                "--factor",
                str(factor),
                "--out",
                str(folder),
            ],
            check=True,
        )
    records = sum(
        max(0, sum(1 for _ in p.open("rb")) - 1)
        for p in folder.rglob("*.csv")
        if p.name.endswith(("-street.csv", "-outcomes.csv"))
    )
    commands = {
        "build": pack_command(work / f"scaled-{factor}", folder, period),
        "prepare": [[sys.executable, str(ROOT / "run_pack.py"), "validate", "--data", str(folder)]],
    }
    times: dict[str, list[float]] = {"build": [], "prepare": []}
    peak_rss = 0
    for run in range(1, runs + 1):
        for name, command in commands.items():
            cache = work / f"cache-scaled-{factor}"
            shutil.rmtree(cache, ignore_errors=True)  # cold: hashed, validated and prepared again
            seconds, peak = timed(command, {**os.environ, "PACK_CACHE_DIR": str(cache)}, ROOT)
            times[name].append(round(seconds, 1))
            peak_rss = max(peak_rss, peak)
            print(f"{factor}x run {run}: {name} {seconds:.1f} s (peak RSS {peak} MB)", flush=True)
    return {
        "records": records,
        "build_s": statistics.median(times["build"]),
        "prepare_s": statistics.median(times["prepare"]),
        "runs": times,
        "peak_rss_mb": peak_rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each pipeline (default 3)")
    parser.add_argument("--data", default="data/demo", help="data folder (default: the demo data)")
    parser.add_argument("--period", default="2024-01")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--scale", type=int, nargs="*", default=[], help="also time these multiples of the data")
    args = parser.parse_args()
    data = (ROOT / args.data).resolve() if not Path(args.data).is_absolute() else Path(args.data)
    subprocess.run(
        [sys.executable, str(ROOT / "run_pack.py"), "validate", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )  # (makes the demo data if missing)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    results: dict[str, list[float]] = {"naive": [], "pack": []}
    peaks: dict[str, int] = {"naive": 0, "pack": 0}
    try:
        for run in range(1, args.runs + 1):
            for name in ("naive", "pack"):
                cache = work / "cache"
                shutil.rmtree(cache, ignore_errors=True)  # cold: data prepared again, no reuse
                env = {**os.environ, "PACK_CACHE_DIR": str(cache), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
                out = work / f"{name}-{run}"
                out.mkdir() if name == "naive" else None
                commands = (
                    naive_commands(out, data, args.period) if name == "naive" else pack_command(out, data, args.period)
                )
                seconds, peak = timed(commands, env, ROOT)
                results[name].append(seconds)
                peaks[name] = max(peaks[name], peak)
                print(f"run {run}: {name:5s} {seconds:6.1f} s  (peak RSS {peak} MB)", flush=True)
        env = {**os.environ, "PACK_CACHE_DIR": str(work / "cache")}
        rebuild, rebuild_peak = timed(
            pack_command(work / f"pack-{args.runs}", data, args.period, force=False), env, ROOT
        )
        scaled = {factor: scaled_figures(factor, work, args.period, args.runs) for factor in args.scale}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    naive, pack = statistics.median(results["naive"]), statistics.median(results["pack"])
    summary = {
        "cores": os.cpu_count(),
        "runs": args.runs,
        "data": args.data,
        "period": args.period,
        "naive_median_s": round(naive, 2),
        "pack_median_s": round(pack, 2),
        "ratio_pack_to_naive": round(pack / naive, 3),
        "no_change_rebuild_s": round(rebuild, 2),
        "peak_rss_mb": {**peaks, "rebuild": rebuild_peak},
    }
    print(f"\nnaive papermill + nbconvert: median {naive:.1f} s over {args.runs} runs")
    print(f"run_pack.py build (cold):    median {pack:.1f} s   ratio b/a = {pack / naive:.2f}  (target <= 0.35)")
    print(f"no-change rebuild:           {rebuild:.1f} s   (target <= 2 s)")
    print(f"peak RSS of any process:     naive {peaks['naive']} MB, pack {peaks['pack']} MB, rebuild {rebuild_peak} MB")
    for factor, figures in scaled.items():
        print(
            f"{factor}x data ({figures['records']:,} records): cold build {figures['build_s']:.1f} s "
            f"= {figures['build_s'] / pack:.2f}x the 1x build; prepare {figures['prepare_s']:.1f} s; "
            f"peak RSS {figures['peak_rss_mb']} MB"
        )
    summary["scaled"] = scaled
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
