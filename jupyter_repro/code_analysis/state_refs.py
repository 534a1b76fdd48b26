"""Where a cell's code may touch module-level state, read from its syntax tree: its imports,
dotted calls, dotted assignment targets and magics (``state_effects`` matches them against the
table in ``global_state``).

Usage::

    refs = state_refs("import numpy as np\\nnp.random.seed(0)\\nos.environ['A'] = '1'")
    refs.imports  # {"np": "numpy"}: names module-level imports bind, as dotted module/object
    refs.rebinds  # names the cell binds otherwise: they stand for no module any more
    refs.calls    # (Ref("np.random.seed", order=0, top=True),): every call, in source order
    refs.stores   # (Ref("os.environ[]"),): targets of assignments, augmented ones and `del`
    refs.loaded   # every name the code writes, nested scopes included: {"np", "os"}
    refs.methods  # attribute names called on anything: {"seed"}, `df.plot()` gives "plot"
    refs.imports_anything  # an import statement anywhere, function bodies included

A dotted text spells a subscript ``[]`` and a call ``()`` (``decimal.getcontext().prec``). ``top``
marks a call that is a whole module-level statement or the value one assigns: it runs whenever
the cell runs to its end. ``scope`` names the module-level function a reference lies in: its
code runs when called. The code a magic runs (``%time``) counts, never as ``top``.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .cell_names import analyze, parse_cell
from .magic_calls import MagicCall, magic_call
from .magics import magic

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)  # their code runs when called
_SCOPES = (*_FUNCTIONS, ast.ClassDef, ast.Lambda)  # an import there binds no global


@dataclass(frozen=True)
class Ref:
    text: str | None  # "np.random.seed", "os.environ[]"; None: not rooted at a name
    order: int = 0  # place among the cell's calls, in source order
    top: bool = False  # a whole module-level statement (or its assigned value): always runs
    bare: bool = False  # a call without arguments (`random.seed()` seeds from the OS)
    scope: str | None = None  # the module-level function it lies in
    magic: MagicCall | None = None  # the `%magic` this call is


@dataclass(frozen=True)
class StateRefs:
    imports: Mapping[str, str]
    rebinds: frozenset[str]
    calls: tuple[Ref, ...]
    stores: tuple[Ref, ...]
    loaded: frozenset[str]
    methods: frozenset[str]
    imports_anything: bool


@functools.lru_cache(maxsize=4096)
def state_refs(code: str) -> StateRefs | None:
    """The references of ``code`` (module docstring); None when it does not parse."""
    try:
        tree, _ = parse_cell(code)
    except (SyntaxError, ValueError, RecursionError):
        return None
    scope = {id(n): s.name for s in tree.body if isinstance(s, _FUNCTIONS) for n in ast.walk(s)}
    tops = {id(s.value) for s in tree.body if isinstance(s, (ast.Expr, ast.Assign))}
    found = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=_place)
    calls: list[Ref] = []
    for order, node in enumerate(found):
        call, where = magic_call(node), scope.get(id(node))
        text = None if call else dotted(node.func)
        bare = not (node.args or node.keywords)
        calls.append(Ref(text, order, id(node) in tops, bare, where, call))
        calls += [Ref(r.text, order, scope=where) for r in _magic_code(call)]
    stores = [Ref(dotted(t), scope=scope.get(id(t))) for t in _targets(tree)]
    imports = dict(_imports(tree))
    binds: frozenset[str] = getattr(analyze(code), "binds", frozenset())
    # Imported and assigned in one cell (`import random` ... `random = Rng()`): which one is last
    # is not worth telling apart, the name stands for no module.
    names_bound = (n for n in _outside(tree, _FUNCTIONS) if isinstance(n, ast.Name))
    stored = {n.id for n in names_bound if not isinstance(n.ctx, ast.Load)} & imports.keys()
    return StateRefs(
        imports={name: module for name, module in imports.items() if name not in stored},
        rebinds=frozenset((binds - imports.keys()) | stored),
        calls=tuple(calls),
        stores=tuple(r for r in stores if r.text),
        loaded=frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)),
        methods=frozenset(n.func.attr for n in found if isinstance(n.func, ast.Attribute)),
        imports_anything=any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)),
    )


def dotted(node: ast.AST) -> str | None:
    """``a.b[...].c()`` as ``"a.b[].c()"``; None unless rooted at a name."""
    parts: list[str] = []
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.Attribute):
            parts.append("." + node.attr)
            node = node.value
        elif isinstance(node, (ast.Subscript, ast.Call)):
            parts.append("[]" if isinstance(node, ast.Subscript) else "()")
            node = node.value if isinstance(node, ast.Subscript) else node.func
        else:
            return None
    return node.id + "".join(reversed(parts))


def _place(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)  # source order


def _targets(tree: ast.Module) -> Iterator[ast.AST]:
    """Attribute and subscript targets: assigned, augmented-assigned, annotated with a value or
    deleted (a bare name is a rebinding, not a change of module state)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.Delete)):
            todo = list(node.targets)
        elif isinstance(node, ast.AugAssign) or (isinstance(node, ast.AnnAssign) and node.value):
            todo = [node.target]
        else:
            continue
        while todo:
            target = todo.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                todo += target.elts
            elif isinstance(target, ast.Starred):
                todo.append(target.value)
            elif isinstance(target, (ast.Attribute, ast.Subscript)):
                yield target


def _outside(tree: ast.Module, scopes: tuple[type[ast.AST], ...]) -> Iterator[ast.AST]:
    """Every node of the cell but those inside ``scopes``."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, scopes):
            todo += ast.iter_child_nodes(node)


def _imports(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """(name, dotted module or object) for each import binding a global, in source order: under
    `if` and `try` (`try: import torch`), not in functions or classes."""
    found = (n for n in _outside(tree, _SCOPES) if isinstance(n, (ast.Import, ast.ImportFrom)))
    for node in sorted(found, key=_place):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]  # `import os.path` binds os
                yield (alias.asname, alias.name) if alias.asname else (top, top)
        elif node.module and not node.level:  # a star import binds names no one knows
            named = (a for a in node.names if a.name != "*")
            yield from ((a.asname or a.name, f"{node.module}.{a.name}") for a in named)


def _magic_code(call: MagicCall | None) -> tuple[Ref, ...]:
    """The calls in the code a magic runs (`%time np.random.seed(0)`), if it runs code."""
    found = magic(call.name.lstrip("%")) if call is not None else None
    if call is None or found is None or found.code is None:
        return ()
    inner = [state_refs(text) for text in (call.line, call.cell) if text.strip()]
    return tuple(r for refs in filter(None, inner) for r in refs.calls)
