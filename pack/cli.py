"""Command line: ``python run_pack.py build | validate | verify | diff | demo-data``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pack.config import PLAN_BASELINE_END, PLAN_FORCE
from pack.errors import PackError

log = logging.getLogger("pack")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_pack.py", description="Build the Police and Crime Plan evidence pack.")
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("build", help="build the evidence pack (default command)")
    b.add_argument("--period", help="last month of the reporting period, YYYY-MM (default: latest month in the data)")
    b.add_argument("--window", default="12", help="months per window, 1-60, or 'fytd' (default 12)")
    b.add_argument(
        "--baseline", default=PLAN_BASELINE_END, help=f"last month of the baseline window (default {PLAN_BASELINE_END})"
    )
    b.add_argument("--data", default="data/demo", help="data folder (default: the bundled demo data)")
    b.add_argument("--out", help="output folder (default build/<period>)")
    b.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: cores)")
    b.add_argument("--police-force", default=PLAN_FORCE, help=f"force to report on (default '{PLAN_FORCE}')")
    b.add_argument("--public", action="store_true", help="suppress small counts for a public pack")
    b.add_argument("--suppress-below", type=int, default=5, help="suppression threshold with --public (default 5)")
    b.add_argument("--cell-timeout", type=int, default=600, help="seconds a notebook cell may run (default 600)")
    b.add_argument("--claims", type=Path, help="your own claims CSV (same columns as data/published/claims.csv)")
    b.add_argument("--force", action="store_true", help="rerun every notebook (ignore the cache)")
    v = sub.add_parser("validate", help="check the data folder against the data contract")
    v.add_argument("--data", default="data/demo")
    v.add_argument("--police-force", default=PLAN_FORCE)
    ver = sub.add_parser("verify", help="rebuild a pack from its manifest and compare hashes")
    ver.add_argument("pack_dir", type=Path)
    ver.add_argument("--data", default=None, help="data folder (default: the one in the manifest)")
    d = sub.add_parser("diff", help="compare two packs' indicators and inputs")
    d.add_argument("pack_a", type=Path)
    d.add_argument("pack_b", type=Path)
    demo = sub.add_parser("demo-data", help="write the demonstration data set")
    demo.add_argument("--out", type=Path, default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("--"):
        argv = ["build", *argv]
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for noisy in ("papermill", "traitlets", "nbconvert", "nbclient", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return _dispatch(args)
    except PackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: no pack written", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "build":
        from pack.build.run import build
        from pack.periods import parse_window

        if args.claims is not None and not args.claims.is_file():
            raise PackError(f"claims file {args.claims} does not exist")
        result = build(
            period_end=args.period,
            output_dir=args.out,
            jobs=args.jobs,
            cell_timeout=args.cell_timeout,
            force=args.force,
            claims_file=args.claims,
            data_dir=args.data,
            window=parse_window(args.window),
            baseline_end=args.baseline,
            police_force=args.police_force,
            public=args.public,
            suppress_below=args.suppress_below,
        )
        if not result.ok:
            failed = [n for n in result.notebooks if n.error]
            print(f"error: {len(failed)} notebook(s) failed; no evidence pack written:", file=sys.stderr)
            for n in failed:
                print(f"  {n.stem}: {n.error}", file=sys.stderr)
            print(
                f"  executed notebooks and errors: {result.output_dir.parent / (result.output_dir.name + '.failed')}",
                file=sys.stderr,
            )
            return 1
        print(f"Evidence pack: {result.output_dir / 'evidence-pack.html'}")
        return 0
    if args.command == "validate":
        from pack.data import prepare, resolve_data_dir, summarise_coverage

        data = resolve_data_dir(args.data)
        if data.resolve() == resolve_data_dir("data/demo").resolve():
            from pack.data import ensure_demo_data

            ensure_demo_data(data)
        try:
            prepared = prepare(data, args.police_force)
        except PackError as exc:
            print(f"INVALID: {exc}", file=sys.stderr)
            return 1
        q = prepared.quality
        print(f"Data folder {args.data} for {args.police_force}:")
        for line in summarise_coverage(q):
            print(f"  {line}")
        for name, info in q.inputs.items():
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
    if args.command == "verify":
        from pack.build import verify

        ok, lines = verify(args.pack_dir, args.data)
        print("verified" if ok else "NOT verified:")
        for line in lines:
            print(f"  {line}")
        return 0 if ok else 1
    if args.command == "diff":
        from pack.build import diff_packs

        lines = diff_packs(args.pack_a, args.pack_b)
        print("\n".join(lines) if lines else "no differences in inputs, parameters or indicators")
        return 0
    if args.command == "demo-data":
        from pack.config import DEMO_DATA_DIR
        from pack.data import write_demo_data

        out = write_demo_data(args.out or DEMO_DATA_DIR)
        print(f"Demonstration data written to {out}")
        return 0
    raise PackError(f"unknown command {args.command}")


def _print_lookup_facts(prepared) -> None:
    from pack.rural import force_lsoa_facts

    facts = force_lsoa_facts(prepared)
    if facts:
        print(
            f"  force area LSOAs in the rural-urban lookup: {facts['lsoas']:,} ({facts['rural_lsoas']:,} rural); "
            f"population {facts['population']:,.0f}"
        )
