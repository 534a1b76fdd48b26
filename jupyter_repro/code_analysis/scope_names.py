"""The names some syntax-tree nodes load, store and mention, nested scopes contributing their free
names: the walker under ``cell_names``, which adds statement order on top.

Usage::

    found = collect([stmt], call_names)
    found.loads, found.stores  # as Python resolves them in the scope of the nodes
    found.globals              # `global` and `nonlocal` declarations
    found.scopes               # id(def, class, lambda, comprehension node) -> its free names
    found.mentions             # every name anywhere, nested scopes and magic code included
    found.dynamic              # why the nodes may reach the namespace without naming it, or None

``call_names`` says what one ``get_ipython()`` magic or shell call contributes. It is passed in
because it analyses the magic's own code with ``cell_names.analyze``, which calls this module.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .dynamic_access import DYNAMIC_ATTRS, DYNAMIC_NAMES, MAIN_MODULE
from .magic_calls import MagicCall, magic_call

NAMED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_SCOPES = (*NAMED, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_LEAVES = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop, ast.alias)


@dataclass(frozen=True)
class CallNames:
    """What one magic or shell call contributes to the scope it is in."""

    loads: frozenset[str] = frozenset()
    stores: frozenset[str] = frozenset()
    mentions: frozenset[str] = frozenset()
    dynamic: str | None = None


CallAnalysis = Callable[[MagicCall], CallNames]


@dataclass
class Names:
    loads: set[str] = field(default_factory=set)
    stores: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    scopes: dict[int, frozenset[str]] = field(default_factory=dict)
    mentions: set[str] = field(default_factory=set)
    dynamic: str | None = None

    def reach(self, why: str | None) -> None:
        """Note that the code reaches the namespace dynamically; the first reason is kept."""
        self.dynamic = self.dynamic or why

    def bind(self, name: str) -> None:
        self.stores.add(name)
        self.mentions.add(name)


def collect(nodes: Iterable[ast.AST], call_names: CallAnalysis) -> Names:
    """Names loaded, stored and mentioned by these nodes (see module docstring)."""
    found, stack = Names(), list(nodes)
    harmless: set[int] = set()  # `get_ipython` in a magic call, `vars` in `vars(obj)`
    compared: set[int] = set()  # `if __name__ == "__main__"` does not reach `__main__`
    while stack:
        node = stack.pop()  # depth first: a node is seen before its children
        if isinstance(node, ast.Name):  # the commonest node; its only child is its context
            _name(node, found, id(node) in harmless)
            continue
        if isinstance(node, _LEAVES):  # the recorder walks every cell: skip what holds no name
            continue
        if isinstance(node, _SCOPES):
            _enter(node, found, call_names)
            stack.extend(_outer_parts(node))
            continue
        if isinstance(node, ast.AnnAssign) and node.value is None:  # `x: int` binds nothing
            stack.append(node.annotation)
            if isinstance(node.target, ast.Name):
                _mention(node.target, found, harmless=False)
            else:
                stack.append(node.target)
            continue
        _other(node, found, (harmless, compared), call_names)
        stack.extend(ast.iter_child_nodes(node))
    found.stores.discard("*")
    return found


def _other(
    node: ast.AST, found: Names, seen: tuple[set[int], set[int]], calls: CallAnalysis
) -> None:
    """Every other node, before its children: `seen` holds the ids of harmless names and of
    the operands of comparisons, for the children to look up."""
    harmless, compared = seen
    if isinstance(node, ast.Call):
        harmless.update(_call(node, found, calls))
    elif isinstance(node, ast.Compare):
        compared.update(id(part) for part in [node.left, *node.comparators])
    elif isinstance(node, ast.Constant) and node.value == MAIN_MODULE:
        found.reach(None if id(node) in compared else repr(MAIN_MODULE))
    elif isinstance(node, ast.Attribute) and node.attr in DYNAMIC_ATTRS:
        found.reach("." + node.attr)
    else:
        _binding(node, found)


def _name(node: ast.Name, found: Names, harmless: bool) -> None:
    if isinstance(node.ctx, ast.Load):
        found.loads.add(node.id)
    else:
        found.stores.add(node.id)
        if isinstance(node.ctx, ast.Del):  # `del x` needs x to exist
            found.loads.add(node.id)
    _mention(node, found, harmless)


def _mention(node: ast.Name, found: Names, harmless: bool) -> None:
    if node.id not in DYNAMIC_NAMES:
        found.mentions.add(node.id)
    elif not harmless:
        found.reach(node.id)


def _call(node: ast.Call, found: Names, call_names: CallAnalysis) -> list[int]:
    """Take in a magic call's names; the ids of the Names it makes harmless."""
    call = magic_call(node)
    owner = node.func.value if isinstance(node.func, ast.Attribute) else None
    if call is not None and isinstance(owner, ast.Call):
        part = call_names(call)
        found.loads |= part.loads
        found.stores |= part.stores
        found.mentions |= part.mentions
        found.reach(part.dynamic)
        return [id(owner.func)]  # its `get_ipython`
    if isinstance(node.func, ast.Name) and node.func.id == "vars" and node.args:
        return [id(node.func)]  # vars(obj) reads obj: only a bare vars() is dynamic
    return []


def _binding(node: ast.AST, found: Names) -> None:
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        found.loads.add(node.target.id)  # `x += 1` reads x
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            found.bind(alias.asname or alias.name.split(".")[0])  # `*` is only mentioned
            if alias.name == MAIN_MODULE:
                found.reach("import " + MAIN_MODULE)
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        found.globals.update(node.names)
        found.mentions.update(node.names)
    elif isinstance(node, (ast.MatchAs, ast.MatchStar, ast.ExceptHandler)) and node.name:
        found.bind(node.name)
    elif isinstance(node, ast.MatchMapping) and node.rest:
        found.bind(node.rest)


def _enter(scope: ast.AST, found: Names, call_names: CallAnalysis) -> None:
    """Take in a nested scope: its free names are loads here, its mentions are mentions."""
    if isinstance(scope, ast.Lambda):
        inner = collect([scope.body], call_names)
    elif isinstance(scope, NAMED):
        inner = collect(scope.body, call_names)
        found.bind(scope.name)
    else:  # comprehension: its targets are local to it
        inner = collect(ast.iter_child_nodes(scope), call_names)
    params = {a.arg for a in _arguments(scope)}
    found.scopes[id(scope)] = frozenset(inner.loads - ((inner.stores | params) - inner.globals))
    found.loads |= found.scopes[id(scope)]
    found.mentions |= inner.mentions
    found.reach(inner.dynamic)


def _arguments(scope: ast.AST) -> list[ast.arg]:
    if not isinstance(scope, _FUNCTIONS):
        return []
    a = scope.args
    extra = [x for x in (a.vararg, a.kwarg) if x is not None]
    return [*a.posonlyargs, *a.args, *a.kwonlyargs, *extra]


def _outer_parts(scope: ast.AST) -> list[ast.AST]:
    """The parts of a nested scope evaluated where it is defined: decorators, defaults, bases."""
    parts: list[ast.AST | None] = []
    if isinstance(scope, ast.ClassDef):
        parts += [*scope.decorator_list, *scope.bases, *scope.keywords]
    elif isinstance(scope, _FUNCTIONS):
        parts += [*scope.args.defaults, *scope.args.kw_defaults]
        parts += [a.annotation for a in _arguments(scope)]
        if not isinstance(scope, ast.Lambda):
            parts += [*scope.decorator_list, scope.returns]
    return [p for p in parts if p is not None]
