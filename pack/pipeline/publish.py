"""Publishing a pack: a staging folder renamed into place only when complete; signals; failures kept.

A build writes into ``.<out>.partial-<process id>`` beside the output folder and renames it into
place only when the pack is complete; a previous pack is set aside as ``.<out>.old-<process id>``
for the instant of the swap. A build that was killed (``kill -9``, a power cut) leaves these
behind: the next build into the same place removes them, or puts a set-aside pack back, with a
log line.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pack.config import cache_root
from pack.pipeline.guard import FAILURE_MARKER, PACK_FORMAT, failure_folder, is_failure_folder, is_pack
from pack.pipeline.kernels import kill_all_kernels
from pack.pipeline.results import BuildResult
from pack.store import is_ours, process_alive, remove_stale

log = logging.getLogger(__name__)


def staging_path(out: Path) -> Path:
    """The folder a build into ``out`` writes before the swap."""
    return out.parent / f".{out.name}.partial-{os.getpid()}"


def old_pack_path(out: Path) -> Path:
    """Where a previous pack waits during the swap."""
    return out.parent / f".{out.name}.old-{os.getpid()}"


def recover_leftovers(out: Path) -> None:
    """Clean up after builds into ``out`` that were killed: put back a previous pack left aside
    mid-swap (when ``out`` is missing), remove unfinished staging folders. One log line each."""
    if not out.parent.is_dir():
        return
    name = re.escape(out.name)
    old_pattern = re.compile(rf"\.{name}\.old-(?P<pid>\d+)")
    for path in sorted(out.parent.iterdir()):
        match = old_pattern.fullmatch(path.name)
        if match and not process_alive(int(match.group("pid"))) and not out.exists() and is_pack(path):
            path.rename(out)
            log.info("Cleanup: put back the previous pack %s, left aside by a build that was stopped", out)
    # (a staging folder carries no marker yet: its name beside the output folder is the proof)
    remove_stale(out.parent, rf"\.{name}\.partial-(?P<pid>\d+)(\.interrupted)?", "the unfinished pack", proof=None)
    remove_stale(out.parent, rf"\.{name}\.old-(?P<pid>\d+)", "the old copy of a pack", proof=is_pack)


def remove_folder(path: Path) -> None:
    """Remove a folder: renamed first (atomic), so a thread still writing finds no folder to
    write into and never re-creates it (workers create folders only inside it)."""
    doomed = path.with_name(path.name + ".interrupted")
    try:
        path.rename(doomed)
    except OSError:
        doomed = path
    shutil.rmtree(doomed, ignore_errors=True)


@dataclass
class Interruptible:
    """What a build in progress must undo if it is stopped by a signal."""

    stage: str = "starting"
    out: Path | None = None
    remove: list[Path] = field(default_factory=list)  # removed at once (staging, verify's folders)


_ACTIVE: list[Interruptible] = []


def set_stage(stage: str) -> None:
    """Name what the build is doing, for the line printed if it is interrupted."""
    if _ACTIVE:
        _ACTIVE[-1].stage = stage


def set_output(out: Path) -> None:
    """Name the output folder once it is known (a previous pack there is put back if need be)."""
    if _ACTIVE:
        _ACTIVE[-1].out = out


def remove_on_interrupt(path: Path) -> None:
    """Remove ``path`` if the build is interrupted."""
    if _ACTIVE:
        _ACTIVE[-1].remove.append(path)


def _stop_worker_processes() -> None:
    """Kill the prepare stage's worker processes, and release the semaphores of their queues
    (else multiprocessing's resource tracker, which outlives us, warns of them after our line)."""
    children = multiprocessing.active_children()
    for child in children:
        child.kill()
    if not children:
        return
    from multiprocessing import resource_tracker, synchronize

    for obj in gc.get_objects():
        if isinstance(obj, synchronize.SemLock) and getattr(obj._semlock, "name", None):
            name = obj._semlock.name
            try:
                synchronize.sem_unlink(name)
                resource_tracker.unregister(name, "semaphore")
            except OSError:
                pass


def _remove_own_cache_folders() -> None:
    """The cache folders this process was writing (prepared data, a notebook's outputs)."""
    pid = os.getpid()
    for pattern in (f"prepared/reading.{pid}.*", f"notebooks/*.tmp-{pid}"):
        for path in cache_root().glob(pattern):
            if is_ours(path):  # only what the cache marked as its own
                shutil.rmtree(path, ignore_errors=True)


def _on_signal(signum: int, _frame: object) -> None:
    """Kill kernels and worker processes, remove what the build wrote, put back a previous pack
    if the swap was half done, print one line and exit at once (128 + signal)."""
    kill_all_kernels()  # no kernel may write into the folder being removed
    _stop_worker_processes()
    _remove_own_cache_folders()
    for state in reversed(_ACTIVE):
        for path in reversed(state.remove):
            remove_folder(path)
        if state.out is not None:
            old = old_pack_path(state.out)
            if old.exists() and not state.out.exists():
                old.rename(state.out)
    name = signal.Signals(signum).name
    outer = _ACTIVE[0] if _ACTIVE else Interruptible()
    if outer.out is not None:  # a build
        after = "the previous pack is untouched" if outer.out.exists() else "no previous pack"
        line = f"interrupted ({name}) while {_ACTIVE[-1].stage}: no pack written; {after}\n"
    else:  # validate, or verify (whose rebuild goes to a temporary folder, removed)
        line = f"interrupted ({name}) while {outer.stage}: stopped, nothing written\n"
    sys.stderr.write(line)
    sys.stderr.flush()
    os._exit(128 + signum)


@contextmanager
def interruptible(out: Path | None = None) -> Iterator[Interruptible]:
    """While the block runs, SIGTERM or SIGINT stop everything the build started (kernels, the
    prepare stage's worker processes), undo what it wrote and exit with one line (see
    :func:`_on_signal`); nested blocks (verify's rebuild) add to what is undone."""
    state = Interruptible(out=out)
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    first = not _ACTIVE
    _ACTIVE.append(state)
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)} if first else {}
    try:
        yield state
    finally:
        _ACTIVE.remove(state)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def keep_failure(staging: Path, out: Path, result: BuildResult) -> None:
    """Keep failed notebooks (with their errors) beside the output as ``<out>.failed``, never as
    a pack (it carries :data:`FAILURE_MARKER`, no manifest)."""
    from pack.pipeline.render import render_failure_page

    failed = failure_folder(out)
    render_failure_page(staging, result)
    marker = {"format": PACK_FORMAT + "-failure", "failed": [n.stem for n in result.failures]}
    (staging / FAILURE_MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    if failed.is_dir() and is_failure_folder(failed):  # checked before the build; never somebody's folder
        remove_folder(failed)
    staging.rename(failed)
    result.failed_dir = failed
    log.error("Build failed: no evidence pack written; executed notebooks and errors kept in %s", failed)


def swap_into_place(staging: Path, out: Path) -> None:
    """Rename the finished pack into ``out``; a previous pack there is removed only once the new
    one is in place (and put back if the rename fails). A failed build's folder beside it goes."""
    old = old_pack_path(out)
    if out.exists():
        out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        if old.exists() and not out.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
    failed = failure_folder(out)
    if failed.is_dir() and is_failure_folder(failed):
        shutil.rmtree(failed, ignore_errors=True)
