"""The statutory statement: the Specified Information Order (2021 amendment), articles 7A to 7C.

- **7A**: the force's contribution to each National Crime and Policing Measure. A figure is given
  only where the data supplied truly measure it; a police.uk category that merely resembles a measure
  (possession of weapons for serious violence, the "Drugs" category for drugs supply) is shown as
  context with *no verdict*, never as the measure. Neighbourhood crime is the police.uk approximation,
  named as such; victim satisfaction names its domestic-abuse focus.
- **7B**: the latest HMICFRS PEEL inspection and its graded areas, from ``peel.csv`` in the data
  folder (``published`` as YYYY-MM-DD, ``area``, ``grade``; :data:`PEEL_GRADES`).
- **7C**: complaints information, from the management information (``complaints_*`` ids).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pack.catalogue import MI_CATALOGUE
from pack.errors import DataError
from pack.indicators import mi_indicator
from pack.periods import Window
from pack.verdicts import in_words, verdict

PEEL_FILE = "peel.csv"
PEEL_COLUMNS = ("published", "area", "grade")
PEEL_GRADES = ("outstanding", "good", "adequate", "requires improvement", "inadequate", "not graded")
NO_VERDICT = "no verdict: not the measure"
NOT_SUPPLIED = "not supplied"


@dataclass(frozen=True)
class Measure7A:
    """One national measure: the honest sources, in order (MI ids, or ``table:<indicator_id>`` for a
    figure of the indicator tables that measures it), and police.uk context that must carry no verdict."""

    name: str
    applies: str
    sources: tuple[str, ...]
    context: str = ""  # indicator_id of a related police.uk figure, shown without a verdict
    context_reason: str = ""


MEASURES_7A = (
    Measure7A("Reduce murder and other homicide", "force figures from the Home Office Homicide Index", ("homicides",)),
    Measure7A(
        "Reduce serious violence",
        "knife and sharp-instrument offences or hospital admissions for assault by a sharp object, supplied as "
        "management information",
        ("knife_crime_offences", "sharp_object_admissions"),
        "possession_of_weapons",
        "possession of weapons offences rise with proactive searches: police activity, not serious violence",
    ),
    Measure7A(
        "Disrupt drugs supply and county lines",
        "county lines closed and supply offences, supplied as management information",
        ("county_lines_closed", "drug_trafficking_offences"),
    ),
    Measure7A(
        "Reduce neighbourhood crime",
        "the police.uk approximation: burglary (including business), robbery (including business), vehicle crime "
        "and theft from the person",
        ("table:neighbourhood_crime",),
    ),
    Measure7A("Tackle cyber crime", "Action Fraud / NFIB reports for the force area", ("cyber_crime_reports",)),
    Measure7A(
        "Improve satisfaction among victims, with a particular focus on victims of domestic abuse",
        "the force's victim survey: domestic abuse victims first, then all victims",
        ("da_victim_satisfaction_pct", "victim_satisfaction_pct"),
    ),
)
COMPLAINTS_7C = ("complaints_logged", "complaint_days_to_log", "complaint_days_to_contact")


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _row(source: str, tables: pd.DataFrame, mi: pd.DataFrame | None, windows: tuple[Window, Window]) -> dict:
    if source.startswith("table:"):
        match = tables[tables["indicator_id"] == source[6:]]
        return match.iloc[0].to_dict() if len(match) else {"status": NOT_SUPPLIED}
    return asdict(mi_indicator(mi, MI_CATALOGUE[source], *windows))


def _figure(row: dict) -> dict[str, str]:
    return {
        "figure": f"{row['indicator']}: {_text(row.get('current_text'))}",
        "period": in_words(row.get("current_label")),
        "change": _text(row.get("change_text")),
    }


def statement_7a(tables: pd.DataFrame, mi: pd.DataFrame | None, baseline: Window, current: Window) -> pd.DataFrame:
    """One row per national measure: what applies, the force's figure where the data measure it (its
    verdict as tested or by direction only), else ``not supplied``; a police.uk figure that only
    resembles the measure is added as context with :data:`NO_VERDICT`."""
    rows = []
    for m in MEASURES_7A:
        found = [
            r for r in (_row(s, tables, mi, (baseline, current)) for s in m.sources) if r["status"] != NOT_SUPPLIED
        ]
        if found:
            row, v = found[0], verdict(found[0])
            rows.append({"measure": m.name, "what applies": m.applies, **_figure(row), "verdict": v.status})
        else:
            rows.append(
                {"measure": m.name, "what applies": m.applies, "figure": NOT_SUPPLIED, "period": "", "change": ""}
                | {"verdict": NOT_SUPPLIED}
            )
        context = tables[tables["indicator_id"] == m.context] if m.context else tables.iloc[0:0]
        if len(context):
            figure = _figure(context.iloc[0].to_dict())
            figure["figure"] = f"context only: {figure['figure']} ({m.context_reason})"
            rows.append({"measure": m.name, "what applies": "", **figure, "verdict": NO_VERDICT})
    return pd.DataFrame(rows, columns=["measure", "what applies", "figure", "period", "change", "verdict"])


def complaints_7c(mi: pd.DataFrame | None, baseline: Window, current: Window) -> pd.DataFrame:
    """Complaints information (7C) from the management information, ``not supplied`` per figure absent."""
    rows = []
    for ind in COMPLAINTS_7C:
        row = asdict(mi_indicator(mi, MI_CATALOGUE[ind], baseline, current))
        supplied = row["status"] != NOT_SUPPLIED
        rows.append(
            {
                "figure": row["indicator"],
                "value": _text(row.get("current_text")) if supplied else NOT_SUPPLIED,
                "period": in_words(row.get("current_label")) if supplied else "",
                "change": _text(row.get("change_text")) if supplied else "",
            }
        )
    return pd.DataFrame(rows, columns=["figure", "value", "period", "change"])


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_peel(text: str, path: Path) -> pd.DataFrame:
    """The PEEL grades in ``text`` (``path`` named in errors): ``published``, ``area``, ``grade``.

    >>> parse_peel("published,area,grade\\n2023-03-14,Investigating crime,Requires improvement\\n", Path("peel.csv"))
        published                 area                 grade
    0  2023-03-14  Investigating crime  requires improvement
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip().casefold() for c in rows[0]] != list(PEEL_COLUMNS):
        raise DataError("the header is not the PEEL file's", file=str(path), row=1, expected=",".join(PEEL_COLUMNS))
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(PEEL_COLUMNS):
            raise DataError(f"has {len(cells)} fields", file=str(path), row=number, expected="3 fields")
        published, area, grade = (" ".join(c.split()) for c in cells)
        if not _DATE.match(published):
            raise DataError(f"{published!r} is not a date", file=str(path), row=number, column="published")
        if grade.casefold() not in PEEL_GRADES:
            raise DataError(
                f"grade {grade!r} is not a PEEL grade",
                file=str(path),
                row=number,
                column="grade",
                expected=", ".join(PEEL_GRADES),
            )
        if not area:
            raise DataError("area is empty", file=str(path), row=number, column="area")
        out.append({"published": published, "area": area, "grade": grade.casefold()})
    return pd.DataFrame(out, columns=list(PEEL_COLUMNS))


def load_peel(data_dir: Path) -> pd.DataFrame | None:
    """The latest inspection's grades from ``data_dir/peel.csv`` (rows of its latest ``published``
    date), ``None`` when the file is absent."""
    path = Path(data_dir) / PEEL_FILE
    if not path.is_file():
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError("is not UTF-8 text", file=str(path)) from exc
    frame = parse_peel(text, path)
    if frame.empty:
        return frame
    return frame[frame["published"] == frame["published"].max()].reset_index(drop=True)
