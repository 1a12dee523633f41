"""Police workforce: Home Office tables (wide or long) or the long form, to one typed table."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pyarrow as arrow
import pyarrow.csv as arrow_csv

from pack.data.context import PrepareContext, save_table
from pack.data.discovery import FoundFile, force_slug
from pack.data.file_report import FileReport
from pack.data.lines import file_line_count
from pack.data.report import Check, InputReport
from pack.data.sources import header_of, plain_csv
from pack.data.specs import spec
from pack.data.tables import add_reports, read_table
from pack.errors import DataError

log = logging.getLogger(__name__)


def _workforce_from_home_office(
    path: Path, relative: str, force: str, report: InputReport
) -> tuple[pd.DataFrame, FileReport]:
    """Home Office officer FTE / headcount tables (wide by date, or long by year) -> long form, and
    the file's account (its rows are forces: the chosen force's rows kept, the others counted)."""
    table = arrow_csv.read_csv(
        path,
        read_options=arrow_csv.ReadOptions(encoding="utf-8"),
        convert_options=arrow_csv.ConvertOptions(strings_can_be_null=False),
    ).to_pandas()
    table.columns = [str(c).lstrip("\ufeff").strip() for c in table.columns]
    measure = "headcount" if "headcount" in path.name.lower() or "headcount" in relative.lower() else "fte"
    slug = force_slug(force)
    first = table.columns[0]
    rows = []
    is_mine = (table[first].astype(str).map(force_slug) == slug).to_numpy()
    mine = table[is_mine]
    if "Year" in table.columns and any("fte" in c.lower() for c in table.columns):
        value_col = next(c for c in table.columns if "fte" in c.lower())
        for _, r in mine.iterrows():
            rows.append((f"{int(r['Year'])}-03-31", "officer", "fte", float(r[value_col])))
    else:
        for col in table.columns[1:]:
            m = re.match(r"^(March|September) (\d{4})$", col)
            if not m:
                continue
            day = "03-31" if m.group(1) == "March" else "09-30"
            for value in mine[col]:
                rows.append((f"{m.group(2)}-{day}", "officer", measure, float(value)))
    if mine.empty:
        report.notes.append(f"{relative}: no row for {force}")
    frame = pd.DataFrame(rows, columns=["date", "role", "measure", "value"])
    frame["source_file"] = relative
    account = FileReport(relative, header_lines=1, rows_read=len(table), rows_kept=int(is_mine.sum()))
    account.rows_other_forces = len(table) - account.rows_kept
    account.lines = file_line_count(path)
    account.blank_lines = account.lines - 1 - len(table)
    return frame, account


def read_workforce(ctx: PrepareContext, files: list[FoundFile]) -> None:
    report = ctx.reports["workforce"]
    frames = []
    for f in files:
        if {"date", "role", "measure", "value"} <= {h.lower() for h in header_of(f.path, f.member)}:
            frame, reports = read_table(ctx, spec("workforce"), [f])
            add_reports(ctx, "workforce", reports)
            if frame is not None:
                frames.append(frame.drop(columns="source_row"))
            continue
        report.files.append(f.relative)
        try:
            with plain_csv(f.path, f.member, f.relative, ctx.out) as (path, _how):
                frame, account = _workforce_from_home_office(path, f.relative, ctx.force, report)
        except (arrow.ArrowInvalid, ValueError, KeyError) as exc:
            ctx.errors.append(f"file {f.relative}: not a Home Office workforce table: {exc}")
            continue
        except DataError as exc:
            ctx.errors.append(str(exc))
            continue
        report.add(account)
        frames.append(frame)
    if not frames:
        return
    frame = pd.concat(frames, ignore_index=True)
    # The same date and measure in several files: keep one, report any disagreement.
    disagree = []
    for (date, role, measure), group in frame.groupby(["date", "role", "measure"], sort=True):
        if group["value"].nunique() > 1 and (group["value"].max() - group["value"].min()) > 0.5:
            disagree.append(
                f"{role} {measure} at {date}: "
                + ", ".join(f"{v:,.1f} ({s})" for v, s in zip(group["value"], group["source_file"], strict=True))
            )
    if disagree:
        ctx.checks.append(
            Check(
                check="Workforce figures for the same date disagree between files",
                inputs=("workforce",),
                severity="warning",
                detail="; ".join(disagree[:10]),
                resolution="the value from the last file (by path) is used",
            )
        )
    frame = frame.drop_duplicates(["date", "role", "measure"], keep="last").sort_values(["role", "measure", "date"])
    report.months = sorted({d[:7] for d in frame["date"]})
    save_table(ctx, "workforce", frame)
