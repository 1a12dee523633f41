"""Execute one notebook with papermill (in a warm kernel or a fresh one), never raising mid-batch."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import nbformat

from pack.config import NOTEBOOK_DIR
from pack.errors import NotebookError
from pack.params import NOTEBOOK_PARAMETERS
from pack.pipeline.guard import is_disk_error
from pack.pipeline.kernels import (
    ENGINE_NAME,
    KERNEL_ARGUMENTS,
    KERNEL_DISPLAY_NAME,
    KERNEL_NAME,
    START_TIMEOUT,
    KernelPool,
)
from pack.pipeline.results import NotebookFailure, NotebookResult

log = logging.getLogger(__name__)


def check_notebook_parameters(path: Path) -> None:
    """Refuse a notebook that is missing, or whose ``parameters`` cell does not define exactly the
    pack's names (papermill only warns about an unknown one)."""
    import papermill

    if not path.is_file():
        raise NotebookError(f"notebook {path} not found (PACK_NOTEBOOK_DIR or the project's notebooks/ folder)")
    try:
        found = set(papermill.inspect_notebook(str(path)).keys())
    except Exception as exc:  # noqa: BLE001 - nbformat, JSON or papermill's own errors: one message
        raise NotebookError(f"notebook {path.name} cannot be read as a notebook: {type(exc).__name__}: {exc}") from exc
    expected = set(NOTEBOOK_PARAMETERS)
    if found != expected:
        raise NotebookError(
            f"notebook {path.name}: parameters cell defines {sorted(found)}, expected {sorted(expected)}"
        )


def normalise_executed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip timing metadata and absolute paths so the same inputs give the same bytes, and name
    the kernel as JupyterLab will (so opening an executed notebook does not mark it modified)."""
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata["papermill"] = {"parameters": parameters}
    nb.metadata["kernelspec"] = {"display_name": KERNEL_DISPLAY_NAME, "language": "python", "name": KERNEL_NAME}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return nb


def kernel_env() -> None:
    # kernels must be this interpreter's (a bare "python" on PATH may be another one)
    bin_dir = str(Path(sys.executable).parent)
    if not os.environ.get("PATH", "").startswith(bin_dir + os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")


def _failure(exc: BaseException, stem: str, cell_timeout: int | None) -> NotebookFailure:
    """A notebook's failure from the exception papermill or nbclient raised, by its type."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return NotebookFailure(
            "error",
            f"cell {exc.exec_count} raised {exc.ename}: {exc.evalue}",
            cell_index=exc.cell_index,
            exec_count=exc.exec_count,
            ename=exc.ename,
            evalue=exc.evalue,
            traceback=tuple(exc.traceback),
        )
    index = getattr(exc, "cell_index", None)  # set by pack.pipeline.kernels.WarmKernelEngine
    where = f"cell {index + 1} of the notebook: " if index is not None else ""
    if isinstance(exc, CellTimeoutError):
        message = f"a cell ran longer than the per-cell timeout ({cell_timeout} s) ({where}{type(exc).__name__})"
        return NotebookFailure("timeout", message, cell_index=index, ename=type(exc).__name__)
    if isinstance(exc, DeadKernelError):
        message = f"the kernel running {stem} died (out of memory or killed) ({where}{type(exc).__name__})"
        return NotebookFailure("dead kernel", message, cell_index=index, ename=type(exc).__name__)
    return NotebookFailure("error", f"{type(exc).__name__}: {exc}", ename=type(exc).__name__, evalue=str(exc))


def execute_one(
    stem: str,
    staging: Path,
    parameters: dict,
    cell_timeout: int | None,
    kernels: KernelPool | None = None,
    env: dict[str, str] | None = None,
    notebook: Path | None = None,
) -> NotebookResult:
    """Execute one notebook with papermill into ``staging/notebooks``; never raises.

    With ``kernels``, the notebook runs in a warm kernel from the pool (see :mod:`pack.pipeline.kernels`);
    without, papermill starts a fresh kernel for it (started once more if the first does not answer).
    A notebook stopped by a timeout or a dead kernel is kept as far as it ran. ``notebook`` is the
    source file (default ``NOTEBOOK_DIR/<stem>.ipynb``; a build gives its plan's, :meth:`pack.plan.Plan.notebook_file`).
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    source = notebook or NOTEBOOK_DIR / f"{stem}.ipynb"
    target = staging / "notebooks" / f"{stem}.ipynb"
    started = time.perf_counter()
    failure: NotebookFailure | None = None
    km = None
    if kernels is not None:
        try:
            km = kernels.acquire(staging, env)
        except Exception as exc:  # noqa: BLE001 - reported as this notebook's failure
            message = f"no kernel could be started for {stem}: {exc}"
            return NotebookResult(stem, failure=NotebookFailure("no kernel", message, ename=type(exc).__name__))
    for attempt in (1, 2):
        try:
            _papermill(source, target, staging, parameters, cell_timeout, km)
            break
        except (PapermillExecutionError, CellTimeoutError, DeadKernelError) as exc:
            failure = _failure(exc, stem, cell_timeout)
            partial = getattr(exc, "notebook", None)
            if partial is not None and not target.exists():
                nbformat.write(partial, target)  # the cells that ran, for the failure folder
            break
        except Exception as exc:  # noqa: BLE001 - e.g. a fresh kernel that did not start: reported, never raised
            if is_disk_error(exc):
                if km is not None:
                    kernels.release(km, reusable=False)
                raise  # the disk is full or read-only: the build stops ("cannot write ...")
            if attempt == 1 and km is None:
                log.warning(
                    "Execute: %s: the kernel did not start (%s: %s); starting another", stem, type(exc).__name__, exc
                )
                continue
            failure = _failure(exc, stem, cell_timeout)
            break
    if km is not None:
        kernels.release(km, reusable=failure is None)
    return _read_back(stem, target, failure, started)


def _papermill(
    source: Path, target: Path, staging: Path, parameters: dict, cell_timeout: int | None, km: object | None
) -> None:
    """papermill's run of ``source`` into ``target``: in the warm kernel ``km``, or a fresh one
    started in ``staging``; raises what papermill raises."""
    import papermill

    papermill.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        engine_name=ENGINE_NAME,
        **({"km": km} if km is not None else {}),
        # a fresh kernel starts in staging; papermill's cwd= would chdir the whole process
        resources={"metadata": {"path": str(staging)}},
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=cell_timeout,
        start_timeout=START_TIMEOUT,
        extra_arguments=KERNEL_ARGUMENTS,
    )


def _read_back(stem: str, target: Path, failure: NotebookFailure | None, started: float) -> NotebookResult:
    """The result of one notebook's run: the executed notebook (as far as it ran) written back
    normalised; one that cannot be read back is a failure (a full disk raises)."""
    if target.is_file():
        try:
            nb = nbformat.read(target, as_version=4)
        except (OSError, ValueError) as exc:  # e.g. cut short by a full disk
            if is_disk_error(exc):
                raise
            message = f"the executed notebook could not be read back: {type(exc).__name__}: {exc}"
            return NotebookResult(stem, failure=failure or NotebookFailure("error", message, ename=type(exc).__name__))
        nbformat.write(normalise_executed(nb), target)
    return NotebookResult(stem, seconds=time.perf_counter() - started, failure=failure)
