"""Write the demo data at N times its volume, in data.police.uk format: a large force over years.

    python benchmarks/make_scaled_data.py --factor 10 --out build/scaled-10
    python benchmarks/make_scaled_data.py --factor 100 --out build/scaled-100

Every monthly street, outcomes and stop-and-search file is written with its rows repeated
``factor`` times (at most 4,096); in each copy every Crime ID has its first three hexadecimal
digits XOR-ed with the copy's number, so the copies are distinct crimes, their outcomes still
join, and every ID stays 64 lower-case hexadecimal characters like data.police.uk's. A search
(no ID) gets the copy's number as fractional seconds of its time, so the copies are distinct
searches too (a file whose rows repeat in order is a block pasted twice, which the pack does not count).
The other inputs (STATS19, lookups, force tables) are copied unchanged.
Every street-data count in a pack built from it is therefore exactly ``factor`` times the demo
pack's - a check that the scaled build is right as well as fast.

Standard library only; files are streamed copy by copy, so memory stays small.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTHLY = re.compile(r"-(street|outcomes|stop-and-search)\.csv$")
CRIME_ID = re.compile(rb"^([0-9a-f]{3})([0-9a-f]*),", re.MULTILINE)  # an empty Crime ID (ASB) stays empty
SEARCH_TIME = re.compile(rb"^([^,\n]*,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})", re.MULTILINE)
MAX_FACTOR = 1 << 12


def _renumbered(match: re.Match, copy: int) -> bytes:
    head = int(match.group(1), 16) ^ copy
    return f"{head:03x}".encode() + match.group(2) + b","


def scale_file(source: Path, target: Path, factor: int) -> int:
    """Write ``source``'s rows ``factor`` times under one header; return the rows written."""
    data = source.read_bytes()
    header, _, body = data.partition(b"\n")
    if body and not body.endswith(b"\n"):
        body += b"\n"
    rows = body.count(b"\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        out.write(header + b"\n")
        search = source.name.endswith("-stop-and-search.csv")
        for copy in range(factor):
            if not copy:
                out.write(body)
            elif search:
                out.write(SEARCH_TIME.sub(lambda m, c=copy: m.group(1) + b".%04d" % c, body))
            else:
                out.write(CRIME_ID.sub(lambda m, c=copy: _renumbered(m, c), body))
    return rows * factor


FORMAT = 3  # 2: copies' Crime IDs stay 64 hexadecimal characters; 3: copies' searches distinct


def marker_text(factor: int) -> str:
    """The content of ``SCALED_DATA.txt``: what was written, so a stale folder is noticed."""
    return f"demo data at {factor}x volume, scaled-data format {FORMAT}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, required=True, help="volume multiplier, e.g. 10 or 100")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    parser.add_argument("--demo", type=Path, default=ROOT / "data" / "demo", help="the demo data (default data/demo)")
    args = parser.parse_args()
    if not 1 <= args.factor <= MAX_FACTOR:
        sys.exit(f"--factor must be from 1 to {MAX_FACTOR}")
    if not (args.demo / "DEMONSTRATION_DATA.txt").is_file():
        sys.exit(f"{args.demo} holds no demo data: run `python run_pack.py demo-data` first")
    started = time.perf_counter()
    shutil.rmtree(args.out, ignore_errors=True)
    totals: dict[str, int] = {}
    for source in sorted(p for p in args.demo.rglob("*") if p.is_file()):
        target = args.out / source.relative_to(args.demo)
        kind = MONTHLY.search(source.name)
        if kind:
            totals[kind.group(1)] = totals.get(kind.group(1), 0) + scale_file(source, target, args.factor)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (args.out / "SCALED_DATA.txt").write_text(marker_text(args.factor), encoding="utf-8")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    listed = ", ".join(f"{name} {rows:,}" for name, rows in sorted(totals.items()))
    print(
        f"{args.factor}x demo volume in {args.out}: {listed} rows; {size / 1e9:.2f} GB; "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
