"""The prepare stage: find, validate and normalise every input of a data folder into typed tables.

This is the package's data API; nothing outside :mod:`pack.data` imports its modules directly.
"""

from pack.data.dataset import DATA_DIR_REDIRECT, Dataset, open_dataset, resolve_data_dir
from pack.data.demo import ensure_demo_data, write_demo_data
from pack.data.hashing import pack_code_hash, sha256_file, sha256_text
from pack.data.report import Check, InputFile, InputQuality, QualityReport, summarise_coverage
from pack.data.specs import INPUT_NAMES, INPUTS, InputSpec, spec
from pack.data.stage import DEMO_MARKER, Prepared, prepare

__all__ = [
    "DATA_DIR_REDIRECT",
    "Check",
    "InputFile",
    "InputQuality",
    "QualityReport",
    "DEMO_MARKER",
    "INPUTS",
    "INPUT_NAMES",
    "Dataset",
    "InputSpec",
    "Prepared",
    "ensure_demo_data",
    "open_dataset",
    "pack_code_hash",
    "prepare",
    "resolve_data_dir",
    "sha256_file",
    "sha256_text",
    "spec",
    "summarise_coverage",
    "write_demo_data",
]
