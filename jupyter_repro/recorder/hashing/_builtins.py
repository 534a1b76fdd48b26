"""Built-in scalars and containers: lists, tuples, dicts (order-free), sets (order-free)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from ._core import FRAME, MUTABLE, Hasher, Spec
from ._sequences import flat, flat_bytes, flat_dict, seq
from ._wire import SHORT, int_payload, lp, pack_d, pack_Q

#: Types with a total order that never runs user code, by id(type).
_SORTABLE = {id(int), id(str), id(bytes)}


def _text(h: Hasher, x: str) -> None:
    # Same bytes as the fast path in visit (length prefix + UTF-8), cut at the budget.
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


def mapping_items(h: Hasher, items: list[tuple[Any, Any]]) -> None:
    """Write dict items order-independently, as dict equality is."""
    kinds = set(map(id, map(type, map(itemgetter(0), items))))
    if len(kinds) == 1 and kinds <= _SORTABLE:
        # Unique keys of one sortable type: sorting by key is deterministic and much cheaper
        # than a digest per item; it never compares values (keys cannot tie).
        items.sort(key=itemgetter(0))
        h.raw(b"s")
        # Keys, then values, each as a sequence: homogeneous runs pack in bulk.
        seq(h, list(map(itemgetter(0), items)))
        seq(h, list(map(itemgetter(1), items)))
        return
    h.raw(b"u")
    h.unordered(items, lambda kv: _pair(h, kv))


def _dict(h: Hasher, x: dict[Any, Any]) -> None:
    mapping_items(h, list(dict.items(x)))


def set_items(h: Hasher, items: list[Any]) -> None:
    """Write set elements order-independently: sorted when homogeneous, else digests."""
    kinds = set(map(id, map(type, items)))
    if len(kinds) == 1 and kinds <= _SORTABLE:
        items.sort()
        h.raw(b"S")
        seq(h, items)
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
