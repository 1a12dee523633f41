"""Charts: the afcharts style, titles that are never cut, legends in words, alt text that tells the
truth about the chart's table (on sorted and unsorted data), and category lists that stay short.

Each chart is drawn for real (matplotlib's Agg renderer) and read back: the text of the title as
rendered, where every piece of text sits on the figure, the labels of the legend. Expected figures
are worked by hand in the comments. Nothing is written outside ``tmp_path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from afcharts.af_colours import get_af_colours
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.text import Text

from pack import charts
from pack.charts.bars import cap_categories
from pack.charts.style import MARGIN, STYLE, TITLE_SIZE, decimals, new_figure, set_title, text_width, words
from pack.display import figure_png
from pack.periods import rolling_window
from pack.spc import xmr

ROOT = Path(__file__).resolve().parent.parent
# Titles the issue found cut at the figure's edge (issue 25), and a longer one.
CUT_TITLES = [
    "Rural areas recorded 57 records per 1,000 residents against 118 in urban areas",
    "Burglary fell 12% in the 12 months ending January 2024 against the 12 months ending May 2021",
    "'No suspect identified' was the most common outcome (31%) for crimes recorded in the 12 months ending "
    "January 2024",
    "A title with a very long identifier: rural_per_1000_in_the_twelve_months_ending_january_2024_against_urban",
]


def drawn(figure: Figure) -> Figure:
    figure.canvas.draw()
    return figure


def texts_outside(figure: Figure) -> list[str]:
    """Every piece of text that is drawn and leaves the figure (1 px tolerance): texts placed on the
    figure and in the axes, titles, legends, axis labels and the tick labels in view."""
    drawn(figure)
    renderer = figure.canvas.get_renderer()
    texts = [t for t in figure.texts] + [t for t in (figure._suptitle, figure._supxlabel) if t is not None]
    for ax in figure.axes:
        texts += [*ax.texts, ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        texts += [child for child in ax.get_children() if isinstance(child, Text)]
        if ax.get_legend():
            texts += ax.get_legend().get_texts()
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            texts += [t.label1 for t in axis.get_major_ticks() if low <= t.get_loc() <= high]
    box = figure.bbox
    out = []
    for text in texts:
        if not text.get_visible() or not text.get_text().strip():
            continue
        ext = text.get_window_extent(renderer)
        if ext.x0 < box.x0 - 1 or ext.x1 > box.x1 + 1 or ext.y0 < box.y0 - 1 or ext.y1 > box.y1 + 1:
            out.append(text.get_text())
    return out


def rendered_title(figure: Figure) -> str:
    """The title as drawn, its lines joined by spaces."""
    drawn(figure)
    return " ".join(figure._suptitle.get_text().split("\n"))


def legend_texts(figure: Figure) -> list[str]:
    return [t.get_text() for ax in figure.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def months(n: int, start: str = "2022-02") -> list[str]:
    first = pd.Period(start, "M")
    return [str(first + i) for i in range(n)]


# -------------------------------------------------------------------------------------------
# The style: afcharts


def test_style_is_the_afcharts_sheet_with_the_packs_few_changes() -> None:
    sheet = mpl.rc_params_from_file(STYLE[1], use_default_template=False)
    with mpl.style.context(STYLE):
        for key, value in sheet.items():
            if key not in STYLE[2]:
                assert mpl.rcParams[key] == value, key
        assert mpl.rcParams["font.sans-serif"] == ["DejaVu Sans"]  # one bundled font: the same bytes everywhere
        cycle = [c["color"] for c in mpl.rcParams["axes.prop_cycle"]]
    assert cycle == get_af_colours("categorical")
    assert STYLE[1].endswith("afcharts/afcharts.mplstyle")


def test_palettes_are_afcharts() -> None:
    assert list(charts.CATEGORICAL) == ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
    assert list(charts.DUO) == get_af_colours("duo") == ["#12436D", "#F46A25"]
    assert list(charts.FOCUS) == get_af_colours("focus") == ["#12436D", "#BFBFBF"]
    assert list(charts.SEQUENTIAL) == get_af_colours("sequential")


@pytest.mark.slow  # a Python of its own, importing the pack afresh
def test_importing_the_charts_imports_afcharts_and_never_plotly() -> None:
    code = (
        "import sys, pack.charts, pack.notebook; "
        "print('afcharts.af_colours' in sys.modules, 'plotly' in sys.modules, 'afcharts.pio_template' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.stdout.split() == ["True", "False", "False"]


def test_a_chart_is_styled_whatever_was_set_before() -> None:
    with mpl.rc_context({"font.size": 5, "axes.prop_cycle": mpl.cycler(color=["red"])}):
        chart = charts.bar_chart(
            pd.DataFrame({"c": ["a"], "v": [1]}), category="c", value="v", name="x", title="t", xlabel="x", what="w"
        )
    assert chart.figure.axes[0].get_xlabel() == "x"
    assert chart.figure.axes[0].xaxis.label.get_fontsize() == 14  # afcharts' body size, not the 5 set outside


def test_same_data_give_the_same_png_bytes() -> None:
    frame = pd.DataFrame({"c": ["a", "b"], "v": [3, 1]})
    a, b = (
        charts.bar_chart(frame, category="c", value="v", name="x", title="Same", xlabel="n", what="w") for _ in "ab"
    )
    assert figure_png(a) == figure_png(b)


# -------------------------------------------------------------------------------------------
# Titles laid out on the figure: the rendered text is the intended title, inside the figure


@pytest.mark.parametrize("width", [4.0, 6.4, 9.0, 12.0])
@pytest.mark.parametrize("title", CUT_TITLES)
def test_title_is_wrapped_to_the_figure_width_never_cut(width: float, title: str) -> None:
    figure = new_figure(3.0, width=width)
    figure.add_subplot().plot([0, 1])
    text = set_title(figure, title)
    usable = figure.bbox.width - 2 * MARGIN * figure.dpi
    if all(text_width(figure, word, TITLE_SIZE, "bold") <= usable for word in title.split()):
        assert rendered_title(figure) == title  # lines break at spaces only
    else:  # a word wider than the figure is split inside: not a character lost
        assert "".join(text.get_text().split()) == "".join(title.split())
    assert len(text.get_text().split("\n")) > 1 or width >= 9
    assert texts_outside(figure) == []


def _all_charts(title: str) -> list[charts.Chart]:
    """One chart of each kind, each with ``title``."""
    series = pd.Series(np.arange(1, 25, dtype=float), index=months(24))
    frame = pd.DataFrame({"district": ["Derby", "High Peak"], "a": [10, 20], "b": [12, 18]})
    headlines = pd.DataFrame(
        {
            "priority": ["Strong Local Policing", "Neighbourhood Crime and Anti-Social Behaviour", "Rural Crime"],
            "indicator": [
                "Police officers (headcount)",
                "Anti-social behaviour incidents",
                "All records in rural areas",
            ],
            "baseline_label": ["at 2021-03-31", "12 months ending May 2021", float("nan")],
            "baseline_value": [1935.0, 58658.0, float("nan")],
            "current_label": ["at 2023-12-31", "12 months ending January 2024", "12 months ending November 2022"],
            "current_value": [2124.0, 29309.0, 13372.0],
            "status": ["improved", "improved", "no comparison"],
        }
    )
    more = headlines.assign(priority=["Victim Support and Safeguarding", "Driving Efficiencies", "Road Safety"])
    headlines = pd.concat([headlines, more.iloc[:2]], ignore_index=True)  # five panels: three columns, as in a pack
    grid = pd.DataFrame({"lon": [-1.5, -1.49], "lat": [53.0, 53.0], "n": [3, 1]})
    points = pd.DataFrame(
        {"force": ["A", "B", "C"], "population": [1e5, 5e5, 1e6], "rate_per_1000": [9.0, 10.0, 11.0]}
    ).assign(highlighted=[False, True, False])
    limits = pd.DataFrame(
        {"population": [1e5, 1e6] * 2, "level": ["95%"] * 2 + ["99.8%"] * 2, "lower": [7, 9, 5, 8]}
    ).assign(upper=lambda f: 20 - f["lower"], centre=10.0)
    windows = (rolling_window("2022-12", 3), rolling_window("2024-01", 12))
    return [
        charts.trend_chart(series, name="t", title=title, ylabel="Crimes", what="crimes", windows=windows),
        charts.xmr_chart(series, name="x", title=title, ylabel="Crimes", what="crimes"),
        charts.xmr_chart(series, name="x", title=title, ylabel="Crimes", what="crimes", result=xmr(series)),
        charts.series_chart(
            pd.DataFrame({"date": months(5), "officers": [1, 2, 3, 4, 5.0], "staff": [5, 4, 3, 2, 1.0]}),
            x="date",
            series=["officers", "staff"],
            name="s",
            title=title,
            xlabel="Date",
            ylabel="People",
            what="people",
            target=4.0,
            target_label="target",
        ),
        charts.bar_chart(frame, category="district", value="a", name="b", title=title, xlabel="n", what="w"),
        charts.paired_bar_chart(
            frame, category="district", first="a", second="b", name="p", title=title, xlabel="n", what="w"
        ),
        charts.headline_chart(headlines, name="h", title=title, what="headlines"),
        charts.density_map(grid, name="m", title=title, what="ASB incidents"),
        charts.funnel_chart(points, limits, name="f", title=title, what="crimes per 1,000 residents"),
    ]


# the first long title in test-fast; the other two (each draws every kind of chart again) in make test
@pytest.mark.parametrize("title", [CUT_TITLES[0], *(pytest.param(t, marks=pytest.mark.slow) for t in CUT_TITLES[1:3])])
def test_every_chart_shows_its_whole_title_and_no_text_leaves_the_figure(title: str) -> None:
    for chart in _all_charts(title):
        assert chart.title == title
        assert rendered_title(chart.figure) == title, chart.name
        assert texts_outside(chart.figure) == [], chart.name
        assert chart.alt_text and not chart.alt_text.endswith(" ")


# -------------------------------------------------------------------------------------------
# Legends and labels in words


def test_words_for_column_names() -> None:
    assert words("rural_per_1000") == "Rural per 1,000"
    assert words("share_pct") == "Share (%)"
    assert words("12 months ending May 2021") == "12 months ending May 2021"


def test_paired_bars_name_their_series_in_words_not_column_names() -> None:
    frame = pd.DataFrame(
        {"crime_type": ["Burglary", "Drugs"], "rural_per_1000": [1.0, 1.4], "urban_per_1000": [2.2, 3.1]}
    )
    chart = charts.paired_bar_chart(
        frame,
        category="crime_type",
        first="rural_per_1000",
        second="urban_per_1000",
        name="r",
        title="t",
        xlabel="Records per 1,000 residents",
        what="records per 1,000 residents",
    )
    assert legend_texts(chart.figure) == ["Rural per 1,000", "Urban per 1,000"]
    labelled = charts.paired_bar_chart(
        frame,
        category="crime_type",
        first="rural_per_1000",
        second="urban_per_1000",
        name="r",
        title="t",
        xlabel="x",
        what="w",
        labels=("Rural areas", "Urban areas"),
    )
    assert legend_texts(labelled.figure) == ["Rural areas", "Urban areas"]
    assert "Rural areas against Urban areas" in labelled.alt_text
    # 1.0, 1.4, 2.2, 3.1 are not whole: one decimal place on every bar label (never '1' for 1.4)
    bar_labels = [t.get_text().strip() for t in chart.figure.axes[0].texts]
    assert bar_labels == ["1.0", "1.4", "2.2", "3.1"]


def test_series_chart_names_its_lines_in_words() -> None:
    frame = pd.DataFrame({"date": ["2020", "2021"], "police_officers": [1.0, 2.0], "police_staff": [3.5, 4.0]})
    chart = charts.series_chart(
        frame,
        x="date",
        series=["police_officers", "police_staff"],
        name="s",
        title="t",
        xlabel="Year",
        ylabel="People",
        what="people",
        labels={"police_staff": "Staff (FTE)"},
    )
    assert legend_texts(chart.figure) == ["Police officers", "Staff (FTE)"]
    assert chart.alt_text == (
        "Line chart of people: Police officers from 1 (2020) to 2 (2021); "
        "Staff (FTE) from 3.5 (2020) to 4.0 (2021)."  # one decimal place for a series with a fraction
    )


# -------------------------------------------------------------------------------------------
# Alt text: true of the chart's table, whatever the order of the rows

OUTCOMES = pd.DataFrame(
    {  # the order pack.victims.outcome_mix gives: a logical order, not sorted by size
        "outcome": ["Charged or summonsed", "Out-of-court resolution", "No suspect identified", "No outcome record"],
        "crimes": [5296, 4557, 28524, 25709],
    }
)


def test_bar_chart_alt_text_on_unsorted_data_names_the_true_largest_and_smallest() -> None:
    chart = charts.bar_chart(
        OUTCOMES,
        category="outcome",
        value="crimes",
        name="o",
        title="t",
        xlabel="Crimes",
        what="crimes by latest outcome",
    )
    # largest 28,524 (No suspect identified, third row); smallest 4,557 (Out-of-court resolution, second row)
    assert chart.alt_text == (
        "Bar chart of crimes by latest outcome for 4 categories. The largest is No suspect identified (28,524); "
        "the smallest is Out-of-court resolution (4,557)."
    )
    table = chart.data  # the same facts, read from the chart's own table
    assert table.loc[table["crimes"].idxmax(), "outcome"] in chart.alt_text
    assert f"{table['crimes'].min():,}" in chart.alt_text
    # the bars keep the order given (top to bottom) and each is labelled with its value
    axis = chart.figure.axes[0]
    assert [t.get_text() for t in axis.get_yticklabels()] == OUTCOMES["outcome"].tolist()
    assert [t.get_text().strip() for t in axis.texts] == ["5,296", "4,557", "28,524", "25,709"]


def test_bar_chart_alt_text_on_sorted_data_is_the_same() -> None:
    ordered = OUTCOMES.sort_values("crimes", ascending=False)
    unsorted = charts.bar_chart(OUTCOMES, category="outcome", value="crimes", name="o", title="t", xlabel="x", what="w")
    sorted_ = charts.bar_chart(ordered, category="outcome", value="crimes", name="o", title="t", xlabel="x", what="w")
    assert sorted_.alt_text == unsorted.alt_text


def test_bar_chart_alt_text_names_ties_and_suppressed_values() -> None:
    frame = pd.DataFrame({"c": ["a", "b", "c", "d"], "v": [7.0, 2.0, 7.0, float("nan")]})
    chart = charts.bar_chart(frame, category="c", value="v", name="x", title="t", xlabel="x", what="w")
    assert chart.alt_text == (
        "Bar chart of w for 4 categories. The largest is a and c (7); the smallest is b (2). "
        "1 value(s) not shown (suppressed or missing)."
    )


@settings(max_examples=12, deadline=None)
@given(values=st.lists(st.integers(0, 10_000), min_size=1, max_size=8, unique=True), seed=st.integers(0, 1000))
def test_bar_chart_alt_text_does_not_depend_on_row_order(values: list[int], seed: int) -> None:
    frame = pd.DataFrame({"c": [f"k{i}" for i in range(len(values))], "v": values})
    shuffled = frame.sample(frac=1, random_state=seed)
    a = charts.bar_chart(frame, category="c", value="v", name="x", title="t", xlabel="x", what="w")
    b = charts.bar_chart(shuffled, category="c", value="v", name="x", title="t", xlabel="x", what="w")
    assert a.alt_text == b.alt_text
    largest = frame.loc[frame["v"].idxmax()]
    assert f"The largest is {largest['c']} ({largest['v']:,})" in a.alt_text


def test_trend_chart_alt_text_from_its_table() -> None:
    series = pd.Series(np.arange(1.0, 25.0), index=months(24, "2022-02"))  # 1, 2, ..., 24
    chart = charts.trend_chart(series, name="t", title="t", ylabel="n", what="burglaries")
    # rolling 12-month totals: first complete at the 12th month, 1 + ... + 12 = 78; last 13 + ... + 24 = 222
    assert chart.alt_text == (
        "Line chart of burglaries per month, 24 months from February 2022 to January 2024. The rolling 12-month "
        "total went from 78 (12 months ending January 2023) to 222 (12 months ending January 2024). Monthly values "
        "ranged from 1 (February 2022) to 24 (January 2024)."
    )
    rolling = chart.data.dropna()["rolling_12_month_total"]
    assert (rolling.iloc[0], rolling.iloc[-1]) == (78.0, 222.0)
    assert legend_texts(chart.figure) == ["burglaries per month", "rolling 12-month average"]


def test_xmr_chart_alt_text_and_limits() -> None:
    series = pd.Series([10.0, 12.0] * 10, index=months(20))
    chart = charts.xmr_chart(series, name="x", title="t", ylabel="n", what="calls")
    # mean 11; every moving range 2, so the limits are 11 ± 2.66 × 2 = 5.68 and 16.32; no special cause
    assert chart.alt_text == (
        "XmR chart of calls for 20 months from February 2022 to September 2023: mean 11.0, process limits 5.7 to "
        "16.3; 0 point(s) show special-cause variation."
    )
    assert chart.data["upper_limit"].iloc[0] == pytest.approx(16.32)


def test_xmr_chart_draws_each_phase_of_a_rebased_series() -> None:
    series = pd.Series([12.0, 10.0] * 10 + [20.0, 22.0] * 10, index=months(40, "2020-11"))
    chart = charts.xmr_chart(series, name="x", title="t", ylabel="n", what="burglaries", result=xmr(series, "lower"))
    # pack.spc.xmr: two phases of 20 months, means 11 and 21 (the second from July 2022)
    assert "mean 11.0" in chart.alt_text and "mean 21.0, process limits" in chart.alt_text
    assert "from July 2022" in chart.alt_text
    assert "limits recalculated" in [t.get_text() for t in chart.figure.axes[0].texts]
    flat = {round(float(line.get_ydata()[0]), 2) for line in chart.figure.axes[0].lines if len(line.get_ydata()) == 2}
    assert {11.0, 21.0} <= flat  # a mean line for each phase (with its limits either side)


def test_headline_chart_titles_each_panel_in_full_and_says_n_a() -> None:
    chart = _all_charts("Headlines")[6]
    panels = [" ".join(ax.get_title(loc="left").split("\n")) for ax in chart.figure.axes if ax.get_title(loc="left")]
    assert panels[1] == "Neighbourhood Crime and Anti-Social Behaviour: Anti-social behaviour incidents (improved)"
    # the third panel (the right-hand column) was cut at the figure's edge in a real-data pack
    assert panels[2] == "Rural Crime: All records in rural areas (no comparison)"
    assert "n/a" in [t.get_text() for t in chart.figure.axes[2].texts]
    assert [t.get_text() for t in chart.figure.axes[2].get_xticklabels()][0] == "–"  # no baseline period
    assert chart.alt_text == (
        "Small multiples of headlines, baseline against current: Strong Local Policing: Police officers (headcount) "
        "1,935 (at 2021-03-31) to 2,124 (at 2023-12-31), improved; Neighbourhood Crime and Anti-Social Behaviour: "
        "Anti-social behaviour incidents 58,658 (12 months ending May 2021) to 29,309 (12 months ending January "
        "2024), improved; Rural Crime: All records in rural areas 13,372 (12 months ending November 2022), no "
        "baseline figure, no comparison; Victim Support and Safeguarding: Police officers (headcount) 1,935 (at "
        "2021-03-31) to 2,124 (at 2023-12-31), improved; Driving Efficiencies: Anti-social behaviour incidents 58,658 "
        "(12 months ending May 2021) to 29,309 (12 months ending January 2024), improved."
    )
    for ax in chart.figure.axes[:5]:  # each panel keeps a sensible width: wrapped text never squeezes it
        assert ax.get_window_extent().width > 200
        assert all(len(line) > 5 for line in ax.get_title(loc="left").split("\n"))
    assert texts_outside(chart.figure) == []


# -------------------------------------------------------------------------------------------
# Long category lists: capped, the rest grouped or left out, the table complete


def test_cap_keeps_the_largest_in_the_given_order_and_sums_the_rest() -> None:
    frame = pd.DataFrame({"d": list("abcdef"), "x": [1, 9, 5, 7, 2, 3], "y": [8, 1, 1, 1, 1, 1]})
    rows, note = cap_categories(frame, "d", ["x", "y"], max_bars=4, rest="sum")
    # sizes (the larger of x and y): a 8, b 9, c 5, d 7, e 2, f 3 -> keep b, a, d in the given order a, b, d
    assert rows["d"].tolist() == ["a", "b", "d", "3 others"]
    assert rows.iloc[-1][["x", "y"]].tolist() == [5 + 2 + 3, 1 + 1 + 1]
    assert note == "3 of 6 categories are drawn, the largest; the other 3 are summed in one bar."
    kept, _ = cap_categories(frame, "d", ["x"], max_bars=2, keep="e")  # a highlighted category is always drawn
    assert kept["d"].tolist() == ["b", "e"]


def test_a_chart_of_many_districts_stays_short_and_its_table_complete() -> None:
    frame = pd.DataFrame({"district": [f"District {i}" for i in range(168)], "a": range(168), "b": range(168, 0, -1)})
    paired = charts.paired_bar_chart(
        frame, category="district", first="a", second="b", name="p", title="t", xlabel="n", what="w"
    )
    single = charts.bar_chart(frame, category="district", value="a", name="b", title="t", xlabel="n", what="w")
    for chart, drawn_rows in ((paired, charts.bars.MAX_PAIRS), (single, charts.MAX_BARS)):
        height = chart.figure.get_figheight() * chart.figure.dpi
        assert height <= 1000, height  # the real-data district chart was 9,360 px
        assert len(chart.data) == 168  # the table beside the chart lists every district
        assert len(chart.figure.axes[0].get_yticklabels()) == drawn_rows
        assert "of 168 categories are drawn" in chart.alt_text
        assert texts_outside(chart.figure) == []


def test_decimals_of_value_labels() -> None:
    assert decimals(np.array([1.0, 2.0])) == 0
    assert decimals(np.array([0.25, 0.5])) == 2
    assert decimals(np.array([1.25, 20.0, np.nan])) == 1


def test_paired_alt_text_lists_each_category_from_the_table() -> None:
    frame = pd.DataFrame(
        {"district": ["High Peak", "Derby", "Erewash"], "12 months ending May 2021": [784, 3145, 1054]}
    ).assign(**{"12 months ending January 2024": [1855, 7606, float("nan")]})  # Erewash suppressed
    chart = charts.paired_bar_chart(
        frame,
        category="district",
        first="12 months ending May 2021",
        second="12 months ending January 2024",
        name="d",
        title="t",
        xlabel="Incidents",
        what="ASB incidents by district",
    )
    assert chart.alt_text == (
        "Paired bar chart of ASB incidents by district, 12 months ending May 2021 against 12 months ending January "
        "2024, for 3 categories: High Peak 784 and 1,855; Derby 3,145 and 7,606; Erewash 1,054 and –."
    )
    rows = chart.data.set_index("district")
    assert rows.loc["Derby"].tolist() == [3145, 7606]  # the table holds the figures the text gives
    assert [t.get_text().strip() for t in chart.figure.axes[0].texts] == [
        "784",
        "3,145",
        "1,054",
        "1,855",
        "7,606",
        "–",
    ]
