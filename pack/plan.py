"""The Commissioner's plan as a file: a TOML file read and checked once into a :class:`Plan`.

A plan names the force, its baseline, who publishes the pack, and per priority its notebook, title,
aim, the sections its notebook runs, the measures its indicator table reports (from one catalogue,
:mod:`pack.catalogue`), its headline measures and any targets the plan sets. Every mistake is
refused in one line naming the file, the line and the key (:class:`pack.errors.PlanError`); the
default plan is Derbyshire's, ``plans/derbyshire-2021-25.toml``, commented so an office can copy it.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pack.catalogue import MEASURES, SECTIONS
from pack.config import PROJECT_ROOT
from pack.errors import PlanError
from pack.periods import Month
from pack.plan_lines import KeyLines

DEFAULT_PLAN_FILE = PROJECT_ROOT / "plans" / "derbyshire-2021-25.toml"
TARGET_KINDS = ("increase_over", "level")
_STEM = re.compile(r"^[0-9]{2}_[a-z0-9]+(_[a-z0-9]+)*$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TOP = {"name", "years", "force", "baseline_end", "publisher", "contact", "notebooks", "published", "priorities"}
_TOP_OPTIONAL = {"baseline_end", "published", "contact"}
_PRIORITY = {"number", "stem", "title", "aim", "sections", "measures", "headlines", "consultation_key", "targets"}
_PRIORITY_OPTIONAL = {"consultation_key", "targets", "headlines"}
_TARGET = {"measure", "value", "by", "kind", "base_date", "source"}
_TARGET_OPTIONAL = {"base_date"}


@dataclass(frozen=True)
class Target:
    """A target the plan sets, e.g. the officer uplift: ``value`` of ``measure`` by the date ``by``,
    either as an increase over the level at ``base_date`` (``kind`` ``increase_over``) or a ``level``."""

    measure: str
    value: float
    by: str
    kind: str
    base_date: str | None
    source: str


@dataclass(frozen=True)
class PlanPriority:
    """One priority of the plan and the notebook that reports on it."""

    number: int
    stem: str
    title: str
    aim: str
    sections: tuple[str, ...]
    measures: tuple[str, ...]
    headlines: tuple[str, ...]
    consultation_key: str | None
    targets: tuple[Target, ...] = ()

    def measures_of(self, section: str) -> tuple[str, ...]:
        """The priority's measure ids computed by ``section``, in the plan's order."""
        return tuple(m for m in self.measures if MEASURES[m].section == section)

    @property
    def mi_measures(self) -> tuple[str, ...]:
        """The priority's management-information measure ids, in the plan's order."""
        return tuple(m for m in self.measures if MEASURES[m].source == "mi")

    def target(self, measure: str) -> Target | None:
        """The plan's target on ``measure`` for this priority, if it sets one."""
        return next((t for t in self.targets if t.measure == measure), None)


@dataclass(frozen=True)
class Plan:
    """A Police and Crime Plan as the pack reports on it (see :func:`load_plan`)."""

    file: Path
    name: str
    years: str
    force: str
    baseline_end: str | None
    publisher: str
    contact: str
    notebooks: Path
    published: Path | None
    priorities: tuple[PlanPriority, ...]

    def priority(self, stem_or_number: str | int) -> PlanPriority:
        """The priority with this notebook stem or number (``KeyError`` when the plan has none)."""
        for p in self.priorities:
            if stem_or_number in (p.stem, p.number):
                return p
        raise KeyError(stem_or_number)

    @property
    def stems(self) -> tuple[str, ...]:
        """The priorities' notebook stems, in order."""
        return tuple(p.stem for p in self.priorities)

    def published_file(self, name: str) -> Path | None:
        """``<published>/<name>.csv`` when the plan has a published folder holding it, else ``None``."""
        if self.published is None:
            return None
        path = self.published / f"{name}.csv"
        return path if path.is_file() else None

    def notebook_file(self, stem: str) -> Path:
        """Where the notebook ``stem`` is: a priority's in the plan's ``notebooks`` folder, the strategic
        summary's and the claims check's (common to every plan) there too when new-plan wrote them, else
        in the project's ``notebooks/``; every
        one in ``PACK_NOTEBOOK_DIR`` when that is set (a fork's folder, or tests' broken copies)."""
        override = os.environ.get("PACK_NOTEBOOK_DIR")
        if override:
            return Path(override) / f"{stem}.ipynb"
        own = self.notebooks / f"{stem}.ipynb"
        return own if stem in self.stems or own.is_file() else PROJECT_ROOT / "notebooks" / f"{stem}.ipynb"

    def target(self, measure: str) -> Target | None:
        """The plan's target on ``measure`` in any priority, if it sets one."""
        return next((t for p in self.priorities for t in p.targets if t.measure == measure), None)


