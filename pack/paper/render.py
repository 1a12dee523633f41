"""The Panel's paper: ``panel-paper.html`` and ``panel-paper.pdf``, from the tables the strategic
summary wrote (so every figure in it is also in the evidence pack).

The first screen holds the tiles: per priority the office's grade (or *not supplied*), one line of
verdict counts (tested apart from direction only) and the headline measures. Then the office's
judgement, the questions for the Commissioner (the first ten), how the force compares, the statutory
statement (SIO 7A to 7C), a short note on data and method, and links by section into the evidence pack.

The PDF is written by WeasyPrint (maintained, CSS paged media with ``@page`` margin boxes, fonts
embedded as subsets, tagged PDF): A4, its metadata dates fixed to the paper's own date (from the data
or ``SOURCE_DATE_EPOCH``), so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from pack.config import DEMO_DATA_NOTICE, SUMMARY_STEM
from pack.plan import Plan, PlanPriority, number_in_words
from pack.verdicts import MARKERS

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAPER_HTML = "panel-paper.html"
PAPER_PDF = "panel-paper.pdf"

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class PaperContext:
    """What the paper says about the build and its plan (the rest comes from the summary's tables)."""

    plan_name: str
    force: str
    period: str  # "12 months ending January 2024"
    baseline: str
    date_label: str  # "Data to" or "Published"
    date_text: str  # "January 2024" or "7 December 2026"
    publisher: str
    contact: str
    demo: bool
    demo_notice: str
    public: bool
    priorities: tuple[PlanPriority, ...] = ()  # the plan's, in order: a tile and a link each

    @property
    def priorities_in_words(self) -> str:
        """How many priorities the plan has, in words (``six``)."""
        return number_in_words(len(self.priorities))

    @classmethod
    def for_build(
        cls, plan: Plan, force: str, period: str, baseline: str, date: dict[str, str], demo: bool, public: bool
    ) -> PaperContext:
        """The context of one build: its force, windows' labels, cover date and flags, with the plan's
        name, publisher, contact and priorities."""
        return cls(
            plan_name=plan.name,
            force=force,
            period=period,
            baseline=baseline,
            date_label=date["label"],
            date_text=date["text"],
            publisher=plan.publisher,
            contact=plan.contact,
            demo=demo,
            demo_notice=DEMO_DATA_NOTICE,
            public=public,
            priorities=plan.priorities,
        )


def css_string(text: str) -> Markup:
    r"""Text as the inside of a CSS string (``content: "..."``), with nothing that can close the element.

    >>> print(css_string('a "b" </style> c'))
    a \"b\" \3c /style\3e  c
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return Markup(escaped.replace("<", "\\3c ").replace(">", "\\3e "))


def _table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / "tables" / f"{SUMMARY_STEM}-{name}.csv"
    if not path.is_file():
        return pd.DataFrame()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.apply(lambda column: column.str.removeprefix("'"))  # safe_csv's formula guard, for display


def one_format(values: list[str]) -> list[str]:
    """A column's numbers written with one format: as many decimals as the most precise of them, thousands
    separated; a column with any text (or empty) is left as it is.

    >>> one_format(["-5", "-23.3", "2"]), one_format(["1,200", "x"])
    (['-5.0', '-23.3', '2.0'], ['1,200', 'x'])
    """
    try:
        numbers = [float(v.replace(",", "")) for v in values]
    except ValueError:
        return values
    if not values:
        return values
    decimals = max(len(v.partition(".")[2]) for v in values)
    return [f"{n:,.{decimals}f}" for n in numbers]


def _cells(frame: pd.DataFrame) -> list[dict[str, str]]:
    return frame.to_dict("records") if len(frame) else []


def _tiles(folder: Path, priorities: tuple[PlanPriority, ...]) -> list[dict]:
    measures, lines, judgement = (_table(folder, n) for n in ("first-screen", "priority-lines", "judgement"))
    tiles = []
    for p in priorities:
        rows = measures[measures["priority"] == p.title] if len(measures) else measures
        line = lines.loc[lines["stem"] == p.stem, "summary"] if len(lines) else pd.Series(dtype=str)
        grade = judgement.loc[judgement["stem"] == p.stem, "grade"] if len(judgement) else pd.Series(dtype=str)
        tiles.append(
            {
                "number": p.number,
                "title": p.title,
                "anchor": f"sec-{p.stem}",
                "summary": line.iloc[0] if len(line) else "",
                "grade": grade.iloc[0] if len(grade) else "not supplied",
                "measures": [
                    {**m, "marker": MARKERS.get(m["status"], ""), "tested_text": _tested(m)} for m in _cells(rows)
                ],
            }
        )
    return tiles


def _tested(measure: dict) -> str:
    if measure["status"] in ("improved", "worse", "no significant change"):
        return "tested"
    if measure["status"] in ("up", "down", "unchanged"):
        return "not tested"
    return ""


def date_in_words(text: str) -> str:
    """``2023-03-14`` as ``14 March 2023``; anything else as it is.

    >>> date_in_words("2023-03-14"), date_in_words("")
    ('14 March 2023', '')
    """
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


def render_paper_html(folder: Path, context: PaperContext) -> str:
    """The paper's HTML for the pack in ``folder`` (whose ``tables/`` the summary wrote)."""
    questions = _table(folder, "questions")
    paper_questions = questions[questions["in_paper"] == "True"] if len(questions) else questions
    peel = _table(folder, "peel-7b")
    return _ENV.get_template("paper.html.j2").render(
        c=context,
        tiles=_tiles(folder, context.priorities),
        judgement=_cells(_table(folder, "judgement")),
        questions=_cells(paper_questions),
        more_questions=len(questions) - len(paper_questions),
        comparators=_cells(_table(folder, "comparators").apply(lambda c: one_format(list(c)))),
        comparators_about=_cells(_table(folder, "comparators-about")),
        statement=_cells(_table(folder, "statutory-7a")),
        peel=_cells(peel),
        peel_date=date_in_words(peel["published"].iloc[0]) if len(peel) else "",
        complaints=_cells(_table(folder, "complaints-7c")),
        sections=[{"anchor": f"sec-{p.stem}", "title": f"Priority {p.number}: {p.title}"} for p in context.priorities],
        css=Markup((TEMPLATES / "paper.css").read_text(encoding="utf-8")),
        footer=css_string(f"{context.plan_name}: Panel paper, {context.period}"),
        demo_css=css_string(context.demo_notice),
    )


def _pdf_date(context: PaperContext) -> str:
    """The PDF's creation and modification date: the paper's date, as an ISO date (never the clock)."""
    text = context.date_text
    for fmt in ("%d %B %Y", "%B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return "2000-01-01"


def write_paper(folder: Path, context: PaperContext) -> tuple[Path, Path]:
    """Write ``panel-paper.html`` and ``panel-paper.pdf`` into ``folder``; returns both paths."""
    from weasyprint import HTML  # imported here: only the build writes PDFs

    page = render_paper_html(folder, context)
    html_path = folder / PAPER_HTML
    html_path.write_text(page, encoding="utf-8")
    stamp = _pdf_date(context)
    # WeasyPrint reads the dates from the page's dcterms meta elements; fixed, the bytes are the same.
    dated = page.replace(
        "<head>",
        f'<head><meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">',
        1,
    )
    pdf_path = folder / PAPER_PDF
    # no base URL: links into the pack stay relative, and no folder path enters the PDF
    HTML(string=dated).write_pdf(pdf_path, pdf_tags=True)
    return html_path, pdf_path
