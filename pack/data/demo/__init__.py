"""Demonstration data: every input in its real public format, generated deterministically.

Calibrated to the published figures in ``data/published/demo_targets.csv`` (per-day rates and
changes between windows) and ``data/published/mi_published.csv``. LSOA codes are synthetic
(``X01......``) so no output can be mistaken for a real area's statistics, and the folder holds a
``DEMONSTRATION_DATA.txt`` marker that makes every output say "demonstration data". Every input
covers the default reporting period (:data:`LAST`).
"""

from __future__ import annotations

import csv
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from pack.config import PROJECT_ROOT, PUBLISHED_DIR
from pack.data.demo.areas import ethnicity_population, synthetic_lsoas
from pack.data.demo.common import FIRST, LAST, SEED, calibration_targets, write_csv
from pack.data.demo.force import calls, copy_published, workforce
from pack.data.demo.peers import write_peers
from pack.data.demo.policeuk import stop_and_search, street_and_outcomes
from pack.data.demo.roads import stats19
from pack.data.stage import DEMO_MARKER
from pack.errors import DataError

log = logging.getLogger(__name__)

__all__ = [
    "FIRST",
    "LAST",
    "SEED",
    "check_demo_folder",
    "ensure_demo_data",
    "generator_fingerprint",
    "write_demo_data",
]
MARKER_FIRST_LINE = "Demonstration data - not official statistics."
PARTIAL_MARKER = ".partial-demo-data"  # in the folder being written, until it is renamed into place


def _is_marked(folder: Path) -> bool:
    """True when ``folder`` holds the marker this generator writes (its first line)."""
    try:
        with (folder / DEMO_MARKER).open(encoding="utf-8") as handle:
            return handle.readline().rstrip("\n") == MARKER_FIRST_LINE
    except (OSError, UnicodeDecodeError):
        return False


def check_demo_folder(out: Path | str) -> None:
    """Refuse, with a one-line :class:`DataError`, a folder the demonstration data must not replace:
    a symbolic link, a file, the project or working folder (or one holding either), or a folder
    that is neither empty nor marked as demonstration data by this generator; or a ``.partial``
    sibling that is not this generator's unfinished folder."""
    out = Path(os.path.abspath(out))
    _check_replaceable(out)
    partial = out.with_name(out.name + ".partial")
    if partial.exists() and not (
        partial.is_dir() and not partial.is_symlink() and (partial / PARTIAL_MARKER).is_file()
    ):
        raise DataError(f"{partial} exists and is not demonstration data being written: move it, or give another --out")


def _check_replaceable(out: Path) -> None:
    """The checks of :func:`check_demo_folder` on ``out`` itself (an absolute path)."""
    if out.is_symlink():
        raise DataError(f"--out {out} is a symbolic link: give the folder itself")
    if out.exists() and not out.is_dir():
        raise DataError(f"--out {out} is a file, not a folder: give a new folder for the demonstration data")
    real = out.resolve()
    for folder, name in ((PROJECT_ROOT.resolve(), "the project folder"), (Path.cwd().resolve(), "the working folder")):
        if folder == real or folder.is_relative_to(real):
            raise DataError(f"--out {out} is or holds {name} ({folder}): give a new folder for the demonstration data")
    if out.is_dir() and any(out.iterdir()) and not _is_marked(out):
        shown = ", ".join(sorted(p.name for p in out.iterdir())[:3])
        raise DataError(
            f"--out {out} holds files that are not demonstration data ({shown}): give a new or empty folder, "
            "or one written by demo-data"
        )


