"""Render: executed notebooks -> per-notebook HTML and one self-contained evidence pack.

No request leaves the page: nbconvert's CDN scripts (require.js, MathJax, mermaid) are dropped
by the pack's own templates, styles are inline, figures are embedded. Code is hidden for readers
and shown per section by a button; the print stylesheet hides the controls.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import nbformat
import pandas as pd
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from pygments.formatters import HtmlFormatter

from pack.cache import SECTIONS
from pack.config import (
    CLAIMS_STEM,
    DEMO_DATA_NOTICE,
    PLAN_NAME,
    PRIORITIES,
    PROJECT_ROOT,
    SUMMARY_STEM,
    TEMPLATE_DIR,
)
from pack.display import html_table
from pack.params import BuildParameters
from pack.periods import Window
from pack.prepare import Prepared
from pack.quality import checks_table, input_quality_table, rejection_reasons_table, rejections_table

PACKAGES = (
    "pcc-evidence-pack",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "duckdb",
    "pandera",
    "scipy",
    "papermill",
    "nbconvert",
    "nbclient",
    "nbformat",
    "ipykernel",
)

CSS = """
:root { --text:#0b0c0c; --muted:#505a5f; --blue:#12436D; --teal:#28A197; --line:#b1b4b6; --bg:#ffffff; --panel:#f3f2f1; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: var(--text); background: var(--bg); margin: 0; line-height: 1.5; font-size: 16px; }
.skip-link { position: absolute; left: -999px; } .skip-link:focus { left: 8px; top: 8px; background: #ffdd00; padding: 4px; }
header.cover { background: var(--blue); color: #fff; padding: 2rem 2rem 1.5rem; }
header.cover h1 { margin: 0 0 .5rem; font-size: 2rem; }
header.cover p { margin: .25rem 0; }
.banner-demo { background: #ffdd00; color: #0b0c0c; padding: .75rem 2rem; font-weight: bold; border-bottom: 3px solid #0b0c0c; }
nav#contents, main { max-width: 72rem; margin: 0 auto; padding: 0 2rem; }
nav#contents ol { columns: 2; }
a { color: #1d70b8; } a:visited { color: #4c2c92; } a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
section.pack-section { border-top: 4px solid var(--blue); margin-top: 2.5rem; padding-top: .5rem; }
.section-tools { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; font-size: .9rem; margin: .5rem 0; }
button.toggle-code { background: var(--panel); border: 2px solid var(--text); color: var(--text); padding: .3rem .8rem; font-size: .9rem; cursor: pointer; }
button.toggle-code:focus { outline: 3px solid #ffdd00; }
.pack-section .jp-CodeCell .jp-Cell-inputWrapper { display: none; }
.pack-section.show-code .jp-CodeCell .jp-Cell-inputWrapper { display: block; background: var(--panel); border-left: 4px solid var(--teal); margin: .5rem 0; }
.jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser, .anchor-link { display: none; }
.jp-Cell { margin: 0; padding: 0; }
.jp-OutputArea-output pre { white-space: pre-wrap; }
.highlight pre { margin: 0; padding: .5rem; overflow-x: auto; font-size: .85rem; }
table { border-collapse: collapse; margin: .75rem 0 1.25rem; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; color: var(--text); }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.pack-figure { margin: 1rem 0 .25rem; } figure.pack-figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
.notice { padding: .6rem 1rem; border-left: 6px solid var(--blue); background: var(--panel); }
.notice-demo { border-left-color: #0b0c0c; background: #ffdd00; }
ul.findings li { margin-bottom: .4rem; }
details.chart-data summary { cursor: pointer; color: #1d70b8; }
.failed { border-left: 6px solid #d4351c; padding: .5rem 1rem; background: #fbe9e7; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 11pt; }
  .section-tools, .skip-link, button { display: none !important; }
  header.cover { color: #000; background: none; border-bottom: 3px solid #000; }
  section.pack-section { break-before: page; }
  .pack-section .jp-CodeCell .jp-Cell-inputWrapper { display: none !important; }
  details.chart-data > *:not(summary) { display: block; }
  a { color: #000; text-decoration: none; }
}
"""

SCRIPT = """
document.querySelectorAll('button.toggle-code').forEach(function (button) {
  button.addEventListener('click', function () {
    var section = document.getElementById(button.getAttribute('aria-controls'));
    var shown = section.classList.toggle('show-code');
    button.setAttribute('aria-expanded', shown ? 'true' : 'false');
    button.textContent = shown ? 'Hide code' : 'Show code';
  });
});
"""


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

    >>> _focusable_and_described('<main class="jp-Notebook"><div class="jp-Cell-inputWrapper"><img src="x.png"></div></main>')
    '<main class="jp-Notebook"><div class="jp-Cell-inputWrapper" tabindex="0"><img alt="No description has been provided for this image" src="x.png"></div></main>'
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
    return exporter


def _shift_headings(markup: str, prefix: str) -> str:
    """h1->h2 ... (one h1 per pack) and prefix ids so sections never share an anchor."""

    def shift(match: re.Match) -> str:
        level = min(6, int(match.group(2)) + 1)
        return f"<{match.group(1)}h{level}"

    markup = re.sub(r"<(/?)h([1-6])", shift, markup)
    markup = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{prefix}-{m.group(1)}"', markup)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', markup)


def _title_of(nb: nbformat.NotebookNode, stem: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


def _package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    """The project's commit (with ``-dirty`` when tracked files are modified), or ``unknown``."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def build_date() -> str | None:
    """The date to print, only when ``SOURCE_DATE_EPOCH`` gives one (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).strftime("%-d %B %Y")


_EXPORTERS = threading.local()


def _thread_exporter(template: str) -> HTMLExporter:
    """One exporter per template and thread: templates compile once, threads never share one."""
    exporters = _EXPORTERS.__dict__.setdefault("by_template", {})
    if template not in exporters:
        exporters[template] = _exporter(template)
    return exporters[template]


def render_notebook_html(path: Path) -> str:
    """Standalone HTML of one executed notebook (code shown), written beside it."""
    nb = nbformat.read(path, as_version=4)
    body, _ = _thread_exporter("standalone").from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
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
    body = _shift_headings(body, anchor)
    tools = (
        f'<div class="section-tools"><button type="button" class="toggle-code" aria-expanded="false" '
        f'aria-controls="{anchor}">Show code</button>'
        f'<a href="notebooks/{stem}.ipynb">executed notebook (.ipynb)</a>'
        f'<a href="notebooks/{stem}.html">notebook as a page, with code</a></div>'
    )
    return (
        title,
        f'<section id="{anchor}" class="pack-section" aria-label="{html.escape(title)}">{tools}{body}</section>',
    )


def _quality_section(prepared: Prepared) -> str:
    q = prepared.quality
    parts = [
        '<section id="data-quality" class="pack-section"><h2>Appendix: data quality</h2>',
        "<p>Every input found in the data folder, what was read, kept and rejected. Rows are "
        "rejected only with a reason, and counted; nothing is dropped silently.</p>",
        html_table(input_quality_table(q), "Inputs: files, rows and months"),
    ]
    checks = checks_table(q)
    if len(checks):
        parts.append(html_table(checks, "Cross-checks"))
    reasons = rejection_reasons_table(q)
    if len(reasons):
        parts.append(html_table(reasons, "Rejected rows by reason"))
        parts.append(html_table(rejections_table(q, 50), "First rejected rows (file, row, column, value, reason)"))
    notes = [f"{info['title']}: {n}" for info in q["inputs"].values() for n in info["notes"]]
    if notes:
        parts.append("<h3>Notes</h3><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes[:60]) + "</ul>")
    if q["unrecognised"]:
        parts.append(
            "<h3>Files not recognised (not used)</h3><ul>"
            + "".join(f"<li>{html.escape(f)}</li>" for f in q["unrecognised"])
            + "</ul>"
        )
    parts.append("</section>")
    return "".join(parts)


METHOD = """
<section id="method" class="pack-section"><h2>Method</h2>
<p>Each priority has one notebook, executed with the same parameters by papermill; this page joins
the executed notebooks with nbconvert. Every figure comes from a cell of an executed notebook,
linked at the top of each section.</p>
<ul>
<li><strong>Periods.</strong> Figures compare two windows of equal length, written as official
statistics write them ("12 months ending January 2024"). A window the data do not fully cover is
never totalled: the figure is left empty and the missing months are named
(<code>pack.periods</code>).</li>
<li><strong>Change and significance.</strong> Counts are compared with an exact test for two Poisson
counts (conditional binomial test, 5% level) on their daily rates: "improved" or "worse" only when the
change is statistically significant, otherwise "no significant change" (<code>pack.measures</code>).
Management information has no sampling model: its status shows the direction of change only.</li>
<li><strong>Control charts.</strong> XmR charts use limits of the mean ± 2.66 × the mean moving range,
and flag special causes with the NHS "Making Data Count" rules: a point outside the limits, a run of
7 on one side of the mean, 6 points rising or falling, 2 of 3 points beyond two sigma
(<code>pack.spc</code>).</li>
<li><strong>Data.</strong> Inputs are read in their published formats, validated against one schema
each (pandera) and written as typed Parquet; rejected rows are counted with their file, row, column
and reason (<code>pack.prepare</code>, <code>pack.schemas</code>). The data contract is in
<code>data/README.md</code>.</li>
<li><strong>Charts.</strong> One style from the Analysis Function guidance: the afcharts palette, titles
that state the finding, labelled axes, alt text and the data table with every chart
(<code>pack.charts</code>).</li>
</ul></section>
"""


def _provenance_section(params: BuildParameters, prepared: Prepared) -> str:
    files = pd.DataFrame(prepared.quality["files"], columns=["path", "input", "size", "sha256"])
    files["input"] = files["input"].fillna("(not recognised)")
    versions = pd.DataFrame(sorted(_package_versions().items()), columns=["package", "version"])
    parameters = pd.DataFrame(sorted(params.as_dict().items()), columns=["parameter", "value"]).astype(str)
    built = build_date()
    return (
        '<section id="provenance" class="pack-section"><h2>Provenance</h2>'
        f"<p>Code commit: <code>{html.escape(git_commit())}</code>."
        + (f" Built on {html.escape(built)}." if built else "")
        + ' The manifest (<a href="manifest.json">manifest.json</a>) lists the SHA-256 of every output;'
        " <code>python run_pack.py verify</code> rebuilds the pack and compares them.</p>"
        + html_table(parameters, "Parameters of this build")
        + html_table(files, f"Input files ({len(files)}), paths relative to the data folder")
        + html_table(versions, "Package versions")
        + "</section>"
    )


def render_pack(folder: Path, params: BuildParameters, prepared: Prepared, baseline: Window, current: Window) -> Path:
    """Write per-notebook HTML and ``evidence-pack.html`` into ``folder``."""
    order = [SUMMARY_STEM, *(p.stem for p in PRIORITIES), CLAIMS_STEM]
    for stem in order:
        if not (folder / SECTIONS / f"{stem}.json").is_file():
            render_notebook(stem, folder)
    parts = [json.loads((folder / SECTIONS / f"{stem}.json").read_text(encoding="utf-8")) for stem in order]
    sections = [(part["title"], part["html"]) for part in parts]
    shutil.rmtree(folder / SECTIONS)
    contents = "".join(
        f'<li><a href="#sec-{stem}">{html.escape(title)}</a></li>'
        for stem, (title, _) in zip(order, sections, strict=True)
    )
    contents += (
        '<li><a href="#data-quality">Appendix: data quality</a></li>'
        '<li><a href="#method">Method</a></li><li><a href="#provenance">Provenance</a></li>'
    )
    demo = prepared.quality.get("demonstration")
    data_name = "bundled demonstration data" if demo else f"data folder {Path(params.data_dir).name}"
    pygments_css = HtmlFormatter(style="default").get_style_defs(".highlight")
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evidence pack: {html.escape(PLAN_NAME)}, {html.escape(current.label)}</title>
<style>{CSS}
{pygments_css}</style>
</head>
<body>
<a class="skip-link" href="#contents">Skip to contents</a>
{f'<div class="banner-demo" role="note">{html.escape(DEMO_DATA_NOTICE)}. Every figure in this pack is generated to resemble the published ones.</div>' if demo else ""}
<header class="cover">
<p>{html.escape(params.police_force)} · Police and Crime Commissioner</p>
<h1>Evidence pack: {html.escape(PLAN_NAME)}</h1>
<p>Reporting period: <strong>{html.escape(current.label)}</strong>, compared with the {html.escape(baseline.label)}.</p>
<p>Data: {html.escape(data_name)}.{" Public pack: counts below " + str(params.suppress_below) + " suppressed." if params.public else ""}</p>
</header>
<nav id="contents" aria-label="Contents"><h2>Contents</h2><ol>{contents}</ol></nav>
<main>
{"".join(body for _, body in sections)}
{_quality_section(prepared)}
{METHOD}
{_provenance_section(params, prepared)}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
    path = folder / "evidence-pack.html"
    path.write_text(page, encoding="utf-8")
    return path


def render_failure_page(folder: Path, result) -> Path:
    """``FAILED.html``: which notebooks failed, why, and links to their executed copies."""
    items = []
    for n in result.notebooks:
        if n.error:
            link = f"notebooks/{n.stem}.ipynb"
            try:
                render_notebook_html(folder / link)
                link_html = (
                    f' (<a href="{link}">executed notebook</a>, <a href="notebooks/{n.stem}.html">as a page</a>)'
                )
            except Exception:  # noqa: BLE001 - the failure page must be written whatever happened
                link_html = ""
            items.append(f"<li><strong>{html.escape(n.stem)}</strong>: {html.escape(n.error)}{link_html}</li>")
    page = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Build failed</title>'
        f"<style>{CSS}</style></head><body><main><h1>Build failed: no evidence pack was written</h1>"
        f'<div class="failed"><ul>{"".join(items)}</ul></div></main></body></html>'
    )
    path = folder / "FAILED.html"
    path.write_text(page, encoding="utf-8")
    (folder / "errors.txt").write_text(
        "".join(f"{n.stem}: {n.error}\n" for n in result.notebooks if n.error), encoding="utf-8"
    )
    return path
