"""Every force's rate per 1,000 residents from the data.police.uk archive: who is compared, and how.

Given the street files of many forces (the data.police.uk archive holds every force's), the prepare
stage counts each force's records by month and crime type (``force_monthly``). Here each force, named
by ``Falls within``, is matched to its police force area by :func:`force_key`, given the residents of
that area (:mod:`pack.populations`) and, if its files cover the whole window, compared: its rate per
1,000 residents and change on the same window a year earlier, the England and Wales rate (the forces
compared, pooled), its most similar group's rate (the peers compared, pooled; the list is configurable,
see :func:`peer_group`), its rank (1 = the lowest rate) and its place on a funnel plot
(:mod:`pack.funnel`).

British Transport Police (a national force with no resident population: it polices the railways) and
the Police Service of Northern Ireland (outside England and Wales) are listed as not compared, as is
any force whose files miss a month of the window or whose name matches no force area of the lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pack.comparators import Pool, rank_from_highest
from pack.crime import CRIME_GROUPS
from pack.funnel import FunnelFit, fit_funnel, funnel_limits, limits_grid, positions
from pack.periods import Window, describe_months, missing_months
from pack.populations import AreaPopulations
from pack.reference import force_key  # (defined there, for the data stage's checks too)

ASB = "Anti-social behaviour"
ALL_CRIME = "all_crime"
COMPARISON_GROUPS: dict[str, str] = {
    "asb_incidents": "Anti-social behaviour",
    "burglary": CRIME_GROUPS["burglary"][0],
    "serious_acquisitive_crime": CRIME_GROUPS["serious_acquisitive_crime"][0],
    "neighbourhood_crime": CRIME_GROUPS["neighbourhood_crime"][0],
    "violence_sexual_offences": CRIME_GROUPS["violence_sexual_offences"][0],
    ALL_CRIME: "All crime (every police.uk crime type; anti-social behaviour excluded)",
}
MIN_FORCES = 3  # fewer forces compared: no rank, no funnel, no England and Wales figure
# Listed with their rate but left out of the England and Wales rate, the rank and the funnel plot.
RATE_ONLY: dict[str, str] = {
    "city of london": "rate shown, not compared: its 10,000 or so residents are a small fraction of the people who "
    "work in and visit the City, so a rate per resident is not comparable with other forces'",
}
NOT_TERRITORIAL: dict[str, str] = {
    "british transport": "not a territorial force: British Transport Police polices the railways and has no "
    "resident population",
    "northern ireland": "outside England and Wales (Northern Ireland)",
}


def year_earlier(window: Window) -> Window:
    """The same months a year earlier (the change every force is compared on).

    >>> from pack.periods import rolling_window
    >>> year_earlier(rolling_window("2024-01", 12)).label
    '12 months ending January 2023'
    """
    return Window(window.start - 12, window.end - 12, window.kind)


def group_types(group_id: str, crime_types: list[str]) -> tuple[str, ...]:
    """The police.uk crime types of a comparison group (``all_crime``: every type present except ASB)."""
    if group_id == ALL_CRIME:
        return tuple(sorted(t for t in set(crime_types) if t != ASB))
    return CRIME_GROUPS[group_id][1] if group_id in CRIME_GROUPS else (ASB,)


# -------------------------------------------------------------------------------------------------
# Which forces can be compared


def force_table(
    force_monthly: pd.DataFrame, areas: AreaPopulations | None, current: Window, previous: Window
) -> pd.DataFrame:
    """One row per force in the street files (and per force area of the lookup with none): its force
    area, residents, months covered and its ``status``: ``compared``; ``rate only`` (its rate is shown but
    it is left out of the England and Wales rate, the rank and the funnel: :data:`RATE_ONLY`); ``not
    compared`` (no rate); ``no data`` (a force area with no street files). ``reason`` says why. Sorted by
    force name."""
    pfa_by_key = {} if areas is None else {force_key(p): p for p in areas.forces["pfa_name"]}
    months = force_monthly.groupby("falls_within")["month"].unique()
    rows = []
    for force, have in sorted(months.items()):
        key = force_key(force)
        pfa = pfa_by_key.get(key, "")
        population = areas.force_population(pfa) if areas is not None and pfa else None
        missing = missing_months(current, have)
        reason = ""
        if key in NOT_TERRITORIAL:
            reason = NOT_TERRITORIAL[key]
        elif areas is None:
            reason = "no population: the LSOA population estimates and rural-urban lookup were not supplied"
        elif not areas.lookup_supplied:
            reason = "no force area: the ONS district to police force area lookup was not supplied"
        elif not pfa:
            reason = "its name matches no police force area of the lookup"
        elif population is None:
            reason = f"no residents found for the force area {pfa}"
        elif missing:
            reason = f"its files miss {describe_months(missing)} of the {current.label}"
        status = "not compared" if reason else "compared"
        if not reason and key in RATE_ONLY:
            status, reason = "rate only", RATE_ONLY[key]
        rows.append(
            {
                "force": force,
                "pfa_name": pfa,
                "population": population,
                "first_month": min(have),
                "last_month": max(have),
                "covers_previous": not missing_months(previous, have),
                "status": status,
                "reason": reason,
            }
        )
    found = {force_key(r["pfa_name"]) for r in rows if r["pfa_name"]}
    if areas is not None:
        for pfa in areas.lookup_forces:
            if force_key(pfa) not in found:
                reason = "no street files for this force in the data folder"
                rows.append({"force": pfa, "pfa_name": pfa, "population": areas.force_population(pfa)})
                rows[-1].update(first_month="", last_month="", covers_previous=False, status="no data", reason=reason)
    columns = ["force", "pfa_name", "population", "first_month", "last_month", "covers_previous", "status", "reason"]
    table = pd.DataFrame(rows, columns=columns).astype({"population": "float64", "covers_previous": "bool"})
    return table.sort_values("force", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class PeerGroup:
    """A force's most similar group, as listed, and where the list came from."""

    force: str
    peers: tuple[str, ...]
    origin: str  # which file: the supplied ``peers`` input or the published default
    edition: str  # the edition the rows name (e.g. "2021"), if any
    sources: tuple[str, ...]  # the sources the rows name
    status: str  # "verified", "unverified" or "as supplied"

    @property
    def label(self) -> str:
        """How the list is introduced to readers."""
        where = self.origin + (f"; edition {self.edition}" if self.edition else "")
        if not self.peers:
            return f"No most similar group is listed for {self.force} ({where})."
        prefix = {"unverified": "UNVERIFIED list", "verified": "Verified list"}.get(self.status, "List")
        return f"{prefix} of {len(self.peers)} most similar forces ({where}): {', '.join(self.peers)}."


