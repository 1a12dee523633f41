"""Markup of the summary's first screen (tiles with sparklines), its legend and the full scorecard.

Everything here is HTML or SVG text built from :mod:`pack.summary.scorecard` records, every piece of text
escaped. Sparklines and icons are inline SVG (no image files, nothing fetched), drawn with fixed
decimals so the same data give the same bytes. A sparkline is an image with a text alternative
that states what it shows (first and last month, lowest, highest and latest value, and the periods
shaded); an icon is decorative, always next to its words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd

from pack.periods import Month
from pack.spc import VARIATION_MEANINGS, Variation
from pack.summary.headlines import Trend
from pack.summary.scorecard import Measure, Tile
from pack.verdicts import (
    DIRECTION,
    MARKERS,
    STATUS_ORDER,
    TESTED,
    counts_phrase,
    gap_months,
    label_months,
    months_in_words,
    number,
)

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 34, 3


def _e(text: object) -> str:
    return html.escape(str(text))


def short_name(name: str) -> str:
    """An indicator's name without a definition in brackets (one with a comma): the scorecard has it.

    >>> short_name("Neighbourhood crime (burglary, robbery, vehicle crime, theft from the person)")
    'Neighbourhood crime'
    >>> short_name("Killed or seriously injured (KSI) casualties")
    'Killed or seriously injured (KSI) casualties'
    """
    return re.sub(r" \([^)]*,[^)]*\)", "", name)


def _positions(index: Iterable[object]) -> list[int]:
    months = [Month.parse(str(m)[:7]) for m in index]
    return [m.months_since(months[0]) for m in months]


def spark_alt(trend: Trend, spans: list[tuple[str, Month, Month]]) -> str:
    """The sparkline's text alternative, from the series it draws.

    >>> months = ["2023-01", "2023-02", "2023-03", "2023-04"]
    >>> spark_alt(Trend(pd.Series([5.0, 3.0, 8.0, 6.0], index=months), "crimes per month", True), [])
    'crimes per month, January 2023 to April 2023: lowest 3 (February 2023), highest 8 (March 2023), latest 6 ...'
    """
    values = trend.values.astype("float64")
    low, high = values.idxmin(), values.idxmax()

    def name(label: object) -> str:
        return Month.parse(str(label)[:7]).name

    gaps = gap_months(values.index, values.to_numpy()) if trend.monthly else []
    gap = f" (no data for {months_in_words(gaps)})" if gaps else ""
    text = (
        f"{trend.what}, {name(values.index[0])} to {name(values.index[-1])}{gap}: lowest {number(values[low])} "
        f"({name(low)}), highest {number(values[high])} ({name(high)}), latest {number(values.iloc[-1])} "
        f"({name(values.index[-1])})."
    )
    if spans:
        text += " Shaded: " + " and ".join(label for label, _, _ in spans) + "."
    return text


def sparkline(trend: Trend, spans: list[tuple[str, Month, Month]]) -> str:
    """An inline SVG line of the series, the periods ``spans`` (label, first, last month) shaded
    behind it, a gap where months are missing and a dot on the latest value."""
    values = trend.values.astype("float64").to_numpy()
    xs = _positions(trend.values.index)
    first = Month.parse(str(trend.values.index[0])[:7])
    width = max(xs[-1], 1)
    low, high = float(values.min()), float(values.max())
    scale_x = (SPARK_WIDTH - 2 * SPARK_PAD) / width
    scale_y = (SPARK_HEIGHT - 2 * SPARK_PAD) / (high - low) if high > low else 0.0

    def x(pos: float) -> float:
        return SPARK_PAD + pos * scale_x

    def y(value: float) -> float:
        return SPARK_HEIGHT / 2 if scale_y == 0 else SPARK_HEIGHT - SPARK_PAD - (value - low) * scale_y

    shapes = []
    for i, (_, start, end) in enumerate(spans):
        a, b = max(start.months_since(first), 0) - 0.5, min(end.months_since(first), width) + 0.5
        if b > a:
            left, right = max(x(a), 0.0), min(x(b), float(SPARK_WIDTH))
            shapes.append(
                f'<rect class="spark-window spark-window-{i}" x="{left:.1f}" y="0" width="{right - left:.1f}" '
                f'height="{SPARK_HEIGHT}"></rect>'
            )
    runs: list[list[str]] = [[]]
    for k, (pos, value) in enumerate(zip(xs, values, strict=True)):
        if k and pos != xs[k - 1] + 1 and trend.monthly:
            runs.append([])
        runs[-1].append(f"{x(pos):.1f},{y(value):.1f}")
    for run in runs:
        if len(run) > 1:
            shapes.append(f'<polyline class="spark-line" points="{" ".join(run)}"></polyline>')
    shapes.append(f'<circle class="spark-dot" cx="{x(xs[-1]):.1f}" cy="{y(values[-1]):.1f}" r="2.5"></circle>')
    return (
        f'<svg class="spark" role="img" aria-label="{_e(spark_alt(trend, spans))}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}">{"".join(shapes)}</svg>'
    )


def variation_icon(variation: Variation) -> str:
    """A Making Data Count-style variation icon (a circle: grey for common cause; blue for an
    improvement, orange for a concern, purple otherwise, with H or L for high or low). Decorative:
    the words are always beside it."""
    kind = variation.code.split("_")[0]
    mark = (
        '<path d="M5 10 q2.5 -4 5 0 t5 0" fill="none" stroke="#fff" stroke-width="1.6"></path>'
        if kind == "common"
        else f'<text x="10" y="14" text-anchor="middle">{"H" if variation.code.endswith("high") else "L"}</text>'
    )
    return (
        f'<svg class="mdc-icon mdc-{_e(kind)}" aria-hidden="true" focusable="false" width="20" height="20" '
        f'viewBox="0 0 20 20"><circle cx="10" cy="10" r="9"></circle>{mark}</svg>'
    )


def verdict_tag(measure: Measure) -> str:
    """The verdict: its marker and word, a filled tag when tested and a dashed one for a direction only
    (the words themselves say which: improved, worse, no significant change are tested; up, down,
    unchanged are not; screen readers also hear "tested" or "direction only, not tested")."""
    v = measure.verdict
    kind = "tested" if v.qualifier == "tested" else "direction" if v.status in DIRECTION else "other"
    tag = (
        f'<strong class="tag tag-{kind} tone-{v.tone}"><span aria-hidden="true">{_e(v.marker)}</span> '
        f"{_e(v.status)}</strong>"
    )
    qualifier = {"tested": "tested", "direction": "direction only, not tested"}.get(kind, "")
    return tag + (f'<span class="visually-hidden"> ({qualifier})</span>' if qualifier else "")


def _spans(measure: Measure) -> list[tuple[str, Month, Month]]:
    spans = []
    for label in (measure.baseline_period, measure.period):
        months = label_months(label)
        if months is not None and measure.verdict.status not in ("not supplied",):
            spans.append((label, *months))
    return spans


_SHORT_VARIATION = {
    "common_cause": "common cause",
    "improvement_high": "improvement (high)",
    "improvement_low": "improvement (low)",
    "concern_high": "concern (high)",
    "concern_low": "concern (low)",
    "neutral_high": "unusually high",
    "neutral_low": "unusually low",
}


def variation_html(variation: Variation) -> str:
    """The latest month's variation under a sparkline: the icon and, visibly, "latest month: " and its
    short name in words (the full label for screen readers; the legend gives every meaning), so no
    reader takes "improvement" for a verdict on the whole series."""
    short = "latest month: " + _SHORT_VARIATION.get(variation.code, variation.label.lower())
    return (
        f'<p class="measure-spc">{variation_icon(variation)}<span class="visually-hidden">Latest month: '
        f'{_e(variation.label.lower())}</span><span aria-hidden="true">{_e(short)}</span></p>'
    )


def measure_html(measure: Measure, common_period: str | None = None) -> str:
    """One headline measure: name, value with unit (and its period when not the common one),
    sparkline with the latest month's variation, verdict and change, national position."""
    period = (
        "" if measure.period in ("", common_period) else f' <span class="measure-period">{_e(measure.period)}</span>'
    )
    figure = (
        f'<p class="measure-name">{_e(short_name(measure.name))}</p>'
        f'<p class="measure-value">{_e(measure.value)}{period}</p>'
    )
    if measure.benchmark:
        figure += f'<p class="measure-benchmark">{_e(measure.benchmark)}</p>'
    change = (
        ""
        if measure.verdict.status == "not supplied"
        else f' <span class="measure-change">· {_e(measure.change)}</span>'
    )
    trend = ""
    if measure.trend is not None and len(measure.trend.values) > 1:
        trend = sparkline(measure.trend, _spans(measure))
        if measure.variation is not None and measure.variation.code != "no_limits":
            trend += variation_html(measure.variation)
        trend = f'<div class="measure-trend">{trend}</div>'
    parts = [
        f'<div class="measure-top"><div class="measure-figure">{figure}</div>{trend}</div>',
        f'<p class="measure-verdict">{verdict_tag(measure)}{change}</p>',
    ]
    if measure.position is not None:
        parts.append(f'<p class="measure-position">{_e(measure.position.text)}</p>')
    return f'<li class="measure">{"".join(parts)}</li>'


