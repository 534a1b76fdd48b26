"""What the recorder stores instead of a credential or a runtime value: environment variables, git
remotes, cell code and error messages pass through here first.

Usage::

    redact_env(os.environ)   # {name: value or "<redacted>"}
    strip_url_credentials("https://user:tok@github.com/o/r.git")  # "https://github.com/o/r.git"
    stored_code('API_KEY = "sk-..."')            # 'API_KEY = "<redacted:API_KEY>"'
    stored_error_message(ValueError("invalid literal for int() with base 10: 'RTSTRqx01'"))
    # "invalid literal for int() with base 10: <str>"

What a credential looks like is one table, ``code_analysis.credentials``: a variable whose name
is a credential's is redacted whole (``PWD``/``OLDPWD``, working directories, and
``JPY_SESSION_NAME``, the notebook path, are exempt from the name rule); so is a value holding a
known token format; in any other value, URL user-info, secret query parameters and
connection-string keys are redacted in place.

An error message is stored as its text with every value it quotes replaced by its type
(``'RTSTRqx01'`` by ``<str>``, ``b'..'`` by ``<bytes>``, a ``KeyError(5)`` by ``<int>``),
credentials redacted, cut to ``MAX_ERROR_MESSAGE`` characters. A quoted text stays when it is
code, not data: the name a ``NameError``, ``AttributeError`` or ``ImportError`` is about, the
type an ``AttributeError`` was raised on, a builtin's name (``'int' and 'str'``), a dtype, or a
text the cell's own (stored) code holds (``df["price"]`` raising ``KeyError: 'price'``).
Unquoted values in a message (numbers, a library's or the user's own f-string) are kept.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping

from ..code_analysis.credential_literals import redact_code
from ..code_analysis.credentials import (
    ALLOWED_ENV,
    REDACTED,
    is_secret_name,
    is_secret_value,
    redact_text,
)

__all__ = [
    "ALLOWED_ENV",
    "MAX_ERROR_MESSAGE",
    "REDACTED",
    "is_secret_name",
    "redact_env",
    "redact_value",
    "stored_code",
    "stored_error_message",
    "strip_url_credentials",
]

#: Characters of an error message kept in the store, after redaction.
MAX_ERROR_MESSAGE = 1000
#: A quoted text in a message: a str or bytes repr (``'a'``, ``"it's"``, ``b'\x00'``), not an
#: apostrophe inside a word (``can't``).
_QUOTED = re.compile(
    r"(?<![\w\\])(?P<prefix>[rbuRBU]{0,2})(?P<q>['\"])(?P<body>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)"
)
_UNTERMINATED = re.compile(r"(?<![\w\\])(?P<prefix>[rbuRBU]{0,2})(?P<q>['\"])[^'\"\n]*\Z")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*")
_DTYPE = re.compile(
    r"(?:u?int|float|complex)(?:8|16|32|64|128)?|bool|object|category|string|str|bytes|[OUSVM]"
    r"|(?:datetime|timedelta)64(?:\[\w+\])?|[<>|=]?[iufcbOUSMm]\d*"
)
_BUILTIN_NAMES = frozenset(dir(builtins)) | {
    "NoneType", "function", "method", "module", "builtin_function_or_method", "generator",
    "coroutine", "cell", "code", "frame", "traceback", "ellipsis", "NotImplementedType",
}  # fmt: skip
_SCP_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>.*)@(?P<rest>.*)")


def redact_value(name: str, value: str) -> str:
    if is_secret_name(name) or is_secret_value(value):
        return REDACTED
    return redact_text(value)


def redact_env(env: Mapping[str, str]) -> dict[str, str]:
    return {name: redact_value(name, value) for name, value in sorted(env.items())}


def strip_url_credentials(url: str) -> str:
    """Drop ``user:password@`` from a URL; http(s) loses a lone user too (it is often a token).

    The password may hold ``/`` and ``@``; secret query parameters are redacted. ``git@host:path``
    (scp-like ssh) and ``ssh://git@host`` are left alone: ``git`` is an account name.
    """
    redacted = redact_text(url)
    found = _SCP_URL.fullmatch(redacted)
    if found is None or REDACTED not in found["userinfo"]:
        return redacted
    return found["scheme"] + found["rest"] if "/" not in found["userinfo"] else redacted


def stored_code(code: str) -> str:
    """The cell's code as stored: string literals holding a credential become markers."""
    return redact_code(code)


def stored_error_message(error: BaseException | None, code: str | None = None) -> str | None:
    """The message of ``error`` as stored (module docstring); ``code``: the cell that raised."""
    if error is None:
        return None
    kept = _code_names(error)
    known = stored_code(code) if code else ""
    text = _text(error)[: 4 * MAX_ERROR_MESSAGE]  # bounded work; the cut comes after redaction
    parts, end = [], 0
    for m in _QUOTED.finditer(text):
        parts += [text[end : m.start()], _quoted(m, kept, known)]
        end = m.end()
    # A quote the first cut left open: what follows it is a value's beginning.
    tail = _UNTERMINATED.sub(lambda m: _type_of(m["prefix"]) + "...", text[end:])
    return redact_text("".join(parts) + tail)[:MAX_ERROR_MESSAGE]


def _text(error: BaseException) -> str:
    args: tuple[object, ...] = tuple(getattr(error, "args", ()))
    plain = type(error).__str__ in (BaseException.__str__, KeyError.__str__)
    try:
        if isinstance(error, KeyError) and len(args) == 1 and isinstance(args[0], str):
            # KeyError quotes its key; a library's sentence (pandas) is shown as a sentence.
            return args[0] if " " in args[0] else repr(args[0])
        if plain and args and not any(isinstance(a, str) for a in args):
            return ", ".join(f"<{type(a).__name__}>" for a in args)  # raise ValueError(df.iloc[0])
        return str(error)
    except Exception:  # noqa: BLE001 - a user's __str__ or __repr__ that raises
        return f"<unprintable {type(error).__name__}>"


def _code_names(error: BaseException) -> set[str]:
    """Quoted texts of the message that name code: the name, object type, module it is about."""
    if not isinstance(error, (NameError, AttributeError, ImportError)):
        return set()
    names: set[object] = set()
    try:
        name = error.name
        names.update([name, *name.split(".")] if isinstance(name, str) else [])
        obj = getattr(error, "obj", None)
        if obj is not None:
            names.update([type(obj).__name__, getattr(obj, "__name__", None)])
    except Exception:  # noqa: BLE001 - an odd object's __name__: keep nothing
        return set()
    return {name for name in names if isinstance(name, str)}


def _quoted(m: re.Match[str], kept: set[str], code: str) -> str:
    body = m["body"]
    if not body or body in kept or body in _BUILTIN_NAMES or _DTYPE.fullmatch(body):
        return m[0]
    if _IDENTIFIER.fullmatch(body):
        in_code = re.search(rf"(?<!\w){re.escape(body)}(?!\w)", code) is not None
    else:
        in_code = body in code
    return m[0] if in_code else _type_of(m["prefix"])


def _type_of(prefix: str) -> str:
    return "<bytes>" if "b" in prefix.lower() else "<str>"
