"""Aggregates that notebooks read (so no notebook scans the row-level tables), and cross-checks."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from pack.data.context import PrepareContext
from pack.data.outcome_order import CODE_RANK_SHIFT, ORDER_MONTH_SHIFT, ORDER_RANK_SHIFT
from pack.data.report import Check

log = logging.getLogger(__name__)


def parts_glob(folder: Path) -> str:
    """DuckDB glob of a table written as part files; empty when there are none."""
    return f"{folder}/*.parquet" if folder.is_dir() and any(folder.glob("*.parquet")) else ""


# A data.police.uk part's number, ``part-NNNNN.parquet``: its file's rank by path among the input's files
_PART_RANK = r"CAST(regexp_extract(filename, 'part-([0-9]+)\.parquet$', 1) AS BIGINT)"


def write_aggregates(out: Path) -> None:
    con = duckdb_connection(out)
    try:
        street = parts_glob(out / "street.parquet")
        if street:
            con.execute(
                f"""COPY (SELECT month, lsoa_code, lsoa_name, district, crime_type, count(*) AS n
                    FROM read_parquet('{street}') GROUP BY ALL ORDER BY ALL)
                    TO '{out / "street_monthly.parquet"}' (FORMAT parquet)"""
            )
            con.execute(
                f"""COPY (SELECT month, crime_type, district, round(longitude, 2) AS lon, round(latitude, 2) AS lat,
                    count(*) AS n FROM read_parquet('{street}') WHERE longitude IS NOT NULL
                    GROUP BY ALL ORDER BY ALL) TO '{out / "street_grid.parquet"}' (FORMAT parquet)"""
            )
            outcomes = parts_glob(out / "outcomes.parquet")
            # each crime's latest outcome: the highest order (month, file, row) wins. A part holds
            # neither its file's rank (by path) among the files nor codes unique across files, so
            # that it can be reused whatever files are beside it: the rank is the part's number
            latest = (
                f"""SELECT crime_key_hi, crime_key_lo,
                        arg_max((rank << {CODE_RANK_SHIFT}) | outcome_code,
                                (rank << {ORDER_RANK_SHIFT}) | outcome_order) AS outcome_code
                    FROM (SELECT crime_key_hi, crime_key_lo, outcome_code, outcome_order, {_PART_RANK} AS rank
                          FROM read_parquet('{outcomes}', filename = true)) GROUP BY ALL"""
                if outcomes
                else "SELECT NULL::UBIGINT AS crime_key_hi, NULL::UBIGINT AS crime_key_lo, "
                "NULL::BIGINT AS outcome_code WHERE false"
            )
            codes = (
                f"read_parquet('{out / 'outcome_codes.parquet'}')"
                if (out / "outcome_codes.parquet").is_file()
                else "(SELECT NULL::BIGINT AS outcome_code, NULL::VARCHAR AS outcome_type WHERE false)"
            )
            con.execute(
                f"""COPY (SELECT month, crime_type, district, c.outcome_type, last_outcome, sum(n)::BIGINT AS n
                    FROM (SELECT s.month, s.crime_type, s.district, o.outcome_code, s.last_outcome, count(*) AS n
                          FROM read_parquet('{street}') s LEFT JOIN ({latest}) o USING (crime_key_hi, crime_key_lo)
                          WHERE s.crime_key_hi IS NOT NULL GROUP BY ALL) LEFT JOIN {codes} c USING (outcome_code)
                    GROUP BY ALL ORDER BY ALL) TO '{out / "crime_outcomes.parquet"}' (FORMAT parquet)"""
            )
            if outcomes:
                write_outcome_lags(con, street, outcomes, codes, out / "crime_outcome_lags.parquet")
    finally:
        con.close()
        shutil.rmtree(out / ".duckdb-spill", ignore_errors=True)


def write_outcome_lags(con: duckdb.DuckDBPyConnection, street: str, outcomes: str, codes: str, target: Path) -> None:
    """Write how the latest outcome of the crimes changed with time since the crime month.

    ``month, crime_type, district, outcome_type, lag, n``: at ``lag`` months after its crime month
    (the month of the outcome record; 0 for the crime month itself, and for a record dated earlier)
    ``n`` crimes took ``outcome_type`` as their latest outcome (negative: left it for a later one).
    Summing ``n`` over ``lag <= N`` gives the crimes of each month by their latest outcome as it stood
    at the end of the N-th month after the crime month (a crime with no record by then is in no
    row): the follow-up that outcome shares are compared at (:mod:`pack.victims`). Within an outcome
    month the latest record (by file and row) stands, as for the crime's latest outcome overall.
    """
    month_index = "(CAST(substr(s.month, 1, 4) AS BIGINT) * 12 + CAST(substr(s.month, 6, 2) AS BIGINT) - 1)"
    con.execute(
        f"""COPY (
            WITH monthly AS (
                SELECT crime_key_hi, crime_key_lo, outcome_order >> {ORDER_MONTH_SHIFT} AS outcome_month,
                       arg_max((rank << {CODE_RANK_SHIFT}) | outcome_code,
                               (rank << {ORDER_RANK_SHIFT}) | outcome_order) AS outcome_code
                FROM (SELECT crime_key_hi, crime_key_lo, outcome_code, outcome_order, {_PART_RANK} AS rank
                      FROM read_parquet('{outcomes}', filename = true)) GROUP BY ALL),
            typed AS (
                SELECT m.*, c.outcome_type,
                       lag(c.outcome_type) OVER (PARTITION BY crime_key_hi, crime_key_lo ORDER BY outcome_month)
                           AS previous, row_number() OVER (PARTITION BY crime_key_hi, crime_key_lo
                                                           ORDER BY outcome_month) AS k
                FROM monthly m LEFT JOIN {codes} c USING (outcome_code)),
            changes AS (
                SELECT s.month, s.crime_type, s.district, t.outcome_type, t.previous, t.k,
                       greatest(0, t.outcome_month - {month_index}) AS lag
                FROM read_parquet('{street}') s JOIN typed t USING (crime_key_hi, crime_key_lo)
                WHERE s.crime_key_hi IS NOT NULL AND (t.k = 1 OR t.previous IS DISTINCT FROM t.outcome_type))
            SELECT month, crime_type, district, outcome_type, lag, sum(n)::BIGINT AS n FROM (
                SELECT month, crime_type, district, outcome_type, lag, 1 AS n FROM changes
                UNION ALL
                SELECT month, crime_type, district, previous, lag, -1 FROM changes WHERE k > 1)
            GROUP BY ALL HAVING sum(n) <> 0 ORDER BY ALL
        ) TO '{target}' (FORMAT parquet)"""
    )


# --------------------------------------------------------------------------------------------
# The stage


def duckdb_connection(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for the aggregates: bounded memory (spilling into ``folder`` beyond
    it, never the working folder), no progress bar on the terminal."""
    con = duckdb.connect(config={"memory_limit": "1500MB", "temp_directory": str(folder / ".duckdb-spill")})
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:  # in a Jupyter kernel without ipywidgets DuckDB refuses the setting (and shows no bar)
        pass
    return con


