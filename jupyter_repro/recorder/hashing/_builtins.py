"""Built-in scalars and containers, with bulk fast paths for homogeneous int/float/str data."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import eq, is_, itemgetter
from typing import Any

from ._core import FRAME, MUTABLE, Hasher, Spec
from ._wire import LEAF_BYTES, SHORT, int_payload, lp, pack_d, pack_Q

_BIG_ENDIAN = sys.byteorder == "big"
#: Sequences shorter than this take the per-element path: the type scan would not pay off.
_BULK_MIN = 8
#: Containers up to this size holding only scalars are written inline, without a frame.
_FLAT_MAX = 16
#: Types with a total order that never runs user code, by id(type).
_SORTABLE = {id(int), id(str), id(bytes)}


def _text(h: Hasher, x: str) -> None:
    # Same bytes as the fast path in visit (length prefix + UTF-8), cut at the budget.
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


def _packed(code: str, items: Iterable[Any]) -> bytes:
    packed = array(code, items)
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def _strs(items: list[str]) -> bytes:
    # Code-point lengths plus one joined UTF-8 blob split the text unambiguously.
    return _packed("q", map(len, items)) + "".join(items).encode("utf-8", "surrogatepass")


#: Scalar kinds a bulk-packed sequence may mix, by id(type), with their one-byte codes.
_CODES = {id(int): 1, id(float): 2, id(str): 3, id(bool): 4, id(type(None)): 5}
_HOMOGENEOUS = {id(int): b"q", id(float): b"d", id(str): b"s"}


def _bulk(items: Sequence[Any]) -> tuple[bytes, bytes] | None:
    """Pack a sequence of int/float/str/bool/None at C speed; None when it does not qualify.

    Whether a sequence qualifies depends only on its elements, so a given value always takes
    the same route, and the route's marker keeps the encodings apart. A mixed sequence is a
    type-code byte per element followed by each kind's elements packed together.
    """
    if len(items) < _BULK_MIN:
        return None
    first = type(items[0])
    marker = _HOMOGENEOUS.get(id(first))
    try:
        # One identity pass settles the common all-int/float/str case at C speed.
        if marker is not None and all(map(is_, map(type, items), repeat(first))):
            if marker == b"s":
                return marker, _strs(list(items))
            return marker, _packed(marker.decode(), items)
        kinds = set(map(id, map(type, items)))
        if not kinds <= _CODES.keys():
            return None
        codes = bytes(map(_CODES.__getitem__, map(id, map(type, items))))
        parts = [codes]
        for kind, code in _CODES.items():
            if kind not in kinds:
                continue
            chosen = list(compress(items, map(eq, codes, repeat(code))))
            if code in (1, 4):
                parts.append(_packed("q", chosen))
            elif code == 2:
                parts.append(_packed("d", chosen))
            elif code == 3:
                parts.append(_strs(chosen))
        return b"m", b"".join(parts)
    except OverflowError:  # an int beyond 64 bits: per-element encoding instead
        return None


def seq(h: Hasher, items: Sequence[Any]) -> None:
    """Write an ordered sequence: bulk-packed if homogeneous, else element by element."""
    h.raw(pack_Q(len(items)))
    bulk = _bulk(items)
    if bulk is not None:
        h.raw(bulk[0])
        h.write_buffer(memoryview(bulk[1]))
        return
    h.raw(b"g")
    visit = h.visit
    for i, item in enumerate(items):
        if h.stopped:
            break
        visit(item)
        if not i & 0xFFFF:
            h.flush()


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
        h.raw(b"s" + pack_Q(len(items)))
        for kv in items:
            if h.stopped:
                break
            _pair(h, kv)
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


def _leaf_parts(items: Any) -> list[bytes] | None:
    """Encoded elements when all are scalars (and few); None otherwise."""
    if len(items) > _FLAT_MAX:
        return None
    parts = []
    for item in items:
        encode = LEAF_BYTES.get(id(type(item)))
        data = encode(item) if encode is not None else None
        if data is None:
            return None
        parts.append(data)
    return parts


def _flat(tag: bytes, ordered: bool) -> Callable[[Hasher, Any], bool]:
    """Inline writer for a small all-scalar list/tuple (ordered) or set (sorted encodings)."""

    def write(h: Hasher, x: Any) -> bool:
        parts = _leaf_parts(x)
        if parts is None:
            return False
        if not ordered:
            # Encodings are prefix-free, so sorting them is a canonical order.
            parts.sort()
        h.raw(b"~" + tag + pack_Q(len(parts)))
        h.write(b"".join(parts))
        h.visits += len(parts)
        return True

    return write


def _flat_dict(h: Hasher, x: dict[Any, Any]) -> bool:
    keys = _leaf_parts(x)
    values = _leaf_parts(x.values()) if keys is not None else None
    if keys is None or values is None:
        return False
    pairs = sorted(k + v for k, v in zip(keys, values, strict=True))
    h.raw(b"~d" + pack_Q(len(pairs)))
    h.write(b"".join(pairs))
    h.visits += 2 * len(pairs)
    return True


def _flat_bytes(h: Hasher, x: bytearray) -> bool:
    if len(x) >= SHORT:
        return False
    h.raw(b"~a")
    h.write(lp(bytes(x)))
    return True


SPECS: dict[type, Spec] = {
    int: Spec(b"i", _int),
    bool: Spec(b"B", _bool),
    float: Spec(b"f", _float),
    complex: Spec(b"c", _complex),
    str: Spec(b"s", _text),
    bytes: Spec(b"b", _binary),
    bytearray: Spec(b"a", _binary, MUTABLE, flat=_flat_bytes),
    type(None): Spec(b"N", _nothing),
    type(Ellipsis): Spec(b".", _nothing),
    type(NotImplemented): Spec(b"!", _nothing),
    list: Spec(b"l", _list, MUTABLE, flat=_flat(b"l", ordered=True)),
    tuple: Spec(b"t", _tuple, FRAME, flat=_flat(b"t", ordered=True)),
    dict: Spec(b"d", _dict, MUTABLE, flat=_flat_dict),
    set: Spec(b"e", _set, MUTABLE, flat=_flat(b"e", ordered=False)),
    frozenset: Spec(b"F", _set, FRAME, flat=_flat(b"F", ordered=False)),
}
