"""The recursive walk: dispatch, frames with memo and cycle cutting, unordered digests.

``Spec`` (how one type is hashed) and ``Hasher`` (one traversal) live here; which spec hashes
which type is ``_dispatch.spec_for``, which the caller hands to ``Hasher``. So imports run one
way: the handler modules import this one, ``_dispatch`` imports the handlers, ``_api`` wires
``_dispatch`` into a ``Hasher``; the walk itself knows no type.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ._names import IdCache, ident
from ._output import Output
from ._wire import LEAF_BYTES, pack_Q

Body = Callable[["Hasher", Any], None]

#: Frame kinds: a leaf writes inline; a frame gets its own digest (memo, cycle cutting) and a
#: mutable frame also records the object's identity key in ``components``.
LEAF, FRAME, MUTABLE = 0, 1, 2
#: Nesting levels of frames before the rest is replaced by a marker. Python 3.10 still runs
#: each Python call on the C stack (about 3 KiB a level here, measured), so it gets a cap that
#: fits a 4 MiB thread stack; 3.11+ walks 2000 levels in a 1 MiB one.
MAX_DEPTH = 2000 if sys.version_info >= (3, 11) else 1000
#: Digests remembered by ident(), and objects numbered for back-references: both bound memory.
#: Past ENTERED_CAP a cycle is no longer recognised and ends at MAX_DEPTH, visibly.
MEMO_CAP = 1_000_000
ENTERED_CAP = 1_000_000


@dataclass(frozen=True)
class Spec:
    """How to hash one type: its tag, the body writer, its frame kind and identity key."""

    tag: bytes
    body: Body
    kind: int = LEAF
    key: Callable[[Any], int] = ident
    #: True when body copes with subclasses itself (writes the type name, reads extra state).
    subclasses: bool = False
    #: Writer for small instances holding only scalars: they are written inline, unframed,
    #: since they can neither close a cycle nor be worth memoising. Returns False (having
    #: written nothing) when the instance does not qualify; that must depend on the value only.
    flat: Callable[[Hasher, Any], bool] | None = None


class Hasher(Output):
    """One traversal of one value; handlers call back into it for children."""

    def __init__(
        self,
        spec_for: IdCache[Spec],
        budget: int,
        max_objects: int,
        max_components: int,
        deadline: float | None = None,
    ) -> None:
        super().__init__(budget, max_objects, max_components, deadline)
        #: Resolves a class to its Spec; ``_specs`` is its cache, read directly in the hot loop.
        self.spec_for = spec_for
        self._specs = spec_for.cache
        self._depth = 0
        #: Digests of subtrees that hash the same wherever they are met.
        self._memo: dict[int, bytes] = {}
        #: Entry numbers of the objects walked so far, and their ids in entry order.
        self._entered: dict[int, int] = {}
        self._order: list[int] = []
        self._pins: list[object] = []
        #: Whether the frame being written referred to an entry number.
        self._refs = False
        #: Ids of objects handlers made (``visit_made``): never listed as the value's own.
        self._made: set[int] = set()

    def visit(self, obj: object) -> None:
        """Hash any object into the current level; never raises for the object's sake."""
        if self.stopped:
            return
        self.visits += 1
        if self.visits > self.max_objects:
            self.stop("max_objects")
            return
        if not self.visits & 0xFFF and self.deadline is not None and self.late():
            return
        cls = type(obj)
        encode = LEAF_BYTES.get(ident(cls))
        if encode is not None:
            data = encode(obj)
            if data is not None:
                self.buf += data
                self.used += len(data)
                if self.used > self.budget:
                    self.stop("budget_bytes")
                return
        try:
            hit = self._specs.get(ident(cls))
            spec = hit[1] if hit is not None and hit[0] is cls else self.spec_for(cls)
            if spec.kind == LEAF:
                self.buf += spec.tag
                spec.body(self, obj)
            elif spec.flat is None or not spec.flat(self, obj):
                self.frame(obj, spec)
            elif spec.kind == MUTABLE and ident(obj) not in self._made:
                self.component(spec.key(obj))
        except Exception as exc:  # noqa: BLE001 - any failure becomes a marker, by design
            self.error(exc)

    def visit_made(self, obj: object, *, derived: bool = False) -> None:
        """Hash an object a handler made, not the value's own (the dict of an estimator's
        parameters, a state read through a method): hashed as any, but never listed in
        ``components``, for its id dies with it and would come back as another temporary's,
        a false alias. ``derived``: nothing inside is the value's own either (copies, a
        compiled object's pickled state)."""
        if derived:
            self.derived += 1
            try:
                self.visit(obj)
            finally:
                self.derived -= 1
            return
        self._made.add(ident(obj))
        self._pins.append(obj)  # its id stays its own while this traversal runs
        self.visit(obj)

    def frame(self, obj: object, spec: Spec) -> None:
        """Hash obj into its own digest; shared objects are hashed once and cycles end.

        The first entry into an object numbers it; meeting it again (a cycle, or sharing
        inside a cyclic structure) writes ``@number``, like pickle's memo, so any graph is
        walked once. A subtree that wrote no such reference hashes the same wherever it is
        met, so its digest is memoised for good and a shared copy hashes like a copy.
        Numbers depend on walk order, which ``unordered`` pins down by rolling them back
        between elements.
        """
        key = ident(obj)
        if spec.kind == MUTABLE and key not in self._made:
            self.component(spec.key(obj))
        digest = self._memo.get(key)
        if digest is not None:
            self.buf += spec.tag + digest
            return
        number = self._entered.get(key)
        if number is not None:
            self.buf += b"@" + pack_Q(number)
            self._refs = True
            return
        if self._depth >= MAX_DEPTH:
            self.reasons.add("max_depth")
            # Memo entries above this cut depend on depth; harmless, as the digest is already
            # reported incomplete, and it keeps shared deep structures from going exponential.
            self.buf += b"Z"
            return
        if len(self._order) < ENTERED_CAP:
            self._entered[key] = len(self._order)
            self._order.append(key)
            self._pins.append(obj)  # keeps its ident() unique while it is remembered
        parent = (self.buf, self.state, self._refs)
        self._depth += 1
        self.buf, self.state, self._refs = bytearray(), None, False
        try:
            spec.body(self, obj)
        except Exception as exc:  # noqa: BLE001 - a failing part becomes a marker, by design
            self.error(exc)
        finally:
            digest = self.digest()
            own_refs = self._refs
            self.buf, self.state = parent[0], parent[1]
            self._refs = parent[2] or own_refs
            self._depth -= 1
        if not own_refs and not self.stopped and len(self._memo) < MEMO_CAP:
            self._memo[key] = digest
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
        mark = len(self._order)
        for item in items:
            if self.stopped:
                break
            digests.append(self.sub_digest(write, item))
            # Forget objects first entered by this element, so the next one numbers (and
            # hashes) its objects exactly as it would have if it had come first.
            order = self._order
            while len(order) > mark:
                del self._entered[order.pop()]
        digests.sort()
        self.buf += pack_Q(len(digests)) + b"".join(digests)
