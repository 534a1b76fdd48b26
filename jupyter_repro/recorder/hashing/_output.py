"""Where a traversal writes: buffered bytes, the xxh3 state, the budget, and the markers."""

from __future__ import annotations

import time
from typing import Any

import xxhash

from ._names import ident
from ._wire import CHUNK, lp_str, pack_Q


class Output:
    """Where a traversal writes: the buffer, the xxh3 state, the budget and the markers."""

    def __init__(
        self, budget: int, max_objects: int, max_components: int, deadline: float | None = None
    ) -> None:
        self.budget = budget
        self.max_objects = max_objects
        self.max_components = max_components
        #: time.perf_counter() value past which hashing stops ("time_budget"); None: no limit.
        self.deadline = deadline
        #: Only the mutable objects the value reaches are wanted (``reachable``), not its
        #: content: value bytes are skipped, and so is work whose only product is bytes.
        self.shallow = False
        self.buf = bytearray()
        self.state: Any = None
        self.used = 0
        self.visits = 0
        self.stopped = False
        self.reasons: set[str] = set()
        self.components: set[int] = set()
        #: Inside a value a handler derived (``Hasher.visit_made``): nothing is listed.
        self.derived = 0
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
        if self.shallow:
            return
        room = max(self.budget - self.used, 0)
        if view.nbytes > room:
            view = view[:room]
            self.stop("budget_bytes")
        if view.nbytes < 4096:
            self.buf += view
        else:
            self.flush()
            for start in range(0, view.nbytes, CHUNK):
                if start and self.late():
                    # Cut at a chunk boundary: the digest is incomplete and says why.
                    self.used += start
                    return
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
    def late(self) -> bool:
        """True (and hashing stopped) once the deadline has passed."""
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.stop("time_budget")
            return True
        return False

    def stop(self, reason: str) -> None:
        """Stop hashing: everything after this point is left out and the digest is incomplete."""
        self.stopped = True
        self.reasons.add(reason)

    def component(self, key: int) -> None:
        """Record a mutable object's identity key; past the cap, -1 means "too wide"."""
        comps = self.components
        if key in comps or -1 in comps or self.derived:
            return
        comps.add(key if len(comps) < self.max_components else -1)
        if self.shallow and -1 in comps:
            self.stop("components")  # "too many to list" is all there is left to learn

    def components_of(self, objects: list[Any]) -> None:
        """Record the ids of many mutable objects at once (C speed), or -1 past the cap."""
        comps = self.components
        if -1 in comps or not objects or self.derived:
            return
        if len(comps) + len(objects) > self.max_components:
            comps.add(-1)  # never builds a set of millions of ids only to throw it away
            if self.shallow:
                self.stop("components")
            return
        comps.update(map(ident, objects))

    def opaque(self, type_name: str) -> None:
        """Mark a part that has no content we may read (generator, file, lock...)."""
        self.opaque_parts += 1
        self.buf += b"Q" + lp_str(f"opaque:{type_name}")

    def error(self, exc: BaseException) -> None:
        """Mark a part whose hashing raised; the value is then reported incomplete."""
        self.error_parts += 1
        self.reasons.add("errors")
        self.buf += b"E" + lp_str(f"error:{type(exc).__name__}")
