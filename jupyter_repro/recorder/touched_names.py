"""Static analysis: which user-namespace names a cell's code can have touched.

Usage::

    names = touched_names(transformed_code, shell.user_ns)  # set[str], or None = "unknown"
    found = analyze_cell(transformed_code, shell.user_ns)   # Touched(names, objects), or None

Pass the *transformed* source IPython ran (`shell.transform_cell(raw)`). `None` means the code can
reach the namespace dynamically (`globals()`, `exec`, `eval`, frames, `__main__`, an unknown magic
such as `%run`, a syntax error), so the caller must treat every name as touched. Otherwise the
result over-approximates: every name the code mentions (anywhere, including nested defs, lambdas
and comprehensions), closed over the globals used by notebook-defined functions, classes, methods,
partials and generators it reaches. It may contain names absent from the namespace (callers
intersect). `Touched.objects` are values the code reaches without naming them (defaults, closure
cells, bound `self`, partial arguments): an object-identity tracker must treat them as touched.
"""

from __future__ import annotations

import ast
import dis
import functools
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Names and attributes that reach the namespace without naming the variable.
_DYNAMIC = frozenset({"globals", "locals", "vars", "exec", "eval", "__import__", "get_ipython"})
_DYNAMIC_ATTRS = frozenset(
    {"f_globals", "f_locals", "f_back", "__globals__", "user_ns", "user_global_ns", "_getframe"}
    | {"currentframe", "get_objects", "get_referrers", "get_referents"}
)
# Magics whose arguments are Python code run in the user namespace.
_CODE_MAGICS = frozenset({"time", "timeit", "prun", "capture"})
# Magics that at most var-expand their argument and (re)bind or delete names; (re)binding is
# caught by the tracker's identity check, so only the `{expr}` / `$name` expansions matter.
_SAFE_MAGICS = frozenset(
    "pinfo pinfo2 pdef pdoc psource pfile psearch who whos who_ls lsmagic magic matplotlib "
    "config cd pwd ls env set_env pip conda mamba micromamba uv load_ext reload_ext unload_ext "
    "autoreload aimport precision xmode colors history hist alias unalias rehashx page pycat "
    "bookmark dhist dirs popd pushd doctest_mode automagic autocall autoawait store reset "
    "reset_selective xdel load save notebook sx system killbgscripts pprint tb bash sh script "
    "html javascript js latex markdown svg writefile perl ruby python python2 python3 pypy".split()
)
_SHELL_CALLS = frozenset({"system", "getoutput"})
_EXPANSION = re.compile(r"\{([^{}]*)\}|\$([A-Za-z_]\w*)")
_IDENT = re.compile(r"[A-Za-z_]\w*")


class _Unknown(Exception):
    """The code reaches the namespace dynamically."""


@dataclass
class Touched:
    names: set[str] = field(default_factory=set)
    objects: list[Any] = field(default_factory=list)


def touched_names(code: str, user_ns: Mapping[str, Any]) -> set[str] | None:
    """Names the code may have read, bound, deleted or mutated; None if unknown."""
    found = analyze_cell(code, user_ns)
    return None if found is None else found.names


def analyze_cell(code: str, user_ns: Mapping[str, Any]) -> Touched | None:
    """Names plus unnamed reachable objects (see module docstring); None if unknown."""
    found = Touched()
    try:
        _collect(ast.parse(code), found.names)
        _close_over_callables(found, user_ns)
    except Exception:  # _Unknown, SyntaxError, or an odd object: "unknown" is always correct
        return None
    return found


