"""Charts in one style (Analysis Function guidance): each returns a :class:`Chart`.

A chart has a title that states the finding, labelled axes, alt text generated from its data,
and the table it was drawn from. Colours come from the afcharts palette, and nothing is told by
colour alone: lines differ in style and marker, special-cause points carry their own marker.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from pack.periods import Month, Window  # noqa: E402
from pack.spc import XmRLimits, special_causes, xmr_limits  # noqa: E402

# afcharts "main" categorical palette (dark blue, turquoise, dark pink, orange) and its greys.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
GREY = "#BFBFBF"
TEXT = "#0B0C0C"


@dataclass
class Chart:
    """A figure with everything a reader needs beside it."""

    name: str
    title: str
    alt_text: str
    figure: Figure
    data: pd.DataFrame


def _set_title(ax, title: str, **kwargs) -> None:
    """The title, wrapped to the figure's width (a finding stated in full is often long)."""
    ax.set_title(textwrap.fill(title, width=int(ax.figure.get_figwidth() * 8)), **kwargs)


def apply_style() -> None:
    """Set the one chart style of the pack (call once per process)."""
    sns.set_theme(style="whitegrid", palette=list(PALETTE[:4]), font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10,
            "axes.edgecolor": "#3D3D3D",
            "text.color": TEXT,
            "axes.labelcolor": TEXT,
            "grid.color": "#E5E5E5",
            "svg.hashsalt": "evidence-pack",
            "path.simplify": False,
        }
    )


