"""The evidence pack in a real headless Chromium (Debian's), driven by Playwright."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from folders import folder_state
from pages import browser_session

from pack.config import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser(demo_pack):
    """Chromium, once the pack is built."""
    yield from browser_session()


@pytest.fixture(scope="module")
def page(browser, demo_pack):
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = (demo_pack / "evidence-pack.html").resolve().as_uri()
    page.goto(url)
    page.wait_for_load_state("load")
    page.requests, page.errors, page.url_ = requests, errors, url
    yield page
    page.close()


def test_no_requests_and_no_console_errors(page):
    assert page.requests == [page.url_]
    assert page.errors == []


def test_one_h1_and_every_image_has_alt_text(page):
    assert page.locator("h1").count() == 1
    images = page.locator("img")
    assert images.count() >= 15
    for i in range(images.count()):
        assert (images.nth(i).get_attribute("alt") or "").strip()


def test_contents_links_land_on_sections(page):
    links = page.locator("nav#contents a")
    assert links.count() >= 11
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert page.locator(target).count() == 1, target
        links.nth(i).click()
        assert page.evaluate("location.hash") == target


def test_code_hidden_until_asked(page, tmp_path):
    section = page.locator("section#sec-02_neighbourhood_crime_asb")
    code = section.locator(".jp-CodeCell .jp-Cell-inputWrapper").first
    assert not code.is_visible()
    assert "group_indicator" not in section.inner_text()
    section.locator("button.toggle-code").click()
    assert code.is_visible()
    assert "group_indicator" in section.inner_text()
    section.locator("button.toggle-code").click()
    page.goto(page.url_)
    page.screenshot(path=str(tmp_path / "screenshot.png"), full_page=False)  # never into the shared pack
    assert page.locator("section#sec-00_strategic_summary table").first.is_visible()


def test_tables_have_captions_and_header_cells(page):
    tables = page.locator("table.pack-table")
    assert tables.count() > 20
    for i in range(min(tables.count(), 40)):
        assert tables.nth(i).locator("caption").count() == 1
        assert tables.nth(i).locator("th").count() >= 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.long  # starts JupyterLab
def test_a_pack_opened_in_jupyterlab_is_left_as_it_was(browser, demo_pack, tmp_path):
    """``run_pack.py lab`` (what ``make lab`` runs): the executed notebook opens unmodified (same
    kernel name as when it ran: no unsaved-changes mark), and once closed the pack is byte for
    byte as built, so ``verify``'s check of the pack's own files passes."""
    from pack.pipeline.manifest import output_hashes, read_manifest

    before = folder_state(demo_pack)
    port, token = free_port(), "test-token"
    server = subprocess.Popen(
        [
            sys.executable,
            "run_pack.py",
            "lab",
            str(demo_pack),
            "--root",
            str(tmp_path),
            "--",
            "--no-browser",
            f"--port={port}",
            f"--ServerApp.token={token}",
            "--allow-root",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        copy = tmp_path / "build" / "lab" / demo_pack.name / "02_neighbourhood_crime_asb.ipynb"
        assert copy.is_file() and not os.stat(copy).st_mode & 0o222  # a read-only copy
        page = browser.new_page()
        relative = copy.relative_to(tmp_path).as_posix()
        page.goto(f"http://127.0.0.1:{port}/lab/tree/{relative}?token={token}")
        page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
        page.wait_for_function(
            "document.querySelector('.jp-Toolbar-kernelName')?.innerText.includes('evidence pack')",
            timeout=60_000,
        )
        time.sleep(3)  # the kernel has connected and reported its name
        tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="02_neighbourhood_crime_asb")
        assert tab.count() == 1
        assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")  # not marked modified
        tab.locator(".lm-TabBar-tabCloseIcon").click()
        page.wait_for_timeout(1000)
        assert page.locator(".jp-Dialog").count() == 0  # closed without "save your changes?"
        page.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert folder_state(demo_pack) == before
    assert output_hashes(demo_pack) == read_manifest(demo_pack)["outputs"]


# --- the pack's furniture, phone layout and per-notebook pages (issue 25) ----------------------------


def test_the_cover_names_the_publisher_a_contact_and_a_date(page):
    from pack.plan import load_plan

    PUBLISHER, CONTACT = load_plan().publisher, load_plan().contact

    cover = page.locator("header.cover").inner_text()
    assert f"Published by {PUBLISHER}" in cover
    assert page.locator(f'header.cover a[href="{CONTACT}"]').count() == 1
    assert "Data to: January 2024" in cover or re.search(r"Published: \d{1,2} \w+ \d{4}", cover)


def test_the_input_file_hashes_are_collapsed_and_wrapped(page):
    files = page.locator("details.provenance-files")
    assert files.count() == 1 and files.get_attribute("open") is None
    assert not files.locator("table").is_visible()
    files.locator("summary").click()
    box = files.locator(".table-scroll")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")  # wrapped: no sideways scroll at 1280 px
    assert re.fullmatch(r"[0-9a-f]{64}", files.locator("tbody tr td").nth(3).inner_text().replace("\n", ""))
    files.locator("summary").click()


def test_a_cross_check_is_shown_where_its_input_is_used(page):
    check = "Revenue budget lines against net expenditure"
    sections = page.locator("section.pack-section")
    where = [
        sections.nth(i).get_attribute("id") for i in range(sections.count()) if check in sections.nth(i).inner_text()
    ]
    assert where == ["sec-06_driving_efficiencies", "data-quality"]


def test_each_notebooks_page_links_back_to_its_section(browser, demo_pack):
    pages = sorted((demo_pack / "notebooks").glob("*.html"))
    assert len(pages) == 8
    pack = (demo_pack / "evidence-pack.html").read_text(encoding="utf-8")
    for path in pages:
        own = browser.new_page()
        own.goto(path.resolve().as_uri())
        back = own.locator(".pack-backlink a", has_text="Back to this section")
        assert back.get_attribute("href") == f"../evidence-pack.html#sec-{path.stem}"
        assert f'id="sec-{path.stem}"' in pack
        assert own.locator(f'a[href="{path.stem}.ipynb"][download]').count() == 1
        if path.stem == "02_neighbourhood_crime_asb":
            back.click()
            own.wait_for_load_state("load")
            assert own.url.endswith(f"evidence-pack.html#sec-{path.stem}")
        own.close()
    links = re.findall(r'<a href="notebooks/([^"]+\.ipynb)"([^>]*)>', pack)
    assert len(links) == 8 and all("download=" in attributes for _, attributes in links)


OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let p = el.parentElement; p && !inside; p = p.parentElement) {
      inside = ['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX);
    }
    if (!inside) out.push(el.tagName.toLowerCase() + '.' + el.className + ': ' + (el.textContent || '').slice(0, 50));
  }
  return out;
}"""


