"""Compact Crime ID keys (pack.data.keys) and the latest-outcome join built on them."""

import hashlib

import pandas as pd
import pyarrow as arrow
import pytest
from csvs import OUTCOME_HEADER, STREET_HEADER, outcome_row, street_row, write

from pack.data.keys import crime_id_keys
from pack.data.stage import prepare

PUBLISHED = "dd28468cf7982934c421e798e6f3dd2905b29c11544fbf6f58a9e5558aaea4fe"
SEEDS = (0x243F6A8885A308D3, 0x13198A2E03707344)  # the key's two halves: digits of pi


def fmix64(x: int) -> int:
    """MurmurHash3's finaliser, written out again here on Python integers."""
    x = ((x ^ (x >> 33)) * 0xFF51AFD7ED558CCD) % 2**64
    x = ((x ^ (x >> 33)) * 0xC4CEB9FE1A85EC53) % 2**64
    return x ^ (x >> 33)


def crime_id_key(crime_id: str) -> tuple[int, int] | None:
    """The reference for one ID, written from the rule in pack.data.keys' docstring, one ID at a time."""
    if not crime_id:
        return None
    if len(crime_id) == 64 and all(c in "0123456789abcdef" for c in crime_id):
        raw = bytes.fromhex(crime_id)
        words = [int.from_bytes(raw[i : i + 8], "little") for i in range(0, 32, 8)]
        halves = []
        for state in SEEDS:
            for word in words:
                state = fmix64(state ^ word)
            halves.append(state)
        return halves[0], halves[1]
    digest = hashlib.blake2b(crime_id.encode("utf-8"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


def key_of(crime_id: str) -> tuple[int, int] | None:
    """The pack's key for one ID (its column function on a column of one)."""
    hi, lo = crime_id_keys(arrow.array([crime_id]))
    return None if hi[0].as_py() is None else (hi[0].as_py(), lo[0].as_py())


def test_a_published_id_is_its_four_words_mixed_into_each_half():
    raw = bytes.fromhex(PUBLISHED)
    words = [int.from_bytes(raw[i : i + 8], "little") for i in range(0, 32, 8)]
    # by hand: the words are the bytes of each 16-hex-digit run, read back to front
    assert words == [0x342998F78C4628DD, 0x29DDF3E698E721C4, 0x6FBF4F54119CB205, 0xFEA4AE8A55E5A958]
    halves = []
    for seed in SEEDS:
        for word in words:
            seed = fmix64(seed ^ word)
        halves.append(seed)
    assert key_of(PUBLISHED) == tuple(halves)


def test_other_ids_are_hashed_and_empty_ids_have_no_key():
    digest = hashlib.blake2b(b"c1", digest_size=16).digest()
    assert key_of("c1") == (int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little"))
    upper = PUBLISHED.upper()  # not how data.police.uk writes IDs: hashed, so it cannot meet the lower-case ID
    assert key_of(upper) != key_of(PUBLISHED)
    assert key_of("") is None


@pytest.mark.parametrize("kind", [arrow.string(), arrow.large_string()])
def test_the_column_version_matches_the_reference_value_by_value(kind):
    ids = [
        PUBLISHED,
        "",
        "c1",
        PUBLISHED.upper(),
        "g" + PUBLISHED[1:],
        "crime-é",
        PUBLISHED[:63],
        "x" * 200,
        "0" * 64,
        PUBLISHED,
    ]
    column = arrow.array(ids, kind)
    hi, lo = crime_id_keys(arrow.chunked_array([column.slice(0, 4), column.slice(4)]))  # two chunks, offsets
    got = [None if h is None else (h, lo_) for h, lo_ in zip(hi.to_pylist(), lo.to_pylist(), strict=True)]
    assert got == [crime_id_key(i) for i in ids]
    assert hi.type == arrow.uint64() and hi.null_count == 1


def test_ids_differing_in_one_or_two_characters_get_different_keys():
    """Every ID one character away from a published one, and every ID that changes the same
    position of two different words by the same digit (the pairs a simple XOR fold would merge)."""
    variants = {PUBLISHED}
    for position in range(64):
        for digit in "0123456789abcdef":
            variants.add(PUBLISHED[:position] + digit + PUBLISHED[position + 1 :])
            for other in range(position % 16, 64, 16):
                if other > position:
                    pair = list(PUBLISHED)
                    pair[position] = pair[other] = digit
                    variants.add("".join(pair))
    hi, lo = crime_id_keys(arrow.array(sorted(variants)))
    assert len(variants) > 2000
    assert len(set(zip(hi.to_pylist(), lo.to_pylist(), strict=True))) == len(variants)


def test_latest_outcome_is_the_last_month_then_the_later_row_whatever_the_id_form(tmp_path):
    """Two crimes, one with a published (hex) ID and one with a short ID; outcomes in two months
    and two in one month: the later month wins, then the later row of the same file."""
    data = tmp_path / "data"
    write(
        data,
        "2024-01/2024-01-derbyshire-street.csv",
        STREET_HEADER
        + street_row(PUBLISHED, "2024-01", crime_type="Burglary")
        + street_row("c1", "2024-01", crime_type="Robbery"),
    )
    write(
        data,
        "2024-01/2024-01-derbyshire-outcomes.csv",
        OUTCOME_HEADER
        + outcome_row(PUBLISHED, "2024-01", "Suspect charged")
        + outcome_row("c1", "2024-01", "Under investigation")
        + outcome_row("c1", "2024-01", "Unable to prosecute suspect"),
    )
    write(
        data,
        "2024-02/2024-02-derbyshire-outcomes.csv",
        OUTCOME_HEADER + outcome_row(PUBLISHED, "2024-02", "Offender given a caution"),
    )
    joined = pd.read_parquet(prepare(data).path / "crime_outcomes.parquet").set_index("crime_type")
    assert joined.loc["Burglary", "outcome_type"] == "Offender given a caution"
    assert joined.loc["Robbery", "outcome_type"] == "Unable to prosecute suspect"
    assert joined["n"].tolist() == [1, 1]
