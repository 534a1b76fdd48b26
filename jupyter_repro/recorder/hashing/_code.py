"""Code-bearing objects: functions, code, closures, methods, classes, modules.

Functions hash by what they do (bytecode, constants, names, defaults, closure contents),
never by where they were written (file, line) nor by the globals they read: those are other
variables with their own hashes. Modules hash by name and version only.
"""

from __future__ import annotations

import types
from operator import itemgetter
from typing import Any

from ._core import FRAME, LEAF, MUTABLE, Hasher, Spec
from ._identity import identity_key
from ._names import ident, inherits, is_one_of, module_name, qualname
from ._versions import module_version
from ._wire import lp, pack_Q, pack_q

#: Class-dict values worth hashing: functions and immutable constants. Mutable class-level
#: data (registries, caches) is left out: it can be unbounded and is not the class's code.
_CALLABLES: tuple[type, ...] = (types.FunctionType, staticmethod, classmethod, property)
_MEMBERS = _CALLABLES + (int, float, complex, str, bytes, bool, type(None))
_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: set for classes created at run time
#: Class attributes that move with the source text, not with the class's behaviour.
_VOLATILE = frozenset({"__firstlineno__", "__static_attributes__"})


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
    h.component(ident(cell))
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
    # type()-based checks: isinstance() would read a __class__ property of the owner.
    if inherits(type(owner), types.ModuleType):
        h.name(module_name(owner))
    elif owner is not None and not inherits(type(owner), type):
        h.component(identity_key(owner))
    objclass: Any = getattr(func, "__objclass__", None)
    h.name(qualname(objclass) if inherits(type(objclass), type) else "")


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
    if not type.__dict__["__flags__"].__get__(cls, type) & _HEAPTYPE:
        return  # a static C type (int, list...): its name says everything, by definition
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
    h.name(module_name(module))
    h.name(module_version(module))


def _wrapped_func(h: Hasher, wrapper: Any) -> None:
    h.name(qualname(type(wrapper)))
    h.visit(wrapper.__func__)


def _property(h: Hasher, prop: property) -> None:
    for part in (prop.fget, prop.fset, prop.fdel):
        h.visit(part)


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
    **{kind: Spec(b"j", _builtin, LEAF) for kind in _BUILTIN_KINDS},
}
