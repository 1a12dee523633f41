"""A per-file result is stored as JSON data and read back exactly, for every result: the same
values, the same order of every count (the reader's insertion order), nothing else accepted.

Property: for any :class:`FileResult` hypothesis can build from its type hints (every field, the
nested file report, rejections, mends and value-domain counts included), storing and reading it
gives an equal result whose counters iterate in the same order, and the stored bytes are the same
each time. Data that do not fit the type hints (a count given as text, a field missing or added,
another key or format) are refused, not constructed.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from pack.data.parts import PARTS_FORMAT, decode_result, encode_result
from pack.data.policeuk_file import FileResult
from pack.data.readers import FileReport

KEY = "0123456789abcdef-" + "0" * 32


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(result=st.from_type(FileResult))
def test_every_result_is_stored_and_read_back_exactly(result: FileResult) -> None:
    stored = encode_result(KEY, result)
    read = decode_result(KEY, stored)
    assert read == result
    assert list(read.other_forces) == list(result.other_forces)
    assert list(read.force_counts) == list(result.force_counts)
    if result.report is not None:
        assert list(read.report.reasons) == list(result.report.reasons)
        assert list(read.report.domain_counts.variants) == list(result.report.domain_counts.variants)
    assert encode_result(KEY, read) == stored


def _stored(**changes: object) -> bytes:
    result = FileResult(report=FileReport(file="a.csv", lines=3), other_forces=Counter({"Leicestershire Police": 2}))
    data = json.loads(encode_result(KEY, result))
    for path, value in changes.items():
        where = data
        *parents, last = path.split("__")
        for name in parents:
            where = where[name]
        if value is None:
            del where[last]
        else:
            where[last] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "changes",
    [
        {"result__lost_rows": "5"},  # a count as text
        {"result__report__lines": True},  # a count as a truth value
        {"result__other_forces": [["Leicestershire Police", 2.5]]},  # a count that is not whole
        {"result__months": "2021-12"},  # a set as a string
        {"result__error": None},  # a field missing
        {"result__extra": 1},  # a field added
        {"key": "another-key"},  # another entry's result
        {"format": PARTS_FORMAT - 1},  # another format
    ],
)
def test_data_that_do_not_fit_are_refused(changes: dict) -> None:
    assert decode_result(KEY, _stored()) == decode_result(KEY, _stored())  # the unchanged data are read
    with pytest.raises(ValueError):
        decode_result(KEY, _stored(**changes))


def test_text_of_any_kind_is_stored() -> None:
    """Text that is not valid UTF-8 once encoded (a lone surrogate, as ``surrogateescape`` gives for
    a stray byte) and text beyond ASCII are stored and read back as they were."""
    result = FileResult(error="byte \udcff then Ynys Môn", other_forces=Counter({"Heddlu Dyfed-Powys ✓": 1}))
    assert decode_result(KEY, encode_result(KEY, result)) == result
