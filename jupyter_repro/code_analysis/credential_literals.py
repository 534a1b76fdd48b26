"""The string literals in a cell's code that hold a credential, and the cell with them redacted.

Usage::

    redact_code('API_KEY = "sk-proj-..."\\nn = 3')   # 'API_KEY = "<redacted:API_KEY>"\\nn = 3'
    redacted_literals(stored_code)  # [RedactedLiteral(start, end, "API_KEY")]: for the export

The recorder stores code through ``redact_code``; the script export turns each marker literal
back into a read of the environment variable it names (``script.secret_literals``).

A literal is a credential when it is assigned to, passed as, or stored under a name the table in
``credentials`` marks (``API_KEY = "..."``, ``connect(password="...")``,
``os.environ["DB_PW"] = "..."``, ``{"token": "..."}``, ``environ.setdefault("KEY", "...")``):
any text under a STRONG name, a random-looking one under a WEAK name; or when its text holds a
credential whatever the name (a token format, URL user-info, a ``Password=`` pair). It is
replaced whole by ``"<redacted:NAME>"``, quotes and prefix kept, so the cell still parses and
reads and binds the same names. NAME is the variable the export reads: the name the literal is
stored under, else the token format's (``GITHUB_TOKEN``), else ``SECRET_URL`` or ``SECRET``.
F-strings keep their text, their token formats aside (their ``{}`` read names). Comments, shell
lines (``!``), ``%env`` and cell magics whose body is not Python (``%%bash``) are redacted as
text (``credentials.redact_text``). A cell that does not tokenize is redacted as text whole.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from dataclasses import dataclass

from .credentials import (
    NAMED_MARKER,
    REDACTED,
    Strength,
    looks_random,
    name_strength,
    redact_shapes,
    redact_text,
    token_shape,
    variable_name,
)
from .magics import magic

#: Cheap tests before tokenizing, which most cells skip: one of these words (``_HINTS``, in the
#: lower-cased code) and a literal right after it (``api_key = "``, ``"token": "``,
#: ``environ["DB_PW"] = "``) or a ``key=value`` pair; URL user-info; an ``Authorization``
#: value; a shell or magic line; a token format. (Separate patterns: ``re`` scans an alternation
#: of them, or ``(?i)``, many times slower.)
_HINTS = (
    "secret", "pass", "pwd", "pw", "key", "token", "auth", "cred", "sig", "sess", "cookie", "salt",
    "nonce", "dsn", "bearer", "jwt", "private", "webhook", "conn", "database",
)  # fmt: skip
_TRIGGER = "|".join(_HINTS)
_NAMED_LITERAL = re.compile(
    rf"(?:{_TRIGGER})\w*[\"']?\]?\s*(?::\s*[\w.\[\], ]+?\s*)?[:=,]\s*[rbu]{{0,2}}[\"']"
)
#: A pair in a query or connection string, a command line or a comment; not a keyword argument.
_PAIR_HINT = re.compile(rf"(?:[?&;\"'\-{{/]|#[^\n]*?)[\w.\-]*?(?:{_TRIGGER})\w*=[^\s'\"=]")
_URL_USER = re.compile(r"://[^\s'\"@]*@")
_HEADER_HINT = re.compile(r"authorization\s*[:=]|\bbearer\s|\bbasic\s|(?<!\S)-u\s")
_MAGIC_START = re.compile(r"(?m:^[ \t]*(?:[\w.,\t \[\]]*=[ \t]*)?[!%])")
_LITERAL = re.compile(r"(?s)(?P<prefix>[A-Za-z]*)(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)")
#: Under a STRONG name, still not a credential: the name of an environment variable
#: (``PASSWORD_VAR = "DB_PASSWORD"``), a path (``CREDENTIALS = "~/sa.json"``), a URL without
#: user-info (``PASSWORD_RESET_URL``; one with user-info is redacted for what it holds).
_NOT_A_SECRET = re.compile(
    r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|(?:[~.]?/|[A-Za-z]:\\).*"
    r"|.*\.(?:json|pem|key|p12|pfx|crt|cer|txt|ya?ml|env|ini|cfg|toml)"
    r"|[A-Za-z][A-Za-z0-9+.\-]*://[^\s@]*"
)
_MAGIC_LINE = re.compile(r"\s*(?:[\w.,\s\[\]]*=\s*)?(?P<sigil>!|%{1,2})(?P<name>\w*)")
_ENV_MAGIC = re.compile(
    r"(?P<head>\s*%(?:set_)?env\s+)(?P<name>[^\s=]+)\s+(?P<value>[^\s=][^\n]*?)(?P<tail>\s*)\Z"
)
_SKIPPED = (tokenize.NL, tokenize.COMMENT)
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)
_TARGET_TOKENS = 64  # how far left of an `=` its target is looked for
_STOPS = {";", ",", "=", "(", "[", "{", "lambda"}


@dataclass(frozen=True)
class RedactedLiteral:
    start: int  # offsets of the literal token in the code
    end: int
    variable: str  # the environment variable the export reads it from


def redact_code(code: str) -> str:
    """``code`` with every literal that holds a credential replaced (module docstring)."""
    if not _may_hold_credential(code):
        return code
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return redact_text(code, named=True)
    lines = _lines(code)
    offsets = _line_offsets(lines)
    as_text = bool(lines) and _text_cell_magic(lines[0])  # %%bash: all of it is text
    rows = set() if as_text else _magic_rows(tokens, lines)
    significant = [t for t in tokens if t.type not in _SKIPPED]
    edits: list[tuple[int, int, str, str]] = []  # start, end, what is there, what goes there
    for i, tok in enumerate(significant):
        if tok.start[0] in rows:
            continue  # redacted with its line, as text
        if tok.type == tokenize.STRING:
            edits.append((*_span(tok, offsets), tok.string, _literal(significant, i)))
        elif tok.type == _FSTRING_MIDDLE:  # Python 3.12+: the text parts of an f-string
            edits.append((*_span(tok, offsets), tok.string, redact_shapes(tok.string)))
    for tok in tokens:
        if tok.type == tokenize.COMMENT and tok.start[0] not in rows:
            edits.append((*_span(tok, offsets), tok.string, redact_text(tok.string)))
    for row in rows:
        line = lines[row - 1]
        edits.append((offsets[row - 1], offsets[row - 1] + len(line), line, _magic_text(line)))
    for start, end, old, new in sorted(edits, reverse=True):
        if new != old and code[start:end] == old:  # f-string parts may not be their source text
            code = code[:start] + new + code[end:]
    return redact_text(code, named=True) if as_text else code


def _may_hold_credential(code: str) -> bool:
    lower = code.lower()
    if any(hint in lower for hint in _HINTS) and (
        _NAMED_LITERAL.search(lower) or _PAIR_HINT.search(lower)
    ):
        return True
    return bool(
        ("://" in code and _URL_USER.search(code))
        or _HEADER_HINT.search(lower)
        or (("!" in code or "%" in code) and _MAGIC_START.search(code))
        or token_shape(code)
    )


def redacted_literals(code: str) -> list[RedactedLiteral]:
    """The literals of ``code`` that are a whole ``"<redacted:NAME>"`` marker, in order."""
    if "<redacted:" not in code:
        return []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    offsets = _line_offsets(_lines(code))
    found = []
    for tok in tokens:
        literal = _LITERAL.fullmatch(tok.string) if tok.type == tokenize.STRING else None
        marker = NAMED_MARKER.fullmatch(literal["body"]) if literal else None
        if literal and marker and "f" not in literal["prefix"].lower():
            start, end = _span(tok, offsets)
            found.append(RedactedLiteral(start, end, marker[1]))
    return found


def _span(tok: tokenize.TokenInfo, offsets: list[int]) -> tuple[int, int]:
    return offsets[tok.start[0] - 1] + tok.start[1], offsets[tok.end[0] - 1] + tok.end[1]


def _literal(tokens: list[tokenize.TokenInfo], i: int) -> str:
    """The literal at ``i`` as stored: itself, or its marker when it holds a credential."""
    text = tokens[i].string
    literal = _LITERAL.fullmatch(text)
    if literal is None:
        return text
    prefix, quote, body = literal["prefix"], literal["quote"], literal["body"]
    if "f" in prefix.lower():  # its {} read names: only token formats go
        return redact_shapes(text)
    if not body or NAMED_MARKER.fullmatch(body) or body == REDACTED:
        return text
    key = _key(tokens, i)
    strength = name_strength(key) if key else None
    shape = token_shape(body)
    secret = (
        (strength is Strength.STRONG and not _NOT_A_SECRET.fullmatch(body))
        or (strength is Strength.WEAK and looks_random(body))
        or shape is not None
        or redact_text(body, strict=True) != body
    )
    if not secret:
        return text
    keyless = "SECRET_URL" if "://" in body else "SECRET"
    variable = variable_name(key) if key else shape.variable if shape else keyless
    return f"{prefix}{quote}<redacted:{variable}>{quote}"


def _key(tokens: list[tokenize.TokenInfo], i: int) -> str | None:
    """The name the literal at ``i`` is assigned to, passed as, or stored under."""
    prev = tokens[i - 1] if i else None
    if prev is None or prev.type != tokenize.OP:
        return None
    if prev.string == ":" and i > 1 and tokens[i - 2].type == tokenize.STRING:
        return _unquoted(tokens[i - 2].string)  # {"password": "..."}
    if prev.string == "," and i > 2 and tokens[i - 3].string == "(":
        if tokens[i - 2].type == tokenize.STRING:  # environ.setdefault("KEY", "...")
            return _unquoted(tokens[i - 2].string)
        return None
    return _target(tokens, i - 1) if prev.string == "=" else None


def _target(tokens: list[tokenize.TokenInfo], equals: int) -> str | None:
    """The last name or string key of the assignment target (or keyword) left of an ``=``."""
    depth, names, after_colon = 0, list[str](), None
    for tok in reversed(tokens[max(0, equals - _TARGET_TOKENS) : equals]):
        if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            break
        if tok.string in (")", "]", "}"):
            depth += 1
        elif tok.string in ("(", "[", "{") and depth:
            depth -= 1
        elif depth == 0 and tok.string in _STOPS:
            break
        elif depth == 0 and tok.string == ":" and after_colon is None:
            # `API_KEY: str = ...`: what came after was the annotation; unless the colon ends
            # `else:`, `for k in d:`... (the statement starts with a keyword, seen below)
            names, after_colon = [], names
            continue
        if tok.type == tokenize.NAME:
            names.append(tok.string)
        elif tok.type == tokenize.STRING:
            names.append(_unquoted(tok.string))
    if after_colon is not None and names and keyword.iskeyword(names[-1]):
        names = after_colon
    return names[0] if names else None


def _unquoted(literal: str) -> str:
    match = _LITERAL.fullmatch(literal)
    return match["body"] if match else literal


def _text_cell_magic(first: str) -> bool:
    """A cell magic whose body is not Python (``%%bash``, ``%%writefile``)."""
    return first.lstrip().startswith("%%") and not _python_line(first)


def _magic_rows(tokens: list[tokenize.TokenInfo], lines: list[str]) -> set[int]:
    """The rows that are shell lines or magics whose arguments are not Python, at the start of
    a logical line (a ``%`` continuing an expression inside brackets is an operator)."""
    continued: set[int] = set()
    depth, last_row = 0, 0
    for tok in tokens:
        if depth and tok.start[0] != last_row:
            continued.add(tok.start[0])
        continued.update(range(tok.start[0] + 1, tok.end[0] + 1))  # inside a multi-line string
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth = max(0, depth - 1)
        last_row = tok.end[0]
    return {
        row
        for row, line in enumerate(lines, 1)
        if row not in continued
        and not (row > 1 and lines[row - 2].rstrip("\r\n").endswith("\\"))
        and not _python_line(line)
    }


def _magic_text(line: str) -> str:
    """A shell or magic line as text; ``%env NAME value`` (no ``=``) is a pair too."""
    found = _ENV_MAGIC.match(line)
    if found is not None:
        spaced = redact_text(f"{found['name']}={found['value']}", named=True)
        line = f"{found['head']}{spaced.replace('=', ' ', 1)}{found['tail']}"
    return redact_text(line, named=True)


def _python_line(line: str) -> bool:
    """Python, or a magic whose arguments are Python (``%time``): its literals were seen."""
    found = _MAGIC_LINE.match(line)
    if found is None:
        return True
    facts = magic(found["name"]) if found["sigil"] != "!" and found["name"] else None
    return facts is not None and facts.code is not None


def _lines(code: str) -> list[str]:
    """Physical lines as ``tokenize`` counts them (``str.splitlines`` also splits at ``\\f``)."""
    return io.StringIO(code).readlines()


def _line_offsets(lines: list[str]) -> list[int]:
    offsets, total = [], 0
    for line in lines or [""]:
        offsets.append(total)
        total += len(line)
    return offsets + [total]