def tile_html(tile: Tile, common_period: str | None = None) -> str:
    """One priority's tile, headed by a link to its section of the pack."""
    p = tile.priority
    link = f'<a href="#{tile.anchor}">{p.number}. {_e(p.title)}</a>'
    heading = f'<h2 class="tile-title" id="tile-{p.number}">{link}</h2>'
    measures = "".join(measure_html(m, common_period) for m in tile.measures)
    body = f'<ul class="measures">{measures}</ul>'
    return f'<article class="tile" aria-labelledby="tile-{p.number}">{heading}{body}</article>'


def tiles_html(tiles: list[Tile], current_label: str, baseline_label: str) -> str:
    """The first screen: a line saying what the tiles show and which periods every figure compares,
    one tile per priority, and how to read them."""
    intro = (
        f'<p class="tiles-periods">Figures for the <strong>{_e(current_label)}</strong> against the '
        f"<strong>{_e(baseline_label)}</strong>, unless a figure says otherwise.</p>"
    )
    grid = "".join(tile_html(t, current_label) for t in tiles)
    return f'<div class="first-screen">{intro}<div class="tiles">{grid}</div>{legend_html()}</div>'


_VERDICT_MEANINGS = {
    "improved": "a statistically significant change in the better direction (tested)",
    "worse": "a statistically significant change in the worse direction (tested)",
    "no significant change": "tested: the change is within what chance alone would give",
    "up": "went up; not tested (management information, counts at a date, means)",
    "down": "went down; not tested",
    "unchanged": "no change; not tested",
    "no comparison": "no earlier figure to compare with",
    "not supplied": "the input that gives this figure was not supplied",
    "out of date": "the latest figure supplied is older than the reporting period",
}


