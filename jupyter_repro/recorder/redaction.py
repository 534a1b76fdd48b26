"""Redaction of credentials in environment variables and URLs, before anything is stored.

Usage::

    redact_env(os.environ)   # {name: value or "<redacted>"}
    strip_url_credentials("https://user:tok@github.com/o/r.git")  # "https://github.com/o/r.git"

A variable is redacted whole when its name looks like a credential: one of its ``_``/``-``/``.``
separated upper-cased words is in ``SECRET_WORDS``, ends with one of ``SECRET_SUFFIXES``
(``GITHUBTOKEN``), or the name contains a ``SECRET_PHRASES`` entry. ``ALLOWED`` names are exempt
from the name rule: ``PWD``/``OLDPWD`` are working directories (a ``PWD`` word elsewhere, as in
``MYSQL_PWD``, is a password), ``JPY_SESSION_NAME`` is the notebook path. Every value, allowed
or not, is then checked: a private key block, a JWT or a known token format is redacted whole,
and ``scheme://user:pass@`` credentials inside a value become ``scheme://<redacted>@``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

REDACTED = "<redacted>"

SECRET_WORDS = frozenset(
    "KEY KEYS SECRET SECRETS TOKEN TOKENS PASSWORD PASSWORDS PASSWD PASS PWD PASSPHRASE "
    "CREDENTIAL CREDENTIALS CREDS AUTH OAUTH AUTHORIZATION PRIVATE COOKIE COOKIES SESSION "
    "SIGNATURE APIKEY ACCESSKEY DSN SALT BEARER JWT WEBHOOK CONNSTR".split()
)
SECRET_SUFFIXES = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "APIKEY", "ACCESSKEY", "COOKIE")
SECRET_PHRASES = ("CONNECTION_STRING", "DATABASE_URL", "PRIVATE_KEY")
ALLOWED = frozenset(
    {"PWD", "OLDPWD", "JPY_SESSION_NAME", "DESKTOP_SESSION", "XDG_SESSION_TYPE",
     "XDG_SESSION_CLASS", "XDG_SESSION_DESKTOP"}
)  # fmt: skip

_WORD_SPLIT = re.compile(r"[_\-.\s]+")
_URL_CREDENTIALS = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@:]*:[^/\s@]*@")
_SECRET_VALUE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----"  # PEM private keys
    r"|\beyJ[\w-]{8,}\.[\w-]{8,}\."  # JWTs: base64url of '{"' then payload
    r"|\b(?:gh[pousr]_|hf_)[A-Za-z0-9]{30,}|\bgithub_pat_\w{30,}|\bAIza[\w-]{30,}"
    r"|\b(?:glpat-|xox[abprs]-|sk-)[\w-]{20,}"  # GitLab, Slack, OpenAI
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key ids
)
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9+=_\-]{32,}")


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    if upper in ALLOWED:
        return False
    words = [w for w in _WORD_SPLIT.split(upper) if w]
    if any(w in SECRET_WORDS or w.endswith(SECRET_SUFFIXES) for w in words):
        return True
    return any(phrase in upper for phrase in SECRET_PHRASES)


def is_secret_value(value: str) -> bool:
    if _SECRET_VALUE.search(value):
        return True
    # A long single "word" mixing cases and digits with high entropy is a random token;
    # hex digests and paths (lower case, or containing "/") do not qualify.
    if _TOKEN_LIKE.fullmatch(value):
        has = (any(c.isupper() for c in value), any(c.islower() for c in value))
        return all(has) and any(c.isdigit() for c in value) and _entropy(value) > 4.5
    return False


def redact_value(name: str, value: str) -> str:
    if is_secret_name(name) or is_secret_value(value):
        return REDACTED
    return _URL_CREDENTIALS.sub(lambda m: m.group(1) + REDACTED + "@", value)


def redact_env(env: Mapping[str, str]) -> dict[str, str]:
    return {name: redact_value(name, value) for name, value in sorted(env.items())}


def strip_url_credentials(url: str) -> str:
    """Drop ``user:password@`` from a URL; http(s) loses a lone user too (it is often a token).

    ``git@host:path`` (scp-like ssh) is left alone: ``git`` is an account name, not a secret.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    if not parts.scheme or "@" not in parts.netloc:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    if ":" in userinfo or parts.scheme in ("http", "https"):
        return urlunsplit(parts._replace(netloc=host))
    return url


def _entropy(text: str) -> float:
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())