@contextmanager
def _one_writer(out: Path) -> Iterator[None]:
    """Held while ``out`` is written: another process writing or ensuring the same folder (two
    builds, two test workers on a fresh clone) waits here. The lock is on the parent folder itself
    (``flock``), so no lock file is left beside the data; without ``fcntl`` (Windows) there is none."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # (releases the lock)


def write_demo_data(out: Path | str) -> Path:
    """Write the demonstration data set to ``out`` and return the folder. ``out`` must be new, empty
    or demonstration data this generator marked (:func:`check_demo_folder`; refused otherwise),
    and is replaced only once the new data are complete. One process at a time writes a folder."""
    out = Path(out)
    with _one_writer(out):
        return _write(out)


def _write(out: Path) -> Path:
    check_demo_folder(out)
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)  # (checked: a half-written folder of this generator's)
    tmp.mkdir(parents=True)
    (tmp / PARTIAL_MARKER).write_text("demonstration data being written\n", encoding="utf-8")
    rng = np.random.default_rng(SEED)
    targets = calibration_targets()
    lsoas = synthetic_lsoas(rng)
    log.info("Demo data: writing street, outcomes and stop-and-search files %s..%s", FIRST, LAST)
    hotspots = street_and_outcomes(tmp, rng, lsoas, targets)
    stop_and_search(tmp, rng, lsoas, targets["stop_search_per_day_2021"])
    log.info("Demo data: writing STATS19, calls, workforce, lookups and PCC tables")
    stats19(tmp, rng, lsoas, LAST)
    calls(tmp, rng, targets)
    workforce(tmp, rng, targets)
    lookups = tmp / "ons"
    lookups.mkdir()
    ruc = lsoas.assign(
        LSOA11NM=lsoas["lsoa_name"], RUC11=np.where(lsoas["rural"], "Rural village/town", "Urban city and town")
    )
    write_csv(
        ruc.rename(columns={"lsoa_code": "lsoa", "ruc": "RUC11CD"})[["lsoa", "LSOA11NM", "RUC11CD", "RUC11"]],
        lookups / "ruc_2011_lsoa11_synthetic.csv",
    )
    pop = pd.DataFrame({"lsoa": lsoas["lsoa_code"], "pop": [f"{p:,}" for p in lsoas["population"]]})
    pop.to_csv(
        lookups / "lsoa_population_synthetic.csv", index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n"
    )
    write_csv(hotspots, tmp / "force" / "asb-hotspots.csv")
    write_csv(ethnicity_population(int(lsoas["population"].sum())), lookups / "ethnic_group_population_synthetic.csv")
    copy_published(tmp)
    log.info("Demo data: writing synthetic peer forces (street files, lookups, most similar group)")
    write_peers(tmp)  # its own random stream: the files above are the same with or without it
    (tmp / DEMO_MARKER).write_text(
        f"{MARKER_FIRST_LINE}\n"
        "Generated by pack.data.demo (python run_pack.py demo-data) with a fixed seed, in the formats of\n"
        "data.police.uk, DfT STATS19, ONS lookups and the force/PCC tables described in data/README.md.\n"
        "LSOA codes starting X01 are synthetic. Figures are calibrated to data/published/demo_targets.csv.\n"
        f"generator: {generator_fingerprint()}\n",
        encoding="utf-8",
    )
    (tmp / PARTIAL_MARKER).unlink()
    if out.exists():
        _check_replaceable(Path(os.path.abspath(out)))  # (still ours, and not a link put there meanwhile)
        shutil.rmtree(out)
    tmp.rename(out)
    return out


def generator_fingerprint() -> str:
    """SHA-256 of what decides the demo data: this package's modules and the published tables they read."""
    from pack.store.hashing import sha256_file, sha256_text

    parts = [sha256_file(p) for p in sorted(Path(__file__).parent.glob("*.py"))]
    parts += [sha256_file(p) for p in sorted(PUBLISHED_DIR.glob("*.csv"))]
    return sha256_text("".join(parts))


def ensure_demo_data(out: Path | str) -> Path:
    """Generate the demonstration data unless the folder holds data from this same generator."""
    out = Path(out)
    if _current(out):
        return out
    with _one_writer(out):
        if _current(out):  # (written by another process while this one waited)
            return out
        if (out / DEMO_MARKER).is_file():
            log.info("Demo data: %s was made by an older generator, regenerating it", out)
        else:
            log.info("Demo data: not found in %s, generating it (about half a minute)", out)
        _write(out)
    return out


def _current(out: Path) -> bool:
    """Whether ``out`` holds complete demonstration data of this generator."""
    marker = out / DEMO_MARKER
    return marker.is_file() and f"generator: {generator_fingerprint()}" in marker.read_text(encoding="utf-8")
