"""The build: prepare -> execute (papermill, in parallel) -> render (nbconvert) -> manifest.

Only this module and :mod:`pack.build.render` import papermill and nbconvert. A build writes into a
staging folder beside the output folder and renames it into place only when every notebook ran
and the pack is complete, so a failed or interrupted build never leaves a pack that looks
complete, and a previous good pack in the same folder stays untouched until then.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pack.build.execute import check_notebook_parameters, execute_one, kernel_env
from pack.build.kernels import KernelPool
from pack.build.publish import clean_exit_on_signal, keep_failure, swap_into_place
from pack.build.results import BuildResult, NotebookResult
from pack.config import (
    CLAIMS_STEM,
    DEFAULT_BUILD_ROOT,
    DEMO_DATA_DIR,
    NOTEBOOK_DIR,
    PRIORITIES,
    SUMMARY_STEM,
)
from pack.data import Prepared, prepare, resolve_data_dir
from pack.errors import ParameterError
from pack.params import BuildParameters
from pack.periods import comparison_windows, require_covered

log = logging.getLogger(__name__)

PRIORITY_STEMS = tuple(p.stem for p in PRIORITIES)
BUILD_OPTIONS = ("data_dir", "window", "baseline_end", "police_force", "public", "suppress_below")


def default_period(prepared: Prepared) -> str:
    """The latest month the street data cover (else the latest month of any monthly input)."""
    for name in ("street", "outcomes", "stop_search", "calls"):
        months = prepared.quality.months(name)
        if months:
            return months[-1]
    raise ParameterError("no monthly input found in the data folder: give --period YYYY-MM")


def build(
    params: BuildParameters | None = None,
    *,
    period_end: str | None = None,
    output_dir: Path | str | None = None,
    jobs: int | None = None,
    cell_timeout: int | None = 600,
    force: bool = False,
    claims_file: Path | None = None,
    **kwargs: object,
) -> BuildResult:
    """Build the evidence pack. Returns a :class:`BuildResult`; raises :class:`PackError` for
    bad parameters or data before any notebook runs."""
    kernel_env()
    unknown = sorted(set(kwargs) - set(BUILD_OPTIONS))
    if unknown:
        raise ParameterError(f"unknown build parameter(s) {', '.join(unknown)}; known: {', '.join(BUILD_OPTIONS)}")
    kernels = _Kernels(jobs or os.cpu_count() or 2)
    try:
        return _build(params, period_end, output_dir, cell_timeout, force, claims_file, kernels, kwargs)
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


def _build(
    params: BuildParameters | None,
    period_end: str | None,
    output_dir: Path | str | None,
    cell_timeout: int | None,
    force: bool,
    claims_file: Path | None,
    kernels: _Kernels,
    kwargs: dict,
) -> BuildResult:
    if params is None:
        data_dir = str(kwargs.pop("data_dir", "data/demo"))
        data_path = resolve_data_dir(data_dir)
        if data_path.resolve() == DEMO_DATA_DIR.resolve():
            from pack.data import ensure_demo_data

            ensure_demo_data(DEMO_DATA_DIR)
        if not data_path.is_dir():
            raise ParameterError(f"data folder {data_dir} does not exist or is not a folder")
        force_name = str(kwargs.get("police_force") or "Derbyshire Constabulary")
        log.info("Prepare: validating the data in %s", data_dir)
        prepared = prepare(data_path, force_name, on_miss=kernels.start)  # kernels start while data are read
        params = BuildParameters.create(period_end=period_end or default_period(prepared), data_dir=data_dir, **kwargs)  # type: ignore[arg-type]
    else:
        prepared = prepare(resolve_data_dir(params.data_dir), params.police_force, on_miss=kernels.start)
    baseline, current = comparison_windows(params.period_end, params.window, params.baseline_end)
    street_months = prepared.quality.months("street")
    if street_months:
        require_covered(current, street_months, "street-level crime data")
    out = Path(output_dir) if output_dir else DEFAULT_BUILD_ROOT / params.period_end
    out.parent.mkdir(parents=True, exist_ok=True)
    for stem in (SUMMARY_STEM, *PRIORITY_STEMS, CLAIMS_STEM):
        check_notebook_parameters(NOTEBOOK_DIR / f"{stem}.ipynb")
    if claims_file is not None:
        from pack.claims import load_claims

        load_claims(claims_file)  # a bad claims file stops the build before any notebook runs
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    result = BuildResult(out, params)
    with clean_exit_on_signal(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
        for sub in ("notebooks", "tables", "figures"):
            (staging / sub).mkdir(parents=True)
        return _execute_and_render(
            result, staging, out, prepared, params, baseline, current, kernels, cell_timeout, force, claims_file
        )


def _execute_and_render(
    result: BuildResult,
    staging: Path,
    out: Path,
    prepared: Prepared,
    params: BuildParameters,
    baseline,
    current,
    kernels: _Kernels,
    cell_timeout: int | None,
    force: bool,
    claims_file: Path | None,
) -> BuildResult:
    """Run the notebooks into ``staging``, render, write the manifest and swap into ``out``."""
    from pack.build import cache, render
    from pack.build.manifest import write_manifest

    try:
        notebook_params = params.notebook_parameters(".")
        if claims_file is not None:
            shutil.copyfile(claims_file, staging / "claims.csv")
        jobs = kernels.jobs
        log.info("Execute: %d priority notebooks, %d at a time, for %s", len(PRIORITY_STEMS), jobs, current.label)

        def run(stem: str) -> NotebookResult:
            key = cache.notebook_key(stem, notebook_params, prepared.key, claims_file)
            if not force and cache.restore(key, stem, staging):
                log.info("Execute: %s unchanged, reused from the cache", stem)
                return NotebookResult(stem, reused=True)
            outcome = execute_one(stem, staging, notebook_params, cell_timeout, kernels.start())
            if outcome.error is None:
                render.render_notebook(stem, staging)  # in this worker, while other kernels run
                cache.store(key, stem, staging)
                log.info("Execute: %s done in %.1f s", stem, outcome.seconds)
            else:
                log.error("Execute: %s FAILED: %s", stem, outcome.error)
            return outcome

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            result.notebooks = list(pool.map(run, (*PRIORITY_STEMS, CLAIMS_STEM)))
        result.notebooks.append(run(SUMMARY_STEM))
        if not result.ok:
            keep_failure(staging, out, result)
            return result
        log.info("Render: combining %d executed notebooks into evidence-pack.html", len(result.notebooks))
        render.render_pack(staging, params, prepared, baseline, current)
        write_manifest(staging, params, prepared, out_name=out.name)
        swap_into_place(staging, out)
        log.info("Done: %s", out / "evidence-pack.html")
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
