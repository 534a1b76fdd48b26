"""What a credential looks like, in one table: the names that hold one, the token formats, and
where a text carries one (URL user-info, ``key=value`` pairs of a query or a connection string,
``Authorization`` headers). The recorder redacts environment variables, git remotes, error
messages and cell code with it; the script export reads the markers it leaves.

Usage::

    name_strength("DB_PW")        # Strength.STRONG; "sort_key": WEAK; "PATH": None
    is_secret_value("ghp_...")    # True: a known token format
    redact_text("postgres://u:p/w@db/x?password=1")  # "postgres://<redacted>@db/x?password=<redacted>"
    is_secret_variable("API_TOKEN", "hunter2")    # True: the recorder keeps its type, no hash

A name is split into words at ``_ - .``, spaces and camelCase (``accountKey`` is ``ACCOUNT KEY``),
upper-cased, and each word and each pair of adjacent words glued together (``API KEY`` is
``APIKEY``) is matched whole against ``NAME_WORDS``. A ``STRONG`` word means any text under that
name is a credential (``PASSWORD``, ``*SECRET*``, ``APIKEY``); a ``WEAK`` one (``KEY``, ``TOKEN``,
``AUTH``) means a credential for an environment variable, a query parameter or a connection-string
key, but in code only when the text itself looks random (``TOKEN_LIKE``): ``sort_key = "date"``
and ``pad_token = "[PAD]"`` are data, ``MY_KEY = "a8f5f167f44f4964e6c998dee827110c"`` is not.
``TOKEN_SHAPES`` are credentials whatever their name, each with the environment variable the
script export reads it from.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum

REDACTED = "<redacted>"
#: What a redacted code literal holds: ``<redacted:NAME>``, NAME the variable the export reads.
NAMED_MARKER = re.compile(r"<redacted:([A-Z_][A-Z0-9_]*)>")


class Strength(Enum):
    STRONG = "strong"  # any text under the name is a credential
    WEAK = "weak"  # a credential in configuration; in code only when it looks random


@dataclass(frozen=True)
class NameWord:
    pattern: str  # matched whole against one upper-cased word, or two adjacent ones glued
    strength: Strength
    examples: tuple[str, ...]  # names it marks (tested)


@dataclass(frozen=True)
class TokenShape:
    kind: str
    pattern: str
    variable: str  # the environment variable the script export reads it from
    hints: tuple[str, ...]  # lower-cased text every match contains: a cheap test first


S, W = Strength.STRONG, Strength.WEAK
NAME_WORDS: tuple[NameWord, ...] = (
    NameWord(r"\w*SECRETS?\w*", S, ("CLIENT_SECRET", "DJANGO_SECRETKEY", "session-secret")),
    NameWord(r"\w*PASSWORDS?\w*|\w*PASSWD\w*|PASSPHRASE", S, ("DB_PASSWORD", "MY_PASSWD")),
    NameWord(r"PWD|PW", S, ("MYSQL_PWD", "DB_PW", "Pwd")),  # PWD, OLDPWD: see ALLOWED_ENV
    NameWord(r"\w*CREDENTIALS?|CREDS", S, ("GOOGLE_APPLICATION_CREDENTIALS", "X-Amz-Credential")),
    NameWord(
        r"\w*(API|ACCESS|ACCOUNT|PRIVATE|MASTER|SIGNING|ENCRYPTION|SUBSCRIPTION|CONSUMER)KEY",
        S,
        ("OPENAI_API_KEY", "apiKey", "AccountKey", "SharedAccessKey", "PRIVATE_KEY"),
    ),
    NameWord(
        r"\w*(ACCESS|AUTH|API|BEARER|REFRESH|SESSION|BOT|APP|PERSONAL|OAUTH|CLIENT|ID|GITHUB|GH"
        r"|GITLAB|HF|HUGGINGFACE|SLACK|DISCORD|TELEGRAM|KAGGLE|WANDB|NPM|PYPI|JUPYTER|JPY|HUB)TOKEN",
        S,
        ("GITHUB_TOKEN", "GITHUBTOKEN", "access_token", "JUPYTERHUB_API_TOKEN", "HF_TOKEN"),
    ),
    NameWord(r"AUTHORIZATION|BEARER|JWT", S, ("HTTP_AUTHORIZATION", "Proxy-Authorization")),
    # Weak: KEYBOARD_LAYOUT, TOKENIZERS_PARALLELISM, XAUTHORITY and GIT_AUTHOR_NAME match none.
    NameWord(r"KEYS?|\w+KEY", W, ("key", "sort_key", "SSHKEY")),
    NameWord(r"TOKENS?|\w+TOKEN", W, ("token", "pad_token", "private_token")),
    NameWord(r"\w*AUTH", W, ("SSH_AUTH_SOCK", "OAUTH", "auth")),
    NameWord(
        r"PASS|SIG|SIGNATURE|SALT|NONCE|DSN|PRIVATE|WEBHOOK",
        W,
        ("MYSQL_PASS", "sig", "X-Amz-Signature", "SharedAccessSignature", "SENTRY_DSN"),
    ),
    NameWord(r"SESSION(ID)?|\w*SESS(ION)?ID|COOKIES?", W, ("XDG_SESSION_COOKIE", "PHPSESSID")),
    NameWord(
        r"CONNSTR|CONNECTIONSTRING|DATABASEURL",
        W,
        ("AZURE_STORAGE_CONNECTION_STRING", "DATABASE_URL"),
    ),
)
#: Environment variables exempt from the name rule (their values are still checked).
ALLOWED_ENV = frozenset(
    {"PWD", "OLDPWD", "JPY_SESSION_NAME", "DESKTOP_SESSION", "XDG_SESSION_TYPE",
     "XDG_SESSION_CLASS", "XDG_SESSION_DESKTOP", "XDG_SESSION_ID"}
)  # fmt: skip
TOKEN_SHAPES: tuple[TokenShape, ...] = (
    TokenShape(
        "private key",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
        "PRIVATE_KEY",
        ("private key-----",),
    ),
    TokenShape("JSON web token", r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*", "JWT", ("eyj",)),
    TokenShape(
        "AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", "AWS_ACCESS_KEY_ID", ("akia", "asia")
    ),
    TokenShape(
        "GitHub token",
        r"\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_\w{30,}",
        "GITHUB_TOKEN",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    TokenShape("GitLab token", r"\bglpat-[\w-]{20,}", "GITLAB_TOKEN", ("glpat-",)),
    TokenShape(
        "Slack token",
        r"\bxox[abeprs]-[\w-]{10,}|\bxapp-[\w-]{20,}",
        "SLACK_TOKEN",
        ("xox", "xapp-"),
    ),
    TokenShape("OpenAI-style secret key", r"\bsk-[\w-]{20,}", "OPENAI_API_KEY", ("sk-",)),
    TokenShape(
        "Stripe secret key",
        r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}",
        "STRIPE_API_KEY",
        ("k_live_", "k_test_"),
    ),
    TokenShape("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}", "HF_TOKEN", ("hf_",)),
    TokenShape("Google API key", r"\bAIza[\w-]{30,}", "GOOGLE_API_KEY", ("aiza",)),
    TokenShape("PyPI token", r"\bpypi-AgE[\w-]{20,}", "PYPI_TOKEN", ("pypi-age",)),
    TokenShape("npm token", r"\bnpm_[A-Za-z0-9]{30,}", "NPM_TOKEN", ("npm_",)),
)

_SHAPES = [(shape, re.compile(shape.pattern)) for shape in TOKEN_SHAPES]
_ANY_SHAPE = re.compile("|".join(f"(?:{shape.pattern})" for shape in TOKEN_SHAPES))
_WORDS = [(re.compile(word.pattern), word.strength) for word in NAME_WORDS]
_SEPARATORS = re.compile(r"[_\-.\s]+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
#: ``scheme://user:password@host``: the password may hold ``/`` and ``@`` (the last ``@`` before
#: the host ends it); ``https://TOKEN@host``: a lone user of http(s) is often a token.
_USERINFO = re.compile(
    r"\b(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^\s/?#@:'\"]*)"
    r"(?::(?P<password>[^\s?#'\"]*))?@(?=[^\s@/?#'\"]+)"
)
#: ``key=value`` in a query string, a connection string or a command line.
_PAIR = re.compile(
    r"(?<![\w.])(?P<key>[A-Za-z_][\w.\-]*)=(?!=)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|\{[^}]*\}|[^\s&;'\"]+)"
)
#: ``"key": "value"`` (JSON, a dict's repr).
_QUOTED_PAIR = re.compile(
    r"(?P<q>[\"'])(?P<key>[\w.\-]+)(?P=q)\s*:\s*(?P<v>[\"'])(?P<value>(?:(?!(?P=v)).)*)(?P=v)"
)
#: HTTP ``Authorization`` values, ``Bearer``/``Basic`` tokens, ``curl -u user:password``.
_HEADER = re.compile(
    r"\b(?P<key>(?i:(?:proxy-)?authorization))\s*[:=]\s*(?P<value>(?:\w+\s+)?[^\s,;'\"]+)"
    r"|\b(?P<scheme>Bearer|Basic)\s+(?P<token>[A-Za-z0-9\-._~+/]{8,}=*)"
    r"|(?<!\S)(?P<option>-u|--user|--proxy-user)[\s=]+(?P<user>[^\s:'\"]+):[^\s'\"]+"
)
#: A long single "word" of token characters (see ``looks_random``).
TOKEN_LIKE = re.compile(r"[A-Za-z0-9+/=_\-.~]{16,}")
_LONG_WORD = re.compile(r"[A-Za-z0-9+/=_\-]{32,}")


def name_words(name: str) -> list[str]:
    """Upper-cased words of a name, and each pair of adjacent words glued (``API KEY``)."""
    words = [w.upper() for part in _SEPARATORS.split(name) for w in _CAMEL.findall(part) or [part]]
    words = [w for w in words if w]
    return words + [a + b for a, b in zip(words, words[1:], strict=False)]


def name_strength(name: str, allowed: frozenset[str] = frozenset()) -> Strength | None:
    """How surely a text under ``name`` is a credential; None: the name says nothing."""
    if name.upper() in allowed:
        return None
    found = {strength for word in name_words(name) for rx, strength in _WORDS if rx.fullmatch(word)}
    return S if S in found else W if W in found else None


def is_secret_name(name: str, allowed: frozenset[str] = ALLOWED_ENV) -> bool:
    return name_strength(name, allowed) is not None


#: Why a variable is recorded by its type only (its summary's ``not_hashed``).
NOT_HASHED = "its name looks like a credential"


def is_secret_variable(name: str, value: object) -> bool:
    """Whether the recorder keeps only the type of variable ``name``, never a hash of its value
    (a short password's hash can be brute-forced): a STRONG name (``API_TOKEN``,
    ``db_password``) whatever it holds; a WEAK one (``key``, ``token``) when it holds a text that
    looks random or has a known token format (``sort_key = "date"`` is data, and hashed)."""
    strength = _variable_strength(name)
    if strength is None:
        return False
    if strength is S:
        return True
    return isinstance(value, str) and (looks_random(value) or token_shape(value) is not None)


@functools.lru_cache(maxsize=4096)
def _variable_strength(name: str) -> Strength | None:
    # Cached: the recorder asks for every name a cell may have changed, after every cell.
    return name_strength(name, ALLOWED_ENV)


def token_shape(text: str) -> TokenShape | None:
    """The known token format ``text`` contains, if any."""
    lower = text.lower()
    for shape, rx in _SHAPES:
        if any(hint in lower for hint in shape.hints) and rx.search(text):
            return shape
    return None


def looks_random(value: str, min_length: int = 16) -> bool:
    """One long "word" switching between letters and digits, with high entropy: generated.

    ``a8f5f167f44f4964e6c998dee827110c`` and ``Q3xk9Lm2Pz8Rt5Wv`` are; words with a number
    (``model_v2_2024_final``, ``data/file_2023.csv``), dates and sentences are not.
    """
    if len(value) < min_length or not TOKEN_LIKE.fullmatch(value):
        return False
    pairs = zip(value, value[1:], strict=False)
    switches = sum(a.isdigit() != b.isdigit() for a, b in pairs if a.isalnum() and b.isalnum())
    return switches >= 4 and _entropy(value) >= 3.5


def is_secret_value(value: str) -> bool:
    """A credential whatever its name: a known token format, or a long random mixed-case word."""
    if token_shape(value) is not None:
        return True
    if _LONG_WORD.fullmatch(value):
        upper, lower = any(c.isupper() for c in value), any(c.islower() for c in value)
        return upper and lower and any(c.isdigit() for c in value) and _entropy(value) > 4.5
    return False


def redact_text(text: str, *, named: bool = False, strict: bool = False) -> str:
    """``text`` with every credential it carries replaced by ``<redacted>``.

    Token formats, private key blocks, URL user-info (``scheme://<redacted>@host``), the values
    of ``key=value`` and ``"key": "value"`` pairs whose key is a credential's name, HTTP
    ``Authorization`` values, and long random words. ``named``: a pair's value becomes
    ``<redacted:KEY>`` (cell code: the export reads it from the environment variable KEY).
    ``strict`` (the text of a code literal): a WEAK key's value only when it looks random, and
    no random-word rule (a base64 image in a literal is data).
    """
    text = _USERINFO.sub(_userinfo, text)
    text = _PAIR.sub(lambda m: _pair(m, named, strict), text)
    text = _QUOTED_PAIR.sub(lambda m: _pair(m, named, strict), text)
    text = _HEADER.sub(_header, text)
    text = redact_shapes(text)
    if strict:
        return text
    return _LONG_WORD.sub(lambda m: REDACTED if is_secret_value(m[0]) else m[0], text)


def redact_shapes(text: str) -> str:
    """Token formats only: what can go from an f-string without touching its ``{}``."""
    return _ANY_SHAPE.sub(REDACTED, text)


def variable_name(key: str) -> str:
    """The environment variable a credential under ``key`` is read from: ``api-key`` is API_KEY."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_").upper()
    return ("_" + name if name[:1].isdigit() else name) or "SECRET"


