"""Code-bearing objects (functions, methods, classes, modules) and plain user objects.

Plain objects are read only through their ``__dict__`` and ``__slots__`` descriptors: no
``__getattr__``, property, ``__eq__``, ``__repr__`` or ``__reduce__`` of theirs ever runs.
"""

from __future__ import annotations

import functools
import types
from operator import itemgetter
from typing import Any

from ._core import FRAME, LEAF, MUTABLE, Hasher, Spec
from ._identity import identity_key
from ._names import (
    dict_descriptor,
    id_cached,
    is_one_of,
    module_version,
    qualname,
    slot_descriptors,
)
from ._wire import lp, lp_str, pack_Q, pack_q

_MEMBERS = (types.FunctionType, staticmethod, classmethod, property) + (
    int,
    float,
    complex,
    str,
    bytes,
    bool,
    type(None),
)
#: Class attributes that move with the source text, not with the class's behaviour.
_VOLATILE = frozenset({"__firstlineno__", "__static_attributes__"})


def instance_dict(obj: object) -> dict[str, Any] | None:
    """The instance's own __dict__, or None; never runs a user-defined attribute hook."""
    desc = dict_descriptor(type(obj))
    if desc is None:
        return None
    found = desc.__get__(obj, type(obj))
    return found if type(found) is dict else None


def instance_attrs(h: Hasher, obj: object) -> None:
    """Write __dict__ (as a dict) and every slot, an unset slot as its own marker."""
    found = instance_dict(obj)
    if found is None and type.__dict__["__dictoffset__"].__get__(type(obj)):
        # The class shadows __dict__ (say, with a property) and hides the real one: reading
        # it would run that code, so the attributes are reported as unreadable instead.
        h.error(LookupError("instance __dict__ is shadowed"))
    elif found is None:
        h.raw(b"-")
    else:
        h.raw(b"D")
        h.visit(found)
    slots = slot_descriptors(type(obj))
    h.raw(pack_Q(len(slots)))
    for name, desc in slots:
        h.name(name)
        try:
            value = desc.__get__(obj, type(obj))
        except AttributeError:
            h.raw(b"_")
            continue
        h.raw(b"=")
        h.visit(value)


def _object(h: Hasher, obj: object) -> None:
    h.raw(_encoded_name(type(obj)))
    instance_attrs(h, obj)


@id_cached
def _encoded_name(cls: type) -> bytes:
    return lp_str(qualname(cls))


def _opaque(h: Hasher, obj: object) -> None:
    h.opaque(qualname(type(obj)))


OBJECT = Spec(b"O", _object, MUTABLE, subclasses=True)
OPAQUE = Spec(b"", _opaque, LEAF, subclasses=True)


def _code(h: Hasher, code: types.CodeType) -> None:
    # Positions (filename, line numbers) are left out: moving a cell must not change a hash.
    for count in (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount):
        h.raw(pack_q(count))
    h.raw(pack_q(code.co_flags))
    h.write(lp(code.co_code))
    h.write(lp(getattr(code, "co_exceptiontable", b"")))
    h.name(getattr(code, "co_qualname", code.co_name))
    for names in (code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars):
        h.visit(names)
    h.visit(code.co_consts)


def _function(h: Hasher, func: types.FunctionType) -> None:
    # Globals are deliberately out: they are other variables, hashed under their own names.
    h.name(func.__qualname__)
    h.visit(func.__module__)
    h.visit(func.__code__)
    h.visit(func.__defaults__)
    h.visit(func.__kwdefaults__)
    cells = func.__closure__ or ()
    h.raw(pack_Q(len(cells)))
    for cell in cells:
        _cell(h, cell)
    h.visit(func.__dict__ or None)


def _cell(h: Hasher, cell: types.CellType) -> None:
    h.component(id(cell))
    try:
        contents = cell.cell_contents
    except ValueError:  # an empty cell: a closure variable not yet assigned
        h.raw(b"_")
        return
    h.raw(b"=")
    h.visit(contents)


def _method(h: Hasher, method: types.MethodType) -> None:
    # The instance's state is its own variable; only its identity links it for aliasing.
    h.component(identity_key(method.__self__))
    h.visit(method.__func__)


def _builtin(h: Hasher, func: Any) -> None:
    """Built-in functions, bound built-in methods and C slot wrappers: name and owner only."""
    h.name(qualname(type(func)))
    h.name(str(getattr(func, "__qualname__", "")))
    owner = getattr(func, "__self__", None)
    if isinstance(owner, types.ModuleType):
        h.name(str(vars(owner).get("__name__")))
    elif owner is not None and not isinstance(owner, type):
        h.component(identity_key(owner))
    objclass = getattr(func, "__objclass__", None)
    h.name(qualname(objclass) if isinstance(objclass, type) else "")


def _is_member(value: object, depth: int = 0) -> bool:
    kind = type(value)
    if is_one_of(kind, _MEMBERS):
        return True
    if (kind is tuple or kind is frozenset) and depth < 4 and len(value) <= 1000:  # type: ignore[arg-type]
        return all(_is_member(v, depth + 1) for v in value)  # type: ignore[attr-defined]
    return False


def _class(h: Hasher, cls: type) -> None:
    """Name, metaclass, bases by name and the functions/constants of the class's own dict.

    Mutable class-level data (registries, caches) is left out: it can be unbounded.
    """
    h.name(qualname(cls))
    h.name(qualname(type(cls)))
    bases = type.__dict__["__bases__"].__get__(cls, type)
    h.raw(pack_Q(len(bases)))
    for base in bases:
        h.name(qualname(base))
    own = type.__dict__["__dict__"].__get__(cls, type)
    members = [
        (k, v) for k, v in own.items() if type(k) is str and k not in _VOLATILE and _is_member(v)
    ]
    members.sort(key=itemgetter(0))
    h.raw(pack_Q(len(members)))
    for key, value in members:
        h.name(key)
        h.visit(value)


def _module(h: Hasher, module: types.ModuleType) -> None:
    # Never the contents: a module is identified by what it is and which release it is.
    namespace = vars(module)
    h.name(str(namespace.get("__name__")))
    h.name(module_version(module))


def _wrapped_func(h: Hasher, wrapper: Any) -> None:
    h.name(qualname(type(wrapper)))
    h.visit(wrapper.__func__)


def _property(h: Hasher, prop: property) -> None:
    for part in (prop.fget, prop.fset, prop.fdel):
        h.visit(part)


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


_BUILTIN_KINDS = (
    types.BuiltinFunctionType,
    types.MethodWrapperType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
)

SPECS: dict[type, Spec] = {
    types.FunctionType: Spec(b"P", _function, MUTABLE),
    types.CodeType: Spec(b"C", _code, FRAME),
    types.MethodType: Spec(b"M", _method, FRAME),
    types.CellType: Spec(b"k", _cell, LEAF),
    types.ModuleType: Spec(b"m", _module, LEAF, subclasses=True),
    type: Spec(b"T", _class, MUTABLE, subclasses=True),
    staticmethod: Spec(b"W", _wrapped_func, FRAME, subclasses=True),
    classmethod: Spec(b"W", _wrapped_func, FRAME, subclasses=True),
    property: Spec(b"p", _property, FRAME),
    functools.partial: Spec(b"Y", _partial, MUTABLE, subclasses=True),
    BaseException: Spec(b"X", _exception, MUTABLE, subclasses=True),
    **{kind: Spec(b"j", _builtin, LEAF) for kind in _BUILTIN_KINDS},
}
