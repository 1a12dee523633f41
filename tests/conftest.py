"""Shared fixtures: the real public data beside the project, tiny fixtures, a built demo pack."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL_DATA = ROOT.parent / "shared" / "real-data"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["PACK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.fail(f"the real public data are expected at {REAL_DATA} (../shared/real-data)")
    return REAL_DATA


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny hand-written fixtures."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture(scope="session")
def demo_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build on the demo data (the default period), shared by the slow tests."""
    from pack.build import build

    out = tmp_path_factory.mktemp("packs") / "demo"
    result = build(output_dir=out)
    assert result.ok, [n.error for n in result.notebooks]
    return out
