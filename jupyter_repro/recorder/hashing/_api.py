"""hash_value(): one traversal, one digest, and the facts around it."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import xxhash

from ...project_settings import DEFAULT_BUDGET_BYTES
from ._core import MAX_DEPTH, Hasher
from ._dispatch import spec_for
from ._names import qualname
from ._objects import OPAQUE
from ._summary import summarize
from ._wire import lp_str

#: Bytes of value content (buffers, strings, packed numbers) hashed before giving up: the
#: project settings' default, so a bare hash_value() and a recording kernel agree.
DEFAULT_BUDGET = DEFAULT_BUDGET_BYTES
#: Python objects visited one by one before giving up (bulk-packed ints/floats/strs count
#: as bytes, not objects).
DEFAULT_MAX_OBJECTS = 10_000_000
DEFAULT_MAX_COMPONENTS = 100_000
#: Leads every encoding: a change of format can never make an old and a new hash agree.
FORMAT = b"jupyter-repro/state-hash/2\x00"
#: Python frames one nesting level can take (visit, frame, body, helpers), with margin.
_FRAMES_PER_LEVEL = 12


@dataclass(frozen=True)
class ValueDigest:
    """What the recorder keeps about one value: a content hash and small facts, never the value.

    ``components`` holds the identity keys (see identity_key) of the mutable objects the
    value reaches, for alias and mutation detection; ``-1`` in it means "too many to list".
    """

    hash: str
    type: str
    summary: dict[str, Any] = field(default_factory=dict)
    complete: bool = True
    unhashable: bool = False
    components: frozenset[int] = frozenset()


def _stack_depth() -> int:
    frame: Any = sys._getframe()
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


@contextmanager
def _stack_headroom() -> Iterator[None]:
    """Let the traversal reach MAX_DEPTH levels whatever the caller's own stack depth.

    The depth cap, not the interpreter's limit, must decide where nesting is cut: the
    interpreter's limit depends on the caller, and the hash must not.
    """
    old = sys.getrecursionlimit()
    wanted = _stack_depth() + MAX_DEPTH * _FRAMES_PER_LEVEL + 100
    if wanted > old:
        sys.setrecursionlimit(wanted)
    try:
        yield
    finally:
        if wanted > old:
            sys.setrecursionlimit(old)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of one traversal.

    The walk allocates many short-lived lists and tuples; each allocation burst would start a
    collection that scans the user's whole heap, millions of objects beside a big container.
    Nothing the walk allocates forms a cycle, so reference counting frees it all anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _digest(
    obj: object, budget: int, max_objects: int, max_components: int, deadline: float | None
) -> ValueDigest:
    type_name = qualname(type(obj))
    if spec_for(type(obj)) is OPAQUE:
        return ValueDigest(f"opaque:{type_name}", type_name, {}, True, True, frozenset())
    h = Hasher(spec_for, budget, max_objects, max_components, deadline)
    h.raw(FORMAT)
    with _stack_headroom(), _collector_paused():
        h.visit(obj)
    try:
        summary = summarize(obj)
    except Exception:  # noqa: BLE001 - a summary is a nicety; the hash is what matters
        summary = {}
    if h.reasons:
        summary["incomplete"] = sorted(h.reasons)
        summary["hashed_bytes"] = h.used
    if h.opaque_parts:
        summary["opaque_parts"] = h.opaque_parts
    if h.error_parts:
        summary["error_parts"] = h.error_parts
    return ValueDigest(
        hash="xxh3:" + h.digest().hex(),
        type=type_name,
        summary=summary,
        complete=not h.reasons,
        unhashable=False,
        components=frozenset(h.components),
    )


def reachable(obj: object, deadline: float | None = None) -> frozenset[int] | None:
    """identity_key() of the mutable objects obj reaches, as ``hash_value`` would list them in
    ``components`` (-1: too many to list), without reading its content: a walk of its
    structure, cheap beside a value's bytes. None if the deadline (or any other limit but the
    list's length) cut it short, or it failed."""
    try:
        h = Hasher(spec_for, DEFAULT_BUDGET, DEFAULT_MAX_OBJECTS, DEFAULT_MAX_COMPONENTS, deadline)
        h.shallow = True
        if spec_for(type(obj)) is OPAQUE:
            return frozenset()
        with _stack_headroom(), _collector_paused():
            h.visit(obj)
    except Exception:  # noqa: BLE001 - no answer is a safe answer: the caller assumes anything
        return None
    if h.reasons - {"components"}:
        return None
    return frozenset(h.components)


def hash_value(
    obj: object,
    *,
    budget_bytes: int = DEFAULT_BUDGET,
    max_components: int = DEFAULT_MAX_COMPONENTS,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    deadline: float | None = None,
) -> ValueDigest:
    """Content hash of obj, equal across processes and machines for equal values.

    ``deadline`` (a ``time.perf_counter()`` value) stops hashing once passed: the digest is
    then incomplete, ``summary["incomplete"]`` holding ``"time_budget"``.

    Never raises for the value's sake: a part that cannot be read becomes a marker and the
    digest says so (``complete=False``, ``summary["error_parts"]``). KeyboardInterrupt and
    SystemExit still propagate: they are the user's, not the value's.
    """
    try:
        return _digest(obj, budget_bytes, max_objects, max_components, deadline)
    except Exception as exc:  # noqa: BLE001 - last resort: the recorder must keep going
        marker = FORMAT + b"E" + lp_str(f"error:{type(exc).__name__}")
        return ValueDigest(
            hash="xxh3:" + xxhash.xxh3_128_hexdigest(marker),
            type=qualname(type(obj)),
            summary={"incomplete": ["errors"], "error_parts": 1},
            complete=False,
        )
