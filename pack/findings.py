"""Plain-English key findings generated from indicator rows (never typed in)."""

from __future__ import annotations

import math

import pandas as pd


def format_value(value: float, unit: str = "") -> str:
    """``50,370``, ``£8.3m``, ``97%`` or ``6.5`` depending on the unit and size."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    if unit == "£m":
        return f"£{value:,.3f}m".replace(".000m", "m")
    if unit == "%":
        return f"{value:,.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _lower_first(text: str) -> str:
    keep = ("ASB", "KSI", "Neighbourhood Watch", "Community Speedwatch", "Farm Watch", "CPS", "RASSO")
    return text if text.startswith(keep) else text[:1].lower() + text[1:]


def finding_sentence(row: pd.Series) -> str:
    """One sentence for one indicator row.

    >>> row = pd.Series({"indicator": "Anti-social behaviour incidents", "baseline_value": 50370.0,
    ...     "current_value": 25190.0, "pct_change": -49.99, "baseline_label": "12 months ending May 2021",
    ...     "current_label": "12 months ending January 2024", "status": "improved", "unit": "incidents"})
    >>> finding_sentence(row)
    'Anti-social behaviour incidents fell by 50% (from 50,370 to 25,190 incidents) between the 12 months ending May 2021 and the 12 months ending January 2024; this is a statistically significant improvement.'
    """
    name, unit = str(row["indicator"]), str(row.get("unit", "") or "")
    status = row["status"]
    shown_unit = "" if unit in ("£m", "%") else f" {unit}"
    if status == "not supplied":
        return f"{name}: not supplied ({row.get('note', '')})."
    cur = row["current_value"]
    if cur is None or pd.isna(cur):
        return f"{name}: no figure for {row['current_label']} ({row.get('note', '')})."
    base = row["baseline_value"]
    if base is None or pd.isna(base):
        return f"{name} was {format_value(cur, unit)}{shown_unit} in the {row['current_label']}; no comparable baseline figure."
    pct = row["pct_change"]
    if pct is None or pd.isna(pct) or round(abs(pct)) == 0:
        verb = "was unchanged" if math.isclose(base, cur) else "changed little"
        movement = f"{verb} ({format_value(base, unit)} and {format_value(cur, unit)}{shown_unit})"
    else:
        verb = "rose" if cur > base else "fell"
        movement = f"{verb} by {abs(pct):.0f}% (from {format_value(base, unit)} to {format_value(cur, unit)}{shown_unit})"
    sentence = f"{name} {movement} between the {_lower_first(str(row['baseline_label']))} and the {row['current_label']}"
    if status in ("improved", "worse") and "significance" not in str(row.get("note", "")):
        if "Poisson" in str(row.get("note", "")):
            sentence += f"; this is a statistically significant {'improvement' if status == 'improved' else 'worsening'}"
    elif status == "no significant change":
        sentence += "; the change is not statistically significant"
    return sentence.replace("the at ", "").replace("the 20", "20") + "."


def key_findings(table: pd.DataFrame, ids: list[str] | None = None, limit: int = 6) -> list[str]:
    """Sentences for the rows with figures (``ids`` first, in order), at most ``limit``."""
    rows = table.set_index("indicator_id", drop=False)
    chosen = [i for i in (ids or []) if i in rows.index]
    chosen += [i for i in rows.index if i not in chosen and rows.loc[i, "status"] != "not supplied"]
    sentences = [finding_sentence(rows.loc[i]) for i in chosen[:limit]]
    missing = rows[rows["status"] == "not supplied"]
    if len(missing):
        sentences.append(
            f"{len(missing)} indicator(s) could not be reported because their input was not supplied: "
            + ", ".join(missing["indicator"].head(8))
            + ("…" if len(missing) > 8 else "")
            + "."
        )
    return sentences


def headline(table: pd.DataFrame, indicator_id: str) -> str:
    """A chart title that states the finding for one indicator row."""
    row = table.set_index("indicator_id").loc[indicator_id]
    name = str(row["indicator"]).split(" (")[0]
    if pd.isna(row["current_value"]):
        return f"{name}: no figure for the {row['current_label']}"
    if pd.isna(row["pct_change"]):
        return f"{name}: {format_value(row['current_value'])} in the {row['current_label']}"
    verb = "rose" if row["pct_change"] > 0 else "fell"
    return f"{name} {verb} {abs(row['pct_change']):.0f}% in the {row['current_label']} against the {row['baseline_label']}"


def xmr_title(what: str, series: pd.Series) -> str:
    """Title of an XmR chart: whether the last 24 months show special-cause variation."""
    from pack.spc import special_causes

    flags = special_causes(series)
    n = int(flags["any"].sum())
    if n == 0:
        return f"{what}: common-cause variation only over the last {len(series)} months"
    return f"{what}: {n} of the last {len(series)} months show special-cause variation"


def district_title(table: pd.DataFrame, what: str, current_label: str) -> str:
    """Title of a district chart naming the district with most records."""
    if table.empty:
        return f"{what} by district: no records"
    top = table.iloc[0]
    return f"{top['district']} had the most {what} in the {current_label}"
