"""Another force's street file in a national archive: counted for the national comparison, not kept.

The plan force's notebooks use none of another force's records; the national comparison needs only
their number by ``Falls within``, ``Month`` and ``Crime type``. So a street file whose name is of
another force is counted from those three columns alone (Arrow's CSV reader), with every line of the
file still accounted for (:func:`pack.data.readers.count_lines`, which also hashes every byte once).

The short way is taken only when it gives exactly what the full reading would count: every row of
the file's own month, a crime type from data.police.uk's list as written, a ``Falls within`` that
is not the plan force, no record running over a line break or mended for a stray quote, and as many
records as the file has record lines. Anything else (a cp1252 file, a variant crime type, a stray
quote, a row of the plan force) is read the full way, row by row, with the rules of the data
contract. The other columns of a file counted the short way are not checked: they are not used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as arrow
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from pack.data.readers import FileReport, count_lines
from pack.data.schemas import POLICE_UK_CRIME_TYPES

COUNTED = ["Falls within", "Month", "Crime type"]


@dataclass
class Counted:
    """What the short way found: the file's account and its records by force, month and crime type."""

    report: FileReport
    by_force: Counter[str]
    force_counts: Counter[tuple[str, str, str]]


def _three_columns(path: Path) -> arrow.Table | None:
    """The three counted columns as text, or ``None`` when Arrow cannot read them as written."""
    try:
        return arrow_csv.read_csv(
            path,
            read_options=arrow_csv.ReadOptions(use_threads=False, block_size=16 << 20),
            convert_options=arrow_csv.ConvertOptions(
                include_columns=COUNTED,
                column_types=dict.fromkeys(COUNTED, arrow.string()),
                strings_can_be_null=False,
            ),
        )
    except (arrow.ArrowInvalid, KeyError, OSError, UnicodeDecodeError):
        return None


def _plainly_counted(table: arrow.Table, month: str, force: str) -> bool:
    """Every row of ``month``, a listed crime type, and a force other than ``force``."""
    if table.num_rows == 0:
        return False
    months = table.column("Month")
    types = table.column("Crime type")
    falls = table.column("Falls within")
    return bool(
        pc.all(pc.equal(months, month)).as_py()
        and pc.all(pc.is_in(types, value_set=arrow.array(POLICE_UK_CRIME_TYPES))).as_py()
        and pc.all(pc.and_(pc.not_equal(falls, force), pc.not_equal(falls, ""))).as_py()
    )


def count_other_force_street(
    path: Path,
    relative: str,
    month: str,
    force: str,
    on_bytes: Callable[[memoryview], None] | None,
) -> tuple[Counted | None, bool]:
    """``(counted, hashed)``: the file counted the short way (``None`` when it must be read the full
    way), and whether every byte was given to ``on_bytes`` (then the full reading must not give them
    again)."""
    table = _three_columns(path)
    if table is None or not _plainly_counted(table, month, force):
        return None, False
    report, mended = count_lines(path, relative, on_bytes)
    if mended or report.continuation_lines or report.rows_read != table.num_rows:
        return None, True
    report.rows_other_forces = report.rows_read
    report.finish_notes()
    grouped = table.group_by(COUNTED).aggregate([([], "count_all")])
    force_counts: Counter[tuple[str, str, str]] = Counter()
    by_force: Counter[str] = Counter()
    for falls, m, crime_type, n in zip(*(grouped.column(c).to_pylist() for c in [*COUNTED, "count_all"]), strict=True):
        force_counts[(falls, m, crime_type)] += n
        by_force[falls] += n
    return Counted(report, by_force, force_counts), True
