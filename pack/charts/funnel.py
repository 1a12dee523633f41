"""The funnel plot: each force's rate against its residents, inside control limits around the
England and Wales rate. The limits are computed elsewhere (``pack.funnel``); this draws whatever it
is given.

Input contract
--------------
``points``: one row per force, columns

- ``force`` (text): the name shown in the label and the table;
- ``population`` (number > 0): residents;
- ``rate_per_1000`` (number): the force's rate;
- ``highlighted`` (bool): the plan force (a large diamond with its name written beside it);
- optional ``peer`` (bool): its most similar group (triangles);
- optional ``position`` (text): where the force sits, as worked out with the limits
  (``within the 95% limits``, ``above the 99.8% limit`` ...); without it the position is read
  off the limits given, interpolated at the force's population.

``limits``: one row per population and level, columns ``population, level, lower, upper`` and
optionally ``centre`` (the target rate, the same on every row); ``level`` is a label such as
``95%`` or ``99.8%``. Levels are drawn narrowest first: dashed, then dotted.

Nothing depends on colour: the plan force differs by shape, size and its written name, the most
similar group by shape, the limit levels by line style.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import patheffects
from matplotlib.ticker import FuncFormatter, NullLocator

from pack.charts.style import (
    DARK_BLUE,
    DARK_GREY,
    FOCUS,
    SMALL,
    TEXT,
    Chart,
    new_figure,
    number,
    plural,
    set_title,
    styled,
    top_legend,
)

POINT_COLUMNS = ["force", "population", "rate_per_1000", "highlighted"]
LIMIT_COLUMNS = ["population", "level", "lower", "upper"]
STYLES = ["--", ":", "-."]
MARK_FORCE, MARK_PEER = "◆", "▲"


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"funnel chart {what}: expected columns {', '.join(columns)}; missing {', '.join(missing)} "
            f"(found {', '.join(map(str, frame.columns)) or 'none'})"
        )


def _levels(limits: pd.DataFrame) -> list[str]:
    """The levels, narrowest first (by the mean width of their limits)."""
    width = (limits["upper"] - limits["lower"]).groupby(limits["level"]).mean()
    return [str(level) for level in width.sort_values(kind="stable").index]


def limits_at(limits: pd.DataFrame, level: str, population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits of ``level`` at each ``population``, interpolated on the log of the
    population between the rows given (held at the ends beyond them).

    >>> lim = pd.DataFrame({"population": [100, 10_000], "level": "95%", "lower": [2.0, 8.0], "upper": [18.0, 12.0]})
    >>> [a.round(6).tolist() for a in limits_at(lim, "95%", np.array([1_000]))]  # half-way on the log scale
    [[5.0], [15.0]]
    """
    rows = limits[limits["level"].astype(str) == level].sort_values("population")
    x = np.log(rows["population"].to_numpy(dtype="float64"))
    at = np.log(np.asarray(population, dtype="float64"))
    return (
        np.interp(at, x, rows["lower"].to_numpy(dtype="float64")),
        np.interp(at, x, rows["upper"].to_numpy(dtype="float64")),
    )


def position(rate: float, bounds: list[tuple[str, float, float]]) -> str:
    """Where ``rate`` sits against ``(level, lower, upper)`` bounds, narrowest first.

    >>> b = [("95%", 8.0, 12.0), ("99.8%", 6.0, 14.0)]
    >>> [position(r, b) for r in (10.0, 13.0, 15.0)]
    ['within the 95% limits', 'above the 95% limit', 'above the 99.8% limit']
    >>> [position(r, b) for r in (7.0, 5.0)]
    ['below the 95% limit', 'below the 99.8% limit']
    """
    outside = ""
    for level, lower, upper in bounds:
        if rate > upper:
            outside = f"above the {level} limit"
        elif rate < lower:
            outside = f"below the {level} limit"
    return outside or f"within the {bounds[0][0]} limits"


