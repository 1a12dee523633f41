"""The prepare stage: find, validate and normalise every input of a data folder into typed tables.

This is the package's data API; nothing outside :mod:`pack.data` imports its modules directly.
"""

from pack.data.dataset import PINNED_DATA, Dataset, open_dataset, pinned_data_environment, resolve_data_dir
from pack.data.demo import ensure_demo_data, write_demo_data
from pack.data.entries import (
    cache_cap_bytes,
    check_cache_location,
    discard,
    entry_problems,
    evict_least_recently_used,
    is_ours,
    mark_entry,
    mark_used,
    new_entry_folder,
    process_alive,
    record_entry,
    remove_stale,
)
from pack.data.hashing import pack_code_hash, sha256_bytes, sha256_file, sha256_text
from pack.data.index import EntryIndex, record_digest, trust_problems
from pack.data.report import (
    Check,
    FileAccount,
    InputFile,
    InputQuality,
    MonthMatch,
    OutcomeJoin,
    QualityReport,
    describe_accounts,
    summarise_coverage,
)
from pack.data.specs import INPUT_NAMES, INPUTS, InputSpec, spec
from pack.data.stage import DEMO_MARKER, Prepared, listed_inputs, load_prepared, prepare

__all__ = [
    "Check",
    "FileAccount",
    "MonthMatch",
    "OutcomeJoin",
    "describe_accounts",
    "InputFile",
    "InputQuality",
    "QualityReport",
    "DEMO_MARKER",
    "INPUTS",
    "INPUT_NAMES",
    "PINNED_DATA",
    "Dataset",
    "InputSpec",
    "Prepared",
    "cache_cap_bytes",
    "discard",
    "ensure_demo_data",
    "EntryIndex",
    "check_cache_location",
    "is_ours",
    "mark_entry",
    "new_entry_folder",
    "record_digest",
    "trust_problems",
    "entry_problems",
    "evict_least_recently_used",
    "listed_inputs",
    "load_prepared",
    "mark_used",
    "open_dataset",
    "pack_code_hash",
    "pinned_data_environment",
    "prepare",
    "process_alive",
    "record_entry",
    "remove_stale",
    "resolve_data_dir",
    "sha256_bytes",
    "sha256_file",
    "sha256_text",
    "spec",
    "summarise_coverage",
    "write_demo_data",
]
