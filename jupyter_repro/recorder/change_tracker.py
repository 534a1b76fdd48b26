"""Which user variables a cell changed, with their new content hashes.

Usage (one tracker per kernel, driven by the recorder's IPython hooks)::

    tracker = ChangeTracker(hidden=shell.user_ns_hidden, time_budget_s=0.05)
    tracker.before_cell(shell.user_ns)                       # pre_run_cell: ids only, no hashing
    result = tracker.after_cell(shell.user_ns, transformed, token=execution_id)
    result.changed  # {name: ValueDigest}: new names and names whose content hash changed
    result.removed  # names that disappeared
    result.pending  # names in `changed` whose digest is provisional (see "Time budget")
    tracker.late_results()  # [LateResult]: final digests of earlier cells' pending names
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

Time budget: with ``time_budget_s`` set (the recorder passes the project's
``hash_time_budget_ms``, 50 ms by default), after_cell hashes on the cell's path for at most
that long. A value that does not fit (its hashing passes the deadline, or its last complete
hash took longer than what is left) is hashed in a forked snapshot of the kernel
(``snapshot_hashing``) taken as the cell ends: later cells cannot change what it hashes. Until
then the cell reports a provisional digest for it (``pending:<type>``, ``complete=False``,
``summary["incomplete"] == ["time_budget"]``, ``summary["background"] == "pending"``) and lists
it in ``result.pending``; ``late_results()`` later gives the final digests, per cell (the
``token`` after_cell got), and the names that turned out unchanged. Where no snapshot can be
taken (no ``fork``, too many running), the provisional digest stays and says why: incomplete,
never wrong; the next ``before_cell`` tries again, since nothing has run since. A pending
value's components are listed by a quick walk of its structure (``reachable``); when that does
not fit either (millions of small lists), it counts as sharing anything until its digest comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from jupyter_repro.code_analysis.credentials import NOT_HASHED, is_secret_variable
from jupyter_repro.recorder.snapshot_hashing import Job, SnapshotPool
from jupyter_repro.recorder.state_hash import (
    ValueDigest,
    hash_value,
    ident,
    identity_key,
    reachable,
    reads_shared,
    shared_reads,
)
from jupyter_repro.recorder.touched_names import analyze_cell

_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit"})
_MISSING = object()
_EVERYTHING = -1  # in components: "too many to list, may share anything"
# Values that cannot be mutated in place: their identity is never a shared mutable object.
_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), range, tuple, frozenset)
#: Time allowed, when a value goes to a snapshot, to list the mutable objects it reaches (a walk
#: of its structure only): then it is tracked exactly while its digest is computed.
_REACH_S = 0.005
#: Part of the time budget kept for taking the snapshot: at least this, else what the last
#: fork took (a few milliseconds, more in a big, busy process).
_FORK_RESERVE_S = 0.005
#: Past the time budget, a value whose last hash took at most ``_QUICK_S`` is still hashed in
#: the cell, up to ``_OVERDRAFT_S`` in all: a snapshot's fork costs more than that.
_QUICK_S = 0.0005
_OVERDRAFT_S = 0.002
#: The longest try at a value that may reuse what another value read (``_try_shared``).
_SHARED_TRY_S = 0.01


@dataclass
class CellChanges:
    changed: dict[str, ValueDigest] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    #: Names in ``changed`` whose digest is provisional: hashed in a snapshot, arriving later.
    pending: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LateResult:
    """Final digests for the pending names of one cell (``token`` as after_cell got it)."""

    token: Any
    changed: dict[str, ValueDigest]
    #: Names reported as pending that turned out to hash as before the cell: not changed.
    unchanged: tuple[str, ...] = ()


@dataclass
class TrackerStats:
    hashed_names: list[str] = field(default_factory=list)  # hashed by the last after_cell
    unknown: bool = False  # the last cell's code could not be analysed: everything re-hashed
    seconds: float = 0.0  # time spent in the last after_cell
    total_hashed: int = 0  # hash_value calls since the tracker was created
    deferred: list[str] = field(default_factory=list)  # names the last cell left to a snapshot


@dataclass
class _Entry:
    ident: int  # id(value) when hashed, to detect rebinding
    keys: frozenset[int]  # digest.components, plus identity_key(value) if it is mutable
    digest: ValueDigest
    #: A provisional entry: its digest comes from a snapshot; ``reach`` is what it reached as
    #: far as is known (for the fixpoint), and ``final`` the entry once the digest arrived.
    pending: bool = False
    reach: frozenset[int] = frozenset()
    final: _Entry | None = None
    root: int = 0
    mutable: bool = False


@dataclass
class _Deferred:
    """Names one cell left to a snapshot, and what they were before it."""

    token: Any
    entries: dict[str, _Entry]
    bases: dict[str, _Entry | None]
    values: dict[str, Any] = field(default_factory=dict)  # only until a job takes them
    job: Job | None = None


class ChangeTracker:
    """Tracks the user namespace of one kernel across cells (see module docstring)."""

    def __init__(
        self,
        *,
        skip: Callable[[str], bool] | None = None,
        hidden: Container[str] = (),
        budget_bytes: int | None = None,
        time_budget_s: float | None = None,
        snapshots: SnapshotPool | None = None,
    ) -> None:
        self._skip = skip
        self._hidden = hidden
        self._hash_options: dict[str, int] = {}
        self._time_budget: float | None = None
        self.set_budget(budget_bytes, time_budget_s)
        self._cache: dict[str, _Entry] = {}
        self._never_user: set[object] = set()  # namespace keys that are never user variables
        self._before: dict[str, int] = {}
        self._cost: dict[str, float] = {}  # seconds the last complete hash of a name took
        self._fork_reserve = _FORK_RESERVE_S  # what taking a snapshot took last time
        self._overdraft = 0.0  # seconds spent past the budget in this cell (_QUICK_S values)
        self._snapshots = snapshots
        self._deferred: list[_Deferred] = []  # oldest first; done ones are settled in order
        self._late: list[LateResult] = []
        self.stats = TrackerStats()

    def set_budget(self, budget_bytes: int | None, time_budget_s: float | None = None) -> None:
        """Bytes hashed per value before a digest is marked incomplete (None: the default),
        and seconds of hashing a cell may take before values go to a snapshot (None: no
        limit)."""
        self._hash_options = {} if budget_bytes is None else {"budget_bytes": budget_bytes}
        self._time_budget = time_budget_s if time_budget_s and time_budget_s > 0 else None

    def is_user_name(self, name: str) -> bool:
        """False for IPython's own names (`_`, `_i3`, `In`, hidden ones) and skipped names."""
        return not (
            name.startswith("_")
            or name in _IPYTHON_NAMES
            or name in self._hidden
            or (self._skip is not None and self._skip(name))
        )

    def before_cell(self, user_ns: Mapping[str, Any]) -> None:
        """Snapshot ids of the user variables: O(number of names), nothing is hashed.

        Values an earlier cell could not leave to a snapshot (too many running) get one now:
        nothing has run since, so they still hold what that cell left.
        """
        self._settle()
        self._retry(user_ns)
        self._before = {name: ident(value) for name, value in self._values(user_ns).items()}

    def after_cell(self, user_ns: Mapping[str, Any], code: str, token: Any = None) -> CellChanges:
        """Hash what the cell (transformed source `code`) may have changed; report changes."""
        start, result = time.perf_counter(), CellChanges()
        self._settle()
        deadline = None if self._time_budget is None else start + self._time_budget
        values, before, cache = self._values(user_ns), self._before, self._cache
        now = {name: ident(value) for name, value in values.items()}
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
                n for n in found.names & now.keys() if not _is_a(values[n], ModuleType)
            }
            reach = set()
            # What the names whose old value the cell may have used reached before it; a
            # name it only rebound cannot have changed what it held (the new value is hashed,
            # and what that reaches joins below).
            for name in found.reads & cache.keys():
                reach |= cache[name].keys
            # Untracked names (`_`, `Out`, skipped ones) can hold the user's objects too.
            untracked = [user_ns[n] for n in found.names - now.keys() if n in user_ns]
            objects = [*found.objects, *untracked, *_dict_values(untracked)]
            reach |= {identity_key(o) for o in objects if not _is_a(o, _IMMUTABLE)}
        hashed: set[str] = set()
        deferred = _Deferred(token, {}, {})
        self._overdraft = 0.0
        with shared_reads():  # values reaching the same objects read them once
            self._hash_changed(todo, now, values, reach, deferred, result, hashed, deadline)
        for name in untracked_now:
            cache.pop(name, None)
            self._cost.pop(name, None)
        result.removed = sorted(gone)
        if deferred.entries:
            self._defer(deferred, result)
        self._before = {}
        self.stats.unknown, self.stats.hashed_names = found is None, sorted(hashed)
        self.stats.deferred = sorted(deferred.entries)
        self.stats.seconds = time.perf_counter() - start
        return result

    def _hash_changed(
        self,
        todo: set[str],
        now: Mapping[str, int],
        values: Mapping[str, Any],
        reach: set[int],
        deferred: _Deferred,
        result: CellChanges,
        hashed: set[str],
        deadline: float | None,
    ) -> None:
        """Hash ``todo``, then the names that may share what they reached, to a fixpoint."""
        cache = self._cache
        while True:  # to a fixpoint: usually one round, then nobody else shares
            for name in sorted(todo):
                old = cache.get(name)
                new = self._within(name, values[name], deadline)
                if new is None:  # does not fit: hashed in a snapshot as the cell ends
                    new = _provisional(values[name], old)
                    deferred.entries[name], deferred.bases[name] = new, old
                    deferred.values[name] = values[name]
                cache[name] = new
                reach |= new.reach if new.pending else new.keys
                if old is None or old.digest.hash != new.digest.hash or not _exact(new):
                    result.changed[name] = new.digest
            hashed |= todo
            todo = {n for n in now.keys() - hashed if _may_share(cache[n], reach)}
            if not todo:
                return

    def late_results(self) -> list[LateResult]:
        """Final digests that arrived since the last call, oldest cell first."""
        self._settle()
        found, self._late = self._late, []
        return found

    def wait(self, timeout: float, latest_first: bool = False) -> bool:
        """Wait up to ``timeout`` seconds for pending digests (at exit); True if none is left.

        Deferrals that found every snapshot busy get one as soon as one is free: nothing runs
        any more, so the values still hold what their cells left. With ``latest_first`` (a
        kernel exiting, short of time), snapshots of values a later cell re-hashed are stopped
        if waiting values need their place: the values as they are now matter most.
        """
        end = time.monotonic() + timeout
        if latest_first and self._snapshots is not None:
            waiting = sum(1 for d in self._deferred if d.job is None and self._current(d))
            free = self._snapshots.max_running - self._snapshots.running()
            self._cancel_superseded(waiting - free)
        while self._snapshots is not None:
            self._settle()
            self._retry(None)
            if not self._deferred or time.monotonic() >= end:
                break
            self._snapshots.wait(min(0.05, max(end - time.monotonic(), 0)))
        self._settle()
        return not self._deferred

    def close(self) -> None:
        """Stop snapshots still hashing."""
        if self._snapshots is not None:
            self._snapshots.close()

    # -- hashing within the budget ----------------------------------------------------------
    def _within(self, name: str, value: Any, deadline: float | None) -> _Entry | None:
        """The value's entry, or None when it does not fit the time left: the time is up, or
        its last hash took (or, cut by a deadline, took at least) longer than what is left."""
        if is_secret_variable(name, value):
            return _type_only(value)
        if deadline is None:
            return self._hash(value)
        start = time.perf_counter()
        # Time kept for the snapshot, at most half the budget: small values are still hashed
        # in the cell when forking is slow.
        budget = self._time_budget or 0.0
        reserve = min(self._fork_reserve, budget / 2) if self._can_defer() else 0.0
        left = deadline - start - reserve
        known = self._cost.get(name)
        if left <= 0 or (known is not None and known > left):
            if known is None or known > _QUICK_S or self._overdraft + known > _OVERDRAFT_S:
                return self._try_shared(value, start, left)
            # Quick last time: hashed past the budget rather than in a snapshot, whose fork
            # costs far more (a figure's ``i`` and ``k`` beside it).
            entry = self._hash(value)
            spent = time.perf_counter() - start
            self._overdraft += spent
            self._cost[name] = spent
            return entry
        entry = self._hash(value, start + left)
        # What it took, or a lower bound of it when the deadline cut it: either way the next
        # cell knows not to start what it cannot finish.
        self._cost[name] = time.perf_counter() - start
        if "time_budget" in entry.digest.summary.get("incomplete", ()):
            return None
        return entry

    def _try_shared(self, value: Any, start: float, left: float) -> _Entry | None:
        """A short try at a value that does not fit by its known cost, when values hashed
        before it in this cell kept what they read (``shared_reads``): it may reach the same
        objects, and cost a fraction of what it costs alone (a figure after the array of its
        axes: 3 ms instead of 15), far less than a snapshot. None if it does not finish."""
        if left <= 0 or not reads_shared():
            return None
        entry = self._hash(value, start + min(left, _SHARED_TRY_S))
        if "time_budget" in entry.digest.summary.get("incomplete", ()):
            return None
        return entry

    def _can_defer(self) -> bool:
        return SnapshotPool.available()

    def _defer(self, deferred: _Deferred, result: CellChanges) -> None:
        """Hand the cell's deferred values to a snapshot, or mark why they wait or stay
        incomplete. With every snapshot busy, they wait (no fork on this cell's path): the
        next ``before_cell`` or the kernel's exit takes them if no later cell re-hashed them
        meanwhile; in a fast run of cells only the values still current get hashed."""
        if self._snapshots is None and SnapshotPool.available():
            self._snapshots = SnapshotPool()
        pool = self._snapshots
        start = time.perf_counter()
        job = pool.submit(deferred.values, self._hash_digest) if pool is not None else None
        if job is not None:
            # What the next snapshot will cost, as far as is known.
            self._fork_reserve = max(time.perf_counter() - start, _FORK_RESERVE_S)
            deferred.job, deferred.values = job, {}
            result.pending = sorted(deferred.entries)
        else:
            why = "waiting" if pool is not None else "unavailable"
            for name, entry in deferred.entries.items():
                entry.digest = _pending_digest(entry.digest.type, why)
                result.changed[name] = entry.digest
            if pool is None:
                deferred.values = {}  # nothing will ever hash them: keep no references
            else:
                result.pending = sorted(deferred.entries)
        self._deferred.append(deferred)

    def _retry(self, user_ns: Mapping[str, Any] | None) -> None:
        """Submit waiting deferrals whose values are still current (no later cell re-hashed
        the name, nor rebound it when ``user_ns`` is given); drop the others, saying so."""
        for deferred in self._deferred:
            if deferred.job is not None or not deferred.values or self._snapshots is None:
                continue
            current = {
                name: value
                for name, value in deferred.values.items()
                if self._cache.get(name) is deferred.entries[name]
                and (user_ns is None or user_ns.get(name) is value)
            }
            job = self._snapshots.submit(current, self._hash_digest) if current else None
            if job is None and current:
                continue  # still no free snapshot: perhaps before the next cell
            deferred.job, deferred.values = job, {}
            superseded = set(deferred.entries) - set(current)
            if superseded:
                why = "superseded by a later cell"
                gone = {
                    n: _pending_digest(deferred.entries[n].digest.type, why) for n in superseded
                }
                self._late.append(LateResult(deferred.token, gone))
            for name in superseded:
                del deferred.entries[name], deferred.bases[name]

    def _current(self, deferred: _Deferred) -> bool:
        """Whether any of the deferral's values is still the latest of its name."""
        return any(self._cache.get(n) is e for n, e in deferred.entries.items())

    def _cancel_superseded(self, count: int) -> None:
        """Stop up to ``count`` running snapshots, oldest first, whose every value a later cell
        has re-hashed: the latest values matter more than what earlier cells left (whose
        records then stay incomplete, saying so)."""
        for deferred in self._deferred:
            if count <= 0 or self._snapshots is None:
                return
            job = deferred.job
            if job is None or job.done.is_set():
                continue
            if not self._current(deferred):
                self._snapshots.cancel(job, "superseded by a later cell")
                count -= 1

    def _settle(self) -> None:
        """Apply what finished snapshots sent back, in cell order."""
        while self._deferred:
            deferred = self._deferred[0]
            job = deferred.job
            if job is not None and not job.done.is_set():
                return
            if job is None and deferred.values:
                return  # waits for a free snapshot (see _retry): later cells wait behind it
            self._deferred.pop(0)
            if job is not None:
                self._apply(deferred, job)

    def _apply(self, deferred: _Deferred, job: Job) -> None:
        changed: dict[str, ValueDigest] = {}
        unchanged: list[str] = []
        for name, entry in deferred.entries.items():
            got = job.results.get(name)
            if got is None:
                why = (
                    job.failure
                    if job.failure.startswith("superseded")
                    else f"failed ({job.failure})"
                )
                digest = _pending_digest(entry.digest.type, why)
            else:
                digest, seconds = got
                self._cost[name] = seconds
            keys = digest.components | ({entry.root} if entry.mutable else frozenset())
            final = _Entry(entry.ident, keys, digest, root=entry.root, mutable=entry.mutable)
            entry.final = final
            if self._cache.get(name) is entry:
                self._cache[name] = final
            base = deferred.bases[name]
            while base is not None and base.pending and base.final is not None:
                base = base.final
            if base is None or base.pending or not (_exact(base) and _exact(final)):
                changed[name] = digest
            elif base.digest.hash != digest.hash:
                changed[name] = digest
            else:
                unchanged.append(name)
        self._late.append(LateResult(deferred.token, changed, tuple(sorted(unchanged))))

    def _hash_digest(self, value: Any) -> ValueDigest:
        """What a snapshot computes: the digest alone (no deadline: it is off the path)."""
        return self._hash(value).digest

    # -- the namespace ----------------------------------------------------------------------
    def _values(self, user_ns: Mapping[str, Any]) -> dict[str, Any]:
        """The user's variables in ``user_ns``: names and values.

        Runs twice per cell over a namespace that grows with IPython's history names (``_i3``,
        ``_3``: two per cell), so names that can never be the user's (not a string, ``_``
        names, IPython's own) are remembered and left out by one C-level set difference; only
        names new since the last cell, hidden ones and the user's own are looked at.
        """
        never = self._never_user
        if len(never) > 2 * len(user_ns) + 1000:  # after a %reset: forget names long gone
            never.clear()
        values: dict[str, Any] = {}
        for name in user_ns.keys() - never:  # one C-level pass: safe if a thread rebinds
            if not isinstance(name, str) or name[:1] == "_" or name in _IPYTHON_NAMES:
                never.add(name)
            elif self.is_user_name(name):  # hidden and skipped names may change: asked each time
                value = user_ns.get(name, _MISSING)
                if value is not _MISSING:
                    values[name] = value
        return values

    def _hash(self, value: Any, deadline: float | None = None) -> _Entry:
        self.stats.total_hashed += 1
        options: dict[str, Any] = dict(self._hash_options)
        if deadline is not None:
            options["deadline"] = deadline
        try:
            digest = hash_value(value, **options)
            root = identity_key(value)
        except Exception as error:  # noqa: BLE001 - one bad value must not lose the others; the
            # error is kept in the value's summary, where `jupyter repro state` shows it
            kind = f"{type(value).__module__}.{type(value).__qualname__}"
            digest = ValueDigest(f"opaque:{kind}", kind, {"error": repr(error)}, False, True)
            root = ident(value)
        keys = digest.components
        mutable = not _is_a(value, (*_IMMUTABLE, ModuleType))
        if mutable:  # the value is its own object
            keys = keys | {root}
        return _Entry(ident(value), keys, digest, root=root, mutable=mutable)


