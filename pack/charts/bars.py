"""Bar charts: one value per category, two values per category (baseline and current), and the
summary's small multiples.

Long category lists are capped (:data:`MAX_BARS`): the chart draws the largest and either sums the
rest into one bar (``rest="sum"``, for counts and money) or leaves them out with a note
(``rest="omit"``, the default, right for rates too); the chart's table always lists every row.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from pack.charts.style import (
    DUO,
    FOCUS,
    MARGIN,
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

MAX_BARS = 15  # categories drawn at most in a bar chart: it stays under about 850 px tall
MAX_PAIRS = 15  # in a paired bar chart (two bars each): under 1,000 px
BAR_HEIGHT = 0.42  # inches per category (single bars)
PAIR_HEIGHT = 0.5  # inches per category (paired bars)
Rest = Literal["omit", "sum"]


def cap_categories(
    frame: pd.DataFrame,
    category: str,
    values: list[str],
    max_bars: int = MAX_BARS,
    rest: Rest = "omit",
    keep: str | None = None,
) -> tuple[pd.DataFrame, str]:
    """The rows to draw, in the order given: all of them when there are at most ``max_bars``; else
    the largest (by the largest of ``values``; the category ``keep`` always) and, with
    ``rest="sum"``, one more row summing the others. Returns the rows and a sentence saying what
    was left out ('' when nothing was).

    >>> f = pd.DataFrame({"d": list("abcde"), "n": [5, 1, 4, 2, 3]})
    >>> rows, note = cap_categories(f, "d", ["n"], max_bars=3, rest="sum")
    >>> rows["d"].tolist(), rows["n"].tolist(), note
    (['a', 'c', '3 others'], [5, 4, 6], '2 of 5 categories are drawn, the largest; the other 3 are summed in one bar.')
    """
    if rest not in ("omit", "sum"):
        raise ValueError(f"rest must be 'omit' or 'sum', got {rest!r}")
    if len(frame) <= max_bars:
        return frame.reset_index(drop=True), ""
    keep_n = max_bars - 1 if rest == "sum" else max_bars
    size = frame[values].astype("float64").max(axis=1).fillna(-np.inf)
    if keep is not None:
        size = size.where(frame[category].astype(str) != str(keep), np.inf)
    order = np.argsort(-size.to_numpy(), kind="stable")  # ties: the earlier row first
    kept = frame.iloc[np.sort(order[:keep_n])].reset_index(drop=True)
    others = len(frame) - keep_n
    if rest == "omit":
        note = f"{keep_n} of {len(frame)} categories are drawn, the largest; the table lists all {len(frame)}."
        return kept, note
    dropped = frame.iloc[order[keep_n:]]
    total = {category: f"{others} others", **{v: dropped[v].astype("float64").sum(min_count=1) for v in values}}
    if all(float(dropped[v].astype("float64").sum()).is_integer() for v in values):
        total.update({v: int(total[v]) for v in values if not pd.isna(total[v])})
    note = f"{keep_n} of {len(frame)} categories are drawn, the largest; the other {others} are summed in one bar."
    return pd.concat([kept, pd.DataFrame([total])], ignore_index=True), note


def _finish_bars(ax: Axes, labels: list[str], top: float, xlabel: str, bold: set[int] = frozenset()) -> None:
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    for i in bold:
        ax.get_yticklabels()[i].set_fontweight("bold")
    ax.set_ylabel("")
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, top * 1.18 if top > 0 else 1)
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(True)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    thousands(ax, "x")


def _label(value: object) -> str:
    return "–" if value is None or pd.isna(value) or str(value) in ("", "nan") else str(value)


def _headline_words(row: dict) -> str:
    """One panel in words: ``Burglary 120 (12 months ending May 2021) to 100 (...), improved``."""
    figures = [
        f"{number(row[f'{k}_value'])} ({_label(row[f'{k}_label'])})" if not pd.isna(row[f"{k}_value"]) else ""
        for k in ("baseline", "current")
    ]
    if all(figures):
        text = f"{figures[0]} to {figures[1]}"
    elif not any(figures):
        text = "no figures"
    else:
        text = f"{figures[0] or figures[1]}, no {'baseline' if not figures[0] else 'current'} figure".lstrip(", ")
    return f"{row['priority']}: {row['indicator']} {text}, {row['status']}"


def _note(fig, note: str) -> None:
    if note:
        lines = wrap_to_width(fig, note, fig.bbox.width - 30, SMALL)
        fig.supxlabel("\n".join(lines), x=0.01, ha="left", fontsize=SMALL, color=TEXT)


def _extremes(data: pd.DataFrame, category: str, value: str, which: str) -> str:
    """``'A (12)'`` or ``'A and B (12)'`` for the largest (``max``) or smallest (``min``) value."""
    values = data[value].astype("float64")
    target = values.max() if which == "max" else values.min()
    names = data.loc[values == target, category].astype(str).tolist()
    return f"{' and '.join(names)} ({number(target, decimals(values.to_numpy()))})"


@styled
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
    max_bars: int = MAX_BARS,
    rest: Rest = "omit",
) -> Chart:
    """Horizontal bars in the order given (sort first for the largest at the top), each labelled with
    its value. ``highlight`` names a category drawn in the focus colour, everything else grey, its
    label in bold (so it does not depend on colour)."""
    data = frame[[category, value]].reset_index(drop=True)
    drawn, note = cap_categories(data, category, [value], max_bars, rest, highlight)
    v = drawn[value].astype("float64").to_numpy()
    labels = drawn[category].astype(str).tolist()
    focus = [i for i, c in enumerate(labels) if highlight is not None and c == str(highlight)]
    colours = [FOCUS[0] if highlight is None or i in focus else FOCUS[1] for i in range(len(labels))]
    fig = new_figure(max(2.6, BAR_HEIGHT * len(drawn) + 1.6 + (0.3 if note else 0)))
    ax = fig.add_subplot()
    if len(drawn):
        sns.barplot(
            x=np.nan_to_num(v),
            y=[str(i) for i in range(len(labels))],
            hue=[str(i) for i in range(len(labels))],
            palette=colours,
            saturation=1,
            orient="h",
            ax=ax,
            legend=False,
            width=0.75,
        )
        places = decimals(v)
        texts = [number(x, places) for x in v]
        for i, (x, text) in enumerate(zip(np.nan_to_num(v), texts, strict=True)):
            ax.text(
                x, i, f" {text}", va="center", fontsize=SMALL, color=TEXT, fontweight="bold" if i in focus else None
            )
    top = float(np.nanmax(v)) if len(v) and np.isfinite(v).any() else 1.0
    _finish_bars(ax, labels, top, xlabel, set(focus))
    set_title(fig, title)
    _note(fig, note)
    valid = data.dropna(subset=[value])
    if len(valid):
        alt = (
            f"Bar chart of {what} for {len(data)} categories. The largest is "
            f"{_extremes(valid, category, value, 'max')}; the smallest is {_extremes(valid, category, value, 'min')}."
        )
        if len(valid) < len(data):
            alt += f" {len(data) - len(valid)} value(s) not shown (suppressed or missing)."
        if note:
            alt += " " + note
    else:
        alt = f"Bar chart of {what}: no data."
    return Chart(name, title, alt, fig, data)


@styled
def paired_bar_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    first: str,
    second: str,
    name: str,
    title: str,
    xlabel: str,
    what: str,
    labels: tuple[str, str] | None = None,
    max_bars: int = MAX_PAIRS,
    rest: Rest = "omit",
) -> Chart:
    """Two bars per category (e.g. baseline and current), in the duo palette and told apart by
    hatching too, each labelled with its value; the legend names the two in words (``labels``,
    default the column names in words)."""
    names = labels or (words(first), words(second))
    data = frame[[category, first, second]].reset_index(drop=True)
    drawn, note = cap_categories(data, category, [first, second], max_bars, rest)
    long = drawn.melt(id_vars=[category], value_vars=[first, second], var_name="series", value_name="value")
    long["series"] = long["series"].map({first: names[0], second: names[1]})
    long["value"] = long["value"].astype("float64")
    long[category] = long[category].astype(str)
    fig = new_figure(max(2.8, PAIR_HEIGHT * len(drawn) + 1.9 + (0.3 if note else 0)))
    ax = fig.add_subplot()
    values = long["value"].to_numpy()
    places = decimals(values)
    if len(drawn):
        _draw_pairs(ax, long, drawn, category, (first, second), names, places)
    top = float(np.nanmax(values)) if len(values) and np.isfinite(values).any() else 1.0
    _finish_bars(ax, drawn[category].astype(str).tolist(), top, xlabel)
    set_title(fig, title)
    top_legend(fig, ax)
    _note(fig, note)
    alt = (
        f"Paired bar chart of {what}, {names[0]} against {names[1]}, for {len(data)} categories: "
        + "; ".join(
            f"{r[category]} {number(r[first], places)} and {number(r[second], places)}" for _, r in drawn.iterrows()
        )
        + "."
    )
    if note:
        alt += " " + note
    if data.empty:
        alt = f"Paired bar chart of {what}: no data."
    return Chart(name, title, alt, fig, data)


def _draw_pairs(
    ax: Axes,
    long: pd.DataFrame,
    drawn: pd.DataFrame,
    category: str,
    columns: tuple[str, str],
    names: tuple[str, str],
    places: int,
) -> None:
    """The bars of a paired bar chart (``long``: one row per category and series), in the duo palette,
    the second of each pair hatched too; each bar labelled with its value from ``drawn``."""
    sns.barplot(
        data=long.fillna({"value": 0.0}),
        x="value",
        y=category,
        hue="series",
        hue_order=list(names),
        order=drawn[category].astype(str).tolist(),
        palette=list(DUO),
        orient="h",
        ax=ax,
        width=0.8,
        saturation=1,
    )
    for k, container in enumerate(ax.containers):
        column = columns[0] if k == 0 else columns[1]
        texts = [number(x, places) for x in drawn[column].astype("float64")]
        if k == 1:
            for patch in container:
                patch.set_hatch("//")
                patch.set_edgecolor("white")
        ax.bar_label(container, labels=[f" {t}" for t in texts], fontsize=SMALL, color=TEXT, padding=1)
    if ax.get_legend():
        ax.get_legend().remove()


@styled
def headline_chart(headlines: pd.DataFrame, *, name: str, title: str, what: str) -> Chart:
    """Small multiples: baseline against current for the headline indicator of each priority, each
    panel titled with its priority, indicator and status, its bars labelled with their periods
    (titles and labels wrapped to the panel's width once the panels are laid out)."""
    n = max(1, len(headlines))
    cols = 3 if n > 4 else min(n, 2)
    rows = (n + cols - 1) // cols
    fig = new_figure(3.6 * rows + 0.9, width=10.0)
    axes = fig.subplots(rows, cols, squeeze=False)
    set_title(fig, title)
    texts = []
    for ax, (_, row) in zip(axes.flat, headlines.iterrows(), strict=False):
        values = [row["baseline_value"], row["current_value"]]
        heights = [0.0 if pd.isna(v) else float(v) for v in values]
        bars = ax.bar([0, 1], heights, color=list(DUO), edgecolor="white", width=0.7)
        bars[1].set_hatch("//")
        places = decimals(np.array([h for h, v in zip(heights, values, strict=True) if not pd.isna(v)]))
        ax.bar_label(bars, labels=["n/a" if pd.isna(v) else number(v, places) for v in values], fontsize=SMALL)
        ax.set_xticks([0, 1])
        periods = [_label(row.get("baseline_label")), _label(row.get("current_label"))]
        ax.set_xticklabels(["", ""], fontsize=10)  # set once the panel's width is known
        ax.set_title(" ", fontsize=11, loc="left")
        ax.tick_params(axis="y", labelsize=10)
        ax.set_ylim(0, max(heights + [1.0]) * 1.15)
        thousands(ax)
        texts.append((ax, periods, f"{row['priority']}: {row['indicator']} ({row['status']})"))
    for ax in list(axes.flat)[len(headlines) :]:
        ax.axis("off")
    fig.get_layout_engine().execute(fig)  # the panels' widths, to wrap their text to
    right = fig.bbox.width - MARGIN * fig.dpi
    for ax, periods, heading in texts:
        box = ax.get_window_extent()
        room = min(box.width + 30, right - box.x0)
        ax.set_title("\n".join(wrap_to_width(fig, heading, room, 11, "bold")), fontsize=11, loc="left")
        ax.set_xticklabels(["\n".join(wrap_to_width(fig, p, box.width / 2 - 6, 10)) for p in periods], fontsize=10)
    data = headlines[
        ["priority", "indicator", "baseline_label", "baseline_value", "current_label", "current_value", "status"]
    ].reset_index(drop=True)
    alt = (
        f"Small multiples of {what}, baseline against current: "
        + "; ".join(map(_headline_words, data.to_dict("records")))
        + "."
    )
    if data.empty:
        alt = f"Small multiples of {what}: no data."
    return Chart(name, title, alt, fig, data)
