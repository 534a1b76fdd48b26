"""Which recorded outputs an exported cell must show again, and the code that shows them.

Usage, per exported execution (``number`` counts the script's notebook cells from 1)::

    kept = reproducible(execution)              # the fingerprints the lock keeps for it
    code = with_show_call(code, kept, number)   # its plain code, showing them under `python`

An output is kept when the script can show it again exactly: outputs of an execution that
raised are not (the script catches its error and prints a line instead), nor are ``stderr``
(warnings name the process's temporary files and line numbers) and ``error`` fingerprints, nor
the text streams of a cell with IPython syntax (``%time`` prints timings, ``!cmd`` the shell's
text, and a magic commented out prints nothing in the script).

A cell whose recorded outputs include a result or a display ends by calling the support cell's
``_repro_show`` (``output_helper``): its last expression becomes ``_repro_show(EXPR, cell=N)``,
whose value is EXPR's, so IPython shows it as the cell's result exactly as before; a cell
without one gets ``_repro_show(cell=N)`` as a last line, which shows nothing under IPython.
Under plain ``python`` the call prints the result and writes rich outputs and figures.
"""

from __future__ import annotations

import ast
from functools import lru_cache

from ..store import STATUS_OK, Execution, OutputFingerprint
from .ipython_syntax import to_plain_python

SHOW = "_repro_show"
_DISPLAYED = ("execute_result", "display_data")


def reproducible(execution: Execution) -> tuple[OutputFingerprint, ...]:
    """The recorded outputs of ``execution`` the script shows again (see module docstring)."""
    if execution.status != STATUS_OK:
        return ()
    plain = _plain(execution.code)
    return tuple(
        output
        for output in execution.outputs
        if output.output_type != "error"
        and output.name != "stderr"
        and (plain or output.output_type != "stream")
    )


def with_show_call(code: str, outputs: tuple[OutputFingerprint, ...], number: int) -> str:
    """``code`` ending with the call that shows ``outputs`` under plain python (or as is)."""
    kinds = {output.output_type for output in outputs}
    if not kinds & set(_DISPLAYED):
        return code
    wrapped = _wrap_last_expression(code, number) if "execute_result" in kinds else None
    return wrapped or f"{code.rstrip()}\n{SHOW}(cell={number})"


def _wrap_last_expression(code: str, number: int) -> str | None:
    """``code`` whose last statement, an expression, is passed through the show call."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr) or last.end_lineno is None or last.end_col_offset is None:
        return None
    lines = code.splitlines(keepends=True)
    start = _offset(lines, last.value.lineno, last.value.col_offset)
    end = _offset(lines, last.end_lineno, last.end_col_offset)
    return f"{code[:start]}{SHOW}({code[start:end]}, cell={number}){code[end:]}"


def _offset(lines: list[str], lineno: int, col: int) -> int:
    """The character offset of an ast position (whose column counts UTF-8 bytes)."""
    before = sum(len(line) for line in lines[: lineno - 1])
    return before + len(lines[lineno - 1].encode()[:col].decode())


@lru_cache(maxsize=1024)
def _plain(code: str) -> bool:
    """Whether the code has no IPython syntax (it comes back from translation unchanged)."""
    return to_plain_python(code).code == code
