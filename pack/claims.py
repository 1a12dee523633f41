"""Claims check: published statements tested against the data supplied.

Each claim names its evidence (``street:<group>``, ``mi:<id>``, ``calls:<line>``,
``workforce:<series>``), a measure and two periods. The value is computed from the data, then:

- ``cannot be checked`` when the data do not cover the claim's periods (missing months named);
- ``different source`` when the claim's own source (``claim_source``: the force's incident system,
  residential burglary only, ...) is not what the evidence measures (:data:`CLAIM_SOURCES`); the
  computed figure is still shown, and whether it would match;
- otherwise ``consistent`` when the computed value rounds to the published figure: it lies within
  half a unit of the figure's last written digit (:func:`precision`: "7.1" allows ±0.05, "50" ±0.5),
  read from how the quote writes the figure. A figure given in words ("almost half") has no digits to
  read: the claims file's ``tolerance`` gives the range the words allow, and the verdict says so.
  The computed values are complete counts of recorded events (or the force's own figures), not
  samples or model estimates, so they carry no statistical uncertainty to add: the ``allowance``
  column says which allowance applied. For a count claim the quasi-Poisson 95% interval of the
  underlying change is shown beside it (``change_95ci``) for the reader, not used in the verdict;
- ``not consistent`` otherwise.

A claim about patrolled hotspots (``street:hotspot_asb``) also compares the hotspots' change with
the rest of the force's (:mod:`pack.hotspots`), in the ``context`` column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from pack.crime import CRIME_GROUPS, hotspot_series, monthly_series
from pack.data import Dataset
from pack.figures import Coverage, unit, window_total
from pack.hotspots import comparison_for
from pack.measures import percentage_change
from pack.overdispersion import compare_counts
from pack.periods import Month, describe_months, rolling_window
from pack.precision import allowance

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
OPTIONAL_COLUMNS = {"claim_source": ""}  # added as empty when a claims file has no such column
VERDICTS = ("consistent", "not consistent", "different source", "cannot be checked")

# What the evidence of each kind measures, and the claim sources (``claim_source``) each can check.
EVIDENCE_MEASURES = {
    "street": "data.police.uk street-level records (crimes and ASB incidents as published on police.uk)",
    "mi": "the figure the force or PCC office supplied as management information",
    "calls": "the force's monthly 999/101 call-handling figures",
    "workforce": "Home Office police workforce statistics",
}
CLAIM_SOURCES: dict[str, tuple[str, frozenset[str]]] = {
    "": ("the same data as the evidence", frozenset(EVIDENCE_MEASURES)),
    "police.uk": ("data.police.uk street-level records", frozenset({"street"})),
    "force incident system": (
        "the force's own incident system (every ASB incident logged; police.uk publishes a separate, smaller extract)",
        frozenset({"mi"}),
    ),
    "force crime system": (
        "the force's own crime system at its own extraction date and definitions",
        frozenset({"mi"}),
    ),
    "residential burglary only": (
        "residential burglary only (police.uk 'Burglary' counts residential and business burglary together)",
        frozenset({"mi"}),
    ),
    "management information": ("management information held by the force or PCC office", frozenset({"mi"})),
    "call-handling figures": ("the force's call-handling figures", frozenset({"calls"})),
    "workforce statistics": ("Home Office police workforce statistics", frozenset({"workforce"})),
}


@dataclass(frozen=True)
class Evidence:
    """Values at the two ends (``a`` may be ``None`` for single-value claims) or why not."""

    a: float | None
    b: float | None
    a_label: str
    b_label: str
    reason: str = ""
    series: pd.Series | None = field(default=None, compare=False)  # the monthly counts, for a count claim


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
            float(claim[column].replace(",", ""))
        except ValueError:
            return column, "a number"
    if claim.get("claim_source", "") not in CLAIM_SOURCES:
        return "claim_source", "empty, or one of: " + ", ".join(repr(k) for k in CLAIM_SOURCES if k)
    return None


def load_claims(path) -> pd.DataFrame:
    """Read a claims CSV and check every row; a clear error naming file, row and column. Comma-,
    semicolon- or tab-separated, in UTF-8, UTF-16 or Windows-1252, as spreadsheets save it
    (:func:`pack.spreadsheet_csv.read_rows`)."""
    from pathlib import Path

    from pack.errors import DataError
    from pack.spreadsheet_csv import read_rows

    header, rows, _ = read_rows(Path(path), COLUMNS)
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    if frame.columns.duplicated().any():
        twice = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise DataError(f"column(s) {', '.join(twice)} named twice", file=str(path), row=1)
    for column, default in OPTIONAL_COLUMNS.items():
        if column not in frame.columns:
            frame[column] = default
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
    return Evidence(values[0] if a else None, values[-1], labels[0] if a else "", labels[-1], series=series)


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


def change_interval(ev: Evidence, a: str | None, b: str) -> str:
    """For a count claim: the quasi-Poisson 95% interval of the underlying change between the two
    12-month windows (for the reader: could a change this size be month-to-month variation?)."""
    if ev.series is None or not a:
        return ""
    result = compare_counts(ev.series, rolling_window(a, 12), rolling_window(b, 12))
    interval = result.percent_interval
    if not result.tested or interval is None:
        return result.note
    lo, hi = interval
    hi_text = "no upper limit" if not math.isfinite(hi) else f"{hi:+.1f}%"
    return f"{lo:+.1f}% to {hi_text}"


def source_difference(claim: dict) -> str:
    """Why the claim's source is not what its evidence measures, or ``""`` when it is."""
    kind = claim["evidence"].partition(":")[0]
    described, checks = CLAIM_SOURCES[claim.get("claim_source", "")]
    if kind in checks:
        return ""
    return f"the claim counts {described}; the data measure {EVIDENCE_MEASURES[kind]}"