SCROLLING_BOXES = """() => [...document.querySelectorAll('.table-scroll')]
  .filter(b => b.scrollWidth > b.clientWidth + 1)
  .map(b => ({
    tabindex: b.getAttribute('tabindex'), role: b.getAttribute('role'), label: b.getAttribute('aria-label'),
  }))"""


@pytest.mark.parametrize(
    "name",
    [
        "evidence-pack.html",
        "notebooks/00_strategic_summary.html",
        "notebooks/02_neighbourhood_crime_asb.html",
        "notebooks/06_driving_efficiencies.html",
    ],
)
def test_at_390_px_only_tables_and_charts_scroll_and_in_their_own_box(browser, demo_pack, name):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto((demo_pack / name).resolve().as_uri())
    phone.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    phone.evaluate("window.dispatchEvent(new Event('resize'))")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(OVERFLOWING) == []
    # a box that scrolls can be reached and scrolled by keyboard, and is named by its caption (read in
    # one call: a round trip a box took 10 s on the pack's 118 boxes)
    scrolling = phone.evaluate(SCROLLING_BOXES)
    assert scrolling, "no wide table: the check would test nothing"
    for box in scrolling:
        assert box["tabindex"] == "0" and box["role"] == "region", box
        assert box["label"], box
    phone.close()


def test_the_demonstration_banner_stays_in_view(browser, demo_pack):
    view = browser.new_page(viewport={"width": 1280, "height": 900})
    view.goto((demo_pack / "evidence-pack.html").resolve().as_uri() + "#sec-04_rural_crime")
    banner = view.locator(".banner-demo")
    assert banner.is_visible() and banner.bounding_box()["y"] == 0
    title = view.locator("#sec-04_rural_crime h2").first.bounding_box()
    assert title["y"] >= banner.bounding_box()["height"]  # the section lands below it, not under it
    view.close()
