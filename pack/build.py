"""The build: prepare -> execute (papermill, in parallel) -> render (nbconvert) -> manifest.

Only this module and :mod:`pack.render` import papermill and nbconvert. A build writes into a
staging folder beside the output folder and renames it into place only when every notebook ran
and the pack is complete, so a failed or interrupted build never leaves a pack that looks
complete, and a previous good pack in the same folder stays untouched until then.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from pack.config import (
    CLAIMS_STEM,
    DEFAULT_BUILD_ROOT,
    DEMO_DATA_DIR,
    NOTEBOOK_DIR,
    PRIORITIES,
    SUMMARY_STEM,
)
from pack.dataset import resolve_data_dir
from pack.errors import ParameterError
from pack.kernels import ENGINE_NAME, KERNEL_ARGUMENTS, KERNEL_NAME, KernelPool, kill_all_kernels
from pack.params import NOTEBOOK_PARAMETERS, BuildParameters
from pack.periods import comparison_windows, require_covered
from pack.prepare import Prepared, prepare

log = logging.getLogger(__name__)

PRIORITY_STEMS = tuple(p.stem for p in PRIORITIES)
BUILD_OPTIONS = ("data_dir", "window", "baseline_end", "police_force", "public", "suppress_below")


@dataclass
class NotebookResult:
    """What happened to one notebook (the build does not raise mid-batch)."""

    stem: str
    seconds: float = 0.0
    error: str | None = None
    reused: bool = False


@dataclass
class BuildResult:
    """Outcome of a build."""

    output_dir: Path
    params: BuildParameters
    notebooks: list[NotebookResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every notebook ran."""
        return all(n.error is None for n in self.notebooks)


def default_period(prepared: Prepared) -> str:
    """The latest month the street data cover (else the latest month of any monthly input)."""
    for name in ("street", "outcomes", "stop_search", "calls"):
        months = prepared.quality["inputs"][name]["months"]
        if months:
            return months[-1]
    raise ParameterError("no monthly input found in the data folder: give --period YYYY-MM")


def check_notebook_parameters(path: Path) -> None:
    """Refuse a notebook whose ``parameters`` cell does not define exactly the pack's names."""
    import papermill

    found = set(papermill.inspect_notebook(str(path)).keys())
    expected = set(NOTEBOOK_PARAMETERS)
    if found != expected:
        raise ParameterError(
            f"notebook {path.name}: parameters cell defines {sorted(found)}, expected {sorted(expected)}"
        )


def normalise_executed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip timing metadata and absolute paths so the same inputs give the same bytes."""
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata["papermill"] = {"parameters": parameters}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return nb


def _kernel_env() -> None:
    # kernels must be this interpreter's (a bare "python" on PATH may be another one)
    bin_dir = str(Path(sys.executable).parent)
    if not os.environ.get("PATH", "").startswith(bin_dir + os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")


def execute_one(
    stem: str, staging: Path, parameters: dict, cell_timeout: int | None, kernels: KernelPool | None = None
) -> NotebookResult:
    """Execute one notebook with papermill into ``staging/notebooks``; never raises.

    With ``kernels``, the notebook runs in a warm kernel from the pool (see :mod:`pack.kernels`);
    without, papermill starts a fresh kernel for it.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = NOTEBOOK_DIR / f"{stem}.ipynb"
    target = staging / "notebooks" / f"{stem}.ipynb"
    started = time.perf_counter()
    result = NotebookResult(stem)
    km = None
    if kernels is not None:
        try:
            km = kernels.acquire(staging)
        except Exception as exc:  # noqa: BLE001 - reported as this notebook's failure
            result.error = f"no kernel could be started for {stem}: {exc}"
            return result
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(source),
                str(target),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                **({"km": km, "engine_name": ENGINE_NAME} if km is not None else {}),
                # a fresh kernel starts in staging; papermill's cwd= would chdir the whole process
                resources={"metadata": {"path": str(staging)}},
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=cell_timeout,
                start_timeout=120,
                extra_arguments=KERNEL_ARGUMENTS,
            )
            break
        except PapermillExecutionError as exc:
            result.error = f"cell {exc.exec_count} raised {exc.ename}: {exc.evalue}"
            break
        except Exception as exc:  # kernel start-up races, dead kernels, timeouts
            text = f"{type(exc).__name__}: {exc}"
            if "timed out" in text.lower() or "Timeout" in type(exc).__name__:
                result.error = f"a cell ran longer than the per-cell timeout ({cell_timeout} s): {text}"
                break
            if "DeadKernel" in text or "Kernel died" in text or "kernel died" in text.lower():
                result.error = f"the kernel running {stem} died (out of memory or killed): {text}"
                break
            if attempt == 1 and ("address already in use" in text.lower() or "didn't respond" in text.lower()):
                log.warning("Execute: %s: kernel start-up failed (%s); retrying once", stem, text)
                continue
            result.error = text
            break
    if km is not None:
        kernels.release(km, reusable=result.error is None)
    if target.is_file():
        nb = nbformat.read(target, as_version=4)
        nbformat.write(normalise_executed(nb), target)
    result.seconds = time.perf_counter() - started
    return result


@contextmanager
def _clean_exit_on_signal(staging: Path, out: Path) -> Iterator[None]:
    """While the build runs, SIGTERM or SIGINT kills the kernels, removes the staging folder, puts
    a previous pack back if the swap was half done, and exits at once (128 + signal): no partial
    pack is left and a previous pack in ``out`` is untouched."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = _old_pack_path(out)

    def on_signal(signum: int, _frame: object) -> None:
        kill_all_kernels()  # no kernel may write into the folder being removed
        # rename first (atomic): a worker thread still writing finds no staging folder, and
        # workers never create it again (they create folders only inside it)
        doomed = staging.with_name(staging.name + ".interrupted")
        try:
            staging.rename(doomed)
        except OSError:
            doomed = staging
        shutil.rmtree(doomed, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)
        sys.stderr.write(
            f"interrupted ({signal.Signals(signum).name}): no pack written; "
            f"{'the previous pack is untouched' if out.exists() else 'no previous pack'}\n"
        )
        sys.stderr.flush()
        os._exit(128 + signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _old_pack_path(out: Path) -> Path:
    return out.parent / f".{out.name}.old-{os.getpid()}"


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
    _kernel_env()
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
            from pack.demo import ensure_demo_data

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
    street_months = prepared.quality["inputs"]["street"]["months"]
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
    with _clean_exit_on_signal(staging, out):
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
    from pack import cache, render
    from pack.manifest import write_manifest

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
            _keep_failure(staging, out, result)
            return result
        log.info("Render: combining %d executed notebooks into evidence-pack.html", len(result.notebooks))
        render.render_pack(staging, params, prepared, baseline, current)
        write_manifest(staging, params, prepared, out_name=out.name)
        _swap_into_place(staging, out)
        log.info("Done: %s", out / "evidence-pack.html")
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _keep_failure(staging: Path, out: Path, result: BuildResult) -> None:
    """Keep failed notebooks (with their errors) beside the output, never as a pack."""
    from pack.render import render_failure_page

    failed = out.parent / f"{out.name}.failed"
    shutil.rmtree(failed, ignore_errors=True)
    render_failure_page(staging, result)
    staging.rename(failed)
    log.error("Build failed: no evidence pack written; executed notebooks and errors kept in %s", failed)


def _swap_into_place(staging: Path, out: Path) -> None:
    old = _old_pack_path(out)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(out.parent / f"{out.name}.failed", ignore_errors=True)