def peer_group(peers: pd.DataFrame | None, force: str, origin: str) -> PeerGroup:
    """The peers listed for ``force`` in a ``force, peer[, edition, source, verified]`` table (the
    supplied ``peers`` input, else ``data/published/peers.csv``); ``origin`` says which. A list any of
    whose rows says ``verified`` = ``no`` is unverified.

    >>> table = pd.DataFrame({"force": ["Derbyshire", "Derbyshire", "Kent"], "peer": ["Cheshire", "Essex", "Essex"],
    ...                       "source": ["HMICFRS"] * 3, "verified": ["no", "yes", "yes"]})
    >>> peer_group(table, "Derbyshire Constabulary", "default in data/published/peers.csv").label
    'UNVERIFIED list of 2 most similar forces (default in data/published/peers.csv): Cheshire, Essex.'
    """
    if peers is None or not len(peers):
        return PeerGroup(force, (), origin, "", (), "as supplied")

    def texts(column: str) -> list[str]:
        return [str(v).strip() for v in rows[column].dropna() if str(v).strip()] if column in rows else []

    rows = peers[[force_key(str(f)) == force_key(force) for f in peers["force"]]]
    flags = {v.lower() for v in texts("verified")}
    status = "unverified" if "no" in flags else ("verified" if flags == {"yes"} else "as supplied")
    editions = sorted(set(texts("edition")))
    return PeerGroup(
        force,
        tuple(str(p).strip() for p in rows["peer"]),
        origin,
        ", ".join(editions),
        tuple(dict.fromkeys(texts("source"))),
        status,
    )


