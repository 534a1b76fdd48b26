"""Built-in scalars and containers: lists, tuples, dicts (order-free), sets (order-free)."""

from __future__ import annotations

import sys
import weakref
from itertools import repeat
from typing import Any

from ._containers import canonical_order, sorted_blobs
from ._core import FRAME, MUTABLE, Hasher, Spec
from ._names import ident, inherits, namespace_of
from ._sequences import flat, flat_bytes, flat_dict, seq
from ._wire import SHORT, int_payload, lp, pack_d, pack_Q

#: Types with a total order that never runs user code, by id(type).
_SORTABLE = {ident(int), ident(str), ident(bytes)}


def _text(h: Hasher, x: str) -> None:
    # Same bytes as the fast path in visit (length prefix + UTF-8), cut at the budget.
    if h.shallow:
        return
    room = max(h.budget - h.used, 0)
    if len(x) > room:
        # Over budget anyway: encode only what can be hashed, not a gigabyte-long copy.
        h.raw(pack_Q(len(x)))
        h.write_data(memoryview(str.encode(x[: room + 1], "utf-8", "surrogatepass")))
        return
    h.write_buffer(memoryview(str.encode(x, "utf-8", "surrogatepass")))


def _binary(h: Hasher, x: bytes | bytearray) -> None:
    if len(x) < SHORT:
        h.write(lp(bytes(x)))
    else:
        h.write_buffer(memoryview(x).cast("B"))


def _int(h: Hasher, x: int) -> None:
    h.write(int_payload(x))


def _float(h: Hasher, x: float) -> None:
    h.write(pack_d(x))


def _complex(h: Hasher, x: complex) -> None:
    h.write(pack_d(x.real) + pack_d(x.imag))


def _bool(h: Hasher, x: bool) -> None:
    h.write(b"\x01" if x else b"\x00")


def _nothing(h: Hasher, x: object) -> None:
    """Singletons (None, Ellipsis, NotImplemented): the tag is the whole value."""


def _list(h: Hasher, x: list[Any]) -> None:
    seq(h, x if type(x) is list else list.copy(x))


def _tuple(h: Hasher, x: tuple[Any, ...]) -> None:
    seq(h, x if type(x) is tuple else tuple.__getitem__(x, slice(None)))


def _pair(h: Hasher, kv: tuple[Any, Any]) -> None:
    h.visit(kv[0])
    h.visit(kv[1])


def _one_sortable_kind(values: list[Any]) -> bool:
    kinds = set(map(ident, map(type, values)))  # ids: a metaclass's __hash__ never runs
    return len(kinds) == 1 and kinds <= _SORTABLE


def mapping(h: Hasher, x: dict[Any, Any]) -> None:
    """Write a dict's items order-independently, as dict equality is.

    Read through dict's own methods: a subclass's overrides never run.
    """
    keys = list(dict.keys(x))
    if h.shallow:  # no order needed: only what keys and values reach
        seq(h, keys)
        seq(h, list(dict.values(x)))
        return
    if _one_sortable_kind(keys):
        # Unique keys of one sortable type: sorting by key is deterministic and much cheaper
        # than a digest per item; it never compares values (keys cannot tie).
        keys.sort()
        h.raw(b"s")
        # Keys, then values, each as a sequence: homogeneous runs pack in bulk.
        seq(h, keys)
        seq(h, list(map(dict.__getitem__, repeat(x), keys)))
        return
    order = canonical_order(keys)
    if order is not None:
        # Scalar or tuple keys of mixed types: ordered by their marshal bytes.
        values = list(dict.values(x))
        h.raw(b"o")
        seq(h, [keys[i] for i in order])
        seq(h, [values[i] for i in order])
        return
    h.raw(b"u")
    h.unordered(list(dict.items(x)), lambda kv: _pair(h, kv))


def _dict(h: Hasher, x: dict[Any, Any]) -> None:
    name = dict.get(x, "__name__")
    if type(name) is str and namespace_of(sys.modules.get(name)) is x:
        # A module's namespace (say, the notebook's globals, held by a formula's environment):
        # a reference by name, as the module itself hashes; its variables hash on their own.
        h.raw(b"@")
        h.name(name)
        return
    if _keyed_by_id(x):
        # Keys are addresses: meaningless in any other process. The values, as a multiset.
        h.raw(b"I")
        h.unordered(list(dict.values(x)), h.visit)
        return
    mapping(h, x)


def _keyed_by_id(x: dict[Any, Any]) -> bool:
    """True for a map from id(obj) to obj or to a weak reference to it (matplotlib keeps
    its transform tree so): every key an int, every value the object of its key or a weak
    reference, the first one checked against its key."""
    if not x:
        return False
    key, value = next(iter(dict.items(x)))
    if type(key) is not int:
        return False
    weak = inherits(type(value), weakref.ref)
    if key != id(weakref.ref.__call__(value) if weak else value):
        return False
    for key, value in dict.items(x):
        if type(key) is not int:
            return False
        if not inherits(type(value), weakref.ref) and key != id(value):
            return False
    return True


def set_items(h: Hasher, items: list[Any]) -> None:
    """Write set elements order-independently: sorted when homogeneous, else digests."""
    if h.shallow:
        seq(h, items)
        return
    if _one_sortable_kind(items):
        items.sort()
        h.raw(b"S")
        seq(h, items)
        return
    blobs = sorted_blobs(items)
    if blobs is not None:
        # Scalars of mixed types, tuples: their marshal bytes, sorted, are the whole value.
        h.raw(b"M" + pack_Q(len(blobs)))
        h.visits += len(blobs)
        h.write_buffer(memoryview(b"".join(blobs)))
        return
    h.raw(b"u")
    h.unordered(items, h.visit)


def _set(h: Hasher, x: set[Any] | frozenset[Any]) -> None:
    exact = type(x) is set or type(x) is frozenset
    set_items(h, list(x) if exact else list(set(x)))


SPECS: dict[type, Spec] = {
    int: Spec(b"i", _int),
    bool: Spec(b"B", _bool),
    float: Spec(b"f", _float),
    complex: Spec(b"c", _complex),
    str: Spec(b"s", _text),
    bytes: Spec(b"b", _binary),
    bytearray: Spec(b"a", _binary, MUTABLE, flat=flat_bytes),
    type(None): Spec(b"N", _nothing),
    type(Ellipsis): Spec(b".", _nothing),
    type(NotImplemented): Spec(b"!", _nothing),
    list: Spec(b"l", _list, MUTABLE, flat=flat(b"l", ordered=True)),
    tuple: Spec(b"t", _tuple, FRAME, flat=flat(b"t", ordered=True)),
    dict: Spec(b"d", _dict, MUTABLE, flat=flat_dict),
    set: Spec(b"e", _set, MUTABLE, flat=flat(b"e", ordered=False)),
    frozenset: Spec(b"F", _set, FRAME, flat=flat(b"F", ordered=False)),
}
