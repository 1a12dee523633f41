"""The summary a panel reads at a glance, in a real browser: six tiles with verdicts in the first
900 px at 1280 px wide, one column at 390 px, the full scorecard, the questions; no build text and
no "nan" anywhere a reader looks. On the demo pack and on a real-data pack."""

import re
from pathlib import Path

import pandas as pd
import pytest
from pages import DESKTOP, PHONE, browser_session, open_page

from pack.config import DEMO_DATA_DIR
from pack.periods import Month
from pack.plan import load_plan
from pack.verdicts import STATUS_ORDER

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SUMMARY = "#sec-00_strategic_summary"

PRIORITIES = load_plan().priorities


@pytest.fixture(scope="module")
def chromium(demo_pack, real_pack):
    """Chromium, once the packs are built."""
    yield from browser_session(axe=False)


@pytest.fixture(params=["demo", "real"])
def pack(request):
    return request.getfixturevalue("demo_pack" if request.param == "demo" else "real_pack")


def test_the_first_900_px_of_the_summary_show_six_priorities_with_a_verdict_each(chromium, pack, tmp_path):
    page = open_page(chromium, pack / "evidence-pack.html", DESKTOP)
    page.goto(page.url + SUMMARY)  # as the contents link opens it
    top = page.evaluate(f"document.querySelector('{SUMMARY}').getBoundingClientRect().top")
    tiles = page.locator(f"{SUMMARY} .tile")
    assert tiles.count() == 6
    assert tiles.locator(".tile-title").all_inner_texts() == [f"{p.number}. {p.title}" for p in PRIORITIES]
    for i, p in enumerate(PRIORITIES):
        tile = tiles.nth(i)
        tags = tile.locator(".tag")
        assert tags.count() == len(p.headlines)
        for k in range(tags.count()):
            word = tags.nth(k).inner_text().split(" ", 1)[1]
            assert word in STATUS_ORDER, word
            box = tags.nth(k).bounding_box()
            assert box["y"] >= top and box["y"] + box["height"] <= top + 900, (p.title, box, top)
            assert tags.nth(k).is_visible()
    # the demonstration banner stays on screen and covers none of it
    banner = page.locator(".banner-demo")
    if banner.count():
        assert banner.bounding_box()["height"] <= top + 1
    page.screenshot(path=str(tmp_path / "first-screen.png"))
    assert page.errors == []


