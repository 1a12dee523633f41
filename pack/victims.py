"""Victim Support and Safeguarding: violence and outcomes joined to street records by Crime ID.

An outcome figure for a window needs both inputs: the street files for the crimes recorded in it and
the outcome files for what became of them. A window either misses is *not covered*; with no outcome
files at all the outcome indicators are *not supplied* (every crime would otherwise read as having
"no outcome record").
"""

from __future__ import annotations

import pandas as pd

from pack.figures import Breakdown, Coverage, Figure, covered_value, unit, window_table
from pack.indicators import IndicatorRow, not_supplied, share_indicator
from pack.periods import Window, describe_months

OUTCOME_INPUTS = ("street", "outcomes")  # crimes from the street files, their outcomes from the outcome files

# data.police.uk outcome types grouped as the plan's readers ask about them.
OUTCOME_GROUPS = {
    "Suspect charged": "Charged or summonsed",
    "Suspect charged as part of another case": "Charged or summonsed",
    "Defendant sent to Crown Court": "Charged or summonsed",
    "Awaiting court outcome": "Charged or summonsed",
    "Offender given a caution": "Out-of-court resolution",
    "Local resolution": "Out-of-court resolution",
    "Offender given penalty notice": "Out-of-court resolution",
    "Offender given a drugs possession warning": "Out-of-court resolution",
    "Investigation complete; no suspect identified": "No suspect identified",
    "Unable to prosecute suspect": "Evidential difficulties",
    "Formal action is not in the public interest": "Not in the public interest or other body",
    "Further investigation is not in the public interest": "Not in the public interest or other body",
    "Further action is not in the public interest": "Not in the public interest or other body",
    "Action to be taken by another organisation": "Not in the public interest or other body",
    "Under investigation": "Under investigation",
    "Status update unavailable": "Under investigation",
}
GROUP_ORDER = [
    "Charged or summonsed",
    "Out-of-court resolution",
    "No suspect identified",
    "Evidential difficulties",
    "Not in the public interest or other body",
    "Under investigation",
    "No outcome record",
    "Other",
]


def outcome_group(outcome: object) -> str:
    """Group of one outcome type; ``No outcome record`` when the crime has none."""
    if outcome is None or (isinstance(outcome, float) and pd.isna(outcome)) or outcome == "":
        return "No outcome record"
    return OUTCOME_GROUPS.get(str(outcome), "Other")


def outcome_mix(
    crime_outcomes: pd.DataFrame, window: Window, crime_types: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Crimes recorded in ``window`` by the group of their latest outcome (from outcome files)."""
    rows = crime_outcomes[crime_outcomes["month"].isin(window.month_strings())]
    if crime_types:
        rows = rows[rows["crime_type"].isin(crime_types)]
    grouped = rows.assign(group=rows["outcome_type"].map(outcome_group)).groupby("group")["n"].sum()
    table = grouped.reindex(GROUP_ORDER, fill_value=0).rename_axis("outcome").reset_index(name="crimes")
    table["share_pct"] = (table["crimes"] / table["crimes"].sum() * 100).round(1) if table["crimes"].sum() else 0.0
    return table[table["crimes"] > 0].reset_index(drop=True)


def outcome_mix_table(crime_outcomes: pd.DataFrame, window: Window, coverage: Coverage) -> Breakdown:
    """:func:`outcome_mix` when the street *and* outcome files cover ``window``."""
    return window_table(lambda w: outcome_mix(crime_outcomes, w), window, coverage, OUTCOME_INPUTS, "outcome mix")


def matched_share(crime_outcomes: pd.DataFrame, window: Window) -> tuple[int, int]:
    """``(crimes with an outcome record, crimes)`` for crimes recorded in ``window``."""
    rows = crime_outcomes[crime_outcomes["month"].isin(window.month_strings())]
    return int(rows.loc[rows["outcome_type"].notna(), "n"].sum()), int(rows["n"].sum())


def charge_rate_by_type(crime_outcomes: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Charge/summons rate by crime type: of all crimes, and of crimes with a final outcome.

    The second excludes crimes still under investigation or with no outcome record, which would
    otherwise pull recent rates down (censoring).
    """
    rows = crime_outcomes[crime_outcomes["month"].isin(window.month_strings())]
    rows = rows.assign(group=rows["outcome_type"].map(outcome_group))
    rows = rows.assign(
        charged=rows["n"].where(rows["group"] == "Charged or summonsed", 0),
        final=rows["n"].where(~rows["group"].isin(["Under investigation", "No outcome record"]), 0),
    )
    table = rows.groupby("crime_type")[["n", "charged", "final"]].sum().rename(columns={"n": "crimes"})
    table["charge_rate_pct"] = (table["charged"] / table["crimes"] * 100).round(1)
    table["charge_rate_of_final_pct"] = (table["charged"] / table["final"].where(table["final"] > 0) * 100).round(1)
    return table.reset_index().sort_values("crimes", ascending=False).reset_index(drop=True)


def charge_rate_table(crime_outcomes: pd.DataFrame, window: Window, coverage: Coverage) -> Breakdown:
    """:func:`charge_rate_by_type` when the street and outcome files cover ``window``."""
    return window_table(
        lambda w: charge_rate_by_type(crime_outcomes, w), window, coverage, OUTCOME_INPUTS, "charge rates"
    )


def _shares(crime_outcomes: pd.DataFrame, window: Window) -> tuple[float, float, float] | None:
    """``(% with an outcome record, % charged or summonsed, crimes)`` for crimes recorded in ``window``."""
    matched, total = matched_share(crime_outcomes, window)
    if not total:
        return None
    rows = crime_outcomes[crime_outcomes["month"].isin(window.month_strings())]
    charged = rows.loc[rows["outcome_type"].map(outcome_group) == "Charged or summonsed", "n"].sum()
    return matched / total * 100, float(charged) / total * 100, float(total)


def outcome_rows(
    crime_outcomes: pd.DataFrame | None, coverage: Coverage, baseline: Window, current: Window
) -> list[IndicatorRow]:
    """Share of crimes with an outcome record and the charge/summons rate, window against window,
    each a share of the crimes recorded in the window: shown only for windows that both the street
    files (the crimes) and the outcome files cover, compared in percentage points with a two-proportion
    test (:func:`pack.indicators.share_indicator`)."""
    needs = "data.police.uk outcomes files"
    specs = [
        ("crimes_with_outcome_pct", "Crimes with an outcome record", 0),
        ("charge_rate_pct", "Crimes charged or summonsed", 1),
    ]
    if crime_outcomes is None or not coverage.covered(("outcomes",)):
        return [not_supplied(i, n, needs, "higher", "%") for i, n, _ in specs]
    share = unit("%")

    def figure(window: Window, which: int) -> Figure:
        def values() -> tuple[float, float, float] | None:
            return _shares(crime_outcomes, window)

        return covered_value(
            lambda: (values() or (None, None, None))[which],
            window,
            coverage,
            OUTCOME_INPUTS,
            share,
            base=lambda: (values() or (None, None, None))[2],
        )

    outcome_months = coverage.covered(("outcomes",))
    note = (
        f"outcome files run to {outcome_months[-1]} ({describe_months(outcome_months)}); crimes recorded late in "
        "a window have had less time to reach an outcome (censoring)"
    )
    source = "data.police.uk outcomes joined to street records by Crime ID"
    return [
        share_indicator(ind, name, figure(baseline, k), figure(current, k), "higher", source, note=note)
        for ind, name, k in specs
    ]
