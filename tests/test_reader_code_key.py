"""The per-file cache's key covers the code of every module the reader imports: a change to any of
them (a hashing rule, an entry's check, a foundation module) is a new key, never a stale part."""

from __future__ import annotations

from pathlib import Path

import grimp

import pack
from pack.data.parts import reader_sources

PACKAGE = Path(pack.__file__).resolve().parent


def _module_file(module: str) -> Path:
    """The source file of a module of the pack (a package's __init__.py)."""
    relative = Path(*module.split(".")[1:])
    package = PACKAGE / relative / "__init__.py"
    return package if package.is_file() else (PACKAGE / relative).with_suffix(".py")


def test_every_module_the_reader_imports_is_in_its_code_key() -> None:
    graph = grimp.build_graph("pack")
    reader = {m for m in graph.modules if m == "pack.data" or m.startswith("pack.data.")}
    imported = set().union(*(graph.find_upstream_modules(m) for m in reader)) | reader
    needed = {_module_file(m) for m in imported if m != "pack"}
    hashed = {p.resolve() for p in reader_sources()}
    missing = sorted(p.relative_to(PACKAGE).as_posix() for p in needed - hashed)
    assert missing == []
