"""The office's own judgement of each priority, supplied in a file and never generated.

A Panel's performance item grades each priority in the office's words ("content", "requires
additional scrutiny"), with a short narrative and the actions taken since the last meeting. The pack
cannot know these: it shows them when the office supplies ``judgement.csv`` in the data folder and
says *not supplied* otherwise.

**Format** (UTF-8 CSV, one row per priority of the plan, any subset of them, header in this order)::

    priority,grade,narrative,actions
    Strong Local Policing,content,"Officer numbers are above target.","Scrutiny meeting on 12 March; ..."

- ``priority``: the priority's title as in the plan, or its number (1 to n); each at most once;
- ``grade``: one of :data:`GRADES` (case is ignored);
- ``narrative``: the office's summary in a few sentences (required, at most 600 characters);
- ``actions``: the actions since the last meeting, separated by ``;`` (may be empty).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pack.errors import DataError
from pack.plan import PlanPriority

JUDGEMENT_FILE = "judgement.csv"
GRADES = ("content", "requires additional scrutiny", "not content")
COLUMNS = ("priority", "grade", "narrative", "actions")
MAX_NARRATIVE = 600
NOT_SUPPLIED = "not supplied"


@dataclass(frozen=True)
class Judgement:
    """The office's judgement of one priority."""

    stem: str
    grade: str
    narrative: str
    actions: tuple[str, ...]


def _priority(value: str, path: Path, row: int, priorities: tuple[PlanPriority, ...]) -> PlanPriority:
    text = value.strip()
    for p in priorities:
        if text.casefold() in (p.title.casefold(), str(p.number)):
            return p
    raise DataError(
        f"{value!r} is not a priority of the plan",
        file=str(path),
        row=row,
        column="priority",
        expected="a priority's title or number: " + "; ".join(f"{p.number} {p.title}" for p in priorities),
    )


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"is not UTF-8 text (byte {data[exc.start]:#04x} on line {line})", file=str(path)) from exc


def parse_judgement(text: str, path: Path, priorities: tuple[PlanPriority, ...]) -> dict[str, Judgement]:
    """The judgements in ``text`` (the content of ``path``, named in errors) of the plan's ``priorities``,
    by priority stem.

    >>> from pack.plan import load_plan
    >>> j = parse_judgement("priority,grade,narrative,actions\\n2,Content,Fewer burglaries.,Met the force; Visited\\n",
    ...                     Path("judgement.csv"), load_plan().priorities)
    >>> j["02_neighbourhood_crime_asb"].grade, j["02_neighbourhood_crime_asb"].actions
    ('content', ('Met the force', 'Visited'))
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip().casefold() for c in rows[0]] != list(COLUMNS):
        raise DataError("the header is not the judgement file's", file=str(path), row=1, expected=",".join(COLUMNS))
    out: dict[str, Judgement] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            raise DataError(f"has {len(cells)} fields", file=str(path), row=number, expected=f"{len(COLUMNS)} fields")
        p = _priority(cells[0], path, number, priorities)
        if p.stem in out:
            raise DataError(f"priority {p.title!r} is given twice", file=str(path), row=number, column="priority")
        grade = " ".join(cells[1].split()).casefold()
        if grade not in GRADES:
            raise DataError(
                f"grade {cells[1]!r} is not one of the fixed list",
                file=str(path),
                row=number,
                column="grade",
                expected=", ".join(GRADES),
            )
        narrative = " ".join(cells[2].split())
        if not narrative or len(narrative) > MAX_NARRATIVE:
            raise DataError(
                f"narrative has {len(narrative)} characters",
                file=str(path),
                row=number,
                column="narrative",
                expected=f"a summary of 1 to {MAX_NARRATIVE} characters",
            )
        actions = tuple(a for a in (" ".join(x.split()) for x in cells[3].split(";")) if a)
        out[p.stem] = Judgement(p.stem, grade, narrative, actions)
    return out


def load_judgement(data_dir: Path, priorities: tuple[PlanPriority, ...]) -> dict[str, Judgement]:
    """The judgements in ``data_dir/judgement.csv`` of the plan's ``priorities`` by priority stem; empty
    when the file is absent.
    Raises :class:`DataError` (file, row, column, what was expected) for a file that breaks the format."""
    path = Path(data_dir) / JUDGEMENT_FILE
    if not path.is_file():
        return {}
    return parse_judgement(_read_text(path), path, priorities)


def judgement_rows(judgements: dict[str, Judgement], priorities: tuple[PlanPriority, ...]) -> list[dict[str, str]]:
    """One row per priority in plan order, ``not supplied`` where the office gave no judgement.

    >>> from pack.plan import load_plan
    >>> judgement_rows({}, load_plan().priorities)[0]["grade"]
    'not supplied'
    """
    rows = []
    for p in priorities:
        j = judgements.get(p.stem)
        rows.append(
            {
                "priority": p.title,
                "stem": p.stem,
                "grade": j.grade if j else NOT_SUPPLIED,
                "narrative": j.narrative if j else "",
                "actions": "; ".join(j.actions) if j else "",
            }
        )
    return rows
