"""Honest baselines: each headline crime series against three baselines side by side.

The plan's baseline (the 12 months ending May 2021) spans the Covid-19 lockdowns: ASB was inflated by
reports of breaches of the restrictions, which forces recorded as ASB, while burglary, vehicle crime and
violence were depressed. One baseline alone can flatter or damn, so each headline crime group is
compared with:

- **the plan baseline** — the baseline window of the pack's parameters (``--baseline``), named "the
  plan baseline" when it ends in the plan's baseline month (:attr:`pack.plan.Plan.baseline_end`; May 2021
  for Derbyshire's plan), else "the chosen baseline";
- **the pre-Covid year** — the 12 months ending March 2020, the last full year before the first
  lockdown (the end-of-term report itself uses it for burglary); for a window of another length, the
  same number of months ending March 2020 when 12 or more, or the same calendar months of the latest
  year ending by March 2020 when fewer (so seasons match), or for a financial year to date the same
  months of 2019/20 (:func:`pre_covid_window`);
- **the same period a year earlier** — the current window moved back 12 months.

Every comparison is an indicator row from :func:`pack.crime.group_indicator`, so a baseline window the
street files do not cover says ``not covered`` (its missing months named), windows that share months
are not tested, and the verdict comes from the quasi-Poisson test. :func:`baseline_table` is the table
readers see; :func:`caveats` the Covid caveats that apply to the plan baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pack.crime import CRIME_GROUPS, group_indicator
from pack.display import status_text
from pack.figures import Coverage
from pack.indicators import NOT_COMPARED, IndicatorRow
from pack.periods import Month, Window, overlap, rolling_window

HEADLINE_GROUPS = (
    "asb_incidents",
    "burglary",
    "vehicle_crime",
    "serious_acquisitive_crime",
    "neighbourhood_crime",
    "violence_sexual_offences",
)
PRE_COVID_END = Month(2020, 3)  # the last month before the first national lockdown (23 March 2020)
# Covid-19 restrictions in England: the first lockdown (23 March 2020) to the end of most legal limits (19 July 2021)
RESTRICTIONS = Window(Month(2020, 3), Month(2021, 7))

PLAN = "plan baseline"
CHOSEN = "chosen baseline"
PRE_COVID = "pre-Covid year"
YEAR_EARLIER = "same period a year earlier"

ASB_CAVEAT = (
    "ASB: from March 2020 to mid-2021 forces recorded reports of people breaching the Covid-19 restrictions "
    "as anti-social behaviour, so ASB in the {label} is inflated by Covid-breach reports and a fall from it "
    "overstates the improvement; the pre-Covid year is the fairer comparison for ASB."
)
CRIME_CAVEAT = (
    "Burglary, vehicle crime, robbery and violence were depressed by the lockdowns in the {label}: against it a "
    "rise overstates, and a fall understates, the change; the pre-Covid year and the same period a year "
    "earlier show whether a change against the plan baseline is a return to normal."
)


@dataclass(frozen=True)
class Baseline:
    """One baseline: its name in words (``plan baseline``, ``pre-Covid year``, ...) and its window."""

    name: str
    window: Window


def baseline_name(baseline: Window, plan_baseline_end: str | None) -> str:
    """``plan baseline`` for a rolling window ending in the plan's baseline month ``plan_baseline_end``
    (whatever its length, e.g. a shorter ``--window``), else ``chosen baseline`` (always, for a plan that
    sets no baseline).

    >>> baseline_name(rolling_window("2021-05"), "2021-05"), baseline_name(rolling_window("2022-05"), "2021-05")
    ('plan baseline', 'chosen baseline')
    >>> baseline_name(rolling_window("2021-05"), None)
    'chosen baseline'
    """
    return PLAN if str(baseline.end) == plan_baseline_end and baseline.kind == "rolling" else CHOSEN


def pre_covid_window(current: Window) -> Window:
    """The pre-Covid window as long as ``current`` (see the module docstring).

    >>> [pre_covid_window(rolling_window(end, n)).label for end, n in (("2024-01", 12), ("2022-05", 3))]
    ['12 months ending March 2020', '3 months ending May 2019']
    >>> pre_covid_window(rolling_window("2023-02", 2)).label
    '2 months ending February 2020'
    """
    if current.kind == "fytd":
        start = Month(PRE_COVID_END.year - 1, 4)
        return Window(start, start + (current.length - 1), kind="fytd")
    if current.length >= 12:
        return rolling_window(PRE_COVID_END, current.length)
    end = Month(PRE_COVID_END.year, current.end.month)
    if end > PRE_COVID_END:
        end = Month(end.year - 1, end.month)
    return rolling_window(end, current.length)


def year_earlier(current: Window) -> Window:
    """``current`` moved back 12 months.

    >>> year_earlier(rolling_window("2024-01")).label
    '12 months ending January 2023'
    """
    return Window(current.start - 12, current.end - 12, kind=current.kind)


def baselines(baseline: Window, current: Window, plan_baseline_end: str | None) -> list[Baseline]:
    """The three baselines, in the order shown: the pack's baseline (named by :func:`baseline_name`), the
    pre-Covid year, a year earlier; a window that is two of them (the plan baseline is often the same
    period a year earlier) is one baseline with both names.

    >>> for b in baselines(rolling_window("2021-05", 3), rolling_window("2022-05", 3), "2021-05"):
    ...     print(f"{b.name}: {b.window.label}")
    plan baseline; same period a year earlier: 3 months ending May 2021
    pre-Covid year: 3 months ending May 2019
    """
    found: list[Baseline] = []
    for name, window in (
        (baseline_name(baseline, plan_baseline_end), baseline),
        (PRE_COVID, pre_covid_window(current)),
        (YEAR_EARLIER, year_earlier(current)),
    ):
        same = [i for i, b in enumerate(found) if b.window == window]
        if same:
            found[same[0]] = Baseline(f"{found[same[0]].name}; {name}", window)
        else:
            found.append(Baseline(name, window))
    return found


def baseline_rows(
    street_monthly: pd.DataFrame | None,
    coverage: Coverage,
    baseline: Window,
    current: Window,
    groups: tuple[str, ...] = HEADLINE_GROUPS,
    *,
    plan_baseline_end: str | None,
) -> list[tuple[str, Baseline, IndicatorRow]]:
    """``(group id, baseline, indicator row)`` for every headline group against every baseline."""
    return [
        (group, b, group_indicator(group, street_monthly, coverage, b.window, current))
        for group in groups
        for b in baselines(baseline, current, plan_baseline_end)
    ]


def baseline_table(
    street_monthly: pd.DataFrame | None,
    coverage: Coverage,
    baseline: Window,
    current: Window,
    groups: tuple[str, ...] = HEADLINE_GROUPS,
    *,
    plan_baseline_end: str | None,
) -> pd.DataFrame:
    """The table readers see: one row per crime group and baseline, with the baseline's period and
    figure (or ``not covered: missing ...``), the current figure, the change, the verdict and the test's
    result (interval and p-value) or why there is none; ``plan_baseline_end`` is the plan's baseline month
    (:func:`baseline_name`)."""
    records = []
    rows = baseline_rows(street_monthly, coverage, baseline, current, groups, plan_baseline_end=plan_baseline_end)
    for group, b, row in rows:
        records.append(
            {
                "Crime group": CRIME_GROUPS[group][0].split(" (")[0],
                "Baseline": b.name,
                "Baseline period": b.window.label,
                "Baseline figure": row.baseline_text or "no figure",
                f"Current ({current.label})": row.current_text,
                "Change": row.change_text,
                "Verdict": status_text(row.status, row.better_when, row.test),
                "Test result": _result(row),
            }
        )
    return pd.DataFrame.from_records(records)


def _result(row: IndicatorRow) -> str:
    """The test's result (estimate, interval, p-value) or why there is none; nothing when a figure is
    missing (the figure's cell says why)."""
    if not row.test.startswith("none"):
        return row.note
    if row.status in ("no comparison", "not supplied", "out of date") and row.test == NOT_COMPARED:
        return ""
    return row.test.removeprefix("none: ")


def caveats(baseline: Window, plan_baseline_end: str | None) -> list[str]:
    """The Covid caveats that apply to ``baseline`` (none when it shares no month with the restrictions),
    naming it as :func:`baseline_name` does.

    >>> len(caveats(rolling_window("2021-05"), "2021-05")), caveats(rolling_window("2019-05"), "2021-05")
    (2, [])
    """
    if not overlap(baseline, RESTRICTIONS):
        return []
    label = f"{baseline_name(baseline, plan_baseline_end)} ({baseline.label})"
    return [ASB_CAVEAT.format(label=label), CRIME_CAVEAT.format(label=label)]