# -------------------------------------------------------------------------------------------------
# One crime group, every force


@dataclass(frozen=True)
class Aggregate:
    """A pooled rate over several forces (total records over total residents)."""

    forces: int
    count: int
    population: float
    rate_per_1000: float
    change_pct: float | None  # over the forces whose files also cover the earlier window
    forces_with_change: int


def pooled(table: pd.DataFrame) -> Aggregate | None:
    """The pooled rate of the forces in ``table`` (a slice of :attr:`GroupComparison.table`)."""
    if table.empty:
        return None
    both = table[table["previous_count"].notna()]
    before = float(both["previous_count"].sum())
    change = (float(both["count"].sum()) - before) / before * 100 if before else None
    return Aggregate(
        forces=len(table),
        count=int(table["count"].sum()),
        population=float(table["population"].sum()),
        rate_per_1000=1000 * float(table["count"].sum()) / float(table["population"].sum()),
        change_pct=change if len(both) else None,
        forces_with_change=len(both),
    )


def _counts(force_monthly: pd.DataFrame, types: tuple[str, ...], window: Window) -> pd.Series:
    rows = force_monthly[force_monthly["crime_type"].isin(types) & force_monthly["month"].isin(window.month_strings())]
    return rows.groupby("falls_within")["n"].sum()


@dataclass(frozen=True)
class GroupComparison:
    """One crime group compared across forces (see the module's method)."""

    group_id: str
    name: str
    force: str  # the plan force, as data.police.uk names it
    window: Window
    previous: Window
    table: pd.DataFrame  # one row per force compared
    england_wales: Aggregate | None
    peers: Aggregate | None
    fit: FunnelFit | None
    pool: Pool | None = None  # what the national comparator holds (pack.comparators)
    peers_unverified: bool = False  # the most similar group's list is unverified: said wherever it is used

    @property
    def pool_name(self) -> str:
        """What the national comparator is called: "England and Wales" only when it is complete."""
        return "the national pool" if self.pool is None else self.pool.name

    @property
    def group_size(self) -> int:
        """The plan force and the peers of its most similar group that are compared."""
        return int((self.table["compared"] & (self.table["peer"] | self.table["this_force"])).sum())

    @property
    def compared(self) -> int:
        """Number of forces compared (in the England and Wales rate, the rank and the funnel)."""
        return int(self.table["compared"].sum())

    @property
    def force_row(self) -> pd.Series | None:
        """The plan force's row, if it is compared."""
        rows = self.table[self.table["this_force"]]
        return rows.iloc[0] if len(rows) else None

    def points(self) -> pd.DataFrame:
        """The funnel plot's points, one per force compared: ``force, population, count, rate_per_1000,
        highlighted`` (the plan force), ``peer`` (its most similar group) and ``position`` (against the
        limits at its own population)."""
        compared = self.table[self.table["compared"]]
        columns = ["force", "population", "count", "rate_per_1000", "this_force", "peer", "funnel_position"]
        return compared[columns].rename(columns={"this_force": "highlighted", "funnel_position": "position"})

    def limits(self, points: int = 120) -> pd.DataFrame:
        """The funnel's limits: ``population, level, lower, upper, centre`` (95% and 99.8%)."""
        if self.fit is None:
            return pd.DataFrame(columns=["population", "level", "lower", "upper", "centre"])
        return funnel_limits(self.fit, limits_grid(self.points()["population"].to_numpy(), points))


