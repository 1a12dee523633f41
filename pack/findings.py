"""Plain-English key findings generated from indicator rows (never typed in)."""

from __future__ import annotations

import math
import re

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


def finding_sentence(row: pd.Series) -> str:
    """One sentence for one indicator row.

    >>> row = pd.Series({"indicator": "Anti-social behaviour incidents", "baseline_value": 50370.0,
    ...     "current_value": 25190.0, "pct_change": -49.99, "baseline_label": "12 months ending May 2021",
    ...     "current_label": "12 months ending January 2024", "status": "improved", "unit": "incidents",
    ...     "note": "exact Poisson test of the two daily rates at the 5% level"})
    >>> import textwrap
    >>> print(textwrap.fill(finding_sentence(row), 100))
    Anti-social behaviour incidents fell by 50% (from 50,370 to 25,190 incidents) between the 12 months
    ending May 2021 and the 12 months ending January 2024; this is a statistically significant
    improvement.
    """
    name, unit = str(row["indicator"]), str(row.get("unit", "") or "")
    status = row["status"]
    shown_unit = "" if unit in ("£m", "%") else f" {unit}"
    if status == "not supplied":
        return f"{name}: not supplied ({row.get('note', '')})."
    cur = row["current_value"]
    if cur is None or pd.isna(cur):
        return f"{name}: no figure for {period_phrase(row['current_label'])} ({row.get('note', '')})."
    base = row["baseline_value"]
    if base is None or pd.isna(base):
        return (
            f"{name} was {format_value(cur, unit)}{shown_unit} in {period_phrase(row['current_label'])}; "
            "no comparable baseline figure."
        )
    pct = row["pct_change"]
    if pct is None or pd.isna(pct) or round(abs(pct)) == 0:
        verb = "was unchanged" if math.isclose(base, cur) else "changed little"
        movement = f"{verb} ({format_value(base, unit)} and {format_value(cur, unit)}{shown_unit})"
    else:
        verb = "rose" if cur > base else "fell"
        movement = (
            f"{verb} by {abs(pct):.0f}% (from {format_value(base, unit)} to {format_value(cur, unit)}{shown_unit})"
        )
    sentence = (
        f"{name} {movement} between {period_phrase(row['baseline_label'])} and {period_phrase(row['current_label'])}"
    )
    tested = "Poisson" in str(row.get("note", ""))  # counts are tested; MI shows direction only
    if status in ("improved", "worse") and tested:
        sentence += f"; this is a statistically significant {'improvement' if status == 'improved' else 'worsening'}"
    elif status == "no significant change":
        sentence += "; the change is not statistically significant"
    return sentence + "."


def period_phrase(label: str) -> str:
    """A period label as it reads inside a sentence.

    >>> [period_phrase(x) for x in ("12 months ending May 2021", "at 31 May 2021", "2022")]
    ['the 12 months ending May 2021', '31 May 2021', '2022']
    """
    label = str(label)
    if label.startswith("at "):
        return label[3:]
    if re.match(r"^\d+ months ending ", label) or label.endswith("(financial year to date)"):
        return f"the {label}"
    return label


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
        return f"{name}: no figure for {period_phrase(row['current_label'])}"
    if pd.isna(row["pct_change"]):
        return f"{name}: {format_value(row['current_value'])} in {period_phrase(row['current_label'])}"
    verb = "rose" if row["pct_change"] > 0 else "fell"
    return (
        f"{name} {verb} {abs(row['pct_change']):.0f}% in {period_phrase(row['current_label'])} "
        f"against {period_phrase(row['baseline_label'])}"
    )


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
    return f"{top['district']} had the most {what} in {period_phrase(current_label)}"


def uplift_title(uplift: pd.DataFrame, target: float | None) -> str:
    """Officer headcount title: increase since September 2019 against the uplift target."""
    last = uplift.iloc[-1]
    gained = last["increase_since_sep_2019"]
    if pd.isna(gained):
        return f"Officer headcount was {last['officers']:,.0f} at {last['date']}"
    text = f"Officer headcount rose by {gained:,.0f} between September 2019 and {last['date']}"
    if target is not None and not pd.isna(target):
        text += f", {'above' if gained >= target else 'below'} the uplift target of {target:,.0f}"
    return text


def largest_group_title(table: pd.DataFrame, column: str, what: str, group: str) -> str:
    """Title naming the group with most of ``column``."""
    top = table.sort_values(column, ascending=False).iloc[0]
    plural = "Other road users" if top[group] == "Other" else f"{top[group]}s"
    return f"{plural} were the largest group of {what} in {period_phrase(column)}"


