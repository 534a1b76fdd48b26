"""The names code reads without naming them: ``eval``, ``exec``, ``globals()[...]``, ``getattr``
on ``__main__``, ``locals()``, ``vars()``, frames.

Usage::

    found = dynamic_reads("eval('x + 1')")   # DynamicReads, or None: nothing read dynamically
    found.names     # {"x"}: identifiers in its string literals, names literal code it runs reads
    found.opaque    # None, or why it may read any name: "eval of a non-literal", "locals()"
    dynamic_defs("def show(a):\\n    return eval(a)")   # {"show": DynamicReads(...)}
    string_names("display('df1', 'df2')")               # {"df1", "df2"}

Only code that reaches the namespace dynamically (the triggers below) gets string literals as
reads: ``df['col']`` alone reads no ``col``. A function's body is not the code of the cell that
defines it: ``dynamic_reads`` looks at what runs now (function bodies left out, as
``reads.eager_reads`` does), ``dynamic_defs`` at each function or class the code defines.
"""

from __future__ import annotations

import ast
import functools
import keyword
from collections.abc import Mapping
from dataclasses import dataclass

from .cell_names import analyze, parse_cell
from .dynamic_access import DYNAMIC_ATTRS, MAIN_MODULE

_RUNS_CODE = frozenset({"eval", "exec"})
_NAMESPACES = frozenset({"globals", "locals", "vars"})
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class DynamicReads:
    names: frozenset[str]  # identifiers the dynamic access may name, as literals say
    opaque: str | None = None  # why it may read any name (a non-literal), else None


@functools.lru_cache(maxsize=4096)
def dynamic_reads(code: str) -> DynamicReads | None:
    """What the code, as it runs now, reads dynamically; None if it never reaches the namespace."""
    try:
        tree = parse_cell(code)[0]
    except (SyntaxError, ValueError, RecursionError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Pass()]
        elif isinstance(node, ast.Lambda):
            node.body = ast.Constant(None)
    return _reads(tree)


@functools.lru_cache(maxsize=4096)
def dynamic_defs(code: str) -> Mapping[str, DynamicReads]:
    """The functions and classes the code defines whose bodies read names dynamically."""
    names = analyze(code)
    if names is None or not names.defs:
        return {}
    found: dict[str, DynamicReads] = {}
    for node in ast.walk(parse_cell(code)[0]):
        if isinstance(node, _DEFS) and node.name in names.defs and node.name not in found:
            reads = _reads(node)
            if reads is not None:
                found[node.name] = reads
    return found


@functools.lru_cache(maxsize=4096)
def string_names(code: str) -> frozenset[str]:
    """The identifiers among the code's string literals (names a dynamic callee may look up)."""
    try:
        tree = parse_cell(code)[0]
    except (SyntaxError, ValueError, RecursionError):
        return frozenset()
    return frozenset(n for n in map(_literal, ast.walk(tree)) if n and _identifier(n))


def _reads(tree: ast.AST) -> DynamicReads | None:
    names: set[str] = set()
    opaque: list[str] = []
    reached = False
    keyed = _keyed(tree)
    for node in ast.walk(tree):
        text = _literal(node)
        if text is not None and _identifier(text):
            names.add(text)
        reached = _trigger(node, names, opaque, keyed) or reached
    return DynamicReads(frozenset(names), opaque[0] if opaque else None) if reached else None


def _trigger(node: ast.AST, names: set[str], opaque: list[str], keyed: set[int]) -> bool:
    """Whether the node reaches the namespace; note the names it names, or why it is opaque."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        func, args = node.func.id, node.args
        if func in _RUNS_CODE:
            text = _literal(args[0]) if args else None
            found = analyze(text) if text is not None else None
            if found is None:
                opaque.append(f"{func} of a non-literal")
            else:
                names.update(found.reads)
            return True
        if func == "getattr" and len(args) >= 2 and _main(args[0]):
            if _literal(args[1]) is None:
                opaque.append("getattr of a non-literal")
            return True
        if func in _NAMESPACES and not args:
            if id(node) not in keyed:
                opaque.append(f"{func}() as a whole")
            return True
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == MAIN_MODULE:
            names.add(node.attr)
            return True
        if node.attr in DYNAMIC_ATTRS and id(node) not in keyed:
            opaque.append(f".{node.attr} as a whole")
        return node.attr in DYNAMIC_ATTRS
    return False


def _keyed(tree: ast.AST) -> set[int]:
    """The ids of expressions only looked up with a literal key: ``globals()['x']``,
    ``frame.f_globals.get('x')``; any other use may read every name."""
    keyed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _literal(node.slice) is not None:
            keyed.add(id(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            literal = bool(node.args) and _literal(node.args[0]) is not None
            if node.func.attr in ("get", "__getitem__") and literal:
                keyed.add(id(node.func.value))
    return keyed


def _main(node: ast.AST) -> bool:
    """Whether the expression is (or holds) the notebook's namespace: ``__main__``, a frame's
    globals, ``sys.modules['__main__']``, ``globals()``."""
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id in {MAIN_MODULE, *_NAMESPACES}:
            return True
        if isinstance(part, ast.Attribute) and part.attr in DYNAMIC_ATTRS:
            return True
        if _literal(part) == MAIN_MODULE:
            return True
    return False


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _identifier(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)
