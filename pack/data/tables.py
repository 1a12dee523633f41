"""The smaller inputs, read whole by their specs: STATS19, ONS lookups, calls, finance, consultation, MI,
hotspots, population by ethnic group, the district to force area lookup and most similar groups.

Each is read, validated and typed by its :class:`~pack.data.specs.InputSpec`; a *finisher* then does
what that input needs after reading (keep one force's collisions, join casualties to them, one row
per LSOA, sort, cross-checks) and saves the table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from pack.catalogue import MI_CATALOGUE
from pack.data.context import PrepareContext, save_table
from pack.data.discovery import FoundFile, force_slug
from pack.data.readers import FileReport, read_validated
from pack.data.specs import INPUTS, InputSpec
from pack.errors import DataError
from pack.reference import STATS19_POLICE_FORCE_CODES

log = logging.getLogger(__name__)

Frames = dict[str, pd.DataFrame]  # the tables read so far, by input name (casualties need collisions)


def read_table(
    ctx: PrepareContext, spec: InputSpec, files: list[FoundFile], keep: list[str] | None = None
) -> pd.DataFrame | None:
    """Read every file of a small input whole; return the typed frame (or ``None`` if no row was kept)."""
    report = ctx.reports[spec.name]
    frames: list[pd.DataFrame] = []
    for f in files:
        report.files.append(f.relative)
        try:
            file_report = FileReport(f.relative)
            schema = spec.schema()
            for frame in read_validated(f.path, file_report, schema, list(spec.required), keep, rename=spec.renames):
                if len(frame):
                    frames.append(spec.convert(frame, f.relative))
            report.add(file_report)
        except DataError as exc:
            ctx.errors.append(str(exc))
            report.notes.append(f"{f.relative}: {exc}")
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True)


def _collisions(ctx: PrepareContext, collisions: pd.DataFrame, _read: Frames) -> pd.DataFrame | None:
    """Keep the force's collisions (STATS19 ``police_force`` code); the others are counted."""
    report = ctx.reports["collisions"]
    code = STATS19_POLICE_FORCE_CODES.get(force_slug(ctx.force))
    if code is None:
        ctx.errors.append(f"collisions: no STATS19 police_force code is known for '{ctx.force}'")
        return None
    mine = collisions["police_force"] == code
    report.rows_other_forces = int((~mine).sum())
    report.rows_kept -= report.rows_other_forces
    if not mine.any():
        found = ", ".join(str(c) for c in sorted(collisions["police_force"].unique()))
        ctx.errors.append(f"collisions: no rows for police_force {code} ({ctx.force}); codes found: {found}")
        return None
    collisions = collisions[mine]
    report.months = sorted(collisions["month"].unique().tolist())
    report.notes.append(f"collision years: {', '.join(sorted(collisions['date'].str[:4].unique()))}")
    return collisions


def _casualties(ctx: PrepareContext, casualties: pd.DataFrame, read: Frames) -> pd.DataFrame | None:
    """Casualties joined to the force's collisions (date, month, severity); casualties of other forces'
    collisions are counted and excluded."""
    report = ctx.reports["casualties"]
    collisions = read.get("collisions")
    if collisions is None:
        ctx.errors.append("casualties: casualty files need the matching STATS19 collision files")
        return None
    joined = casualties.merge(
        collisions[["collision_index", "date", "month", "collision_severity"]],
        on="collision_index",
        how="left",
        validate="many_to_one",
    )
    unmatched = joined["month"].isna()
    report.rows_other_forces = int(unmatched.sum())
    report.rows_kept -= report.rows_other_forces
    if report.rows_other_forces:
        report.notes.append(
            f"{report.rows_other_forces:,} casualties in collisions of other forces (or with no "
            "collision record) excluded"
        )
    joined = joined[~unmatched]
    report.months = sorted(joined["month"].unique().tolist())
    if joined["adjusted_serious"].notna().any():
        report.notes.append("severity adjustment supplied (casualty_adjusted_severity_serious)")
    return joined


def _one_row_per_lsoa(_ctx: PrepareContext, frame: pd.DataFrame, _read: Frames) -> pd.DataFrame:
    return frame.drop_duplicates("lsoa_code", keep="last")


def _calls(ctx: PrepareContext, calls: pd.DataFrame, _read: Frames) -> pd.DataFrame:
    ctx.reports["calls"].months = sorted(calls["month"].unique().tolist())
    return calls.sort_values(["line", "month"])


def _mi(ctx: PrepareContext, mi: pd.DataFrame, _read: Frames) -> pd.DataFrame:
    unknown = sorted(set(mi["indicator_id"]) - set(MI_CATALOGUE))
    if unknown:
        ctx.reports["mi"].notes.append(
            f"{len(unknown)} indicator id(s) not in the catalogue (kept, shown in no notebook): "
            + ", ".join(unknown[:20])
        )
    ctx.reports["mi"].months = sorted({d[:7] for d in mi["period_end"]})
    return mi.sort_values(["indicator_id", "period_end", "source_file"])


def _ethnicity_population(ctx: PrepareContext, groups: pd.DataFrame, _read: Frames) -> pd.DataFrame:
    repeated = sorted(groups.loc[groups["ethnic_group"].duplicated(), "ethnic_group"].unique())
    if repeated:
        ctx.errors.append(
            f"ethnicity_population: ethnic group(s) given more than once: {', '.join(repeated)} "
            f"(files {', '.join(ctx.reports['ethnicity_population'].files)}); expected one row per group"
        )
    return groups


def _force_areas(ctx: PrepareContext, areas: pd.DataFrame, _read: Frames) -> pd.DataFrame | None:
    """One row per local authority district: a district given twice with the same force is kept once
    (noted); a district given to two forces is an error naming both."""
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
    repeated = int(areas["lad_name"].duplicated().sum())
    if repeated:
        report.notes.append(f"{repeated} repeated district row(s) kept once")
    return areas.drop_duplicates("lad_name", keep="first").sort_values("lad_name", kind="stable")


def _peers(ctx: PrepareContext, peers: pd.DataFrame, _read: Frames) -> pd.DataFrame:
    """Each ``force, peer`` pair once, in the order given (a repeated pair is noted)."""
    repeated = int(peers.duplicated(["force", "peer"]).sum())
    if repeated:
        ctx.reports["peers"].notes.append(f"{repeated} repeated force-peer pair(s) kept once")
    return peers.drop_duplicates(["force", "peer"], keep="first")


Finisher = Callable[[PrepareContext, pd.DataFrame, Frames], pd.DataFrame | None]
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
        frame = read_table(ctx, spec, by_input[spec.name])
        if frame is None:
            continue
        finish = FINISHERS.get(spec.name)
        finished = finish(ctx, frame, read) if finish else frame
        if finished is not None:
            read[spec.name] = finished
            save_table(ctx, spec.name, finished)
