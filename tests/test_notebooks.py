"""Committed notebooks: stripped, one parameters cell, thin, and each runs with its defaults."""

import json
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from pack.params import NOTEBOOK_PARAMETERS

NOTEBOOKS = sorted(Path("notebooks").glob("*.ipynb"))


def test_eight_notebooks():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05", "06", "07"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_stripped_with_one_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    assert set(papermill.inspect_notebook(str(path))) == set(NOTEBOOK_PARAMETERS)
    source = "\n".join("".join(c["source"]) for c in code)
    assert "def " not in source and "class " not in source and "sys.path" not in source
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def demo_street_counts(months: list[str]) -> dict[str, int]:
    """ASB incidents and burglaries in the demo's raw street files for ``months``, counted here
    with pandas from the CSVs (not through the pack), for Derbyshire only."""
    counts = {"Anti-social behaviour": 0, "Burglary": 0}
    for month in months:
        for path in sorted(Path("data/demo/police-uk").glob(f"**/{month}-*-street.csv")):
            frame = pd.read_csv(path, encoding="utf-8-sig")
            frame = frame[frame["Falls within"] == "Derbyshire Constabulary"]
            for crime_type in counts:
                counts[crime_type] += int((frame["Crime type"] == crime_type).sum())
    return counts


@pytest.mark.long  # eight fresh kernels, the first preparing the whole demo data itself
@pytest.mark.slow
def test_each_notebook_runs_top_to_bottom_with_defaults(tmp_path, monkeypatch):
    """As an analyst opens them in JupyterLab: fresh kernels, an empty cache (so the first
    notebook prepares the data itself, inside its kernel), default parameters but the output
    folder, which is ``tmp_path`` (nothing is written into the project). The numbers they write
    are those counted from the raw files."""
    from pack.pipeline.execute import kernel_env

    kernel_env()
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "empty-cache"))
    out = tmp_path / "out"
    order = [p for p in NOTEBOOKS if not p.stem.startswith("00")] + [p for p in NOTEBOOKS if p.stem.startswith("00")]
    for path in order:
        executed = tmp_path / path.name
        papermill.execute_notebook(
            str(path),
            str(executed),
            parameters={"output_dir": str(out)},
            kernel_name="python3",
            cwd="notebooks",
            progress_bar=False,
        )
        nb = nbformat.read(executed, as_version=4)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), path.name
    # the default period: 12 months ending January 2024 (February 2023 .. January 2024)
    raw = demo_street_counts([f"2023-{m:02d}" for m in range(2, 13)] + ["2024-01"])
    table = pd.read_csv(out / "tables" / "02_neighbourhood_crime_asb-indicators.csv").set_index("indicator_id")
    assert table.loc["asb_incidents", "current_value"] == raw["Anti-social behaviour"]
    assert table.loc["burglary", "current_value"] == raw["Burglary"]
    summary = nbformat.read(tmp_path / "00_strategic_summary.ipynb", as_version=4)
    shown = json.dumps([c.get("outputs", []) for c in summary.cells])
    assert f"{raw['Anti-social behaviour']:,}" in shown  # the scorecard shows the same figure


@pytest.mark.slow
def test_the_summary_run_first_says_which_tables_it_needs(tmp_path, monkeypatch):
    from papermill.exceptions import PapermillExecutionError

    from pack.pipeline.execute import kernel_env

    kernel_env()
    out = tmp_path / "out"
    with pytest.raises(PapermillExecutionError) as failure:
        papermill.execute_notebook(
            "notebooks/00_strategic_summary.ipynb",
            str(tmp_path / "summary.ipynb"),
            parameters={"output_dir": str(out)},
            kernel_name="python3",
            cwd="notebooks",
            progress_bar=False,
        )
    assert failure.value.ename == "NotebookError"
    message = failure.value.evalue
    assert f"the strategic summary needs the six priority indicator tables in {out}" in message
    assert "missing: tables/01_strong_local_policing-indicators.csv" in message
    assert "Run the priority notebooks first with the same output_dir" in message
    assert "python run_pack.py build" in message
