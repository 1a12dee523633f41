"""How we compare: the force's rates per 1,000 residents against England and Wales and its most
similar group, its rank and its place on a funnel plot, for each headline crime group.

Notebooks call :func:`national_comparison` once and show what it returns. A funnel plot is drawn by
``charts.funnel_chart(group.points(), group.limits(), name=..., title=funnel_title(group),
what=funnel_what(group))``: ``points`` has one row per force compared (``force, population, count,
rate_per_1000, highlighted, peer, position``: the plan force highlighted, its most similar group, each
force's place against its own limits) and ``limits`` one row per population and
level (``population, level, lower, upper, centre``; levels ``95%`` and ``99.8%``; ``centre`` the
England and Wales rate). :func:`reader_table` is the table shown beside it. The method is in
:mod:`pack.forces` (who is compared and how), :mod:`pack.populations` (residents) and
:mod:`pack.funnel` (the limits). The comparison window is the notebook's reporting period; change is
against the same months a year earlier. Rates are per 1,000 residents over the window (not
annualised), so a 3-month window gives about a quarter of a 12-month window's rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pack.comparators import Missing, Pool, national_pool, percent_difference, position_words
from pack.comparison_words import (
    MARK_PEER,
    MARK_THIS_FORCE,
    funnel_centre,
    funnel_title,
    funnel_what,
    group_sentence,
    pool_sentence,
    reader_table,
    table_caption,
    unit,
)
from pack.forces import (
    COMPARISON_GROUPS,
    MIN_FORCES,
    RATE_ONLY,
    GroupComparison,
    PeerGroup,
    compare_group,
    force_key,
    force_table,
    peer_group,
    year_earlier,
)
from pack.periods import Window
from pack.populations import POPULATION_INPUTS, AreaPopulations, area_populations
from pack.rate_areas import placed_force_monthly
from pack.safe_csv import write_csv

if TYPE_CHECKING:
    from pack.data import Dataset

__all__ = [  # the notebooks' API: the comparison here, the words for one group in pack.comparison_words
    "HEADLINE_GROUPS",
    "MARK_PEER",
    "MARK_THIS_FORCE",
    "NationalComparison",
    "area_populations_of",
    "force_residents",
    "funnel_centre",
    "funnel_title",
    "funnel_what",
    "group_sentence",
    "national_comparison",
    "reader_table",
    "table_caption",
    "unit",
    "write_comparison",
]

HEADLINE_GROUPS = tuple(COMPARISON_GROUPS)
READER_COLUMNS = {
    "crime_group": "Crime group",
    "force_rate_per_1000": "This force: per 1,000 residents",
    "force_change_pct": "This force: change on a year earlier (%)",
    "england_wales_rate_per_1000": "{pool}: per 1,000 residents",
    "england_wales_change_pct": "{pool}: change (%)",
    "peers_rate_per_1000": "Most similar group{flag}: per 1,000 residents",
    "peers_change_pct": "Most similar group{flag}: change (%)",
    "position": "Position among the forces compared",
    "position_in_group": "Position in the most similar group",
    "difference_from_pool_pct": "Difference from {pool_name} (%)",
    "difference_from_peers_pct": "Difference from the most similar group (%)",
    "funnel_position": "Funnel plot",
}


@dataclass(frozen=True)
class NationalComparison:
    """Every headline crime group compared across the forces in the data folder."""

    force: str
    window: Window
    previous: Window
    forces: pd.DataFrame  # pack.forces.force_table
    groups: dict[str, GroupComparison]
    peers: PeerGroup
    areas: AreaPopulations | None
    missing: tuple[str, ...]  # what the comparison needs and was not supplied
    pool: Pool | None = None  # what the national comparator holds (pack.comparators)

    @property
    def pool_name(self) -> str:
        """``England and Wales`` when every territorial force is compared, else ``the national pool``."""
        return "the national pool" if self.pool is None else self.pool.name

    @property
    def unverified(self) -> str:
        """``; unverified list`` when the most similar group's list is unverified, else nothing."""
        return "; unverified list" if self.peers.status == "unverified" else ""

    @property
    def compared(self) -> int:
        """Number of forces compared (in the England and Wales rate, the rank and the funnel)."""
        return int((self.forces["status"] == "compared").sum()) if len(self.forces) else 0

    @property
    def force_area(self) -> str | None:
        """The plan force's police force area (the lookup's name), if the lookup has it."""
        if self.areas is None:
            return None
        names = [p for p in self.areas.forces["pfa_name"] if force_key(p) == force_key(self.force)]
        return names[0] if names else None

    @property
    def force_population(self) -> float | None:
        """Residents of the plan force's area (see :mod:`pack.populations`), if known."""
        area = self.force_area
        return None if area is None or self.areas is None else self.areas.force_population(area)

    @property
    def force_districts(self) -> pd.DataFrame:
        """The plan force's districts with their residents (empty without the lookup)."""
        if self.areas is None or self.force_area is None:
            return pd.DataFrame(columns=["district", "lad_name", "pfa_name", "how", "lsoas", "population"])
        districts = self.areas.districts
        return districts[districts["pfa_name"] == self.force_area].reset_index(drop=True)

    @property
    def population_source(self) -> str:
        """Where the residents come from, for captions."""
        return "no population supplied" if self.areas is None else self.areas.source

    @property
    def force_compared(self) -> bool:
        """True when the plan force itself is among the forces compared."""
        rows = self.forces[[force_key(f) == force_key(self.force) for f in self.forces["force"]]]
        return bool(len(rows)) and rows["status"].iloc[0] == "compared"

    @property
    def available(self) -> bool:
        """True when there is a comparison to show: the plan force and at least two others compared."""
        return not self.missing and self.force_compared and self.compared >= MIN_FORCES

    def summary(self) -> pd.DataFrame:
        """One row per headline crime group: the force's rate and change, the national pool's
        (``england_wales_*``, whatever it holds: ``pool`` says what), its most similar group's, its rank
        of the forces compared (``rank``: 1 = lowest rate; ``rank_from_highest``: 1 = highest), its rank
        in its most similar group (1 = highest, of ``group_size``), its difference in percent from
        each, and its funnel position."""
        rows = []
        for g in self.groups.values():
            me, ew, msg = g.force_row, g.england_wales, g.peers
            rows.append(
                {
                    "crime_group": g.name,
                    "force_rate_per_1000": None if me is None else me["rate_per_1000"],
                    "force_change_pct": None if me is None else me["change_pct"],
                    "england_wales_rate_per_1000": None if ew is None else ew.rate_per_1000,
                    "england_wales_change_pct": None if ew is None else ew.change_pct,
                    "peers_rate_per_1000": None if msg is None else msg.rate_per_1000,
                    "peers_change_pct": None if msg is None else msg.change_pct,
                    "rank": _int(me, "rank"),
                    "forces_compared": g.compared,
                    "rank_from_highest": _int(me, "rank_from_highest"),
                    "rank_in_group": _int(me, "rank_in_group"),
                    "group_size": g.group_size,
                    "difference_from_pool_pct": None
                    if me is None or ew is None
                    else percent_difference(me["rate_per_1000"], ew.rate_per_1000),
                    "difference_from_peers_pct": None
                    if me is None or msg is None
                    else percent_difference(me["rate_per_1000"], msg.rate_per_1000),
                    "pool": "" if self.pool is None else self.pool.label,
                    "funnel_position": "" if me is None else me["funnel_position"],
                }
            )
        return pd.DataFrame(rows)

    def summary_for_readers(self) -> pd.DataFrame:
        """:meth:`summary` for display: rates to 2 decimals, changes and differences to 1, positions
        written "9th highest of 37", the national pool and the most similar group named for what they are."""
        table = self.summary()
        rates = [c for c in table if c.endswith("_per_1000")]
        changes = [c for c in table if c.endswith("_pct")]
        table[rates] = table[rates].astype("float64").round(2)
        table[changes] = table[changes].astype("float64").round(1)
        table["position"] = [
            "–" if r is None or pd.isna(r) else position_words(int(r), n)
            for r, n in zip(table["rank_from_highest"], table["forces_compared"], strict=True)
        ]
        table["position_in_group"] = [
            "–" if r is None or pd.isna(r) else position_words(int(r), n)
            for r, n in zip(table["rank_in_group"], table["group_size"], strict=True)
        ]
        pool = self.pool.heading if self.pool is not None else "National pool"
        flag = " (unverified list)" if self.unverified else ""
        names = {k: v.format(pool=pool, pool_name=self.pool_name, flag=flag) for k, v in READER_COLUMNS.items()}
        return table[list(READER_COLUMNS)].rename(columns=names)

    def sentences(self) -> list[str]:
        """What the comparison says, one sentence per crime group, then how many forces were compared."""
        if not self.available:
            return [self.unavailable_reason()]
        out = [group_sentence(g, self.peers) for g in self.groups.values()]
        if self.pool is not None:
            out.append(pool_sentence(self.pool))
        out.append(self.count_sentence())
        return out

    def count_sentence(self) -> str:
        """How many forces were compared, and which were left out."""
        counts = self.forces["status"].value_counts()
        text = (
            f"{self.compared} forces were compared: every territorial force in the data folder whose street "
            f"files cover the {self.window.label} ({self.window.start}..{self.window.end})."
        )
        if counts.get("rate only", 0) or counts.get("not compared", 0) or counts.get("no data", 0):
            text += (
                f" Not compared: {counts.get('rate only', 0) + counts.get('not compared', 0)} force(s) in the files "
                f"and {counts.get('no data', 0)} force area(s) with no files."
            )
        return text

    def unavailable_reason(self) -> str:
        """Why no comparison is shown."""
        if self.missing:
            return "No national comparison: it needs " + "; ".join(self.missing) + "."
        if not self.force_compared:
            row = self.forces[[force_key(f) == force_key(self.force) for f in self.forces["force"]]]
            why = row["reason"].iloc[0] if len(row) else "it has no street records in the data folder"
            return f"No national comparison for {self.force}: {why}."
        return (
            f"No national comparison: the data folder holds street files of {self.compared} force(s) covering the "
            f"{self.window.label}; add the data.police.uk archive of all forces (https://data.police.uk/data/archive/)."
        )

    def not_compared(self) -> pd.DataFrame:
        """The forces in the files, and force areas of the lookup, that are not compared, with why."""
        rows = self.forces[self.forces["status"] != "compared"]
        return rows[["force", "status", "reason"]].reset_index(drop=True)

    def notes(self) -> list[str]:
        """Caveats: populations, peers, definitions."""
        notes = [] if self.areas is None else self.areas.notes()
        notes.append(self.peers.label)
        notes += [f"Most similar group source: {source}" for source in self.peers.sources]
        notes.append(
            "Rates are records per 1,000 residents over the window, not annualised; change is on the same "
            f"months a year earlier ({self.previous.label}), for forces whose files cover both windows."
        )
        return notes


