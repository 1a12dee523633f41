"""The funnel plot chart, on made-up forces and limits (the limits' maths is pack.funnel's, not
tested here): whatever limits it is given are drawn; the plan force is told apart without colour;
the alt text and the table say where it sits, worked by hand below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from test_charts import rendered_title, texts_outside

from pack import charts
from pack.charts.funnel import limits_at, position

# Four forces; B is the plan force, C is in its most similar group.
POINTS = pd.DataFrame(
    {
        "force": ["A", "B", "C", "D"],
        "population": [100_000, 400_000, 1_000_000, 200_000],
        "count": [900, 5_800, 10_500, 600],
        "rate_per_1000": [9.0, 14.5, 10.5, 3.0],
        "highlighted": [False, True, False, False],
        "peer": [False, False, True, False],
    }
)
# Limits at 100,000 and 1,000,000 residents around a rate of 10, the wider level first (the chart
# sorts them): 99.8% from 4-16 to 8-12, 95% from 6-14 to 9-11.
LIMITS = pd.DataFrame(
    {
        "population": [100_000, 1_000_000, 100_000, 1_000_000],
        "level": ["99.8%", "99.8%", "95%", "95%"],
        "lower": [4.0, 8.0, 6.0, 9.0],
        "upper": [16.0, 12.0, 14.0, 11.0],
        "centre": 10.0,
    }
)
TITLE = "B's burglary rate is higher than the England and Wales rate by more than chance explains"


def funnel(points: pd.DataFrame = POINTS, limits: pd.DataFrame = LIMITS) -> charts.Chart:
    return charts.funnel_chart(
        points, limits, name="burglary-funnel", title=TITLE, what="burglaries per 1,000 residents"
    )


def test_limits_are_read_at_each_force_on_a_log_scale_of_residents() -> None:
    chart = funnel()
    b = chart.data.set_index("force").loc["B"]
    # 400,000 is log10(4) = 0.60206 of the way from 100,000 to 1,000,000 on a log scale:
    # 95% upper 14 - 3 x 0.60206 = 12.19382; 99.8% upper 16 - 4 x 0.60206 = 13.59176
    assert b["95% upper limit"] == pytest.approx(12.19382, abs=1e-5)
    assert b["99.8% upper limit"] == pytest.approx(13.59176, abs=1e-5)
    # D at 200,000 (log10(2) = 0.30103): 99.8% lower 4 + 4 x 0.30103 = 5.20412
    assert chart.data.set_index("force").loc["D", "99.8% lower limit"] == pytest.approx(5.20412, abs=1e-5)
    # B 14.5 > 13.59: above the 99.8% limit; D 3.0 < 5.20: below it; A 9.0 and C 10.5 within the 95% limits
    assert chart.data["position"].tolist() == [
        "within the 95% limits",
        "above the 99.8% limit",
        "within the 95% limits",
        "below the 99.8% limit",
    ]
    assert chart.data["mark"].tolist() == ["", "◆", "▲", ""]


def test_alt_text_states_the_plan_forces_position() -> None:
    assert funnel().alt_text == (
        "Funnel plot of burglaries per 1,000 residents for 4 forces against their residents. The England and Wales "
        "rate is 10.00 per 1,000, with 95% and 99.8% limits that narrow as residents increase. B (the diamond, "
        "labelled with its name): 14.50 per 1,000 with 400,000 residents, above the 99.8% limit. Above the 99.8% "
        "limit: 1 force; below it: 1 force."
    )


def test_a_position_supplied_with_the_points_is_used_as_it_is() -> None:
    chart = funnel(POINTS.assign(position=["a", "above the 95% limit", "c", "d"]))
    assert chart.data["position"].tolist() == ["a", "above the 95% limit", "c", "d"]
    assert "with 400,000 residents, above the 95% limit." in chart.alt_text


def test_the_plan_force_is_told_apart_without_colour() -> None:
    chart = funnel()
    ax = chart.figure.axes[0]
    groups = {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert set(groups) == {"this force", "most similar group", "other forces"}
    assert groups["this force"].get_offsets().tolist() == [[400_000.0, 14.5]]
    shapes = {k: np.round(c.get_paths()[0].vertices, 3).tolist() for k, c in groups.items()}
    assert len({str(v) for v in shapes.values()}) == 3  # diamond, triangle, circle: three shapes
    assert groups["this force"].get_sizes()[0] > groups["other forces"].get_sizes()[0]
    assert "◆ B" in [t.get_text() for t in ax.texts]  # its name written beside it


def test_whatever_limits_are_given_are_drawn_narrowest_dashed_widest_dotted() -> None:
    ax = funnel().figure.axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    assert lines["95% limits"].get_linestyle() == "--" and lines["99.8% limits"].get_linestyle() == ":"
    assert lines["95% limits"].get_ydata().tolist() == [14.0, 11.0]  # the upper limits as given
    assert lines["99.8% limits"].get_xdata().tolist() == [100_000, 1_000_000]
    assert list(lines["England and Wales rate (10.00)"].get_ydata()) == [10.0, 10.0]


def test_title_and_text_fit() -> None:
    chart = funnel()
    assert rendered_title(chart.figure) == TITLE
    assert texts_outside(chart.figure) == []


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="funnel chart points: expected columns .*; missing highlighted"):
        funnel(POINTS.drop(columns="highlighted"))
    with pytest.raises(ValueError, match="funnel chart limits: .*missing upper"):
        funnel(limits=LIMITS.drop(columns="upper"))
    with pytest.raises(ValueError, match="population must be a number above 0; not so for C"):
        funnel(POINTS.assign(population=[1, 2, 0, 3]))


def test_no_highlighted_force_and_no_limits() -> None:
    chart = funnel(POINTS.assign(highlighted=False), LIMITS.iloc[:0])
    assert chart.alt_text == (
        "Funnel plot of burglaries per 1,000 residents for 4 forces against their residents. No force is highlighted."
    )


def test_position_and_limits_at_helpers() -> None:
    bounds = [("95%", 8.0, 12.0), ("99.8%", 6.0, 14.0)]
    assert position(12.0, bounds) == "within the 95% limits"  # on the limit is within it
    assert position(14.01, bounds) == "above the 99.8% limit"
    lower, upper = limits_at(LIMITS, "95%", np.array([50_000, 2_000_000]))
    assert lower.tolist() == [6.0, 9.0] and upper.tolist() == [14.0, 11.0]  # held at the ends


def test_residents_on_a_log_scale_when_forces_differ_more_than_tenfold() -> None:
    ax = funnel().figure.axes[0]  # 100,000 to 1,000,000: ten times, not more
    assert ax.get_xscale() == "linear" and ax.get_xlabel() == "Residents (millions)"
    wide = funnel(POINTS.assign(population=[100_000, 400_000, 1_000_000, 2_000_000])).figure.axes[0]
    assert wide.get_xscale() == "log" and wide.get_xlabel() == "Residents (millions, log scale)"
    wide.figure.canvas.draw()
    assert [t.get_text() for t in wide.get_xticklabels()] == ["0.1", "0.2", "0.5", "1", "2"]
