"""Names that identify types and modules the same way in every process and on every machine,
and ``ident``, the key of an object within this one."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import GetSetDescriptorType, MemberDescriptorType, ModuleType
from typing import Any, Generic, TypeVar

R = TypeVar("R")

_OBJECT_SIZE = object.__basicsize__

#: An object's key within this process, unique among live objects like ``id()``, for the
#: identity maps and components of a traversal. Not ``id()`` itself: ``id()`` raises the
#: audit event ``builtins.id``, so in a kernel, where the file tracker's audit hook is
#: installed, each call runs the hook (0.4 us measured, against 0.12 us for this: hashing
#: 20,000 records took 29 ms instead of 21). ``object.__hash__`` is the pointer hash, a
#: rotation of the address, so just as unique; and no user ``__hash__`` ever runs.
ident: Callable[[object], int] = object.__hash__


class IdCache(Generic[R]):
    """Memoise a per-class function by identity.

    A dict keyed by the class itself would call a metaclass's __hash__/__eq__: user code.
    ``cache`` maps ident(cls) to (cls, value); hot loops read it directly.
    """

    def __init__(self, fn: Callable[[type], R]) -> None:
        self.fn = fn
        self.cache: dict[int, tuple[type, R]] = {}
        self.__doc__ = fn.__doc__

    def __call__(self, cls: type) -> R:
        hit = self.cache.get(ident(cls))
        if hit is not None and hit[0] is cls:
            return hit[1]
        value = self.fn(cls)
        if len(self.cache) >= 4096:
            self.cache.clear()
        self.cache[ident(cls)] = (cls, value)
        return value


id_cached = IdCache


def _type_attr(cls: type, attr: str) -> Any:
    # type's own descriptor: a metaclass property of the same name cannot run.
    return type.__dict__[attr].__get__(cls, type)


@id_cached
def qualname(cls: type) -> str:
    """``module.QualName`` of a class, shortened to ``pkg.Name`` when pkg re-exports it.

    pandas, pyarrow and pathlib move classes between private modules across versions; the
    public spelling keeps hashes and type labels stable across those versions.
    """
    try:
        module = _type_attr(cls, "__module__")
        name = _type_attr(cls, "__qualname__")
    except Exception:  # noqa: BLE001 - an unnamable class is labelled, never an error
        return "<unknown>"
    if type(module) is not str or type(name) is not str:
        return "<unknown>"
    top = module.partition(".")[0]
    if top != module:
        pkg = sys.modules.get(top)
        # The namespace, not getattr(): a module-level __getattr__ could warn or import.
        if namespace_of(pkg).get(name) is cls:
            return f"{top}.{name}"
    return f"{module}.{name}"


def module_root(cls: type) -> str:
    """Top-level package a class comes from ("" when unknown)."""
    try:
        module = _type_attr(cls, "__module__")
    except Exception:  # noqa: BLE001 - no module: not a library's class, and that is all
        return ""
    return module.partition(".")[0] if type(module) is str else ""


@id_cached
def slot_descriptors(cls: type) -> tuple[tuple[str, Any], ...]:
    """The member descriptors of every Python-level ``__slots__`` in cls's MRO, sorted by name."""
    found: dict[str, Any] = {}
    for klass in _type_attr(cls, "__mro__"):
        own = _type_attr(klass, "__dict__")
        if "__slots__" not in own:
            continue
        for attr, value in own.items():
            if type(value) is MemberDescriptorType and attr not in found:
                found[attr] = value
    return tuple(sorted(found.items()))


@id_cached
def is_transparent(cls: type) -> bool:
    """True when an instance's whole state lives in its ``__dict__`` and Python slots.

    A C type keeps state we cannot see; it shows up as instance size not explained by
    PyObject's header, the Python slots and the optional dict/weakref pointers.
    """
    try:
        if _type_attr(cls, "__itemsize__"):
            return False
        slots = slot_descriptors(cls)
        has_dict = _type_attr(cls, "__dictoffset__") != 0
        python_slots = any(
            "__slots__" in _type_attr(k, "__dict__") for k in _type_attr(cls, "__mro__")
        )
        extra = _type_attr(cls, "__basicsize__") - _OBJECT_SIZE - 8 * len(slots)
    except Exception:  # noqa: BLE001 - a type we cannot inspect is treated as opaque
        return False
    return (has_dict or python_slots) and 0 <= extra <= 16


def mro_of(cls: type) -> tuple[type, ...]:
    """cls.__mro__ read through type's own descriptor."""
    mro: tuple[type, ...] = _type_attr(cls, "__mro__")
    return mro


@id_cached
def dict_descriptor(cls: type) -> Any:
    """The real ``__dict__`` getset descriptor of cls, skipping any property shadowing it."""
    for klass in mro_of(cls):
        found = _type_attr(klass, "__dict__").get("__dict__")
        if type(found) is GetSetDescriptorType or type(found) is MemberDescriptorType:
            return found
    return None


def inherits(cls: type, base: object) -> bool:
    """base in cls's MRO, by identity: ``in`` would call a user metaclass's __eq__."""
    return any(klass is base for klass in mro_of(cls))


def is_one_of(cls: type, options: tuple[type, ...]) -> bool:
    """cls is one of options, by identity (``in`` could run a user metaclass's __eq__)."""
    return any(cls is option for option in options)


_MODULE_DICT: Any = _type_attr(ModuleType, "__dict__")["__dict__"]


def namespace_of(module: object) -> dict[str, Any]:
    """A module's own namespace, or {}: no module-level __getattr__ or __dict__ override runs."""
    if not inherits(type(module), ModuleType):
        return {}
    found = _MODULE_DICT.__get__(module, ModuleType)
    return found if type(found) is dict else {}


def module_name(module: object) -> str:
    """A module's ``__name__`` when it is a str, else ""."""
    name = namespace_of(module).get("__name__")
    return name if type(name) is str else ""
