"""The suppression rule against a reader who does arithmetic: totals minus shown cells, percentages
times their bases, rates times populations. The attacker here is written independently of the rule
(it enumerates every value the blanks could take), so the property fails if any suppressed count
can be worked back."""

from __future__ import annotations

import itertools

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.disclosure import SHARES_ATTR, suppress_small_counts


def recovered(
    true: list[float], shown: list[bool], threshold: int, ordered: bool = True, free: frozenset[int] = frozenset()
) -> list[int]:
    """The blanked small counts (positions) a reader can pin to one value, knowing the column's
    total, its shown cells, and the published rule: blanks are never zero and none exceeds the
    smallest shown non-zero count; at least one blank is below the threshold; with ``ordered``, the
    order of the blanks' true values (a table sorted by count shows it). Positions in ``free`` were
    blanked for another reason (their base): anything from 0 to the column's total."""
    blanks = [i for i, s in enumerate(shown) if not s]
    if not blanks:
        return []
    total = sum(true)
    rest = int(total - sum(v for v, s in zip(true, shown, strict=True) if s))
    shown_nonzero = [v for v, s in zip(true, shown, strict=True) if s and v > 0]
    upper = int(min(shown_nonzero)) if shown_nonzero else rest
    ranges = [range(0, rest + 1) if i in free else range(1, upper + 1) for i in blanks]
    ruled = [i for i in blanks if i not in free]
    feasible: dict[int, set[int]] = {i: set() for i in blanks}
    for head in itertools.product(*ranges[:-1]):
        last = rest - sum(head)
        if last not in ranges[-1]:
            continue
        guess = dict(zip(blanks, [*head, last], strict=True))
        if ruled and min(guess[i] for i in ruled) >= threshold:
            continue
        if ordered and any(guess[i] > guess[j] for i in blanks for j in blanks if true[i] < true[j]):
            continue
        for i in blanks:
            feasible[i].add(guess[i])
    return [i for i in blanks if i not in free and true[i] < threshold and len(feasible[i]) == 1]


def test_the_lone_small_count_and_its_next_smallest_are_blanked() -> None:
    """3 of (3, 12, 40) at threshold 5: blanking 3 alone gives it away (total 55 minus 52); with 12,
    the two blanks sum to 15, each from 1 to 40 (the smallest shown): the 3 is any of 1..7."""
    table = pd.DataFrame({"district": ["a", "b", "c"], "n": [3, 12, 40]})
    assert suppress_small_counts(table, ["n"], 5)["n"].isna().tolist() == [True, True, False]


def test_a_secondary_equal_to_a_shown_count_is_not_enough() -> None:
    """4, 5, 5, 40 at threshold 5: blanks 4 and one 5 sum to 9, and a blank is at most 5 (the other
    5 is shown): the smaller blank must be 4. The other 5 goes too (worked by hand: the three
    blanks sum to 14, the smallest is anything from 1 to 4)."""
    table = pd.DataFrame({"g": list("abcd"), "n": [4, 5, 5, 40]})
    out = suppress_small_counts(table, ["n"], 5)
    assert out["n"].isna().tolist() == [True, True, True, False]
    assert recovered([4, 5, 5, 40], [False, False, True, True], 5) == [0]  # the old rule's blanks leak
    assert recovered([4, 5, 5, 40], [False, False, False, True], 5) == []


def test_a_zero_is_never_the_secondary_cell() -> None:
    """0 beside a lone 2: blanking the zero would give 2 = total minus the rest; the 7 goes instead."""
    table = pd.DataFrame({"g": list("abcd"), "n": [2, 0, 7, 30]})
    assert suppress_small_counts(table, ["n"], 5)["n"].isna().tolist() == [True, False, True, False]


def test_a_share_whose_numerator_is_small_is_suppressed() -> None:
    """``Other,36,13.9``: 13.9% of 36 searches is 5 arrests, below 10: the share is blanked, and so
    is the next-smallest arrest count's share (else the total of arrests gives the 5 back)."""
    table = pd.DataFrame(
        {"group": ["White", "Asian", "Other"], "searches": [1926, 173, 36], "arrest_pct": [13.8, 12.7, 13.9]}
    )
    table.attrs[SHARES_ATTR] = {"arrest_pct": "searches"}
    out = suppress_small_counts(table, ["searches"], 10)
    assert out["searches"].tolist() == [1926, 173, 36]
    assert out["arrest_pct"].isna().tolist() == [False, True, True]


counts = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5)


@settings(max_examples=examples(100), deadline=None)
@given(values=counts, threshold=st.integers(min_value=2, max_value=6))
def test_no_blanked_count_can_be_worked_back_from_the_total(values: list[int], threshold: int) -> None:
    table = pd.DataFrame({"g": [f"g{i}" for i in range(len(values))], "n": values})
    out = suppress_small_counts(table, ["n"], threshold)
    shown = out["n"].notna().tolist()
    assert all(s or 0 < v for v, s in zip(values, shown, strict=True))  # zeros are never blanked
    assert all(not s for v, s in zip(values, shown, strict=True) if 0 < v < threshold)  # small ones are
    if any(s and v > 0 for v, s in zip(values, shown, strict=True)):  # else the total alone says it (not this table)
        assert recovered([float(v) for v in values], shown, threshold) == []


@settings(max_examples=examples(100), deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(1, 40), st.integers(0, 12), st.integers(500, 5000)), min_size=1, max_size=5),
    threshold=st.integers(min_value=2, max_value=6),
)
def test_no_blanked_count_can_be_worked_back_from_shares_or_rates(
    rows: list[tuple[int, int, int]], threshold: int
) -> None:
    """A row: searches, arrests among them (shown only as a share), residents; the rate per 1,000."""
    searches = [r[0] for r in rows]
    arrests = [min(r[1], r[0]) for r in rows]
    table = pd.DataFrame(
        {
            "group": [f"g{i}" for i in range(len(rows))],
            "searches": searches,
            "arrest_pct": [a / s * 100 for a, s in zip(arrests, searches, strict=True)],
            "residents": [r[2] for r in rows],
            "per_1000": [s / r[2] * 1000 for s, r in zip(searches, rows, strict=True)],
        }
    )
    table.attrs[SHARES_ATTR] = {"arrest_pct": "searches"}
    out = suppress_small_counts(table, ["searches"], threshold, derived=["arrest_pct", "per_1000"])
    shown = out["searches"].notna()
    # rates times populations give back only the counts that are shown
    from_rates = (out["per_1000"] * out["residents"] / 1000).round()
    assert (from_rates[from_rates.notna()] == out["searches"][from_rates.notna()]).all()
    if (shown & (out["searches"] > 0)).any():
        assert recovered([float(s) for s in searches], shown.tolist(), threshold) == []
    # percentages times bases: the arrests a reader can work out, then the total of arrests
    share_shown = out["arrest_pct"].notna().tolist()
    base_blanked = frozenset(i for i, s in enumerate(shown) if not s)
    if any(s and a > 0 for a, s in zip(arrests, share_shown, strict=True)):
        assert recovered([float(a) for a in arrests], share_shown, threshold, False, base_blanked) == []