def test_the_tiles_read_at_phone_width(chromium, pack):
    page = open_page(chromium, pack / "evidence-pack.html", PHONE)
    tiles = page.locator(f"{SUMMARY} .tile")
    lefts = {round(tiles.nth(i).bounding_box()["x"]) for i in range(6)}
    assert len(lefts) == 1  # one column
    for i in range(6):
        box = tiles.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    sizes = page.evaluate(
        "[...document.querySelectorAll('.tile .measure-value, .tile .measure-name, .tile .tag')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 12  # nothing on a tile smaller than 12 px


ROWS_CELLS = "g => [...g.querySelectorAll('tbody tr')].map(r => [...r.querySelectorAll('td')].map(td => td.innerText))"
UNIT_PATTERNS = {"£m": r"^-?£[\d,.]+m \(", "%": r"^-?[\d,.]+% \("}


def test_the_scorecard_has_units_dates_in_words_and_a_fixed_order_of_statuses(chromium, pack):
    page = open_page(chromium, pack / "evidence-pack.html", DESKTOP)
    groups = page.locator(f"{SUMMARY} details.scorecard-group")
    assert groups.count() == 6
    tables = {p.stem: pd.read_csv(pack / "tables" / f"{p.stem}-indicators.csv") for p in PRIORITIES}
    for i, p in enumerate(PRIORITIES):
        groups.nth(i).locator("summary").click()
        shown = groups.nth(i).evaluate(ROWS_CELLS)  # each row's cells as read (one call, not one a row)
        assert len(shown) == len(tables[p.stem])
        for cells, row in zip(shown, tables[p.stem].to_dict("records"), strict=True):
            for cell, value in zip(cells[:2], (row["baseline_value"], row["current_value"]), strict=True):
                if pd.isna(value):  # no value: a dash, or why there is none (never a number shown as current)
                    assert cell == "–" or cell.startswith(("not covered: missing", "out of date (as at")), cell
                else:  # a value with its unit, then its period: never a bare number
                    unit = r"[a-z]" if value == 1 else re.escape(row["unit"])  # "1 person"
                    assert re.match(UNIT_PATTERNS.get(row["unit"], rf"^-?[\d,.]+ {unit}"), cell), cell
                    assert not re.search(r"\d{4}-\d{2}-\d{2}", cell), cell
    headers = page.locator(f"{SUMMARY} table.status-counts thead tr").nth(1).locator("th").all_inner_texts()
    assert [h.replace("\n", " ") for h in headers] == list(STATUS_ORDER)


def test_questions_name_figures(chromium, demo_pack):
    page = open_page(chromium, demo_pack / "evidence-pack.html", DESKTOP)
    questions = page.locator(f"{SUMMARY} ol.questions li").all_inner_texts()  # ranked: a numbered list
    table = pd.read_csv(demo_pack / "tables" / "05_victim_support_safeguarding-indicators.csv")
    vso = table.set_index("indicator_id").loc["violence_sexual_offences"]
    assert vso["status"] == "worse"
    expected = f"Violence and sexual offences rose by {vso['pct_change']:.1f}% (from {vso['baseline_value']:,.0f} to"
    assert any(q.startswith(expected) for q in questions), questions
    assert all("?" in q for q in questions)


READER_TEXT = "main p, main li, main h2, main h3, main h4, main figcaption, main caption, main summary"


def test_no_reader_paragraph_is_about_running_notebooks(chromium, demo_pack):
    page = open_page(chromium, demo_pack / "evidence-pack.html", DESKTOP)
    texts = page.eval_on_selector_all(
        READER_TEXT,
        "els => els.filter(e => !e.closest('.jp-Cell-inputWrapper, pre, code, table')).map(e => e.innerText)",
    )
    assert len(texts) > 200
    running = [t for t in texts if re.search(r"papermill|jupyterlab", t, re.IGNORECASE)]
    assert running == []
    # ... they stay on each notebook's own page, and the Method says how to rerun the pack
    own = (demo_pack / "notebooks" / "02_neighbourhood_crime_asb.html").read_text(encoding="utf-8")
    assert "The build runs this notebook with papermill" in own
    assert "python run_pack.py build --period 2024-01" in page.locator("#method").inner_text()


def all_text(page) -> str:
    """Everything a reader can see or hear: the text with every collapsed part opened, and the text
    alternatives."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    attributes = page.eval_on_selector_all(
        "[alt], [aria-label], [title]",
        "els => els.map(e => [e.getAttribute('alt'), e.getAttribute('aria-label'), e.getAttribute('title')].join(' '))",
    )
    return page.inner_text("body") + "\n" + "\n".join(attributes)


@pytest.mark.long  # reads every output of two packs
def test_nan_appears_nowhere(chromium, pack):
    pages = [pack / "evidence-pack.html", *sorted((pack / "notebooks").glob("*.html"))]
    for path in pages:
        text = all_text(open_page(chromium, path, DESKTOP))
        assert not re.search(r"\bnan\b", text, re.IGNORECASE), (path.name, re.findall(r".{40}\bnan\b.{20}", text, re.I))


def raw_monthly_asb(data: Path) -> pd.Series:
    """ASB incidents per month in the demo's raw street files for Derbyshire, counted here with pandas."""
    counts = {}
    for path in sorted(data.glob("police-uk/**/*-street.csv")):
        frame = pd.read_csv(path, encoding="utf-8-sig", usecols=["Month", "Falls within", "Crime type"])
        frame = frame[
            (frame["Falls within"] == "Derbyshire Constabulary") & (frame["Crime type"] == "Anti-social behaviour")
        ]
        for month, n in frame.groupby("Month").size().items():
            counts[month] = counts.get(month, 0) + int(n)
    return pd.Series(counts).sort_index()


def test_a_sparklines_text_is_true_to_the_raw_files(chromium, demo_pack):
    page = open_page(chromium, demo_pack / "evidence-pack.html", DESKTOP)
    label = page.locator(f"{SUMMARY} .tile").nth(1).locator("svg.spark").first.get_attribute("aria-label")
    series = raw_monthly_asb(DEMO_DATA_DIR)
    series = series[series.index <= "2024-01"]  # to the end of the reporting period
    name = lambda m: Month.parse(m).name  # noqa: E731
    assert label.startswith(f"incidents per month, {name(series.index[0])} to January 2024: ")
    assert f"lowest {series.min():,} ({name(series.idxmin())})" in label
    assert f"highest {series.max():,} ({name(series.idxmax())})" in label
    assert f"latest {series.iloc[-1]:,} (January 2024)" in label
    assert label.endswith("Shaded: 12 months ending May 2021 and 12 months ending January 2024.")
