"""Markup of the first screen and scorecard: sparklines drawn and described from their data, escaped
text, verdict tags, and the scorecard's tables."""

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pack.periods import Month
from pack.plan import load_plan
from pack.spc import Variation
from pack.summary.headlines import Trend
from pack.summary.scorecard import Measure, Tile, scorecard_rows, status_counts
from pack.summary.tiles import counts_html, scorecard_html, short_name, sparkline, tile_html, tiles_html
from pack.verdicts import STATUS_ORDER, Verdict, number

MONTHS = [str(Month(2023, 1) + i) for i in range(5)]

PRIORITIES = load_plan().priorities


def test_a_sparkline_drawn_by_hand():
    trend = Trend(pd.Series([0.0, 10.0, 5.0, 10.0, 20.0], index=MONTHS), "crimes per month", True)
    svg = sparkline(trend, [("March 2023 to April 2023", Month(2023, 3), Month(2023, 4))])
    # 5 months over 120 px less 3 px each side: 28.5 px a month; 0..20 over 34 px less 3 each side: 1.4 px a unit
    assert '<polyline class="spark-line" points="3.0,31.0 31.5,17.0 60.0,24.0 88.5,17.0 117.0,3.0">' in svg
    # March and April: months 2 and 3 +- half a month -> 3 + 1.5 x 28.5 = 45.75 to 3 + 3.5 x 28.5 = 102.75
    assert '<rect class="spark-window spark-window-0" x="45.8" y="0" width="57.0" height="34">' in svg
    assert '<circle class="spark-dot" cx="117.0" cy="3.0" r="2.5">' in svg
    assert (
        'role="img" aria-label="crimes per month, January 2023 to May 2023: lowest 0 (January 2023), highest 20 ' in svg
    )
    assert "latest 20 (May 2023). Shaded: March 2023 to April 2023." in svg


def test_a_missing_month_breaks_the_line():
    trend = Trend(pd.Series([1.0, 2.0, 3.0, 4.0], index=[MONTHS[0], MONTHS[1], MONTHS[3], MONTHS[4]]), "x", True)
    assert sparkline(trend, []).count("<polyline") == 2
    at_dates = Trend(trend.values, "officers at each date", False)  # counts at dates: one line
    assert sparkline(at_dates, []).count("<polyline") == 1


@given(st.lists(st.integers(0, 100_000), min_size=2, max_size=60))
def test_a_sparklines_text_states_its_data(values):
    index = [str(Month(2019, 1) + i) for i in range(len(values))]
    series = pd.Series(values, index=index, dtype="float64")
    svg = sparkline(Trend(series, "records per month", True), [])
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    low, high = series.idxmin(), series.idxmax()
    assert f"lowest {number(series.min())} ({Month.parse(low).name})" in label
    assert f"highest {number(series.max())} ({Month.parse(high).name})" in label
    assert f"latest {number(series.iloc[-1])} ({Month.parse(index[-1]).name})" in label
    assert len(re.findall(r"\d+\.\d,\d+\.\d", svg)) == len(values)  # one point each (no month missing)


def test_same_data_same_bytes_and_text_escaped():
    trend = Trend(pd.Series([1.0, 2.0], index=MONTHS[:2]), 'crimes <b>"per"</b> month', True)
    assert sparkline(trend, []) == sparkline(trend, [])
    assert "<b>" not in sparkline(trend, []) and "&lt;b&gt;&quot;per&quot;" in sparkline(trend, [])


def measure(status, tested, tone, **kw):
    fields = dict(
        indicator_id="asb",
        name="Anti-social behaviour <incidents>",
        unit="incidents",
        better_when="lower",
        value="29,309 incidents",
        period="12 months ending January 2024",
        baseline_period="12 months ending May 2021",
        change="down 50.0% from 58,658 incidents",
        verdict=Verdict(status, tested, tone),
        trend=None,
        variation=None,
        position=None,
    )
    fields.update(kw)
    return Measure(**fields)


