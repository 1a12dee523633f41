"""Command line: ``python run_pack.py build | validate | verify | diff | demo-data | lab | measures``.

Every error a user can cause ends in one line (``error: ...``) and a non-zero exit code: 1 when
a build's notebooks failed or a pack is not verified, 2 for bad options, data or folders, 130 or
143 when interrupted. Anything unexpected (a fault of the pack's own, whatever the input) is one
line too, naming what failed and the file its details (the traceback) were written to, and exit 1:
no traceback reaches the terminal.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from pack.errors import PackError

log = logging.getLogger("pack")

COMMANDS = ("build", "validate", "verify", "diff", "demo-data", "lab", "measures", "new-plan")
PLAN_HELP = "the plan file the pack reports on (default: plans/derbyshire-2021-25.toml)"
FORCE_HELP = "force to report on, as data.police.uk names it (default: the plan's force)"


def _positive_int(text: str) -> int:
    """An argparse type: a whole number, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run_pack.py",
        description="Build, check and audit the Police and Crime Plan evidence pack. "
        "With no command (or only options), 'build' is run.",
        epilog="Run 'run_pack.py COMMAND --help' for the options of a command.",
    )
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    _build_parser(sub)
    v = sub.add_parser("validate", help="check the data folder against the data contract (no pack is built)")
    v.add_argument("--data", default="data/demo", help="data folder to check (default: the bundled demo data)")
    v.add_argument("--police-force", default=None, help=FORCE_HELP)
    v.add_argument("--plan", default=None, help=PLAN_HELP)
    ver = sub.add_parser(
        "verify", help="check a pack against its manifest, rebuild it from the same inputs and compare every output"
    )
    ver.add_argument("pack_dir", type=Path, help="the pack's folder (the one holding manifest.json)")
    ver.add_argument(
        "--data", default=None, help="your copy of the pack's input files (default: the data folder the manifest names)"
    )
    d = sub.add_parser("diff", help="compare two packs: inputs, parameters and indicator values")
    d.add_argument("pack_a", type=Path, help="the first (older) pack's folder")
    d.add_argument("pack_b", type=Path, help="the second (newer) pack's folder")
    demo = sub.add_parser("demo-data", help="write the demonstration data set")
    demo.add_argument("--out", type=Path, default=None, help="folder to write (default data/demo)")
    lab = sub.add_parser(
        "lab",
        help="open JupyterLab on the notebooks and read-only copies of a pack's executed notebooks",
        description="Options after -- are passed to jupyter lab, e.g. run_pack.py lab -- --no-browser --port 8899",
    )
    lab.add_argument("pack_dir", type=Path, nargs="?", help="the pack (default: the latest one under build/)")
    lab.add_argument(
        "--root",
        type=Path,
        default=None,
        help="folder JupyterLab opens (default: the project folder)",
    )
    sub.add_parser(
        "measures", help="list the catalogue of measures a plan file may name (id, name, unit, direction, source)"
    )
    _new_plan_parser(sub)
    return parser


def _build_parser(sub: argparse._SubParsersAction) -> None:
    """The ``build`` command's options."""
    b = sub.add_parser("build", help="build the evidence pack (the default command)")
    b.add_argument("--period", help="last month of the reporting period, YYYY-MM (default: latest month in the data)")
    b.add_argument("--window", default="12", help="months per window, 1-60, or 'fytd' (default 12)")
    b.add_argument(
        "--baseline",
        default=None,
        help="last month of the baseline window (default: the plan's baseline; for a window shorter than 12 "
        "months, or a plan that sets no baseline, the same months a year earlier)",
    )
    b.add_argument("--plan", default=None, help=PLAN_HELP)
    b.add_argument("--data", default="data/demo", help="data folder (default: the bundled demo data, data/demo)")
    b.add_argument(
        "--out", help="output folder: new, empty or a previous pack (default build/<period>); never the data folder"
    )
    b.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="notebooks run at once, 1 or more (default: one per core; at most 7, the notebooks that can run at once)",
    )
    b.add_argument("--police-force", default=None, help=FORCE_HELP)
    b.add_argument("--public", action="store_true", help="suppress small counts for a public pack")
    b.add_argument("--suppress-below", type=int, default=5, help="suppression threshold with --public (default 5)")
    b.add_argument(
        "--cell-timeout",
        type=_positive_int,
        default=600,
        help="seconds a notebook cell may run before the notebook fails, 1 or more (default 600)",
    )
    b.add_argument("--claims", type=Path, help="your own claims CSV (same columns as data/published/claims.csv)")
    b.add_argument("--force", action="store_true", help="rerun every notebook (ignore the cache)")


