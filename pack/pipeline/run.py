"""The build: prepare -> execute (papermill, in parallel) -> render (nbconvert) -> manifest.

Before any work the build refuses, with a one-line reason, an output folder it must not replace
(:mod:`pack.pipeline.guard`), bad options and a bad claims file. It writes into a staging folder
beside the output folder and renames it into place only when every notebook ran and the pack is
complete, so a failed or interrupted build never leaves a pack that looks complete, and a
previous pack in the same folder stays untouched until then (:mod:`pack.pipeline.publish`).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from pack.config import CLAIMS_STEM, DEFAULT_BUILD_ROOT, DEMO_DATA_DIR, SUMMARY_STEM
from pack.data import Prepared, pinned_data_environment, prepare, resolve_data_dir
from pack.errors import DataError, ParameterError
from pack.notebook_templates.files import check_plan_notebooks
from pack.periods import Month, Window, comparison_windows, require_covered
from pack.pipeline.execute import check_notebook_parameters, execute_one, kernel_env
from pack.pipeline.guard import check_output_folder, is_disk_error, write_error
from pack.pipeline.kernels import KernelPool
from pack.pipeline.publish import (
    interruptible,
    keep_failure,
    recover_leftovers,
    remove_folder,
    remove_on_interrupt,
    set_output,
    set_stage,
    staging_path,
    swap_into_place,
)
from pack.pipeline.request import BuildRequest
from pack.pipeline.results import BuildResult, NotebookFailure, NotebookResult
from pack.plan import Plan, load_plan

log = logging.getLogger(__name__)


def parallel_stems(plan: Plan) -> tuple[str, ...]:
    """The notebooks run at once: the plan's priorities and the claims check (the summary runs after them)."""
    return (*plan.stems, CLAIMS_STEM)


def all_stems(plan: Plan) -> tuple[str, ...]:
    """Every notebook of a build of ``plan``, in the order they are started."""
    return (*parallel_stems(plan), SUMMARY_STEM)


def default_period(prepared: Prepared) -> str:
    """The latest month the street data cover (else the latest month of any monthly input)."""
    for name in ("street", "outcomes", "stop_search", "calls"):
        months = prepared.quality.months(name)
        if months:
            return months[-1]
    raise ParameterError("no monthly input found in the data folder: give --period YYYY-MM")


def check_jobs(jobs: int | None, at_once: int = 7) -> int:
    """Notebooks run at once: at least 1, at most ``at_once``, the notebooks that can run at once (more
    would only start idle kernels); by default one per core."""
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ParameterError(f"--jobs must be a whole number of notebooks run at once, 1 or more; got {jobs!r}")
    wanted = jobs or os.cpu_count() or 2
    if wanted > at_once:
        if jobs is not None:
            log.info("Execute: --jobs %d capped at %d, the notebooks that can run at once", jobs, at_once)
        return at_once
    return wanted


def check_cell_timeout(cell_timeout: int | None) -> int | None:
    """Seconds a cell may run: a whole number, 1 or more (``None``: no limit)."""
    if cell_timeout is None:
        return None
    if not isinstance(cell_timeout, int) or isinstance(cell_timeout, bool) or cell_timeout < 1:
        raise ParameterError(f"--cell-timeout must be a whole number of seconds, 1 or more; got {cell_timeout!r}")
    return cell_timeout


def check_claims_file(path: Path) -> None:
    """Refuse a claims file that is missing, empty, not text a spreadsheet writes or breaks the
    claims contract, before any work (the message names file, row and column)."""
    from pack.claims import load_claims

    if not path.is_file():
        raise DataError("claims file does not exist or is not a file", file=str(path))
    data = path.read_bytes()
    if not data.strip():
        raise DataError("claims file is empty", file=str(path), expected="a header row and one row per claim")
    frame = load_claims(path)
    from pack.crime import CRIME_GROUPS

    groups = ["hotspot_asb", *CRIME_GROUPS, *(f"rural_{g}" for g in CRIME_GROUPS)]
    for row, evidence in enumerate(frame["evidence"], start=2):  # row 1 is the header
        kind, _, name = evidence.partition(":")
        if kind == "street" and name not in groups:
            raise DataError(
                f"claim evidence {evidence!r} names no crime group",
                file=str(path),
                row=row,
                column="evidence",
                expected="street:" + ", street:".join(groups[:4]) + ", ...",
            )


