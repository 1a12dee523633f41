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

from pack.forces import (
    COMPARISON_GROUPS,
    MIN_FORCES,
    PEERS_FILE,
    GroupComparison,
    PeerGroup,
    compare_group,
    force_key,
    force_table,
    peer_group,
    year_earlier,
)
from pack.funnel import position_phrase
from pack.periods import Window
from pack.populations import POPULATION_INPUTS, AreaPopulations, area_populations
from pack.rate_areas import placed_force_monthly
from pack.safe_csv import write_csv

if TYPE_CHECKING:
    from pack.data import Dataset

HEADLINE_GROUPS = tuple(COMPARISON_GROUPS)
READER_COLUMNS = {
    "crime_group": "Crime group",
    "force_rate_per_1000": "This force: per 1,000 residents",
    "force_change_pct": "This force: change on a year earlier (%)",
    "england_wales_rate_per_1000": "England and Wales: per 1,000 residents",
    "england_wales_change_pct": "England and Wales: change (%)",
    "peers_rate_per_1000": "Most similar group: per 1,000 residents",
    "peers_change_pct": "Most similar group: change (%)",
    "rank": "Rank (1 = lowest rate)",
    "funnel_position": "Funnel plot",
}
MARK_THIS_FORCE = "◆"  # the plan force in tables and on the funnel plot: a shape, never colour alone
MARK_PEER = "▲"


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
        """One row per headline crime group: the force's rate and change, England and Wales's, its most
        similar group's, its rank of the forces compared (1 = lowest rate) and its funnel position."""
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
                    "rank": None if me is None or pd.isna(me["rank"]) else int(me["rank"]),
                    "forces_compared": g.compared,
                    "funnel_position": "" if me is None else me["funnel_position"],
                }
            )
        return pd.DataFrame(rows)

    def summary_for_readers(self) -> pd.DataFrame:
        """:meth:`summary` for display: rates to 2 decimals, changes to 1, the rank written "21 of 39"."""
        table = self.summary()
        rates = [c for c in table if c.endswith("_per_1000")]
        changes = [c for c in table if c.endswith("_change_pct")]
        table[rates] = table[rates].astype("float64").round(2)
        table[changes] = table[changes].astype("float64").round(1)
        table["rank"] = [
            "–" if pd.isna(r) else f"{int(r)} of {n}"
            for r, n in zip(table["rank"], table["forces_compared"], strict=True)
        ]
        return table.drop(columns="forces_compared").rename(columns=READER_COLUMNS)

    def sentences(self) -> list[str]:
        """What the comparison says, one sentence per crime group, then how many forces were compared."""
        if not self.available:
            return [self.unavailable_reason()]
        out = [group_sentence(g, self.peers) for g in self.groups.values()]
        out.append(self.count_sentence())
        return out

    def count_sentence(self) -> str:
        """How many forces were compared, and which were left out."""
        counts = self.forces["status"].value_counts()
        text = (
            f"{self.compared} forces were compared: every England and Wales force in the data folder whose street "
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
        peers_table, origin = data.published("peers"), f"default in {PEERS_FILE}"
    peers = peer_group(peers_table, force, origin)
    if force_monthly is None:
        empty = pd.DataFrame(columns=["force", "pfa_name", "population", "status", "reason"])
        return NationalComparison(force, window, previous, empty, {}, peers, areas, tuple(missing))
    unmatched = None if areas is None else areas.unmatched
    force_monthly = placed_force_monthly(force_monthly, data.table("street_monthly"), unmatched, force)
    forces = force_table(force_monthly, areas, window, previous)
    groups = {g: compare_group(g, force_monthly, forces, force, window, peers) for g in HEADLINE_GROUPS}
    return NationalComparison(force, window, previous, forces, groups, peers, areas, tuple(missing))


# -------------------------------------------------------------------------------------------------
# Words and tables for one group


def _short(group: GroupComparison) -> str:
    return "ASB" if group.group_id == "asb_incidents" else group.name.split(" (")[0].lower()


def unit(group: GroupComparison) -> str:
    """What the group counts: ``incidents`` (ASB) or ``crimes``."""
    return "incidents" if group.group_id == "asb_incidents" else "crimes"


def funnel_what(group: GroupComparison) -> str:
    """What a funnel plot shows, for its alt text (``burglary per 1,000 residents, 12 months ending ...``)."""
    return f"{_short(group)} per 1,000 residents, {group.window.label}"


def table_caption(group: GroupComparison) -> str:
    """Caption of the table beside a funnel plot."""
    return (
        f"{group.name} per 1,000 residents by force, {group.window.label}: {group.compared} forces compared, "
        f"lowest rate first (◆ this force, ▲ its most similar group); change on the {group.previous.label}"
    )


def _ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``23rd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _change(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "no change shown"
    return "unchanged" if round(value, 1) == 0 else f"{'up' if value > 0 else 'down'} {abs(value):.1f}%"


def group_sentence(group: GroupComparison, peers: PeerGroup) -> str:
    """The force's rate against England and Wales and its most similar group, its change, rank and
    funnel position, in one sentence."""
    me = group.force_row
    if me is None or group.england_wales is None:
        return f"{group.name}: no comparison for {group.force}."
    ew = group.england_wales
    text = (
        f"{group.name}: {me['rate_per_1000']:,.2f} {unit(group)} per 1,000 residents in the {group.window.label} "
        f"({int(me['count']):,} {unit(group)}), against {ew.rate_per_1000:,.2f} for England and Wales "
        f"({ew.forces} forces)"
    )
    if group.peers is not None:
        flag = "; unverified list" if peers.status == "unverified" else ""
        text += f" and {group.peers.rate_per_1000:,.2f} for its most similar group ({group.peers.forces} forces{flag})"
    text += f"; {_change(me['change_pct'])} on the {group.previous.label}"
    if ew.change_pct is not None:
        text += f" (England and Wales: {_change(ew.change_pct)}, {ew.forces_with_change} forces)"
    text += (
        f". It has the {_ordinal(int(me['rank']))} lowest rate of {group.compared} forces and is "
        f"{position_phrase(me['funnel_position'])}."
    )
    return text


def funnel_title(group: GroupComparison) -> str:
    """A title stating the finding of the group's funnel plot."""
    me = group.force_row
    short = group.force.split(" ")[0] if group.force else "The force"
    if me is None:
        return f"{group.name}: rates per 1,000 residents of {group.compared} forces, {group.window.label}"
    return f"{short}'s {_short(group)} rate is {position_phrase(me['funnel_position'])}, {group.window.label}"


def reader_table(group: GroupComparison) -> pd.DataFrame:
    """The table beside the funnel plot: every force with a rate, lowest rate first, the plan force
    marked ◆ and its most similar group ▲ (so neither depends on colour)."""
    t = group.table
    force = [
        f"{MARK_THIS_FORCE} {f} (this force)" if me else (f"{MARK_PEER} {f}" if peer else f)
        for f, me, peer in zip(t["force"], t["this_force"], t["peer"], strict=True)
    ]
    return pd.DataFrame(
        {
            "rank": [("–" if pd.isna(r) else int(r)) for r in t["rank"]],
            "force": force,
            "residents": t["population"].round(0).astype("int64"),
            unit(group): t["count"],
            "rate_per_1000": t["rate_per_1000"].round(2),
            "change_pct": t["change_pct"].astype("float64").round(1),
            "funnel_position": t["funnel_position"],
        }
    )


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
            for name, a in (("England and Wales (forces compared)", g.england_wales), ("Most similar group", g.peers))
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
    columns += ["funnel_position", "this_force", "peer"]
    out = pd.concat(frames, ignore_index=True).reindex(columns=columns) if frames else pd.DataFrame(columns=columns)
    return write_csv(out, Path(output_dir) / "tables" / f"{stem}-comparison.csv")
