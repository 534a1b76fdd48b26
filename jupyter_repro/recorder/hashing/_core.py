"""The recursive walk: dispatch, frames with memo and cycle cutting, unordered digests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ._output import Output
from ._wire import LEAF_BYTES, pack_Q

Body = Callable[["Hasher", Any], None]

#: Frame kinds: a leaf writes inline; a frame gets its own digest (memo, cycle cutting) and a
#: mutable frame also records the object's identity key in ``components``.
LEAF, FRAME, MUTABLE = 0, 1, 2
#: Nesting levels of frames before the rest is replaced by a marker. Python 3.10 still runs
#: each Python call on the C stack, so it gets a shallower cap.
MAX_DEPTH = 2000 if sys.version_info >= (3, 11) else 500
#: Completed digests remembered by id(); each entry pins its object, so this bounds memory.
MEMO_CAP = 1_000_000


@dataclass(frozen=True)
class Spec:
    """How to hash one type: its tag, the body writer, its frame kind and identity key."""

    tag: bytes
    body: Body
    kind: int = LEAF
    key: Callable[[Any], int] = id
    #: True when body copes with subclasses itself (writes the type name, reads extra state).
    subclasses: bool = False
    #: Writer for small instances holding only scalars: they are written inline, unframed,
    #: since they can neither close a cycle nor be worth memoising. Returns False (having
    #: written nothing) when the instance does not qualify; that must depend on the value only.
    flat: Callable[[Hasher, Any], bool] | None = None


class Hasher(Output):
    """One traversal of one value; handlers call back into it for children."""

    def __init__(self, budget: int, max_objects: int, max_components: int) -> None:
        super().__init__(budget, max_objects, max_components)
        from ._dispatch import spec_for

        self.spec_for = spec_for
        self._specs = spec_for.cache
        self._stack: dict[int, int] = {}
        self._depth = 0
        self._low = MAX_DEPTH + 1
        self._memo: dict[int, tuple[object, bytes]] = {}
        #: Memo keys of cycle-closing subtrees, in insertion order, for ``unordered``.
        self._cyclic: list[int] = []

    def visit(self, obj: object) -> None:
        """Hash any object into the current level; never raises for the object's sake."""
        if self.stopped:
            return
        self.visits += 1
        if self.visits > self.max_objects:
            self.stop("max_objects")
            return
        cls = type(obj)
        encode = LEAF_BYTES.get(id(cls))
        if encode is not None:
            data = encode(obj)
            if data is not None:
                self.buf += data
                self.used += len(data)
                if self.used > self.budget:
                    self.stop("budget_bytes")
                return
        try:
            hit = self._specs.get(id(cls))
            spec = hit[1] if hit is not None and hit[0] is cls else self.spec_for(cls)
            if spec.kind == LEAF:
                self.buf += spec.tag
                spec.body(self, obj)
            elif spec.flat is None or not spec.flat(self, obj):
                self.frame(obj, spec)
            elif spec.kind == MUTABLE:
                self.component(spec.key(obj))
        except Exception as exc:  # noqa: BLE001 - any failure becomes a marker, by design
            self.error(exc)

    def frame(self, obj: object, spec: Spec) -> None:
        """Hash obj into its own digest so shared objects are hashed once and cycles end.

        A back-reference is written as the distance up the stack. A subtree without any
        back-reference is memoised for good: it hashes the same wherever it is met. A subtree
        that closes cycles only within itself is memoised too (so big cyclic graphs stay
        linear), but its digest depends on where the walk entered the cycle, so ``unordered``
        forgets such entries between elements: sibling order can then never leak into a hash.
        """
        ident = id(obj)
        if spec.kind == MUTABLE:
            self.component(spec.key(obj))
        hit = self._memo.get(ident)
        if hit is not None:
            self.buf += spec.tag + hit[1]
            return
        at = self._stack.get(ident)
        if at is not None:
            self.buf += b"R" + pack_Q(self._depth - at)
            self._low = min(self._low, at)
            return
        if self._depth >= MAX_DEPTH:
            self.reasons.add("max_depth")
            self.buf += b"Z"
            return
        parent = (self.buf, self.state, self._low)
        self._depth += 1
        depth = self._depth
        self._stack[ident] = depth
        self.buf, self.state, self._low = bytearray(), None, MAX_DEPTH + 1
        try:
            spec.body(self, obj)
        except Exception as exc:  # noqa: BLE001
            self.error(exc)
        finally:
            digest = self.digest()
            own_low = self._low
            self.buf, self.state = parent[0], parent[1]
            self._low = min(parent[2], own_low)
            del self._stack[ident]
            self._depth -= 1
        if own_low >= depth and not self.stopped and len(self._memo) < MEMO_CAP:
            self._memo[ident] = (obj, digest)
            if own_low <= MAX_DEPTH:
                self._cyclic.append(ident)
        self.buf += spec.tag + digest
        if len(self.buf) > (1 << 20):
            self.flush()

    def sub_digest(self, write: Callable[[Any], None], item: object) -> bytes:
        """Digest of what write(item) emits, for order-independent containers."""
        parent = (self.buf, self.state)
        self.buf, self.state = bytearray(), None
        try:
            write(item)
        finally:
            digest = self.digest()
            self.buf, self.state = parent
        return digest

    def unordered(self, items: Iterable[Any], write: Callable[[Any], None]) -> None:
        """Write a multiset of items as their sorted digests: iteration order cannot leak."""
        digests = []
        mark = len(self._cyclic)
        for item in items:
            if self.stopped:
                break
            digests.append(self.sub_digest(write, item))
            while len(self._cyclic) > mark:
                del self._memo[self._cyclic.pop()]
        digests.sort()
        self.buf += pack_Q(len(digests)) + b"".join(digests)
