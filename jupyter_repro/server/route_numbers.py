"""Numbers in routes and query arguments: whole, in range, or a 400 that says which and why.

Every number a request carries (an execution id in the path, ``offset``/``limit``, the id in
``version:<id>``) goes through ``whole_number`` before it reaches the store::

    whole_number("12", "offset")                    # 12
    whole_number("99999999999999999999", "offset")  # BadRequest: offset must be at most ...

Only ASCII digits, with an optional ``-``, are numbers (``int`` would take ``" 1"``, ``"1_0"``
and other scripts' digits); SQLite's integers are 64-bit, so anything larger is refused here
instead of failing in the query.
"""

from __future__ import annotations

import re

from .errors import BadRequest

#: The largest integer SQLite stores (and takes as a parameter).
SQLITE_MAX = 2**63 - 1
_NUMBER = re.compile(r"-?[0-9]+")
_SHOWN = 30  # characters of a refused value quoted back


def whole_number(text: str, name: str, low: int = 0, high: int = SQLITE_MAX) -> int:
    """``text`` as an integer from ``low`` to ``high``; BadRequest (400) naming ``name`` else."""
    if not _NUMBER.fullmatch(text):
        shown = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
        raise BadRequest(f"{name} must be a whole number, not {shown!r}")
    # Compared as text first: int() refuses strings of more than 4300 digits.
    if len(text.lstrip("-").lstrip("0")) > len(str(SQLITE_MAX)):
        value = -SQLITE_MAX - 2 if text.startswith("-") else SQLITE_MAX + 1
    else:
        value = int(text)
    if value < low:
        raise BadRequest(f"{name} must be at least {low}")
    if value > high:
        raise BadRequest(f"{name} must be at most {high}")
    return value
