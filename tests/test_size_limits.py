"""The size check run by ``make lint`` (tools/check_sizes.py): modules and functions over their
limits are named, exceptions must give a reason and must still be needed."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_sizes", ROOT / "tools" / "check_sizes.py")
check_sizes = importlib.util.module_from_spec(_spec)
sys.modules["check_sizes"] = check_sizes  # (dataclasses look their module up there)
_spec.loader.exec_module(check_sizes)

SOURCE = textwrap.dedent(
    '''\
    import os


    @decorated
    def short():
        return 1


    class Box:
        def method(self):
            """Doc."""

            def inner():
                return 2

            return inner()
    '''
)


def test_functions_are_measured_from_def_to_their_last_line_by_qualified_name():
    # short: lines 5-6 (the decorator on line 4 not counted); Box.method: 10-16; inner: 13-14
    assert check_sizes.function_sizes(SOURCE) == {"short": 2, "Box.method": 7, "Box.method.inner": 2}


def test_over_the_limit_is_named_unless_excepted_and_a_stale_exception_is_named_too(tmp_path):
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "m.py").write_text(SOURCE)  # 16 lines
    sizes = check_sizes.measure(tmp_path)
    assert sizes["pack/m.py"] == 16 and sizes["pack/m.py:Box.method"] == 7
    limits = check_sizes.Limits(module_lines=15, function_lines=6, exceptions={})
    assert check_sizes.problems(sizes, limits) == [
        "pack/m.py: 16 lines, over the 15-line limit for a module",
        "pack/m.py:Box.method: 7 lines, over the 6-line limit for a function",
    ]
    excepted = check_sizes.Limits(15, 6, {"pack/m.py:Box.method": "one job", "pack/m.py:short": "no longer needed"})
    assert check_sizes.problems(sizes, excepted) == [
        "pack/m.py: 16 lines, over the 15-line limit for a module",
        "pack/m.py:short: named as an exception in [tool.pack-sizes.exceptions] but not over the limit",
    ]


def test_an_exception_without_a_reason_is_refused(tmp_path):
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.pack-sizes]\nmax-module-lines = 400\nmax-function-lines = 60\n\n"
        '[tool.pack-sizes.exceptions]\n"pack/a.py" = " "\n'
    )
    with pytest.raises(ValueError, match="pack/a.py: a reason is required"):
        check_sizes.read_limits(config)


def test_the_project_is_within_its_limits():
    limits = check_sizes.read_limits(ROOT / "pyproject.toml")
    assert (limits.module_lines, limits.function_lines) == (400, 60)
    assert check_sizes.problems(check_sizes.measure(ROOT), limits) == []
