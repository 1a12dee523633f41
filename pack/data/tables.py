"""The smaller inputs, read whole: STATS19, ONS lookups, calls, finance, consultation, MI, hotspots."""

from __future__ import annotations

import logging

import pandas as pd

from pack.data import schemas
from pack.data.context import PrepareContext, save_table
from pack.data.converters import (
    casualties_typed,
    collisions_typed,
    district_of,
    lookup_renames,
    number_column,
    simple_renames,
    stats19_renames,
)
from pack.data.discovery import FoundFile, force_slug
from pack.data.readers import FileReport, read_validated
from pack.errors import DataError
from pack.reference import STATS19_POLICE_FORCE_CODES, is_rural_code

log = logging.getLogger(__name__)


def read_table(
    ctx: PrepareContext,
    name: str,
    files: list[FoundFile],
    schema,
    required: list[str],
    typed,
    renames=simple_renames,
    keep: list[str] | None = None,
) -> pd.DataFrame | None:
    """Read a small input whole; return the typed frame (or ``None`` if not supplied)."""
    report = ctx.reports[name]
    frames: list[pd.DataFrame] = []
    for f in files:
        report.files.append(f.relative)
        try:
            file_report = FileReport(f.relative)
            for frame in read_validated(f.path, file_report, schema, required, keep, rename=renames):
                if len(frame):
                    frames.append(typed(frame, f.relative))
            report.add(file_report)
        except DataError as exc:
            ctx.errors.append(str(exc))
            report.notes.append(f"{f.relative}: {exc}")
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True)


def read_stats19(ctx: PrepareContext, by_input: dict[str, list[FoundFile]]) -> None:
    code = STATS19_POLICE_FORCE_CODES.get(force_slug(ctx.force))
    collisions = read_table(
        ctx,
        "collisions",
        by_input["collisions"],
        schemas.collisions_schema(),
        ["collision_index", "police_force", "collision_severity", "date"],
        collisions_typed,
        renames=stats19_renames,
    )
    if collisions is not None:
        report = ctx.reports["collisions"]
        if code is None:
            ctx.errors.append(f"collisions: no STATS19 police_force code is known for '{ctx.force}'")
            return
        mine = collisions["police_force"] == code
        report.rows_other_forces = int((~mine).sum())
        report.rows_kept -= report.rows_other_forces
        if not mine.any():
            found = ", ".join(str(c) for c in sorted(collisions["police_force"].unique()))
            ctx.errors.append(f"collisions: no rows for police_force {code} ({ctx.force}); codes found: {found}")
            return
        collisions = collisions[mine]
        years = collisions["date"].str[:4]
        report.months = sorted(collisions["month"].unique().tolist())
        report.notes.append(f"collision years: {', '.join(sorted(years.unique()))}")
        save_table(ctx, "collisions", collisions)
    casualties = read_table(
        ctx,
        "casualties",
        by_input["casualties"],
        schemas.casualties_schema(),
        ["collision_index", "casualty_severity", "casualty_type"],
        casualties_typed,
        renames=stats19_renames,
    )
    if casualties is not None:
        report = ctx.reports["casualties"]
        if collisions is None:
            ctx.errors.append("casualties: casualty files need the matching STATS19 collision files")
            return
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
        save_table(ctx, "casualties", joined)


def read_lookups(ctx: PrepareContext, by_input: dict[str, list[FoundFile]]) -> None:
    ruc = read_table(
        ctx,
        "rural_urban",
        by_input["rural_urban"],
        schemas.rural_urban_schema(),
        ["lsoa_code", "ruc_code"],
        lambda fr, file: pd.DataFrame(
            {
                "lsoa_code": fr["lsoa_code"],
                "ruc_code": fr["ruc_code"],
                "lsoa_name": fr["lsoa_name"] if "lsoa_name" in fr else "",
                "district": district_of(fr["lsoa_name"]) if "lsoa_name" in fr else "",
                "ruc_name": fr["ruc_name"] if "ruc_name" in fr else "",
                "rural": fr["ruc_code"].map(is_rural_code).astype(bool),
                "vintage": "2021" if fr["ruc_code"].str.startswith(("U", "R")).any() else "2011",
                "source_file": file,
            }
        ),
        renames=lookup_renames("rural_urban"),
    )
    if ruc is not None:
        save_table(ctx, "rural_urban", ruc.drop_duplicates("lsoa_code", keep="last"))
    pop = read_table(
        ctx,
        "population",
        by_input["population"],
        schemas.population_schema(),
        ["lsoa_code", "population"],
        lambda fr, file: pd.DataFrame(
            {"lsoa_code": fr["lsoa_code"], "population": number_column(fr["population"]), "source_file": file}
        ),
        renames=lookup_renames("population"),
    )
    if pop is not None:
        save_table(ctx, "population", pop.drop_duplicates("lsoa_code", keep="last"))


