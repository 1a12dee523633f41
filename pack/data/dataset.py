"""Typed tables for notebooks: what the prepare stage wrote, asked for by name."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pack.config import DEMO_DATA_DIR, PLAN_FORCE, PROJECT_ROOT, PUBLISHED_DIR
from pack.data.report import QualityReport
from pack.data.stage import Prepared, prepare

# Set by ``verify --data DIR`` for the rebuild: JSON ``[data_dir as in the manifest, DIR]``, so
# the rebuilt notebooks carry the manifest's parameters byte for byte but read the auditor's copy.
DATA_DIR_REDIRECT = "PACK_DATA_DIR_REDIRECT"


def resolve_data_dir(data_dir: str | Path) -> Path:
    """A relative data folder is found from the working folder, else from the project root."""
    redirect = os.environ.get(DATA_DIR_REDIRECT)
    if redirect:
        given, actual = json.loads(redirect)
        if str(data_dir) == given:
            return Path(actual)
    path = Path(data_dir)
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


@dataclass(frozen=True)
class Dataset:
    """A prepared data folder."""

    prepared: Prepared

    @property
    def quality(self) -> QualityReport:
        """The data-quality report (see :mod:`pack.data.stage`)."""
        return self.prepared.quality

    @property
    def is_demo(self) -> bool:
        """True for the generated demonstration data."""
        return self.quality.demonstration

    def supplied(self, name: str) -> bool:
        """True when the input was supplied and kept at least one row."""
        return (self.prepared.path / f"{name}.parquet").exists()  # a file, or a folder of parts

    def months(self, name: str) -> list[str]:
        """Months (``YYYY-MM``) the input covers."""
        return self.quality.months(name)

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame | None:
        """The prepared table, or ``None`` when not supplied."""
        path = self.prepared.path / f"{name}.parquet"
        if not path.exists():
            return None
        return pd.read_parquet(path, columns=columns)

    @staticmethod
    def published(name: str) -> pd.DataFrame:
        """A table of published facts from ``data/published/<name>.csv``."""
        return pd.read_csv(PUBLISHED_DIR / f"{name}.csv", dtype_backend="numpy_nullable")

    def supplied_or_published(self, name: str) -> tuple[pd.DataFrame, str]:
        """The supplied input ``name``, else the plan's published table of the same name."""
        supplied = self.table(name)
        if supplied is not None:
            return supplied, f"the supplied {name} input"
        published = self.published(name)
        if "order" not in published:
            published = published.assign(order=range(len(published)))
        return published, f"the plan's published figures (data/published/{name}.csv)"


def open_dataset(data_dir: str | Path, police_force: str = PLAN_FORCE) -> Dataset:
    """Prepare (or reuse from the cache) the data folder and return it. The bundled demo data
    are generated first if missing (a notebook opened on a fresh clone still runs)."""
    folder = resolve_data_dir(data_dir)
    if folder.resolve() == DEMO_DATA_DIR.resolve():
        from pack.data.demo import ensure_demo_data

        ensure_demo_data(DEMO_DATA_DIR)
    return Dataset(prepare(folder, police_force))