LOG_SPREAD = 10  # the largest force more than 10 times the smallest: residents on a log scale
NICE_MILLIONS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)


def _millions(value: float, _: object) -> str:
    return f"{value / 1e6:,.2g}" if value < 1e6 else f"{value / 1e6:,.1f}".removesuffix(".0")


@styled
def funnel_chart(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    name: str,
    title: str,
    what: str,
    ylabel: str = "Rate per 1,000 residents",
    centre_label: str = "England and Wales rate",
    log_x: bool | None = None,
) -> Chart:
    """A funnel plot of ``points`` inside ``limits`` (see the module for both): the plan force a
    labelled diamond, its most similar group triangles, other forces grey circles; the alt text
    states where the plan force sits; the table gives every force with its limits and position.
    Residents are on a log scale when ``log_x``, or by default when the largest force has more than
    :data:`LOG_SPREAD` times the residents of the smallest (so small forces are not crowded together)."""
    _require(points, POINT_COLUMNS, "points")
    _require(limits, LIMIT_COLUMNS, "limits")
    pts = points.reset_index(drop=True).copy()
    pts["highlighted"] = pts["highlighted"].fillna(False).astype(bool)
    pts["peer"] = pts["peer"].fillna(False).astype(bool) if "peer" in pts else False
    pop = pts["population"].to_numpy(dtype="float64")
    if (pop <= 0).any() or np.isnan(pop).any():
        bad = pts.loc[~(pop > 0), "force"].astype(str).tolist()
        raise ValueError(f"funnel chart points: population must be a number above 0; not so for {', '.join(bad)}")
    levels = _levels(limits) if len(limits) else []
    centre = float(limits["centre"].iloc[0]) if "centre" in limits and len(limits) else None
    table = _funnel_table(pts, pop, limits, levels)
    fig = new_figure(6.0)
    ax = fig.add_subplot()
    shown = limits[limits["population"].between(0.8 * pop.min(), 1.1 * pop.max())] if len(pts) else limits
    for style, level in zip(STYLES * 3, levels, strict=False):
        rows = limits[limits["level"].astype(str) == level].sort_values("population")
        ax.plot(rows["population"], rows["upper"], color=DARK_GREY, lw=1.3, ls=style, label=f"{level} limits")
        ax.plot(rows["population"], rows["lower"], color=DARK_GREY, lw=1.3, ls=style)
    if centre is not None:
        ax.axhline(centre, color=TEXT, lw=1.2, label=f"{centre_label} ({number(centre, 2)})")
    _draw_forces(ax, pts, pop)
    _fit_axes(ax, pts, pop, shown, log_x)
    ax.set_ylabel(ylabel)
    if ax.get_legend():
        ax.get_legend().remove()
    set_title(fig, title)
    top_legend(fig, ax)
    return Chart(name, title, _alt(pts, table, levels, centre, what, centre_label), fig, table)


def _funnel_table(pts: pd.DataFrame, pop: np.ndarray, limits: pd.DataFrame, levels: list[str]) -> pd.DataFrame:
    """The table beside the chart: each force's mark, residents and rate, the limits at its residents
    and its position (as given in ``pts``, else worked out from the limits)."""
    table = pd.DataFrame({"force": pts["force"].astype(str), "residents": pop, "rate_per_1000": pts["rate_per_1000"]})
    for level in levels:
        table[f"{level} lower limit"], table[f"{level} upper limit"] = limits_at(limits, level, pop)
    if "position" in pts:
        table["position"] = pts["position"].astype(str)
    elif levels:
        table["position"] = [
            position(float(r), [(lv, row[f"{lv} lower limit"], row[f"{lv} upper limit"]) for lv in levels])
            for r, (_, row) in zip(pts["rate_per_1000"], table.iterrows(), strict=True)
        ]
    table.insert(
        0,
        "mark",
        [MARK_FORCE if h else (MARK_PEER if p else "") for h, p in zip(pts["highlighted"], pts["peer"], strict=True)],
    )
    return table