def adjusted_ksi_sentence(adjusted: float | None, table: pd.DataFrame, label: str) -> str:
    """Which severity measure is used, and the adjusted figure where supplied."""
    if adjusted is None:
        return (
            "Severity is as recorded by the police: the files supplied carry no DfT severity adjustment, "
            "so KSI trends across a change of injury-recording system should be read with care."
        )
    recorded = table.set_index("indicator_id").loc["ksi_casualties", "current_value"]
    return (
        f"On DfT's severity-adjusted basis the {label} had {adjusted:,.0f} KSI casualties, against "
        f"{recorded:,.0f} as recorded; the indicator table uses recorded severity so that it matches "
        "the years without adjustment, and this adjusted figure is shown for comparison."
    )


def mi_history(mi: pd.DataFrame | None, ids: list[str]) -> pd.DataFrame:
    """Every supplied management-information row for ``ids`` (indicator, period, value, unit,
    source and the supplier's note, shown as plain text)."""
    from pack.catalogue import MI_CATALOGUE

    columns = ["indicator", "period", "value", "unit", "source", "note"]
    if mi is None:
        return pd.DataFrame(columns=columns)
    rows = mi[mi["indicator_id"].isin(ids)].sort_values(["indicator_id", "period_end"])
    return pd.DataFrame(
        {
            "indicator": [MI_CATALOGUE[i].name for i in rows["indicator_id"]],
            "period": [
                f"{a} to {b}" if a != b else b for a, b in zip(rows["period_start"], rows["period_end"], strict=True)
            ],
            "value": rows["value"].to_numpy(),
            "unit": rows["unit"].to_numpy(),
            "source": rows["source"].to_numpy(),
            "note": rows["note"].to_numpy(),
        },
        columns=columns,
    )


def rural_sentence(summary: pd.DataFrame, area: pd.DataFrame, label: str) -> str:
    """Rural share of records against rural share of population, and how much was classified."""
    s = summary.set_index("area")
    classified = s.loc["rural", "records"] + s.loc["urban", "records"]
    total = float(s["records"].sum())
    return (
        f"Of {total:,.0f} records in {period_phrase(label)}, {classified / total * 100:.1f}% "
        "could be classified as rural or urban. "
        f"Rural LSOAs ({int(area['rural'].sum()):,} of {len(area):,} in the force area) hold "
        f"{s.loc['rural', 'share_of_population_pct']:.1f}% of residents ({s.loc['rural', 'population']:,.0f} of "
        f"{area['population'].sum():,.0f}) and {s.loc['rural', 'share_of_records_pct']:.1f}% of classified records."
    )


def rural_rate_title(summary: pd.DataFrame) -> str:
    """Title comparing rural and urban rates per 1,000 residents."""
    s = summary.set_index("area")
    r, u = s.loc["rural", "rate_per_1000"], s.loc["urban", "rate_per_1000"]
    if r is None or u is None or pd.isna(r) or pd.isna(u):
        return "Records per 1,000 residents in rural and urban areas"
    return f"Rural areas recorded {r:,.0f} records per 1,000 residents against {u:,.0f} in urban areas"


def outcome_title(mix: pd.DataFrame, label: str) -> str:
    """Title naming the most common outcome group."""
    if mix.empty:
        return f"No crimes recorded in {period_phrase(label)}"
    top = mix.sort_values("crimes", ascending=False).iloc[0]
    return (
        f"'{top['outcome']}' was the most common outcome ({top['share_pct']:.0f}%) "
        f"for crimes recorded in {period_phrase(label)}"
    )


def budget_title(lines: pd.DataFrame, what: str, year: str) -> str:
    """Title naming the largest budget line and its share."""
    top = lines.sort_values("value_gbp_m", ascending=False).iloc[0]
    return (
        f"{top['line']} take {top['share_pct']:.1f}% of the {what.lower()} {year} (£{lines['value_gbp_m'].sum():,.3f}m)"
    )


def funding_sentence(funding: pd.DataFrame, revenue: pd.DataFrame, year: str) -> str:
    """Net expenditure, its funding, and the difference from the revenue table total."""
    from pack.finance import funding_balance

    balance = funding_balance(funding)
    if balance is None:
        return f"Funding lines for {year} were not supplied in full."
    net, sources = balance
    gross = float(revenue["value_gbp_m"].sum())
    text = f"In {year} net expenditure was £{net:,.3f}m, funded by £{sources:,.3f}m of grants and council tax"
    text += " (the two agree)." if abs(net - sources) < 0.0005 else f" (a gap of £{net - sources:,.3f}m)."
    text += (
        f" The revenue table sums to £{gross:,.3f}m: £{gross - net:,.3f}m more than net expenditure, "
        "because it shows gross spending before income."
    )
    return text
