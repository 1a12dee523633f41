"""Checking a built public pack for suppressed counts that a reader or a screen reader can still reach.

Every text of a pack folder is read as a reader meets it (:func:`reachable_texts`): each block of
every HTML document (paragraphs, list items, table rows, captions, headings), every ``alt``,
``aria-label``, ``title`` and ``data-*`` attribute, the outputs of the executed notebooks, and each
row of every CSV table. New documents in the folder (any ``*.html``, ``*.ipynb`` or ``*.csv``) are
read the same way. The cells suppression blanked are found by comparing each public table with the
same table of a pack built without suppression (:func:`suppressed_between`); a leak is a text that
names a blanked row's label and, after it, the blanked value (:func:`find_leaks`).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

BLOCKS = frozenset(
    "p li tr caption h1 h2 h3 h4 h5 h6 figcaption summary dt dd title pre blockquote th div section".split()
)
READ_ATTRIBUTES = ("alt", "aria-label", "title", "aria-description", "placeholder")
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
NEAR = 80  # characters after a label in which its value would be read as belonging to it


@dataclass(frozen=True)
class Text:
    """One text a reader can reach: where it is and what it says."""

    where: str
    text: str


@dataclass(frozen=True)
class SuppressedCell:
    """A cell a public table blanked: the table, the row's label, the column and the value it hid."""

    table: str
    label: str
    column: str
    value: float


@dataclass(frozen=True)
class Leak:
    """A suppressed cell's value found beside its row's label in a reachable text."""

    cell: SuppressedCell
    where: str
    text: str


class _Blocks(HTMLParser):
    """Collects each block's text and every attribute a reader or screen reader is given."""

    def __init__(self, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.where, self.texts, self.stack = where, [], [[]]
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name.startswith("data-")):
                self.texts.append(Text(f"{self.where} [{tag} {name}]", value))
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in BLOCKS:
            self.stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS and len(self.stack) > 1:
            self._emit(self.stack.pop())

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.stack[-1].append(data)

    def _emit(self, parts: list[str]) -> None:
        text = " ".join(" ".join(parts).split())
        if text:
            self.texts.append(Text(f"{self.where} [text]", text))

    def close(self) -> None:
        super().close()
        while self.stack:
            self._emit(self.stack.pop())


def html_texts(markup: str, where: str) -> list[Text]:
    """The texts of an HTML document or fragment, block by block, with its read attributes."""
    parser = _Blocks(where)
    parser.feed(markup)
    parser.close()
    return parser.texts


def notebook_texts(path: Path, where: str) -> list[Text]:
    """The texts of an executed notebook's outputs (HTML read as :func:`html_texts`)."""
    texts = []
    for n, cell in enumerate(json.loads(path.read_text(encoding="utf-8")).get("cells", [])):
        for output in cell.get("outputs", []):
            data = dict(output.get("data", {}))
            if "text" in output:
                data.setdefault("text/plain", output["text"])
            for mime, value in data.items():
                value = "".join(value) if isinstance(value, list) else str(value)
                if mime == "text/html":
                    texts += html_texts(value, f"{where} cell {n}")
                elif mime.startswith("text/"):
                    texts += [Text(f"{where} cell {n}", line) for line in value.splitlines() if line.strip()]
    return texts


def reachable_texts(folder: Path) -> list[Text]:
    """Every text of a pack folder a reader or a screen reader can reach (module docstring)."""
    texts = []
    for path in sorted(folder.rglob("*")):
        where = path.relative_to(folder).as_posix()
        if path.suffix == ".html":
            texts += html_texts(path.read_text(encoding="utf-8"), where)
        elif path.suffix == ".ipynb":
            texts += notebook_texts(path, where)
        elif path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as handle:
                texts += [Text(f"{where} row {i}", ",".join(row)) for i, row in enumerate(csv.reader(handle))]
    return texts


def _label_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]


def suppressed_between(private: Path, public: Path) -> list[SuppressedCell]:
    """The cells of each public table (``tables/*.csv``) that the same table of a pack built from the
    same data without suppression shows and the public one blanks, or leaves out with its row (each
    number of such a row), with the row's label (its first text column)."""
    cells = []
    for path in sorted((public / "tables").glob("*.csv")):
        if not (private / "tables" / path.name).is_file():
            continue  # the public pack's own record (suppression.csv)
        shown, full = pd.read_csv(path), pd.read_csv(private / "tables" / path.name)
        labels = _label_columns(full)
        if not labels or list(shown.columns) != list(full.columns):
            continue
        numbers = [c for c in full.columns if c not in labels]
        if len(shown) == len(full):
            hidden = full[numbers].notna() & shown[numbers].isna()
        else:  # rows left out (a map's grid squares): those not among the shown rows
            found = full.merge(shown.drop_duplicates(), how="left", indicator=True)["_merge"] == "both"
            hidden = full[numbers].notna() & ~found.to_numpy()[:, None]
        for i, column in zip(*hidden.to_numpy().nonzero(), strict=True):
            row = full.iloc[i]
            cells.append(SuppressedCell(path.name, str(row[labels[0]]), numbers[column], float(row[numbers[column]])))
    return cells


def _matches(token: str, value: float) -> bool:
    number = float(token.replace(",", ""))
    places = len(token.split(".")[1]) if "." in token else 0
    if places == 0:
        return value.is_integer() and number == value
    return round(value, places) == number


def small_cells(cells: list[SuppressedCell], threshold: int) -> list[SuppressedCell]:
    """The blanked cells that held a count under ``threshold`` (a whole number from 1 up)."""
    return [c for c in cells if c.value.is_integer() and 0 < c.value < threshold]


def find_leaks(
    texts: list[Text], cells: list[SuppressedCell], labels: set[str] | frozenset[str] = frozenset()
) -> list[Leak]:
    """The texts that name a suppressed cell's label and, within :data:`NEAR` characters after it,
    a number that reads as its value. A label read as the start of a longer one of ``labels``
    (``Other`` in ``Other theft``) is not the cell's."""
    leaks = []
    for cell in cells:
        label = re.compile(rf"(?<!\w){re.escape(cell.label)}(?!\w)")
        longer = [x for x in labels if x.startswith(cell.label) and x != cell.label]
        for text in texts:
            for hit in label.finditer(text.text):
                if any(text.text.startswith(x, hit.start()) for x in longer):
                    continue
                after = text.text[hit.end() : hit.end() + NEAR]
                if any(_matches(m.group(), cell.value) for m in NUMBER.finditer(after)):
                    leaks.append(Leak(cell, text.where, text.text))
                    break
    return leaks


def table_labels(folder: Path) -> set[str]:
    """Every row label (first text column) of a pack's tables."""
    labels = set()
    for path in sorted((folder / "tables").glob("*.csv")):
        table = pd.read_csv(path)
        columns = _label_columns(table)
        if columns:
            labels |= set(table[columns[0]].dropna().astype(str))
    return labels


def public_pack_leaks(public: Path, private: Path, threshold: int) -> list[Leak]:
    """Every text of the public pack that gives a count it suppressed (below ``threshold``) beside
    its row's label, judged against a pack of the same data built without suppression."""
    cells = small_cells(suppressed_between(private, public), threshold)
    return find_leaks(reachable_texts(public), cells, table_labels(private))