@dataclass(frozen=True)
class Residents:
    """The residents of a force's area, by the method of :mod:`pack.populations`."""

    area: str | None  # the lookup's name for the force area
    population: float | None
    source: str
    unmatched: pd.DataFrame | None = None  # districts in no force's population (AreaPopulations.unmatched)


def area_populations_of(data: Dataset) -> AreaPopulations | None:
    """Residents by district and force area from a prepared data folder (``None`` without the LSOA
    population estimates and names)."""
    population, names = data.table("population"), data.table("rural_urban")
    if population is None or names is None:
        return None
    return area_populations(population, names, data.table("force_areas"))


def force_residents(data: Dataset, force: str) -> Residents:
    """The residents of ``force``'s area, for rates per 1,000 (no comparison with other forces needed)."""
    areas = area_populations_of(data)
    if areas is None:
        return Residents(None, None, f"no population: needs {POPULATION_INPUTS}")
    names = [p for p in areas.forces["pfa_name"] if force_key(p) == force_key(force)]
    population = areas.force_population(names[0]) if names else None
    return Residents(names[0] if names else None, population, areas.source, areas.unmatched)


def national_comparison(data: Dataset, force: str, window: Window) -> NationalComparison:
    """Compare ``force`` with every force in the prepared data folder over ``window`` (see the module)."""
    previous = year_earlier(window)
    force_monthly = data.table("force_monthly")
    areas = area_populations_of(data)
    missing = []
    if force_monthly is None:
        missing.append("data.police.uk street files")
    if areas is None:
        missing.append(POPULATION_INPUTS)
    if not data.supplied("force_areas"):
        missing.append("the ONS local authority district to police force area lookup")
    if data.supplied("peers"):
        files = ", ".join(data.quality.input("peers").files)
        peers_table, origin = data.table("peers"), f"supplied in the data folder: {files}"
    else:
        peers_table = data.published("peers")
        origin = (
            f"default in {data.published_label('peers')}"
            if data.published_file("peers") is not None
            else "no peers input in the data folder and none published with the plan"
        )
    peers = peer_group(peers_table, force, origin)
    if force_monthly is None:
        empty = pd.DataFrame(columns=["force", "pfa_name", "population", "status", "reason"])
        return NationalComparison(force, window, previous, empty, {}, peers, areas, tuple(missing))
    unmatched = None if areas is None else areas.unmatched
    force_monthly = placed_force_monthly(force_monthly, data.table("street_monthly"), unmatched, force)
    forces = force_table(force_monthly, areas, window, previous)
    pool = pool_of(forces, areas)
    groups = {g: compare_group(g, force_monthly, forces, force, window, peers, pool) for g in HEADLINE_GROUPS}
    return NationalComparison(force, window, previous, forces, groups, peers, areas, tuple(missing), pool)


