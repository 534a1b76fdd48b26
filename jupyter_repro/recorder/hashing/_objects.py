"""Plain user objects, exceptions, partials, and the opaque marker.

Objects are read only through their ``__dict__`` and ``__slots__`` descriptors: no
``__getattr__``, property, ``__eq__``, ``__repr__`` or ``__reduce__`` of theirs ever runs.
"""

from __future__ import annotations

import functools
from typing import Any

from ._core import LEAF, MUTABLE, Hasher, Spec
from ._names import (
    dict_descriptor,
    id_cached,
    inherits,
    qualname,
    slot_descriptors,
)
from ._wire import lp_str, pack_Q


@id_cached
def _layout(cls: type) -> tuple[bytes, Any, tuple[tuple[str, Any], ...], bool]:
    """Per class: encoded name, real __dict__ descriptor, slot descriptors, has-a-dict."""
    has_dict = bool(type.__dict__["__dictoffset__"].__get__(cls, type))
    return lp_str(qualname(cls)), dict_descriptor(cls), slot_descriptors(cls), has_dict


def instance_dict(obj: object) -> dict[str, Any] | None:
    """The instance's own __dict__, or None; never runs a user-defined attribute hook."""
    desc = _layout(type(obj))[1]
    if desc is None:
        return None
    found = desc.__get__(obj, type(obj))
    return found if type(found) is dict else None


def instance_attrs(h: Hasher, obj: object) -> None:
    """Write __dict__ (as a dict) and every slot, an unset slot as its own marker."""
    cls = type(obj)
    _, desc, slots, has_dict = _layout(cls)
    found = desc.__get__(obj, cls) if desc is not None else None
    if type(found) is dict:
        h.raw(b"D")
        h.visit(found)
    elif found is not None and inherits(type(found), dict):
        # A dict subclass as the namespace: often the object itself (``self.__dict__ = self``,
        # statsmodels' Bunch), whose items are its content already; then this is a reference
        # back to an object being hashed, written as such.
        h.raw(b"D")
        h.visit(found)
    elif has_dict:
        # The class shadows __dict__ (say, with a property) and hides the real one: reading
        # it would run that code, so the attributes are reported as unreadable instead.
        h.error(LookupError("instance __dict__ is shadowed"))
    else:
        h.raw(b"-")
    h.raw(pack_Q(len(slots)))
    for name, slot in slots:
        h.name(name)
        try:
            value = slot.__get__(obj, cls)
        except AttributeError:
            h.raw(b"_")
            continue
        h.raw(b"=")
        h.visit(value)


def _object(h: Hasher, obj: object) -> None:
    h.raw(_layout(type(obj))[0])
    instance_attrs(h, obj)


def _opaque(h: Hasher, obj: object) -> None:
    h.opaque(qualname(type(obj)))


OBJECT = Spec(b"O", _object, MUTABLE, subclasses=True)
OPAQUE = Spec(b"", _opaque, LEAF, subclasses=True)


def _partial(h: Hasher, part: functools.partial[Any]) -> None:
    h.name(qualname(type(part)))
    h.visit(part.func)
    h.visit(part.args)
    h.visit(part.keywords)
    instance_attrs(h, part)


def _exception(h: Hasher, exc: BaseException) -> None:
    h.name(qualname(type(exc)))
    h.visit(BaseException.__dict__["args"].__get__(exc))
    instance_attrs(h, exc)


def _cached_function(h: Hasher, wrapper: Any) -> None:
    # An @lru_cache/@cache function is the function it wraps; its cache is not its value.
    h.name(qualname(type(wrapper)))
    h.visit((instance_dict(wrapper) or {}).get("__wrapped__"))


SPECS: dict[type, Spec] = {
    functools.partial: Spec(b"Y", _partial, MUTABLE, subclasses=True),
    functools._lru_cache_wrapper: Spec(b"V", _cached_function, MUTABLE, subclasses=True),
    BaseException: Spec(b"X", _exception, MUTABLE, subclasses=True),
}
