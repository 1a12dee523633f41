"""Shared fixtures: the real public data beside the project, tiny fixtures, a built demo pack."""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path

# `make test-fast` draws at most 20 examples in each property test (the ``fast`` Hypothesis profile,
# registered on import; tests that set their own number ask through ``hypothesis_profiles.examples``);
# `make test` (and CI) draws each test's own number, or Hypothesis's 100.
import hypothesis_profiles  # noqa: F401
import pytest

ROOT = Path(__file__).resolve().parent.parent
# Kernels that papermill starts import this checkout's ``pack`` (not another one installed in the environment)
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
# The suite starts hundreds of Python processes (notebook kernels, the command line) that import the
# pack: each compiles its modules afresh when bytecode is not written (PYTHONDONTWRITEBYTECODE, set
# in some environments), about a second each. Written once (``__pycache__``, ignored by git), reused.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# beside the project (../shared/real-data); PACK_REAL_DATA points elsewhere, e.g. from a git worktree
REAL_DATA = Path(os.environ.get("PACK_REAL_DATA", ROOT.parent / "shared" / "real-data"))

WHOLE_PACK_FIXTURES = frozenset({"demo_pack", "real_pack", "small_groups_packs", "nottinghamshire_pack"})


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
    long_not_slow = [
        item.nodeid for item in items if item.get_closest_marker("long") and not item.get_closest_marker("slow")
    ]
    if long_not_slow:
        raise pytest.UsageError("these tests are marked long but not slow: " + ", ".join(long_not_slow))
    # The demonstration pack takes its worker a minute and a half to build, at the start of the run
    # (``_first_shared_pack``). Modules with a test that reads it run last, so that meanwhile the
    # other worker runs the rest instead of waiting on the build's lock (a module kept whole: its
    # module fixtures are made once); among them the browser's (pages loaded, axe, printing: the
    # longest tests) first, so that the short ones left at the end keep both workers busy.
    reads_the_demo_pack = {item.module for item in items if "demo_pack" in getattr(item, "fixturenames", ())}
    in_the_browser = {item.module for item in items if item.get_closest_marker("browser")}

    def order(item: pytest.Item) -> tuple[bool, bool]:
        module = getattr(item, "module", None)
        return module in reads_the_demo_pack, module in reads_the_demo_pack and module not in in_the_browser

    items.sort(key=order)


# ----------------------------------------------------------------------------------------------
# Shared by pytest-xdist's workers (``make test`` runs two): one cache, one build of each shared pack.
# Each worker runs the session fixtures itself; what they make goes to the session's own folder,
# which every worker of the run shares (the parent of a worker's base folder), under a lock.


def _session_folder(factory: pytest.TempPathFactory) -> Path:
    """The folder of this test run that every xdist worker shares (the base folder when serial)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _one_at_a_time(factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """``<session folder>/name``, made by one worker while any other waits (an exclusive lock)."""
    folder = _session_folder(factory)
    with (folder / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder / name


def built_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """``<session folder>/name``, made by ``make(folder)`` in one worker; the others (and this one
    later) find it made. A failed ``make`` leaves nothing behind, so each worker fails alike."""
    with _one_at_a_time(factory, name) as folder:
        done = folder.with_name(f".{name}.done")
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            make(folder)
            done.touch()
    return folder


@pytest.fixture(autouse=True, scope="session")
def _first_shared_pack(request: pytest.FixtureRequest, _isolated_cache: None) -> None:
    """Each xdist worker starts by building a different one of the shared packs the chosen tests
    need (worker n the n-th), so two are built at once instead of one worker waiting on the
    other's lock; the rest are built when first asked for. A build that fails here fails again,
    with its error, in the tests that ask for it (this fixture lets no test fail for it)."""
    needed = sorted({name for item in request.session.items for name in WHOLE_PACK_FIXTURES & set(item.fixturenames)})
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if not needed or not worker[2:].isdigit():
        return
    try:
        request.getfixturevalue(needed[int(worker[2:]) % len(needed)])
    except (Exception, pytest.fail.Exception):
        pass


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One cache for the run, shared by the workers (the cache allows builds at the same time)."""
    cache = _session_folder(tmp_path_factory) / "cache"
    cache.mkdir(exist_ok=True)
    os.environ["PACK_CACHE_DIR"] = str(cache)


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

    def make(out: Path) -> None:
        result = build(BuildRequest(output_dir=out))
        assert result.ok, [n.error for n in result.notebooks]

    return built_once(tmp_path_factory, "demo-pack", make)