def check_claim(claim: pd.Series, data: Dataset) -> dict:
    """Compute the claim's value from the data and give a verdict (see the module docstring)."""
    row = {k: str(v) for k, v in claim.items()}
    a = row["window_a_end"] or None
    ev = gather(data, row["evidence"], a, row["window_b_end"])
    stated, measure = float(row["stated_value"].replace(",", "")), row["measure"]
    allowed = allowance(row)
    out = {
        "claim_id": row["claim_id"],
        "quote": row["quote"],
        "source": f"{row['source_document']}, {row['section']}",
        "compared": f"{ev.a_label} → {ev.b_label}" if ev.a_label else ev.b_label,
        "stated": stated,
        "published_as": allowed.published_as,
        "computed": None,
        "verdict": "cannot be checked",
        "allowance": allowed.words,
        "reason": ev.reason,
        "claim_source": CLAIM_SOURCES[row.get("claim_source", "")][0],
        "change_95ci": "",
        "context": "",
    }
    if row["evidence"] == "street:hotspot_asb" and measure == "pct_change" and a:
        out["context"] = hotspot_context(data, a, row["window_b_end"])
    differs = source_difference(row)
    if ev.b is None:
        out["reason"] = f"{ev.reason}; and {differs}" if differs else ev.reason
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
    if measure == "pct_change":
        out["change_95ci"] = change_interval(ev, a, row["window_b_end"])
    if measure == "at_least":
        ok = computed >= stated
    elif measure == "at_most":
        ok = computed <= stated
    else:
        ok = abs(computed - stated) <= allowed.width + 1e-9
    gap = "" if measure in ("at_least", "at_most") else f", {abs(computed - stated):,.2f} from {stated:g}"
    match = f"computed {computed:,.2f}{gap}: {'within' if ok else 'outside'} the allowance"
    if differs:
        out["verdict"] = "different source"
        out["reason"] = f"{differs}: not the same count, so not compared ({match})"
        return out
    out["verdict"] = "consistent" if ok else "not consistent"
    out["reason"] = match
    return out


def hotspot_context(data: Dataset, a: str, b: str) -> str:
    """The patrolled hotspots' change against the rest of the force's, for a hotspot claim."""
    coverage = Coverage({"street": tuple(data.months("street"))})
    result = comparison_for(data, coverage, rolling_window(a, 12), rolling_window(b, 12))
    return result if isinstance(result, str) else result.sentence()


DEMO_BANNER = (
    "Demonstration data: every verdict here is consistent or not by construction. The demonstration data "
    "were generated to match the published claims (data/published/demo_targets.csv), so a 'consistent' "
    "verdict says nothing about whether a claim is true; it shows only how the check works."
)


def demo_banner(data: Dataset) -> str:
    """The banner for demonstration data (consistency by construction), ``""`` for real data."""
    return DEMO_BANNER if data.is_demo else ""


def check_claims(claims: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """Verdicts for every claim, in file order."""
    return pd.DataFrame([check_claim(row, data) for _, row in claims.iterrows()])


def write_verdicts(verdicts: pd.DataFrame, output_dir, stem: str) -> None:
    """Write ``tables/<stem>-verdicts.csv``."""
    from pathlib import Path

    from pack.safe_csv import write_csv

    write_csv(verdicts, Path(output_dir) / "tables" / f"{stem}-verdicts.csv")


def verdict_summary(verdicts: pd.DataFrame) -> list[str]:
    """One sentence per verdict kind with the claims it covers."""
    lines = []
    for verdict in VERDICTS:
        ids = verdicts.loc[verdicts["verdict"] == verdict, "claim_id"].tolist()
        if ids:
            lines.append(f"{len(ids)} claim(s) {verdict}: {', '.join(ids)}.")
    return lines
