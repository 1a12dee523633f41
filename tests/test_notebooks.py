"""Committed notebooks: stripped, one parameters cell, thin, and each runs with its defaults."""

import json
from pathlib import Path

import nbformat
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


@pytest.mark.slow
def test_each_notebook_runs_top_to_bottom_with_defaults(tmp_path, monkeypatch):
    """As an analyst opens them in JupyterLab: fresh kernels, an empty cache (so the first
    notebook prepares the data itself, inside its kernel), default parameters."""
    from pack.build.execute import kernel_env

    kernel_env()
    monkeypatch.setenv("PACK_CACHE_DIR", str(tmp_path / "empty-cache"))
    order = [p for p in NOTEBOOKS if not p.stem.startswith("00")] + [p for p in NOTEBOOKS if p.stem.startswith("00")]
    for path in order:
        out = tmp_path / path.name
        papermill.execute_notebook(str(path), str(out), kernel_name="python3", cwd="notebooks", progress_bar=False)
        nb = nbformat.read(out, as_version=4)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), path.name