def _collect(tree: ast.AST, names: set[str]) -> None:
    allowed: set[int] = set()  # ids of `get_ipython` Name nodes in recognised magic calls
    in_compare: set[int] = set()  # `if __name__ == "__main__"` is harmless
    for node in ast.walk(tree):  # breadth-first: parents are seen before their children
        if isinstance(node, ast.Name):
            if node.id not in _DYNAMIC:
                names.add(node.id)
            elif id(node) not in allowed:
                raise _Unknown(node.id)
        elif isinstance(node, ast.Call):
            inner = _ipython_call(node, names)
            if inner is not None:
                allowed.add(id(inner))
            elif _is_name(node.func, "vars") and node.args:
                allowed.add(id(node.func))  # vars(obj) reads obj, only vars() is dynamic
        elif isinstance(node, ast.Attribute) and node.attr in _DYNAMIC_ATTRS:
            raise _Unknown(node.attr)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "__main__":
                    raise _Unknown("__main__")
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.Compare):
            in_compare.update(id(part) for part in [node.left, *node.comparators])
        elif isinstance(node, ast.Constant) and node.value == "__main__":
            if id(node) not in in_compare:
                raise _Unknown("__main__")
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _ipython_call(node: ast.Call, names: set[str]) -> ast.AST | None:
    """Handle `get_ipython().<method>('...')` from IPython's transforms; the inner Name node."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)):
        return None
    inner = func.value.func
    if not _is_name(inner, "get_ipython") or func.value.args or node.keywords:
        return None
    args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(args) != len(node.args) or not args:
        return None
    if func.attr in _SHELL_CALLS:
        _expansions(args, names)
    elif func.attr == "run_line_magic" and len(args) == 2:
        _magic(args[0], args[1], "", names)
    elif func.attr == "run_cell_magic" and len(args) == 3:
        _magic(args[0], args[1], args[2], names)
    else:
        return None
    return inner


def _magic(magic: str, line: str, cell: str, names: set[str]) -> None:
    if magic in _SAFE_MAGICS:
        _expansions([line, cell], names)
    elif magic in _CODE_MAGICS:
        _expansions([line], names)
        _collect(_parse_line(line), names)  # options first, then code (or setup for %%timeit)
        if cell.strip():
            _collect(ast.parse(cell), names)  # raw IPython syntax here -> SyntaxError -> unknown
    else:
        raise _Unknown(magic)


def _parse_line(line: str) -> ast.AST:
    """Parse a magic line as Python after its leading `-o [value]` options; else SyntaxError."""
    words, after_option = line.split(), False
    while True:
        try:
            return ast.parse(" ".join(words))
        except SyntaxError:
            if not words or not (words[0].startswith("-") or after_option):
                raise  # e.g. `%time %run x.py`: IPython syntax we cannot see through
            after_option = words.pop(0).startswith("-")


def _expansions(texts: list[str], names: set[str]) -> None:
    """Names read by IPython's `{expr}` / `$name` expansion of magic and shell arguments."""
    for text in texts:
        for expr, name in _EXPANSION.findall(text):
            idents = set(_IDENT.findall(expr)) | ({name} if name else set())
            if idents & (_DYNAMIC | _DYNAMIC_ATTRS):
                raise _Unknown(expr)
            names.update(idents)


@functools.lru_cache(maxsize=4096)
def _code_refs(code: types.CodeType) -> frozenset[str]:
    """Global names used by a code object and its nested code; _Unknown if it is dynamic."""
    refs: set[str] = set()
    for ins in dis.get_instructions(code):
        arg = ins.argval
        if not isinstance(arg, str):
            continue
        if "GLOBAL" in ins.opname or ins.opname.endswith("_NAME"):
            if arg in _DYNAMIC or (ins.opname == "IMPORT_NAME" and arg == "__main__"):
                raise _Unknown(arg)
            refs.add(arg)
        elif "ATTR" in ins.opname or "METHOD" in ins.opname:
            if arg in _DYNAMIC_ATTRS:
                raise _Unknown(arg)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            refs |= _code_refs(const)
    return frozenset(refs)


def _close_over_callables(found: Touched, user_ns: Mapping[str, Any]) -> None:
    """Add what reachable notebook functions/classes/methods/partials/generators use."""
    module = user_ns.get("__name__", "__main__")
    queue = [user_ns[n] for n in found.names if n in user_ns]
    seen: set[int] = set()

    def use_code(code: types.CodeType) -> None:
        for name in _code_refs(code) - found.names:
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
    except Exception:
        return {}
    return attrs if isinstance(attrs, dict) else {}


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises ValueError
    except ValueError:
        return False
    return True
