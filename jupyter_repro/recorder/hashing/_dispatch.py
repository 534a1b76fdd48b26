"""Which spec hashes which type: resolved once per class by walking its MRO, then cached.

The handlers of numpy, pandas, pyarrow, torch, matplotlib, scikit-learn, scipy and statsmodels
are imported only when the library is already in ``sys.modules`` (an object of theirs can only
exist then), so hashing never imports them.
"""

from __future__ import annotations

import importlib
import operator
import sys
import types
from typing import Any

from . import _builtins, _code, _objects, _stdlib
from ._core import LEAF, MUTABLE, Hasher, Spec
from ._names import id_cached, ident, is_transparent, module_root, mro_of, namespace_of, qualname
from ._objects import OBJECT, OPAQUE, instance_attrs

#: Top-level package -> (its hasher module, the module that must be loaded already). The hasher
#: imports what that module imports; so a user who imported ``matplotlib`` alone, or scipy
#: without ``scipy.stats``, never pays for (or sees) an import behind their back.
_LIBRARIES = {
    "numpy": ("_numpy", "numpy"),
    "pandas": ("_pandas", "pandas"),
    "pyarrow": ("_arrow", "pyarrow"),
    "torch": ("_torch", "torch"),
    "matplotlib": ("_matplotlib", "matplotlib.figure"),
    "sklearn": ("_sklearn", "sklearn.base"),
    "scipy": ("_scipy", "scipy.stats"),
    "statsmodels": ("_statsmodels", "statsmodels"),
}
_STATIC: dict[int, tuple[type, Spec]] = {
    ident(cls): (cls, spec)
    for table in (_builtins.SPECS, _stdlib.SPECS, _code.SPECS, _objects.SPECS)
    for cls, spec in table.items()
}


#: Classes whose instances are handles to outside state, by module: looked up once the module
#: is loaded (a program that never imported asyncio holds no Task).
_OPAQUE_NAMES = {
    "_io": ("_IOBase",),
    "_thread": ("LockType", "RLock"),
    "threading": ("Event", "Condition", "Semaphore", "Barrier", "Thread"),
    "_socket": ("socket",),
    "socket": ("socket",),
    "mmap": ("mmap",),
    "select": ("epoll", "poll", "kqueue"),
    "_asyncio": ("Future", "Task"),
    "asyncio": ("AbstractEventLoop",),
    # Weak containers and finalizers: what they hold can vanish at any collection.
    "weakref": ("WeakValueDictionary", "WeakKeyDictionary", "finalize"),
    "_weakrefset": ("WeakSet",),
}
_OPAQUE_TYPES = (
    types.GeneratorType,
    types.CoroutineType,
    types.AsyncGeneratorType,
    types.FrameType,
    types.TracebackType,
)
#: The last answer of _opaque_bases, and the modules (by identity) it was built from.
_opaque_cache: tuple[tuple[Any, ...], set[int]] = ((), set())


def _opaque_bases() -> set[int]:
    """idents of classes whose instances are handles to outside state, never values. Built
    again only when one of their modules was loaded (or replaced) since: a figure or a model
    meets dozens of new classes, and each one looked for them (0.15 ms)."""
    global _opaque_cache
    modules = tuple(map(sys.modules.get, _OPAQUE_NAMES))
    cached, bases = _opaque_cache
    if len(cached) == len(modules) and all(map(operator.is_, modules, cached)):
        return bases
    found: list[Any] = list(_OPAQUE_TYPES)
    for module, names in zip(modules, _OPAQUE_NAMES.values(), strict=True):
        if module is not None:
            found.extend(namespace_of(module).get(name) for name in names)
    bases = {ident(cls) for cls in found if isinstance(cls, type)}
    _opaque_cache = (modules, bases)
    return bases


def _library_spec(klass: type) -> Spec | None:
    found = _LIBRARIES.get(module_root(klass))
    if found is None or found[1] not in sys.modules:
        return None
    handlers = importlib.import_module(f"{__package__}.{found[0]}")
    spec: Spec | None = handlers.spec_for_class(klass)
    return spec


def _subclass(base: Spec) -> Spec:
    """A user subclass of a handled type: its name, the base content, then its own attrs."""

    def body(h: Hasher, obj: object) -> None:
        h.name(qualname(type(obj)))
        base.body(h, obj)
        instance_attrs(h, obj)

    kind = MUTABLE if base.kind == LEAF else base.kind
    return Spec(b"+" + base.tag, body, kind, base.key)


def _resolve(cls: type) -> Spec:
    mro = mro_of(cls)
    opaque = _opaque_bases()
    if any(ident(klass) in opaque for klass in mro):
        return OPAQUE
    enum_base = sys.modules["enum"].Enum
    for klass in mro:
        if klass is enum_base:
            # Before int/str: an IntEnum member is an enum first.
            return _stdlib.SPECS[klass]
    zoneinfo = _stdlib.zoneinfo_spec()
    for klass in mro:
        hit = _STATIC.get(ident(klass))
        spec = hit[1] if hit is not None and hit[0] is klass else None
        for zone_cls, zone_spec in zoneinfo.items():
            if zone_cls is klass:
                spec = zone_spec
        if spec is None:
            spec = _library_spec(klass)
        if spec is not None:
            return spec if klass is cls or spec.subclasses else _subclass(spec)
    return OBJECT if is_transparent(cls) else OPAQUE


spec_for = id_cached(_resolve)
