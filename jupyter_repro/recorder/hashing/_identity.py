"""identity_key(): which object a value's memory really belongs to."""

from __future__ import annotations

import sys

from ._names import ident, inherits


def identity_key(obj: object) -> int:
    """ident() of obj, or of the object that owns the memory of a numpy array, buffer or tensor.

    A view and its base then share a key, so a mutation through either is seen as touching
    both; the chain is followed through .base / .obj / ._base to its end.
    """
    ndarray = getattr(sys.modules.get("numpy"), "ndarray", None)
    tensor = getattr(sys.modules.get("torch"), "Tensor", None)
    for _ in range(256):
        cls = type(obj)
        if inherits(cls, memoryview):
            nxt = memoryview.obj.__get__(obj)
        elif ndarray is not None and inherits(cls, ndarray):
            nxt = ndarray.base.__get__(obj)
        elif tensor is not None and inherits(cls, tensor):
            nxt = getattr(obj, "_base", None)
        else:
            break
        if nxt is None:
            break
        obj = nxt
    return ident(obj)
