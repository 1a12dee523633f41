"""The summary's first screen and full scorecard, from the plan's indicator tables.

Pure functions over the tables (``tables/<stem>-indicators.csv``: ``indicator_id, indicator,
baseline_label, baseline_value, current_label, current_value, change, pct_change, better_when, status,
source, unit, note`` and, when present, ``test``) as :func:`pack.summary.read_indicator_tables` joins
them. Verdicts and wording come from :mod:`pack.verdicts`.

**Tiles.** One per priority, with the headline measures the plan file chooses (each priority's
``headlines``, :attr:`pack.plan.PlanPriority.headlines`): value with unit, the change in words, the
verdict, the series for a sparkline (:mod:`pack.summary.headlines`), the Making Data Count variation
of its latest month, and the
force's position against England and Wales where a national comparison is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pack.comparators import position_words
from pack.errors import NotebookError
from pack.plan import PlanPriority
from pack.spc import MIN_POINTS, Variation, xmr
from pack.summary.headlines import Trend
from pack.verdicts import (
    Verdict,
    change_words,
    in_words,
    is_missing,
    movement,
    number,
    status_columns,
    to_float,
    verdict,
    with_unit,
)

# -------------------------------------------------------------------------------------------------
# Tiles


@dataclass(frozen=True)
class Position:
    """The force's rate against the national pool and its most similar group (``pack.compare``),
    each named for what it is (:mod:`pack.comparators`)."""

    rate: float
    england_wales: float | None  # the national pool's rate, whatever it holds (``pool`` says what)
    peers: float | None
    rank: int | None  # 1 = the highest rate of the forces compared
    compared: int
    funnel_position: str = ""
    pool: str = "national pool"  # "England and Wales" only when every territorial force is compared
    peers_unverified: bool = False
    rank_in_group: int | None = None  # 1 = the highest rate of the force and its most similar group
    group_size: int = 0

    @property
    def text(self) -> str:
        """``27.8 per 1,000 residents; national pool (37 forces in the data, 67% of residents ...) 14.1, most
        similar group (unverified list) 13.1; 5th highest of 42 forces, highest of 8 in its group`` (the
        forces missing from the pool are named in the summary's comparison, not in every tile)."""
        text = f"{number(round(self.rate, 2))} per 1,000 residents"
        others = []
        if self.england_wales is not None:  # the forces missing are named beside the comparison, not in each tile
            pool = re.sub(r"; missing: [^)]*\)", ")", self.pool)
            others.append(f"{pool} {number(round(self.england_wales, 2))}")
        if self.peers is not None:
            flag = " (unverified list)" if self.peers_unverified else ""
            others.append(f"most similar group{flag} {number(round(self.peers, 2))}")
        if others:
            text += "; " + ", ".join(others)
        if self.rank is not None:
            text += f"; {position_words(self.rank, self.compared)} forces"
            if self.rank_in_group is not None and self.group_size:
                text += f", {position_words(self.rank_in_group, self.group_size)} in its most similar group"
        return text


@dataclass(frozen=True)
class Measure:
    """One headline measure on a tile."""

    indicator_id: str
    name: str
    unit: str
    better_when: str
    value: str  # with its unit
    period: str  # the current label, dates in words
    baseline_period: str
    change: str  # in words
    verdict: Verdict
    trend: Trend | None
    variation: Variation | None  # MDC variation of the latest month, when the series supports it
    position: Position | None
    benchmark: str = ""  # the figure against a standard or budget, in words (the row's ``benchmark``)


@dataclass(frozen=True)
class Tile:
    """One priority's tile: its headline measures in the order chosen in the config."""

    priority: PlanPriority
    measures: tuple[Measure, ...]

    @property
    def anchor(self) -> str:
        """The id of the priority's section in the evidence pack."""
        return f"sec-{self.priority.stem}"


def headline_ids(priorities: tuple[PlanPriority, ...]) -> list[str]:
    """Every headline measure's indicator id, in plan order."""
    return [indicator_id for p in priorities for indicator_id in p.headlines]


def variation_of(trend: Trend | None, better_when: str) -> Variation | None:
    """The Making Data Count variation of the latest month of a monthly series with at least 15
    points; ``None`` for series that are not monthly or too short."""
    if trend is None or not trend.monthly or len(trend.values) < MIN_POINTS:
        return None
    return xmr(trend.values.astype("float64"), better_when).variation


def _row(tables: pd.DataFrame, p: PlanPriority, indicator_id: str) -> Mapping:
    rows = tables[(tables["stem"] == p.stem) & (tables["indicator_id"] == indicator_id)]
    if rows.empty:
        raise NotebookError(
            f"headline measure '{indicator_id}' of priority {p.number} ({p.title}) is not in "
            f"tables/{p.stem}-indicators.csv: change the priority's headlines in the plan file or the notebook"
        )
    row = rows.iloc[0].to_dict()
    if row.get("better_when") not in ("higher", "lower"):
        raise NotebookError(
            f"headline measure '{indicator_id}' of priority {p.number} has no better direction "
            f"(better_when = {row.get('better_when')!r}): a headline must be a performance measure"
        )
    return row


def measure(
    row: Mapping, trend: Trend | None = None, position: Position | None = None, common_baseline: str | None = None
) -> Measure:
    """A headline measure from its indicator row, series and national position; its change is
    worded against ``common_baseline`` when that is its baseline (see :func:`pack.verdicts.change_words`)."""
    unit = "" if is_missing(row.get("unit")) else str(row["unit"])
    better = str(row.get("better_when", ""))
    return Measure(
        indicator_id=str(row["indicator_id"]),
        name=str(row["indicator"]),
        unit=unit,
        better_when=better,
        value=with_unit(row.get("current_value"), unit),
        period=in_words(row.get("current_label")),
        baseline_period=in_words(row.get("baseline_label")),
        change=change_words(row, common_baseline),
        verdict=verdict(row),
        trend=trend,
        variation=variation_of(trend, better),
        position=position,
        benchmark="" if is_missing(row.get("benchmark")) else str(row["benchmark"]),
    )


def tiles(
    tables: pd.DataFrame,
    trends: Mapping[str, Trend] | None = None,
    positions: pd.DataFrame | None = None,
    common_baseline: str | None = None,
    priorities: tuple[PlanPriority, ...] = (),
) -> list[Tile]:
    """One tile per priority of ``priorities`` (the plan's) with its headline measures (its ``headlines``).
    ``trends`` maps indicator ids to series (:func:`pack.summary.headlines.headline_trends`); ``positions``
    is the national
    comparison (:func:`positions_table`), absent when there is none; ``common_baseline`` is the
    baseline said once above the tiles.

    Raises :class:`NotebookError` when a headline is not in its priority's table or has no better
    direction (the config names it; the message says where to change it).
    """
    trends = trends or {}
    by_id = {} if positions is None else {str(r["indicator_id"]): r for r in positions.to_dict("records")}
    out = []
    for p in priorities:
        shown = []
        for indicator_id in p.headlines:
            row = _row(tables, p, indicator_id)
            position = _position(by_id.get(indicator_id))
            shown.append(measure(row, trends.get(indicator_id), position, common_baseline))
        out.append(Tile(p, tuple(shown)))
    return out


POSITION_COLUMNS = [
    "indicator_id",
    "rate_per_1000",
    "england_wales_rate_per_1000",
    "peers_rate_per_1000",
    "rank",
    "forces_compared",
    "funnel_position",
    "pool",
    "peers_unverified",
    "rank_in_group",
    "group_size",
]


def _position(row: Mapping | None) -> Position | None:
    if row is None or to_float(row.get("rate_per_1000")) is None:
        return None
    rank, in_group = to_float(row.get("rank")), to_float(row.get("rank_in_group"))
    return Position(
        rate=float(row["rate_per_1000"]),
        england_wales=to_float(row.get("england_wales_rate_per_1000")),
        peers=to_float(row.get("peers_rate_per_1000")),
        rank=None if rank is None else int(rank),
        compared=int(to_float(row.get("forces_compared")) or 0),
        funnel_position="" if is_missing(row.get("funnel_position")) else str(row["funnel_position"]),
        pool="national pool" if is_missing(row.get("pool")) else str(row["pool"]),
        peers_unverified=bool(row.get("peers_unverified") is True),
        rank_in_group=None if in_group is None else int(in_group),
        group_size=int(to_float(row.get("group_size")) or 0),
    )


def positions_table(comparison: object) -> pd.DataFrame | None:
    """The national comparison of :mod:`pack.compare` (a ``NationalComparison``) as the table
    :func:`tiles` reads (:data:`POSITION_COLUMNS`, one row per crime group compared; ``rank`` 1 = the
    highest rate; ``pool`` what the national comparator holds); ``None`` when the comparison is not
    available (too few forces, or its inputs not supplied)."""
    if not getattr(comparison, "available", False):
        return None
    pool = comparison.pool  # type: ignore[attr-defined]
    pool_text = "national pool" if pool is None else (pool.name if pool.complete else f"national pool ({pool.label})")
    rows = []
    for group_id, group in comparison.groups.items():  # type: ignore[attr-defined]
        me = group.force_row
        if me is None:
            continue
        rank, in_group = me["rank_from_highest"], me["rank_in_group"]
        rows.append(
            {
                "indicator_id": group_id,
                "rate_per_1000": me["rate_per_1000"],
                "england_wales_rate_per_1000": None
                if group.england_wales is None
                else group.england_wales.rate_per_1000,
                "peers_rate_per_1000": None if group.peers is None else group.peers.rate_per_1000,
                "rank": None if pd.isna(rank) else int(rank),
                "forces_compared": group.compared,
                "funnel_position": me["funnel_position"],
                "pool": pool_text,
                "peers_unverified": bool(comparison.unverified),  # type: ignore[attr-defined]
                "rank_in_group": None if pd.isna(in_group) else int(in_group),
                "group_size": group.group_size,
            }
        )
    return pd.DataFrame(rows, columns=POSITION_COLUMNS)


# -------------------------------------------------------------------------------------------------
# The full scorecard


def _why(row: Mapping, which: str) -> str:
    """Why a figure has no value, from the table's text column (``not covered: missing ...``, ``out of
    date (as at ...): ...``), or ``–`` when the table says nothing."""
    text = row.get(f"{which}_text")
    if is_missing(text) or str(text) in ("no figure", "not supplied"):
        return "–"
    label = row.get(f"{which}_label")
    if str(text).startswith("not covered") and not is_missing(label):  # the window is named, the text names the gap
        return f"{in_words(text)} ({in_words(label)})"
    return in_words(str(text))  # "out of date (as at 30 September 2019): 1,839 people" carries its own date


def scorecard_rows(tables: pd.DataFrame) -> pd.DataFrame:
    """Every indicator of the plan's tables as readers see it, in plan order: ``stem, priority,
    indicator, baseline, current, change, status`` (values with units, dates in words, the verdict
    with whether it was tested) and ``word`` (the status word alone, for counting)."""
    rows = []
    for row in tables.to_dict("records"):
        v = verdict(row)
        unit = row.get("unit")
        base_label, cur_label = in_words(row.get("baseline_label")), in_words(row.get("current_label"))
        has_base = to_float(row.get("baseline_value")) is not None
        has_cur = to_float(row.get("current_value")) is not None
        baseline = f"{with_unit(row.get('baseline_value'), unit)} ({base_label})" if has_base else None
        current = f"{with_unit(row.get('current_value'), unit)} ({cur_label})" if has_cur else None
        rows.append(
            {
                "stem": row["stem"],
                "priority": row["priority"],
                "indicator": str(row["indicator"]),
                "baseline": baseline or _why(row, "baseline"),
                "current": current or _why(row, "current"),
                "change": ("" if is_missing(row.get("change_text")) else str(row["change_text"]))
                or movement(row)
                or "–",
                "status": f"{v.marker} {v.text}",
                "word": v.status,
            }
        )
    return pd.DataFrame(
        rows, columns=["stem", "priority", "indicator", "baseline", "current", "change", "status", "word"]
    )


def status_counts(rows: pd.DataFrame, priorities: tuple[PlanPriority, ...] = ()) -> pd.DataFrame:
    """Indicators per priority by status word (:func:`scorecard_rows`): the plan's ``priorities`` in plan
    order (zeros included; without them, the priorities in the order of ``rows``), then any other, and the
    words in :func:`status_columns` order."""
    order = [p.title for p in priorities] or list(dict.fromkeys(rows["priority"]))
    index = order + sorted(set(rows["priority"]) - set(order))
    table = pd.crosstab(rows["priority"], rows["word"])
    table = table.reindex(index=index, columns=status_columns(rows["word"]), fill_value=0).astype("int64")
    table.index.name = "priority"
    table.columns.name = None
    return table.reset_index()
