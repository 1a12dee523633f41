"""The pack printed to PDF from Chromium (what "Save as PDF" gives): A4, a page number and, for
demonstration data, the mark on every page; each section on a new page; no chart cut across pages;
chart data tables printed; no controls; a page count in the expected range."""

import re
import unicodedata

import pytest
from pages import DESKTOP, browser_session, open_page

from pack.config import DEMO_DATA_NOTICE

pytestmark = [pytest.mark.slow, pytest.mark.browser]
A4 = (595.0, 842.0)  # points, to within one


@pytest.fixture(scope="module")
def chromium(demo_pack, real_pack):
    """Chromium, once the packs are built."""
    yield from browser_session(axe=False)


def printed(chromium, pack, tmp_path_factory) -> dict:
    """Print ``pack`` to PDF as Chromium's print dialogue does (print styles, the page's own @page
    size and margins, backgrounds) and read it back."""
    from pypdf import PdfReader

    page = open_page(chromium, pack / "evidence-pack.html", DESKTOP)
    path = tmp_path_factory.mktemp("pdf") / f"{pack.name}.pdf"
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    reader = PdfReader(path)
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
    return {
        "reader": reader,
        "texts": texts,
        "images": page.locator("img").count(),
        "titles": page.locator("section.pack-section h2").all_inner_texts(),
        "chart_tables": page.locator("caption", has_text="Data for the chart").count(),
    }


@pytest.fixture(scope="module")
def demo_pdf(chromium, demo_pack, tmp_path_factory):
    return printed(chromium, demo_pack, tmp_path_factory)


REAL_PDF = pytest.param("real_pdf", marks=pytest.mark.long)  # the real pack printed: in make test-long


@pytest.fixture(scope="module")
def real_pdf(chromium, real_pack, tmp_path_factory):
    return printed(chromium, real_pack, tmp_path_factory)


def test_every_page_is_a4_numbered_and_marked_as_demonstration_data(demo_pdf):
    pages, texts = demo_pdf["reader"].pages, demo_pdf["texts"]
    assert 45 <= len(pages) <= 125  # 106 on the default pack: wide tables wrap to fit A4 rather than being cut
    for number, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) < 1.5 and abs(height - A4[1]) < 1.5
        assert DEMO_DATA_NOTICE in text, f"page {number} has no demonstration mark"
        assert f"Page {number} of {len(pages)}" in text


@pytest.mark.long  # the real pack printed (make test prints the demo pack)
def test_a_real_data_pack_carries_no_demonstration_mark(real_pdf):
    texts = real_pdf["texts"]
    assert 25 <= len(texts) <= 110  # 95 on the March 2022 pack: its wide tables wrap to fit A4 rather than being cut
    assert not any(DEMO_DATA_NOTICE in t for t in texts)
    assert all(f"Page {n} of {len(texts)}" in t for n, t in enumerate(texts, start=1))


def content(text: str) -> str:
    """A page's text without what the page margins repeat (the mark, the number, the footer)."""
    text = text.replace(DEMO_DATA_NOTICE, "")
    text = re.sub(r"Page \d+ of \d+", "", text)
    return re.sub(r"^.*evidence pack, \d+ months ending \w+ \d{4}", "", text.strip(), count=1, flags=re.M).strip()


@pytest.mark.parametrize("which", ["demo_pdf", REAL_PDF])
def test_each_section_starts_a_page_after_the_cover_and_contents(which, request):
    pdf = request.getfixturevalue(which)
    starts = [content(t)[:200] for t in pdf["texts"]]
    assert "Contents" in pdf["texts"][0] and "Evidence pack:" in pdf["texts"][0]
    for title in pdf["titles"]:
        assert any(s.startswith(title[:40]) for s in starts), f"{title!r} does not start a page"
    assert pdf["titles"][0].startswith("Strategic summary") and starts[1].startswith("Strategic summary")


@pytest.mark.parametrize("which", ["demo_pdf", REAL_PDF])
def test_no_chart_is_cut_and_every_chart_table_is_printed(which, request):
    pdf = request.getfixturevalue(which)
    placed = sum(len(page.images) for page in pdf["reader"].pages)
    assert placed == pdf["images"] > 0  # a chart split over two pages would be placed on both
    text = "\n".join(pdf["texts"])
    assert text.count("Data for the chart") == pdf["chart_tables"] > 0  # collapsed on screen, printed
    assert "Show code" not in text and "Hide code" not in text
    assert "executed notebook (.ipynb" not in text
    assert not re.search(r"\b[0-9a-f]{64}\b", text)  # the input files' hashes: in the HTML, not on paper
    assert "input files are listed in" in text.replace("\n", " ")


def test_the_check_for_cut_charts_would_see_one(chromium, tmp_path):
    """The count above is a real check. Chromium moves an image that fits on a page to the next page
    whole; one taller than a page is cut, and placed on every page it spans."""
    from pypdf import PdfReader

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    html = tmp_path / "tall.html"
    html.write_text(
        '<!DOCTYPE html><html lang="en"><body><p>x</p>'
        f'<img alt="" style="display:block;width:100mm;height:400mm" src="data:image/png;base64,{png}">'
        "</body></html>",
        encoding="utf-8",
    )
    page = open_page(chromium, html)
    page.pdf(path=str(tmp_path / "tall.pdf"), format="A4")
    assert sum(len(p.images) for p in PdfReader(tmp_path / "tall.pdf").pages) == 2


A4_WIDTH_PX = 688  # 210 mm less the page's 14 mm margins each side, at 96 CSS px an inch


@pytest.mark.parametrize("which", ["demo_pack", "real_pack"])
def test_no_table_is_wider_than_an_a4_page(chromium, which, request):
    """Chromium cuts whatever is wider than the page at its right edge: every table must fit the A4
    text width in print (wide ones wrap their text and are set smaller), and a column's numbers keep
    one format."""
    pack = request.getfixturevalue(which)
    page = open_page(chromium, pack / "evidence-pack.html", {"width": A4_WIDTH_PX, "height": 900})
    page.emulate_media(media="print")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('table')]
             .filter(t => t.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1)
             .map(t => (t.querySelector('caption') || {}).innerText || t.className)"""
    )
    assert wide == []


def test_the_a4_check_would_see_a_table_too_wide(chromium, tmp_path):
    cells = "".join(f"<td>{'w' * 30}{i}</td>" for i in range(12))
    html = tmp_path / "wide.html"
    html.write_text(f'<!DOCTYPE html><html lang="en"><body><table><tr>{cells}</tr></table></body></html>', "utf-8")
    page = open_page(chromium, html, {"width": A4_WIDTH_PX, "height": 900})
    page.emulate_media(media="print")
    assert page.evaluate("() => document.querySelector('table').getBoundingClientRect().right") > A4_WIDTH_PX
