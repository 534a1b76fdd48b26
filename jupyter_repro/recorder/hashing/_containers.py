"""Plain Python containers at C speed: trees of lists and tuples, and a canonical order.

Walking a list of a million small lists one Python call per element costs seconds. These
routes look at a structure one level at a time, with C-level passes only:

* ``tree``: a sequence whose elements are, at any depth, only lists, tuples and scalars (int,
  float, complex, str, bytes, bytearray, bool, None) is checked level by level, each level's
  items listed by one ``gc.get_referents`` call and its types counted, then written as one
  ``pickle`` stream fed straight into xxh3. Pickle writes those exact builtin types itself and
  asks ``reducer_override`` about anything else, which refuses: the stream can hold nothing
  else. Fast mode keeps no memo, so a shared object is written like a copy, as the walk does.
  Dicts and sets are refused by the census: pickle writes them in iteration order.
* ``canonical_order``: dict keys and set elements that are scalars or tuples of scalars are
  ordered by their ``marshal`` bytes (version 2 writes no references and floats exactly), an
  order that depends neither on insertion nor on the string hash seed.

Which route a value takes depends on the value alone, and each route writes its own marker, so
equal values always hash equal and different routes can never collide.
"""

from __future__ import annotations

import gc
import marshal
import pickle
import time
from collections.abc import Sequence
from itertools import compress, repeat
from operator import is_
from typing import Any

import xxhash

from ._core import Hasher
from ._names import ident

#: Sequences shorter than this are walked: the census would cost more than it saves.
MIN_TREE = 32
#: Levels of nesting the census follows; deeper (or cyclic) structures are walked.
MAX_LEVELS = 48
#: Objects the census looks at before it gives up (or 8 per element, if more).
MAX_TREE = 1_000_000
#: Scalar types: not tracked by the garbage collector, so they have no referents.
_SCALARS = (int, float, complex, str, bytes, bool, type(None))
_MUTABLE = (list, bytearray)  # exact types: the census admits no subclass
_MUTABLE_KINDS = frozenset(map(ident, _MUTABLE))
_TREE_KINDS = frozenset(map(ident, (*_SCALARS, list, tuple, bytearray)))
_SCALAR_KINDS = frozenset(map(ident, _SCALARS))
_KEY_KINDS = frozenset(map(ident, (*_SCALARS, tuple)))
_PROTOCOL = 5
#: A low estimate of one C-level pass over one object (census, referents, pickle), to stop
#: before a pass that cannot finish in time rather than after it.
_SECONDS_PER_OBJECT = 3e-8


class _Refused(Exception):
    """The pickle stream met an object that is not a plain builtin: walk the value instead."""


class _TooBig(Exception):
    """The stream passed the byte budget."""


class _Plain(pickle.Pickler):
    """A pickler that writes only what pickle handles natively (exact builtin types)."""

    def reducer_override(self, obj: Any) -> Any:
        raise _Refused(type(obj).__name__)


class _Late(Exception):
    """The deadline passed while the stream was written."""


class _Sink:
    """File-like end of the pickle stream: counts bytes, feeds them to xxh3, and stops the
    stream at the byte budget or the deadline (pickle writes it in frames of about 64 KiB)."""

    __slots__ = ("deadline", "limit", "size", "state")

    def __init__(self, limit: int, deadline: float | None) -> None:
        self.state = xxhash.xxh3_128()
        self.size = 0
        self.limit = limit
        self.deadline = deadline

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooBig
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise _Late
        self.state.update(data)
        return len(data)


def _census(level: list[Any], allowed: frozenset[int]) -> tuple[set[int], list[type]] | None:
    """(ids of the kinds, types) of one level's objects; None when a kind outside ``allowed``
    is there. Types are compared by identity only: a user metaclass's __eq__ or __hash__
    never runs."""
    types = list(map(type, level))
    first = types[0]
    if all(map(is_, types, repeat(first))):
        kinds = {ident(first)}
    else:
        kinds = set(map(ident, types))
    if not kinds <= allowed:
        return None
    return kinds, types


def _only_scalars(kinds: set[int]) -> bool:
    return kinds <= _SCALAR_KINDS


