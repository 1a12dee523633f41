"""Warm kernels for the build: started while the data are prepared, imports paid once.

A fresh kernel per notebook costs about a second to start and another to import pandas,
seaborn and ``pack`` - more than most notebooks take to run. The pool starts one kernel per
worker in the background as the build begins, imports every module the notebooks import
(silently: no execution count, no output), and hands a kernel to one notebook at a time. Before
each notebook the kernel is reset as if new: empty namespace, execution count 1, history
cleared, figures closed, matplotlib defaults restored, working folder set. A kernel whose
notebook failed, timed out or died is shut down and replaced, never reused.

Kernels are started one at a time, each holding a lock until it answers (its ports are bound by
then), so two can never be handed the same ports; a start that fails anyway (a port taken by
another program in between) is retried once, with a log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import re
import threading
import weakref
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger as papermill_logger

from pack.config import NOTEBOOK_DIR

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"
KERNEL_DISPLAY_NAME = "Python 3 (evidence pack)"  # as `make setup` installs the kernel
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
START_TIMEOUT = 120
_START_LOCK = threading.Lock()
ENGINE_NAME = "pack-warm-kernel"


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, for a kernel it owns or not: as papermill's, but the kernel
    client it opens is closed after the notebook (papermill leaves it open when given ``km``), and
    a notebook stopped by nbclient's ``CellTimeoutError`` or ``DeadKernelError`` is not lost: the
    exception carries ``cell_index`` (the cell that was running) and ``notebook`` (as far as it ran)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        """Execute ``nb_man``'s notebook in the kernel given as ``km``."""
        kwargs = {k: v for k, v in kwargs.items() if k not in ("input_path", "timeout", "startup_timeout")}
        client = PapermillNotebookClient(
            nb_man,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=papermill_logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        )
        try:
            return client.execute()
        except (CellTimeoutError, DeadKernelError) as exc:
            started = [i for i, c in enumerate(nb_man.nb.cells) if c.metadata.get("papermill", {}).get("start_time")]
            exc.cell_index = started[-1] if started else None
            exc.notebook = nb_man.nb
            raise
        finally:
            if client.kc is not None and not client.owns_km:
                client.kc.stop_channels()
                client.kc = None


papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


