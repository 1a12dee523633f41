"""Size limits of the pack's code, checked by ``make lint``: every module of ``pack/`` at most
``max-module-lines`` lines and every function (or method) at most ``max-function-lines`` lines,
from its ``def`` line to its last line (decorators not counted, docstring counted).

The limits and the named exceptions live in ``pyproject.toml`` under ``[tool.pack-sizes]``; each
exception is a module path (``pack/data/readers.py``) or a function (``pack/cli.py:_parser``, a
method as ``path:Class.method``) with the reason it is allowed. An exception that is no longer
needed (the module or function now fits, or is gone) is an error too, so the list only shrinks.

Run: ``python tools/check_sizes.py`` (from the project root); exit status 1 when anything is over.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """The limits and the named exceptions (name: reason)."""

    module_lines: int
    function_lines: int
    exceptions: dict[str, str]


def read_limits(pyproject: Path) -> Limits:
    """``[tool.pack-sizes]`` of a pyproject.toml; a missing or blank reason is an error."""
    table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["pack-sizes"]
    exceptions = dict(table.get("exceptions", {}))
    blank = [name for name, reason in exceptions.items() if not str(reason).strip()]
    if blank:
        raise ValueError(f"{pyproject}: [tool.pack-sizes.exceptions] {', '.join(blank)}: a reason is required")
    return Limits(int(table["max-module-lines"]), int(table["max-function-lines"]), exceptions)


def function_sizes(source: str) -> dict[str, int]:
    """Lines of each function and method of a module, by qualified name (``Class.method``; a nested
    function as ``outer.inner``)."""
    sizes: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                sizes[name] = child.end_lineno - child.lineno + 1
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(source), "")
    return sizes


def measure(root: Path, package: str = "pack") -> dict[str, int]:
    """Every module's line count (``path``) and function's (``path:name``), paths relative to ``root``."""
    sizes: dict[str, int] = {}
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        source = path.read_text(encoding="utf-8")
        sizes[relative] = len(source.splitlines())
        sizes.update({f"{relative}:{name}": n for name, n in function_sizes(source).items()})
    return sizes


def problems(sizes: dict[str, int], limits: Limits) -> list[str]:
    """One line per module or function over its limit and not excepted, and per stale exception."""
    found = []
    for name, lines in sizes.items():
        limit = limits.function_lines if ":" in name else limits.module_lines
        if lines > limit and name not in limits.exceptions:
            kind = "function" if ":" in name else "module"
            found.append(f"{name}: {lines} lines, over the {limit}-line limit for a {kind}")
    for name in limits.exceptions:
        limit = limits.function_lines if ":" in name else limits.module_lines
        if sizes.get(name, 0) <= limit:
            found.append(f"{name}: named as an exception in [tool.pack-sizes.exceptions] but not over the limit")
    return found


def main(root: Path = Path(".")) -> int:
    """Print every problem; 0 when there is none."""
    found = problems(measure(root), read_limits(root / "pyproject.toml"))
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
