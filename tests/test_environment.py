"""Pins agree between pyproject.toml, environment.yml and requirements.lock."""

import re
import tomllib
from pathlib import Path


def pins_from_environment():
    text = Path("environment.yml").read_text(encoding="utf-8")
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^\s+- ([A-Za-z0-9_.-]+)==([^\s]+)$", text, re.M)}


def test_pyproject_and_environment_pins_agree():
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = dict(d.lower().split("==") for d in declared)
    assert all("==" in d for d in declared)
    assert pins == pins_from_environment()


def test_lock_file_matches_pins():
    lock = {}
    for line in Path("requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = version
    for name, version in pins_from_environment().items():
        assert lock[name.replace("_", "-")] == version, name
