"""Rules that need a whole small input, not one row: one record per key across files, and the
rules of management information. Every row set aside is counted in its file's account."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pack.catalogue import DOMAIN_LIMITS, MI_CATALOGUE
from pack.data.report import InputReport

if TYPE_CHECKING:
    from pack.data.context import PrepareContext
    from pack.data.file_report import FileReport

Reports = dict[str, "FileReport"]
NOT_COUNTS = frozenset({"%", "£m", "gbp_m", "per 1,000", "ratio", "rate"})  # MI units whose values may be negative


def set_aside(frame: pd.DataFrame, mask: pd.Series, reports: Reports, to: str) -> pd.DataFrame:
    """Rows of ``frame`` under ``mask`` moved, in their files' accounts, from kept to ``to``
    (``other_forces`` or ``repeated``); returns the rows left."""
    for file, n in frame.loc[mask, "source_file"].value_counts().items():
        file_report = reports[str(file)]
        file_report.rows_kept -= int(n)
        setattr(file_report, f"rows_{to}", getattr(file_report, f"rows_{to}") + int(n))
    return frame[~mask]


def reject_rows(frame: pd.DataFrame, mask: pd.Series, reports: Reports, column: str, reason: str) -> pd.DataFrame:
    """Rows under ``mask`` rejected (listed with file, row, column and ``reason``); the rest returned."""
    for _, row in frame[mask].iterrows():
        file_report = reports[str(row["source_file"])]
        value = row[column]
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        file_report.reject(int(row["source_row"]), column, shown, reason.format(**row.to_dict()))
        file_report.rows_rejected += 1
        file_report.rows_kept -= 1
    return frame[~mask]


def _where(row: pd.Series) -> str:
    return f"{row['source_file']} row {int(row['source_row'])}"


def one_row_per_key(
    frame: pd.DataFrame, keys: list[str], order: pd.Series, reports: Reports, report: InputReport, what: str
) -> pd.DataFrame:
    """One row per value of ``keys``: of rows that share one, the last by ``order`` is kept and the
    others are counted as repeated, with a note (saying how many disagree in their values)."""
    shared = frame.duplicated(keys, keep=False)
    if not shared.any():
        return frame
    ranked = frame.assign(_order=order.to_numpy()).sort_values("_order", kind="stable")
    dropped = ranked.duplicated(keys, keep="last").reindex(frame.index)
    values = [c for c in frame.columns if c not in (*keys, "source_file", "source_row")]
    groups = frame[shared].groupby(keys, sort=True)
    differ = int((groups[values].nunique(dropna=False) > 1).any(axis=1).sum()) if values else 0
    first_key, example = next(iter(groups))
    shown = ", ".join(str(k) for k in (first_key if isinstance(first_key, tuple) else (first_key,)))
    report.notes.append(
        f"{groups.ngroups:,} {what}(s) given more than once ({int(dropped.sum()):,} extra rows, e.g. {shown} in "
        f"{' and '.join(_where(r) for _, r in example.head(2).iterrows())}): each counted once, from the last file; "
        f"{differ:,} of them with different values in different rows"
    )
    return set_aside(frame, dropped, reports, "repeated")


def mi_rules(ctx: PrepareContext, mi: pd.DataFrame, reports: Reports) -> pd.DataFrame:
    """Management information: a period ends on or after it starts; a value lies in its indicator's
    domain (a share 0-100, a count 0 or more: :func:`_out_of_domain`); one value
    per indicator and period (the same value given twice is counted once; two values are an error
    naming both rows); ids not in the catalogue are noted."""
    report = ctx.reports["mi"]
    mi = reject_rows(
        mi,
        mi["period_start"] > mi["period_end"],
        reports,
        "period_end",
        "expected on or after period_start {period_start}",
    )
    mi = _out_of_domain(mi, reports)
    keys = ["indicator_id", "period_start", "period_end"]
    for _, group in mi[mi.duplicated(keys, keep=False)].groupby(keys, sort=True):
        if group["value"].nunique() > 1:
            first, second = group.iloc[0], group[group["value"] != group.iloc[0]["value"]].iloc[0]
            ctx.errors.append(
                f"mi: {first['indicator_id']} for {first['period_start']} to {first['period_end']} is given twice "
                f"with different values: {_where(first)} ({first['value']:g}) and {_where(second)} "
                f"({second['value']:g}) (expected one value per indicator and period)"
            )
    same = mi.duplicated([*keys, "value"], keep="first")
    if same.any():
        report.notes.append(
            f"{int(same.sum()):,} MI row(s) repeat an indicator, period and value given before: counted once"
        )
        mi = set_aside(mi, same, reports, "repeated")
    unknown = sorted(set(mi["indicator_id"]) - set(MI_CATALOGUE))
    if unknown:
        report.notes.append(
            f"{len(unknown)} indicator id(s) not in the catalogue (kept, shown in no notebook): "
            + ", ".join(unknown[:20])
        )
    return mi


def _out_of_domain(mi: pd.DataFrame, reports: Reports) -> pd.DataFrame:
    """Rows whose value is outside its indicator's domain (:attr:`~pack.catalogue.MIIndicator.domain`:
    a share 0-100, a count or rate 0 or more, a change or amount of either sign) rejected with file
    and row; an id not in the catalogue is judged by its row's unit (a count unless a percentage,
    money or a rate)."""
    unit = mi["unit"].str.strip().where(mi["unit"].str.strip() != "", mi["indicator_id"].map(_catalogue_unit))
    by_unit = unit.map(lambda u: "count" if isinstance(u, str) and u and u not in NOT_COUNTS else "change")
    domain = mi["indicator_id"].map(lambda i: MI_CATALOGUE[i].domain if i in MI_CATALOGUE else None).fillna(by_unit)
    low, high = (domain.map(lambda d, k=k: DOMAIN_LIMITS[d][k]) for k in (0, 1))
    outside = ~mi["value"].between(low, high) | ~np.isfinite(mi["value"])
    expected = domain.map(lambda d: DOMAIN_LIMITS[d][2])
    return reject_rows(
        mi.assign(_expected=expected, _unit=unit.fillna("")),
        outside,
        reports,
        "value",
        "expected {_expected} (unit {_unit})",
    ).drop(columns=["_expected", "_unit"])


def _catalogue_unit(indicator: str) -> str | None:
    entry = MI_CATALOGUE.get(indicator)
    return entry.unit if entry else None
