"""What notebooks show: HTML built here, with every piece of text from data escaped.

Charts are shown as ``<figure>`` with alt text and a caption, followed by their data table;
figures are also saved as PNG under ``figures/`` (no timestamps in the file). Tables are plain
HTML with a caption and header cells, no random ids, so the same data give the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pack.verdicts import DIRECTION, MARKERS

if TYPE_CHECKING:  # charts (seaborn) and IPython are imported only when a notebook shows something
    from pack.charts import Chart

LONG_TABLE_ROWS = 14


def _fmt_cell(value: object, fmt: Callable[[object], str] | None = None, decimals: int | None = None) -> str:
    if fmt is not None:
        return fmt(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        places = decimals if decimals is not None else (0 if value.is_integer() else 2)
        return f"{value:,.{places}f}"
    return str(value)


def column_decimals(values: Iterable[object]) -> int:
    """Decimal places for a column's numbers, the same for every cell (one number format a column):
    the fewest, up to 2, that show each number as it would show at 2.

    >>> column_decimals([7.0, 12.4, -1.0]), column_decimals([7.0, 1200.0]), column_decimals([0.125, 3])
    (1, 0, 2)
    """
    numbers = [v for v in values if isinstance(v, float) and math.isfinite(v)]
    for places in (0, 1):
        if all(round(v, places) == round(v, 2) for v in numbers):
            return places
    return 2


WIDE_TABLE_COLUMNS = 11  # from this many columns a table is set smaller in print, to fit an A4 page
LONG_CELL = 24  # characters: a longer text cell is marked ``long`` and may wrap inside words in print


_ACRONYMS = {"lsoa": "LSOA", "ksi": "KSI", "id": "ID", "pcso": "PCSO", "mi": "MI", "ruc": "RUC", "asb": "ASB"}
_UNITS = {"pct": "(%)", "gbp_m": "(£m)", "seconds": "(seconds)", "minutes": "(minutes)"}


def column_label(name: object) -> str:
    """A column's heading for readers: identifiers become words, with units in brackets.

    >>> names = ("share_pct", "pct_change", "per_1000_population", "value_gbp_m", "lsoa_code", "LSOA name")
    >>> [column_label(c) for c in names]
    ['Share (%)', 'Change (%)', 'Per 1,000 population', 'Value (£m)', 'LSOA code', 'LSOA name']
    """
    text = str(name)
    if not re.fullmatch(r"[a-z0-9_]+", text):
        return text  # already written for readers
    unit = ""
    if text.startswith("pct_"):  # pct_change -> Change (%)
        text, unit = text[4:], " (%)"
    for suffix, label in _UNITS.items():
        if text.endswith("_" + suffix):
            text, unit = text[: -len(suffix) - 1], " " + label
            break
    words = [_ACRONYMS.get(w, w) for w in text.split("_")]
    words = ["1,000" if w == "1000" else w for w in words]
    phrase = " ".join(words)
    return phrase[:1].upper() + phrase[1:] + unit


def html_table(
    frame: pd.DataFrame,
    caption: str,
    formats: dict[str, Callable[[object], str]] | None = None,
    css_class: str = "pack-table",
) -> str:
    """An accessible HTML table: caption, ``<th scope="col">`` headers in words (the data keep
    their identifiers, as in ``tables/*.csv``), every cell escaped, each column's numbers to the same
    decimal places (:func:`column_decimals`); a table of :data:`WIDE_TABLE_COLUMNS` columns or more is
    marked ``pack-table-wide`` (smaller type in print) and a text cell longer than :data:`LONG_CELL`
    characters ``long`` (it may wrap inside words in print), so that every table fits an A4 page."""
    formats = formats or {}
    head = "".join(f'<th scope="col">{html.escape(column_label(c))}</th>' for c in frame.columns)
    places = [column_decimals(frame.iloc[:, i].tolist()) for i in range(frame.shape[1])]
    if frame.shape[1] >= WIDE_TABLE_COLUMNS:
        css_class += " pack-table-wide"
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for col, value, decimals in zip(frame.columns, row, places, strict=True):
            text = html.escape(_fmt_cell(value, formats.get(col), decimals))
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            if numeric:
                cells.append(f'<td class="num">{text}</td>')
            else:
                cells.append(f'<td class="long">{text}</td>' if len(text) > LONG_CELL else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="{css_class}"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def figure_png(chart: Chart) -> bytes:
    """PNG bytes of the chart, with no timestamp or software metadata."""
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def show_html(markup: str) -> None:
    """Display trusted markup built by this module."""
    from IPython.display import HTML, display

    display(HTML(markup))


def show_chart(
    chart: Chart,
    output_dir: Path | str,
    stem: str,
    table_caption: str | None = None,
    formats: dict[str, Callable[[object], str]] | None = None,
) -> Path:
    """Save the chart as ``figures/<stem>-<name>.png`` and the table it was drawn from as
    ``tables/<stem>-<name>.csv``, and display it with alt text and its table."""
    from pack.safe_csv import write_csv

    png = figure_png(chart)
    path = Path(output_dir) / "figures" / f"{stem}-{chart.name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    write_csv(chart.data, Path(output_dir) / "tables" / f"{stem}-{chart.name}.csv")
    data = base64.b64encode(png).decode("ascii")
    table = html_table(chart.data, table_caption or f"Data for the chart: {chart.title}", formats)
    if len(chart.data) > LONG_TABLE_ROWS:
        table = f'<details class="chart-data"><summary>Data table ({len(chart.data)} rows)</summary>{table}</details>'
    show_html(
        f'<figure class="pack-figure"><img src="data:image/png;base64,{data}" alt="{html.escape(chart.alt_text)}">'
        f"<figcaption>{html.escape(chart.title)}</figcaption></figure>{table}"
    )
    return path


def show_table(frame: pd.DataFrame, caption: str, formats: dict[str, Callable[[object], str]] | None = None) -> None:
    """Display a table with a caption."""
    show_html(html_table(frame, caption, formats))


def show_list(items: Iterable[str], css_class: str = "findings") -> None:
    """Display sentences as a bulleted list (escaped)."""
    show_html(f'<ul class="{css_class}">' + "".join(f"<li>{html.escape(s)}</li>" for s in items) + "</ul>")


def show_ordered(items: Iterable[str], start: int = 1, css_class: str = "questions") -> None:
    """Display sentences as a numbered list (escaped), numbered from ``start``."""
    show_html(
        f'<ol class="{css_class}" start="{int(start)}">'
        + "".join(f"<li>{html.escape(s)}</li>" for s in items)
        + "</ol>"
    )


def show_notice(text: str, kind: str = "note") -> None:
    """A highlighted one-paragraph notice (e.g. the demonstration-data banner)."""
    show_html(f'<p class="notice notice-{kind}" role="note"><strong>{html.escape(text)}</strong></p>')


def show_paragraph(text: str) -> None:
    """A paragraph of generated text (escaped); nothing for empty text."""
    if text:
        show_html(f"<p>{html.escape(text)}</p>")


def status_marker(status: str) -> str:
    """The status word with a shape beside it (:data:`pack.verdicts.MARKERS`), so it never depends on
    colour: ``✔ improved``, ``✖ worse``, ``↓ down``; a word outside the nine as it is.

    >>> status_marker("improved"), status_marker("down"), status_marker("partly met")
    ('✔ improved', '↓ down', 'partly met')
    """
    return f"{MARKERS[status]} {status}" if status in MARKERS else status


BETTER_WORDS = {"higher": "higher is better", "lower": "lower is better"}


def status_text(status: str, better_when: object, test: object) -> str:
    """A row's status as readers see it: a tested verdict with its marker; a direction-only one with
    the better direction and "not tested" (``↓ down (not tested; lower is better)``).

    >>> status_text("down", "lower", "none: direction only"), status_text("up", "n/a", "none: direction only")
    ('↓ down (not tested; lower is better)', '↑ up (not tested)')
    >>> status_text("worse", "lower", "quasi-Poisson comparison of two windows, 5% level")
    '✖ worse'
    """
    text = status_marker(status)
    if status in DIRECTION:
        better = BETTER_WORDS.get(str(better_when), "")
        text += f" (not tested; {better})" if better else " (not tested)"
    return text


# What readers see of an indicator table: each figure as text with its unit, or why it is not shown
# ("not covered: missing ...", "out of date (as at ...)"), and the change in the unit's terms
# (percentage points for shares). The numeric columns stay in tables/*.csv.
INDICATOR_DISPLAY = {
    "indicator": "Indicator",
    "baseline_label": "Baseline period",
    "baseline_text": "Baseline",
    "current_label": "Current period",
    "current_text": "Current",
    "change_text": "Change",
    "status": "Status",
    "test": "Test",
    "note": "Note",
}


def indicator_view(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of an indicator table that readers see, headed in words; the status with its
    marker, and for a direction-only status the better direction and "not tested"."""
    view = table[list(INDICATOR_DISPLAY)].copy()
    view["status"] = [
        status_text(str(s), b, t) for s, b, t in zip(table["status"], table["better_when"], table["test"], strict=True)
    ]
    return view.rename(columns=INDICATOR_DISPLAY)


def show_indicator_table(table: pd.DataFrame, caption: str) -> None:
    """The indicator table as readers see it (figures as text with units, status with a marker)."""
    view = indicator_view(table).fillna("")
    show_table(view, caption)
