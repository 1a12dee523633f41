"""The smaller inputs, read whole by their specs: STATS19, ONS lookups, calls, finance, consultation, MI,
hotspots, population by ethnic group, the district to force area lookup and most similar groups.

Each is read, validated and typed by its :class:`~pack.data.specs.InputSpec`; a *finisher* then does
what that input needs after reading (keep one force's collisions, count each collision once when
files overlap, join casualties to them, one row per LSOA, the rules of management information,
cross-checks) and saves the table. Every row a finisher sets aside is counted in its file's account
(:class:`~pack.data.file_report.FileReport`): rejected, of another force, or repeated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from pack.data.context import PrepareContext, save_table
from pack.data.discovery import FoundFile, force_slug
from pack.data.file_report import FileReport
from pack.data.finishers import mi_rules, one_row_per_key, set_aside
from pack.data.readers import read_validated
from pack.data.sources import plain_csv
from pack.data.specs import INPUTS, InputSpec
from pack.errors import DataError
from pack.reference import POLICE_UK_FORCES, STATS19_POLICE_FORCE_CODES, force_key

log = logging.getLogger(__name__)

Frames = dict[str, pd.DataFrame]  # the tables read so far, by input name (casualties need collisions)
Reports = dict[str, FileReport]  # each file's report, by the file's name as shown


def read_table(
    ctx: PrepareContext, spec: InputSpec, files: list[FoundFile], keep: list[str] | None = None
) -> tuple[pd.DataFrame | None, Reports]:
    """Read every file of a small input whole; return the typed frame (``None`` if no row was kept,
    with a ``source_row`` column: each row's line in its file) and each file's report."""
    report = ctx.reports[spec.name]
    frames: list[pd.DataFrame] = []
    reports: Reports = {}
    for f in files:
        report.files.append(f.relative)
        try:
            file_report = FileReport(f.relative)
            with plain_csv(f.path, f.member, f.relative, ctx.out) as (path, how):
                if how:
                    file_report.notes.append(how)
                for rows, frame in read_validated(
                    path, file_report, spec.schema(), list(spec.required), keep, rename=spec.renames
                ):
                    if len(frame):
                        frames.append(spec.convert(frame, f.relative).assign(source_row=rows))
            reports[f.relative] = file_report
        except DataError as exc:
            ctx.errors.append(str(exc))
            report.notes.append(f"{f.relative}: {exc}")
    if not frames:
        return None, reports
    return pd.concat(frames, ignore_index=True), reports


def _preference(files: pd.Series) -> pd.Series:
    """Order of preference of a row's file when two files give the same record: a final file
    before a provisional (unvalidated) one, then the later file by path."""
    provisional = files.str.contains("provisional|unvalidated", case=False, regex=True)
    return (~provisional).astype(int).astype(str) + files


def _collisions(ctx: PrepareContext, collisions: pd.DataFrame, _read: Frames, reports: Reports) -> pd.DataFrame | None:
    """Keep the force's collisions (STATS19 ``police_force`` code); the others are counted. A
    collision in two files (a yearly file and a five-year file) is counted once."""
    report = ctx.reports["collisions"]
    code = STATS19_POLICE_FORCE_CODES.get(force_slug(ctx.force))
    if code is None:
        ctx.errors.append(f"collisions: no STATS19 police_force code is known for '{ctx.force}'")
        return None
    collisions = one_row_per_key(
        collisions, ["collision_index"], _preference(collisions["source_file"]), reports, report, "collision"
    )
    mine = collisions["police_force"] == code
    if not mine.any():
        found = ", ".join(str(c) for c in sorted(collisions["police_force"].unique()))
        ctx.errors.append(f"collisions: no rows for police_force {code} ({ctx.force}); codes found: {found}")
        return None
    collisions = set_aside(collisions, ~mine, reports, "other_forces")
    report.months = sorted(collisions["month"].unique().tolist())
    report.notes.append(f"collision years: {', '.join(sorted(collisions['date'].str[:4].unique()))}")
    return collisions.drop(columns="source_row")


def _casualties(ctx: PrepareContext, casualties: pd.DataFrame, read: Frames, reports: Reports) -> pd.DataFrame | None:
    """Casualties joined to the force's collisions (date, month, severity); casualties of other forces'
    collisions are counted and excluded. A collision's casualties are taken from one file (as its
    collision is) when files overlap."""
    report = ctx.reports["casualties"]
    collisions = read.get("collisions")
    if collisions is None:
        ctx.errors.append("casualties: casualty files need the matching STATS19 collision files")
        return None
    rank = _preference(casualties["source_file"])
    best = rank.groupby(casualties["collision_index"]).transform("max")
    other_file = rank != best
    if other_file.any():
        n = int(other_file.sum())
        report.notes.append(
            f"{n:,} casualties of {casualties.loc[other_file, 'collision_index'].nunique():,} collision(s) are also in "
            "another file (overlapping years): each collision's casualties counted once, from one file"
        )
        casualties = set_aside(casualties, other_file, reports, "repeated")
    joined = casualties.merge(
        collisions[["collision_index", "date", "month", "collision_severity"]],
        on="collision_index",
        how="left",
        validate="many_to_one",
    )
    unmatched = joined["month"].isna()
    if unmatched.any():
        report.notes.append(
            f"{int(unmatched.sum()):,} casualties in collisions of other forces (or with no collision record) excluded"
        )
    joined = set_aside(joined, unmatched, reports, "other_forces")
    report.months = sorted(joined["month"].unique().tolist())
    if joined["adjusted_serious"].notna().any():
        report.notes.append("severity adjustment supplied (casualty_adjusted_severity_serious)")
    return joined.drop(columns="source_row")


def _one_row_per_lsoa(ctx: PrepareContext, frame: pd.DataFrame, read: Frames, reports: Reports) -> pd.DataFrame:
    name = "rural_urban" if "ruc_code" in frame else "population"
    order = frame["source_file"] + frame["source_row"].map("{:012d}".format)
    return one_row_per_key(frame, ["lsoa_code"], order, reports, ctx.reports[name], "LSOA").drop(columns="source_row")


def _calls(ctx: PrepareContext, calls: pd.DataFrame, _read: Frames, _reports: Reports) -> pd.DataFrame:
    ctx.reports["calls"].months = sorted(calls["month"].unique().tolist())
    return calls.sort_values(["line", "month"]).drop(columns="source_row")


def _mi(ctx: PrepareContext, mi: pd.DataFrame, _read: Frames, reports: Reports) -> pd.DataFrame:
    mi = mi_rules(ctx, mi, reports)
    ctx.reports["mi"].months = sorted({d[:7] for d in mi["period_end"]})
    return mi.sort_values(["indicator_id", "period_end", "source_file"])


def _ethnicity_population(ctx: PrepareContext, groups: pd.DataFrame, _read: Frames, _reports: Reports) -> pd.DataFrame:
    repeated = sorted(groups.loc[groups["ethnic_group"].duplicated(), "ethnic_group"].unique())
    if repeated:
        ctx.errors.append(
            f"ethnicity_population: ethnic group(s) given more than once: {', '.join(repeated)} "
            f"(files {', '.join(ctx.reports['ethnicity_population'].files)}); expected one row per group"
        )
    return groups.drop(columns="source_row")


def _force_areas(ctx: PrepareContext, areas: pd.DataFrame, _read: Frames, reports: Reports) -> pd.DataFrame | None:
    """One row per local authority district: a district given twice with the same force is kept once
    (counted as repeated, noted); a district given to two forces is an error naming both."""
    report = ctx.reports["force_areas"]
    forces = areas.groupby("lad_name")["pfa_name"].unique()
    conflicting = forces[forces.map(len) > 1]
    if len(conflicting):
        listed = "; ".join(f"{lad}: {', '.join(sorted(pfas))}" for lad, pfas in conflicting.items())
        ctx.errors.append(
            f"force_areas: district(s) given to more than one police force area ({listed}) in "
            f"{', '.join(report.files)}; expected each district in one force area"
        )
        return None
    repeated = areas["lad_name"].duplicated(keep="first")
    if repeated.any():
        report.notes.append(f"{int(repeated.sum())} repeated district row(s) kept once")
        areas = set_aside(areas, repeated, reports, "repeated")
    return areas.drop(columns="source_row").sort_values("lad_name", kind="stable")


def _peers(ctx: PrepareContext, peers: pd.DataFrame, read: Frames, reports: Reports) -> pd.DataFrame | None:
    """Each ``force, peer`` pair once, in the order given (a repeated pair is counted and noted). A
    row naming one force as its own peer, or a force nobody knows (:func:`_known_forces`), is an
    error naming its file and row: a force is never its own comparator, and a misspelt name is
    never a peer without data."""
    known = _known_forces(ctx, read)
    for _, row in peers.iterrows():
        where = f"file {row['source_file']}, row {int(row['source_row'])}"
        if force_key(row["force"]) == force_key(row["peer"]):
            ctx.errors.append(f"{where}: {row['peer']!r} is named as its own most similar force (expected another)")
            return None
        unknown = [c for c in ("force", "peer") if force_key(row[c]) not in known]
        if unknown:
            ctx.errors.append(
                f"{where}, column '{unknown[0]}': {row[unknown[0]]!r} is not a police force known to data.police.uk, "
                "the force area lookup or the data (expected a force's name, e.g. Leicestershire Police)"
            )
            return None
    repeated = peers.duplicated(["force", "peer"], keep="first")
    if repeated.any():
        ctx.reports["peers"].notes.append(f"{int(repeated.sum())} repeated force-peer pair(s) kept once")
        peers = set_aside(peers, repeated, reports, "repeated")
    return peers.drop(columns="source_row")


def _known_forces(ctx: PrepareContext, read: Frames) -> set[str]:
    """Every force a peers file may name (:func:`~pack.reference.force_key`): data.police.uk's,
    the force areas of the district lookup, the forces of the street files, and the force itself."""
    names = [*POLICE_UK_FORCES, ctx.force]
    if "force_areas" in read:
        names += read["force_areas"]["pfa_name"].dropna().astype(str).tolist()
    national = ctx.out / "force_monthly.parquet"
    if national.exists():
        names += pd.read_parquet(national, columns=["falls_within"])["falls_within"].astype(str).unique().tolist()
    return {force_key(name) for name in names}


def _drop_rows(_ctx: PrepareContext, frame: pd.DataFrame, _read: Frames, _reports: Reports) -> pd.DataFrame:
    return frame.drop(columns="source_row")


Finisher = Callable[[PrepareContext, pd.DataFrame, Frames, Reports], pd.DataFrame | None]
FINISHERS: dict[str, Finisher] = {
    "collisions": _collisions,
    "casualties": _casualties,
    "rural_urban": _one_row_per_lsoa,
    "population": _one_row_per_lsoa,
    "calls": _calls,
    "mi": _mi,
    "ethnicity_population": _ethnicity_population,
    "force_areas": _force_areas,
    "peers": _peers,
}


def read_tables(ctx: PrepareContext, by_input: dict[str, list[FoundFile]]) -> None:
    """Read every input whose spec's reader is ``table``, in the data contract's order, and save each."""
    read: Frames = {}
    for spec in INPUTS:
        if spec.reader != "table":
            continue
        frame, reports = read_table(ctx, spec, by_input[spec.name])
        finished = None
        if frame is not None:
            finished = FINISHERS.get(spec.name, _drop_rows)(ctx, frame, read, reports)
        add_reports(ctx, spec.name, reports)
        if finished is not None:
            read[spec.name] = finished
            save_table(ctx, spec.name, finished)


def add_reports(ctx: PrepareContext, name: str, reports: Reports) -> None:
    """Fold each file's report (its notes finished) into the input's report."""
    for file_report in reports.values():
        file_report.finish_notes()
        ctx.reports[name].add(file_report)
