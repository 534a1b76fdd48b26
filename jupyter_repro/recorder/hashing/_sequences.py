"""Ordered runs of elements: bulk packing of scalar sequences and inline small containers.

A list of ten million ints must hash in well under a second, which per-element Python calls
cannot do; homogeneous or scalar-only sequences are therefore packed with ``array`` and
``itertools`` at C speed.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import eq, is_, itemgetter
from typing import Any

from ._containers import canonical_order, tree
from ._core import Hasher
from ._names import ident
from ._wire import LEAF_BYTES, SHORT, lp, pack_Q

_BIG_ENDIAN = sys.byteorder == "big"
#: Sequences shorter than this take the per-element path: the type scan would not pay off.
_BULK_MIN = 8
#: Containers up to this size holding only scalars are written inline, without a frame.
_FLAT_MAX = 16


def _packed(code: str, items: Iterable[Any]) -> bytes:
    packed = array(code, items)
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def _strs(items: list[str]) -> bytes:
    # Code-point lengths plus one joined UTF-8 blob split the text unambiguously.
    return _packed("q", map(len, items)) + "".join(items).encode("utf-8", "surrogatepass")


#: Scalar kinds a bulk-packed sequence may mix, by id(type), with their one-byte codes.
_CODES = {ident(int): 1, ident(float): 2, ident(str): 3, ident(bool): 4, ident(type(None)): 5}
_HOMOGENEOUS = {ident(int): b"q", ident(float): b"d", ident(str): b"s", ident(bool): b"?"}
#: Sequences of dicts at least this long are tried as records (same keys, one column a key).
_RECORDS_MIN = 8


def _bulk(items: Sequence[Any]) -> tuple[bytes, bytes] | None:
    """Pack a sequence of int/float/str/bool/None at C speed; None when it does not qualify.

    Whether a sequence qualifies depends only on its elements, so a given value always takes
    the same route, and the route's marker keeps the encodings apart. A mixed sequence is a
    type-code byte per element followed by each kind's elements packed together.
    """
    if len(items) < _BULK_MIN:
        return None
    first = type(items[0])
    if ident(first) not in _CODES:
        return None  # not a scalar sequence: settled without a pass over it
    marker = _HOMOGENEOUS.get(ident(first))
    try:
        # One identity pass settles the common all-int/float/str case at C speed.
        if marker is not None and all(map(is_, map(type, items), repeat(first))):
            if marker == b"s":
                return marker, _strs(list(items))
            if marker == b"?":
                return marker, bytes(items)
            return marker, _packed(marker.decode(), items)
        kinds = set(map(ident, map(type, items)))  # ids: a metaclass's __hash__ never runs
        if not kinds <= _CODES.keys():
            return None
        codes = bytes(map(_CODES.__getitem__, map(ident, map(type, items))))
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
    """Write an ordered sequence: bulk-packed scalars, a plain tree (``_containers.tree``),
    records, or else element by element."""
    h.raw(pack_Q(len(items)))
    if h.shallow and _scalars_only(items):
        return  # scalars reach no mutable object
    bulk = _bulk(items)
    if bulk is not None:
        h.raw(bulk[0])
        h.write_buffer(memoryview(bulk[1]))
        return
    if tree(h, items) or records(h, items):
        return
    h.raw(b"g")
    visit = h.visit
    for i, item in enumerate(items):
        if h.stopped:
            break
        visit(item)
        if i & 0xFFFF == 0xFFFF and len(h.buf) > (1 << 20):
            h.flush()  # a long run of small writes must not pile up in the buffer


def _scalars_only(items: Sequence[Any]) -> bool:
    if not items:
        return True
    if ident(type(items[0])) not in _CODES:
        return False  # settled without a pass
    return set(map(ident, map(type, items))) <= _CODES.keys()


def records(h: Hasher, items: Sequence[Any]) -> bool:
    """Write a sequence of dicts that all have the same keys as its keys, then one column of
    values per key (each a sequence, so scalar columns pack in bulk); False if it is not one.

    Every dict having as many keys as the first and every one of the first's keys means every
    dict has exactly those keys. The dicts are not framed: a dict met twice is written twice,
    like the copy it equals.
    """
    if len(items) < _RECORDS_MIN or type(items[0]) is not dict:
        return False
    if not all(map(is_, map(type, items), repeat(dict))):
        return False
    sizes = set(map(len, items))
    if len(sizes) != 1:
        return False
    keys = list(items[0])
    order = _key_order(keys)
    if order is None:
        return False
    try:
        columns = [list(map(itemgetter(key), items)) for key in order]
    except KeyError:
        return False
    h.components_of(items if type(items) is list else list(items))
    h.raw(b"R")
    h.visits += len(items)
    seq(h, order)
    for column in columns:
        if h.stopped:
            break
        seq(h, column)
    return True


def _key_order(keys: list[Any]) -> list[Any] | None:
    """keys in canonical order (see ``_containers.canonical_order``), or None."""
    if not keys:
        return None
    positions = canonical_order(keys)
    return None if positions is None else [keys[i] for i in positions]


def _leaf_parts(items: Any) -> list[bytes] | None:
    """Encoded elements when all are scalars (and few); None otherwise."""
    if len(items) > _FLAT_MAX:
        return None
    parts = []
    for item in items:
        encode = LEAF_BYTES.get(ident(type(item)))
        data = encode(item) if encode is not None else None
        if data is None:
            return None
        parts.append(data)
    return parts


def flat(tag: bytes, ordered: bool) -> Callable[[Hasher, Any], bool]:
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


def flat_dict(h: Hasher, x: dict[Any, Any]) -> bool:
    """Inline writer for a small dict of scalars: its pairs' encodings, sorted."""
    keys = _leaf_parts(x)
    values = _leaf_parts(x.values()) if keys is not None else None
    if keys is None or values is None:
        return False
    pairs = sorted(k + v for k, v in zip(keys, values, strict=True))
    h.raw(b"~d" + pack_Q(len(pairs)))
    h.write(b"".join(pairs))
    h.visits += 2 * len(pairs)
    return True


def flat_bytes(h: Hasher, x: bytearray) -> bool:
    """Inline writer for a short bytearray: too small to be worth a frame of its own."""
    if len(x) >= SHORT:
        return False
    h.raw(b"~a")
    h.write(lp(bytes(x)))
    return True
