"""Publishing a pack: a staging folder renamed into place only when complete; signals; failures kept."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pack.build.kernels import kill_all_kernels
from pack.build.results import BuildResult

log = logging.getLogger(__name__)


@contextmanager
def clean_exit_on_signal(staging: Path, out: Path) -> Iterator[None]:
    """While the build runs, SIGTERM or SIGINT kills the kernels, removes the staging folder, puts
    a previous pack back if the swap was half done, and exits at once (128 + signal): no partial
    pack is left and a previous pack in ``out`` is untouched."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = old_pack_path(out)

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


def old_pack_path(out: Path) -> Path:
    return out.parent / f".{out.name}.old-{os.getpid()}"


def keep_failure(staging: Path, out: Path, result: BuildResult) -> None:
    """Keep failed notebooks (with their errors) beside the output, never as a pack."""
    from pack.build.render import render_failure_page

    failed = out.parent / f"{out.name}.failed"
    shutil.rmtree(failed, ignore_errors=True)
    render_failure_page(staging, result)
    staging.rename(failed)
    log.error("Build failed: no evidence pack written; executed notebooks and errors kept in %s", failed)


def swap_into_place(staging: Path, out: Path) -> None:
    old = old_pack_path(out)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(out.parent / f"{out.name}.failed", ignore_errors=True)