def number_in_words(n: int) -> str:
    """How many priorities, as a sentence says it: in words up to ten.

    >>> number_in_words(6), number_in_words(3), number_in_words(12)
    ('six', 'three', '12')
    """
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def plan_path(path: str | Path | None) -> Path:
    """The plan file a parameter names, absolute: ``None`` or ``""`` is :data:`DEFAULT_PLAN_FILE`; a
    relative path is found from the working folder, else from the project root."""
    if path is None or str(path) == "":
        return DEFAULT_PLAN_FILE
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return given.absolute()
    return PROJECT_ROOT / given


def plan_parameter(file: Path) -> str:
    """How a build records a plan file (the notebooks' ``plan_file``, the manifest): relative to the
    project root when inside it (the same whatever the working folder), else absolute.

    >>> plan_parameter(DEFAULT_PLAN_FILE)
    'plans/derbyshire-2021-25.toml'
    """
    try:
        return Path(file).resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(Path(file).resolve())


def load_plan(path: str | Path | None = None) -> Plan:
    """Read and check a plan file (``None`` or ``""``: the default plan, :data:`DEFAULT_PLAN_FILE`).

    Raises :class:`~pack.errors.PlanError`, one line naming the file, the line and the key, for a
    file that is missing or not TOML, a required key missing, an unknown key (a typo), a value of the
    wrong type, priorities not numbered 1..n with stems ``NN_name``, a measure not in the catalogue, a
    computed measure none of the priority's sections produces, a headline that is not among the
    priority's measures or has no better direction, a target on an unknown measure, a folder named
    that does not exist."""
    file = plan_path(path)
    shown = _shown(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"{shown}: no such plan file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{shown}: cannot read the plan file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{shown}: not a valid TOML file: {exc}") from None
    return _Reader(file, shown, KeyLines(text)).plan(data)


def _shown(file: Path) -> str:
    """The file as an error names it: relative to the working folder when inside it."""
    try:
        return file.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(file)


