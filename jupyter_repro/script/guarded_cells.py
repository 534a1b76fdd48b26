"""The code of one exported execution: plain Python, with a failed-but-needed one guarded.

``plain_code(execution, failed)`` is what both the script and the pipeline export write, with
the credentials the recorder redacted read from the environment (``secret_literals``). A
failed execution is exported only when the result needs what it changed; it is wrapped so the
script carries on past the exception it raised when recorded, and says so in a comment.
"""

from __future__ import annotations

import builtins
import io
import textwrap
import tokenize

from ..store import Execution
from .ipython_syntax import to_plain_python
from .secret_literals import restore_secrets


def _has_multiline_string(code: str) -> bool:
    """Indenting would change the text of a string that spans lines."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return True
    return any(t.type == tokenize.STRING and t.start[0] != t.end[0] for t in tokens)


def _exception_name(execution: Execution) -> str:
    """The recorded exception's name when it is a builtin (catchable as is), else Exception."""
    name = execution.error_name or ""
    value = getattr(builtins, name, None)
    if isinstance(value, type) and issubclass(value, BaseException) and name != "SystemExit":
        return name
    return "Exception"


def guarded(code: str, execution: Execution) -> str:
    """Wrap a needed execution that raised, so the script continues as the session did."""
    error = f"{execution.error_name}: {execution.error_message}".strip(": ")
    comment = (
        f"# Execution {execution.id} raised {error or 'an error'} when recorded; the result\n"
        "# needs the state it changed before failing, so it is kept and its error caught.\n"
    )
    caught = _exception_name(execution)
    if _has_multiline_string(code):
        body = f"    exec(compile({code!r}, 'execution-{execution.id}', 'exec'), globals())\n"
    else:
        body = textwrap.indent(code.rstrip("\n") or "pass", "    ") + "\n"
    handler = f"except {caught} as error:\n    print('Expected error:', repr(error))\n"
    return f"{comment}try:\n{body}{handler}"


def plain_code(execution: Execution, failed: bool) -> tuple[str, list[str]]:
    """The execution's code as plain Python (guarded when it failed yet is needed), and warnings.

    Shared with the pipeline export, whose stage scripts hold the same code. A credential the
    recorder redacted is read from the environment (``secret_literals``).
    """
    translation = to_plain_python(execution.code)
    restored = restore_secrets(translation.code, execution.id)
    warnings = [f"execution {execution.id}: {w}" for w in translation.warnings]
    warnings += restored.warnings
    code = restored.code
    imports = dict.fromkeys((*translation.imports, *restored.imports))
    if imports:
        code = "".join(f"import {m}\n" for m in imports) + code
    return (guarded(code, execution) if failed else code), warnings
