"""The prepare stage: find, validate and normalise every input of a data folder into typed tables.

This is the package's data API; nothing outside :mod:`pack.data` imports its modules directly.
"""

from pack.data.dataset import PINNED_DATA, Dataset, open_dataset, pinned_data_environment, resolve_data_dir
from pack.data.demo import ensure_demo_data, write_demo_data
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
    "ensure_demo_data",
    "listed_inputs",
    "load_prepared",
    "open_dataset",
    "pinned_data_environment",
    "prepare",
    "resolve_data_dir",
    "spec",
    "summarise_coverage",
    "write_demo_data",
]
