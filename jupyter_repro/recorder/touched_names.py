"""Which user-namespace names a cell's code can have touched: the static analysis from
``code_analysis``, closed over the live notebook functions the code reaches.

Usage::

    names = touched_names(transformed_code, shell.user_ns)  # set[str], or None = "unknown"
    found = analyze_cell(transformed_code, shell.user_ns)   # Touched(names, objects), or None

Pass the *transformed* source IPython ran (`shell.transform_cell(raw)`). `None` means the code can
reach the namespace dynamically (`globals()`, `exec`, `eval`, frames, `__main__`, a magic the table
in ``code_analysis.magics`` does not vouch for, such as `%run`, a syntax error), so the caller must
treat every name as touched. Otherwise the result over-approximates: every name the code mentions
(``CodeNames.mentions``: anywhere, including nested defs, lambdas, comprehensions and the code of
`%time`-like magics), closed over the globals used by notebook-defined functions, classes,
methods, partials and generators it reaches. It may contain names absent from the namespace
(callers intersect). `Touched.objects` are values the code reaches without naming them (defaults,
closure cells, bound `self`, partial arguments): an object-identity tracker must treat them as
touched. `Touched.reads` are the names whose incoming value the code may use (its loads before
any binding of the name in the cell, and the globals of the functions it reaches): a name only
bound (`for a in grid.flat: a.plot()`) never reached the object it held before.
"""

from __future__ import annotations

import dis
import functools
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jupyter_repro.code_analysis.cell_names import analyze
from jupyter_repro.code_analysis.dynamic_access import DYNAMIC_ATTRS, DYNAMIC_NAMES, MAIN_MODULE


class _Unknown(Exception):
    """The code reaches the namespace dynamically."""


@dataclass
class Touched:
    names: set[str] = field(default_factory=set)
    objects: list[Any] = field(default_factory=list)
    #: The names whose value before the cell it may have used (read, mutated, called), a
    #: subset of ``names``: a name the cell only bound cannot have reached its old value.
    reads: set[str] = field(default_factory=set)


def touched_names(code: str, user_ns: Mapping[str, Any]) -> set[str] | None:
    """Names the code may have read, bound, deleted or mutated; None if unknown."""
    found = analyze_cell(code, user_ns)
    return None if found is None else found.names


def analyze_cell(code: str, user_ns: Mapping[str, Any]) -> Touched | None:
    """Names plus unnamed reachable objects (see module docstring); None if unknown."""
    try:
        static = analyze(code)
        if static is None or static.ipython_syntax or static.dynamic is not None:
            return None  # not the plain Python IPython ran, or dynamic access
        found = Touched(set(static.mentions), reads=set(static.reads))
        _close_over_callables(found, user_ns)
    except Exception:  # noqa: BLE001 - _Unknown or an odd user object: "unknown" is always correct
        return None
    return found


@functools.lru_cache(maxsize=4096)
def _code_refs(code: types.CodeType) -> frozenset[str]:
    """Global names used by a code object and its nested code; _Unknown if it is dynamic."""
    refs: set[str] = set()
    for ins in dis.get_instructions(code):
        arg = ins.argval
        if not isinstance(arg, str):
            continue
        if "GLOBAL" in ins.opname or ins.opname.endswith("_NAME"):
            if arg in DYNAMIC_NAMES or (ins.opname == "IMPORT_NAME" and arg == MAIN_MODULE):
                raise _Unknown(arg)
            refs.add(arg)
        elif "ATTR" in ins.opname or "METHOD" in ins.opname:
            if arg in DYNAMIC_ATTRS:
                raise _Unknown(arg)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            refs |= _code_refs(const)
    return frozenset(refs)


def _close_over_callables(found: Touched, user_ns: Mapping[str, Any]) -> None:
    """Add what reachable notebook functions/classes/methods/partials/generators use."""
    module = user_ns.get("__name__", MAIN_MODULE)
    queue = [user_ns[n] for n in found.names if n in user_ns]
    seen: set[int] = set()

    def use_code(code: types.CodeType) -> None:
        refs = _code_refs(code)
        found.reads |= refs  # a function the cell reaches may use them
        for name in refs - found.names:
            found.names.add(name)
            if name in user_ns:
                queue.append(user_ns[name])

    def reach(*objects: Any) -> None:  # unnamed objects the code can mutate
        found.objects.extend(objects)
        queue.extend(objects)

    while queue:
        value = queue.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        attrs = _instance_dict(value)
        if "__wrapped__" in attrs:  # functools.wraps / lru_cache wrappers
            queue.append(attrs["__wrapped__"])
        if isinstance(value, types.FunctionType):
            cells = [c.cell_contents for c in value.__closure__ or () if _filled(c)]
            if value.__globals__ is user_ns:
                use_code(value.__code__)
                reach(*(value.__defaults__ or ()), *(value.__kwdefaults__ or {}).values(), *cells)
            else:  # a library decorator's wrapper: only follow the functions it wraps
                queue.extend(c for c in cells if isinstance(c, _CODE_TYPES))
        elif isinstance(value, types.MethodType):
            queue.append(value.__func__)
            reach(value.__self__)
        elif isinstance(value, types.BuiltinMethodType):  # e.g. `add = lst.append`
            if not isinstance(value.__self__, types.ModuleType):
                reach(value.__self__)
        elif isinstance(value, functools.partial):
            queue.append(value.func)
            reach(*value.args, *value.keywords.values())
        elif isinstance(value, (classmethod, staticmethod)):
            queue.append(value.__func__)
        elif isinstance(value, property):
            queue.extend(f for f in (value.fget, value.fset, value.fdel) if f is not None)
        elif isinstance(value, type):
            for klass in value.__mro__:
                if klass.__module__ == module:  # class attributes are shared mutable state
                    reach(klass, *vars(klass).values())
        elif isinstance(value, (types.GeneratorType, types.CoroutineType)):
            frame = value.gi_frame if isinstance(value, types.GeneratorType) else value.cr_frame
            if frame is not None and frame.f_globals is user_ns:
                use_code(frame.f_code)
                reach(*frame.f_locals.values())
        elif type(value).__module__ == module:  # notebook-class instance: methods, callbacks
            reach(type(value))
            queue.extend(v for v in attrs.values() if isinstance(v, _CODE_TYPES))
        elif type(value) in _CONTAINERS and len(value) <= _SCAN_LIMIT:  # callback lists
            items = value.values() if type(value) is dict else value
            queue.extend(v for v in items if isinstance(v, _CODE_TYPES))


_CODE_TYPES = (types.FunctionType, types.MethodType, functools.partial, type)
_CONTAINERS = (list, tuple, set, frozenset, dict)
_SCAN_LIMIT = 10_000


def _instance_dict(value: Any) -> dict[str, Any]:
    try:  # bypass user __getattr__/__getattribute__: no side effects on the user's objects
        attrs = object.__getattribute__(value, "__dict__")
    except Exception:  # noqa: BLE001 - no readable __dict__ (slots, proxies): nothing to follow
        return {}
    return attrs if isinstance(attrs, dict) else {}


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises ValueError
    except ValueError:
        return False
    return True
