"""The README's "What is where" names every module of the package, so a newcomer finds each one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _what_is_where() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What is where", 1)[1]
    return section.split("\n## ", 1)[0]


def test_every_module_and_sub_package_is_named_in_what_is_where() -> None:
    section = _what_is_where()
    named = set(re.findall(r"[\w]+\.py|[\w]+/", section))
    missing = []
    for path in sorted((ROOT / "pack").rglob("*.py")):
        relative = path.relative_to(ROOT / "pack")
        if "demo" in relative.parts[:-1]:
            continue  # the demonstration data's generator: named as one folder, demo/
        if path.name == "__init__.py":
            if relative.parent != Path(".") and f"{relative.parent.name}/" not in named:
                missing.append(relative.parent.as_posix() + "/")
        elif path.name not in named:
            missing.append(relative.as_posix())
    assert missing == []
