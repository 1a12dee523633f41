"""The store: content hashes and self-checking cache entries, shared by the prepare stage
(:mod:`pack.data`) and the pipeline's notebook cache (:mod:`pack.pipeline.cache`).

- :mod:`pack.store.hashing`: SHA-256 of files, bytes, text and the pack's own code, with a memo so an
  unchanged file is hashed once;
- :mod:`pack.store.entries`: cache entries that record every file's size and SHA-256 and are checked
  before use, sealed single-file entries, least-recently-used eviction beyond a size cap, and the
  folders left by killed processes (leftovers) removed; only entries marked as the cache's own are
  ever removed;
- :mod:`pack.store.index`: each cache folder's index of entry digests, kept outside the entries.

It sits below both its users and imports nothing of the pack but :mod:`pack.config`.
"""

from pack.store.entries import (
    RECORD,
    SEALED,
    USED,
    cache_cap_bytes,
    check_cache_location,
    discard,
    entry_problems,
    evict_least_recently_used,
    is_ours,
    mark_entry,
    mark_used,
    new_entry_folder,
    process_alive,
    read_record,
    read_sealed,
    record_entry,
    remove_stale,
    write_sealed,
)
from pack.store.hashing import (
    file_state,
    memo_key,
    memoised_sha256,
    memoised_sha256_many,
    pack_code_hash,
    remember_sha256,
    sha256_bytes,
    sha256_file,
    sha256_text,
)
from pack.store.index import EntryIndex, record_digest, trust_problems

__all__ = [
    "EntryIndex",
    "check_cache_location",
    "is_ours",
    "mark_entry",
    "new_entry_folder",
    "record_digest",
    "trust_problems",
    "RECORD",
    "SEALED",
    "USED",
    "cache_cap_bytes",
    "discard",
    "entry_problems",
    "evict_least_recently_used",
    "file_state",
    "mark_used",
    "memo_key",
    "memoised_sha256",
    "memoised_sha256_many",
    "pack_code_hash",
    "process_alive",
    "read_record",
    "read_sealed",
    "record_entry",
    "remember_sha256",
    "remove_stale",
    "sha256_bytes",
    "sha256_file",
    "sha256_text",
    "write_sealed",
]