class _Mutables:
    """The lists and bytearrays a tree holds, for the components; too many become -1."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.groups: list[list[Any]] = []
        self.too_many = False

    def add(self, level: list[Any], kinds: set[int], types: list[type]) -> None:
        if self.too_many or kinds.isdisjoint(_MUTABLE_KINDS):
            return
        # The census admitted builtin types only: counting them compares nothing else.
        count = len(level) if len(kinds) == 1 else sum(map(types.count, _MUTABLE))
        if count > self.room:
            self.too_many, self.groups = True, []
            return
        self.room -= count
        chosen = level if len(kinds) == 1 else list(compress(level, map(_is_mutable, types)))
        self.groups.append(chosen)

    def record(self, h: Hasher) -> None:
        if h.derived:
            return
        if self.too_many:
            h.components.add(-1)
            return
        for group in self.groups:
            h.components_of(group)


def _is_mutable(kind: type) -> bool:
    return kind is list or kind is bytearray


def tree(h: Hasher, items: Sequence[Any]) -> bool:
    """Write a sequence of plain nested lists/tuples/scalars at C speed; False if it is not one.

    Returns False having written nothing, so the caller walks the value instead.
    """
    if len(items) < MIN_TREE:
        return False
    top = items if type(items) is list else list(items)
    return _pickled(h, top, top)


def plain(h: Hasher, value: list[Any] | tuple[Any, ...]) -> bool:
    """Write a structure a library hasher built of plain lists/tuples/scalars, whatever its
    size (its own marker keeps it apart from ``tree``); False, having written nothing, if
    anything else is inside."""
    return _pickled(h, value, [value])


def _pickled(h: Hasher, top: Any, level: list[Any]) -> bool:
    """Census of ``level`` (the top's elements, or the top itself) down to the scalars, then one
    pickle stream. The census stops at MAX_LEVELS levels or ``max(MAX_TREE, 8 x len(level))``
    objects, which also ends a cycle's endless levels."""
    total = 0
    limit = max(MAX_TREE, 8 * len(level))
    room = h.max_components - len(h.components)
    mutables = _Mutables(room if -1 not in h.components else 0)
    for _ in range(MAX_LEVELS):
        if _out_of_time(h, len(level)):
            return True
        found = _census(level, _TREE_KINDS)
        if found is None:
            return False
        kinds, types = found
        total += len(level)
        if total > limit:
            return False
        mutables.add(level, kinds, types)
        if _only_scalars(kinds):
            break
        level = gc.get_referents(*level)
        if not level:
            break
    else:
        return False  # too deep, or a cycle: the walk cuts it
    if total > h.max_objects - h.visits:
        h.stop("max_objects")
        return True
    if h.shallow:  # the census found every mutable object: the stream would add nothing
        mutables.record(h)
        h.visits += total
        return True
    if _out_of_time(h, total):
        return True
    sink = _Sink(max(h.budget - h.used, 0), h.deadline)
    pickler = _Plain(sink, protocol=_PROTOCOL)
    pickler.fast = True  # no memo: a shared object is written like a copy
    try:
        pickler.dump(top)
    except _Refused:
        return False
    except _TooBig:
        h.used += sink.size
        h.stop("budget_bytes")
        return True
    except _Late:
        h.stop("time_budget")
        return True
    except RecursionError:
        return False
    mutables.record(h)
    h.visits += total
    h.used += sink.size
    h.raw(b"P" + sink.state.digest())
    return True


def _out_of_time(h: Hasher, objects: int) -> bool:
    """True (hashing stopped) if the deadline passed or will before ``objects`` more objects
    are through a C-level pass: a pass over millions cannot be cut halfway."""
    if h.deadline is None:
        return False
    if time.perf_counter() + objects * _SECONDS_PER_OBJECT > h.deadline:
        h.stop("time_budget")
        return True
    return False


def _plain_keys(keys: list[Any]) -> bool:
    """True when every key is a scalar or a tuple of them, at any depth (marshal writes them)."""
    level = keys
    for _ in range(MAX_LEVELS):
        found = _census(level, _KEY_KINDS)
        if found is None:
            return False
        if _only_scalars(found[0]):
            return True
        level = gc.get_referents(*level)
        if not level:
            return True
    return False


def _blobs(keys: list[Any]) -> list[bytes] | None:
    """Each key's marshal bytes (version 2: no references), or None if marshal cannot be
    trusted with them (anything but scalars and tuples of scalars)."""
    if not keys or not _plain_keys(keys):
        return None
    return list(map(marshal.dumps, keys, repeat(2)))


def canonical_order(keys: list[Any]) -> list[int] | None:
    """Positions of keys sorted by their marshal bytes; None when that order is not canonical.

    Keys are distinct by ``==``, and equal marshal bytes mean equal values, so there are no
    ties, except for several distinct NaN keys: then None, and the caller falls back to a
    digest per item.
    """
    blobs = _blobs(keys)
    if blobs is None:
        return None
    order = sorted(range(len(blobs)), key=blobs.__getitem__)
    ranked = [blobs[i] for i in order]
    return None if any(map(bytes.__eq__, ranked, ranked[1:])) else order


def sorted_blobs(items: list[Any]) -> list[bytes] | None:
    """The marshal bytes of set elements, sorted: a canonical form of the set (see above)."""
    blobs = _blobs(items)
    if blobs is None:
        return None
    blobs.sort()
    return None if any(map(bytes.__eq__, blobs, blobs[1:])) else blobs
