"""scikit-learn estimators and their compiled parts (imported once sklearn is loaded).

An estimator hashes as its class, its parameters (``get_params(deep=False)``: nested estimators
hash the same way) and everything it learned (every other instance attribute: ``coef_``,
``classes_``, ``_fit_X``...). Compiled parts such as a tree's ``Tree`` or a ``KDTree`` keep their
state in C, where the walk cannot see it; they hash by what scikit-learn itself pickles of them
(their ``__reduce__``), so refitting a forest on other data changes its hash.
"""

from __future__ import annotations

from typing import Any

from sklearn.base import BaseEstimator

from ._core import MUTABLE, Hasher, Spec
from ._names import id_cached, inherits, is_transparent, mro_of, qualname
from ._objects import instance_dict
from ._wire import pack_Q


def _params(est: Any) -> dict[str, Any]:
    cls = type(est)
    getter: Any = getattr(cls, "get_params", None)
    if getter is BaseEstimator.get_params:
        # What it returns for deep=False, with the names read once per class: it runs
        # inspect.signature on __init__ at every call (0.1 ms, 60 times for a forest's trees).
        return {name: getattr(est, name) for name in _param_names(cls)}
    owner = getattr(getter, "__module__", "") or ""
    if not owner.startswith("sklearn."):
        getter = BaseEstimator.get_params  # a user override is user code, and is not run
    found = getter(est, deep=False)
    return found if type(found) is dict else {}


def _param_names(cls: type) -> tuple[str, ...]:
    init, names = _init_params(cls)
    if init is getattr(cls, "__init__", None):
        return names
    return tuple(cls._get_param_names())  # type: ignore[attr-defined]  # __init__ replaced


@id_cached
def _init_params(cls: type) -> tuple[Any, tuple[str, ...]]:
    """The class's __init__ and the parameter names get_params lists for it."""
    return getattr(cls, "__init__", None), tuple(cls._get_param_names())  # type: ignore[attr-defined]


def _estimator(h: Hasher, est: Any) -> None:
    h.name(qualname(type(est)))
    params = _params(est)
    h.raw(b"p")
    h.visit_made(params)  # made by get_params; the values are the estimator's
    learned = {
        k: v
        for k, v in (instance_dict(est) or {}).items()
        if type(k) is str and k not in params and not k.startswith("__")
    }
    h.raw(b"l")
    h.visit_made(learned)


def _compiled(h: Hasher, obj: Any) -> None:
    """A compiled object by scikit-learn's own pickled form: constructor, arguments, state."""
    cls = type(obj)
    h.name(qualname(cls))
    reduce: Any = None
    for klass in mro_of(cls):  # the class's own __reduce__ (a C method of scikit-learn's)
        reduce = type.__dict__["__dict__"].__get__(klass, type).get("__reduce__")
        if reduce is not None:
            break
    reduced = reduce(obj) if reduce is not None else None
    if type(reduced) is not tuple:
        raise TypeError(f"{qualname(cls)}.__reduce__ gave no tuple")
    h.raw(pack_Q(len(reduced)))
    for part in reduced:
        if inherits(type(part), type):
            h.name(qualname(part))
        elif callable(part):
            h.name(str(getattr(part, "__qualname__", qualname(type(part)))))
        else:
            h.visit_made(part, derived=True)  # state copied out of C


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a scikit-learn class, or None to let dispatch continue up the MRO."""
    if inherits(cls, BaseEstimator):
        return Spec(b"\xe0", _estimator, MUTABLE, subclasses=True)
    if not is_transparent(cls) and "__reduce__" in type.__dict__["__dict__"].__get__(cls, type):
        return Spec(b"\xe1", _compiled, MUTABLE, subclasses=True)
    return None