def _rates_table(compared: pd.DataFrame, now: pd.Series, before: pd.Series) -> pd.DataFrame:
    """Each compared force's count and rate per 1,000 now and a year earlier (where its files cover
    that year), and the change in percent."""
    table = pd.DataFrame(
        {
            "force": compared["force"],
            "pfa_name": compared["pfa_name"],
            "population": compared["population"].astype("float64"),
            "count": compared["force"].map(now).fillna(0).astype("int64"),
            "previous_count": compared["force"]
            .map(before)
            .fillna(0)
            .astype("float64")
            .where(compared["covers_previous"]),
        }
    ).reset_index(drop=True)
    table["rate_per_1000"] = 1000 * table["count"] / table["population"]
    table["previous_rate_per_1000"] = 1000 * table["previous_count"] / table["population"]
    table["change_pct"] = (
        (table["count"] - table["previous_count"]) / table["previous_count"].where(table["previous_count"] > 0) * 100
    )
    return table


def compare_group(
    group_id: str,
    force_monthly: pd.DataFrame,
    forces: pd.DataFrame,
    force: str,
    window: Window,
    peers: PeerGroup,
    pool: Pool | None = None,
) -> GroupComparison:
    """Every compared force's count, rate per 1,000, change on :func:`year_earlier`, rank (``rank``:
    1 = lowest rate; ``rank_from_highest``: 1 = highest; ties share the smaller rank), rank within the
    most similar group with the plan force (``rank_in_group``, 1 = highest) and funnel position for
    one comparison group; ``pool`` says what the national comparator holds."""
    previous = year_earlier(window)
    types = group_types(group_id, force_monthly["crime_type"].unique().tolist())
    compared = forces[forces["status"].isin(("compared", "rate only"))]
    now, before = _counts(force_monthly, types, window), _counts(force_monthly, types, previous)
    peer_keys = {force_key(p) for p in peers.peers}
    table = _rates_table(compared, now, before)
    table["compared"] = (compared["status"] == "compared").to_numpy()
    table["this_force"] = [force_key(f) == force_key(force) for f in table["force"]]
    table["peer"] = [force_key(f) in peer_keys for f in table["force"]]
    ranked = table[table["compared"]]
    table["rank"] = ranked["rate_per_1000"].rank(method="min").astype("Int64").reindex(table.index)
    table["rank_from_highest"] = rank_from_highest(ranked["rate_per_1000"]).reindex(table.index)
    # a position in the most similar group only when it has another force: the force alone is no group
    in_group = ranked[ranked["peer"] | ranked["this_force"]] if ranked["peer"].any() else ranked.iloc[0:0]
    table["rank_in_group"] = rank_from_highest(in_group["rate_per_1000"]).reindex(table.index)
    enough = len(ranked) >= MIN_FORCES and ranked["count"].sum() > 0
    fit = fit_funnel(ranked["count"].to_numpy(), ranked["population"].to_numpy()) if enough else None
    table["funnel_position"] = "not compared"
    if fit is not None:
        table.loc[ranked.index, "funnel_position"] = positions(fit, ranked["count"], ranked["population"])
    if not enough:
        table["rank"] = table["rank_from_highest"] = table["rank_in_group"] = pd.NA
    columns = ["force", "pfa_name", "population", "count", "rate_per_1000", "previous_count", "previous_rate_per_1000"]
    columns += ["change_pct", "compared", "rank", "rank_from_highest", "rank_in_group", "funnel_position"]
    columns += ["this_force", "peer"]
    table = table[columns].sort_values(["rate_per_1000", "force"], kind="stable").reset_index(drop=True)
    in_comparison = table[table["compared"]]
    return GroupComparison(
        group_id,
        COMPARISON_GROUPS[group_id],
        force,
        window,
        previous,
        table,
        pooled(in_comparison) if enough else None,
        pooled(in_comparison[in_comparison["peer"]]),
        fit,
        pool,
        peers.status == "unverified",
    )
