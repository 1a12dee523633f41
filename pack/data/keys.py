"""Compact join keys for data.police.uk Crime IDs.

A Crime ID is 64 hexadecimal characters (a SHA-256 digest). Joining tens of millions of street
records to their outcomes on those strings is slow and memory-hungry, so the prepare stage also
stores each ID as a 128-bit key in two unsigned 64-bit columns, and joins on those.

- An ID of exactly 64 lower-case hexadecimal characters (every ID data.police.uk publishes) is
  read as its 32 bytes, four little-endian 64-bit words ``w0..w3``, and each half of the key is
  ``mix(mix(mix(mix(seed ^ w0) ^ w1) ^ w2) ^ w3)`` with its own seed, where ``mix`` is
  MurmurHash3's 64-bit finaliser (a bijection). IDs that differ in one word always get different
  keys; any other two IDs share one with a chance of about 2**-128.
- Any other ID (a test file's ``c1``, upper-case hex, another system's reference) is hashed with
  BLAKE2b to 16 bytes, read the same way.
- An empty ID (anti-social behaviour has none) has no key (null).

The key depends on the ID alone, never on the file or the batch it came in, so the same crime
gets the same key in its street and outcomes files.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as arrow
import pyarrow.compute as pc

HEX_ID_LENGTH = 64

_HEX_DIGITS = b"0123456789abcdef"
_NIBBLE = np.full(256, 255, dtype=np.uint8)
for _value, _char in enumerate(_HEX_DIGITS):
    _NIBBLE[_char] = _value

_SEEDS = (0x243F6A8885A308D3, 0x13198A2E03707344)  # the key's two halves: digits of pi
_M1, _M2 = 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53


def _mix_array(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's fmix64 on a ``uint64`` array (multiplication wraps modulo 2**64, as intended)."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(_M1)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(_M2)
    return x ^ (x >> np.uint64(33))


def crime_id_keys(ids: arrow.Array | arrow.ChunkedArray) -> tuple[arrow.Array, arrow.Array]:
    """``(hi, lo)`` key columns (``uint64``, null where the ID is empty) for a column of Crime IDs, as
    the module's docstring defines them; vectorised for published (hexadecimal) IDs."""
    if isinstance(ids, arrow.ChunkedArray):
        ids = ids.combine_chunks() if ids.num_chunks else arrow.array([], arrow.string())
    ids = pc.fill_null(ids.cast(arrow.large_string()), "")
    count = len(ids)
    words = np.zeros((count, 2), dtype=np.uint64)
    lengths = pc.binary_length(ids).to_numpy(zero_copy_only=False)
    hex_shaped = lengths == HEX_ID_LENGTH
    candidates = np.flatnonzero(hex_shaped)
    valid_hex = np.zeros(0, dtype=bool)
    if len(candidates):
        chosen = ids.filter(arrow.array(hex_shaped)) if len(candidates) != count else ids
        offsets = np.frombuffer(chosen.buffers()[1], dtype=np.int64)[chosen.offset : chosen.offset + len(chosen) + 1]
        text = np.frombuffer(chosen.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        blob = text.tobytes()
        if not blob.translate(None, _HEX_DIGITS):  # all lower-case hex, as published: decode at once
            valid_hex = np.ones(len(candidates), dtype=bool)
            raw = np.frombuffer(bytes.fromhex(blob.decode("ascii")), dtype="<u8").reshape(-1, 4)
        else:
            nibbles = _NIBBLE[text.reshape(-1, HEX_ID_LENGTH)]
            valid_hex = (nibbles < 16).all(axis=1)
            raw = np.ascontiguousarray((nibbles[valid_hex, 0::2] << 4) | nibbles[valid_hex, 1::2]).view("<u8")
        for half, seed in enumerate(_SEEDS):
            state = np.full(len(raw), seed, dtype=np.uint64)
            for word in range(4):
                state = _mix_array(state ^ raw[:, word])
            words[candidates[valid_hex], half] = state
    others = np.concatenate([candidates[~valid_hex], np.flatnonzero(~hex_shaped & (lengths > 0))])
    if len(others):
        others.sort()
        digests = b"".join(
            hashlib.blake2b(value.encode("utf-8"), digest_size=16).digest()
            for value in ids.take(arrow.array(others)).to_pylist()
        )
        words[others] = np.frombuffer(digests, dtype="<u8").reshape(-1, 2)
    empty = lengths == 0
    return arrow.array(words[:, 0], mask=empty), arrow.array(words[:, 1], mask=empty)
