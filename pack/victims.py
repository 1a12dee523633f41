"""Victim Support and Safeguarding: violence and outcomes joined to street records by Crime ID.

An outcome figure for a window needs both inputs: the street files for the crimes recorded in it and
the outcome files for what became of them. A window either misses is *not covered*; with no outcome
files at all the outcome indicators are *not supplied* (every crime would otherwise read as having
"no outcome record").

Outcome shares are compared between windows at equal follow-up (:func:`outcome_rows`): the baseline's
crimes have had longer to reach an outcome than the current window's, so both are counted with the
outcome recorded by the same number of months after the crime month (the prepared table
``crime_outcome_lags``). The mix and the charge rates by crime type describe the current window alone,
with each crime's latest outcome.
"""

from __future__ import annotations

import pandas as pd

from pack.figures import Breakdown, Coverage, Figure, covered_value, unit, window_table
from pack.indicators import IndicatorRow, not_supplied, share_indicator
from pack.periods import Window, comparison_basis, describe_months, month_range

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


def follow_up(coverage: Coverage, baseline: Window, current: Window) -> int | None:
    """Months after the crime month that both windows' crimes can be counted to: the most ``N`` for which
    the outcome files cover every month from each window's first month to ``N`` months after its last
    (for the current window, the months of outcome files after its newest month). ``None`` when not even
    the windows themselves are covered.

    >>> from pack.periods import Month
    >>> months = tuple(str(Month(2021, 3) + i) for i in range(13))  # 2021-03 .. 2022-03
    >>> baseline, current = Window(Month(2021, 4), Month(2021, 9)), Window(Month(2021, 10), Month(2021, 12))
    >>> follow_up(Coverage({"outcomes": months}), baseline, current)  # January to March 2022 after December
    3
    """
    months = set(coverage.covered(("outcomes",)))
    best = None
    n = 0
    while all(str(m) in months for w in (baseline, current) for m in month_range(w.start, w.end + n)):
        best, n = n, n + 1
    return best


def follow_up_words(months: int) -> str:
    """``in the crime month`` (0) or ``within N months after the crime month``.

    >>> follow_up_words(0), follow_up_words(1), follow_up_words(5)
    ('in the crime month', 'within 1 month after the crime month', 'within 5 months after the crime month')
    """
    if months == 0:
        return "in the crime month"
    return f"within {months} month{'s' if months != 1 else ''} after the crime month"


def shares_at(
    crime_outcomes: pd.DataFrame, lags: pd.DataFrame, window: Window, months: int
) -> tuple[float, float, float] | None:
    """``(% with an outcome record, % charged or summonsed, crimes)`` for crimes recorded in ``window``,
    each crime counted with its latest outcome as it stood ``months`` months after its crime month
    (from the ``crime_outcome_lags`` table: the changes of latest outcome up to that lag, summed)."""
    total = int(crime_outcomes.loc[crime_outcomes["month"].isin(window.month_strings()), "n"].sum())
    if not total:
        return None
    rows = lags[lags["month"].isin(window.month_strings()) & (lags["lag"] <= months)]
    by_type = rows.groupby("outcome_type")["n"].sum()
    charged = by_type[[outcome_group(t) == "Charged or summonsed" for t in by_type.index]].sum()
    return float(by_type.sum()) / total * 100, float(charged) / total * 100, float(total)


def _outcome_figure(
    crime_outcomes: pd.DataFrame, lags: pd.DataFrame, coverage: Coverage, window: Window, which: int, months: int
) -> Figure:
    """One window's outcome share (``which``: 0 with an outcome record, 1 charged or summonsed) as it
    stood ``months`` after each crime month, with its base (the window's crimes), when covered."""

    def values() -> tuple[float, float, float] | None:
        return shares_at(crime_outcomes, lags, window, months)

    return covered_value(
        lambda: (values() or (None, None, None))[which],
        window,
        coverage,
        OUTCOME_INPUTS,
        unit("%"),
        base=lambda: (values() or (None, None, None))[2],
    )


def outcome_rows(
    crime_outcomes: pd.DataFrame | None,
    coverage: Coverage,
    baseline: Window,
    current: Window,
    *,
    lags: pd.DataFrame | None = None,
) -> list[IndicatorRow]:
    """Share of crimes with an outcome record and the charge/summons rate, window against window, at
    equal follow-up: each window's crimes with the outcome they had :func:`follow_up` months after their
    crime month (the follow-up the current window's newest month allows), never the baseline's years of
    outcomes against the current window's weeks (censoring read as decline). Shown only for windows
    that the street files (the crimes) and the outcome files cover, the follow-up in the name and in
    ``follow_up_months``; compared in percentage points with a two-proportion test
    (:func:`pack.indicators.share_indicator`). ``lags`` is the prepared ``crime_outcome_lags`` table."""
    needs = "data.police.uk outcomes files"
    specs = [
        ("crimes_with_outcome_pct", "Crimes with an outcome record", 0),
        ("charge_rate_pct", "Crimes charged or summonsed", 1),
    ]
    if crime_outcomes is None or lags is None or not coverage.covered(("outcomes",)):
        return [not_supplied(i, n, needs, "higher", "%") for i, n, _ in specs]
    months = follow_up(coverage, baseline, current)
    # with no equal follow-up a window is not covered (and not compared); the other is shown at its own
    alone = follow_up(coverage, current, current)
    shown_at = months if months is not None else (alone or 0)

    def figure(window: Window, which: int) -> Figure:
        return _outcome_figure(crime_outcomes, lags, coverage, window, which, shown_at)

    outcome_months = coverage.covered(("outcomes",))
    source = "data.police.uk outcomes joined to street records by Crime ID"
    if months is None:
        note = f"outcome files cover {describe_months(outcome_months)}: no equal follow-up for both windows"
        words = f" {follow_up_words(alone)}" if alone is not None else ""  # the current figure's own follow-up
        return [
            share_indicator(ind, f"{name}{words}", figure(baseline, k), figure(current, k), "higher", source, note=note)
            for ind, name, k in specs
        ]
    words = follow_up_words(months)
    basis = f"equal follow-up: each crime's outcome as recorded {words} in both windows"
    note = (
        f"each window's crimes counted with the outcome recorded {words} (outcome files run to "
        f"{outcome_months[-1]}): later outcomes of the baseline's crimes are left out, so that the current "
        "window's crimes, which have had less time, are not read as a decline (censoring)"
    )
    return [
        share_indicator(
            ind,
            f"{name} {words}",
            figure(baseline, k),
            figure(current, k),
            "higher",
            source,
            note=note,
            follow_up_months=months,
            basis=_basis_with_seasons(basis, baseline, current),
        )
        for ind, name, k in specs
    ]


def _basis_with_seasons(basis: str, baseline: Window, current: Window) -> str:
    """``basis`` and, for windows shorter than a year, whether they cover the same calendar months."""
    return f"{basis}; {comparison_basis(baseline, current)}" if baseline != current else basis
