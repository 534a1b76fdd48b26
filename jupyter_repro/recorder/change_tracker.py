"""Which user variables a cell changed, with their new content hashes.

Usage (one tracker per kernel, driven by the recorder's IPython hooks)::

    tracker = ChangeTracker(hidden=shell.user_ns_hidden)
    tracker.before_cell(shell.user_ns)                       # pre_run_cell: ids only, no hashing
    result = tracker.after_cell(shell.user_ns, transformed)  # post_run_cell, transformed source
    result.changed  # {name: ValueDigest}: new names and names whose content hash changed
    result.removed  # names that disappeared
    tracker.stats   # what the last after_cell hashed (tests, benchmarks)

Only what the cell can have changed is re-hashed: names that are new or rebound (id changed),
names the code touches (`touched_names`, closed over the notebook functions it calls), and then,
to a fixpoint, every variable whose cached digest shares a mutable object (`components` plus the
value's own `identity_key`) with what the touched names reached before or reach after the cell.
So aliases, containers of a touched object, numpy views and bases are re-hashed; untouched big
arrays are not. A variable whose components are too many to list (-1) is re-hashed whenever
the cell may have mutated any object. Code that reaches the namespace dynamically (`exec`,
`globals()`, `%run`...) re-hashes every variable: correct, as slow as hashing everything. A
variable is also hashed once when first seen (e.g. the first cell after the tracker starts).

A re-hashed name is reported when its hash differs, or when its digest proves nothing
(`complete=False` or `unhashable`): then equal hashes do not mean equal values.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from jupyter_repro.recorder.state_hash import ValueDigest, hash_value, identity_key
from jupyter_repro.recorder.touched_names import analyze_cell

_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit"})
_EVERYTHING = -1  # in components: "too many to list, may share anything"
# Values that cannot be mutated in place: their identity is never a shared mutable object.
_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), range, tuple, frozenset)


@dataclass
class CellChanges:
    changed: dict[str, ValueDigest] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)


@dataclass
class TrackerStats:
    hashed_names: list[str] = field(default_factory=list)  # hashed by the last after_cell
    unknown: bool = False  # the last cell's code could not be analysed: everything re-hashed
    seconds: float = 0.0  # time spent in the last after_cell
    total_hashed: int = 0  # hash_value calls since the tracker was created


@dataclass(frozen=True)
class _Entry:
    ident: int  # id(value) when hashed, to detect rebinding
    keys: frozenset[int]  # digest.components, plus identity_key(value) if it is mutable
    digest: ValueDigest


class ChangeTracker:
    """Tracks the user namespace of one kernel across cells (see module docstring)."""

    def __init__(
        self,
        *,
        skip: Callable[[str], bool] | None = None,
        hidden: Container[str] = (),
        budget_bytes: int | None = None,
    ) -> None:
        self._skip = skip
        self._hidden = hidden
        self._hash_options: dict[str, int] = {}
        self.set_budget(budget_bytes)
        self._cache: dict[str, _Entry] = {}
        self._before: dict[str, int] = {}
        self.stats = TrackerStats()

    def set_budget(self, budget_bytes: int | None) -> None:
        """Bytes hashed per value before a digest is marked incomplete (None: the default)."""
        self._hash_options = {} if budget_bytes is None else {"budget_bytes": budget_bytes}

    def is_user_name(self, name: str) -> bool:
        """False for IPython's own names (`_`, `_i3`, `In`, hidden ones) and skipped names."""
        return not (
            name.startswith("_")
            or name in _IPYTHON_NAMES
            or name in self._hidden
            or (self._skip is not None and self._skip(name))
        )

    def before_cell(self, user_ns: Mapping[str, Any]) -> None:
        """Snapshot ids of the user variables: O(number of names), nothing is hashed."""
        self._before = {name: id(value) for name, value in self._values(user_ns).items()}

    def after_cell(self, user_ns: Mapping[str, Any], code: str) -> CellChanges:
        """Hash what the cell (transformed source `code`) may have changed; report changes."""
        start, result = time.perf_counter(), CellChanges()
        values, before, cache = self._values(user_ns), self._before, self._cache
        now = {name: id(value) for name, value in values.items()}
        untracked_now = (before.keys() | cache.keys()) - now.keys()
        # A name newly skipped by the settings is forgotten, not reported as deleted.
        gone = {n for n in untracked_now if n not in user_ns}
        found = analyze_cell(code, user_ns)
        reach: set[int] = {_EVERYTHING}  # identity keys of objects the cell may have mutated
        if found is None:
            todo = set(now)
        else:
            rebound = {n for n, i in now.items() if before.get(n, i) != i or _ident(cache, n) != i}
            # Modules hash as name+version: only a rebinding can change them.
            todo = rebound | {
                n for n in found.names & now.keys() if not isinstance(values[n], ModuleType)
            }
            reach = set()
            for name in found.names & cache.keys():  # what they reached before the cell
                reach |= cache[name].keys
            # Untracked names (`_`, `Out`, skipped ones) can hold the user's objects too.
            untracked = [user_ns[n] for n in found.names - now.keys() if n in user_ns]
            objects = [*found.objects, *untracked, *_dict_values(untracked)]
            reach |= {identity_key(o) for o in objects if not isinstance(o, _IMMUTABLE)}
        hashed: set[str] = set()
        while True:  # to a fixpoint: usually one round, then nobody else shares
            for name in sorted(todo):
                old, new = cache.get(name), self._hash(values[name])
                cache[name] = new
                reach |= new.keys
                if old is None or old.digest.hash != new.digest.hash or not _exact(new):
                    result.changed[name] = new.digest
            hashed |= todo
            todo = {n for n in now.keys() - hashed if _may_share(cache[n], reach)}
            if not todo:
                break
        for name in untracked_now:
            cache.pop(name, None)
        result.removed = sorted(gone)
        self._before = {}
        self.stats.unknown, self.stats.hashed_names = found is None, sorted(hashed)
        self.stats.seconds = time.perf_counter() - start
        return result

    def _values(self, user_ns: Mapping[str, Any]) -> dict[str, Any]:
        items = list(user_ns.items())  # one C-level copy: safe if a thread rebinds meanwhile
        # Runs twice per cell over a namespace that grows with IPython's `_iN` history names:
        # reject `_` names inline before the (slower) full check.
        user_name = self.is_user_name
        return {n: v for n, v in items if isinstance(n, str) and n[:1] != "_" and user_name(n)}

    def _hash(self, value: Any) -> _Entry:
        self.stats.total_hashed += 1
        try:
            digest = hash_value(value, **self._hash_options)
            root = identity_key(value)
        except Exception as error:  # noqa: BLE001 - one bad value must not lose the others; the
            # error is kept in the value's summary, where `jupyter repro state` shows it
            kind = f"{type(value).__module__}.{type(value).__qualname__}"
            digest = ValueDigest(f"opaque:{kind}", kind, {"error": repr(error)}, False, True)
            root = id(value)
        keys = digest.components
        if not isinstance(value, (*_IMMUTABLE, ModuleType)):  # the value is its own object
            keys = keys | {root}
        return _Entry(id(value), keys, digest)


def _ident(cache: Mapping[str, _Entry], name: str) -> int | None:
    entry = cache.get(name)
    return None if entry is None else entry.ident


def _dict_values(values: list[Any]) -> list[Any]:
    """Values held by dicts such as `Out`: `Out[3].append(1)` mutates a user object."""
    return [v for d in values if type(d) is dict and len(d) <= 10_000 for v in d.values()]


def _exact(entry: _Entry) -> bool:
    """Equal exact hashes mean equal values; opaque or partial ones prove nothing."""
    return entry.digest.complete and not entry.digest.unhashable


def _may_share(entry: _Entry, reach: set[int]) -> bool:
    """Could the cell have mutated something this cached value reaches?"""
    keys = entry.keys
    if not keys or not reach:
        return False
    if _EVERYTHING in reach or _EVERYTHING in keys:
        return True
    return not keys.isdisjoint(reach)
