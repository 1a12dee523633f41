"""The one chart style of the pack: the Analysis Function's ``afcharts`` style sheet and palettes.

Everything a chart function shares lives here: the :class:`Chart` record, the palettes, a new figure
in the pack's style, the title laid out to the figure's width (wrapped by measuring the rendered
text, so it is never cut at the edge), the legend above the plot, number formats and words for
column names.

Only the matplotlib parts of ``afcharts`` are used (its style sheet and :mod:`afcharts.af_colours`);
``afcharts.pio_template`` imports plotly and is never imported here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import ParamSpec, TypeVar

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (seaborn imports pyplot; the backend must be set first)
import pandas as pd  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

AFCHARTS_STYLE = str(files("afcharts") / "afcharts.mplstyle")
P = ParamSpec("P")
R = TypeVar("R")

# The Analysis Function palettes (afcharts.af_colours), read once.
CATEGORICAL: tuple[str, ...] = tuple(get_af_colours("categorical"))  # series: at most about four at once
DUO: tuple[str, str] = tuple(get_af_colours("duo"))  # pairs (baseline and current; monthly and rolling)
FOCUS: tuple[str, str] = tuple(get_af_colours("focus"))  # the highlighted item, and everything else (grey)
SEQUENTIAL: tuple[str, ...] = tuple(get_af_colours("sequential"))  # maps: darkest first
DARK_BLUE = DUO[0]
GREY = FOCUS[1]
DARK_GREY = CATEGORICAL[4]
TEXT = "#0B0C0C"  # GOV.UK text colour
PALETTE = CATEGORICAL  # the name earlier callers used

WIDTH = 9.0  # inches: the pack shows figures at 900 px (100 dpi), the width of its text column
DPI = 100
TITLE_SIZE = 16.0  # points; body text of the style is 14 (afcharts)
SMALL = 12.0  # direct labels and notes
MARGIN = 0.12  # inches left clear at the figure's left and right edges

# Kept from the afcharts sheet, changed for the pack: one bundled font (DejaVu Sans, the sheet's first
# font that every machine has), so the same data give the same PNG bytes on any machine; no
# timestamps or random ids in saved files; every point drawn (no path simplification).
OVERRIDES = {
    "font.sans-serif": ["DejaVu Sans"],
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": "evidence-pack",
    "path.simplify": False,
    "axes.titleweight": "bold",
    "legend.fontsize": SMALL,
}


@dataclass
class Chart:
    """A figure with everything a reader needs beside it: a title that states the finding, alt text
    generated from the data, and the table it was drawn from."""

    name: str
    title: str
    alt_text: str
    figure: Figure
    data: pd.DataFrame


STYLE = ["default", AFCHARTS_STYLE, OVERRIDES]  # matplotlib's defaults, the afcharts sheet, the pack's changes


def apply_style() -> None:
    """Set the pack's chart style for the whole process (:data:`STYLE`): seaborn and matplotlib then
    draw in it, the colour cycle being the afcharts categorical palette. Every chart function also
    draws inside the style (:func:`styled`), so a chart looks the same whatever was set before."""
    plt.style.use(STYLE)


def styled(function: Callable[P, R]) -> Callable[P, R]:
    """Run a chart function inside :data:`STYLE` (fonts, colours and sizes are fixed as it draws)."""

    @functools.wraps(function)
    def inner(*args: P.args, **kwargs: P.kwargs) -> R:
        with plt.style.context(STYLE):
            return function(*args, **kwargs)

    return inner


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """A figure outside pyplot (nothing to close, no global state) with constrained layout, which
    keeps the title, legend, labels and colour bars inside the figure."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(w_pad=MARGIN, h_pad=0.08)
    return fig


def text_width(fig: Figure, text: str, size: float, weight: str = "normal") -> float:
    """Width in pixels of ``text`` drawn on ``fig`` at ``size`` points."""
    renderer = fig.canvas.get_renderer()
    width, _, _ = renderer.get_text_width_height_descent(text, FontProperties(size=size, weight=weight), ismath=False)
    return float(width)


