"""Strategic summary: the six indicator tables read together, and the National Crime and Policing Measures.

The first screen, the scorecard and the scrutiny questions are in :mod:`pack.scorecard`, :mod:`pack.tiles`
and :mod:`pack.scrutiny`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pack.catalogue import MI_CATALOGUE
from pack.config import PRIORITIES
from pack.data import Dataset
from pack.errors import NotebookError
from pack.indicators import mi_indicator
from pack.periods import Window


def read_indicator_tables(output_dir: Path | str) -> pd.DataFrame:
    """Every priority's indicator table, with ``priority`` and ``stem`` columns, in plan order.

    Raises :class:`NotebookError` naming the tables that are missing and how to make them (the
    summary reads what the six priority notebooks wrote into the same ``output_dir``).
    """
    tables = {p: Path(output_dir) / "tables" / f"{p.stem}-indicators.csv" for p in PRIORITIES}
    missing = [p for p, path in tables.items() if not path.is_file()]
    if missing:
        names = ", ".join(f"tables/{p.stem}-indicators.csv" for p in missing)
        raise NotebookError(
            f"the strategic summary needs the six priority indicator tables in {Path(output_dir).absolute()}; "
            f"missing: {names}. Run the priority notebooks first with the same output_dir "
            f"({', '.join(p.stem for p in missing)}), or build the whole pack: python run_pack.py build"
        )
    frames = [
        pd.read_csv(path, keep_default_na=True).assign(stem=p.stem, priority=p.title) for p, path in tables.items()
    ]
    return pd.concat(frames, ignore_index=True)


NATIONAL_MEASURES = [
    ("Reduce murder and other homicide", "mi", "homicides"),
    ("Reduce serious violence (proxy: possession of weapons offences)", "table", "possession_of_weapons"),
    ("Disrupt drugs supply and county lines", "mi", "county_lines_closed"),
    ("Reduce neighbourhood crime", "table", "neighbourhood_crime"),
    ("Tackle cyber crime", "mi", "cyber_crime_reports"),
    ("Improve satisfaction among victims", "mi", "victim_satisfaction_pct"),
]


def national_measures(tables: pd.DataFrame, data: Dataset, baseline: Window, current: Window) -> pd.DataFrame:
    """The force's figure for each National Crime and Policing Measure, else ``not supplied``."""
    mi = data.table("mi")
    rows = []
    for measure, kind, ind in NATIONAL_MEASURES:
        if kind == "table":
            match = tables[tables["indicator_id"] == ind]
            row = match.iloc[0].to_dict() if len(match) else None
        else:
            r = mi_indicator(mi, MI_CATALOGUE[ind], baseline, current)
            row = {
                "current_value": r.current_value,
                "current_label": r.current_label,
                "baseline_value": r.baseline_value,
                "pct_change": r.pct_change,
                "status": r.status,
                "source": r.source,
            }
        if row is None or row["status"] == "not supplied" or pd.isna(row.get("current_value")):
            rows.append(
                {"measure": measure, "figure": "not supplied", "period": "", "change": "", "status": "not supplied"}
            )
            continue
        pct = row.get("pct_change")
        rows.append(
            {
                "measure": measure,
                "figure": f"{float(row['current_value']):,.0f}",
                "period": row["current_label"],
                "change": "" if pct is None or pd.isna(pct) else f"{float(pct):+.1f}%",
                "status": row["status"],
            }
        )
    return pd.DataFrame(rows)
