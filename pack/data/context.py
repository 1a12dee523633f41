"""What the prepare stage carries while it reads a data folder, and how tables are written."""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as arrow
import pyarrow.parquet as pq

from pack.data.parts import PartCache
from pack.data.report import Check, InputReport

log = logging.getLogger(__name__)


@dataclass
class PrepareContext:
    force: str
    out: Path
    reports: dict[str, InputReport]
    errors: list[str]
    checks: list[Check]
    pool: ProcessPoolExecutor | None = None
    hashed: dict[Path, tuple[str, str]] = field(default_factory=dict)  # path: (memo key, SHA-256) from reading
    digests: dict[Path, str] = field(default_factory=dict)  # SHA-256 of the files known before reading
    parts: PartCache = field(default_factory=lambda: PartCache(enabled=False))  # per-file results to reuse

    def start_workers(self, sizes: list[int]) -> None:
        """Worker processes (one per core, at most four) when the files to read total
        :data:`PARALLEL_FROM_BYTES` (``PACK_PARALLEL_FROM_MB`` overrides) or more; :meth:`stop_workers`
        ends them."""
        workers = min(os.cpu_count() or 1, 4)
        threshold = os.environ.get("PACK_PARALLEL_FROM_MB", "")
        least = int(threshold) << 20 if threshold.isdigit() else PARALLEL_FROM_BYTES
        if self.pool is None and workers > 1 and len(sizes) > 1 and sum(sizes) >= least:
            self.pool = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("spawn"), initializer=set_up_worker
            )

    def stop_workers(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def map_files(
        self, function: Callable, jobs: list[tuple], sizes: list[int], meanwhile: Callable[[], None] | None = None
    ) -> list:
        """``function(*job)`` for each job, results in job order: in worker processes when there is
        a pool, the largest files first (so no worker is left with a big one at the end).
        ``meanwhile`` (if given) runs in this process while the workers read (first, without them).

        Workers that cannot start (e.g. a script without ``if __name__ == "__main__":``, which
        spawned processes re-import) are not an error: the files are then read here."""
        ran = False
        if self.pool is not None and len(jobs) > 1:
            try:
                futures: dict[int, Future] = {}
                with ctrl_c_held():  # the workers start here: with Ctrl-C held, until they ignore it
                    for i in sorted(range(len(jobs)), key=lambda i: -sizes[i]):
                        futures[i] = self.pool.submit(function, *jobs[i])
                if meanwhile is not None:
                    ran = True
                    meanwhile()
                return [futures[i].result() for i in range(len(jobs))]
            except BrokenProcessPool as exc:
                log.warning("Prepare: worker processes could not run (%s); reading in this process", exc)
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
        if meanwhile is None or ran:
            return [function(*job) for job in jobs]
        with ThreadPoolExecutor(1) as background:  # both at once: ``meanwhile`` mostly waits on I/O and C code
            pending = background.submit(meanwhile)
            results = [function(*job) for job in jobs]
            pending.result()
        return results


def map_threads(function: Callable, jobs: list[tuple], sizes: list[int]) -> list:
    """``function(*job)`` for each job in threads of this process (one per core, at most four), the
    largest files first; results in job order. For work that releases the GIL (hashing, Arrow)."""
    if len(jobs) < 2:
        return [function(*job) for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -sizes[i])
    threads = ThreadPoolExecutor(min(os.cpu_count() or 1, 4))
    try:
        done = dict(zip(order, threads.map(lambda i: function(*jobs[i]), order), strict=True))
    finally:  # (stopped by a signal: the files not yet begun are not read)
        threads.shutdown(cancel_futures=True)
        give_back_memory()
    return [done[i] for i in range(len(jobs))]


def give_back_memory() -> None:
    """Memory the threads freed handed back to the system (Arrow's pool, and glibc's per-thread
    arenas, which otherwise keep what was freed in them), so what follows (the aggregates) starts lower."""
    arrow.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # (not glibc: nothing to do)


# Data.police.uk files to read at least this large in total are read by worker processes (one per
# core); below it, starting the workers (about 1 s: each imports pandas, pandera and Arrow) costs
# more than it saves. One month of every force's street files (41 files, 75 MB, the rest reused
# from the per-file cache) prepared in 1.0-1.2 s in this process and 1.6-1.8 s with two workers.
PARALLEL_FROM_BYTES = 128 << 20


@contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Hold SIGINT in this thread while the block runs (a Ctrl-C meanwhile arrives after it). The
    processes it starts inherit the held signal, so one that is still starting cannot be stopped
    by Ctrl-C halfway (with a traceback) before :func:`set_up_worker` makes it ignore Ctrl-C."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def set_up_worker() -> None:
    """The worker processes are the parallelism: Arrow's own threads in each would only contend.
    Ctrl-C (sent to the whole process group) is left to the parent, which kills the workers, so
    no worker prints a traceback. Freed memory is kept for the next file rather than handed back
    to the system and faulted in again page by page (glibc's allocator; elsewhere this is skipped)."""
    arrow.set_cpu_count(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent stops us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held while we started (see ctrl_c_held)
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # mallopt parameters, from glibc's malloc.h
        libc.mallopt(m_mmap_threshold, 256 << 20)
        libc.mallopt(m_trim_threshold, 512 << 20)
    except (OSError, AttributeError):
        pass


def save_table(ctx: PrepareContext, name: str, frame: pd.DataFrame | None) -> None:
    if frame is None:
        return
    pq.write_table(
        arrow.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False),
        ctx.out / f"{name}.parquet",
        compression="zstd",
    )
