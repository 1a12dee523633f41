"""Charts over time: the monthly trend with its rolling 12-month line, the XmR (SPC) chart, and
lines for several series (e.g. officer headcount against a target)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from pack.charts.style import (
    CATEGORICAL,
    DARK_GREY,
    DUO,
    GREY,
    SMALL,
    TEXT,
    Chart,
    decimals,
    new_figure,
    number,
    set_title,
    styled,
    thousands,
    top_legend,
    words,
    wrap_to_width,
)
from pack.errors import ParameterError
from pack.periods import Month, Window
from pack.spc import SPCResult, XmRLimits, special_causes, xmr_limits
from pack.verdicts import gap_months, months_in_words

HEIGHT = 4.8  # inches: a time chart, 900 x 480 px


def _month_ticks(ax: Axes, months: list[str]) -> None:
    """Ticks at quarter starts (fewer on long series), labelled ``Jan 2024``."""
    step = max(1, len(months) // 10)
    ticks = [i for i, m in enumerate(months) if Month.parse(m).month in (1, 4, 7, 10)][:: max(1, step // 3)]
    if not ticks:
        ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([Month.parse(months[i]).name[:3] + " " + months[i][:4] for i in ticks], rotation=45, ha="right")
    ax.set_xlim(-0.7, len(months) - 0.3)


def _shade_windows(ax: Axes, months: list[str], windows: tuple[Window, ...], top: float) -> None:
    """Grey bands for the windows compared, each labelled inside its band (wrapped to its width)."""
    fig = ax.figure
    fig.get_layout_engine().execute(fig)  # where the axes sit, to measure the bands in pixels
    for i, window in enumerate(windows):
        idx = [k for k, m in enumerate(months) if Month.parse(m) in window]
        if not idx:
            continue
        left, right = idx[0] - 0.5, idx[-1] + 0.5
        ax.axvspan(left, right, color=GREY, alpha=0.3 if i == 0 else 0.55, lw=0, zorder=0)
        (x0, _), (x1, _) = ax.transData.transform([(left, 0), (right, 0)])
        lines = wrap_to_width(fig, window.label, max(x1 - x0 - 6, 20), SMALL)
        ax.text(left + 0.15, top, "\n".join(lines), fontsize=SMALL, va="top", ha="left", color=TEXT, parse_math=False)


@styled
def trend_chart(
    monthly: pd.Series,
    *,
    name: str,
    title: str,
    ylabel: str,
    what: str,
    windows: tuple[Window, ...] = (),
) -> Chart:
    """Monthly counts (index ``YYYY-MM``) with the rolling 12-month monthly average; the comparison
    windows shaded and labelled. The two lines differ in colour (the duo palette), width, style and
    marker."""
    months = [str(m) for m in monthly.index]
    values = monthly.astype("float64").reset_index(drop=True)
    rolling_total = values.rolling(12, min_periods=12).sum()
    x = np.arange(len(months))
    fig = new_figure(HEIGHT)
    ax = fig.add_subplot()
    # matplotlib's own lines, which break at a month with no value (seaborn would join across the gap)
    ax.plot(x, values, color=DUO[0], lw=1.4, marker="o", ms=4, label=f"{what} per month")
    ax.plot(x, rolling_total / 12, color=DUO[1], lw=2.8, ls="--", label="rolling 12-month average")
    highest = float(np.nanmax(values)) if len(values) and values.notna().any() else 1.0
    top = max(highest, 1.0) * (1.3 if windows else 1.08)
    ax.set_ylim(0, top)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Month")
    thousands(ax)
    _month_ticks(ax, months)
    if ax.get_legend():
        ax.get_legend().remove()
    set_title(fig, title)
    top_legend(fig, ax)
    _shade_windows(ax, months, windows, top * 0.98)
    data = pd.DataFrame({"month": months, "count": values.to_numpy(), "rolling_12_month_total": rolling_total})
    gaps = gap_months(months, values.to_numpy())
    data["note"] = ["no data" if m in gaps else "" for m in months]  # the table names the gap too
    alt = f"Line chart of {what} per month, {len(months)} months"
    if months:
        alt += f" from {Month.parse(months[0]).name} to {Month.parse(months[-1]).name}"
    if gaps:  # never "21 months from ... to ..." over a month with no data
        alt = f"Line chart of {what} per month, {Month.parse(months[0]).name} to {Month.parse(months[-1]).name}: "
        alt += f"{len(months) - len(gaps)} months with data; no data for {months_in_words(gaps)}"
    alt += "."
    valid = data.dropna(subset=["rolling_12_month_total"])
    if len(valid) >= 2:
        alt += (
            f" The rolling 12-month total went from {number(valid['rolling_12_month_total'].iloc[0])} "
            f"(12 months ending {Month.parse(valid['month'].iloc[0]).name}) to "
            f"{number(valid['rolling_12_month_total'].iloc[-1])} "
            f"(12 months ending {Month.parse(valid['month'].iloc[-1]).name})."
        )
    if values.notna().any():
        low, high = int(values.idxmin()), int(values.idxmax())
        alt += (
            f" Monthly values ranged from {number(values[low])} ({Month.parse(months[low]).name}) "
            f"to {number(values[high])} ({Month.parse(months[high]).name})."
        )
    if windows:
        alt += " Shaded: " + "; ".join(w.label for w in windows) + "."
    return Chart(name, title, alt, fig, data)


def _month_name(label: object) -> str:
    try:
        return Month.parse(str(label)).name
    except ParameterError:
        return str(label)


MARKS = {  # point kind -> (marker, colour, legend label): told apart by shape as well as colour
    "special_cause": ("D", CATEGORICAL[3], "special cause"),
    "special_cause_concern": ("D", CATEGORICAL[3], "special cause: concern"),
    "special_cause_improvement": ("s", CATEGORICAL[1], "special cause: improvement"),
    "special_cause_neutral_high": ("^", CATEGORICAL[2], "special cause: unusually high"),
    "special_cause_neutral_low": ("v", CATEGORICAL[2], "special cause: unusually low"),
    "special_cause_before_improvement": ("o", CATEGORICAL[2], "special cause: the level before an improvement"),
    "special_cause_before_concern": ("o", CATEGORICAL[2], "special cause: the level before a deterioration"),
}


@styled
def xmr_chart(
    series: pd.Series,
    *,
    name: str,
    title: str,
    ylabel: str,
    what: str,
    limits: XmRLimits | None = None,
    result: SPCResult | None = None,
) -> Chart:
    """XmR (individuals) chart: the values, the mean and the process limits, special-cause points
    marked by shape and colour. With ``result`` (:func:`pack.spc.xmr`) each phase is drawn with its
    own mean and limits and points are marked as improvement or concern; otherwise one phase with
    ``limits`` (default :func:`pack.spc.xmr_limits`) and the single-phase rules."""
    labels = [str(m) for m in series.index]
    v = series.to_numpy(dtype=float)
    x = np.arange(len(v))
    fig = new_figure(HEIGHT)
    ax = fig.add_subplot()
    sns.lineplot(x=x, y=v, ax=ax, color=DUO[0], lw=1.4, marker="o", ms=4, label=what)
    kinds, phases, data = _xmr_points(series, limits, result)
    _draw_phases(ax, phases)
    for kind, (marker, colour, label) in MARKS.items():
        chosen = kinds == kind
        if chosen.any():
            ax.scatter(x[chosen], v[chosen], marker=marker, s=70, color=colour, edgecolor=TEXT, zorder=3, label=label)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Month")
    thousands(ax)
    if labels and all(_is_month(m) for m in labels):
        _month_ticks(ax, labels)
    if ax.get_legend():
        ax.get_legend().remove()
    set_title(fig, title)
    top_legend(fig, ax)
    n_special = int((kinds != "common_cause").sum()) if result is None else int(result.points["special_cause"].sum())
    return Chart(name, title, _xmr_alt(what, labels, phases, n_special, result), fig, data)


Phases = list[tuple[int, int, XmRLimits | None]]  # (first point, point after the last, limits) of each phase


def _xmr_points(
    series: pd.Series, limits: XmRLimits | None, result: SPCResult | None
) -> tuple[np.ndarray, Phases, pd.DataFrame]:
    """``(kind of each point, phases, the table beside the chart)``: from ``result`` (phases read by
    direction), else one phase with ``limits`` (default :func:`pack.spc.xmr_limits`) and the
    single-phase rules."""
    if result is not None:
        data = result.points.reset_index(names="month")
        data = data[[c for c in data.columns if c != "special_cause"] + ["special_cause"]]  # last: any rule
        phases: Phases = [(p.start, p.stop, p.limits) for p in result.phases]
        return result.points["point_type"].to_numpy(dtype=str), phases, data
    limits = limits or xmr_limits(series)
    flags = special_causes(series, limits)
    kinds = np.where(flags["any"].to_numpy(), "special_cause", "common_cause")
    data = flags.reset_index(names="month")
    data.insert(2, "mean", limits.mean)
    data.insert(3, "upper_limit", limits.upper)
    data.insert(4, "lower_limit", limits.lower)
    return kinds, [(0, len(series), limits)], data


def _draw_phases(ax: Axes, phases: Phases) -> None:
    """Each phase's mean and process limits over its points (legend labels on the first drawn), and
    a dotted line where the limits were recalculated."""
    for i, (a, b, lim) in enumerate(phases):
        if lim is None:
            continue
        first = i == 0 or all(p[2] is None for p in phases[:i])
        xs = [a - 0.4, b - 0.6]
        ax.plot(xs, [lim.mean] * 2, color=TEXT, lw=1.2, label="mean" if first else None)
        ax.plot(xs, [lim.upper] * 2, color=DARK_GREY, lw=1.2, ls="--", label="process limits" if first else None)
        ax.plot(xs, [lim.lower] * 2, color=DARK_GREY, lw=1.2, ls="--")
        if a > 0:
            ax.axvline(a - 0.5, color=DARK_GREY, lw=1, ls=":")
            ax.text(a - 0.4, 1.0, "limits recalculated", transform=ax.get_xaxis_transform(), fontsize=SMALL, va="top")


def _xmr_alt(what: str, labels: list[str], phases: Phases, n_special: int, result: SPCResult | None) -> str:
    """The XmR chart's alt text: its months, each phase's mean and limits, how many points show
    special-cause variation and (with ``result``) the latest point's variation."""
    drawn = [p for p in phases if p[2] is not None]
    alt = f"XmR chart of {what} for {len(labels)} months"
    if labels:
        alt += f" from {_month_name(labels[0])} to {_month_name(labels[-1])}"
    if not drawn:
        alt += ": too few points for process limits."
    else:
        alt += ": " + "; then ".join(
            f"mean {number(lim.mean, 1)}, process limits {number(lim.lower, 1)} to {number(lim.upper, 1)}"
            + (f" from {_month_name(labels[a])}" if len(drawn) > 1 else "")
            for a, _, lim in drawn
        )
        alt += f"; {n_special} point(s) show special-cause variation."
    if result is not None:
        alt += f" Latest point: {result.variation.label}."
    return alt