def _userinfo(m: re.Match[str]) -> str:
    scheme = m["scheme"].lower()
    if m["password"] is None and scheme not in ("http://", "https://"):
        return m[0]  # ssh://git@host, ftp://anonymous@: an account name, not a secret
    return f"{m['scheme']}{REDACTED}@"


def _pair(m: re.Match[str], named: bool, strict: bool) -> str:
    value, strength = m["value"], name_strength(m["key"])
    inner = value.strip("\"'{}")
    if not inner or NAMED_MARKER.fullmatch(inner):
        return m[0]
    secret = (
        strength is S
        or (strength is W and (not strict or looks_random(inner)))
        or (named and token_shape(inner) is not None)  # %env X=ghp_...: read back as X
    )
    if not secret:
        return m[0]
    marker = f"<redacted:{variable_name(m['key'])}>" if named else REDACTED
    start, end = m.start("value") - m.start(), m.end("value") - m.start()
    if value[:1] in "\"'{" and m.re is _PAIR:
        start, end = start + 1, end - 1  # keep the quotes or braces around the value
    return m[0][:start] + marker + m[0][end:]


def _header(m: re.Match[str]) -> str:
    if m["key"] is not None:
        return m[0][: m.start("value") - m.start()] + REDACTED
    if m["option"] is not None:
        return m[0][: m.end("user") - m.start()] + ":" + REDACTED
    return f"{m['scheme']} {REDACTED}"


def _entropy(text: str) -> float:
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())
