"""The byte encoding of values before xxh3_128 sees them, and the scalar fast path.

Every value is written as a one-byte tag followed by a self-delimiting payload (fixed-width or
length-prefixed), so the encoding is prefix-free: two different values can only collide through
xxh3 itself. Framed children (containers, objects) are written as their tag plus the 16-byte
digest of their own encoding, which lets shared sub-objects be hashed once and cycles be cut.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from ._names import ident

#: Bytes handed to xxh3 at a time for big buffers: large enough to run at memory speed, small
#: enough that a non-contiguous array is never copied whole.
CHUNK = 16 * 1024 * 1024
#: Strings and bytes at least this long go through the budget-aware buffer path.
SHORT = 4096

pack_q = struct.Struct("<q").pack
pack_Q = struct.Struct("<Q").pack
pack_d = struct.Struct("<d").pack
_MIN_Q, _MAX_Q = -(1 << 63), 1 << 63


def lp(data: bytes) -> bytes:
    """Length-prefix a byte string so it cannot run into what follows it."""
    return pack_Q(len(data)) + data


def lp_str(text: str) -> bytes:
    """Length-prefixed UTF-8 of a name; surrogates survive so odd identifiers never raise."""
    return lp(text.encode("utf-8", "surrogatepass"))


def int_payload(x: int) -> bytes:
    """An int's payload: 8 bytes when it fits int64, else its length-prefixed two's complement."""
    if _MIN_Q <= x < _MAX_Q:
        return b"q" + pack_q(x)
    return b"L" + lp(int.to_bytes(x, (x.bit_length() + 8) // 8, "little", signed=True))


def _int(x: int) -> bytes:
    return b"i" + int_payload(x)


def _float(x: float) -> bytes:
    # Exact IEEE bytes: -0.0 differs from 0.0 and a NaN hashes as its own bit pattern.
    return b"f" + pack_d(x)


def _bool(x: bool) -> bytes:
    return b"B\x01" if x else b"B\x00"


def _none(x: None) -> bytes:
    return b"N"


def _str(x: str) -> bytes | None:
    if len(x) >= SHORT:
        return None
    return b"s" + lp(x.encode("utf-8", "surrogatepass"))


def _bytes(x: bytes) -> bytes | None:
    return None if len(x) >= SHORT else b"b" + lp(x)


#: Exact scalar types encoded without any dispatch; None from an encoder means "too big for
#: the fast path" and the type's Spec takes over with identical bytes.
#: Keyed by id(type): looking a user class up in a type-keyed dict would run its metaclass's
#: __hash__/__eq__, and builtin types live forever so their ids cannot be reused.
LEAF_BYTES: dict[int, Callable[[Any], bytes | None]] = {
    ident(int): _int,
    ident(float): _float,
    ident(bool): _bool,
    ident(type(None)): _none,
    ident(str): _str,
    ident(bytes): _bytes,
}