def test_a_tile_names_its_priority_and_links_to_its_section():
    tested = measure("improved", True, "better")
    direction = measure("down", False, "better", period="at 31 December 2023")
    html = tile_html(Tile(PRIORITIES[1], (tested, direction)), "12 months ending January 2024")
    assert '<h2 class="tile-title" id="tile-2"><a href="#sec-02_neighbourhood_crime_asb">2. ' in html
    assert 'class="tag tag-tested tone-better"><span aria-hidden="true">✔</span> improved</strong>' in html
    assert '<span class="visually-hidden"> (tested)</span>' in html
    assert 'class="tag tag-direction tone-better"><span aria-hidden="true">↓</span> down</strong>' in html
    assert "(direction only, not tested)" in html
    assert html.count("12 months ending January 2024") == 0  # the common period is said once, above the tiles
    assert html.count('class="measure-period">at 31 December 2023') == 1
    assert "&lt;incidents&gt;" in html and "<incidents>" not in html


def test_the_latest_months_variation_is_in_words_beside_its_icon():
    trend = Trend(pd.Series([1.0, 2.0], index=MONTHS[:2]), "x", True)
    concern = Variation("concern_high", "Special cause concern (high)", "unusually high, and lower is better")
    html = tile_html(Tile(PRIORITIES[0], (measure("worse", True, "worse", trend=trend, variation=concern),)))
    assert 'class="mdc-icon mdc-concern" aria-hidden="true"' in html
    assert "Latest month: special cause concern (high)</span>" in html
    assert ">latest month: concern (high)</span>" in html


def test_the_first_screen_says_its_periods_and_explains_every_word():
    html = tiles_html([], "12 months ending January 2024", "12 months ending May 2021")
    assert "Figures for the <strong>12 months ending January 2024</strong>" in html
    assert "against the <strong>12 months ending May 2021</strong>, unless a figure says otherwise" in html
    for word in STATUS_ORDER:
        assert f"<strong>{word}</strong>:" in html
    # common cause; improvement, concern and neither, each high and low
    assert html.count('<svg class="mdc-icon') == 7


def test_the_scorecard_tables():
    tables = pd.DataFrame(
        [
            {
                "indicator_id": "a",
                "indicator": "Burglary",
                "baseline_label": "12 months ending May 2021",
                "baseline_value": 2978,
                "current_label": "12 months ending January 2024",
                "current_value": 2250,
                "change": -728,
                "pct_change": -24.4,
                "better_when": "lower",
                "status": "improved",
                "unit": "crimes",
                "note": "exact Poisson test",
                "tested": True,
                "stem": PRIORITIES[1].stem,
                "priority": PRIORITIES[1].title,
            },
            {
                "indicator_id": "b",
                "indicator": "Members",
                "baseline_label": "",
                "baseline_value": None,
                "current_label": "",
                "current_value": None,
                "change": None,
                "pct_change": None,
                "better_when": "higher",
                "status": "not supplied",
                "unit": "members",
                "note": "",
                "stem": PRIORITIES[1].stem,
                "priority": PRIORITIES[1].title,
            },
        ]
    )
    rows = scorecard_rows(tables)
    html = scorecard_html(rows, "12 months ending May 2021 against 12 months ending January 2024")
    assert html.count("<details") == 1
    assert "Neighbourhood Crime and Anti-Social Behaviour (2 indicators: tested: 1 improved; 1 not supplied)" in html
    assert (
        '<tr><th scope="row">Burglary</th><td>2,978 crimes (12 months ending May 2021)</td>'
        "<td>2,250 crimes (12 months ending January 2024)</td><td>down 24.4%</td><td>✔ improved (tested)</td></tr>"
    ) in html
    counts = counts_html(status_counts(rows, PRIORITIES), "Indicators by priority and verdict")
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', counts)
    assert headers == ["Priority", *STATUS_ORDER]
    assert '<th scope="colgroup" colspan="3">Tested</th>' in counts


def test_short_names_drop_definitions_only():
    assert short_name("Serious acquisitive crime (burglary, robbery, vehicle crime)") == "Serious acquisitive crime"
    assert short_name("Police officers (headcount)") == "Police officers (headcount)"
