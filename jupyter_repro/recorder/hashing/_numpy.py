"""numpy arrays, scalars, dtypes and random generators (imported only once numpy is loaded).

Arrays are hashed by logical content in C order: a contiguous array goes to xxh3 straight
from its memory, anything else is copied a few MB at a time, so ``a[::2]`` and
``a[::2].copy()`` produce the same byte stream and nothing is ever copied whole.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._core import LEAF, MUTABLE, Hasher, Spec
from ._identity import identity_key
from ._names import inherits, qualname
from ._objects import instance_attrs
from ._sequences import seq
from ._wire import pack_Q

#: Rows of a non-contiguous array are gathered into pieces of about this size.
COPY_CHUNK = 4 * 1024 * 1024
#: Columns per tile when gathering a transposed piece.
_TILE = 64


def _needs_swap(dtype: np.dtype[Any]) -> bool:
    # Canonical byte order is little-endian, so big-endian data (or a big-endian host)
    # hashes like the same numbers stored little-endian.
    return dtype.byteorder == ">" or (dtype.byteorder == "=" and sys.byteorder == "big")


def _pieces(arr: np.ndarray[Any, Any], swap: bool) -> Iterator[np.ndarray[Any, Any]]:
    """C-order contiguous pieces whose concatenation is arr's logical content."""
    if arr.flags.c_contiguous and not swap:
        yield arr
        return
    target = arr.dtype.newbyteorder("<") if swap else arr.dtype
    if arr.ndim == 0:
        yield arr.astype(target)
        return
    row = arr.itemsize * (int(np.prod(arr.shape[1:])) if arr.ndim > 1 else 1)
    if row == 0:
        return
    if row > COPY_CHUNK:
        for i in range(arr.shape[0]):
            yield from _pieces(arr[i], swap)
        return
    step = max(1, COPY_CHUNK // row)
    if arr.ndim < 2 or abs(arr.strides[-1]) <= abs(arr.strides[-2]):
        for start in range(0, arr.shape[0], step):
            yield np.ascontiguousarray(arr[start : start + step], dtype=target)
        return
    # The last axis is not the fastest in memory (a transpose, Fortran order): numpy's
    # straight copy then thrashes the cache, so copy cache-sized column tiles instead (~4x).
    out = np.empty((step, *arr.shape[1:]), dtype=target)
    for start in range(0, arr.shape[0], step):
        piece = arr[start : start + step]
        dest = out[: piece.shape[0]]
        for col in range(0, arr.shape[-1], _TILE):
            dest[..., col : col + _TILE] = piece[..., col : col + _TILE]
        yield dest


def array_body(h: Hasher, arr: np.ndarray[Any, Any]) -> None:
    """Write shape, dtype and content; structured arrays field by field (padding is junk)."""
    dtype = arr.dtype
    h.raw(pack_Q(arr.ndim) + b"".join(pack_Q(n) for n in arr.shape))
    if dtype.names is not None:
        h.raw(b"S" + pack_Q(len(dtype.names)))
        for field in dtype.names:
            h.name(field)
            array_body(h, arr[field])
        return
    swap = _needs_swap(dtype)
    h.name(("<" + dtype.str[1:]) if swap else dtype.str)
    if dtype.hasobject:
        # Element-wise through the hasher, never pickle: elements are arbitrary objects.
        h.raw(b"o")
        seq(h, arr.reshape(-1).tolist())
        return
    h.raw(b"x" + pack_Q(arr.nbytes))
    if h.shallow:
        return  # numbers hold no objects: nothing to copy, nothing to read
    for piece in _pieces(arr, swap):
        if h.stopped:
            break
        h.write_data(piece.reshape(-1).view(np.uint8).data)


def _ndarray(h: Hasher, arr: np.ndarray[Any, Any]) -> None:
    cls = type(arr)
    h.name(qualname(cls))
    if inherits(cls, np.ma.MaskedArray):
        array_body(h, np.ma.getdata(arr))
        array_body(h, np.ma.getmaskarray(arr))
        return
    # The base-class view: a subclass's overridden dtype/shape/__getitem__ never run.
    array_body(h, np.ndarray.view(arr, np.ndarray) if cls is not np.ndarray else arr)
    if not qualname(cls).startswith("numpy."):
        instance_attrs(h, arr)


def _scalar(h: Hasher, x: np.generic[Any]) -> None:
    h.name(qualname(type(x)))
    array_body(h, np.asarray(x))


def _dtype(h: Hasher, x: np.dtype[Any]) -> None:
    h.name(str(x.descr) if x.names is not None else x.str)


def _global_rng() -> tuple[Any, Any]:
    """numpy's global RandomState (behind ``np.random.random()``) and its bit generator."""
    mtrand = getattr(np.random, "mtrand", None)
    state = getattr(mtrand, "_rand", None)
    return state, getattr(state, "_bit_generator", None)


def _generator(h: Hasher, x: Any) -> None:
    # The RNG state decides every later draw: it is exactly what reproducibility needs.
    if any(x is g for g in _global_rng()):
        h.name("numpy.random.mtrand._rand")  # the global one: a reference (see below)
        return
    h.name(qualname(type(x)))
    bit_generator = getattr(x, "bit_generator", x)
    h.visit_made(bit_generator.state, derived=True)  # a fresh dict each time


def _random_state(h: Hasher, x: np.random.RandomState) -> None:
    # The global generator is hashed as a reference: objects that merely hold it (a scipy
    # distribution's default random_state) must not change whenever anyone draws from it.
    # Its state is tracked once, on its own, as the session's RNG fingerprint.
    if x is _global_rng()[0]:
        h.name("numpy.random.mtrand._rand")
        return
    h.visit_made(x.get_state(legacy=False), derived=True)


def _vectorize(h: Hasher, x: Any) -> None:
    # What np.vectorize wraps and how; not the ufunc it builds and caches on first call.
    h.visit(x.pyfunc)
    for name in ("otypes", "excluded", "signature", "cache"):
        h.name(name)
        h.visit(getattr(x, name, None))


def _ufunc(h: Hasher, x: np.ufunc) -> None:
    h.name(x.__name__)


def _dispatcher(h: Hasher, x: Any) -> None:
    # numpy's __array_function__ dispatchers (np.mean, np.concatenate...) wrap a function.
    h.name(qualname(type(x)))
    h.visit(x.__wrapped__)


_DISPATCHER = type(np.mean)


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a numpy class, or None to let dispatch continue up the MRO."""
    if inherits(cls, np.ndarray):
        return Spec(b"A", _ndarray, MUTABLE, key=identity_key, subclasses=True)
    if inherits(cls, np.generic):
        return Spec(b"n", _scalar, LEAF, subclasses=True)
    if inherits(cls, np.dtype):
        return Spec(b"y", _dtype)
    if cls is np.random.Generator or inherits(cls, np.random.BitGenerator):
        return Spec(b"r", _generator, MUTABLE, subclasses=True)
    if cls is np.random.RandomState:
        return Spec(b"g", _random_state, MUTABLE)
    if cls is np.ufunc:
        return Spec(b"u", _ufunc)
    if cls is _DISPATCHER:
        return Spec(b"v", _dispatcher)
    if cls is np.vectorize:
        return Spec(b"V", _vectorize, MUTABLE)
    return None
