"""Accessibility tested, not assumed: axe-core (the project's own npm install) on the pack, with its
code shown and at phone width, and on every notebook's page; keyboard focus visible; every chart's
text alternative true to the table it was drawn from. On the demo pack and on a real-data pack."""

import re

import pytest
from pages import DESKTOP, PHONE, axe_violations, launch, need_axe, need_chromium, open_page, serious

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def chromium(demo_pack, real_pack):
    """Playwright runs an event loop in this thread: the packs are built before it starts."""
    need_chromium()
    need_axe()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture(params=["demo", "real"])
def pack(request):
    return request.getfixturevalue("demo_pack" if request.param == "demo" else "real_pack")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_no_serious_or_critical_violation_in_the_pack(chromium, pack, viewport):
    page = open_page(chromium, pack / "evidence-pack.html", viewport)
    assert serious(axe_violations(page)) == []


def test_none_with_the_code_shown(chromium, demo_pack):
    page = open_page(chromium, demo_pack / "evidence-pack.html", DESKTOP)
    for button in page.locator("button.toggle-code").all():
        button.click()
    assert page.locator(".jp-CodeCell .jp-Cell-inputWrapper").first.is_visible()
    assert serious(axe_violations(page)) == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_none_on_any_notebooks_page(chromium, demo_pack, viewport):
    pages = sorted((demo_pack / "notebooks").glob("*.html"))
    assert len(pages) == 8
    problems = {p.name: serious(axe_violations(open_page(chromium, p, viewport))) for p in pages}
    assert {name: found for name, found in problems.items() if found} == {}


FOCUS = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName, text: (e.innerText || e.getAttribute('aria-label') || '').slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          shadow: s.boxShadow !== 'none', background: s.backgroundColor};
}"""


@pytest.mark.parametrize("name", ["evidence-pack.html", "notebooks/02_neighbourhood_crime_asb.html"])
def test_keyboard_focus_is_visible(chromium, demo_pack, name):
    page = open_page(chromium, demo_pack / name, DESKTOP)
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["outline"] or focus["shadow"], focus  # a 3 px outline or the yellow-and-black bar
        seen.append(focus["tag"])
    assert {"A", "BUTTON"} <= set(seen) or name.startswith("notebooks")


FIGURE = r"-?\d[\d,]*(?:\.\d+)?"
NUMBER = re.compile(r"(?<![\w.-])-?\d[\d,]*(?:\.\d+)?(?![\d-])")
# Numbers in a text alternative that are not data: names (the 999 and 101 lines, "per 1,000",
# financial years, "about 1 km"); and two true statements whose figures the chart's table does not
# hold (the map lists its busiest ten squares, not how many there are; the uplift chart's table has
# the officers, not the target line drawn across it).
NOT_DATA = [
    r"\b(999|101)\b",
    r"per 1,000",
    r"\d{4}/\d{2}",
    r"about 1 km",
    r"\d[\d,]* squares have at least one record",
    r"target level \([\d,]+\)",
    r"\d+ point\(s\) show special-cause variation",  # a count of the table's rows, checked below
]


def numbers(text: str) -> list[float]:
    """The numbers written in a text, dates and month counts aside (``2023-12-31``, ``2024``,
    ``12 months``)."""
    text = re.sub(r"\d{4}-\d{2}(-\d{2})?", " ", text)
    text = re.sub(r"\b(19|20)\d{2}\b", " ", text)
    text = re.sub(r"\b\d+ months\b", " ", text)
    return [float(n.replace(",", "")) for n in NUMBER.findall(text)]


def close(a: float, b: float) -> bool:
    """Equal once the longer is rounded as the shorter is written (1,775.0 and 1775; 9.5 and 9.52)."""
    return abs(a - b) <= 0.051 * max(1.0, 10 ** -len(str(a).split(".")[-1])) or round(a) == round(b) == a


CHARTS = """() => [...document.querySelectorAll('figure.pack-figure')].map(f => {
  const next = f.nextElementSibling, table = next ? next.querySelector('table') : null;
  const rows = table ? [...table.querySelectorAll('tbody tr')].map(r => [...r.children].map(c => c.textContent)) : [];
  return {alt: f.querySelector('img').getAttribute('alt'), rows: rows};
})"""


def figure(text: str) -> float:
    return float(text.replace(",", ""))


def test_every_charts_text_alternative_is_true_to_its_table(chromium, pack):
    page = open_page(chromium, pack / "evidence-pack.html", DESKTOP)
    charts = page.evaluate(CHARTS)
    assert len(charts) >= (15 if pack.name == "demo" else 8)
    wrong = []
    for chart in charts:
        alt, rows = chart["alt"], chart["rows"]
        assert rows, f"no data table after the chart: {alt}"
        values = [v for row in rows for cell in row for v in numbers(cell)]
        claims = alt
        for pattern in NOT_DATA:
            claims = re.sub(pattern, " ", claims)
        for n in numbers(claims):
            if not (n == len(rows) or any(close(n, v) for v in values)):
                wrong.append(f"{n:g} is not in the table of: {alt}")
        if m := re.search(rf"ranged from ({FIGURE}) to ({FIGURE})", alt):
            assert figure(m[1]) <= figure(m[2]), alt
        if m := re.search(rf"largest is .*? with ({FIGURE}); the smallest is .*? with ({FIGURE})", alt):
            largest, smallest = figure(m[1]), figure(m[2])
            assert largest >= smallest, f"largest below smallest: {alt}"
            assert close(largest, max(figure(r[1]) for r in rows)), alt
            assert close(smallest, min(figure(r[1]) for r in rows)), alt
        if m := re.search(r"(\d+) point\(s\) show special-cause variation", alt):
            assert int(m[1]) == sum(r[-1] == "yes" for r in rows), alt  # the table's last column: any rule
        assert not re.search(r"\bnan\b", alt, re.IGNORECASE), alt
    assert wrong == []
