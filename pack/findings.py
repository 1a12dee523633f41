"""Plain-English key findings generated from indicator rows (never typed in).

Sentences are built from the figures a row holds (:mod:`pack.figures`): a window that is not covered
or a value that is out of date is said to be so, shares change in percentage points, a small base
gets no percentage, and a change is called significant only when a test was applied.
"""

from __future__ import annotations

import math
import re
import textwrap  # noqa: F401 (doctests)

import pandas as pd

from pack.errors import ParameterError
from pack.figures import Change, Figure, unit
from pack.periods import Month
from pack.spc import SPCResult, describe
from pack.units import number
from pack.verdicts import is_tested


def _text(row: pd.Series, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _figures(row: pd.Series) -> Change:
    units = unit(_text(row, "unit"))

    def figure(column: str, label: str) -> Figure:
        value = row.get(column)
        value = None if value is None or pd.isna(value) else float(value)
        return Figure(value, units, _text(row, label))

    return Change(figure("baseline_value", "baseline_label"), figure("current_value", "current_label"))


def finding_sentence(row: pd.Series, baseline_names: dict[str, str] | None = None) -> str:
    """One sentence for one indicator row; ``baseline_names`` (period label -> name, e.g. ``{"12 months
    ending May 2021": "plan baseline"}``) names the baseline a change is measured against.

    >>> row = pd.Series({"indicator": "Anti-social behaviour incidents", "baseline_value": 50370.0,
    ...     "current_value": 25190.0, "pct_change": -49.99, "baseline_label": "12 months ending May 2021",
    ...     "current_label": "12 months ending January 2024", "status": "improved", "unit": "incidents",
    ...     "test": "quasi-Poisson comparison of two windows, 5% level", "note": "", "tested": True})
    >>> import textwrap
    >>> print(textwrap.fill(finding_sentence(row), 100))
    Anti-social behaviour incidents fell by 50% (from 50,370 to 25,190 incidents) between the 12 months
    ending May 2021 and the 12 months ending January 2024; this is a statistically significant
    improvement.
    """
    name = str(row["indicator"])
    status = row["status"]
    note = _text(row, "note")
    if status == "not supplied":
        return f"{name}: not supplied ({note})."
    if status == "out of date":
        return f"{name}: {_text(row, 'current_text')}; it is not reported as current and not compared."
    change = _figures(row)
    cur = change.current
    if cur.shown is None:
        return f"{name}: no figure for {period_phrase(row['current_label'])} ({note})."
    cur_text = _text(row, "current_text") or cur.unit.format(cur.shown)
    if change.baseline.shown is None:
        why = _text(row, "baseline_text")
        base_label = _text(row, "baseline_label")
        if base_label and why and why != "no figure":
            return (
                f"{name} was {cur_text} in {period_phrase(row['current_label'])}; no comparison with "
                f"{period_phrase(base_label)} ({why})."
            )
        return f"{name} was {cur_text} in {period_phrase(row['current_label'])}; no comparable baseline figure."
    against = period_phrase(row["baseline_label"])
    named = (baseline_names or {}).get(str(row["baseline_label"]))
    if named:
        against = f"the {named} ({against})"
    sentence = f"{name} {change.movement()} between {against} and {period_phrase(row['current_label'])}"
    test = _text(row, "test")
    if test.startswith("none: windows overlap"):
        sentence += (
            f"; the two periods share months ({test.split('(', 1)[-1].rstrip(')')}), so the change is not tested"
        )
    elif is_tested(row) and status in ("improved", "worse"):
        sentence += f"; this is a statistically significant {'improvement' if status == 'improved' else 'worsening'}"
    elif is_tested(row) and status == "no significant change":
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


def key_findings(
    table: pd.DataFrame, ids: list[str] | None = None, limit: int = 6, baseline_names: dict[str, str] | None = None
) -> list[str]:
    """Sentences for the rows with figures (``ids`` first, in order), at most ``limit``; each change names
    its baseline where ``baseline_names`` has it (:func:`finding_sentence`)."""
    rows = table.set_index("indicator_id", drop=False)
    chosen = [i for i in (ids or []) if i in rows.index]
    chosen += [i for i in rows.index if i not in chosen and rows.loc[i, "status"] != "not supplied"]
    sentences = [finding_sentence(rows.loc[i], baseline_names) for i in chosen[:limit]]
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
    """A chart title that states the finding for one indicator row (percentage points for shares,
    no percentage on a small base; what is missing when a figure is not shown)."""
    row = table.set_index("indicator_id").loc[indicator_id]
    name = str(row["indicator"]).split(" (")[0]
    change = _figures(row)
    if row["status"] == "out of date":
        return f"{name}: {_text(row, 'current_text')}"
    if change.current.shown is None:
        return f"{name}: no figure for {period_phrase(row['current_label'])}"
    if change.baseline.shown is None:
        return f"{name}: {change.current.unit.format(change.current.shown)} in {period_phrase(row['current_label'])}"
    movement = change.movement().split(" (from ")[0]
    return f"{name} {movement} in {period_phrase(row['current_label'])} against {period_phrase(row['baseline_label'])}"


def xmr_title(what: str, result: SPCResult) -> str:
    """Title of an XmR chart: what happened (:func:`pack.spc.describe`), not a count of flagged months.

    >>> from pack.spc import xmr
    >>> months = [str(Month(2020, 11) + i) for i in range(40)]
    >>> xmr_title("Burglary", xmr(pd.Series([20, 22] * 10 + [10, 12] * 10, index=months), "lower"))
    'Burglary: sustained fall since mid-2022: limits recalculated from July 2022; common-cause variation since'
    """
    return describe(result, what)


def xmr_sentences(result: SPCResult, what: str) -> list[str]:
    """What an XmR chart shows, in words: each rebasing (when and why, the mean before and after), the
    special-cause months of the latest phase as improvement or concern, and the Making Data Count
    variation icon of the latest month with its meaning. ``what`` is what a point's value is, e.g.
    ``incidents a month`` or ``seconds``.

    >>> from pack.spc import xmr
    >>> months = [str(Month(2020, 11) + i) for i in range(40)]
    >>> result = xmr(pd.Series([20, 22] * 10 + [10, 12] * 10, index=months), "lower")
    >>> for s in xmr_sentences(result, "burglaries a month"):
    ...     print(textwrap.fill(s, 100))
    The limits were recalculated from July 2022 after a sustained shift (a run of 7 or more months on
    one side of the mean): the mean moved from 21 to 11 burglaries a month.
    Latest month (February 2024): common cause variation: only the variation expected of this process:
    no significant change.
    """
    if not result.has_limits:
        return [f"No control limits: {result.note or 'too few points'}."]
    sentences = []
    for before, after in zip(result.phases[:-1], result.phases[1:], strict=True):
        if before.limits is None or after.limits is None:
            continue
        why = (
            "after a sustained shift (a run of 7 or more months on one side of the mean)"
            if after.automatic
            else "at a known change"
        )
        sentences.append(
            f"The limits were recalculated from {_month_words(after.first)} {why}: the mean moved from "
            f"{number(before.limits.mean, 1)} to {number(after.limits.mean, 1)} {what}."
        )
    last = result.phases[-1]
    signals = result.points.iloc[last.start : last.stop]
    signals = signals[signals["special_cause"]]
    if len(signals):
        kinds = signals["point_type"].value_counts()
        words = {
            "special_cause_improvement": "improvement",
            "special_cause_concern": "concern",
            "special_cause_neutral_high": "unusually high (neither better nor worse)",
            "special_cause_neutral_low": "unusually low (neither better nor worse)",
            "special_cause_before_improvement": "the level before the improvement",
            "special_cause_before_concern": "the level before the deterioration",
        }
        counted = ", ".join(f"{n} {words.get(k, k)}" for k, n in sorted(kinds.items()))
        when = [_month_words(str(m)) for m in signals.index]
        listed = ", ".join(when) if len(when) <= 6 else f"{when[0]} to {when[-1]}"
        sentences.append(f"Special-cause months since {_month_words(last.first)}: {counted} ({listed}).")
    variation = result.variation
    latest = _month_words(str(result.points.index[-1]))
    sentences.append(f"Latest month ({latest}): {variation.label.lower()}: {variation.meaning}.")
    return sentences


def _month_words(label: str) -> str:
    try:
        return Month.parse(label).name
    except ParameterError:
        return label


def district_title(table: pd.DataFrame, what: str, label: str) -> str:
    """Title of a district chart naming the district with most records in the window ``label``
    (the force area's districts come first in the table, most records first)."""
    if table.empty:
        return f"{what} by district: no records"
    top = table.iloc[0]
    return f"{top['district']} had the most {what} in {period_phrase(label)}"


def uplift_title(uplift: pd.DataFrame, target: float | None, window=None) -> str:
    """Officer headcount title: increase since September 2019 against the uplift target; says when
    the latest figure is out of date for ``window`` (dated before it began)."""
    last = uplift.iloc[-1]
    gained = last["increase_since_sep_2019"]
    if pd.isna(gained):
        text = f"Officer headcount was {last['officers']:,.0f} at {last['date']}"
    else:
        text = f"Officer headcount rose by {gained:,.0f} between September 2019 and {last['date']}"
        if target is not None and not pd.isna(target):
            text += f", {'above' if gained >= target else 'below'} the uplift target of {target:,.0f}"
    if window is not None and str(last["date"]) < window.first_day:
        text += f" (out of date for the {window.label})"
    return text


def largest_group_title(table: pd.DataFrame, column: str | None, what: str, group: str) -> str:
    """Title naming the group with most of ``column`` (a window's label; ``None``: no covered window)."""
    if column is None or table.empty:
        return f"{what[:1].upper()}{what[1:]} by {group.replace('_', ' ')}: no window covered"
    top = table.sort_values(column, ascending=False).iloc[0]
    plural = "Other road users" if top[group] == "Other" else f"{top[group]}s"
    return f"{plural} were the largest group of {what} in {period_phrase(column)}"


def adjusted_ksi_sentence(adjusted: Figure, table: pd.DataFrame) -> str:
    """Which severity measure is used, and the adjusted figure where supplied and covered."""
    label = adjusted.window.label if adjusted.window is not None else adjusted.label
    if adjusted.state == "not covered":
        return f"No severity-adjusted KSI figure for the {label}: {adjusted.text()}."
    if adjusted.shown is None:
        return (
            "Severity is as recorded by the police: the files supplied carry no DfT severity adjustment, "
            "so KSI trends across a change of injury-recording system should be read with care."
        )
    recorded = table.set_index("indicator_id").loc["ksi_casualties", "current_value"]
    against = "" if pd.isna(recorded) else f", against {recorded:,.0f} as recorded"
    return (
        f"On DfT's severity-adjusted basis the {label} had {adjusted.shown:,.0f} KSI casualties{against}; "
        "the indicator table uses recorded severity so that it matches the years without adjustment, and "
        "this adjusted figure is shown for comparison."
    )


def mi_history(mi: pd.DataFrame | None, ids: list[str], until: str | None = None) -> pd.DataFrame:
    """Every supplied management-information row for ``ids`` (indicator, period, value, unit,
    source and the supplier's note, shown as plain text) for periods ending by ``until`` (an ISO
    date: the reporting period's last day), so no figure after the period is shown."""
    from pack.catalogue import MI_CATALOGUE

    columns = ["indicator", "period", "value", "unit", "source", "note"]
    if mi is None:
        return pd.DataFrame(columns=columns)
    rows = mi[mi["indicator_id"].isin(ids)].sort_values(["indicator_id", "period_end"])
    if until is not None:
        rows = rows[rows["period_end"] <= until]
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
    """Rural share of records against rural share of population, and how much was classified
    (``""`` for an empty summary: its window was not covered)."""
    if summary.empty:
        return ""
    s = summary.set_index("area")
    classified = s.loc["rural", "records"] + s.loc["urban", "records"]
    total = float(s["records"].sum())
    if not total:
        return f"No records in {period_phrase(label)}."
    in_rates = area[area["in_rates"]] if "in_rates" in area else area[area["population"].notna()]
    all_in = len(in_rates) == area["population"].notna().sum()
    residents = "residents" if all_in else "residents of the LSOAs in the rates"
    return (
        f"Of {total:,.0f} crimes (anti-social behaviour apart) in {period_phrase(label)}, "
        f"{classified / total * 100:.1f}% could be classified as rural or urban areas of the force area. "
        f"Rural LSOAs ({int(area['rural'].sum()):,} of {len(area):,} in the force area) hold "
        f"{s.loc['rural', 'share_of_population_pct']:.1f}% of {residents} ({s.loc['rural', 'population']:,.0f} of "
        f"{in_rates['population'].sum():,.0f}) and {s.loc['rural', 'share_of_records_pct']:.1f}% of classified crimes."
    )


def rural_rate_title(summary: pd.DataFrame) -> str:
    """Title comparing rural and urban crime rates per 1,000 residents (anti-social behaviour apart)."""
    plain = "Crimes per 1,000 residents in rural and urban areas (anti-social behaviour apart)"
    if summary.empty:
        return plain
    s = summary.set_index("area")
    r, u = s.loc["rural", "rate_per_1000"], s.loc["urban", "rate_per_1000"]
    if r is None or u is None or pd.isna(r) or pd.isna(u):
        return plain
    return (
        f"Rural areas recorded {r:,.0f} crimes per 1,000 residents against {u:,.0f} in urban areas "
        "(anti-social behaviour apart)"
    )


def outcome_title(mix: pd.DataFrame, label: str) -> str:
    """Title naming the most common outcome group."""
    if mix.empty:
        return f"No crimes recorded in {period_phrase(label)}"
    top = mix.sort_values("crimes", ascending=False).iloc[0]
    if pd.isna(top["share_pct"]):  # a public pack's table with its largest group blanked
        return f"Crimes recorded in {period_phrase(label)} by latest outcome: small counts suppressed"
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
