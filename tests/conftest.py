"""Shared fixtures: the real public data beside the project, tiny fixtures, a built demo pack."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Kernels that papermill starts import this checkout's ``pack`` (not another one installed in the environment)
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# beside the project (../shared/real-data); PACK_REAL_DATA points elsewhere, e.g. from a git worktree
REAL_DATA = Path(os.environ.get("PACK_REAL_DATA", ROOT.parent / "shared" / "real-data"))


WHOLE_PACK_FIXTURES = frozenset({"demo_pack", "real_pack", "nottinghamshire_pack"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that builds a whole pack (through a session fixture, however indirectly) must be
    marked slow, so ``make test-fast`` never builds one."""
    unmarked = [
        item.nodeid
        for item in items
        if WHOLE_PACK_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError("these tests build a whole pack but are not marked slow: " + ", ".join(unmarked))


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["PACK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # same disk: no copy of tens of megabytes
    except OSError:
        shutil.copy2(source, target)


@pytest.fixture(scope="session")
def shared_real_data() -> Path:
    """The whole shared folder: Derbyshire's files, every force's national street files, ONS, Home Office."""
    if not REAL_DATA.is_dir():
        pytest.fail(f"the real public data are expected at {REAL_DATA} (../shared/real-data)")
    return REAL_DATA


@pytest.fixture(scope="session")
def real_data(shared_real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Derbyshire's real data folder as an analyst has it: data.police.uk files of one force with the
    ONS lookups and Home Office tables (the shared folder without the national archive)."""
    target = tmp_path_factory.mktemp("real") / "derbyshire"
    for name in ("police-uk", "ons", "home-office-workforce"):
        shutil.copytree(shared_real_data / name, target / name, copy_function=_link_or_copy)
    return target


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny hand-written fixtures."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture(scope="session")
def demo_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build on the demo data (the default period), shared by the slow tests."""
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    out = tmp_path_factory.mktemp("packs") / "demo"
    result = build(BuildRequest(output_dir=out))
    assert result.ok, [n.error for n in result.notebooks]
    return out


@pytest.fixture(scope="session")
def real_pack(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build on Derbyshire's real files, 12 months ending March 2022, shared by the slow tests."""
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    out = tmp_path_factory.mktemp("packs") / "real-2022-03"
    result = build(BuildRequest(output_dir=out, period_end="2022-03", data_dir=str(real_data)))
    assert result.ok, [n.error for n in result.notebooks]
    return out


SMALL_GROUPS_THRESHOLD = 10  # the public packs of small_groups_data suppress counts below this


@pytest.fixture(scope="session")
def small_groups_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data with two small groups in the reporting period's stop searches (December 2023):
    three people whose gender is recorded as Other, two searches under the Firearms Act 1968 (both
    charts of categories, whose text alternatives once named such counts)."""
    import csv

    from pack.config import DEMO_DATA_DIR
    from pack.data import ensure_demo_data

    target = tmp_path_factory.mktemp("small-groups") / "demo"
    shutil.copytree(ensure_demo_data(DEMO_DATA_DIR), target, copy_function=_link_or_copy)
    path = target / "police-uk" / "2023-12" / "2023-12-derbyshire-stop-and-search.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows[:3]:
        row["Gender"] = "Other"
    for row in rows[3:5]:
        row["Legislation"] = "Firearms Act 1968 (section 47)"
    path.unlink()  # a hard link to the demo file: write a new one
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


@pytest.fixture(scope="session")
def small_groups_packs(small_groups_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(public, full)``: a public pack of :func:`small_groups_data` (counts below
    :data:`SMALL_GROUPS_THRESHOLD` suppressed) and the same data built without suppression."""
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    folder = tmp_path_factory.mktemp("packs")
    packs = []
    for name, public in (("public", True), ("full", False)):
        out = folder / name
        request = BuildRequest(
            output_dir=out, data_dir=str(small_groups_data), public=public, suppress_below=SMALL_GROUPS_THRESHOLD
        )
        result = build(request)
        assert result.ok, [n.error for n in result.notebooks]
        packs.append(out)
    return packs[0], packs[1]


NOTTS_PLAN = ROOT / "plans" / "nottinghamshire-2021-25.toml"
NOTTS_FORCE = "Nottinghamshire Police"


@pytest.fixture(scope="session")
def national_data(shared_real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder as an office outside Derbyshire has it: every force's data.police.uk street files
    (2021-12..2022-02), the ONS lookups and the Home Office workforce tables (no Derbyshire outcomes)."""
    target = tmp_path_factory.mktemp("national") / "data"
    for name in ("police-uk-national", "ons", "home-office-workforce"):
        shutil.copytree(shared_real_data / name, target / name, copy_function=_link_or_copy)
    return target


@pytest.fixture(scope="session")
def nottinghamshire_pack(national_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nottinghamshire's plan built for Nottinghamshire Police on the national files, 3 months ending
    February 2022 (all the national files hold), shared by the slow tests of the second plan."""
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    out = tmp_path_factory.mktemp("packs") / "nottinghamshire"
    request = BuildRequest(
        output_dir=out,
        data_dir=str(national_data),
        period_end="2022-02",
        window=3,
        police_force=NOTTS_FORCE,
        plan_file=str(NOTTS_PLAN),
    )
    result = build(request)
    assert result.ok, [n.error for n in result.notebooks]
    return out
