"""Render: executed notebooks -> per-notebook HTML and one self-contained evidence pack.

No request leaves the page: nbconvert's CDN scripts (require.js, MathJax, mermaid) are dropped
by the pack's own templates, styles are inline, figures are embedded. Code is hidden for readers
and shown per section by a button; the print stylesheet hides the controls.

Cells tagged ``notebook-only`` (how to run a notebook, its own data-quality listing) are removed
from the combined pack by nbconvert's ``TagRemovePreprocessor`` and kept on the per-notebook pages,
which link back to their section of the pack. Every table sits in a box that scrolls on its own on a
narrow screen. The pack prints on A4 with page numbers and, for demonstration data, the mark on
every page (``@page`` margin boxes).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import threading
from dataclasses import asdict
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from pygments.formatters import HtmlFormatter

from pack.config import CLAIMS_STEM, DEMO_DATA_NOTICE, NOTEBOOK_ONLY_TAG, SUMMARY_STEM, TEMPLATE_DIR
from pack.data import Prepared
from pack.display import html_table
from pack.paper.judgement import JUDGEMENT_FILE
from pack.paper.render import PaperContext, write_paper
from pack.paper.statutory import PEEL_FILE
from pack.params import BuildParameters
from pack.periods import Month, Window
from pack.pipeline.cache import SECTIONS
from pack.pipeline.provenance import build_date, git_commit, package_versions
from pack.pipeline.reader_sections import ReaderOutputs, statutory_anchor
from pack.pipeline.results import BuildResult
from pack.plan import DEFAULT_PLAN_FILE, Plan, load_plan
from pack.quality import checks_table, input_quality_table, rejection_reasons_table, rejections_table


def css_string(text: str) -> Markup:
    r"""Text as the inside of a CSS string in a ``<style>`` element (``content: "..."``): backslashes,
    quotes and line ends escaped, and ``<``/``>`` as CSS escapes, so no text can close the element.

    >>> print(css_string('a "b" \\ </style> c'))
    a \"b\" \\ \3c /style\3e  c
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return Markup(escaped.replace("<", "\\3c ").replace(">", "\\3e "))


_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR / "pack"),
    autoescape=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
_PAGES.filters["css_string"] = css_string