def pool_of(forces: pd.DataFrame, areas: AreaPopulations | None) -> Pool:
    """What the forces compared of a :func:`pack.forces.force_table` hold (:func:`pack.comparators.national_pool`):
    their share of the residents of the lookup's force areas, and the territorial forces missing."""
    residents = None if areas is None else float(areas.forces["population"].sum())
    return national_pool(forces, residents, lambda area: force_key(area) in RATE_ONLY)


def missing_large_forces(data: Dataset, window: Window) -> tuple[Missing, ...]:
    """The large territorial forces (:data:`pack.comparators.LARGE_FORCE_SHARE` of the residents or
    more) missing from the national pool over ``window``, for a warning when the pack is built; none
    when the data folder holds too few forces for a national comparison."""
    force_monthly, areas = data.table("force_monthly"), area_populations_of(data)
    if force_monthly is None or areas is None or not areas.lookup_supplied:
        return ()
    forces = force_table(force_monthly, areas, window, year_earlier(window))
    if int((forces["status"] == "compared").sum()) < MIN_FORCES:
        return ()
    return pool_of(forces, areas).large_missing()


def _int(row: pd.Series | None, column: str) -> int | None:
    return None if row is None or pd.isna(row[column]) else int(row[column])


def write_comparison(comparison: NationalComparison, output_dir: Path | str, stem: str) -> Path:
    """``tables/<stem>-comparison.csv``: per crime group, every force in the files (and force area of the
    lookup with none) with its status, residents, count, rate per 1,000, change, rank and funnel position,
    then the pooled England and Wales and most-similar-group rows."""
    frames = []
    for g in comparison.groups.values():
        table = g.table.merge(comparison.forces[["force", "status", "reason"]], on="force", how="left")
        others = comparison.forces[~comparison.forces["force"].isin(table["force"])]
        table = pd.concat([table, others[["force", "pfa_name", "population", "status", "reason"]]], ignore_index=True)
        pooled_rows = [
            {
                "force": name,
                "status": "pooled",
                "population": a.population,
                "count": a.count,
                "rate_per_1000": a.rate_per_1000,
                "change_pct": a.change_pct,
                "reason": f"{a.forces} forces",
            }
            for name, a in ((_pool_row(g), g.england_wales), ("Most similar group", g.peers))
            if a is not None
        ]
        table = pd.concat([table, pd.DataFrame(pooled_rows)], ignore_index=True)
        table.insert(0, "crime_group", g.name)
        table.insert(0, "group_id", g.group_id)
        table.insert(2, "window", g.window.label)
        table["forces_compared"] = g.compared
        frames.append(table)
    columns = ["group_id", "crime_group", "window", "force", "pfa_name", "status", "reason", "population", "count"]
    columns += ["rate_per_1000", "previous_count", "previous_rate_per_1000", "change_pct", "rank", "forces_compared"]
    columns += ["rank_from_highest", "rank_in_group"]
    columns += ["funnel_position", "this_force", "peer"]
    out = pd.concat(frames, ignore_index=True).reindex(columns=columns) if frames else pd.DataFrame(columns=columns)
    return write_csv(out, Path(output_dir) / "tables" / f"{stem}-comparison.csv")


def _pool_row(group: GroupComparison) -> str:
    """The pooled national row's name in the comparison table: what the pool holds."""
    if group.pool is None:
        return "National pool (forces compared)"
    return group.pool.label if group.pool.complete else f"National pool: {group.pool.label}"