def wrap_to_width(fig: Figure, text: str, width_px: float, size: float, weight: str = "normal") -> list[str]:
    """``text`` split into lines at spaces so that each line, as rendered, is at most ``width_px``
    wide (a word wider than that on its own is split between characters)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if text_width(fig, trial, size, weight) <= width_px:
            line = trial
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:  # the word alone: split it if it does not fit either
            if line and text_width(fig, line + char, size, weight) > width_px:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


def set_title(fig: Figure, title: str, size: float = TITLE_SIZE) -> Text:
    """The chart's title at the top left of the figure (Analysis Function: left-aligned), wrapped to
    the figure's width by measuring the rendered text; constrained layout makes room for it."""
    usable = fig.bbox.width - 2 * MARGIN * fig.dpi
    lines = wrap_to_width(fig, title, usable, size, "bold")
    return fig.suptitle(
        "\n".join(lines),
        x=MARGIN / fig.get_figwidth(),
        ha="left",
        fontsize=size,
        fontweight="bold",
        color=TEXT,
        parse_math=False,
    )


def row_major(items: list, columns: int) -> list:
    """``items`` reordered so that a legend, which fills its columns top to bottom, reads left to
    right, row by row.

    >>> row_major(["a", "b", "c", "d", "e"], 3)  # columns a d | b e | c: rows 'a b c' and 'd e'
    ['a', 'd', 'b', 'e', 'c']
    """
    return [items[i] for col in range(columns) for i in range(col, len(items), columns)]


def top_legend(fig: Figure, ax: Axes, columns: int | None = None) -> None:
    """The legend just above the plot, under the title, read row by row: as many columns as fit
    beside the plot (at most ``columns``), so it never covers data and stays inside the figure."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    fig.get_layout_engine().execute(fig)  # where the plot starts, after its y labels
    room = fig.bbox.width - MARGIN * fig.dpi - ax.get_window_extent().x0
    em = SMALL * fig.dpi / 72  # handle 2.6 em, gap to the text 0.8 em, between columns 2 em
    item = [text_width(fig, label, SMALL) + 5.4 * em for label in labels]
    columns = min(columns or len(handles), len(handles))
    while columns > 1 and sum(max(item[j::columns]) for j in range(columns)) > room:
        columns -= 1
    ax.legend(
        row_major(handles, columns),
        row_major(labels, columns),
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
        borderaxespad=0.0,
        ncols=columns,
        frameon=False,
        fontsize=SMALL,
        handlelength=2.6,
    )


def words(column: object) -> str:
    """A column name as readers say it (``rural_per_1000`` -> ``Rural per 1,000``); text that is not
    an identifier is returned as it is.

    >>> [words(c) for c in ("rural_per_1000", "officers", "12 months ending May 2021", "value_gbp_m")]
    ['Rural per 1,000', 'Officers', '12 months ending May 2021', 'Value (£m)']
    """
    text = str(column)
    if not re.fullmatch(r"[a-z0-9_]+", text):
        return text
    text = re.sub(r"_gbp_m$", " (£m)", text)
    text = re.sub(r"_pct$", " (%)", text)
    phrase = " ".join("1,000" if w == "1000" else w for w in text.split("_"))
    return phrase[:1].upper() + phrase[1:]


def decimals(values: np.ndarray) -> int:
    """Decimal places for value labels: none for whole numbers, two below 1, else one.

    >>> decimals(np.array([3.0, 12.0])), decimals(np.array([0.4, 0.7])), decimals(np.array([1.5, 30.0]))
    (0, 2, 1)
    """
    finite = values[np.isfinite(values)]
    if not len(finite) or np.all(finite == np.round(finite)):
        return 0
    return 2 if np.abs(finite).max() < 1 else 1


def number(value: float, decimals: int | None = None) -> str:
    """A value for a label: whole numbers with thousands separators, others to 1 decimal place
    (or ``decimals``); ``–`` for a missing value.

    >>> [number(v) for v in (1234.0, 5.25, 101.0, float("nan"))]
    ['1,234', '5.2', '101', '–']
    """
    if value is None or pd.isna(value):
        return "–"
    value = float(value)
    if decimals is None:
        decimals = 0 if value.is_integer() else 1
    return f"{value:,.{decimals}f}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 force``, ``2 forces``, ``1,200 squares`` (``many`` when the plural is not ``word + 's'``).

    >>> plural(1, "force"), plural(1200, "square"), plural(2, "category", "categories")
    ('1 force', '1,200 squares', '2 categories')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def thousands(ax: Axes, axis: str = "y") -> None:
    """Tick labels with thousands separators."""
    fmt = FuncFormatter(lambda v, _: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
