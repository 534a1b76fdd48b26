"""statsmodels models, results and their wrappers (imported once statsmodels is loaded).

They are plain Python objects, walked as such, minus what statsmodels fills in lazily: its
caches (``results.bse`` is computed on first access and kept in ``_cache``; ``summary()`` keeps
its tables in ``_summary_cache``), what ``summary()`` stores besides (``diagn``, ``_nobs_int``) and
what ``predict()`` leaves on the model's data (``predict_start``...), and scratch buffers
(``_tmp_like_exog``: ``np.empty_like``, whatever memory held before). Those hold what the user
happened to look at, or nothing at all, not what the model is. Datasets (``Bunch``, a dict that
is its own ``__dict__``) go to the dict hasher.
"""

from __future__ import annotations

from typing import Any

from ._core import MUTABLE, Hasher, Spec
from ._names import inherits, qualname, slot_descriptors
from ._objects import instance_dict
from ._wire import pack_Q

#: Set by summary() and predict() (found by diffing results before and after them), and the
#: wrapper's copy of the wrapped class's docstring; every attribute named like a cache, too.
_LEFT_OUT = frozenset(
    {
        "diagn",
        "_nobs_int",
        "predict_dates",
        "predict_start",
        "predict_end",
        "_optim_hessian",
        "__doc__",
    }
)
_CONTAINERS = (dict, list, tuple, set, frozenset)


def _object(h: Hasher, obj: Any) -> None:
    h.name(qualname(type(obj)))
    attrs = instance_dict(obj) or {}
    kept = sorted(
        (k, v)
        for k, v in attrs.items()
        if type(k) is str and k not in _LEFT_OUT and "cache" not in k and not k.startswith("_tmp")
    )
    h.raw(pack_Q(len(kept)))
    for key, value in kept:
        if h.stopped:
            return
        h.name(key)
        h.visit(value)


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a statsmodels class, or None to let dispatch continue up the MRO."""
    if any(inherits(cls, base) for base in _CONTAINERS) or slot_descriptors(cls):
        return None
    if not type.__dict__["__dictoffset__"].__get__(cls, type):
        return None
    return Spec(b"\xf0", _object, MUTABLE, subclasses=True)
