"""Accessibility tested, not assumed: axe-core (the project's own npm install) on the pack, with its
code shown and at phone width, and on every notebook's page; keyboard focus visible; every chart's
text alternative true to the table it was drawn from. On the demo pack and on a real-data pack."""

import re

import pytest
from pages import DESKTOP, PHONE, axe_violations, browser_session, open_page, serious

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def chromium(demo_pack, real_pack):
    """Chromium, once the packs are built."""
    yield from browser_session(axe=True)


@pytest.fixture(params=["demo", "real"])
def pack(request):
    return request.getfixturevalue("demo_pack" if request.param == "demo" else "real_pack")


@pytest.mark.parametrize(
    ("which", "viewport"),
    [
        ("demo", DESKTOP),
        ("demo", PHONE),
        ("real", DESKTOP),
        # the same page at phone width with other numbers: the long tier (make test runs axe on the demo
        # pack at both widths and on the real pack at 1280 px)
        pytest.param("real", PHONE, marks=pytest.mark.long),
    ],
    ids=["demo-1280px", "demo-390px", "real-1280px", "real-390px"],
)
def test_no_serious_or_critical_violation_in_the_pack(chromium, request, which, viewport):
    pack = request.getfixturevalue(f"{which}_pack")
    page = open_page(chromium, pack / "evidence-pack.html", viewport)
    assert serious(axe_violations(page)) == []


@pytest.mark.long  # axe on every notebook's page and with the code shown (make test runs it on the pack's page)
def test_none_with_the_code_shown(chromium, demo_pack):
    page = open_page(chromium, demo_pack / "evidence-pack.html", DESKTOP)
    for button in page.locator("button.toggle-code").all():
        button.click()
    assert page.locator(".jp-CodeCell .jp-Cell-inputWrapper").first.is_visible()
    assert serious(axe_violations(page)) == []


@pytest.mark.long  # axe on every notebook's page and with the code shown (make test runs it on the pack's page)
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
    r"\d+ of (?=\d+ categories are drawn)",  # how many bars a long chart draws; the table lists them all
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


def table_numbers(rows: list[list[str]]) -> list[float]:
    return [v for row in rows for cell in row for v in numbers(cell)]


def chart_problems(alt: str, rows: list[list[str]]) -> list[str]:
    """What a chart's text alternative says that its table does not bear out.

    Line, XmR and bar charts: every number in the text is in the table (or is its number of rows),
    names aside (:data:`NOT_DATA`), and what it calls the range, the largest and smallest, or the
    months of special cause, is so in the table. A map and a funnel plot also describe what their
    tables (the busiest squares; the forces) do not hold, such as district totals and the England and
    Wales rate: for them, the claims about the table's rows are checked.
    """
    problems = []
    if not rows:
        return [f"no data table after the chart: {alt}"]
    if alt.startswith(("Line chart", "XmR chart", "Bar chart", "Paired bar chart")):
        values, claims = table_numbers(rows), alt
        for pattern in NOT_DATA:
            claims = re.sub(pattern, " ", claims)
        problems += [
            f"{n:g} is not in the table of: {alt}"
            for n in numbers(claims)
            if not (n == len(rows) or any(close(n, v) for v in values))
        ]
    if m := re.search(rf"ranged from ({FIGURE}) to ({FIGURE})", alt):
        if figure(m[1]) > figure(m[2]):
            problems.append(f"range upside down: {alt}")
    if m := re.search(rf"largest is .*? with ({FIGURE}); the smallest is .*? with ({FIGURE})", alt):
        column = [figure(r[1]) for r in rows]
        if not (close(figure(m[1]), max(column)) and close(figure(m[2]), min(column))):
            problems.append(f"largest or smallest not so in the table: {alt}")
    if m := re.search(r"(\d+) point\(s\) show special-cause variation", alt):
        if int(m[1]) != sum(r[-1] == "yes" for r in rows):  # the table's last column: any rule
            problems.append(f"special-cause count differs from the table: {alt}")
    if m := re.search(rf"busiest square, .*?longitude ({FIGURE}) and latitude ({FIGURE}), has ({FIGURE})", alt):
        first = table_numbers(rows[:1])
        if not all(any(close(figure(x), v) for v in first) for x in m.groups()):
            problems.append(f"the busiest square is not the table's first: {alt}")
    if alt.startswith("Funnel plot"):
        if (m := re.search(r"for (\d+) forces", alt)) and int(m[1]) != len(rows):
            problems.append(f"forces counted differ from the table: {alt}")
        if m := re.search(rf"\): ({FIGURE}) per 1,000 with ({FIGURE}) residents", alt):
            own = [r for r in rows if "◆" in " ".join(r)]
            if len(own) != 1 or not all(any(close(figure(x), v) for v in table_numbers(own)) for x in m.groups()):
                problems.append(f"the force's rate or residents differ from its row: {alt}")
        if m := re.search(r"Above the 99.8% limit: (\d+) forces?; below it: (\d+) forces?", alt):
            above = sum(r[-1].startswith("above the 99.8%") for r in rows)
            below = sum(r[-1].startswith("below the 99.8%") for r in rows)
            if (int(m[1]), int(m[2])) != (above, below):
                problems.append(f"forces beyond the limits differ from the table: {alt}")
    if re.search(r"\bnan\b", alt, re.IGNORECASE):
        problems.append(f"nan in: {alt}")
    return problems


def test_every_charts_text_alternative_is_true_to_its_table(chromium, pack):
    page = open_page(chromium, pack / "evidence-pack.html", DESKTOP)
    charts = page.evaluate(CHARTS)
    assert len(charts) >= (15 if pack.name == "demo" else 8)
    kinds = {c["alt"].split(" of ")[0] for c in charts}
    # the real files run 13 months to March 2022: too short a series for an XmR chart, which needs more
    expected = {"Line chart", "Bar chart", "Paired bar chart"} | ({"XmR chart"} if pack.name == "demo" else set())
    assert expected <= kinds
    assert [p for chart in charts for p in chart_problems(chart["alt"], chart["rows"])] == []


def test_the_check_finds_untrue_text():
    rows = [["Charged", "5,296"], ["No outcome", "25,709"], ["Other", "900"]]
    bars = "Bar chart of crimes for 3 categories. The largest is "
    true = bars + "No outcome with 25,709.0; the smallest is Other with 900.0."
    assert chart_problems(true, rows) == []
    swapped = bars + "Charged with 5,296.0; the smallest is No outcome with 25,709.0."
    assert chart_problems(swapped, rows) == [f"largest or smallest not so in the table: {swapped}"]
    assert chart_problems("Line chart of x: monthly values ranged from 900 to 1,234.", rows) == [
        "1234 is not in the table of: Line chart of x: monthly values ranged from 900 to 1,234."
    ]
    forces = [
        ["◆", "Derbyshire (this force)", "1,154,746", "25.38", "within the 95% limits"],
        ["▲", "Dunmere Police", "358,564", "15.20", "below the 99.8% limit"],
    ]
    funnel = "Funnel plot of ASB for 2 forces. Derbyshire (the diamond): 25.38 per 1,000 with 1,154,746 residents. "
    assert chart_problems(funnel + "Above the 99.8% limit: 0 forces; below it: 1 force.", forces) == []
    assert len(chart_problems(funnel + "Above the 99.8% limit: 0 forces; below it: 0 forces.", forces)) == 1
    assert chart_problems("Bar chart of x: nan", []) == ["no data table after the chart: Bar chart of x: nan"]
