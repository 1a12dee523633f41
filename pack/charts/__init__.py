"""Charts in one style, the Analysis Function's (``afcharts``): each function returns a :class:`Chart`.

A chart has a title that states the finding, laid out to the figure's width so it is never cut;
labelled axes and legends in words; alt text generated from its data; and the table it was drawn
from. Colours come from the afcharts palettes (categorical for series, duo for pairs, focus for a
highlight, sequential for maps) and nothing is told by colour alone: lines differ in style and
marker, paired bars in hatching, highlighted items in shape or weight and a written label.
seaborn draws, in the afcharts style (:func:`apply_style`).

Modules: :mod:`~pack.charts.style` (the style, palettes, titles, the :class:`Chart` record),
:mod:`~pack.charts.lines` (trend, XmR, series), :mod:`~pack.charts.bars` (bars, paired bars,
small multiples), :mod:`~pack.charts.maps` (density map with district outlines),
:mod:`~pack.charts.funnel` (funnel plot).
"""

from pack.charts.bars import MAX_BARS, bar_chart, headline_chart, paired_bar_chart
from pack.charts.funnel import funnel_chart
from pack.charts.lines import series_chart, trend_chart, xmr_chart
from pack.charts.maps import density_map, density_title
from pack.charts.style import (
    CATEGORICAL,
    DUO,
    FOCUS,
    GREY,
    PALETTE,
    SEQUENTIAL,
    TEXT,
    Chart,
    apply_style,
    set_title,
)

__all__ = [
    "CATEGORICAL",
    "DUO",
    "FOCUS",
    "GREY",
    "MAX_BARS",
    "PALETTE",
    "SEQUENTIAL",
    "TEXT",
    "Chart",
    "apply_style",
    "bar_chart",
    "density_map",
    "density_title",
    "funnel_chart",
    "headline_chart",
    "paired_bar_chart",
    "series_chart",
    "set_title",
    "trend_chart",
    "xmr_chart",
]