def build(request: BuildRequest) -> BuildResult:
    """Build the evidence pack ``request`` asks for (made by the command line and by ``verify``).
    Returns a :class:`BuildResult`; raises :class:`PackError` for bad parameters, data or output
    folder before any notebook runs, and :class:`OutputError` (``cannot write ... (no space left on
    device)``) when the pack cannot be written."""
    kernel_env()
    plan = load_plan(request.plan_file)  # a plan that is not valid is refused before any work
    jobs = check_jobs(request.jobs, len(parallel_stems(plan)))
    request = replace(
        request,
        cell_timeout=check_cell_timeout(request.cell_timeout),
        claims_file=Path(os.path.abspath(request.claims_file)) if request.claims_file else None,
        plan_file=plan.file,
    )
    out = Path(os.path.abspath(request.output_dir)) if request.output_dir else None
    data_path = Path(os.path.abspath(request.data_folder or resolve_data_dir(request.data_dir)))
    if out is not None:
        check_output_folder(out, data_path, request.output_dir)
    if request.claims_file is not None:
        check_claims_file(request.claims_file)
    check_plan_notebooks(plan)  # missing or not the plan's: one line naming what to run, before any kernel
    for stem in all_stems(plan):
        check_notebook_parameters(plan.notebook_file(stem))
    kernels = _Kernels(jobs)
    with interruptible(out) as state:
        try:
            return _build(request, plan, data_path, out, kernels)
        except OSError as exc:
            error = write_error(exc, state.out or DEFAULT_BUILD_ROOT, data_path)
            if error is None:
                raise
            raise error from exc
        finally:
            kernels.shutdown()