class _Reader:
    """Checks one parsed plan file, raising :class:`PlanError` at the first mistake."""

    def __init__(self, file: Path, shown: str, lines: KeyLines) -> None:
        self.file, self.shown, self.lines = file, shown, lines

    def fail(self, where: tuple, key: str, message: str, value: str | None = None) -> PlanError:
        """The error for ``key`` of the table at ``where`` (``()`` top level, ``(i,)`` the i-th priority,
        ``(i, j)`` its j-th target), with the line the key (or ``value`` in its list) is on."""
        line = self.lines.line(where, key, value)
        return PlanError(f"{self.shown} line {line or '?'}: {self._label(where)}{key}: {message}")

    @staticmethod
    def _label(where: tuple) -> str:
        """``priority 2 `` or ``priority 2 target 1 `` before a key's name (nothing at the top level)."""
        label = {0: "", 1: "priority {0} ", 2: "priority {0} target {1} "}[len(where)]
        return label.format(*(n + 1 for n in where))

    def keys(self, where: tuple, table: object, allowed: set[str], optional: set[str], what: str) -> dict:
        if not isinstance(table, dict):
            raise self.fail(where[:-1], what, "expected a table of keys")
        for key in table:
            if key not in allowed:
                near = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else f" (allowed: {', '.join(sorted(allowed))})"
                raise self.fail(where, key, "unknown key" + hint)
        for key in sorted(allowed - optional):
            if key not in table:
                line = self.lines.header(where)
                raise PlanError(f"{self.shown} line {line or '?'}: {self._label(where)}{key}: required key missing")
        return table

    def text(self, where: tuple, table: dict, key: str, *, optional: bool = False) -> str | None:
        value = table.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, key, f"expected a non-empty text in quotes, got {value!r}")
        return value.strip()

    def names(self, where: tuple, table: dict, key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, key, f"expected a list of names in quotes, got {value!r}")
        seen: set[str] = set()
        for v in value:
            if v in seen:
                raise self.fail(where, key, f"'{v}' is listed twice", v)
            seen.add(v)
        return tuple(value)

    def folder(self, key: str, value: str | None, must_exist: bool = True) -> Path | None:
        if value is None:
            return None
        folder = (self.file.parent / value).resolve()
        if folder.exists() and not folder.is_dir() or must_exist and not folder.is_dir():
            raise self.fail((), key, f"no such folder: {value} (resolved against the plan file's folder: {folder})")
        return folder

    def plan(self, data: dict) -> Plan:
        top = self.keys((), data, _TOP, _TOP_OPTIONAL, "plan")
        baseline = self.text((), top, "baseline_end", optional=True)
        if baseline is not None:
            try:
                baseline = str(Month.parse(baseline, "baseline"))
            except Exception as exc:  # noqa: BLE001 - the month's own message says what is wrong
                raise self.fail((), "baseline_end", f"expected a month YYYY-MM ({exc})") from None
        priorities = top["priorities"]
        if not isinstance(priorities, list) or not priorities:
            raise self.fail((), "priorities", "expected one [[priorities]] table or more")
        return Plan(
            file=self.file,
            name=self.text((), top, "name") or "",
            years=self.text((), top, "years") or "",
            force=self.text((), top, "force") or "",
            baseline_end=baseline,
            publisher=self.text((), top, "publisher") or "",
            contact=self.text((), top, "contact", optional=True) or "",
            notebooks=self.folder("notebooks", self.text((), top, "notebooks"), must_exist=False) or self.file.parent,
            published=self.folder("published", self.text((), top, "published", optional=True)),
            priorities=tuple(self.priority(i, p) for i, p in enumerate(priorities)),
        )

    def priority(self, i: int, table: object) -> PlanPriority:
        where = (i,)
        p = self.keys(where, table, _PRIORITY, _PRIORITY_OPTIONAL, "priorities")
        number = p["number"]
        if not isinstance(number, int) or isinstance(number, bool) or number != i + 1:
            raise self.fail(
                where, "number", f"expected {i + 1} (priorities are numbered 1, 2, ... in order), got {number!r}"
            )
        stem = self.text(where, p, "stem") or ""
        if not _STEM.match(stem) or not stem.startswith(f"{number:02d}_"):
            raise self.fail(
                where, "stem", f"expected the notebook's name '{number:02d}_name' (lower case, digits, _), got {stem!r}"
            )
        sections = self.names(where, p, "sections")
        for s in sections:
            if s not in SECTIONS:
                raise self.fail(where, "sections", f"unknown section '{s}' (sections: {', '.join(SECTIONS)})", s)
        measures = self.measures(where, p, sections)
        headlines = self.headlines(where, p, measures)
        targets = p.get("targets", [])
        if not isinstance(targets, list):
            raise self.fail(where, "targets", "expected [[priorities.targets]] tables")
        return PlanPriority(
            number=number,
            stem=stem,
            title=self.text(where, p, "title") or "",
            aim=self.text(where, p, "aim") or "",
            sections=sections,
            measures=measures,
            headlines=headlines,
            consultation_key=self.text(where, p, "consultation_key", optional=True),
            targets=tuple(self.target((i, j), t) for j, t in enumerate(targets)),
        )

    def measures(self, where: tuple, p: dict, sections: tuple[str, ...]) -> tuple[str, ...]:
        measures = self.names(where, p, "measures")
        if not measures:
            raise self.fail(
                where, "measures", "expected at least one measure (see the catalogue: run_pack.py measures)"
            )
        for m in measures:
            entry = MEASURES.get(m)
            if entry is None:
                near = difflib.get_close_matches(m, sorted(MEASURES), n=1)
                hint = f"did you mean '{near[0]}'? " if near else ""
                raise self.fail(
                    where, "measures", f"unknown measure '{m}' ({hint}see the catalogue: run_pack.py measures)", m
                )
            if entry.source == "computed" and entry.section not in sections:
                raise self.fail(
                    where,
                    "measures",
                    f"'{m}' is computed by the section '{entry.section}', which is not in this priority's sections",
                    m,
                )
        return measures

    def headlines(self, where: tuple, p: dict, measures: tuple[str, ...]) -> tuple[str, ...]:
        headlines = self.names(where, p, "headlines")
        for h in headlines:
            if h not in measures:
                raise self.fail(where, "headlines", f"'{h}' is not among this priority's measures", h)
            if MEASURES[h].better_when not in ("higher", "lower"):
                raise self.fail(
                    where,
                    "headlines",
                    f"'{h}' has no better direction (better_when '{MEASURES[h].better_when}'): a headline must be "
                    "a measure that is better higher or lower",
                    h,
                )
        return headlines

    def target(self, where: tuple, table: object) -> Target:
        t = self.keys(where, table, _TARGET, _TARGET_OPTIONAL, "targets")
        measure = self.text(where, t, "measure") or ""
        if measure not in MEASURES:
            raise self.fail(where, "measure", f"unknown measure '{measure}' (see the catalogue: run_pack.py measures)")
        value = t["value"]
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(where, "value", f"expected a number, got {value!r}")
        kind = self.text(where, t, "kind") or ""
        if kind not in TARGET_KINDS:
            raise self.fail(where, "kind", f"expected one of {', '.join(TARGET_KINDS)}, got {kind!r}")
        dates = {}
        for key in ("by", "base_date"):
            raw = t.get(key)
            text = raw.isoformat() if hasattr(raw, "isoformat") else raw
            if raw is not None and (not isinstance(text, str) or not _DATE.match(text)):
                raise self.fail(where, key, f"expected a date YYYY-MM-DD, got {raw!r}")
            dates[key] = text
        if dates["by"] is None:
            raise self.fail(where, "by", "expected a date YYYY-MM-DD")
        if (kind == "increase_over") != (dates["base_date"] is not None):
            raise self.fail(where, "base_date", "expected a base_date with kind 'increase_over' and none with 'level'")
        source = self.text(where, t, "source") or ""
        return Target(measure, float(value), dates["by"], kind, dates["base_date"], source)
