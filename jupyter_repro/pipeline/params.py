"""The papermill ``parameters`` cell, split into ``params.yaml`` values and the code left over.

Usage::

    values, rest = split_parameters("threshold = 2\\nlabels = ['a', 'b']\\nimport os\\n")
    values  # {"threshold": 2, "labels": ["a", "b"]}: written to params.yaml
    rest    # "import os\\n": stays in the stage that holds the cell

A parameter is a top-level ``name = literal`` (or ``name: type = literal``) whose value YAML
can hold and give back unchanged: numbers, strings, booleans, None, and lists and dicts of them.
Anything else stays code, so the cell still runs as it did.
"""

from __future__ import annotations

import ast
from typing import Any

_SCALARS = (bool, int, float, str, type(None))


def split_parameters(code: str) -> tuple[dict[str, Any], str]:
    """(parameter name -> value, the code without those assignments)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}, code
    values: dict[str, Any] = {}
    lines: set[int] = set()
    taken: set[int] = set()  # lines of statements that stay: a parameter sharing one stays too
    for stmt in tree.body:
        span = set(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
        found = _parameter(stmt)
        if found is None:
            taken |= span
        else:
            values[found[0]] = found[1]
            lines |= span
    if lines & taken:  # `a = 1; import os` on one line: keep it simple, keep it all as code
        return {}, code
    rest = [line for n, line in enumerate(code.splitlines(keepends=True), 1) if n not in lines]
    return values, "".join(rest)


def _parameter(stmt: ast.stmt) -> tuple[str, Any] | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return None
    if not isinstance(target, ast.Name):
        return None
    try:
        literal = ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return (target.id, literal) if _yaml_safe(literal) else None


def _yaml_safe(value: Any) -> bool:
    """YAML gives it back equal and of the same type (a tuple would come back a list)."""
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, list):
        return all(_yaml_safe(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _yaml_safe(v) for k, v in value.items())
    return False
