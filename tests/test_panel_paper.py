"""The Panel's paper, built with the evidence pack from one build: at most 15 A4 pages with fonts
embedded and tags, its hash in the manifest, the same bytes when written again; the tiles and one line
per priority on the first screen; at most ten questions, each to the Commissioner; every figure also in
the pack; no Python repr text in either document; axe-core clean; nothing wider than a phone."""

import hashlib
import html
import json
import re
import shutil

import pandas as pd
import pytest
from pages import DESKTOP, PHONE, axe_violations, browser_session, open_page, serious

from pack.paper.questions import IN_PAPER, rounding_alone
from pack.paper.render import PAPER_HTML, PAPER_PDF, PaperContext, write_paper
from pack.plan import load_plan

pytestmark = pytest.mark.slow
A4 = (595.28, 841.89)  # points
REPR = ("dtype:", "Name:", "NaN", "Traceback", "<NA>")


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table(pack, name):
    frame = pd.read_csv(pack / "tables" / f"00_strategic_summary-{name}.csv", keep_default_na=False, dtype=str)
    return frame.apply(lambda column: column.str.removeprefix("'"))  # the CSV's guard against formulas


def test_both_documents_and_the_pdf_in_the_manifest(demo_pack):
    assert (demo_pack / "evidence-pack.html").is_file() and (demo_pack / PAPER_HTML).is_file()
    outputs = json.loads((demo_pack / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert outputs[PAPER_PDF] == sha256(demo_pack / PAPER_PDF)
    assert outputs[PAPER_HTML] == sha256(demo_pack / PAPER_HTML)


def test_the_pdf_is_a4_at_most_15_pages_fonts_embedded_and_tagged(demo_pack):
    from pypdf import PdfReader

    reader = PdfReader(demo_pack / PAPER_PDF)
    assert 1 <= len(reader.pages) <= 15
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata["/CreationDate"] == "D:20240101"  # the data's last month, never the clock


def test_the_paper_is_written_again_byte_for_byte(demo_pack, tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(demo_pack / "tables", copy / "tables")
    context = PaperContext(
        plan_name="Derbyshire Police and Crime Plan 2021-25",
        force="Derbyshire Constabulary",
        period="12 months ending January 2024",
        baseline="12 months ending May 2021",
        date_label="Data to",
        date_text="January 2024",
        publisher="Office of the Police and Crime Commissioner for Derbyshire",
        contact="https://www.derbyshire-pcc.gov.uk",
        demo=True,
        demo_notice="Demonstration data - not official statistics",
        public=False,
        priorities=load_plan().priorities,
    )
    write_paper(copy, context)
    first = (copy / PAPER_PDF).read_bytes()
    write_paper(copy, context)
    assert (copy / PAPER_PDF).read_bytes() == first == (demo_pack / PAPER_PDF).read_bytes()
    assert (copy / PAPER_HTML).read_bytes() == (demo_pack / PAPER_HTML).read_bytes()


def test_questions_in_the_paper_name_the_commissioner_and_the_hard_results(demo_pack):
    questions = table(demo_pack, "questions")
    paper = questions[questions["in_paper"].astype(str) == "True"]
    assert 1 <= len(paper) <= IN_PAPER
    assert all("the Commissioner" in text for text in questions["question"])
    assert {"counterfactual", "disparity"} <= set(paper["kind"])
    page = html.unescape((demo_pack / PAPER_HTML).read_text(encoding="utf-8"))
    assert all(text in page for text in paper["question"])
    claims = pd.read_csv(demo_pack / "tables" / "07_claims_check-verdicts.csv")
    alone = claims[
        [
            rounding_alone(s, p, c)
            for s, p, c in zip(claims["stated"], claims["published_as"], claims["computed"], strict=True)
        ]
    ]
    assert not any(q.lstrip("'") in text for q in alone["quote"] for text in questions["question"])


def test_every_figure_of_the_paper_is_in_the_pack(demo_pack):
    pack = html.unescape((demo_pack / "evidence-pack.html").read_text(encoding="utf-8"))
    for name, column in (("first-screen", "value"), ("questions", "question"), ("priority-lines", "summary")):
        missing = [v for v in table(demo_pack, name)[column] if v not in pack]
        assert missing == [], name


def test_the_statutory_statement_gives_no_proxy_a_verdict_and_is_in_contents(demo_pack):
    statement = table(demo_pack, "statutory-7a")
    proxy = statement[statement["figure"].str.contains("Possession of weapons")]
    assert len(proxy) == 1 and proxy["verdict"].iloc[0].startswith("no verdict")
    pack = (demo_pack / "evidence-pack.html").read_text(encoding="utf-8")
    contents = re.search(r'<nav id="contents".*?</nav>', pack, re.S).group(0)
    anchor = re.search(r'href="#([^"]+)">Statutory statement', contents).group(1)
    assert f'id="{anchor}"' in pack
    assert 'href="#statutory">Statutory statement' in (demo_pack / PAPER_HTML).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chromium(demo_pack):
    yield from browser_session(axe=True)


@pytest.mark.browser
def test_tiles_and_one_line_per_priority_within_the_first_800_px(chromium, demo_pack):
    page = open_page(chromium, demo_pack / PAPER_HTML, {"width": 1280, "height": 800})
    bottoms = page.evaluate(
        "() => [...document.querySelectorAll('.tile')].map(t => [t.getBoundingClientRect().bottom,"
        " t.querySelector('.line').innerText])"
    )
    assert len(bottoms) == 6
    assert all(bottom <= 800 and "tested" in line for bottom, line in bottoms), bottoms


@pytest.mark.browser
@pytest.mark.parametrize("name", ["evidence-pack.html", PAPER_HTML])
def test_no_python_repr_text_in_either_document(chromium, demo_pack, name):
    page = open_page(chromium, demo_pack / name, DESKTOP)
    text = page.evaluate("() => document.body.innerText")
    assert [word for word in REPR if word in text] == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_the_paper_is_axe_clean_and_never_wider_than_the_screen(chromium, demo_pack, viewport):
    page = open_page(chromium, demo_pack / PAPER_HTML, viewport)
    assert serious(axe_violations(page)) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
