"""The build: prepare -> execute (papermill, in parallel) -> render (nbconvert) -> manifest.

Before any work the build refuses, with a one-line reason, an output folder it must not replace
(:mod:`pack.build.guard`), bad options and a bad claims file. It writes into a staging folder
beside the output folder and renames it into place only when every notebook ran and the pack is
complete, so a failed or interrupted build never leaves a pack that looks complete, and a
previous pack in the same folder stays untouched until then (:mod:`pack.build.publish`).
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
from dataclasses import dataclass
from pathlib import Path

from pack.build.execute import check_notebook_parameters, execute_one, kernel_env
from pack.build.guard import check_output_folder, is_disk_error, write_error
from pack.build.kernels import KernelPool
from pack.build.publish import (
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
from pack.build.results import BuildResult, NotebookFailure, NotebookResult
from pack.config import (
    CLAIMS_STEM,
    DEFAULT_BUILD_ROOT,
    DEMO_DATA_DIR,
    NOTEBOOK_DIR,
    PRIORITIES,
    PROJECT_ROOT,
    SUMMARY_STEM,
)
from pack.data import Prepared, pinned_data_environment, prepare, resolve_data_dir
from pack.errors import DataError, ParameterError
from pack.params import BuildParameters
from pack.periods import Month, Window, comparison_windows, require_covered

log = logging.getLogger(__name__)

PRIORITY_STEMS = tuple(p.stem for p in PRIORITIES)
PARALLEL_STEMS = (*PRIORITY_STEMS, CLAIMS_STEM)  # run at once; the summary runs after them
ALL_STEMS = (*PARALLEL_STEMS, SUMMARY_STEM)
BUILD_OPTIONS = ("data_dir", "window", "baseline_end", "police_force", "public", "suppress_below")


def default_period(prepared: Prepared) -> str:
    """The latest month the street data cover (else the latest month of any monthly input)."""
    for name in ("street", "outcomes", "stop_search", "calls"):
        months = prepared.quality.months(name)
        if months:
            return months[-1]
    raise ParameterError("no monthly input found in the data folder: give --period YYYY-MM")


def check_jobs(jobs: int | None) -> int:
    """Notebooks run at once: at least 1, at most the notebooks that can run at once (more would
    only start idle kernels); by default one per core."""
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ParameterError(f"--jobs must be a whole number of notebooks run at once, 1 or more; got {jobs!r}")
    wanted = jobs or os.cpu_count() or 2
    if wanted > len(PARALLEL_STEMS):
        if jobs is not None:
            log.info("Execute: --jobs %d capped at %d, the notebooks that can run at once", jobs, len(PARALLEL_STEMS))
        return len(PARALLEL_STEMS)
    return wanted


def check_cell_timeout(cell_timeout: int | None) -> int | None:
    """Seconds a cell may run: a whole number, 1 or more (``None``: no limit)."""
    if cell_timeout is None:
        return None
    if not isinstance(cell_timeout, int) or isinstance(cell_timeout, bool) or cell_timeout < 1:
        raise ParameterError(f"--cell-timeout must be a whole number of seconds, 1 or more; got {cell_timeout!r}")
    return cell_timeout


def check_claims_file(path: Path) -> None:
    """Refuse a claims file that is missing, empty, not UTF-8 text or breaks the claims contract,
    before any work (the message names file, row and column)."""
    from pack.claims import load_claims

    if not path.is_file():
        raise DataError("claims file does not exist or is not a file", file=str(path))
    data = path.read_bytes()
    if not data.strip():
        raise DataError("claims file is empty", file=str(path), expected="a header row and one row per claim")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"is not UTF-8 text (byte {data[exc.start]:#04x} on line {line}); save it as 'CSV UTF-8'", file=str(path)
        ) from exc
    if not text.strip():
        raise DataError("claims file is empty", file=str(path))
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


def data_parameter(given: str, folder: Path) -> str:
    """The ``data_dir`` a pack records: an absolute folder as given; a relative one written from
    the project root (the same whatever the working folder was), so ``verify`` finds it again.

    >>> data_parameter("data/demo", PROJECT_ROOT / "data" / "demo")
    'data/demo'
    >>> data_parameter("/srv/data", Path("/srv/data"))
    '/srv/data'
    """
    if Path(given).is_absolute():
        return given
    return Path(os.path.relpath(folder, PROJECT_ROOT)).as_posix()


def build(
    params: BuildParameters | None = None,
    *,
    period_end: str | None = None,
    output_dir: Path | str | None = None,
    jobs: int | None = None,
    cell_timeout: int | None = 600,
    force: bool = False,
    claims_file: Path | str | None = None,
    data_folder: Path | None = None,
    inputs: list | None = None,
    **kwargs: object,
) -> BuildResult:
    """Build the evidence pack. Returns a :class:`BuildResult`; raises :class:`PackError` for
    bad parameters, data or output folder before any notebook runs, and :class:`OutputError`
    (``cannot write ... (no space left on device)``) when the pack cannot be written.

    ``data_folder`` and ``inputs`` are for ``verify``: the folder that ``params.data_dir`` means
    there, and exactly the files to read (see :func:`pack.data.listed_inputs`).
    """
    kernel_env()
    unknown = sorted(set(kwargs) - set(BUILD_OPTIONS))
    if unknown:
        raise ParameterError(f"unknown build parameter(s) {', '.join(unknown)}; known: {', '.join(BUILD_OPTIONS)}")
    jobs = check_jobs(jobs)
    cell_timeout = check_cell_timeout(cell_timeout)
    out = Path(os.path.abspath(output_dir)) if output_dir else None
    given = str(kwargs.pop("data_dir", "data/demo")) if params is None else params.data_dir
    data_path = Path(os.path.abspath(data_folder or resolve_data_dir(given)))
    if out is not None:
        check_output_folder(out, data_path, output_dir)
    claims = Path(os.path.abspath(claims_file)) if claims_file else None
    if claims is not None:
        check_claims_file(claims)
    for stem in ALL_STEMS:
        check_notebook_parameters(NOTEBOOK_DIR / f"{stem}.ipynb")
    request = _Request(params, given, data_path, period_end, out, cell_timeout, force, claims, inputs, kwargs)
    kernels = _Kernels(jobs)
    with interruptible(out) as state:
        try:
            return _build(request, kernels)
        except OSError as exc:
            error = write_error(exc, state.out or DEFAULT_BUILD_ROOT, data_path)
            if error is None:
                raise
            raise error from exc
        finally:
            kernels.shutdown()


@dataclass(frozen=True)
class _Request:
    """What a build was asked for, checked (see :func:`build`)."""

    params: BuildParameters | None
    given: str  # the data folder as given
    data_path: Path  # the data folder, absolute
    period_end: str | None
    out: Path | None  # absolute; None: build/<period>
    cell_timeout: int | None
    force: bool
    claims_file: Path | None
    inputs: list | None
    options: dict


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


def _build(request: _Request, kernels: _Kernels) -> BuildResult:
    params, given, data_path, out = request.params, request.given, request.data_path, request.out
    kwargs = dict(request.options)
    set_stage("preparing the data")
    if data_path == DEMO_DATA_DIR.absolute():
        from pack.data import ensure_demo_data

        ensure_demo_data(DEMO_DATA_DIR)
    if not data_path.is_dir():
        raise ParameterError(f"data folder {given} does not exist or is not a folder")
    if params is None:
        log.info("Prepare: validating the data in %s", given)
    force_name = params.police_force if params else str(kwargs.get("police_force") or "Derbyshire Constabulary")
    # the kernels start while the data are read
    prepared = prepare(data_path, force_name, on_miss=kernels.start, files=request.inputs)
    if params is None:
        period = request.period_end or default_period(prepared)
        params = BuildParameters.create(period_end=period, data_dir=data_parameter(given, data_path), **kwargs)  # type: ignore[arg-type]
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
    from pack.build.cache import clean_leftovers

    clean_leftovers()
    staging = staging_path(out)
    remove_on_interrupt(staging)
    result = BuildResult(out, params)
    try:
        for sub in ("notebooks", "tables", "figures"):
            (staging / sub).mkdir(parents=True)
        env = pinned_data_environment(params.data_dir, data_path, params.police_force, prepared)
        return _execute_and_render(request, result, staging, prepared, (baseline, current), kernels, env)
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


def _execute_and_render(
    request: _Request,
    result: BuildResult,
    staging: Path,
    prepared: Prepared,
    windows: tuple[Window, Window],
    kernels: _Kernels,
    env: dict[str, str],
) -> BuildResult:
    """Run the notebooks into ``staging``, render, write the manifest and swap into ``out``."""
    from pack.build import cache, render
    from pack.build.manifest import CLAIMS_IN_PACK, write_manifest

    out, params, claims_file = result.output_dir, result.params, request.claims_file
    baseline, current = windows
    notebook_params = params.notebook_parameters(".")
    if claims_file is not None:
        shutil.copyfile(claims_file, staging / CLAIMS_IN_PACK)
    set_stage("running the notebooks")
    log.info(
        "Execute: %d notebooks (%d priorities and the claims check, %d at a time, then the strategic summary) for %s",
        len(ALL_STEMS),
        len(PRIORITY_STEMS),
        kernels.jobs,
        current.label,
    )

    def run(stem: str, extra: dict) -> NotebookResult:
        key = cache.notebook_key(stem, notebook_params, prepared.key, extra)
        if not request.force and cache.restore(key, stem, staging):
            log.info("Execute: %s unchanged, reused from the cache", stem)
            return NotebookResult(stem, reused=True)
        outcome = execute_one(stem, staging, notebook_params, request.cell_timeout, kernels.start(), env)
        if outcome.error is not None:
            log.error("Execute: %s FAILED: %s", stem, outcome.error)
            return outcome
        try:
            render.render_notebook(stem, staging)  # in this worker, while other kernels run
        except Exception as exc:  # noqa: BLE001 - a notebook that cannot be rendered fails alone
            if is_disk_error(exc):
                raise  # the disk is full or read-only: the build stops ("cannot write ...")
            failure = NotebookFailure("render", f"ran, but could not be rendered: {type(exc).__name__}: {exc}")
            log.error("Execute: %s FAILED: %s", stem, failure.message)
            return NotebookResult(stem, outcome.seconds, failure=failure)
        cache.store(key, stem, staging)
        log.info("Execute: %s done in %.1f s", stem, outcome.seconds)
        return outcome

    claims_extra = cache.claims_inputs(claims_file)
    with ThreadPoolExecutor(max_workers=kernels.jobs) as pool:
        result.notebooks = list(pool.map(lambda s: run(s, claims_extra if s == CLAIMS_STEM else {}), PARALLEL_STEMS))
    if result.ok:
        result.notebooks.append(run(SUMMARY_STEM, cache.summary_inputs(staging)))
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
    if not result.ok:
        set_stage("keeping the failed notebooks")
        keep_failure(staging, out, result)
        return result
    set_stage("rendering the pack")
    log.info("Render: combining %d executed notebooks into evidence-pack.html", len(result.notebooks))
    render.render_pack(staging, params, prepared, baseline, current)
    write_manifest(staging, params, prepared)
    set_stage("publishing the pack")
    swap_into_place(staging, out)
    log.info("Done: %s", out / "evidence-pack.html")
    return result