def check_lsoas(ctx: PrepareContext) -> None:
    """Count street records whose LSOA code is not in the rural-urban lookup."""
    ruc_path, street = ctx.out / "rural_urban.parquet", parts_glob(ctx.out / "street.parquet")
    if not ruc_path.exists() or not street:  # no street parts: read_parquet('') would read the working folder
        return
    con = duckdb_connection(ctx.out)
    try:
        row = con.execute(
            f"""SELECT count(*) FILTER (WHERE s.lsoa_code = ''),
                       count(*) FILTER (WHERE s.lsoa_code <> '' AND r.lsoa_code IS NULL),
                       count(DISTINCT s.lsoa_code) FILTER (WHERE s.lsoa_code <> '' AND r.lsoa_code IS NULL),
                       count(*)
                FROM read_parquet('{street}') s
                LEFT JOIN read_parquet('{ruc_path}') r USING (lsoa_code)"""
        ).fetchone()
    finally:
        con.close()
    no_lsoa, unmatched, unmatched_codes, total = (int(v) for v in row)
    ctx.checks.append(
        Check(
            check="Street records matched to the rural-urban lookup",
            inputs=("rural_urban",),
            severity="warning" if unmatched else "ok",
            detail=f"{total - no_lsoa - unmatched:,} of {total:,} records matched; {no_lsoa:,} have no "
            f"LSOA; {unmatched:,} records in {unmatched_codes:,} LSOA code(s) not in the lookup "
            "(e.g. 2021 codes against a 2011 lookup)",
            resolution="unmatched and unlocated records are counted, and left out of the rural/urban split only",
        )
    )


def check_finance(ctx: PrepareContext) -> None:
    """Compare revenue table totals with funding (net expenditure) per year."""
    path = ctx.out / "finance.parquet"
    if not path.exists():
        return
    finance = pd.read_parquet(path)
    for year, group in finance.groupby("year", sort=True):
        revenue = group.loc[group["table"] == "revenue", "value_gbp_m"].sum()
        net = group.loc[
            (group["table"] == "funding") & group["line"].str.lower().str.startswith("net expenditure"),
            "value_gbp_m",
        ]
        if revenue and len(net):
            diff = revenue - float(net.iloc[0])
            if abs(diff) > 0.0005:
                ctx.checks.append(
                    Check(
                        check=f"Revenue budget lines against net expenditure, {year}",
                        inputs=("finance",),
                        severity="note",
                        detail=f"the revenue lines sum to £{revenue:,.3f}m but net expenditure is "
                        f"£{float(net.iloc[0]):,.3f}m: a difference of £{diff:,.3f}m",
                        resolution="the revenue table is gross spending; net expenditure is after "
                        "income (e.g. specific grants, fees and charges). Both are shown.",
                    )
                )


def check_accounts(ctx: PrepareContext) -> None:
    """Every line of every file read is accounted for (header, blank, continuing a record, kept,
    rejected, other forces, repeated); a file that does not balance is an error naming it."""
    for report in ctx.reports.values():
        for account in report.accounts:
            if not account.balanced:
                ctx.errors.append(
                    f"file {account.file}: its lines do not add up: {account.describe()} "
                    "(a fault of the pack's reader: please report it with the file)"
                )


def check_domains(ctx: PrepareContext) -> None:
    """Values outside data.police.uk's vocabularies (kept as written), per input, as a warning; and
    variants read as the value they stand for, as a note."""
    for report in ctx.reports.values():
        counts = report.domains
        if counts.unknown:
            listed = "; ".join(
                f"{column} {value!r}: {n:,} row(s)" for (column, value), n in sorted(counts.unknown.items())
            )
            ctx.checks.append(
                Check(
                    f"Values not in data.police.uk's lists ({report.title})",
                    "warning",
                    listed,
                    "kept as written: counted in all-record totals, in no group of their column (e.g. a crime type "
                    "that is not one of data.police.uk's is in no crime group); correct the file to count them",
                )
            )
        if counts.variants:
            listed = "; ".join(
                f"{column} {written!r} read as {read!r}: {n:,} row(s)"
                for (column, written, read), n in sorted(counts.variants.items())
            )
            ctx.checks.append(
                Check(
                    f"Values differing from data.police.uk's only in case or spacing ({report.title})",
                    "note",
                    listed,
                    "read as the value they stand for (counted in its group)",
                )
            )
