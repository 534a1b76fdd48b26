"""Work shared by the traversals of one recorder pass (``shared_reads``).

A cell's changed variables are hashed one by one, and they often reach the same objects: a
figure and the array of its axes, ``fig, axes = plt.subplots(8, 8)``. Inside ``shared_reads()``
a handler may keep what it read of an object, by the object's id, for the next traversal to
reuse: nothing the user's code can change runs meanwhile (the kernel is between cells), and
the entry holds the object itself, so its id cannot be reused by another::

    with shared_reads():
        for name in changed:
            hash_value(namespace[name])  # a second variable reaching the same axes reads them once

Outside it, ``shared()`` is None and nothing is kept; ``reads_shared()`` says whether anything
was kept so far.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_current: dict[Any, Any] | None = None


@contextmanager
def shared_reads() -> Iterator[None]:
    """Let the traversals inside share what they read (nested: the outermost one decides)."""
    global _current
    outer = _current
    if outer is None:
        _current = {}
    try:
        yield
    finally:
        if outer is None:
            _current = None


def shared() -> dict[Any, Any] | None:
    """The entries of the ``shared_reads`` in force, or None."""
    return _current


def reads_shared() -> bool:
    """Whether a traversal kept anything for the others in the ``shared_reads`` in force."""
    return bool(_current)
