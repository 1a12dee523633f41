"""Words and tables for one crime group compared across forces (:class:`pack.forces.GroupComparison`).

The sentence a reader is given (:func:`group_sentence`), the funnel plot's title, centre line and
alt-text subject, and the table beside it. The national comparator is named for what it holds
(:mod:`pack.comparators`): "England and Wales" only when every territorial force is compared.
"""

from __future__ import annotations

import pandas as pd

from pack.comparators import Pool, difference_words, percent_difference, position_words
from pack.forces import GroupComparison, PeerGroup
from pack.funnel import position_phrase

MARK_THIS_FORCE = "◆"  # the plan force in tables and on the funnel plot: a shape, never colour alone
MARK_PEER = "▲"


def _short(group: GroupComparison) -> str:
    return "ASB" if group.group_id == "asb_incidents" else group.name.split(" (")[0].lower()


def unit(group: GroupComparison) -> str:
    """What the group counts: ``incidents`` (ASB) or ``crimes``."""
    return "incidents" if group.group_id == "asb_incidents" else "crimes"


def funnel_what(group: GroupComparison) -> str:
    """What a funnel plot shows, for its alt text (``burglary per 1,000 residents, 12 months ending ...``)."""
    return f"{_short(group)} per 1,000 residents, {group.window.label}"


def table_caption(group: GroupComparison) -> str:
    """Caption of the table beside a funnel plot (the most similar group's list flagged when unverified)."""
    flag = ", unverified list" if group.peers_unverified else ""
    return (
        f"{group.name} per 1,000 residents by force, {group.window.label}: {group.compared} forces compared, "
        f"lowest rate first (◆ this force, ▲ its most similar group{flag}); change on the {group.previous.label}"
    )


def _change(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "no change shown"
    return "unchanged" if round(value, 1) == 0 else f"{'up' if value > 0 else 'down'} {abs(value):.1f}%"


def group_sentence(group: GroupComparison, peers: PeerGroup) -> str:
    """The force's rate against the national pool (named for what it holds) and its most similar group,
    its change, its position among the forces compared and in its group, its difference in percent
    from each, and its funnel position, in one sentence."""
    me = group.force_row
    if me is None or group.england_wales is None:
        return f"{group.name}: no comparison for {group.force}."
    ew, pool, rate = group.england_wales, group.pool_name, float(me["rate_per_1000"])
    held = f"{ew.forces} forces" if group.pool is None or group.pool.complete else group.pool.label
    text = (
        f"{group.name}: {rate:,.2f} {unit(group)} per 1,000 residents in the {group.window.label} "
        f"({int(me['count']):,} {unit(group)}), against {ew.rate_per_1000:,.2f} for {pool} ({held})"
    )
    flag = "; unverified list" if peers.status == "unverified" else ""
    if group.peers is not None:
        text += f" and {group.peers.rate_per_1000:,.2f} for its most similar group ({group.peers.forces} forces{flag})"
    text += f"; {_change(me['change_pct'])} on the {group.previous.label}"
    if ew.change_pct is not None:
        text += f" ({pool}: {_change(ew.change_pct)}, {ew.forces_with_change} forces)"
    text += f". Its rate is the {position_words(int(me['rank_from_highest']), group.compared)} forces compared"
    if group.peers is not None and not pd.isna(me["rank_in_group"]):
        flagged = " (unverified list)" if flag else ""
        text += (
            f" and the {position_words(int(me['rank_in_group']), group.group_size)} in its most similar group{flagged}"
        )
    text += f"; {difference_words(percent_difference(rate, ew.rate_per_1000), pool)}"
    if group.peers is not None:
        text += (
            f" and {difference_words(percent_difference(rate, group.peers.rate_per_1000), 'its most similar group')}"
        )
    return text + f"; {position_phrase(me['funnel_position'], _rate_name(group))}."


def _rate_name(group: GroupComparison) -> str:
    return "the national pool rate" if group.pool is None else group.pool.rate_name


def funnel_centre(group: GroupComparison) -> str:
    """The funnel plot's centre line, named for what it holds: ``England and Wales rate`` only when
    every territorial force is compared, else ``national pool rate (37 forces in the data)``."""
    if group.pool is not None and group.pool.complete:
        return "England and Wales rate"
    held = "" if group.pool is None else f" ({group.pool.forces} forces in the data)"
    return f"national pool rate{held}"


def funnel_title(group: GroupComparison) -> str:
    """A title stating the finding of the group's funnel plot."""
    me = group.force_row
    short = group.force.split(" ")[0] if group.force else "The force"
    if me is None:
        return f"{group.name}: rates per 1,000 residents of {group.compared} forces, {group.window.label}"
    where = position_phrase(me["funnel_position"], _rate_name(group))
    return f"{short}'s {_short(group)} rate is {where}, {group.window.label}"


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


def pool_sentence(pool: Pool) -> str:
    """What the national comparator holds, in one sentence."""
    if pool.complete:
        return f"The national comparator is {pool.label}."
    return (
        f"The national comparator is the national pool: {pool.label}. Its rate is the pooled rate of these "
        "forces only, and positions are among them."
    )
