"""Rendering one executed notebook: cells for running it stay on its own page and leave the pack;
tables scroll in their own box; its page links back to its section; the cover's date and the rerun line."""

import json
from pathlib import Path

import nbformat
import pytest

from pack.config import NOTEBOOK_ONLY_TAG
from pack.data import InputQuality, Prepared, QualityReport
from pack.params import BuildParameters
from pack.pipeline.cache import SECTIONS
from pack.pipeline.render import pack_date, render_notebook, rerun_command


def executed(folder: Path, stem: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (evidence pack)", "language": "python"}
    table = '<table class="pack-table"><caption>Counts</caption><tr><th>a</th></tr><tr><td>1</td></tr></table>'
    code = nbformat.v4.new_code_cell("show()", execution_count=1)
    code.outputs = [nbformat.v4.new_output("display_data", {"text/html": table})]
    link = '<a href="#sec-02_neighbourhood_crime_asb">priority 2</a>'
    code.outputs.append(nbformat.v4.new_output("display_data", {"text/html": link}))
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Priority 9: a test\n\nFor readers."),
        nbformat.v4.new_markdown_cell("Run me with papermill.", metadata={"tags": [NOTEBOOK_ONLY_TAG]}),
        code,
    ]
    (folder / "notebooks").mkdir(parents=True)
    nbformat.write(nb, folder / "notebooks" / f"{stem}.ipynb")


def test_notebook_only_cells_leave_the_pack_and_stay_on_the_notebooks_page(tmp_path):
    executed(tmp_path, "09_test")
    render_notebook("09_test", tmp_path)
    section = json.loads((tmp_path / SECTIONS / "09_test.json").read_text(encoding="utf-8"))
    page = (tmp_path / "notebooks" / "09_test.html").read_text(encoding="utf-8")
    assert section["title"] == "Priority 9: a test"
    assert "For readers." in section["html"] and "papermill" not in section["html"]
    assert "Run me with papermill." in page and "For readers." in page
    # a table in a box of its own, in both
    for html in (section["html"], page):
        assert '<div class="table-scroll"><table class="pack-table"><caption>Counts</caption>' in html
    # the section keeps a link to another section; the notebook's page points it at that notebook's page
    assert 'href="#sec-02_neighbourhood_crime_asb"' in section["html"]
    assert 'href="02_neighbourhood_crime_asb.html"' in page
    assert '<a href="../evidence-pack.html#sec-09_test">Back to this section of the evidence pack</a>' in page
    assert 'download="09_test.ipynb"' in page and '<html lang="en-GB">' in page
    assert 'download="09_test.ipynb"' in section["html"]


def prepared(*months: str) -> Prepared:
    inputs = {"street": InputQuality(name="street", title="Street", files=("a.csv",), months=months)}
    return Prepared(Path("."), "k", QualityReport(format=1, force="X", demonstration=False, inputs=inputs))


def test_the_cover_date_is_the_build_date_or_else_the_datas_last_month(monkeypatch):
    params = BuildParameters.create(period_end="2024-01")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pack_date(params, prepared("2023-12", "2024-01", "2024-02")) == {"label": "Data to", "text": "January 2024"}
    assert pack_date(params, prepared("2023-11", "2023-12")) == {"label": "Data to", "text": "December 2023"}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709596800")  # 2024-03-05 00:00 UTC
    assert pack_date(params, prepared("2023-12")) == {"label": "Published", "text": "5 March 2024"}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "python run_pack.py build --period 2024-01 --window 12 --baseline 2021-05 --data data/demo"),
        (
            {"window": "fytd", "data_dir": "../my data", "police_force": "Kent Police", "public": True},
            "python run_pack.py build --period 2024-01 --window fytd --baseline 2021-05 --data '../my data' "
            "--police-force 'Kent Police' --public --suppress-below 5",
        ),
    ],
)
def test_the_rerun_line(options, expected):
    assert rerun_command(BuildParameters.create(period_end="2024-01", **options)) == expected
