"""What every part of the demonstration data shares: the seed, the months covered, calibration targets, CSV writing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pack.config import PUBLISHED_DIR
from pack.periods import Month, month_range

# The demonstration data serve the default plan (plans/derbyshire-2021-25.toml): its force, its
# published facts (data/published), whatever plan a build is given.
DEMO_FORCE = "Derbyshire Constabulary"
SEED = 20211115  # the day the plan went to the Panel
FIRST, LAST = Month(2019, 4), Month(2024, 1)  # LAST is the default reporting period: every input covers it


def calibration_targets() -> dict[str, float]:
    """Calibration targets (``data/published/demo_targets.csv``) by id."""
    frame = pd.read_csv(PUBLISHED_DIR / "demo_targets.csv")
    return dict(zip(frame["target_id"], frame["value"].astype(float), strict=True))


def street_months() -> list[Month]:
    """Every month of the street-level data, FIRST..LAST."""
    return month_range(FIRST, LAST)


def write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> None:
    """Write a CSV as the publishers do (``\\n`` line ends; a UTF-8 byte-order mark when ``bom``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig" if bom else "utf-8")