def _thousands(ax: plt.Axes, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _month_positions(months: list[str]) -> np.ndarray:
    return np.arange(len(months))


def _month_ticks(ax: plt.Axes, months: list[str]) -> None:
    step = max(1, len(months) // 10)
    ticks = [i for i, m in enumerate(months) if Month.parse(m).month in (1, 4, 7, 10)][:: max(1, step // 3)]
    if not ticks:
        ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([Month.parse(months[i]).name[:3] + " " + months[i][:4] for i in ticks], rotation=45, ha="right")


def _close(fig: Figure) -> Figure:
    plt.close(fig)
    return fig


def trend_chart(
    monthly: pd.Series,
    *,
    name: str,
    title: str,
    ylabel: str,
    what: str,
    windows: tuple[Window, ...] = (),
) -> Chart:
    """Monthly counts with the rolling 12-month monthly average; shaded comparison windows."""
    months = list(monthly.index)
    values = monthly.astype("float64")
    rolling_total = values.rolling(12, min_periods=12).sum()
    x = _month_positions(months)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for i, window in enumerate(windows):
        idx = [k for k, m in enumerate(months) if Month.parse(m) in window]
        if idx:
            ax.axvspan(idx[0] - 0.5, idx[-1] + 0.5, color=GREY, alpha=0.25 if i == 0 else 0.45, lw=0)
            ax.text(
                idx[0],
                1.0,
                window.label,
                transform=ax.get_xaxis_transform(),
                fontsize=8,
                va="bottom",
                ha="left",
                color=TEXT,
            )
    ax.plot(x, values, color=PALETTE[0], lw=1.2, marker="o", ms=2.5, label=f"{what} per month")
    ax.plot(x, rolling_total / 12, color=PALETTE[3], lw=2.4, ls="--", label="rolling 12-month average per month")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Month")
    ax.set_ylim(bottom=0)
    _thousands(ax)
    _month_ticks(ax, months)
    _set_title(ax, title, pad=18)
    ax.legend(loc="lower left", frameon=False, fontsize=8)
    fig.tight_layout()
    data = pd.DataFrame(
        {"month": months, "count": values.to_numpy(), "rolling_12_month_total": rolling_total.to_numpy()}
    )
    valid = data.dropna(subset=["rolling_12_month_total"])
    alt = f"Line chart of {what} per month from {Month.parse(months[0]).name} to {Month.parse(months[-1]).name}."
    if len(valid) >= 2:
        alt += (
            f" The rolling 12-month total went from {valid.iloc[0]['rolling_12_month_total']:,.0f} "
            f"(12 months ending {Month.parse(valid.iloc[0]['month']).name}) to "
            f"{valid.iloc[-1]['rolling_12_month_total']:,.0f} "
            f"(12 months ending {Month.parse(valid.iloc[-1]['month']).name})."
        )
    alt += f" Monthly values ranged from {values.min():,.0f} to {values.max():,.0f}."
    return Chart(name, title, alt, _close(fig), data)


def xmr_chart(
    series: pd.Series, *, name: str, title: str, ylabel: str, what: str, limits: XmRLimits | None = None
) -> Chart:
    """XmR (individuals) chart with mean, process limits and special-cause points marked."""
    limits = limits or xmr_limits(series)
    flags = special_causes(series, limits)
    months = list(series.index)
    x = _month_positions(months)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.plot(x, series.to_numpy(dtype=float), color=PALETTE[0], lw=1.3, marker="o", ms=3, label=what)
    ax.axhline(limits.mean, color=TEXT, lw=1, label=f"mean {limits.mean:,.1f}")
    ax.axhline(
        limits.upper,
        color=PALETTE[4],
        lw=1,
        ls="--",
        label=f"process limits {limits.lower:,.1f} to {limits.upper:,.1f}",
    )
    ax.axhline(limits.lower, color=PALETTE[4], lw=1, ls="--")
    special = flags["any"].to_numpy()
    if special.any():
        ax.scatter(
            x[special],
            series.to_numpy(dtype=float)[special],
            marker="D",
            s=36,
            color=PALETTE[3],
            edgecolor=TEXT,
            zorder=3,
            label="special cause",
        )
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Month")
    _month_ticks(ax, months)
    _set_title(ax, title)
    ax.legend(loc="best", frameon=False, fontsize=8)
    fig.tight_layout()
    data = flags.reset_index().rename(columns={"index": "month"})
    data.insert(2, "mean", limits.mean)
    data.insert(3, "upper_limit", limits.upper)
    data.insert(4, "lower_limit", limits.lower)
    n_special = int(special.sum())
    alt = (
        f"XmR chart of {what} for {len(months)} months from {Month.parse(months[0]).name} to "
        f"{Month.parse(months[-1]).name}: mean {limits.mean:,.1f}, process limits {limits.lower:,.1f} "
        f"to {limits.upper:,.1f}; {n_special} point(s) show special-cause variation."
    )
    return Chart(name, title, alt, _close(fig), data)


def bar_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    name: str,
    title: str,
    xlabel: str,
    what: str,
    highlight: str | None = None,
) -> Chart:
    """Horizontal bars, largest at the top, each labelled with its value."""
    data = frame[[category, value]].copy()
    fig, ax = plt.subplots(figsize=(9, max(2.2, 0.38 * len(data) + 1.2)))
    y = np.arange(len(data))[::-1]
    colours = [PALETTE[3] if highlight is not None and c == highlight else PALETTE[0] for c in data[category]]
    ax.barh(y, data[value].astype(float), color=colours)
    ax.set_yticks(y)
    ax.set_yticklabels(data[category].astype(str))
    top = float(data[value].max()) if len(data) else 1.0
    for yi, v in zip(y, data[value].astype(float), strict=True):
        ax.text(v + top * 0.01, yi, f"{v:,.1f}" if not float(v).is_integer() else f"{v:,.0f}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    _thousands(ax, "x")
    ax.grid(axis="y", visible=False)
    _set_title(ax, title)
    fig.tight_layout()
    if len(data):  # the largest and smallest by value, whatever order the bars are drawn in
        values = data[value].astype(float)
        big, small = data.loc[values.idxmax()], data.loc[values.idxmin()]
        alt = (
            f"Bar chart of {what} for {len(data)} categories. The largest is {big[category]} "
            f"with {float(big[value]):,.1f}; the smallest is {small[category]} with "
            f"{float(small[value]):,.1f}."
        )
    else:
        alt = f"Bar chart of {what}: no data."
    return Chart(name, title, alt, _close(fig), data.reset_index(drop=True))


def paired_bar_chart(
    frame: pd.DataFrame, *, category: str, first: str, second: str, name: str, title: str, xlabel: str, what: str
) -> Chart:
    """Two bars per category (e.g. baseline and current), told apart by colour and hatching."""
    data = frame[[category, first, second]].copy()
    fig, ax = plt.subplots(figsize=(9, max(2.4, 0.55 * len(data) + 1.2)))
    y = np.arange(len(data))[::-1]
    h = 0.38
    ax.barh(y + h / 2, data[first].astype(float), height=h, color=PALETTE[1], label=first)
    ax.barh(
        y - h / 2, data[second].astype(float), height=h, color=PALETTE[0], hatch="//", edgecolor="white", label=second
    )
    top = float(np.nanmax(data[[first, second]].to_numpy(dtype=float))) if len(data) else 1
    for yi, a, b in zip(y, data[first].astype(float), data[second].astype(float), strict=True):
        ax.text(a + top * 0.01, yi + h / 2, f"{a:,.0f}", va="center", fontsize=8)
        ax.text(b + top * 0.01, yi - h / 2, f"{b:,.0f}", va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels(data[category].astype(str))
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    ax.set_xlabel(xlabel)
    _thousands(ax, "x")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    _set_title(ax, title)
    fig.tight_layout()
    alt = (
        f"Paired bar chart of {what}, {first} against {second}, for {len(data)} categories: "
        + "; ".join(
            f"{r[category]} {float(r[first]):,.0f} and {float(r[second]):,.0f}" for _, r in data.head(8).iterrows()
        )
        + "."
    )
    return Chart(name, title, alt, _close(fig), data.reset_index(drop=True))


def density_map(grid: pd.DataFrame, *, name: str, title: str, what: str) -> Chart:
    """Where records fall: counts on a 0.01-degree grid of longitude and latitude."""
    fig, ax = plt.subplots(figsize=(7, 7))
    if len(grid):
        points = ax.scatter(grid["lon"], grid["lat"], c=grid["n"], s=10, marker="s", cmap="Blues", vmin=0, linewidths=0)
        bar = fig.colorbar(points, ax=ax, shrink=0.7)
        bar.set_label(f"{what} per grid cell (about 1 km square)")
        ax.set_aspect(1 / np.cos(np.radians(float(grid["lat"].mean()))))
    ax.set_xlabel("Longitude")
    ax.set_ylabel("Latitude")
    _set_title(ax, title)
    fig.tight_layout()
    top = grid.sort_values(["n", "lon", "lat"], ascending=[False, True, True]).head(10).reset_index(drop=True)
    alt = (
        f"Map of {what} by location on a grid of about 1 km squares; {len(grid):,} squares have at least "
        f"one record. The busiest square, near longitude {top.iloc[0]['lon']:.2f} and latitude "
        f"{top.iloc[0]['lat']:.2f}, has {int(top.iloc[0]['n']):,}."
        if len(grid)
        else f"Map of {what}: no located records."
    )
    return Chart(name, title, alt, _close(fig), top)


def series_chart(
    frame: pd.DataFrame,
    *,
    x: str,
    series: list[str],
    name: str,
    title: str,
    xlabel: str,
    ylabel: str,
    what: str,
    target: float | None = None,
    target_label: str = "",
) -> Chart:
    """Lines for several series over ``x`` (dates or labels), each with its own marker and style."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    styles = ["-", "--", ":", "-."]
    markers = ["o", "s", "^", "D"]
    positions = np.arange(len(frame))
    for i, col in enumerate(series):
        ax.plot(
            positions,
            frame[col].astype(float),
            ls=styles[i % 4],
            marker=markers[i % 4],
            color=PALETTE[i % 4],
            label=col,
            ms=4,
        )
        values = frame[col].reset_index(drop=True).dropna()
        if len(values):  # direct label on the last point
            ax.annotate(
                f"{values.iloc[-1]:,.0f}",
                (positions[values.index[-1]], values.iloc[-1]),
                textcoords="offset points",
                xytext=(4, 0),
                fontsize=8,
                va="center",
            )
    if target is not None and pd.isna(target):
        target = None
    if target is not None:
        ax.axhline(target, color=PALETTE[3], lw=1.5, ls="--")
        ax.text(0, target, f" {target_label}", va="bottom", fontsize=8, color=TEXT)
    step = max(1, len(frame) // 12)
    ax.set_xticks(positions[::step])
    ax.set_xticklabels(frame[x].astype(str).iloc[::step], rotation=45, ha="right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _thousands(ax)
    ax.legend(frameon=False, fontsize=8)
    _set_title(ax, title)
    fig.tight_layout()
    parts = []
    for col in series:
        s = frame[[x, col]].dropna()
        if len(s):
            parts.append(
                f"{col} from {s.iloc[0][col]:,.1f} ({s.iloc[0][x]}) to {s.iloc[-1][col]:,.1f} ({s.iloc[-1][x]})"
            )
    alt = f"Line chart of {what}: " + "; ".join(parts) + "."
    if target is not None:
        alt += f" A dashed line marks {target_label} ({target:,.0f})."
    return Chart(name, title, alt, _close(fig), frame[[x, *series]].reset_index(drop=True))


def headline_chart(headlines: pd.DataFrame, *, name: str, title: str, what: str) -> Chart:
    """Small multiples: baseline against current for the headline indicator of each priority."""
    n = max(1, len(headlines))
    cols = 3
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.8 * rows), squeeze=False)
    for ax, (_, row) in zip(axes.flat, headlines.iterrows(), strict=False):
        values = [row["baseline_value"], row["current_value"]]
        labels = ["baseline", "current"]
        heights = [0 if pd.isna(v) else float(v) for v in values]
        ax.bar([0, 1], heights, color=[PALETTE[1], PALETTE[0]], hatch=["", "//"], edgecolor="white")
        for x, v in zip([0, 1], values, strict=True):
            ax.text(
                x,
                0 if pd.isna(v) else float(v),
                "n/a" if pd.isna(v) else f"{float(v):,.1f}".replace(".0", ""),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_xticks([0, 1])
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_title(f"{row['priority']}\n{str(row['indicator'])[:40]}", fontsize=8, loc="left")
        ax.tick_params(axis="y", labelsize=7)
        _thousands(ax)
    for ax in list(axes.flat)[len(headlines) :]:
        ax.axis("off")
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
    fig.tight_layout()
    data = headlines[
        ["priority", "indicator", "baseline_label", "baseline_value", "current_label", "current_value", "status"]
    ]
    alt = (
        f"Small multiples of {what}, baseline against current: "
        + "; ".join(
            f"{r['priority']}: {r['indicator']} {r['baseline_value']} to {r['current_value']} ({r['status']})"
            for _, r in data.iterrows()
        )
        + "."
    )
    return Chart(name, title, alt, _close(fig), data.reset_index(drop=True))