def _draw_forces(ax, pts: pd.DataFrame, pop: np.ndarray) -> None:
    """The forces: other forces grey circles, the most similar group triangles, the plan force a
    diamond labelled with its name."""
    kinds = [
        (~pts["highlighted"] & ~pts["peer"], "o", FOCUS[1], 45, "other forces"),
        (~pts["highlighted"] & pts["peer"], "^", FOCUS[1], 70, "most similar group"),
        (pts["highlighted"], "D", DARK_BLUE, 130, "this force"),
    ]
    for chosen, marker, colour, size, label in kinds:
        if chosen.any():
            sns.scatterplot(
                x=pop[chosen.to_numpy()],
                y=pts.loc[chosen, "rate_per_1000"].astype("float64"),
                marker=marker,
                s=size,
                color=colour,
                edgecolor=TEXT,
                linewidth=0.8,
                ax=ax,
                label=label,
                zorder=3 if marker == "D" else 2,
            )
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for _, row in pts[pts["highlighted"]].iterrows():
        ax.annotate(
            f"{MARK_FORCE} {row['force']}",
            (row["population"], row["rate_per_1000"]),
            xytext=(9, 9),
            textcoords="offset points",
            fontsize=SMALL,
            fontweight="bold",
            color=TEXT,
            path_effects=halo,
            zorder=6,
        )


def _fit_axes(ax, pts: pd.DataFrame, pop: np.ndarray, shown: pd.DataFrame, log_x: bool | None) -> None:
    """Axes fitted to the forces and the limits ``shown`` over their residents; residents in millions,
    on a log scale when ``log_x`` (by default when the forces' residents spread widely)."""
    values = np.concatenate(
        [pts["rate_per_1000"].to_numpy(dtype="float64")]
        + [shown[c].to_numpy(dtype="float64") for c in ("lower", "upper")]
    )
    values = values[np.isfinite(values)]
    if len(values):
        low, high = values.min(), values.max()
        pad = (high - low) * 0.08 or 1.0
        ax.set_ylim(max(0.0, low - pad), high + pad)
    if len(pts):
        ax.set_xlim(0.8 * pop.min() if len(pts) > 1 else 0, 1.1 * pop.max())
    if log_x is None:
        log_x = bool(len(pts)) and pop.max() > LOG_SPREAD * pop.min()
    if log_x:
        ax.set_xscale("log")
        low, high = ax.get_xlim()
        ax.set_xticks([m * 1e6 for m in NICE_MILLIONS if low <= m * 1e6 <= high], minor=False)
        ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(_millions))
    ax.set_xlabel("Residents (millions, log scale)" if log_x else "Residents (millions)")


def _alt(pts: pd.DataFrame, table: pd.DataFrame, levels: list[str], centre, what: str, centre_label: str) -> str:
    alt = f"Funnel plot of {what} for {plural(len(pts), 'force')} against their residents."
    if centre is not None:
        alt += f" The {centre_label} is {number(centre, 2)} per 1,000"
        alt += f", with {' and '.join(levels)} limits that narrow as residents increase." if levels else "."
    for i in np.flatnonzero(pts["highlighted"].to_numpy()):
        row = table.iloc[i]
        alt += (
            f" {row['force']} (the diamond, labelled with its name): {number(row['rate_per_1000'], 2)} per 1,000 "
            f"with {number(row['residents'])} residents" + (f", {row['position']}." if "position" in table else ".")
        )
    if "position" in table and levels:
        widest = levels[-1]
        above = int((table["position"] == f"above the {widest} limit").sum())
        below = int((table["position"] == f"below the {widest} limit").sum())
        alt += f" Above the {widest} limit: {plural(above, 'force')}; below it: {plural(below, 'force')}."
    if not pts["highlighted"].any():
        alt += " No force is highlighted."
    return alt