def legend_html() -> str:
    """How to read the tiles: every verdict word with its marker, the sparkline, the Making Data Count
    variation icons, each in words."""
    verdicts = "".join(
        f'<li><span aria-hidden="true">{_e(MARKERS[w])}</span> <strong>{_e(w)}</strong>: '
        f"{_e(_VERDICT_MEANINGS[w])}</li>"
        for w in STATUS_ORDER
    )
    icons = "".join(
        f"<li>{variation_icon(Variation(code, label, meaning))} <strong>{_e(label)}</strong>: {_e(meaning)}</li>"
        for code, (label, meaning) in VARIATION_MEANINGS.items()
        if code != "no_limits"
    )
    return (
        '<details class="legend"><summary>How to read the tiles</summary>'
        "<p>Each line shows the monthly series from its first month to the end of the reporting period; the "
        "shaded bands are the two periods compared, the dot the latest value. Management information has no "
        "monthly series, and no line. Verdicts:</p>"
        f'<ul class="legend-list">{verdicts}</ul>'
        "<p>Variation in the latest month, from a Making Data Count control chart of the monthly series "
        "(at least 15 months; limits recalculated after a sustained shift):</p>"
        f'<ul class="legend-list">{icons}</ul></details>'
    )


# -------------------------------------------------------------------------------------------------
# The full scorecard


def _cells(values: Iterable[object], numeric: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    return "".join(
        f'<td class="num">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>" for i, v in enumerate(values)
    )


def counts_html(counts: pd.DataFrame, caption: str) -> str:
    """Indicators by priority and status: the status words in their fixed order, under three headings
    (tested, direction only, other) so that tested and untested verdicts are never read as one."""
    words = [c for c in counts.columns if c != "priority"]
    groups = [
        ("Tested", [w for w in words if w in TESTED]),
        ("Direction only, not tested", [w for w in words if w in DIRECTION]),
        ("Other", [w for w in words if w not in (*TESTED, *DIRECTION)]),
    ]
    top = '<th scope="col" rowspan="2">Priority</th>' + "".join(
        f'<th scope="colgroup" colspan="{len(ws)}">{_e(name)}</th>' for name, ws in groups if ws
    )
    second = "".join(f'<th scope="col">{_e(w)}</th>' for _, ws in groups for w in ws)
    order = [w for _, ws in groups for w in ws]
    body = "".join(
        f'<tr><th scope="row">{_e(row["priority"])}</th>{_cells([row[w] for w in order], set(range(len(order))))}</tr>'
        for row in counts.to_dict("records")
    )
    return (
        f'<table class="pack-table status-counts"><caption>{_e(caption)}</caption>'
        f"<thead><tr>{top}</tr><tr>{second}</tr></thead><tbody>{body}</tbody></table>"
    )


def scorecard_html(rows: pd.DataFrame, caption: str) -> str:
    """The full scorecard, one collapsible group per priority (its verdicts counted in the summary
    line), each a table: indicator, baseline and current value with their periods, change, verdict."""
    groups = []
    for stem, group in rows.groupby("stem", sort=False):
        title = group["priority"].iloc[0]
        body = "".join(
            f'<tr><th scope="row">{_e(r["indicator"])}</th>'
            f"{_cells([r['baseline'], r['current'], r['change'], r['status']])}</tr>"
            for r in group.to_dict("records")
        )
        table = (
            '<table class="pack-table scorecard">'
            f"<caption>{_e(title)}: {_e(caption)}</caption>"
            '<thead><tr><th scope="col">Indicator</th><th scope="col">Baseline</th><th scope="col">Current</th>'
            f'<th scope="col">Change</th><th scope="col">Verdict</th></tr></thead><tbody>{body}</tbody></table>'
        )
        summary = f"{_e(title)} ({len(group)} indicators: {_e(counts_phrase(list(group['word'])))})"
        groups.append(
            f'<details class="scorecard-group" id="scorecard-{_e(stem)}"><summary>{summary}</summary>{table}</details>'
        )
    return f'<div class="scorecard-groups">{"".join(groups)}</div>'