def notebook_imports(folder: Path = NOTEBOOK_DIR) -> list[str]:
    """Modules the notebooks import (``import x`` and ``from x import y`` lines in code cells,
    with ``from pack import a, b`` read as ``pack.a``, ``pack.b``), sorted."""
    modules: set[str] = {"pandas", "matplotlib.pyplot"}
    for path in sorted(folder.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            for line in "".join(cell["source"]).splitlines():
                if m := re.match(r"^from (\w[\w.]*) import ([\w, ]+)$", line.strip()):
                    base, names = m.group(1), [n.strip() for n in m.group(2).split(",")]
                    modules.update(f"{base}.{n}" for n in names) if base == "pack" else modules.add(base)
                elif m := re.match(r"^import ([\w.]+)", line.strip()):
                    modules.add(m.group(1))
    return sorted(modules)


def warm_up_code(modules: list[str]) -> str:
    """Code that imports ``modules`` (each on its own, so one bad name cannot stop the rest)."""
    lines = [f"try:\n    __import__({m!r})\nexcept Exception:\n    pass" for m in modules]
    return "\n".join(lines)


def reset_code(cwd: Path, env: dict[str, str] | None = None) -> str:
    """Code that makes a used kernel look new to the next notebook, working in ``cwd`` (made
    absolute: the kernel's own working folder may have been moved or removed since) with the
    environment variables ``env`` set.

    >>> print(reset_code(Path("/tmp/x"), {"A": "1"}))
    get_ipython().reset(new_session=True, aggressive=False)
    __import__('matplotlib.pyplot').pyplot.close('all')
    __import__('matplotlib').rcdefaults()
    __import__('os').chdir('/tmp/x')
    __import__('os').environ.update({'A': '1'})
    <BLANKLINE>
    """
    return (
        "get_ipython().reset(new_session=True, aggressive=False)\n"
        "__import__('matplotlib.pyplot').pyplot.close('all')\n"
        "__import__('matplotlib').rcdefaults()\n"
        f"__import__('os').chdir({str(Path(cwd).absolute())!r})\n"
        f"__import__('os').environ.update({dict(env or {})!r})\n"
    )


async def _run_silently(km: AsyncKernelManager, code: str | None, timeout: float) -> None:
    """Wait until the kernel answers; then run ``code`` (if any) without output or history."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=timeout)
        if code is None:
            return
        reply = await kc.execute_interactive(code, silent=True, store_history=False, timeout=timeout)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


async def _start_warm(code: str) -> AsyncKernelManager:
    km = AsyncKernelManager(kernel_name=KERNEL_NAME)
    try:
        # one start at a time, held until the kernel answers (it has bound its ports by then), so
        # the next start cannot be handed the same free ports
        with _START_LOCK:
            await km.start_kernel(extra_arguments=KERNEL_ARGUMENTS)
            await _run_silently(km, None, START_TIMEOUT)
        await _run_silently(km, code, START_TIMEOUT)
    except BaseException:
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
        raise
    return km


_POOLS: weakref.WeakSet[KernelPool] = weakref.WeakSet()


def kill_all_kernels() -> None:
    """SIGKILL every kernel of every pool at once (an interrupted build, before it cleans up:
    no kernel may write into the folder being removed)."""
    for pool in list(_POOLS):
        pool.kill_now()


class KernelPool:
    """Up to ``size`` warm kernels, started in the background (see the module docstring)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._ready: queue.Queue[AsyncKernelManager | BaseException] = queue.Queue()
        self._live: set[AsyncKernelManager] = set()
        self._lock = threading.Lock()
        self._code = warm_up_code(notebook_imports())
        self._closed = False
        _POOLS.add(self)

    def start(self) -> KernelPool:
        """Begin starting ``size`` kernels; returns at once."""
        for _ in range(self.size):
            self._start_one()
        return self

    def _start_one(self) -> None:
        def start() -> None:
            for attempt in (1, 2):
                try:
                    km = asyncio.run(_start_warm(self._code))
                    break
                except Exception as exc:  # e.g. a port taken by another program meanwhile
                    if attempt == 1 and not self._closed:
                        log.warning("Execute: a kernel failed to start (%s); starting another", exc)
                        continue
                    self._ready.put(exc)  # handed to whoever waits for a kernel
                    return
            with self._lock:
                if self._closed:
                    asyncio.run(km.shutdown_kernel(now=True))
                    return
                self._live.add(km)
            self._ready.put(km)

        threading.Thread(target=start, name="kernel-start", daemon=True).start()

    def acquire(self, cwd: Path, env: dict[str, str] | None = None) -> AsyncKernelManager:
        """A warm kernel, reset, working in ``cwd`` with ``env`` set; waits for one to be free."""
        while True:
            item = self._ready.get(timeout=START_TIMEOUT * 2)
            if isinstance(item, BaseException):
                raise RuntimeError(f"a kernel could not be started: {item}") from item
            if not asyncio.run(item.is_alive()):
                self.discard(item)
                continue
            try:
                asyncio.run(_run_silently(item, reset_code(cwd, env), 60))
            except Exception as exc:  # noqa: BLE001 - a kernel that cannot be reset is replaced
                log.warning("Execute: a warm kernel could not be reset (%s); starting another", exc)
                self.discard(item)
                continue
            return item

    def release(self, km: AsyncKernelManager, reusable: bool) -> None:
        """Give a kernel back after a notebook: reused if the notebook ran, else replaced."""
        if reusable and not self._closed:
            self._ready.put(km)
        else:
            self.discard(km)

    def discard(self, km: AsyncKernelManager) -> None:
        """Shut a kernel down and start another in its place."""
        with self._lock:
            self._live.discard(km)
        try:
            asyncio.run(km.shutdown_kernel(now=True))
        except Exception as exc:  # noqa: BLE001 - it may be dead already
            log.debug("kernel shutdown: %s", exc)
        if not self._closed:
            self._start_one()

    def kill_now(self) -> None:
        """Kill every live kernel process without waiting (safe in a signal handler)."""
        self._closed = True
        for km in list(self._live):
            process = getattr(km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    def shutdown(self) -> None:
        """Stop every kernel (those still starting stop when they are ready)."""
        with self._lock:
            self._closed = True
            live, self._live = list(self._live), set()
        for km in live:
            try:
                asyncio.run(km.shutdown_kernel(now=True))
            except Exception as exc:  # noqa: BLE001
                log.debug("kernel shutdown: %s", exc)
