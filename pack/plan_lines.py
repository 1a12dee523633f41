"""Where a key of a plan file is written: line numbers for :mod:`pack.plan`'s errors.

``tomllib`` gives no line numbers, so the text is scanned: the plan's tables (the top level, each
``[[priorities]]``, each ``[[priorities.targets]]``) are found by their headers, and a key is the first
line defining it inside its table. Anything not found is ``None`` (an error then says "line ?"),
never a wrong number.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*(?:\"([^\"]+)\"|'([^']+)'|([A-Za-z0-9_-]+))\s*=")


class KeyLines:
    """The lines of a plan file's tables, keyed by where a table is: ``()`` the top level, ``(i,)``
    the i-th ``[[priorities]]`` (from 0), ``(i, j)`` its j-th ``[[priorities.targets]]``.

    >>> lines = KeyLines('name = "x"\\n[[priorities]]\\nnumber = 1\\nmeasures = [\\n  "a",\\n  "b",\\n]\\n')
    >>> lines.line((), "name"), lines.line((0,), "number"), lines.line((0,), "measures", "b")
    (1, 3, 6)
    >>> lines.line((1,), "number") is None, lines.header((0,))
    (True, 2)
    """

    def __init__(self, text: str) -> None:
        self._blocks: dict[tuple, list[tuple[int, str]]] = {(): []}
        self._headers: dict[tuple, int] = {}
        where: tuple = ()
        priority, target = -1, -1
        for number, line in enumerate(text.splitlines(), 1):
            header = _HEADER.match(line)
            if header and line.lstrip().startswith("["):
                name = re.sub(r"\s+", "", header.group(1))
                if name == "priorities" and line.lstrip().startswith("[["):
                    priority, target = priority + 1, -1
                    where = (priority,)
                elif name == "priorities.targets" and priority >= 0:
                    target += 1
                    where = (priority, target)
                else:
                    where = ("other", number)
                self._headers[where] = number
                self._blocks[where] = []
                continue
            self._blocks[where].append((number, line))

    def header(self, where: tuple) -> int | None:
        """The line of the table's header (``None`` for the top level or a table not found)."""
        return self._headers.get(where)

    def line(self, where: tuple, key: str, value: str | None = None) -> int | None:
        """The line defining ``key`` in the table at ``where``; with ``value``, the line of that
        quoted value in the key's list when it is written over several lines."""
        block = self._blocks.get(where, [])
        for i, (number, line) in enumerate(block):
            match = _KEY.match(line)
            if not match or next(g for g in match.groups() if g is not None) != key:
                continue
            if value is None:
                return number
            quoted = (f'"{value}"', f"'{value}'")
            for later, text in block[i:]:
                if later != number and _KEY.match(text):
                    break
                if any(q in text for q in quoted):
                    return later
            return number
        return None
