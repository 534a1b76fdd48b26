"""Static analysis of a recorded cell's code, from its text alone (no live objects).

Usage::

    found = analyze("total = total + f(x)")  # CodeNames, or None if it does not parse
    found.reads     # {"total", "f", "x"}: loaded before the code binds them
    found.binds     # {"total"}: every name the code may bind or delete at top level
    found.definite  # {"total"}: binds that happen whenever the code runs to its end
    found.defs      # {name: globals its body loads} for functions/classes/lambdas it defines
    found.made_from # {"m": {"Model", "cfg"}} for `m = Model(cfg)`: what the value expression loads

The code is the raw cell: IPython syntax is transformed first. Names inside the code of
``%time``/``%%time``/``%prun``/``%%capture`` count as the cell's own; other magics' arguments that
parse as Python are both read and bound (unknown semantics: conservative). Names used inside
functions, lambdas and comprehensions that are not local to them count as reads.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_NAMED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_SCOPES = (*_NAMED, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith, ast.Match)
_COMPOUND = (*_BLOCKS, getattr(ast, "TryStar", ast.Try))
_IN_USER_NS = frozenset({"time", "prun", "capture"})  # magics that run their code in user_ns
_EXPANSION = re.compile(r"\{([^{}]*)\}|\$([A-Za-z_]\w*)")
_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class CodeNames:
    reads: frozenset[str]
    binds: frozenset[str]
    definite: frozenset[str]
    defs: Mapping[str, frozenset[str]]
    made_from: Mapping[str, frozenset[str]]


_Block = tuple[set[str], list[ast.stmt]]  # names bound on entry, statements


@dataclass
class _Names:
    loads: set[str] = field(default_factory=set)
    stores: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    scopes: dict[int, frozenset[str]] = field(default_factory=dict)  # id(node) -> free names


@functools.lru_cache(maxsize=4096)
def analyze(code: str) -> CodeNames | None:
    """What the code reads and binds; None when it does not parse (see module docstring)."""
    try:
        tree = ast.parse(_to_python(code))
    except (SyntaxError, ValueError, RecursionError):
        return None
    top = _TopLevel()
    top.block(tree.body, set(), definite=True)
    reads = frozenset(top.reads - {"get_ipython"})
    binds, definite = frozenset(top.binds), frozenset(top.definite)
    return CodeNames(reads, binds, definite, top.defs, top.made_from)


def _to_python(code: str) -> str:
    try:  # most cells are plain Python: skip IPython's tokenizer, half the cost of an export
        ast.parse(code)
        return code
    except (SyntaxError, ValueError):
        return str(_transformer().transform_cell(code))


@functools.cache
def _transformer() -> Any:
    from IPython.core.inputtransformer2 import TransformerManager  # heavy: only when exporting

    return TransformerManager()


class _TopLevel:
    """Walks the cell's statements in order: a load counts only if nothing bound it before."""

    def __init__(self) -> None:
        self.reads: set[str] = set()
        self.binds: set[str] = set()
        self.definite: set[str] = set()
        self.defs: dict[str, frozenset[str]] = {}
        self.made_from: dict[str, frozenset[str]] = {}

    def block(self, stmts: list[ast.stmt], bound: set[str], definite: bool) -> None:
        for stmt in stmts:
            self.stmt(stmt, bound, definite)

    def stmt(self, stmt: ast.stmt, bound: set[str], definite: bool) -> None:
        header, maybe, blocks = _split(stmt) if isinstance(stmt, _COMPOUND) else ([stmt], [], [])
        sure, later = _collect(header), _collect(maybe)  # later: for targets, except, case
        self.reads |= (sure.loads | later.loads) - bound
        self.binds |= sure.stores | later.stores
        if definite:
            self.definite |= sure.stores
        # A `with` body runs whenever the cell gets past it; if/for/while/try bodies may not.
        through = isinstance(stmt, (ast.With, ast.AsyncWith))
        inner = bound | sure.stores | later.stores
        for extra, body in blocks:
            self.block(body, inner if through else inner | extra, definite and through)
        bound |= inner if through else sure.stores
        self._note_defs(stmt, sure, later.stores)

    def _note_defs(self, stmt: ast.stmt, names: _Names, also: set[str]) -> None:
        for name in names.stores | also:
            self.defs.pop(name, None)
            self.made_from.pop(name, None)
        if isinstance(stmt, _NAMED):
            self.defs[stmt.name] = names.scopes[id(stmt)]
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
            return
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in (t.id for t in targets if isinstance(t, ast.Name)):
            if isinstance(stmt.value, ast.Lambda):
                self.defs[target] = names.scopes[id(stmt.value)]
            else:
                self.made_from[target] = frozenset(names.loads)


