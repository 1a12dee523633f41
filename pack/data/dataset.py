"""Typed tables for notebooks: what the prepare stage wrote, asked for by name."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pack.config import DEMO_DATA_DIR, PROJECT_ROOT
from pack.data.report import QualityReport
from pack.data.stage import Prepared, load_prepared, prepare
from pack.errors import DataError
from pack.store.entries import discard, entry_problems, read_record

# Set by a build in each of its kernels (:func:`pinned_data_environment`): the data folder as the
# notebook's ``data_dir`` parameter gives it, the folder it means, the force and the prepared data
# the build checked. A notebook of that build then opens exactly those prepared data, whatever its
# working folder, without looking at the data folder again (``verify`` reads only the files its
# manifest lists).
PINNED_DATA = "PACK_PINNED_DATA"


def pinned_data_environment(given: str, folder: Path, force: str, prepared: Prepared) -> dict[str, str]:
    """The environment variable that pins ``prepared`` for notebooks run with ``data_dir=given``."""
    value = {"given": given, "folder": str(Path(folder).absolute()), "force": force, "prepared": str(prepared.path)}
    return {PINNED_DATA: json.dumps(value, sort_keys=True)}


def _pin() -> dict | None:
    value = os.environ.get(PINNED_DATA)
    return json.loads(value) if value else None


def resolve_data_dir(data_dir: str | Path) -> Path:
    """A data folder named by a notebook parameter or ``--data``: absolute as given; a relative
    one is found from the working folder, else from the project root. Within a build, the folder
    its kernels were pinned to (see :data:`PINNED_DATA`)."""
    pin = _pin()
    if pin and str(data_dir) == pin["given"]:
        return Path(pin["folder"])
    path = Path(data_dir)
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


@dataclass(frozen=True)
class Dataset:
    """A prepared data folder, and the folder of facts the plan published (``published_dir``: the
    plan's ``published`` folder, :attr:`pack.plan.Plan.published`; ``None`` when it has none)."""

    prepared: Prepared
    published_dir: Path | None = None

    @property
    def quality(self) -> QualityReport:
        """The data-quality report (see :mod:`pack.data.stage`)."""
        return self.prepared.quality

    @functools.cached_property
    def _record(self) -> dict | None:
        return read_record(self.prepared.path)

    @property
    def is_demo(self) -> bool:
        """True for the generated demonstration data."""
        return self.quality.demonstration

    def supplied(self, name: str) -> bool:
        """True when the input was supplied and kept at least one row."""
        return (self.prepared.path / f"{name}.parquet").exists()  # a file, or a folder of parts

    def months(self, name: str) -> list[str]:
        """Months (``YYYY-MM``) the input covers usably (none for an input that is :meth:`unusable`)."""
        return self.quality.months(name)

    def unusable(self, name: str) -> str | None:
        """Why input ``name`` cannot be used although it was read, e.g. for ``outcomes`` when their Crime
        IDs do not match the street files' crimes; ``None`` when it can. A section that needs it says
        "not supplied" with this reason (never a 0 % match)."""
        return self.quality.unusable(name)

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame | None:
        """The prepared table, or ``None`` when not supplied. Its files are checked against the
        cache entry's record first (:mod:`pack.store.entries`): an altered table is never read."""
        path = self.prepared.path / f"{name}.parquet"
        if not path.exists():
            return None
        problems = entry_problems(self.prepared.path, path.name, self._record)
        if problems:
            discard(self.prepared.path)
            raise DataError(
                f"the prepared table {path.name} differs from the record of its cache entry "
                f"({'; '.join(problems[:3])}): the entry was discarded; run the build again to prepare the data anew",
                file=str(self.prepared.path),
            )
        return pd.read_parquet(path, columns=columns)

    def published_file(self, name: str) -> Path | None:
        """``<published_dir>/<name>.csv`` when the plan published it, else ``None``."""
        if self.published_dir is None:
            return None
        path = Path(self.published_dir) / f"{name}.csv"
        return path if path.is_file() else None

    def published_label(self, name: str) -> str:
        """Where the plan's published ``<name>.csv`` is, as a pack names it (``data/published/peers.csv``:
        from the project root when inside it), or that the plan published none."""
        path = self.published_file(name)
        return _shown(path) if path is not None else f"the plan's published {name}.csv (none published)"

    def published(self, name: str) -> pd.DataFrame | None:
        """A table of the plan's published facts (``<published_dir>/<name>.csv``), ``None`` when the
        plan published none."""
        path = self.published_file(name)
        return None if path is None else pd.read_csv(path, dtype_backend="numpy_nullable")

    def supplied_or_published(self, name: str) -> tuple[pd.DataFrame | None, str]:
        """The supplied input ``name``, else the plan's published table of the same name, with where it
        came from; ``(None, why)`` when neither exists."""
        supplied = self.table(name)
        if supplied is not None:
            return supplied, f"the supplied {name} input"
        published = self.published(name)
        if published is None:
            return None, f"no {name} input in the data folder and none published with the plan"
        if "order" not in published:
            published = published.assign(order=range(len(published)))
        return published, f"the plan's published figures ({self.published_label(name)})"


def _shown(path: Path | None) -> str:
    """A published file as a pack names it: from the project root when inside it (``data/published/x.csv``)."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


def open_dataset(data_dir: str | Path, police_force: str, published: Path | None = None) -> Dataset:
    """Prepare (or reuse from the cache) the data folder and return it, with the plan's ``published``
    folder. The bundled demo data are generated first if missing (a notebook opened on a fresh clone
    still runs)."""
    folder = resolve_data_dir(data_dir)
    pin = _pin()
    if pin and Path(pin["folder"]) == folder.absolute() and pin["force"] == police_force:
        return Dataset(load_prepared(pin["prepared"]), published)
    if folder.resolve() == DEMO_DATA_DIR.resolve():
        from pack.data.demo import ensure_demo_data

        ensure_demo_data(DEMO_DATA_DIR)
    return Dataset(prepare(folder, police_force), published)