@pytest.fixture(scope="session")
def real_pack(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build on Derbyshire's real files, 12 months ending March 2022, shared by the slow
    tests: the command line's, its log (standard error) kept beside it (:func:`real_pack_log`)."""
    from pack.cli import main

    def make(out: Path) -> None:
        log = io.StringIO()
        with redirect_stderr(log):
            code = main(["build", "--period", "2022-03", "--data", str(real_data), "--out", str(out)])
        assert code == 0, log.getvalue()
        out.with_name(f"{out.name}.log").write_text(log.getvalue(), encoding="utf-8")

    return built_once(tmp_path_factory, "real-pack-2022-03", make)


@pytest.fixture(scope="session")
def real_pack_log(real_pack: Path) -> str:
    """What the build of :func:`real_pack` wrote to standard error."""
    return real_pack.with_name(f"{real_pack.name}.log").read_text(encoding="utf-8")


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

    def make(folder: Path) -> None:
        for name, public in (("public", True), ("full", False)):
            request = BuildRequest(
                output_dir=folder / name,
                data_dir=str(small_groups_data),
                public=public,
                suppress_below=SMALL_GROUPS_THRESHOLD,
            )
            result = build(request)
            assert result.ok, [n.error for n in result.notebooks]

    folder = built_once(tmp_path_factory, "small-groups-packs", make)
    return folder / "public", folder / "full"


NOTTS_PLAN = ROOT / "plans" / "nottinghamshire-2021-25.toml"
NOTTS_FORCE = "Nottinghamshire Police"


@pytest.fixture(scope="session")
def national_data(shared_real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder as an office outside Derbyshire has it: every force's data.police.uk street files
    (2021-12..2022-02), the ONS lookups and the Home Office workforce tables (no Derbyshire outcomes)."""

    def make(folder: Path) -> None:
        for name in ("police-uk-national", "ons", "home-office-workforce"):
            shutil.copytree(shared_real_data / name, folder / "data" / name, copy_function=_link_or_copy)

    return built_once(tmp_path_factory, "national-data", make) / "data"


@pytest.fixture(scope="session")
def nottinghamshire_pack(national_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nottinghamshire's plan built for Nottinghamshire Police on the national files, 3 months ending
    February 2022 (all the national files hold), shared by the slow tests of the second plan."""
    from pack.pipeline.request import BuildRequest
    from pack.pipeline.run import build

    def make(folder: Path) -> None:
        request = BuildRequest(
            output_dir=folder,
            data_dir=str(national_data),
            period_end="2022-02",
            window=3,
            police_force=NOTTS_FORCE,
            plan_file=str(NOTTS_PLAN),
        )
        result = build(request)
        assert result.ok, [n.error for n in result.notebooks]

    return built_once(tmp_path_factory, "nottinghamshire", make)


ONE_PRIORITY_PLAN = Path(__file__).parent / "plans" / "one-priority.toml"


@pytest.fixture(scope="session")
def one_priority_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tests/plans/one-priority.toml`` in the session's folder beside its notebooks (written by
    ``new-plan``): the plan the tests of the build's machinery build with (three notebooks)."""
    from pack.notebook_templates.files import write_plan_notebooks
    from pack.plan import load_plan

    def make(folder: Path) -> None:
        folder.mkdir(parents=True)
        shutil.copyfile(ONE_PRIORITY_PLAN, folder / ONE_PRIORITY_PLAN.name)
        write_plan_notebooks(load_plan(folder / ONE_PRIORITY_PLAN.name))

    return built_once(tmp_path_factory, "one-priority-plan", make) / ONE_PRIORITY_PLAN.name
