"""Where a traversal writes: buffered bytes, the xxh3 state, the budget, and the markers."""

from __future__ import annotations

from typing import Any

import xxhash

from ._wire import CHUNK, lp_str, pack_Q


class Output:
    """Where a traversal writes: the buffer, the xxh3 state, the budget and the markers."""

    def __init__(self, budget: int, max_objects: int, max_components: int) -> None:
        self.budget = budget
        self.max_objects = max_objects
        self.max_components = max_components
        self.buf = bytearray()
        self.state: Any = None
        self.used = 0
        self.visits = 0
        self.stopped = False
        self.reasons: set[str] = set()
        self.components: set[int] = set()
        self.opaque_parts = 0
        self.error_parts = 0

    # -- output -----------------------------------------------------------------------------
    def raw(self, data: bytes) -> None:
        """Write structure (tags, lengths, child digests): not counted against the budget."""
        self.buf += data

    def name(self, text: str) -> None:
        """Write a type, attribute or module name as structure."""
        self.buf += lp_str(text)

    def write(self, data: bytes) -> None:
        """Write a small piece of the value itself, counted against the byte budget."""
        self.buf += data
        self.used += len(data)
        if self.used > self.budget:
            self.stop("budget_bytes")

    def write_buffer(self, view: memoryview) -> None:
        """Write a length-prefixed byte-format buffer (the same bytes as write(lp(data)))."""
        self.buf += pack_Q(view.nbytes)
        self.write_data(view)

    def write_data(self, view: memoryview) -> None:
        """Stream part of a value's bytes straight into xxh3, cut at the budget.

        No length prefix: a caller that splits one logical buffer into pieces (a strided
        array copied a few MB at a time) must produce the same stream as one whole write.
        """
        room = max(self.budget - self.used, 0)
        if view.nbytes > room:
            view = view[:room]
            self.stop("budget_bytes")
        if view.nbytes < 4096:
            self.buf += view
        else:
            self.flush()
            for start in range(0, view.nbytes, CHUNK):
                self.state.update(view[start : start + CHUNK])
        self.used += view.nbytes

    def flush(self) -> None:
        """Move buffered bytes into the xxh3 state (streaming equals one-shot hashing)."""
        if self.state is None:
            self.state = xxhash.xxh3_128()
        if self.buf:
            self.state.update(self.buf)
            self.buf = bytearray()

    def digest(self) -> bytes:
        """16-byte xxh3_128 of everything written at the current level."""
        if self.state is None:
            return xxhash.xxh3_128_digest(self.buf)
        self.flush()
        return bytes(self.state.digest())

    # -- bookkeeping ------------------------------------------------------------------------
    def stop(self, reason: str) -> None:
        """Stop hashing: everything after this point is left out and the digest is incomplete."""
        self.stopped = True
        self.reasons.add(reason)

    def component(self, key: int) -> None:
        """Record a mutable object's identity key; past the cap, -1 means "too wide"."""
        comps = self.components
        if key in comps or -1 in comps:
            return
        comps.add(key if len(comps) < self.max_components else -1)

    def opaque(self, type_name: str) -> None:
        """Mark a part that has no content we may read (generator, file, lock...)."""
        self.opaque_parts += 1
        self.buf += b"Q" + lp_str(f"opaque:{type_name}")

    def error(self, exc: BaseException) -> None:
        """Mark a part whose hashing raised; the value is then reported incomplete."""
        self.error_parts += 1
        self.reasons.add("errors")
        self.buf += b"E" + lp_str(f"error:{type(exc).__name__}")
