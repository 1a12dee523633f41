"""Execute one notebook with papermill (in a warm kernel or a fresh one), never raising mid-batch."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import nbformat

from pack.build.kernels import ENGINE_NAME, KERNEL_ARGUMENTS, KERNEL_NAME, KernelPool
from pack.build.results import NotebookResult
from pack.config import (
    NOTEBOOK_DIR,
)
from pack.errors import ParameterError
from pack.params import NOTEBOOK_PARAMETERS

log = logging.getLogger(__name__)


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


def kernel_env() -> None:
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

    With ``kernels``, the notebook runs in a warm kernel from the pool (see :mod:`pack.build.kernels`);
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
