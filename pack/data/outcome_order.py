"""The join keys and outcome order a data.police.uk Parquet part carries, so that the aggregates
(:mod:`pack.data.aggregates`) find each crime's latest outcome with integers alone.

Every row gets the compact Crime ID key (:mod:`pack.data.keys`); an outcomes row also gets its
place in time (month, then its file's rank, then its row, packed in one integer) and its outcome
type's code (its file's rank, then the type's number within the file). A part holds neither rank
(those bits are left zero): it is the same whatever other files are beside it, so the per-file
cache (:mod:`pack.data.parts`) can reuse it; the aggregates add the rank, the part's number.
"""

from __future__ import annotations

import numpy as np
import pyarrow as arrow
import pyarrow.compute as pc

from pack.data.keys import crime_id_keys
from pack.errors import DataError

# An outcome row's place in time, for "the latest outcome of a crime": its month, then its file's
# rank among the outcomes files (by path), then its row within the file, packed in one integer.
ORDER_MONTH_SHIFT, ORDER_RANK_SHIFT = 46, 30
MAX_OUTCOME_FILES = 1 << (ORDER_MONTH_SHIFT - ORDER_RANK_SHIFT)
MAX_ROWS_PER_FILE = 1 << ORDER_RANK_SHIFT
CODE_RANK_SHIFT = 16  # an outcome type's code: its file's rank, then its number within the file
MAX_OUTCOME_TYPES_PER_FILE = 1 << CODE_RANK_SHIFT


def _month_index(months: arrow.Array) -> np.ndarray:
    """``YYYY-MM`` (validated) to ``year * 12 + month - 1``."""
    year = pc.cast(pc.utf8_slice_codeunits(months, 0, 4), arrow.int64()).to_numpy()
    month = pc.cast(pc.utf8_slice_codeunits(months, 5, 7), arrow.int64()).to_numpy()
    return year * 12 + month - 1


def with_join_keys(
    table: arrow.Table, name: str, relative: str, first_row: int, outcome_codes: dict[str, int]
) -> arrow.Table:
    """Add the compact Crime ID key (:mod:`pack.data.keys`) and, to outcomes, the order and code that
    let the aggregates find each crime's latest outcome with integers alone.

    Neither holds the file's rank among the files (its bits are left zero): a part is the same
    whatever other files are beside it, so it can be reused from the per-file cache
    (:mod:`pack.data.parts`). The aggregates add the rank, which is the part's number."""
    hi, lo = crime_id_keys(table.column("crime_id"))
    table = table.append_column("crime_key_hi", hi).append_column("crime_key_lo", lo)
    if name != "outcomes":
        return table
    rows = np.arange(first_row, first_row + table.num_rows, dtype=np.int64)
    order = (_month_index(table.column("month")) << ORDER_MONTH_SHIFT) | rows
    types = table.column("outcome_type")
    for value in pc.unique(types).to_pylist():
        outcome_codes.setdefault(value, len(outcome_codes))
    if first_row + table.num_rows > MAX_ROWS_PER_FILE or len(outcome_codes) > MAX_OUTCOME_TYPES_PER_FILE:
        raise DataError(
            f"more than {MAX_ROWS_PER_FILE:,} rows or {MAX_OUTCOME_TYPES_PER_FILE:,} outcome types: "
            "split the file by month",
            file=relative,
        )
    known = arrow.array(list(outcome_codes), types.type)
    local = pc.index_in(types, value_set=known).to_numpy(zero_copy_only=False).astype(np.int64)
    return table.append_column("outcome_order", arrow.array(order)).append_column("outcome_code", arrow.array(local))
