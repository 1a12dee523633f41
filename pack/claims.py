"""Claims check: published statements tested against the data supplied.

Each claim names its evidence (``street:<group>``, ``mi:<id>``, ``calls:<line>``,
``workforce:<series>``), a measure and two periods. The value is computed from the data; the
verdict compares it with the stated value within the stated tolerance. A claim whose periods the
data do not fully cover "cannot be checked", with the missing months named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pack.crime import CRIME_GROUPS, hotspot_series, monthly_series
from pack.data import Dataset
from pack.figures import Coverage, unit, window_total
from pack.measures import percentage_change
from pack.periods import Month, describe_months, rolling_window

COLUMNS = [
    "claim_id",
    "quote",
    "source_document",
    "section",
    "indicator_id",
    "evidence",
    "measure",
    "window_a_end",
    "window_b_end",
    "stated_value",
    "tolerance",
    "unit",
]
VERDICTS = ("consistent", "not consistent", "cannot be checked")


@dataclass(frozen=True)
class Evidence:
    """Values at the two ends (``a`` may be ``None`` for single-value claims) or why not."""

    a: float | None
    b: float | None
    a_label: str
    b_label: str
    reason: str = ""


MEASURES = ("pct_change", "change", "value", "at_least", "at_most")
EVIDENCE_KINDS = ("street", "mi", "calls", "workforce")


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def claim_problem(claim: dict) -> tuple[str, str] | None:
    """``(column, what was expected)`` for the first rule a claims row breaks, else ``None``."""
    if not claim["claim_id"]:
        return "claim_id", "an id for the claim"
    if claim["measure"] not in MEASURES:
        return "measure", " or ".join(MEASURES)
    kind, _, name = claim["evidence"].partition(":")
    if kind not in EVIDENCE_KINDS or not name:
        return "evidence", "street:<group>, mi:<indicator id>, calls:<999 or 101> or workforce:<role>_<measure>"
    if not _MONTH.match(claim["window_b_end"]):
        return "window_b_end", "a month written YYYY-MM"
    if claim["window_a_end"] and not _MONTH.match(claim["window_a_end"]):
        return "window_a_end", "a month written YYYY-MM, or empty for a single-value claim"
    if claim["measure"] in ("pct_change", "change") and not claim["window_a_end"]:
        return "window_a_end", f"a month: a {claim['measure']} claim compares two periods"
    for column in ("stated_value", "tolerance"):
        if column == "tolerance" and not claim[column]:
            continue
        try:
            float(claim[column])
        except ValueError:
            return column, "a number"
    return None


def load_claims(path) -> pd.DataFrame:
    """Read a claims CSV and check every row; a clear error naming file, row and column."""
    from pack.errors import DataError

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", file=str(path), row=1, expected=", ".join(COLUMNS))
    for row, claim in enumerate(frame.to_dict("records"), start=2):  # row 1 is the header
        problem = claim_problem(claim)
        if problem:
            column, expected = problem
            raise DataError(
                f"claim {claim['claim_id'] or '(no id)'} has {claim[column]!r}",
                file=str(path),
                row=row,
                column=column,
                expected=expected,
            )
    return frame


def _street_windows(series: pd.Series, covered: list[str], a: str | None, b: str) -> Evidence:
    """12-month totals ending ``a`` and ``b`` (figures of :mod:`pack.figures`), or why not."""
    coverage = Coverage({"street": tuple(covered)})
    windows = [rolling_window(e, 12) for e in (a, b) if e]
    figures = [window_total(series, w, coverage, ("street",), unit("records")) for w in windows]
    missing = sorted({m for w in windows for months in coverage.missing(w, ("street",)).values() for m in months})
    if missing:
        return Evidence(
            None, None, "", "", f"the data do not cover the 12-month windows: missing {describe_months(missing)}"
        )
    values = [f.shown for f in figures]
    labels = [w.label for w in windows]
    return Evidence(values[0] if a else None, values[-1], labels[0] if a else "", labels[-1])


def _mi_value(mi: pd.DataFrame, indicator: str, end: str) -> tuple[float | None, str]:
    month = Month.parse(end)
    rows = mi[(mi["indicator_id"] == indicator) & (mi["period_end"] <= f"{month}-{month.days:02d}")]
    rows = rows[rows["period_end"] >= f"{month - 11}-01"] if len(rows) else rows
    if rows.empty:
        return None, ""
    last = rows.sort_values("period_end").iloc[-1]
    return float(last["value"]), f"{last['period_start']} to {last['period_end']}"


def gather(data: Dataset, evidence: str, a: str | None, b: str) -> Evidence:
    """The values a claim needs, from the supplied data."""
    kind, _, name = evidence.partition(":")
    if kind == "street":
        street = data.table("street_monthly")
        if street is None:
            return Evidence(None, None, "", "", "data.police.uk street files not supplied")
        covered = data.months("street")
        if name == "hotspot_asb":
            hotspots = data.table("hotspots")
            if hotspots is None:
                return Evidence(None, None, "", "", "ASB hotspot list not supplied")
            return _street_windows(hotspot_series(street, hotspots, covered), covered, a, b)
        if name.startswith("rural_"):
            ruc = data.table("rural_urban")
            if ruc is None:
                return Evidence(None, None, "", "", "rural-urban lookup not supplied")
            from pack.rural import rural_monthly

            types = CRIME_GROUPS[name.removeprefix("rural_")][1]
            return _street_windows(rural_monthly(street, ruc, types, covered), covered, a, b)
        return _street_windows(monthly_series(street, CRIME_GROUPS[name][1], covered), covered, a, b)
    if kind == "mi":
        mi = data.table("mi")
        if mi is None:
            return Evidence(None, None, "", "", "management information not supplied")
        va, la = _mi_value(mi, name, a) if a else (None, "")
        vb, lb = _mi_value(mi, name, b)
        if vb is None or (a and va is None):
            return Evidence(
                None, None, "", "", f"no management information '{name}' for the periods ending {a or ''} {b}".strip()
            )
        return Evidence(va, vb, la, lb)
    if kind == "calls":
        calls = data.table("calls")
        if calls is None:
            return Evidence(None, None, "", "", "call-handling figures not supplied")
        rows = calls[calls["line"] == name].set_index("month")["mean_answer_seconds"]
        scale = 60.0 if name == "101" else 1.0
        needed = [m for m in (a, b) if m]
        gone = [m for m in needed if m not in rows.index]
        if gone:
            return Evidence(None, None, "", "", f"call figures missing for {', '.join(gone)}")
        return Evidence(float(rows[a]) / scale if a else None, float(rows[b]) / scale, a or "", b)
    if kind == "workforce":
        from pack.policing import latest_on_or_before, workforce_series

        workforce = data.table("workforce")
        if workforce is None:
            return Evidence(None, None, "", "", "workforce figures not supplied")
        role, measure = name.split("_", 1)
        series = workforce_series(workforce, role, measure)
        ends = {e: latest_on_or_before(series, f"{e}-{Month.parse(e).days:02d}") for e in (a, b) if e}
        stale = [e for e, v in ends.items() if v is None or Month.parse(v[0][:7]).months_since(Month.parse(e)) < -3]
        if stale:
            return Evidence(None, None, "", "", f"no workforce figure near {', '.join(stale)}")
        va = ends[a][1] if a else None
        return Evidence(va, ends[b][1], ends[a][0] if a else "", ends[b][0])
    return Evidence(None, None, "", "", f"unknown evidence type {evidence!r}")


def check_claim(claim: pd.Series, data: Dataset) -> dict:
    """Compute the claim's value from the data and give a verdict."""
    a = claim["window_a_end"] or None
    ev = gather(data, claim["evidence"], a, claim["window_b_end"])
    stated, tol, measure = float(claim["stated_value"]), float(claim["tolerance"] or 0), claim["measure"]
    out = {
        "claim_id": claim["claim_id"],
        "quote": claim["quote"],
        "source": f"{claim['source_document']}, {claim['section']}",
        "compared": f"{ev.a_label} → {ev.b_label}" if ev.a_label else ev.b_label,
        "stated": stated,
        "computed": None,
        "verdict": "cannot be checked",
        "reason": ev.reason,
    }
    if ev.b is None:
        return out
    if measure == "pct_change":
        computed = percentage_change(ev.a, ev.b) if ev.a else None
    elif measure == "change":
        computed = ev.b - ev.a
    else:
        computed = ev.b
    if computed is None:
        out["reason"] = "baseline value is zero"
        return out
    out["computed"] = round(computed, 3)
    if measure == "at_least":
        ok = computed >= stated
        rule = f"at least {stated:g}"
    elif measure == "at_most":
        ok = computed <= stated
        rule = f"at most {stated:g}"
    else:
        ok = abs(computed - stated) <= tol
        rule = f"within ±{tol:g} {claim['unit']} of {stated:g}"
    out["verdict"] = "consistent" if ok else "not consistent"
    out["reason"] = f"computed {computed:,.2f}; rule: {rule}"
    return out


def check_claims(claims: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """Verdicts for every claim, in file order."""
    return pd.DataFrame([check_claim(row, data) for _, row in claims.iterrows()])


def write_verdicts(verdicts: pd.DataFrame, output_dir, stem: str) -> None:
    """Write ``tables/<stem>-verdicts.csv``."""
    from pathlib import Path

    from pack.indicators import write_csv

    write_csv(verdicts, Path(output_dir) / "tables" / f"{stem}-verdicts.csv")


def verdict_summary(verdicts: pd.DataFrame) -> list[str]:
    """One sentence per verdict kind with the claims it covers."""
    lines = []
    for verdict in VERDICTS:
        ids = verdicts.loc[verdicts["verdict"] == verdict, "claim_id"].tolist()
        if ids:
            lines.append(f"{len(ids)} claim(s) {verdict}: {', '.join(ids)}.")
    return lines