def _is_month(label: str) -> bool:
    try:
        Month.parse(label)
    except ParameterError:
        return False
    return True


@styled
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
    labels: dict[str, str] | None = None,
) -> Chart:
    """Lines for several series over ``x`` (dates or labels), each with its own colour, marker and
    line style and its last value labelled; an optional dashed target line labelled in words.
    ``labels`` names the series for readers (default: the column names in words)."""
    names = {col: (labels or {}).get(col, words(col)) for col in series}
    fig = new_figure(HEIGHT)
    ax = fig.add_subplot()
    positions = np.arange(len(frame))
    _draw_series(ax, frame, series, names, positions)
    if target is not None and pd.isna(target):
        target = None
    if target is not None:
        ax.axhline(target, color=CATEGORICAL[3], lw=1.8, ls="--")
        ax.text(0, target, f" {target_label} ({number(target)})", va="bottom", fontsize=SMALL, color=TEXT)
    step = max(1, -(-len(frame) // 10))  # at most 10 labels
    ax.set_xticks(positions[::step])
    ax.set_xticklabels(frame[x].astype(str).iloc[::step], rotation=45, ha="right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    thousands(ax)
    if ax.get_legend():
        ax.get_legend().remove()
    set_title(fig, title)
    if len(series) > 1:
        top_legend(fig, ax)
    alt = f"Line chart of {what}: " + _series_words(frame, x, series, names) + "."
    if target is not None:
        alt += f" A dashed line marks {target_label} ({number(target)})."
    return Chart(name, title, alt, fig, frame[[x, *series]].reset_index(drop=True))


def _draw_series(
    ax: Axes, frame: pd.DataFrame, series: list[str], names: dict[str, str], positions: np.ndarray
) -> None:
    """Each series in its own colour, marker and line style (four of each, in turn), its last value
    labelled beside it."""
    styles, markers = ["-", "--", ":", "-."], ["o", "s", "^", "D"]
    for i, col in enumerate(series):
        y = frame[col].astype("float64").reset_index(drop=True)
        sns.lineplot(
            x=positions,
            y=y,
            ax=ax,
            ls=styles[i % 4],
            marker=markers[i % 4],
            color=CATEGORICAL[i % 4],
            ms=6,
            label=names[col],
        )
        last = y.dropna()
        if len(last):  # direct label on the last point
            ax.annotate(
                number(last.iloc[-1]),
                (positions[last.index[-1]], last.iloc[-1]),
                textcoords="offset points",
                xytext=(6, 0),
                fontsize=SMALL,
                va="center",
            )


def _series_words(frame: pd.DataFrame, x: str, series: list[str], names: dict[str, str]) -> str:
    """Each series from its first value to its last, with their ``x`` (``no values`` when none has one).

    >>> f = pd.DataFrame({"year": ["2021", "2022", "2023"], "a": [1.0, None, 3.5]})
    >>> _series_words(f, "year", ["a"], {"a": "Officers"})
    'Officers from 1.0 (2021) to 3.5 (2023)'
    """
    parts = []
    for col in series:
        s = frame[[x, col]].dropna()
        if len(s):
            places = decimals(s[col].to_numpy(dtype="float64"))
            parts.append(
                f"{names[col]} from {number(s.iloc[0][col], places)} ({s.iloc[0][x]}) to "
                f"{number(s.iloc[-1][col], places)} ({s.iloc[-1][x]})"
            )
    return "; ".join(parts) if parts else "no values"
