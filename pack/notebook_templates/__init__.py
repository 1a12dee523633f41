"""Each section of a priority notebook, once, as a small template (``<section>.toml`` beside this file).

A section template holds what the section contributes to a notebook: the phrase that describes it in
the notebook's opening sentence, its imports and setup lines (the inputs it reads), the line that adds
its rows to the indicator table, its sentences for the indicator table's note, its cells (markdown and
code, in notebook order), its data-quality caveats and inputs, and its method bullets. ``common.toml``
holds the parts every priority notebook has; ``summary.toml`` and ``claims.toml`` the two notebooks that
are the same for every plan. :mod:`pack.notebook_templates.assemble` writes notebooks from them.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pack.catalogue import SECTIONS

TEMPLATE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Cell:
    """One cell of a template: its id (unique within the notebook once prefixed), kind, tags, source."""

    id: str
    kind: str  # "markdown" or "code"
    source: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """What one section contributes to a priority notebook."""

    name: str
    describes: str
    inputs: tuple[str, ...]
    imports: tuple[str, ...]
    setup: tuple[str, ...]
    rows: tuple[str, ...]
    indicators: str
    rates_per_resident: bool
    caveats: tuple[str, ...]
    method: tuple[str, ...]
    tests: tuple[str, ...]
    cells: tuple[Cell, ...]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.splitlines() if line.strip())


def _cells(items: list[dict]) -> tuple[Cell, ...]:
    return tuple(Cell(c["id"], c["type"], c["source"].strip("\n"), tuple(c.get("tags", ()))) for c in items)


@functools.cache
def read_template(name: str) -> dict:
    """The parsed ``<name>.toml`` of this folder."""
    with (TEMPLATE_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def section(name: str) -> Section:
    """The template of section ``name`` (one of :data:`pack.catalogue.SECTIONS`)."""
    if name not in SECTIONS:
        raise KeyError(f"no section template {name!r} (sections: {', '.join(SECTIONS)})")
    t = read_template(name)
    return Section(
        name=name,
        describes=t["describes"].strip(),
        inputs=tuple(t["inputs"]),
        imports=tuple(t["imports"]),
        setup=_lines(t["setup"]),
        rows=_lines(t["rows"]),
        indicators=t["indicators"].strip(),
        rates_per_resident=bool(t["rates_per_resident"]),
        caveats=tuple(t["caveats"]),
        method=tuple(t["method"]),
        tests=tuple(t["tests"]),
        cells=_cells(t["cells"]),
    )


def common() -> dict:
    """The parts every priority notebook has (``common.toml``), stripped of surrounding blank lines."""
    return {k: v.strip("\n") for k, v in read_template("common").items()}


def fixed_notebook(name: str) -> tuple[int, str, tuple[Cell, ...]]:
    """``(header, start imports, cells)`` of ``summary`` or ``claims``: the parameters and start cells
    go after the first ``header`` cells."""
    t = read_template(name)
    return int(t["header"]), t["start_imports"], _cells(t["cells"])