class _Kernels:
    """The build's warm-kernel pool, started only once some notebook must run (or fresh data
    must be prepared, when every notebook will): a no-change rebuild starts no kernel."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: KernelPool | None = None
        self._lock = threading.Lock()

    def start(self) -> KernelPool:
        with self._lock:
            if self.pool is None:
                self.pool = KernelPool(self.jobs).start()
            return self.pool

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def months_short(months: list[str], period_end: str) -> int:
    """Months by which an input's data stop before ``period_end`` (0: they are as recent as they can
    be). Dated figures come at a steady interval (the commonest gap between their months: 1 for
    monthly data, 3 for quarterly snapshots, 6 for the workforce's March and September ones): data
    whose next figure would fall after the period end are not short.

    >>> months_short(["2023-11", "2023-12"], "2024-01"), months_short(["2023-09", "2023-12"], "2024-01")
    (1, 0)
    >>> months_short(["2019-03", "2019-09"], "2022-03")
    30
    """
    if not months:
        return 0
    dated = sorted({Month.parse(m) for m in months})
    gaps = Counter(later.months_since(earlier) for earlier, later in zip(dated, dated[1:], strict=False))
    interval = min(gaps, key=lambda gap: (-gaps[gap], gap)) if gaps else 1
    short = Month.parse(period_end).months_since(dated[-1])
    return short if short >= interval else 0


def _warn_inputs_ending_early(prepared: Prepared, period_end: str) -> None:
    """One warning per input whose data stop before the reporting period ends (:func:`months_short`)."""
    end = Month.parse(period_end)
    for info in prepared.quality.inputs.values():
        last = info.last_month
        if last and (gap := months_short(list(info.months), period_end)):
            log.warning(
                "Prepare: warning: %s stop at %s, %d month%s before the period ends (%s)",
                info.title,
                Month.parse(last).name,
                gap,
                "" if gap == 1 else "s",
                end.name,
            )


def _warn_missing_large_forces(prepared: Prepared, current: Window) -> None:
    """One warning per large territorial force missing from the national comparison's pool."""
    from pack.compare import missing_large_forces
    from pack.data import Dataset

    for force in missing_large_forces(Dataset(prepared), current):
        log.warning(
            "Prepare: warning: %s (%.0f%% of the residents of England and Wales) is not in the national "
            "comparison: its pool is labelled by the forces it holds, never 'England and Wales'",
            force.force,
            100 * (force.share or 0.0),
        )


def _build(request: BuildRequest, plan: Plan, data_path: Path, out: Path | None, kernels: _Kernels) -> BuildResult:
    set_stage("preparing the data")
    if data_path == DEMO_DATA_DIR.absolute():
        from pack.data import ensure_demo_data

        ensure_demo_data(DEMO_DATA_DIR)
    if not data_path.is_dir():
        raise ParameterError(f"data folder {request.data_dir} does not exist or is not a folder")
    from pack.paper.judgement import load_judgement
    from pack.paper.statutory import load_peel

    load_judgement(data_path, plan.priorities)  # the office's files are checked before any work (file, row, column)
    load_peel(data_path)
    if request.data_folder is None:
        log.info("Prepare: validating the data in %s", request.data_dir)
    # the kernels start while the data are read
    # (an empty force name is refused with the other parameters, once the data give the default period)
    force = request.police_force or plan.force
    prepared = prepare(data_path, force, on_miss=kernels.start, files=request.inputs)
    params = request.parameters(request.period_end or default_period(prepared), data_path)
    baseline, current = comparison_windows(params.period_end, params.window, params.baseline_end)
    street_months = prepared.quality.months("street")
    if street_months:
        require_covered(current, street_months, "street-level crime data")
    _warn_inputs_ending_early(prepared, params.period_end)
    _warn_missing_large_forces(prepared, current)
    if out is None:
        out = DEFAULT_BUILD_ROOT.absolute() / params.period_end
        check_output_folder(out, data_path)
        set_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover_leftovers(out)
    from pack.pipeline.cache import clean_leftovers

    clean_leftovers()
    staging = staging_path(out)
    remove_on_interrupt(staging)
    result = BuildResult(out, params)
    try:
        for sub in ("notebooks", "tables", "figures"):
            (staging / sub).mkdir(parents=True)
        env = pinned_data_environment(params.data_dir, data_path, params.police_force, prepared)
        execution = _Execution(request, plan, staging, prepared, kernels, env, params.notebook_parameters("."))
        return _execute_and_render(execution, result, (baseline, current))
    except BaseException:
        remove_folder(staging)
        raise


_OS_ERROR_TEXT = re.compile(r"\[Errno (?P<errno>\d+)\] (?P<strerror>[^:]+)(?:: '(?P<filename>.*)')?")
_DISK_FULL_OR_READ_ONLY = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def _raise_disk_errors(result: BuildResult) -> None:
    """Raise the first ``OSError`` a notebook met because the disk is full or read-only (as
    Python's ``OSError`` writes itself, the only form a kernel's error comes back in): the build
    then stops with ``cannot write ...`` rather than keeping a failure folder on a full disk."""
    for n in result.failures:
        match = _OS_ERROR_TEXT.match(n.failure.evalue or "") if n.failure.ename in ("OSError", "IOError") else None
        if match and int(match["errno"]) in _DISK_FULL_OR_READ_ONLY:
            raise OSError(int(match["errno"]), match["strerror"], match["filename"])


@dataclass(frozen=True)
class _Execution:
    """What running one notebook of a build needs: the request, the staging folder, the prepared
    data, the kernels and their environment, the notebooks' parameters."""

    request: BuildRequest
    plan: Plan
    staging: Path
    prepared: Prepared
    kernels: _Kernels
    env: dict[str, str]
    notebook_params: dict

    def run(self, stem: str, extra: dict) -> NotebookResult:
        """One notebook: reused from the cache when its key is there (and the build is not forced),
        else executed in a warm kernel, rendered in this worker and stored in the cache."""
        from pack.pipeline import cache, render

        source = self.plan.notebook_file(stem)
        key = cache.notebook_key(stem, self.notebook_params, self.prepared.key, extra, self.plan)
        if not self.request.force and cache.restore(key, stem, self.staging):
            log.info("Execute: %s unchanged, reused from the cache", stem)
            return NotebookResult(stem, reused=True)
        outcome = execute_one(
            stem, self.staging, self.notebook_params, self.request.cell_timeout, self.kernels.start(), self.env, source
        )
        if outcome.error is not None:
            log.error("Execute: %s FAILED: %s", stem, outcome.error)
            return outcome
        try:
            render.render_notebook(stem, self.staging)  # in this worker, while other kernels run
        except Exception as exc:  # noqa: BLE001 - a notebook that cannot be rendered fails alone
            if is_disk_error(exc):
                raise  # the disk is full or read-only: the build stops ("cannot write ...")
            failure = NotebookFailure("render", f"ran, but could not be rendered: {type(exc).__name__}: {exc}")
            log.error("Execute: %s FAILED: %s", stem, failure.message)
            return NotebookResult(stem, outcome.seconds, failure=failure)
        cache.store(key, stem, self.staging)
        log.info("Execute: %s done in %.1f s", stem, outcome.seconds)
        return outcome


def _run_notebooks(execution: _Execution, result: BuildResult) -> None:
    """The priorities and the claims check at once, then the strategic summary (which reads their
    tables) if they all ran; the counts logged."""
    from pack.pipeline import cache

    claims_extra = cache.claims_inputs(execution.request.claims_file)
    with ThreadPoolExecutor(max_workers=execution.kernels.jobs) as pool:
        stems = parallel_stems(execution.plan)
        runs = pool.map(lambda s: execution.run(s, claims_extra if s == CLAIMS_STEM else {}), stems)
        result.notebooks = list(runs)
    if result.ok:
        summary_extra = cache.summary_inputs(execution.staging, execution.plan)
        result.notebooks.append(execution.run(SUMMARY_STEM, summary_extra))
    else:
        reason = "not run: it reads the indicator tables of the notebooks that failed"
        result.notebooks.append(NotebookResult(SUMMARY_STEM, failure=NotebookFailure("not run", reason)))
    _raise_disk_errors(result)
    ran = sum(1 for n in result.notebooks if not n.reused and n.error is None)
    reused = sum(1 for n in result.notebooks if n.reused)
    log.info(
        "Execute: %d notebook%s run, %d reused from the cache, %d failed",
        ran,
        "" if ran == 1 else "s",
        reused,
        len(result.failures),
    )


def _execute_and_render(execution: _Execution, result: BuildResult, windows: tuple[Window, Window]) -> BuildResult:
    """Run the notebooks into the staging folder, render, write the manifest and swap into ``out``."""
    from pack.pipeline import render
    from pack.pipeline.manifest import CLAIMS_IN_PACK, write_manifest

    out, params = result.output_dir, result.params
    request, staging, prepared, plan = execution.request, execution.staging, execution.prepared, execution.plan
    baseline, current = windows
    if request.claims_file is not None:
        shutil.copyfile(request.claims_file, staging / CLAIMS_IN_PACK)
    set_stage("running the notebooks")
    log.info(
        "Execute: %d notebooks (%d %s and the claims check, %d at a time, then the strategic summary) for %s",
        len(all_stems(plan)),
        len(plan.priorities),
        "priority" if len(plan.priorities) == 1 else "priorities",
        execution.kernels.jobs,
        current.label,
    )
    _run_notebooks(execution, result)
    if not result.ok:
        set_stage("keeping the failed notebooks")
        keep_failure(staging, out, result)
        return result
    set_stage("rendering the pack")
    log.info("Render: combining %d executed notebooks into evidence-pack.html", len(result.notebooks))
    render.render_pack(staging, params, prepared, baseline, current, plan)
    write_manifest(staging, params, prepared, plan)
    set_stage("publishing the pack")
    swap_into_place(staging, out)
    log.info("Done: %s", out / "evidence-pack.html")
    return result
