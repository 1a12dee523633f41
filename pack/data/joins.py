"""Do the outcome files' Crime IDs meet the street files' crimes? Checked month by month.

Two shares, each per month: of the outcome rows of a month, how many match a crime of the street
files by Crime ID; of the crimes of a month (those with a Crime ID), how many have an outcome row.
Neither is 100 % in good data: an outcome may be of a crime recorded before the first street month,
and a recent crime may have no outcome yet. So a month is judged only where the data let it be
high: an outcome month once the street files cover it and the month before; a crime month once the
outcome files cover it and the two months after. An outcome month under :data:`MIN_MATCH` (e.g.
Crime IDs changed in case, or outcome files of another force) is a data-quality error: the outcome
files are then *unusable*, their indicators not supplied (with this reason), never shown as 0 %.
A crime month under it is a warning only: crimes reach an outcome at the force's pace (a slow force,
or recent months, can be under half with every Crime ID right), and an ID mismatch already shows
in the outcome rows.
"""

from __future__ import annotations

from pathlib import Path

from pack.data.aggregates import duckdb_connection, parts_glob
from pack.data.context import PrepareContext
from pack.data.report import Check, MonthMatch, OutcomeJoin
from pack.periods import Month

MIN_MATCH = 0.5
SAMPLE_FROM_ROWS = 2_000_000  # above this many outcome rows, one Crime ID in SAMPLE is checked (keys are uniform)
SAMPLE = 16


def _outcome_rows(out: Path, sample: int) -> list[tuple[str, int, int]]:
    """``(month, outcome rows, rows matching a street crime)`` per outcome month."""
    street, outcomes = parts_glob(out / "street.parquet"), parts_glob(out / "outcomes.parquet")
    where = f"WHERE crime_key_hi % {sample} = 0" if sample > 1 else ""
    con = duckdb_connection(out)
    try:
        return con.execute(
            f"""WITH s AS (SELECT DISTINCT crime_key_hi, crime_key_lo FROM read_parquet('{street}')
                           {where} {"AND" if where else "WHERE"} crime_key_hi IS NOT NULL),
                     o AS (SELECT month, crime_key_hi, crime_key_lo FROM read_parquet('{outcomes}') {where})
                SELECT o.month, count(*), count(s.crime_key_hi)
                FROM o LEFT JOIN s USING (crime_key_hi, crime_key_lo) GROUP BY o.month ORDER BY o.month"""
        ).fetchall()
    finally:
        con.close()


def _crimes(out: Path) -> list[tuple[str, int, int]]:
    """``(month, crimes with a Crime ID, crimes with an outcome row)`` per street month."""
    con = duckdb_connection(out)
    try:
        return con.execute(
            f"""SELECT month, sum(n)::BIGINT, (sum(n) FILTER (WHERE outcome_type IS NOT NULL))::BIGINT
                FROM read_parquet('{out / "crime_outcomes.parquet"}') GROUP BY month ORDER BY month"""
        ).fetchall()
    finally:
        con.close()


def _rows_in(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet")) if folder.is_dir() else 0


def check_outcome_join(ctx: PrepareContext) -> OutcomeJoin | None:
    """The month-by-month match of outcomes to crimes; marks the outcomes input unusable (and adds an
    error-level check) when the match is implausibly low. ``None`` when no outcome file was read."""
    outcomes = ctx.reports["outcomes"]
    if not parts_glob(ctx.out / "outcomes.parquet"):
        return None
    if not parts_glob(ctx.out / "street.parquet"):
        outcomes.unusable = "no street files: outcomes cannot be matched to the crimes they are of"
        ctx.checks.append(Check("Outcomes matched to crimes by Crime ID", "error", outcomes.unusable, _RESOLUTION))
        return OutcomeJoin(unusable=outcomes.unusable)
    sample = SAMPLE if _rows_in(ctx.out / "outcomes.parquet") > SAMPLE_FROM_ROWS else 1
    street_months = set(ctx.reports["street"].months)
    outcome_months = set(outcomes.months)
    rows = tuple(
        MonthMatch(m, n, k, judged=m in street_months and str(Month.parse(m) - 1) in street_months)
        for m, n, k in _outcome_rows(ctx.out, sample)
    )
    crimes = tuple(
        MonthMatch(m, n, k or 0, judged=all(str(Month.parse(m) + i) in outcome_months for i in range(3)))
        for m, n, k in _crimes(ctx.out)
    )
    low = [
        f"outcome rows of {r.month} matching a crime: {r.share:.1%}" for r in rows if r.judged and r.share < MIN_MATCH
    ]
    slow = [f"crimes of {c.month} with an outcome: {c.share:.1%}" for c in crimes if c.judged and c.share < MIN_MATCH]
    total, matched = sum(r.rows for r in rows), sum(r.matched for r in rows)
    if not low and total and not matched:
        low = [f"none of the {total:,} outcome rows{' checked' if sample > 1 else ''} matches a crime"]
    unusable = None
    if low:
        unusable = (
            f"the outcome files' Crime IDs do not match the street files' crimes ({'; '.join(low[:4])}; "
            f"at least {MIN_MATCH:.0%} expected): Crime IDs changed (e.g. in case) or files of another force or period?"
        )
        outcomes.unusable = unusable
    if unusable:
        severity, resolution = "error", _RESOLUTION
    elif slow:
        severity = "warning"
        resolution = (
            f"outcome rows match their crimes; fewer than {MIN_MATCH:.0%} of the crimes of some months have an "
            f"outcome yet ({'; '.join(slow[:4])}): outcome shares of those months are low because outcomes are slow "
            "to arrive, not because records are missing"
        )
    else:
        severity = "ok"
        resolution = f"months judged where the data cover the months a match needs; all at least {MIN_MATCH:.0%}"
    ctx.checks.append(
        Check("Outcomes matched to crimes by Crime ID", severity, _describe(rows, crimes, sample), resolution)
    )
    return OutcomeJoin(outcome_rows=rows, crimes=crimes, sample=sample, unusable=unusable)


_RESOLUTION = "the outcome indicators are not supplied (outcomes unusable); the street figures are unaffected"


def _describe(rows: tuple[MonthMatch, ...], crimes: tuple[MonthMatch, ...], sample: int) -> str:
    def listed(matches: tuple[MonthMatch, ...]) -> str:
        judged = [f"{m.month} {m.share:.1%}" for m in matches if m.judged]
        return ", ".join(judged) if judged else "no month can be judged"

    how = f" (one Crime ID in {sample} checked)" if sample > 1 else ""
    return (
        f"outcome rows matching a crime{how}: {listed(rows)}; crimes with an outcome row: {listed(crimes)} "
        "(judged months only)"
    )
