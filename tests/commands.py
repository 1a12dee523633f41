"""``run_pack.py`` run in the test's own process: what it prints and its exit code.

The script is ``sys.exit(main())``; calling :func:`pack.cli.main` here checks the same messages and
exit codes without starting a Python process that imports the pack afresh (seconds each on the
two-core machine). Tests that need a process of their own (signals, dropped privileges, a build's
workers) start one; one test still runs the script itself (``test_the_base_folder_is_valid``).
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    """What a command printed and its exit code, as ``subprocess.run`` would give them."""

    returncode: int
    stdout: str
    stderr: str


def run_pack(*args: str) -> Ran:
    """``run_pack.py ARGS`` in this process; argparse's refusals end with its exit code, as the script's."""
    from pack.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Ran(code, out.getvalue(), err.getvalue())
