"""The ``get_ipython()`` calls IPython's transformer writes for magics and shell escapes, read back
from the syntax tree, and the names IPython's ``{expr}``/``$name`` expansion of their text reads.

Usage::

    call = magic_call(node)  # for `get_ipython().run_line_magic('cd', '{folder}')`
    call                     # MagicCall(kind="line", name="cd", line="{folder}")
    call.form                # "%cd {folder}": as typed in the notebook
    expansion_names("ls {path} $other")  # {"path", "other"}

Only the exact shapes the transformer writes are recognised (string constants, no keywords): a
hand-written ``get_ipython()`` call is something else, and each caller decides what that means.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_KINDS = {"run_line_magic": "line", "run_cell_magic": "cell", "system": "system"}
_KINDS |= {"getoutput": "getoutput", "show_usage": "usage"}
_ARITY = {"line": 2, "cell": 3, "system": 1, "getoutput": 1, "usage": 0}
# An approximation of IPython's var_expand: `{expr}` fields and `$name` (not `$$`, not `{{`).
_EXPANSION = re.compile(r"\{([^{}]*)\}|\$([A-Za-z_]\w*)")
_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class MagicCall:
    """One ``get_ipython()`` call: kind is line, cell, system (``!cmd``), getoutput
    (``x = !cmd``, ``!!cmd``) or usage (a lone ``?``)."""

    kind: str
    name: str = ""
    line: str = ""
    cell: str = ""

    @property
    def form(self) -> str:
        """The call as typed in the notebook, for commented-out lines and warnings."""
        if self.kind == "cell":
            return f"%%{self.name} {self.line}".rstrip() + "\n" + self.cell
        if self.kind in ("system", "getoutput"):
            return "!" + self.line
        if self.kind == "usage":
            return "?"
        if self.name in ("pinfo", "pinfo2"):
            return self.line + "?" * len(self.name[4:] or "?")
        return f"%{self.name} {self.line}".rstrip()


def magic_call(node: ast.AST) -> MagicCall | None:
    """The ``get_ipython().run_line_magic('cd', 'data')``-style call ``node`` is, if any."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner, kind = node.func.value, _KINDS.get(node.func.attr, "")
    if not (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name)):
        return None
    if owner.func.id != "get_ipython" or owner.args or node.keywords or not kind:
        return None
    texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(texts) != len(node.args) or len(texts) != _ARITY[kind]:
        return None
    if kind in ("line", "cell"):
        return MagicCall(kind, *texts)
    return MagicCall(kind, line=texts[0] if texts else "")


def expansion_names(text: str) -> frozenset[str]:
    """Every identifier IPython's ``{expr}``/``$name`` expansion of ``text`` may read."""
    found: set[str] = set()
    for expr, name in _EXPANSION.findall(text):
        found.update(_IDENT.findall(expr))
        if name:
            found.add(name)
    return frozenset(found)