def _type_only(value: Any) -> _Entry:
    """A credential's entry (``is_secret_variable``): its type, never a hash of its value."""
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    digest = ValueDigest(f"opaque:{kind}", kind, {"not_hashed": NOT_HASHED}, False, True)
    return _Entry(ident(value), frozenset(), digest, root=ident(value))


def _pending_digest(type_name: str, background: str) -> ValueDigest:
    summary = {"incomplete": ["time_budget"], "background": background}
    return ValueDigest(f"pending:{type_name}", type_name, summary, complete=False)


def _provisional(value: Any, old: _Entry | None) -> _Entry:
    """The entry of a value left to a snapshot. The mutable objects it reaches are listed if
    that is quick (a walk of its structure, no content); else it may share anything until its
    digest comes."""
    cls = type(value)
    digest = _pending_digest(f"{cls.__module__}.{cls.__qualname__}", "pending")
    mutable = not _is_a(value, (*_IMMUTABLE, ModuleType))
    root = identity_key(value) if mutable else ident(value)
    own = frozenset({root}) if mutable else frozenset()
    listed = reachable(value, time.perf_counter() + _REACH_S)
    if listed is not None:  # exact: the snapshot is taken before any other code runs
        keys = listed | own
        return _Entry(
            ident(value), keys, digest, pending=True, reach=keys, root=root, mutable=mutable
        )
    # For the fixpoint: what it reached before the cell (objects it gained since came through
    # names the cell touched, whose own keys are in reach already); for a new name, itself.
    known = own if old is None else (old.reach if old.pending else old.keys) | own
    return _Entry(
        ident(value),
        frozenset({_EVERYTHING}) | own,
        digest,
        pending=True,
        reach=known,
        root=root,
        mutable=mutable,
    )


def _is_a(value: Any, kinds: type | tuple[type, ...]) -> bool:
    """isinstance by the real type: a user's ``__class__`` (a dead weakref.proxy's raises) never
    runs, so a hostile value stays one opaque variable instead of failing the whole cell."""
    return issubclass(type(value), kinds)


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
