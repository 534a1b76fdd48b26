"""What running a cell reads: the names its code reads now, and through the functions it calls.

Usage::

    found = analyze(code)
    now = eager_reads(code, found)  # reads, without the bodies of functions it only defines
    used = closure(now, defs)       # plus the globals of the functions they name, transitively

``defs`` maps a name to the globals its function body (or class, or the notebook function that
made the object) loads, as earlier cells defined them: ``CodeNames.defs`` accumulated in order.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from .cell_names import CodeNames, analyze


def closure(names: Iterable[str], defs: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """``names`` plus the globals of the earlier-defined functions they name, transitively."""
    found = set(names)
    todo = [n for n in found if n in defs]
    while todo:
        for name in defs[todo.pop()] - found:
            found.add(name)
            if name in defs:
                todo.append(name)
    return frozenset(found)


def eager_reads(code: str, found: CodeNames) -> frozenset[str]:
    """What the code reads when it runs. A function it only defines reads its globals later,
    when called: a cell defining ``f`` does not use the globals ``f`` uses."""
    if not found.defs:
        return found.reads
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return found.reads  # IPython syntax: keep every read, the safe side
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Pass()]
        elif isinstance(node, ast.Lambda):
            node.body = ast.Constant(None)
    stripped = analyze(ast.unparse(tree))
    if stripped is None:
        return found.reads
    # ...but a function it defines and calls right away reads its globals now.
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    called = [found.defs[name] for name in loaded & found.defs.keys()]
    return stripped.reads | (frozenset().union(*called) - found.definite)
