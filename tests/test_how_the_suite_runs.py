"""How the suite runs: test-fast draws at most 20 examples a property (`make test` each test's own), and
pytest-xdist keeps a group of tests on one worker.

A Hypothesis profile sets only what a test leaves unset, so a test asking for 150 examples would
draw 150 in test-fast too; the tests ask through ``hypothesis_profiles.examples``. These tests check
that helper under both profiles, and that no test file asks for more than the fast cap without it;
and that a test marked with an ``xdist_group`` carries its group where the scheduler reads it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FAST, FAST_EXAMPLES, examples

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def profile():
    """Load a profile for one test, and the one in use before it afterwards."""
    before = settings.get_current_profile_name()
    yield settings.load_profile
    settings.load_profile(before)


def test_the_fast_profile_caps_a_tests_own_number_and_the_default_keeps_it(profile) -> None:
    profile(FAST)
    assert (examples(150), examples(12), FAST_EXAMPLES) == (20, 12, 20)
    assert settings().max_examples == 20  # a test that sets no number
    profile("default")
    assert (examples(150), examples(12)) == (150, 12)
    assert settings().max_examples == 100


def test_no_test_asks_for_more_examples_than_the_fast_cap_but_through_examples() -> None:
    literal = re.compile(r"max_examples\s*=\s*([0-9_]+)")
    over = [
        f"{path.name}:{n}: max_examples={m[1]}"
        for path in sorted(TESTS.glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in literal.finditer(line)
        if int(m[1].replace("_", "")) > FAST_EXAMPLES
    ]
    assert over == []


@given(text=st.from_type(str))
def test_text_is_always_writable_as_utf8(text: str) -> None:
    assert text.encode("utf-8").decode("utf-8") == text  # no surrogate: what UTF-8 cannot write


def test_text_reaches_beyond_ascii_and_the_basic_plane() -> None:
    for beyond in (lambda c: 0x7F < ord(c) <= 0xFFFF, lambda c: ord(c) > 0xFFFF):
        found = find(st.from_type(str), lambda s, beyond=beyond: any(map(beyond, s)))
        assert len(found) == 1 and beyond(found)


@pytest.mark.xdist_group("suite-groups")
def test_xdist_keeps_a_group_on_one_worker(request: pytest.FixtureRequest) -> None:
    """With ``--dist loadgroup`` (make test, test-fast) pytest-xdist marks a grouped test's node ID with
    its group, which is how its scheduler keeps a group (and the pack the group's tests share) on one
    worker. pytest 9.2.0 ignores that edit, and the groups are spread over the workers in silence, each
    building the group's pack again (pytest-xdist issue 1386): the pinned pytest is 9.1.1."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@suite-groups")