def _new_plan_parser(sub: argparse._SubParsersAction) -> None:
    new = sub.add_parser(
        "new-plan",
        help="write a plan's notebooks (one per priority, the summary, the claims check) from its plan file",
        description="Writes the notebooks into the plan's notebooks folder; a notebook that exists with other "
        "content (your edits) is never overwritten unless --update is given.",
    )
    new.add_argument("plan_file", type=Path, help="the plan file, e.g. plans/derbyshire-2021-25.toml")
    new.add_argument("--update", action="store_true", help="rewrite notebooks that exist with other content")


def _new_plan(args: argparse.Namespace) -> int:
    from pack.notebook_templates.files import write_plan_notebooks
    from pack.plan import load_plan

    done = write_plan_notebooks(load_plan(args.plan_file), update=args.update)
    for what in ("written", "unchanged"):
        for path in done[what]:
            print(f"{what}: {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]
    passed_on: list[str] = []
    if argv[0] == "lab" and "--" in argv:  # the rest is for jupyter lab
        argv, passed_on = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    args = _parser().parse_args(argv)
    args.lab_args = passed_on
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    for noisy in ("papermill", "traitlets", "nbconvert", "nbclient", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return _dispatch(args)
    except PackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full or read-only disk outside a build (validate's cache, verify's folder)
        from pack.pipeline.guard import write_error

        error = write_error(exc, Path.cwd())
        if error is None:
            return unexpected(exc, args.command)
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: no pack written", file=sys.stderr)
        return 130
    except Exception as exc:  # the one place every other failure ends: one line, its details in a file
        return unexpected(exc, args.command)
    finally:
        log.removeHandler(handler)
        log.propagate = True


def unexpected(exc: BaseException, command: str | None) -> int:
    """Report an unexpected failure in one line (what failed, where its details were written) and
    return exit code 1. The traceback goes to a new file under the temporary folder
    (``pcc-pack-errors/``), never to the terminal; if even that cannot be written, the line says so."""
    what = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc).strip() else '(no message)'}"
    details = "".join(traceback.format_exception(exc))
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    try:
        folder = Path(tempfile.gettempdir()) / "pcc-pack-errors"
        folder.mkdir(exist_ok=True)
        path = folder / f"{command or 'run'}-{stamp}-{os.getpid()}.txt"
        path.write_text(f"run_pack.py {command or ''}: unexpected failure\n\n{details}", encoding="utf-8")
        where = f"details written to {path}"
    except OSError as err:
        where = f"its details could not be written ({err.strerror or err})"
    print(f"error: '{command or 'run_pack.py'}' failed unexpectedly ({what[:300]}); {where}", file=sys.stderr)
    return 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "build":
        return _build(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "verify":
        from pack.pipeline import verify

        ok, lines = verify(args.pack_dir, args.data)
        print("verified" if ok else "NOT verified:")
        for line in lines:
            print(f"  {line}")
        return 0 if ok else 1
    if args.command == "diff":
        from pack.pipeline import diff_packs

        lines = diff_packs(args.pack_a, args.pack_b)
        print("\n".join(lines) if lines else "no differences in inputs, parameters or indicators")
        return 0
    if args.command == "demo-data":
        from pack.config import DEMO_DATA_DIR
        from pack.data import write_demo_data

        out = write_demo_data(args.out or DEMO_DATA_DIR)
        print(f"Demonstration data written to {out}")
        return 0
    if args.command == "new-plan":
        return _new_plan(args)
    if args.command == "lab":
        from pack.pipeline.lab import open_lab

        return open_lab(args.pack_dir, args.lab_args, args.root)
    if args.command == "measures":
        from pack.catalogue import catalogue_lines

        print("\n".join(catalogue_lines()))
        return 0
    raise PackError(f"unknown command {args.command}")


def _build(args: argparse.Namespace) -> int:
    from pack.data import resolve_data_dir
    from pack.periods import parse_window
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build
    from pack.plan import load_plan
    from pack.store import check_cache_location

    load_plan(args.plan)  # a plan that is not valid: one line, before anything else
    check_cache_location(resolve_data_dir(args.data))  # before anything is written

    request = BuildRequest(
        data_dir=args.data,
        period_end=args.period,
        window=parse_window(args.window),
        baseline_end=args.baseline,
        police_force=args.police_force,
        public=args.public,
        suppress_below=args.suppress_below,
        output_dir=args.out,
        jobs=args.jobs,
        cell_timeout=args.cell_timeout,
        force=args.force,
        claims_file=args.claims,
        plan_file=args.plan,
    )
    result = build(request)
    if not result.ok:
        failed = [n for n in result.failures if n.failure.kind != "not run"]
        print(f"error: {len(failed)} notebook(s) failed; no evidence pack written:", file=sys.stderr)
        for n in result.failures:
            print(f"  {n.stem}: {n.error}", file=sys.stderr)
        if result.failed_dir is not None and result.failed_dir.is_dir():
            print(f"  executed notebooks and errors: {result.failed_dir}", file=sys.stderr)
        return 1
    print(f"Evidence pack: {result.output_dir / 'evidence-pack.html'}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from pack.data import describe_accounts, ensure_demo_data, prepare, resolve_data_dir, summarise_coverage
    from pack.pipeline.publish import interruptible
    from pack.plan import load_plan
    from pack.store import check_cache_location

    force = args.police_force or load_plan(args.plan).force
    data = resolve_data_dir(args.data)
    check_cache_location(data)  # refused in one line (exit 2), not reported as invalid data
    if data.resolve() == resolve_data_dir("data/demo").resolve():
        ensure_demo_data(data)
    try:
        with interruptible() as state:
            state.stage = "validating the data"
            prepared = prepare(data, force)
    except PackError as exc:
        print(f"INVALID: {exc}", file=sys.stderr)
        return 1
    q = prepared.quality
    print(f"Data folder {args.data} for {force}:")
    for line in summarise_coverage(q):
        print(f"  {line}")
    for name, info in q.inputs.items():
        for line in describe_accounts(info):
            print(f"  lines of {line}")
        for note in info.notes:
            print(f"  note on {name}: {note}")
        for reason, n in info.rejection_reasons.items():
            print(f"  rejected from {name}: {n:,} row(s): {reason}")
        for r in info.rejections[:5]:
            row = f", row {r.row}" if r.row else ""
            print(f"    e.g. file {r.file}{row}, column '{r.column}': {r.value!r} {r.reason}")
    for check in q.checks:
        print(f"  check: {check.check}: {check.detail}")
    _print_lookup_facts(prepared)
    if q.unrecognised:
        print(f"  not recognised: {', '.join(q.unrecognised)}")
    print("valid")
    return 0


def _print_lookup_facts(prepared) -> None:
    from pack.rural import force_lsoa_facts

    facts = force_lsoa_facts(prepared)
    if facts:
        print(
            f"  force area LSOAs in the rural-urban lookup: {facts['lsoas']:,} ({facts['rural_lsoas']:,} rural); "
            f"population {facts['population']:,.0f}"
        )
