"""The suite's Hypothesis settings: how many examples a property test draws, and what text is.

`make test-fast` loads the ``fast`` profile (``--hypothesis-profile=fast``), as Hypothesis's
documentation suggests for the loop before each commit. A profile sets only what a test leaves
unset, so a test that asks for its own number of examples asks through :func:`examples`, which
keeps that number in `make test` (and CI) and caps it in test-fast.

Text is any character UTF-8 can write: every code point but the surrogates, Hypothesis's own
default, named here by Unicode category (:data:`ANY_CHARACTER`) and registered for ``str``. The
default finds that set by encoding each of the 1.1 million code points once per checkout: about
3 seconds in each worker of the first run of a fresh clone.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

FAST = "fast"
FAST_EXAMPLES = 20

settings.register_profile(FAST, max_examples=FAST_EXAMPLES)

ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # what UTF-8 can write: all but surrogates
st.register_type_strategy(str, st.text(ANY_CHARACTER))


def examples(n: int) -> int:
    """``n``, or at most :data:`FAST_EXAMPLES` while the fast profile is loaded (tested in
    tests/test_how_the_suite_runs.py under both profiles)."""
    return min(n, FAST_EXAMPLES) if settings.get_current_profile_name() == FAST else n
