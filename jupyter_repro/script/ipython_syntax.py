"""Turn a cell's IPython-only syntax into plain Python that runs without IPython.

::

    result = to_plain_python("%cd data\\nfiles = !ls  # inputs\\n")
    result.code      # "os.chdir('data')\\nfiles = subprocess.run('ls  # inputs', ...)..."
    result.imports   # ('os', 'subprocess'): the exporter writes one import line for the script
    result.warnings  # sentences for stderr, one per construct not translated faithfully

IPython's own transformer turns ``%magic``, ``%%cell magic``, ``!cmd`` and ``obj?`` into
``get_ipython()`` calls (read back by ``code_analysis.magic_calls``); only the statements holding
those calls are rewritten (by ``magic_translations``, as the table in ``code_analysis.magics``
says), so the rest of the cell keeps its text and comments. A cell without
IPython syntax comes back byte-for-byte. A cell that is not Python even after the transformation
(it raised ``SyntaxError`` when run) comes back commented out, with a warning.

``x = !cmd`` becomes the list of output lines: IPython's ``SList`` is a ``list`` of the same
lines with extra helpers (``.grep``, ``.fields``) that a plain script cannot offer.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..code_analysis.magic_calls import magic_call
from .magic_translations import Outcome, translate


@dataclass(frozen=True)
class Translation:
    code: str  # plain Python source, runnable without IPython
    warnings: tuple[str, ...] = ()  # one sentence per construct not translated faithfully
    imports: tuple[str, ...] = ()  # stdlib modules the code needs, imported once by the exporter


def to_plain_python(code: str) -> Translation:
    """The cell ``code`` as plain Python, with warnings and the imports it needs."""
    # Imported here: the exported script, and modules importing this one, need no IPython.
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        source = TransformerManager().transform_cell(code)
        tree = ast.parse(source)
    except (SyntaxError, ValueError) as error:  # ValueError: null bytes, on some Pythons
        lineno = getattr(error, "lineno", None)
        where = f", line {lineno}" if lineno else ""
        reason = f"is not valid Python ({getattr(error, 'msg', error)}{where})"
        return Translation(_comment(code), (f"A cell {reason}; it is commented out.",))
    if "get_ipython" not in code and _same_code(code, tree):
        return Translation(code)
    return _rewrite(source, tree)


def _same_code(code: str, tree: ast.Module) -> bool:
    """Whether the transformer changed nothing but layout (dropped blank lines, for instance)."""
    try:
        return ast.dump(ast.parse(code)) == ast.dump(tree)
    except SyntaxError:
        return False


def _rewrite(source: str, tree: ast.Module) -> Translation:
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    edits: dict[ast.AST, str] = {}
    commented: list[ast.stmt] = []
    warnings: list[str] = []
    imports: set[str] = set()
    handled: set[ast.AST] = set()
    for node in ast.walk(tree):  # breadth first: a call is seen before its get_ipython name
        call = magic_call(node)
        if call is None:
            if isinstance(node, ast.Name) and node.id == "get_ipython" and node not in handled:
                warnings.append("A cell calls get_ipython(), which needs IPython; left as is.")
            continue
        handled.add(node.func.value.func)  # type: ignore[attr-defined]
        statement = parents[node]
        as_value = not isinstance(statement, ast.Expr)
        while not isinstance(statement, ast.stmt):
            statement = parents[statement]
        outcome = _complete(translate(call, as_value), as_value)
        warnings += outcome.warnings
        imports.update(outcome.imports)
        if outcome.code is not None:
            edits[node if as_value else statement] = outcome.code
        elif hasattr(statement, "body"):  # a compound statement cannot be commented out alone
            warnings.append(f"`{call.form.splitlines()[0]}` is left as is: it needs IPython.")
        else:
            segment = ast.get_source_segment(source, statement) or ""
            called = ast.get_source_segment(source, node) or ""
            edits[statement] = _comment(segment.replace(called, call.form, 1)).rstrip("\n")
            commented.append(statement)
    for statement in commented:  # a block left with comments only needs a statement
        block = _block(statement, parents)
        if block and block[-1] is statement and all(s in commented for s in block):
            edits[statement] += "\npass"
    code = _splice(source, edits)
    try:
        ast.parse(code)
    except SyntaxError:
        reason = "could not be translated to plain Python"
        return Translation(_comment(source), (f"A cell {reason}; it is commented out.",))
    return Translation(code, tuple(warnings), tuple(sorted(imports)))


def _complete(outcome: Outcome, as_value: bool) -> Outcome:
    """Translate the code an outcome nests (``%time`` of a ``!cmd``) and check its shape."""
    if not outcome.nested or outcome.code is None:
        return outcome
    inner = to_plain_python(outcome.code)
    code: str | None = inner.code.rstrip("\n") if inner.code.strip() else None
    warnings = outcome.warnings + inner.warnings
    if as_value and code is not None and not _is_expression(code):
        code, warnings = None, (*warnings, f"`{outcome.code}` has no value; commented out.")
    return Outcome(code, warnings, outcome.imports + inner.imports)


def _is_expression(code: str) -> bool:
    try:
        ast.parse(code, mode="eval")
    except SyntaxError:
        return False
    return True


def _block(statement: ast.stmt, parents: dict[ast.AST, ast.AST]) -> list[ast.stmt] | None:
    parent = parents[statement]
    if isinstance(parent, ast.Module):
        return None  # an empty module is fine
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is statement for s in block):
            return block
    return None


def _splice(source: str, edits: dict[ast.AST, str]) -> str:
    """``source`` with each node's text replaced; node offsets count UTF-8 bytes."""
    data = source.encode()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = {node: _span(node, starts) for node in edits}
    for node, text in sorted(edits.items(), key=lambda edit: spans[edit[0]], reverse=True):
        start, end = spans[node]
        if any(_inside(spans[node], spans[other]) for other in spans if other is not node):
            continue  # the enclosing statement is commented out as a whole
        line_start = starts[node.lineno - 1]  # type: ignore[attr-defined]
        indent = re.match(rb"[ \t]*", data[line_start:start])
        margin = indent.group().decode() if indent else ""
        text = text.replace("\n", "\n" + margin) if margin else text
        data = data[:start] + text.encode() + data[end:]
    return data.decode()


def _span(node: ast.AST, starts: list[int]) -> tuple[int, int]:
    lineno, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
    end_lineno, end_col = node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]
    return starts[lineno - 1] + col, starts[end_lineno - 1] + end_col


def _inside(span: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= span[0] and span[1] <= outer[1]


def _comment(code: str) -> str:
    lines = code.splitlines()
    return "".join(f"# {line}\n" if line.strip() else "#\n" for line in lines)
