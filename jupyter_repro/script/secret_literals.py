"""Credentials the recorder did not store, read from the environment by the exported script.

Usage, by ``guarded_cells.plain_code``::

    restored = restore_secrets('API_KEY = "<redacted:API_KEY>"\\n', execution=3)
    restored.code      # '# jupyter-repro: a credential in this cell was not recorded; it is
                       # read from the environment variable API_KEY\\nAPI_KEY = os.environ[...]'
    restored.imports   # ("os",)
    restored.warnings  # ("execution 3: a credential was not recorded: ... API_KEY ...",)

The recorder stores a literal that holds a credential as ``"<redacted:NAME>"``
(``code_analysis.credential_literals``). Each such literal becomes ``os.environ["NAME"]``
(``.encode()`` for bytes), under a comment saying so: the script runs, and verifies, once NAME
is set, and stops with ``KeyError: 'NAME'`` at that cell when it is not. A credential redacted
inside a longer text (a shell line, an f-string) cannot be read back: ``<redacted>`` stays in its
place, and the warning says the script needs it put back by hand.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

from ..code_analysis.credential_literals import redacted_literals


@dataclass(frozen=True)
class Restored:
    code: str
    imports: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def restore_secrets(code: str, execution: int) -> Restored:
    """``code`` reading its redacted literals from the environment (module docstring)."""
    found = redacted_literals(code)
    names = list(dict.fromkeys(literal.variable for literal in found))
    for literal in reversed(found):
        read = f'os.environ["{literal.variable}"]'
        if code[literal.start : literal.end].lstrip("rR").lower().startswith("b"):
            read += ".encode()"
        code = code[: literal.start] + read + code[literal.end :]
    warnings = []
    if names:
        listed = ", ".join(names)
        variables = "variables" if len(names) > 1 else "variable"
        code = (
            "# jupyter-repro: a credential in this cell was not recorded; it is read from the "
            f"environment {variables} {listed}\n" + code
        )
        warnings.append(
            f"execution {execution}: a credential was not recorded; the script reads it from "
            f"the environment {variables} {listed}: set it before running or verifying the script"
        )
    if _unrestorable(code):
        warnings.append(
            f"execution {execution}: a credential was not recorded and the script cannot read it "
            "back: `<redacted>` stands in its place; put the secret back by hand (from an "
            "environment variable) before running the script"
        )
    return Restored(code, ("os",) if names else (), tuple(warnings))


def _unrestorable(code: str) -> bool:
    """Whether a ``<redacted`` marker is left in the code, outside comments."""
    if "<redacted" not in code:
        return False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    return any("<redacted" in t.string for t in tokens if t.type != tokenize.COMMENT)
