"""torch tensors, dtypes and devices; imported only when the kernel has imported torch.

This module is never imported unless ``"torch" in sys.modules``: torch is not a dependency.
"""

from __future__ import annotations

from typing import Any

import torch  # type: ignore[import-not-found, unused-ignore]

from ._core import LEAF, MUTABLE, Hasher, Spec
from ._identity import identity_key
from ._names import qualname
from ._wire import pack_Q


def _tensor(h: Hasher, t: Any) -> None:
    """dtype, shape and the C-order bytes of the tensor (copied to CPU if it lives elsewhere)."""
    h.name(qualname(type(t)))
    h.name(str(t.dtype))
    h.raw(pack_Q(t.dim()) + b"".join(pack_Q(int(n)) for n in t.shape))
    if t.layout != torch.strided:
        raise TypeError(f"unsupported tensor layout {t.layout}")
    if h.shallow:
        return  # numbers hold no objects: nothing to copy
    flat = t.detach()
    if flat.device.type != "cpu":
        flat = flat.cpu()
    flat = flat.contiguous().reshape(-1)
    raw = flat.view(torch.uint8) if flat.numel() else torch.empty(0, dtype=torch.uint8)
    h.write_buffer(memoryview(raw.numpy()).cast("B"))


def _named(h: Hasher, x: Any) -> None:
    h.name(qualname(type(x)))
    h.name(str(x))


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a torch class, or None to let dispatch continue up the MRO."""
    if cls is torch.Tensor:
        return Spec(b"\xc0", _tensor, MUTABLE, key=identity_key, subclasses=True)
    if cls is torch.dtype or cls is torch.device:
        return Spec(b"\xc1", _named, LEAF)
    return None
