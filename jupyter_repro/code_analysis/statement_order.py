"""A cell's statements walked in order, so that a load counts as a read only if nothing the cell ran
before bound the name, and a bind counts as definite only if every run of the cell reaches it.

Usage (``cell_names.analyze`` is the public entry point)::

    top = TopLevel(call_names)
    top.block(tree.body, set(), definite=True)
    top.reads, top.binds, top.definite, top.defs, top.made_from, top.mentions, top.dynamic
"""

from __future__ import annotations

import ast

from .scope_names import NAMED, CallAnalysis, Names, collect

_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith, ast.Match)
_COMPOUND = (*_BLOCKS, getattr(ast, "TryStar", ast.Try))
_Block = tuple[set[str], list[ast.stmt]]  # names bound on entry, statements


class TopLevel:
    """Walks the cell's statements in order: a load counts only if nothing bound it before."""

    def __init__(self, call_names: CallAnalysis) -> None:
        self.reads: set[str] = set()
        self.binds: set[str] = set()
        self.definite: set[str] = set()
        self.defs: dict[str, frozenset[str]] = {}
        self.made_from: dict[str, frozenset[str]] = {}
        self.mentions: set[str] = set()
        self.dynamic: str | None = None
        self._call_names = call_names

    def block(self, stmts: list[ast.stmt], bound: set[str], definite: bool) -> None:
        for stmt in stmts:
            self.stmt(stmt, bound, definite)

    def stmt(self, stmt: ast.stmt, bound: set[str], definite: bool) -> None:
        header, maybe, blocks = _split(stmt) if isinstance(stmt, _COMPOUND) else ([stmt], [], [])
        sure = collect(header, self._call_names)
        later = collect(maybe, self._call_names)  # for targets, except types, case patterns
        self.reads |= (sure.loads | later.loads) - bound
        self.binds |= sure.stores | later.stores
        self.mentions |= sure.mentions | later.mentions
        self.dynamic = self.dynamic or sure.dynamic or later.dynamic
        if definite:
            self.definite |= sure.stores
        # A `with` body runs whenever the cell gets past it; if/for/while/try bodies may not.
        through = isinstance(stmt, (ast.With, ast.AsyncWith))
        inner = bound | sure.stores | later.stores
        for extra, body in blocks:
            self.mentions |= extra  # `except E as err`: err is bound in its handler
            self.block(body, inner if through else inner | extra, definite and through)
        bound |= inner if through else sure.stores
        self._note_defs(stmt, sure, later.stores)

    def _note_defs(self, stmt: ast.stmt, names: Names, also: set[str]) -> None:
        for name in names.stores | also:
            self.defs.pop(name, None)
            self.made_from.pop(name, None)
        if isinstance(stmt, NAMED):
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
