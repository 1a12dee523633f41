"""Patrolled ASB hotspots against the rest of the force: did ASB fall more where patrols were?

A fall in ASB in patrolled hotspots is evidence for the patrols only if it is larger than the fall
elsewhere over the same months. :func:`hotspot_comparison` sets the hotspots' change between two
windows beside the change in the rest of the force (every ASB record not in a hotspot LSOA) and
tests the difference with :func:`pack.overdispersion.compare_changes` (a ratio of the two rate
ratios, quasi-Poisson, 95% interval). The finding is worded by the test, never by the point estimate:
hotspots "fell more than the rest of the force" only when the difference is statistically
significant; otherwise they fell "no more than force-wide".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from pack.crime import STREET, STREET_SOURCE, hotspot_series, monthly_series
from pack.data import Dataset
from pack.figures import Coverage
from pack.indicators import IndicatorRow, Judgement, count_indicator, not_supplied
from pack.overdispersion import compare_changes
from pack.periods import Window
from pack.significance import Comparison, significance_status

ASB = ("Anti-social behaviour",)
HOTSPOT_TEST = (
    "quasi-Poisson comparison of the hotspots' change with the rest of the force's (ratio of the two rate ratios), "
    "5% level"
)

__all__ = [
    "HOTSPOT_TEST",
    "HotspotComparison",
    "comparison_for",
    "hotspot_comparison",
    "hotspot_indicator",
    "rest_of_force_series",
]


def rest_of_force_series(street_monthly: pd.DataFrame, hotspots: pd.DataFrame, covered: list[str]) -> pd.Series:
    """Monthly ASB records of the force outside the hotspot LSOAs (records with no location included).

    >>> f = pd.DataFrame({"month": ["2024-01"] * 3, "crime_type": ["Anti-social behaviour"] * 3,
    ...                   "lsoa_code": ["A", "B", ""], "n": [5, 7, 2]})
    >>> rest_of_force_series(f, pd.DataFrame({"lsoa_code": ["A"]}), ["2024-01"]).tolist()  # 7 + 2
    [9]
    """
    rows = street_monthly[~street_monthly["lsoa_code"].isin(set(hotspots["lsoa_code"]))]
    return monthly_series(rows, ASB, covered)


def _pct(before: float, after: float) -> float | None:
    return (after - before) / before * 100 if before > 0 else None


def _signed(value: float | None) -> str:
    return "no figure" if value is None else f"{value:+.1f}%".replace("-", "−")


@dataclass(frozen=True)
class HotspotComparison:
    """ASB totals in the hotspots and in the rest of the force in two windows, and the test of the
    difference in change (``test.estimate`` is the hotspots' rate ratio over the rest's; below 1
    means hotspots fell more)."""

    baseline: Window
    current: Window
    hotspots: tuple[float, float]
    rest: tuple[float, float]
    test: Comparison

    @property
    def hotspot_pct(self) -> float | None:
        """Percentage change in the hotspots."""
        return _pct(*self.hotspots)

    @property
    def rest_pct(self) -> float | None:
        """Percentage change in the rest of the force."""
        return _pct(*self.rest)

    @property
    def finding(self) -> str:
        """``fell more than the rest of the force`` (tested, significant, hotspots fell more),
        ``fell less than the rest of the force``/``rose more ...``/``rose less ...`` (significant), or
        ``no more than force-wide`` (not significant); ``not tested`` when no test could be made."""
        t = self.test
        if not t.tested or t.estimate is None:
            return "not tested"
        if not t.significant:
            return "no more than force-wide"
        moved = "fell" if (self.hotspot_pct or 0.0) < 0 else "rose"
        more = (t.estimate < 1) == (moved == "fell")
        return f"{moved} {'more' if more else 'less'} than the rest of the force"

    def sentence(self) -> str:
        """The finding in a sentence with both changes and the test."""
        hot, rest, t = self.hotspot_pct, self.rest_pct, self.test
        changes = (
            f"ASB in the patrolled hotspots changed {_signed(hot)} and in the rest of the force {_signed(rest)} "
            f"({self.baseline.label} → {self.current.label})"
        )
        if not t.tested or t.estimate is None:
            return f"{changes}; the difference was {t.note or 'not tested'}."
        interval = f"95% CI {t.lower:.2f} to {t.upper:.2f}" if t.upper is not None and math.isfinite(t.upper) else ""
        test = f"ratio of the two changes {t.estimate:.2f} ({interval}; p = {t.p_value:.3g})"
        if self.finding == "no more than force-wide":
            moved = "fell" if (hot or 0.0) < 0 else "rose"
            return (
                f"{changes}: the hotspots {moved} no more than force-wide — the difference is not statistically "
                f"significant, {test}."
            )
        return f"{changes}: the hotspots {self.finding} — a statistically significant difference, {test}."

    def table(self) -> pd.DataFrame:
        """Both areas' totals and changes, one row each, for display beside the sentence."""
        return pd.DataFrame(
            {
                "area": ["Patrolled hotspots", "Rest of the force"],
                self.baseline.label: [self.hotspots[0], self.rest[0]],
                self.current.label: [self.hotspots[1], self.rest[1]],
                "pct_change": [_round(self.hotspot_pct), _round(self.rest_pct)],
            }
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def hotspot_comparison(
    street_monthly: pd.DataFrame,
    hotspots: pd.DataFrame,
    coverage: Coverage,
    baseline: Window,
    current: Window,
) -> HotspotComparison | str:
    """The hotspots against the rest of the force between ``baseline`` and ``current``, or the
    sentence saying why not (a window the street files do not cover in full)."""
    for window in (baseline, current):
        gap = coverage.gap(window, STREET)
        if gap:
            return (
                f"Hotspots not compared with the rest of the force: the {window.label} is not covered (missing {gap})."
            )
    covered = coverage.covered(STREET)
    hot = hotspot_series(street_monthly, hotspots, covered)
    rest = rest_of_force_series(street_monthly, hotspots, covered)

    def totals(series: pd.Series) -> tuple[float, float]:
        return tuple(float(series.loc[w.month_strings()].sum()) for w in (baseline, current))  # type: ignore[return-value]

    test = compare_changes(hot, rest, baseline, current)
    return HotspotComparison(baseline, current, totals(hot), totals(rest), test)


def comparison_for(data: Dataset, coverage: Coverage, baseline: Window, current: Window) -> HotspotComparison | str:
    """:func:`hotspot_comparison` on a data set, or the sentence saying which input is missing."""
    street, hotspots = data.table("street_monthly"), data.table("hotspots")
    if street is None or hotspots is None:
        missing = (
            "the data.police.uk street files" if street is None else "an ASB hotspot list (lsoa_code, patrolled_from)"
        )
        return f"Hotspots not compared with the rest of the force: {missing} not supplied."
    return hotspot_comparison(street, hotspots, coverage, baseline, current)


def counterfactual_status(comparison: HotspotComparison) -> Judgement:
    """``(status, test, note)`` of the hotspot row from the test against the rest of the force:
    ``improved`` only when the hotspots fell significantly more (or rose significantly less), ``worse``
    when significantly the other way, ``no significant change`` otherwise; direction only (``None``)
    with the reason when no test could be made."""
    t = comparison.test
    if not t.tested or t.estimate is None:
        why = f"none: {t.note.removeprefix('not tested: ') or 'not tested'}"
        return Judgement(None, why, comparison.sentence(), t.reason or "not_tested")
    return Judgement(significance_status(t, "lower"), HOTSPOT_TEST, comparison.sentence(), "tested")


def hotspot_indicator(
    street_monthly: pd.DataFrame | None,
    hotspots: pd.DataFrame | None,
    coverage: Coverage,
    baseline: Window,
    current: Window,
) -> IndicatorRow:
    """ASB in the supplied hotspot LSOAs, window against window, with the verdict of the test against
    the rest of the force (:func:`hotspot_comparison`), never the plain before/after one: a fall
    the whole force shared is not evidence for the patrols."""
    name = "ASB incidents in patrolled hotspot areas"
    if street_monthly is None or hotspots is None:
        needs = "an ASB hotspot list (lsoa_code, patrolled_from)" if hotspots is None else "data.police.uk street files"
        return not_supplied("hotspot_asb", name, needs, "lower", "incidents")

    def against_the_rest() -> Judgement:
        found = hotspot_comparison(street_monthly, hotspots, coverage, baseline, current)
        if isinstance(found, str):
            return Judgement("no comparison", "none: not compared with the rest of the force", found, "no_figure")
        return counterfactual_status(found)

    return count_indicator(
        "hotspot_asb",
        name,
        hotspot_series(street_monthly, hotspots, coverage.covered(STREET)),
        coverage,
        STREET,
        baseline,
        current,
        "lower",
        STREET_SOURCE + " and hotspot list",
        "incidents",
        counterfactual=against_the_rest,
    )