def read_small_tables(ctx: PrepareContext, by_input: dict[str, list[FoundFile]]) -> None:
    def text_or_empty(fr: pd.DataFrame, col: str) -> pd.Series:
        return fr[col] if col in fr else pd.Series("", index=fr.index, dtype="str")

    calls = read_table(
        ctx,
        "calls",
        by_input["calls"],
        schemas.calls_schema(),
        ["month", "line", "calls_received", "calls_answered", "mean_answer_seconds"],
        lambda fr, file: pd.DataFrame(
            {
                "month": fr["month"],
                "line": fr["line"],
                "calls_received": number_column(fr["calls_received"]),
                "calls_answered": number_column(fr["calls_answered"]),
                "mean_answer_seconds": number_column(fr["mean_answer_seconds"]),
                "answered_under_10s_pct": number_column(text_or_empty(fr, "answered_under_10s_pct")),
                "answered_10_to_60s_pct": number_column(text_or_empty(fr, "answered_10_to_60s_pct")),
                "answered_over_60s_pct": number_column(text_or_empty(fr, "answered_over_60s_pct")),
                "source_file": file,
            }
        ),
    )
    if calls is not None:
        ctx.reports["calls"].months = sorted(calls["month"].unique().tolist())
        save_table(ctx, "calls", calls.sort_values(["line", "month"]))
    finance = read_table(
        ctx,
        "finance",
        by_input["finance"],
        schemas.finance_schema(),
        ["year", "table", "line", "value_gbp_m"],
        lambda fr, file: pd.DataFrame(
            {
                "year": fr["year"],
                "table": fr["table"],
                "line": fr["line"],
                "value_gbp_m": number_column(fr["value_gbp_m"]),
                "order": range(len(fr)),
                "source": text_or_empty(fr, "source"),
                "source_file": file,
            }
        ),
    )
    save_table(ctx, "finance", finance)
    likert = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree"]
    consultation = read_table(
        ctx,
        "consultation",
        by_input["consultation"],
        schemas.consultation_schema(),
        ["priority", *likert],
        lambda fr, file: pd.DataFrame(
            {
                "priority": fr["priority"],
                **{c: number_column(fr[c]).astype("int64") for c in likert},
                "source": text_or_empty(fr, "source"),
                "source_file": file,
            }
        ),
    )
    save_table(ctx, "consultation", consultation)
    mi = read_table(
        ctx,
        "mi",
        by_input["mi"],
        schemas.management_information_schema(),
        ["indicator_id", "period_start", "period_end", "value"],
        lambda fr, file: pd.DataFrame(
            {
                "indicator_id": fr["indicator_id"],
                "period_start": fr["period_start"],
                "period_end": fr["period_end"],
                "value": number_column(fr["value"]),
                "unit": text_or_empty(fr, "unit"),
                "source": text_or_empty(fr, "source"),
                "note": text_or_empty(fr, "note"),
                "source_file": file,
            }
        ),
    )
    if mi is not None:
        from pack.catalogue import MI_CATALOGUE

        unknown = sorted(set(mi["indicator_id"]) - set(MI_CATALOGUE))
        if unknown:
            ctx.reports["mi"].notes.append(
                f"{len(unknown)} indicator id(s) not in the catalogue (kept, shown in no notebook): "
                + ", ".join(unknown[:20])
            )
        ctx.reports["mi"].months = sorted({d[:7] for d in mi["period_end"]})
        save_table(ctx, "mi", mi.sort_values(["indicator_id", "period_end", "source_file"]))
    hotspots = read_table(
        ctx,
        "hotspots",
        by_input["hotspots"],
        schemas.hotspots_schema(),
        ["lsoa_code", "patrolled_from"],
        lambda fr, file: pd.DataFrame(
            {"lsoa_code": fr["lsoa_code"], "patrolled_from": fr["patrolled_from"], "source_file": file}
        ),
    )
    save_table(ctx, "hotspots", hotspots)
    groups = read_table(
        ctx,
        "ethnicity_population",
        by_input["ethnicity_population"],
        schemas.ethnicity_population_schema(),
        ["ethnic_group", "population"],
        lambda fr, file: pd.DataFrame(
            {
                "ethnic_group": fr["ethnic_group"].str.strip(),
                "population": number_column(fr["population"]),
                "source_file": file,
            }
        ),
    )
    if groups is not None:
        repeated = sorted(groups.loc[groups["ethnic_group"].duplicated(), "ethnic_group"].unique())
        if repeated:
            ctx.errors.append(
                f"ethnicity_population: ethnic group(s) given more than once: {', '.join(repeated)} "
                f"(files {', '.join(ctx.reports['ethnicity_population'].files)}); expected one row per group"
            )
        save_table(ctx, "ethnicity_population", groups)