class _PackExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last step, which parses the whole page again with
    BeautifulSoup to give images without alt text a placeholder and make cells focusable by
    keyboard. The same edits are made on the text (:func:`_focusable_and_described`), at a
    fraction of the cost (the pages carry their figures inline)."""

    def from_notebook_node(self, nb, resources=None, **kw):  # noqa: ANN001, ANN201 (nbconvert's signature)
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        self.register_filter(
            "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        )
        resources = self._init_resources(resources)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _focusable_and_described(page), resources


_OUTPUT_DIV = re.compile(r'<div class="([^"]*\bjp-OutputArea-output\b[^"]*)"')
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
_EMPTY_ANCHOR = re.compile(r'(<a class="anchor-link" href="[^"]*") />')


def _focusable_and_described(page: str) -> str:
    """On a notebook page, cells focusable by keyboard (``tabindex="0"`` on input wrappers and outputs); a
    placeholder alt text on any image without one (the pack's own figures all have one), and the
    headings' empty anchor links, which nbconvert writes XML-style as ``<a ... />`` (HTML reads
    that as a link left open, swallowing what follows), closed.

    >>> cell = '<main class="jp-Notebook"><div class="jp-Cell-inputWrapper"><img src="x.png">'
    >>> print(_focusable_and_described(cell))
    <main class="jp-Notebook"><div class="jp-Cell-inputWrapper" tabindex="0"><img alt="No description ..." src="x.png">
    >>> _focusable_and_described('<h2 id="a">A<a class="anchor-link" href="#a" /></h2>')
    '<h2 id="a">A<a class="anchor-link" href="#a"></a></h2>'
    """
    if 'class="jp-Notebook' in page:  # a whole notebook page (nbconvert does this only within one)
        page = page.replace('<div class="jp-Cell-inputWrapper">', '<div class="jp-Cell-inputWrapper" tabindex="0">')
        page = _OUTPUT_DIV.sub(r'<div class="\1" tabindex="0"', page)
    page = _EMPTY_ANCHOR.sub(r"\1></a>", page)
    return _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', page)


def _exporter(template: str, exclude_input: bool = False) -> HTMLExporter:
    exporter = _PackExporter(template_name=template, extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_input = exclude_input
    exporter.anchor_link_text = ""
    if template == "section":  # the combined pack leaves out what concerns running a notebook
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={NOTEBOOK_ONLY_TAG}), enabled=True)
        exporter.register_preprocessor(ReaderOutputs(), enabled=True)
    return exporter


_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)


def scroll_tables(markup: str) -> str:
    """Every table in a box of its own (``div.table-scroll``) that scrolls sideways when the table is
    wider than the screen, so the page itself never does (tables are never nested in the pack).

    >>> scroll_tables('<p>x</p><table class="t"><tr><td>1</td></tr></table>')
    '<p>x</p><div class="table-scroll"><table class="t"><tr><td>1</td></tr></table></div>'
    """
    return _TABLE.sub(lambda m: f'<div class="table-scroll">{m.group(0)}</div>', markup)


_REFERENCES = ("aria-labelledby", "aria-describedby", "aria-controls", "for")


def _shift_headings(markup: str, prefix: str) -> str:
    """h1->h2 ... (one h1 per pack) and prefix ids, and the links and ARIA references to them, so
    sections never share an anchor. Links to another section (``#sec-...``) are left as they are.

    >>> _shift_headings('<h2 id="t">T</h2><p aria-labelledby="t"><a href="#t">x</a><a href="#sec-1">y</a></p>', "s")
    '<h3 id="s-t">T</h3><p aria-labelledby="s-t"><a href="#s-t">x</a><a href="#sec-1">y</a></p>'
    """

    def shift(match: re.Match) -> str:
        level = min(6, int(match.group(2)) + 1)
        return f"<{match.group(1)}h{level}"

    markup = re.sub(r"<(/?)h([1-6])", shift, markup)
    markup = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{prefix}-{m.group(1)}"', markup)
    for name in _REFERENCES:
        markup = re.sub(
            rf'\s{name}="([^"]+)"',
            lambda m, name=name: f' {name}="{" ".join(f"{prefix}-{i}" for i in m.group(1).split())}"',
            markup,
        )
    return re.sub(r'href="#(?!sec-)([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', markup)


def _standalone_links(page: str) -> str:
    """On a notebook's own page, a link to another section of the pack opens that notebook's page.

    >>> _standalone_links('<a href="#sec-01_strong_local_policing">1</a>')
    '<a href="01_strong_local_policing.html">1</a>'
    """
    return re.sub(r'href="#sec-([A-Za-z0-9_]+)"', r'href="\1.html"', page)


def _title_of(nb: nbformat.NotebookNode, stem: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


_EXPORTERS = threading.local()


def _thread_exporter(template: str) -> HTMLExporter:
    """One exporter per template and thread: templates compile once, threads never share one."""
    exporters = _EXPORTERS.__dict__.setdefault("by_template", {})
    if template not in exporters:
        exporters[template] = _exporter(template)
    return exporters[template]


def render_notebook_html(path: Path) -> str:
    """Standalone HTML of one executed notebook (code shown, every cell kept), written beside it."""
    nb = nbformat.read(path, as_version=4)
    resources = {
        "metadata": {"name": path.stem},
        "pack_components_css": _asset("components.css"),
        "pack_script": _asset("pack.js"),
    }
    body, _ = _thread_exporter("standalone").from_notebook_node(nb, resources=resources)
    body = scroll_tables(_standalone_links(body)).replace('<html lang="en">', '<html lang="en-GB">', 1)
    path.with_suffix(".html").write_text(body, encoding="utf-8")
    return body


def render_notebook(stem: str, folder: Path) -> None:
    """Render one executed notebook as soon as it has run: its standalone page
    (``notebooks/<stem>.html``) and its section of the pack (``_sections/<stem>.json``)."""
    render_notebook_html(folder / "notebooks" / f"{stem}.ipynb")
    title, section = _section(stem, folder, _thread_exporter("section"))
    target = folder / SECTIONS / f"{stem}.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps({"title": title, "html": section}, sort_keys=True), encoding="utf-8")


def _section(stem: str, folder: Path, exporter: HTMLExporter) -> tuple[str, str]:
    path = folder / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    title = _title_of(nb, stem)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": stem}})
    anchor = f"sec-{stem}"  # an id must not start with a digit to be a CSS selector
    body = scroll_tables(_shift_headings(body, anchor))
    section = _PAGES.get_template("section.html.j2").render(anchor=anchor, stem=stem, title=title, body=Markup(body))
    return title, section


def _asset(name: str) -> Markup:
    """A stylesheet or script of the pack's templates, inlined as it is (the page fetches nothing)."""
    return Markup((TEMPLATE_DIR / "pack" / name).read_text(encoding="utf-8"))


def _quality_appendix(prepared: Prepared) -> dict:
    q = prepared.quality
    tables = [html_table(input_quality_table(q), "Inputs: files, rows and months")]
    checks = checks_table(q)
    if len(checks):
        tables.append(html_table(checks, "Cross-checks"))
    reasons = rejection_reasons_table(q)
    if len(reasons):
        tables.append(html_table(reasons, "Rejected rows by reason"))
        tables.append(html_table(rejections_table(q, 50), "First rejected rows (file, row, column, value, reason)"))
    return {
        "tables": [Markup(scroll_tables(t)) for t in tables],
        "notes": q.notes()[:60],
        "unrecognised": [n for n in q.unrecognised if Path(n).name not in (JUDGEMENT_FILE, PEEL_FILE)],
    }


def _provenance(params: BuildParameters, prepared: Prepared) -> dict:
    files = pd.DataFrame([asdict(f) for f in prepared.quality.files], columns=["path", "input", "size", "sha256"])
    files["input"] = files["input"].fillna("(not recognised)")
    versions = pd.DataFrame(sorted(package_versions().items()), columns=["package", "version"])
    parameters = pd.DataFrame(sorted(params.as_dict().items()), columns=["parameter", "value"]).astype(str)
    return {
        "commit": git_commit(),
        "built": build_date(),
        "parameters": Markup(scroll_tables(html_table(parameters, "Parameters of this build"))),
        "files": Markup(
            scroll_tables(
                html_table(
                    files,
                    f"Input files ({len(files)}), paths relative to the data folder",
                    css_class="pack-table provenance-files",
                )
            )
        ),
        "file_count": len(files),
        "versions": Markup(scroll_tables(html_table(versions, "Package versions"))),
    }


def pack_date(params: BuildParameters, prepared: Prepared) -> dict[str, str]:
    """The date on the cover: the build date when ``SOURCE_DATE_EPOCH`` gives one, otherwise the
    last month of data the pack uses (the latest month any input covers, up to the period's end):
    never the clock, so the same inputs give the same page."""
    built = build_date()
    if built:
        return {"label": "Published", "text": built}
    end = Month.parse(params.period_end)
    last = [Month.parse(i.last_month) for i in prepared.quality.inputs.values() if i.last_month]
    month = min(max(last), end) if last else end
    return {"label": "Data to", "text": month.name}


def rerun_command(params: BuildParameters) -> str:
    """The command that builds this pack again (``python run_pack.py build ...``).

    >>> rerun_command(BuildParameters.create(period_end="2024-01", data_dir="data/demo"))
    'python run_pack.py build --period 2024-01 --window 12 --baseline 2021-05 --data data/demo'
    """
    words = ["python", "run_pack.py", "build", "--period", params.period_end, "--window", str(params.window)]
    words += ["--baseline", params.baseline_end, "--data", params.data_dir]
    plan = load_plan(params.plan_file)
    if plan.file != DEFAULT_PLAN_FILE:
        words += ["--plan", params.plan_file]
    if params.police_force != plan.force:
        words += ["--police-force", params.police_force]
    if params.public:
        words += ["--public", "--suppress-below", str(params.suppress_below)]
    return " ".join(shlex.quote(w) for w in words)


def render_pack(
    folder: Path, params: BuildParameters, prepared: Prepared, baseline: Window, current: Window, plan: Plan
) -> Path:
    """Write per-notebook HTML and ``evidence-pack.html`` into ``folder``: the plan's name, publisher
    and contact on the cover and in the print footer."""
    order = [SUMMARY_STEM, *plan.stems, CLAIMS_STEM]
    for stem in order:
        if not (folder / SECTIONS / f"{stem}.json").is_file():
            render_notebook(stem, folder)
    parts = [json.loads((folder / SECTIONS / f"{stem}.json").read_text(encoding="utf-8")) for stem in order]
    shutil.rmtree(folder / SECTIONS)
    sections = [
        {"anchor": f"sec-{stem}", "title": part["title"], "html": Markup(part["html"])}
        for stem, part in zip(order, parts, strict=True)
    ]
    demo = prepared.quality.demonstration
    page = _PAGES.get_template("page.html.j2").render(
        statutory=statutory_anchor(sections[0]["html"]),
        plan_name=plan.name,
        params=params,
        baseline=baseline,
        current=current,
        demo=demo,
        demo_notice=DEMO_DATA_NOTICE,
        data_name="bundled demonstration data" if demo else f"data folder {Path(params.data_dir).name}",
        publisher=plan.publisher,
        contact=plan.contact,
        contact_text=re.sub(r"^(https?://|mailto:)", "", plan.contact).rstrip("/"),
        date=pack_date(params, prepared),
        print_footer=f"{plan.name}: evidence pack, {current.label}",
        sections=sections,
        quality=_quality_appendix(prepared),
        provenance=_provenance(params, prepared),
        rerun=rerun_command(params),
        css=_asset("pack.css"),
        components_css=_asset("components.css"),
        script=_asset("pack.js"),
        pygments_css=Markup(HtmlFormatter(style="xcode").get_style_defs(".highlight")),
    )
    path = folder / "evidence-pack.html"
    path.write_text(page, encoding="utf-8")
    date, demo = pack_date(params, prepared), prepared.quality.demonstration
    context = PaperContext.for_build(
        plan, params.police_force, current.label, baseline.label, date, demo, params.public
    )
    write_paper(folder, context)
    return path


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain_traceback(lines: tuple[str, ...]) -> str:
    r"""A kernel's traceback (nbclient's ``traceback`` field) without its terminal colours.

    >>> plain_traceback(("\x1b[0;31mValueError\x1b[0m: bad", "  line 2"))
    'ValueError: bad\n  line 2'
    """
    return _ANSI.sub("", "\n".join(lines))


def render_failure_page(folder: Path, result: BuildResult) -> Path:
    """``FAILED.html`` and ``errors.txt``: which notebooks failed, why (with the kernel's
    traceback where it gave one), and links to their executed copies."""
    failures = []
    for n in result.failures:
        linked = (folder / "notebooks" / f"{n.stem}.ipynb").is_file()
        if linked:
            try:
                render_notebook_html(folder / "notebooks" / f"{n.stem}.ipynb")
            except Exception:  # noqa: BLE001 - the failure page must be written whatever happened
                linked = False
        traceback = plain_traceback(n.failure.traceback)
        failures.append({"stem": n.stem, "error": n.error, "linked": linked, "traceback": traceback})
    page = _PAGES.get_template("failed.html.j2").render(css=_asset("pack.css"), failures=failures)
    path = folder / "FAILED.html"
    path.write_text(page, encoding="utf-8")
    text = "".join(
        f"{f['stem']}: {f['error']}\n" + "".join(f"    {line}\n" for line in f["traceback"].splitlines())
        for f in failures
    )
    (folder / "errors.txt").write_text(text, encoding="utf-8")
    return path