def _split(stmt: ast.stmt) -> tuple[list[ast.AST], list[ast.AST], list[_Block]]:
    """A compound statement's parts: always evaluated, maybe evaluated, and its blocks."""
    header: list[ast.AST] = []
    maybe: list[ast.AST] = []
    blocks: list[_Block] = []
    for name, value in ast.iter_fields(stmt):
        items = value if isinstance(value, list) else [value]
        if items and isinstance(items[0], ast.stmt):
            blocks.append((set(), items))
            continue
        for item in items:
            if isinstance(item, ast.ExceptHandler):  # `as e` is local to its handler
                maybe += [item.type] if item.type else []
                blocks.append(({item.name} if item.name else set(), item.body))
            elif isinstance(item, ast.match_case):
                maybe += [item.pattern, *([item.guard] if item.guard else [])]
                blocks.append((set(), item.body))
            elif isinstance(item, ast.AST):
                (maybe if name == "target" else header).append(item)  # a `for` target
    return header, maybe, blocks


def _collect(nodes: Iterable[ast.AST]) -> _Names:
    """Names loaded and stored by these nodes, nested scopes contributing their free names."""
    found, stack = _Names(), list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            found.scopes[id(node)] = _free(node)
            found.loads |= found.scopes[id(node)]
            stack.extend(_outer_parts(node))
            if isinstance(node, _NAMED):
                found.stores.add(node.name)
            continue
        if isinstance(node, ast.AnnAssign) and node.value is None:  # `x: int` binds nothing
            stack += [node.annotation] + (
                [] if isinstance(node.target, ast.Name) else [node.target]
            )
            continue
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.loads.add(node.target.id)  # `x += 1` reads x
        elif isinstance(node, ast.Name):
            (found.loads if isinstance(node.ctx, ast.Load) else found.stores).add(node.id)
            if isinstance(node.ctx, ast.Del):  # `del x` needs x to exist
                found.loads.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.stores.update(a.asname or a.name.split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.globals.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar, ast.ExceptHandler)) and node.name:
            found.stores.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            found.stores.add(node.rest)
        elif isinstance(node, ast.Call):
            _ipython_call(node, found)
        stack.extend(ast.iter_child_nodes(node))
    found.stores.discard("*")
    return found


def _free(scope: ast.AST) -> frozenset[str]:
    """Names a function, lambda, class or comprehension loads that it does not bind itself."""
    if isinstance(scope, ast.Lambda):
        inner = _collect([scope.body])
    elif isinstance(scope, _NAMED):
        inner = _collect(scope.body)
    else:  # comprehension: its targets are local to it
        inner = _collect(ast.iter_child_nodes(scope))
    params = {a.arg for a in _arguments(scope)}
    return frozenset(inner.loads - ((inner.stores | params) - inner.globals))


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


def _ipython_call(call: ast.Call, found: _Names) -> None:
    """Names inside `get_ipython().run_line_magic('time', 'y = f(x)')` and the like."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)):
        return
    if not (isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"):
        return
    args = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not args or len(args) != len(call.args):
        return
    for text in args[1:] if func.attr.startswith("run_") else args:  # `{expr}`, `$name`
        for expr, name in _EXPANSION.findall(text):
            found.loads.update(_IDENT.findall(expr) + ([name] if name else []))
    if func.attr == "run_line_magic" and len(args) == 2:
        codes = [_magic_line(args[1])]
    elif func.attr == "run_cell_magic" and len(args) == 3:
        codes = [analyze(args[2])] + ([] if args[0] in _IN_USER_NS else [_magic_line(args[1])])
    else:
        return
    for sub in codes:
        if sub is not None:
            found.loads |= sub.reads if args[0] in _IN_USER_NS else sub.reads | sub.binds
            found.stores |= sub.binds


def _magic_line(line: str) -> CodeNames | None:
    """A magic's line as Python, after its leading `-o [value]` options."""
    words, after_option = line.split(), False
    while words:
        found = analyze(" ".join(words))
        if found is not None or not (words[0].startswith("-") or after_option):
            return found
        after_option = words.pop(0).startswith("-")
    return None
