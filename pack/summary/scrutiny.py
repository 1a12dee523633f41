"""Questions a police and crime panel could ask, generated from the pack's own signals.

Four kinds of signal, in this order: a statistically significant change in the worse direction (a
tested ``worse`` verdict); special-cause variation of concern in the reporting period on a headline
measure's control chart; a published claim the data do not support (``not consistent`` in the claims
check), then one from a source the data do not measure (``different source``); measures not supplied
or out of date. Each question names the figure and the periods, and
asks; it never offers a cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pack.config import CLAIMS_STEM
from pack.periods import Month
from pack.spc import MIN_POINTS, xmr
from pack.summary.scorecard import Tile
from pack.verdicts import Verdict, in_words, label_months, movement, number, to_float, verdict, with_unit

COUNT_UNITS = ("crimes", "incidents", "records", "offences")  # recorded by the police: recording or offending?


def deterioration_question(row: Mapping) -> str:
    """The question for a tested ``worse`` verdict.

    >>> from textwrap import fill
    >>> print(fill(deterioration_question({"indicator": "Violence and sexual offences", "baseline_value": 42510,
    ...     "current_value": 45280, "pct_change": 6.52, "unit": "crimes", "baseline_label": "12 months ending May 2021",
    ...     "current_label": "12 months ending January 2024"}), 100))
    Violence and sexual offences rose by 6.5% (from 42,510 to 45,280 crimes) between the 12 months
    ending May 2021 and the 12 months ending January 2024, a statistically significant rise: what is
    driving the rise, and how much of it is recording rather than offending?
    """
    unit = str(row.get("unit", "") or "")
    moved = movement(row) or ""
    direction, size = moved.split(" ", 1) if " " in moved else (moved, "")
    verb, noun = ("rose", "rise") if direction == "up" else ("fell", "fall")
    base, cur = to_float(row.get("baseline_value")), to_float(row.get("current_value"))
    values = (
        f"from {number(base)} to {with_unit(cur, unit)}"  # type: ignore[arg-type]
        if unit not in ("%", "£m")
        else f"from {with_unit(base, unit)} to {with_unit(cur, unit)}"
    )
    periods = f"between {_the(in_words(row.get('baseline_label')))} and {_the(in_words(row.get('current_label')))}"
    ask = f"what is driving the {noun}"
    if unit in COUNT_UNITS and direction == "up":
        ask += ", and how much of it is recording rather than offending?"
    else:
        ask += ", and what is being done about it?"
    return f"{row['indicator']} {verb} by {size} ({values}) {periods}, a statistically significant {noun}: {ask}"


def _the(label: str) -> str:
    if label.startswith("at "):
        return label[3:]
    return f"the {label}" if label[:1].isdigit() and "months ending" in label else label


def concern_question(name: str, values: pd.Series, better_when: str, first: Month, last: Month) -> str | None:
    """The question for special-cause variation of concern between months ``first`` and ``last`` on a
    monthly series' control chart, or ``None`` when there is none.

    >>> months = [str(Month(2022, 1) + i) for i in range(24)]
    >>> series = pd.Series([10.0, 11.0] * 10 + [30.0, 10.0, 11.0, 10.0], index=months)
    >>> concern_question("Burglary", series, "lower", Month(2023, 2), Month(2024, 1))
    'Burglary: 1 month of the reporting period (September 2023) shows special-cause variation of concern ...'
    """
    result = xmr(values.astype("float64"), better_when)
    points = result.points
    inside = pd.Series([first <= Month.parse(str(m)[:7]) <= last for m in points.index], index=points.index)
    concern = points[(points["point_type"] == "special_cause_concern") & inside]
    if concern.empty:
        return None
    months = [Month.parse(str(m)[:7]).name for m in concern.index]
    when = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    rules = sorted(set(concern["rule"]))
    plural = "month" if len(months) == 1 else "months"
    verb = "shows" if len(months) == 1 else "show"
    return (
        f"{name}: {len(months)} {plural} of the reporting period ({when}) {verb} special-cause variation of concern "
        f"on its control chart ({'; '.join(rules)}). What happened, and what is being done about it?"
    )


def claim_question(row: Mapping) -> str:
    """The question for a published claim the data do not support.

    >>> claim_question({"quote": "ASB fell by 50%.", "source": "End of Term Report", "stated": -50.0,
    ...                 "computed": -41.2, "compared": "12 months ending May 2021 → 12 months ending January 2024"})
    'The End of Term Report says: "ASB fell by 50%." The data supplied give -41.2 (12 months ... stated: ...'
    """
    computed, stated = to_float(row.get("computed")), to_float(row.get("stated"))
    figures = f"{number(computed)} ({row['compared']})" if computed is not None else "a different figure"
    stated_text = f" against {number(stated)} stated" if stated is not None else ""
    quote = str(row["quote"]).lstrip("'")
    ask = "what explains the difference?"
    return f'The {row["source"]} says: "{quote}" The data supplied give {figures}{stated_text}: {ask}'


def source_question(row: Mapping) -> str:
    """The question for a published claim whose source is not what the data measure ("different
    source"): the panel cannot check it from this pack.

    >>> print(source_question({"quote": "138 ASB incidents a day.", "source": "End of Term Report",
    ...                        "claim_source": "the force's incident system"}))
    The End of Term Report says: "138 ASB incidents a day." Its figure comes from the force's incident system, ...
    """
    quote = str(row["quote"]).lstrip("'")
    origin = str(row.get("claim_source") or "another source")
    return (
        f'The {row["source"]} says: "{quote}" Its figure comes from {origin}, which the data supplied do not '
        "measure: can the panel see that source's figures for the same months?"
    )


def missing_question(priority: str, rows: list[Mapping], period: str) -> str | None:
    """One question per priority for its measures not supplied or out of date, naming them.

    >>> missing_question("Road Safety", [{"indicator": "Fatal 4: seatbelt offences", "status": "not supplied"}], "")
    'Road Safety: 1 measure was not supplied for this pack (Fatal 4: seatbelt offences). When will it be supplied, ...'
    """
    absent = [str(r["indicator"]) for r in rows if r.get("status") == "not supplied"]
    stale = [
        f"{r['indicator']} ({in_words(r.get('current_label')) or 'no date'})"
        for r in rows
        if r.get("status") == "out of date"
    ]
    parts = []
    if absent:
        one = len(absent) == 1
        parts.append(
            f"{len(absent)} measure{'' if one else 's'} {'was' if one else 'were'} not supplied for this pack "
            f"({', '.join(absent)}). When will {'it' if one else 'they'} be supplied, and by whom?"
        )
    if stale:
        one = len(stale) == 1
        parts.append(
            f"{len(stale)} measure{'' if one else 's'} {'is' if one else 'are'} out of date for the {period} "
            f"({', '.join(stale)}). When will an up-to-date figure be available?"
        )
    return f"{priority}: {' '.join(parts)}" if parts else None


def questions(tables: pd.DataFrame, tiles: list[Tile], claims: pd.DataFrame | None, current_label: str) -> list[str]:
    """Every question, in the order of the module docstring; ``claims`` is the claims check's verdict
    table (``tables/07_claims_check-verdicts.csv``), ``None`` when it was not run."""
    worse = [r for r in tables.to_dict("records") if verdict(r) == Verdict("worse", True, "worse")]
    out = [deterioration_question(r) for r in worse]
    for tile in tiles:
        for m in tile.measures:
            months = _current(tables, m.indicator_id)
            if m.trend is not None and m.trend.monthly and months is not None and len(m.trend.values) >= MIN_POINTS:
                question = concern_question(m.name, m.trend.values, m.better_when, *months)
                if question:
                    out.append(question)
    if claims is not None and len(claims):
        out += [claim_question(r) for r in claims.to_dict("records") if r.get("verdict") == "not consistent"]
        out += [source_question(r) for r in claims.to_dict("records") if r.get("verdict") == "different source"]
    for p in (tile.priority for tile in tiles):  # one tile per priority of the plan
        rows = tables[tables["stem"] == p.stem].to_dict("records")
        question = missing_question(p.title, rows, current_label)
        if question:
            out.append(question)
    return out


def _current(tables: pd.DataFrame, indicator_id: str) -> tuple[Month, Month] | None:
    rows = tables[tables["indicator_id"] == indicator_id]
    return None if rows.empty else label_months(rows["current_label"].iloc[0])


def read_claim_verdicts(output_dir: Path | str) -> pd.DataFrame | None:
    """The claims check's verdicts (``tables/07_claims_check-verdicts.csv``), ``None`` when it has not run."""
    path = Path(output_dir) / "tables" / f"{CLAIMS_STEM}-verdicts.csv"
    return pd.read_csv(path) if path.is_file() else None
