"""Slice a recorded session down to the executions its targets depend on.

Usage::

    executions = store.executions(session_id=sid)
    result = slice_session(executions, store.live_state(sid), targets=["model", "cell:9f1c"])
    result.executions   # the needed executions, in the order they ran (ids ascending)
    result.failed_kept  # ids of needed executions that did not end "ok": wrap them in try/except

Targets are variable names (their final value) or ``cell:ID`` (the last execution of that cell
and everything it depends on); default (None): every variable alive at the end. Unknown ones raise
:class:`UnknownTarget`. An execution *writes* what the recorder saw change or disappear plus what
its code binds (an ``ok`` one only: a failed cell may have stopped before); it *reads* what its
code loads before binding, plus the globals used by functions from earlier executions it names.
A needed name is provided by the latest earlier writer; a writer that updates a name rather than
rebinding it (mutation, alias, conditional bind) needs the previous writer too. A needed
execution that read a data file needs the latest earlier execution that wrote it.
``SliceResult.targets`` maps each variable target to its final state; for ``cell:ID``, the
variables that execution changed and that end the session with the hash it gave them.

:func:`every_ok` is the unsliced alternative (``export --all``): every ``ok`` execution in the
order it ran, the live variables a failed execution did not leave behind as targets.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..code_analysis.cell_names import CodeNames, analyze
from ..code_analysis.reads import closure
from ..store.models import STATUS_OK, Execution, VariableState

_NOTHING = CodeNames(frozenset(), frozenset(), frozenset(), {}, {})  # code that does not parse
_FILE = "file:"  # prefix of the dependency key of a data file (never a Python identifier)


class UnknownTarget(ValueError):
    """A target naming no variable alive at the end of the session, or no recorded cell."""


@dataclass(frozen=True)
class SliceResult:
    executions: tuple[Execution, ...]  # the needed ones, in the order they ran
    targets: dict[str, VariableState]  # target variable -> its final recorded state
    failed_kept: frozenset[int]  # needed executions whose status is not "ok"
    reads: dict[int, frozenset[str]]  # needed execution id -> variable names it reads
    writes: dict[int, frozenset[str]]  # ... -> names it binds, changes or deletes


@dataclass(frozen=True)
class _Step:
    reads: frozenset[str]  # names, then file keys
    writes: frozenset[str]
    keeps: frozenset[str]  # writes that update the previous value instead of replacing it


def slice_session(
    executions: Sequence[Execution],
    live: Mapping[str, VariableState],
    targets: Sequence[str] | None = None,
) -> SliceResult:
    """The executions the targets depend on (see module docstring)."""
    runs = sorted(executions, key=lambda e: e.id)  # execution order, never notebook order
    steps = _steps(runs)
    slicer = _Slicer(steps)
    chosen: dict[str, VariableState] = {}
    for target in list(live) if targets is None else targets:
        chosen.update(_start(slicer, runs, live, target))
    slicer.run()
    needed = sorted(slicer.needed)
    return SliceResult(
        executions=tuple(runs[i] for i in needed),
        targets=chosen,
        failed_kept=frozenset(runs[i].id for i in needed if runs[i].status != STATUS_OK),
        reads={runs[i].id: _names(steps[i].reads) for i in needed},
        writes={runs[i].id: _names(steps[i].writes) for i in needed},
    )


def every_ok(executions: Sequence[Execution], live: Mapping[str, VariableState]) -> SliceResult:
    """Every execution that ended ``ok``, unsliced; targets: each live variable whose last
    writer is among them (one a failed execution left behind cannot be reproduced)."""
    runs = sorted(executions, key=lambda e: e.id)
    steps = _steps(runs)
    last: dict[str, Execution] = {}
    for execution in runs:
        last.update((v.name, execution) for v in execution.changed)
    kept = [(e, step) for e, step in zip(runs, steps, strict=True) if e.status == STATUS_OK]
    return SliceResult(
        executions=tuple(e for e, _ in kept),
        targets={n: s for n, s in live.items() if n in last and last[n].status == STATUS_OK},
        failed_kept=frozenset(),
        reads={e.id: _names(step.reads) for e, step in kept},
        writes={e.id: _names(step.writes) for e, step in kept},
    )


def _start(
    slicer: _Slicer, runs: list[Execution], live: Mapping[str, VariableState], target: str
) -> dict[str, VariableState]:
    """Queue one target; return the variables it stands for, with their final state."""
    if target.startswith("cell:"):
        cell = target[len("cell:") :]
        last = max((i for i, e in enumerate(runs) if e.cell_id == cell), default=None)
        if last is None:
            raise UnknownTarget(f"Target never recorded in this session: {target}")
        slicer.include(last)
        gave = {v.name: v.hash for v in runs[last].changed}
        return {n: live[n] for n, h in gave.items() if n in live and live[n].hash == h}
    if target not in live:
        raise UnknownTarget(_unknown(target, runs))
    slicer.demand(target, len(runs))
    return {target: live[target]}


def _unknown(name: str, runs: list[Execution]) -> str:
    if any(v.name == name for e in runs for v in e.changed):
        return f"Target not alive at the end of this session: {name}"
    return f"Target never recorded in this session: {name}"


class _Slicer:
    """Backward slice: each needed (name, position) goes to the latest writer before it."""

    def __init__(self, steps: list[_Step]) -> None:
        self.steps = steps
        self.needed: set[int] = set()
        self._writers: dict[str, list[int]] = {}  # key -> positions of its writers, ascending
        for i, step in enumerate(steps):
            for key in step.writes:
                self._writers.setdefault(key, []).append(i)
        self._done: set[tuple[int, str]] = set()
        self._todo: list[tuple[str, int]] = []

    def demand(self, key: str, before: int) -> None:
        self._todo.append((key, before))

    def include(self, i: int) -> None:
        """Execution `i` is needed with everything it changed (a `cell:` target)."""
        self._use(i)
        self._todo += [(key, i) for key in self.steps[i].keeps]

    def run(self) -> None:
        while self._todo:
            key, before = self._todo.pop()
            writers = self._writers.get(key, [])
            at = bisect_left(writers, before) - 1
            if at < 0 or (writers[at], key) in self._done:
                continue
            found = writers[at]
            self._done.add((found, key))
            self._use(found)
            if key in self.steps[found].keeps:  # it updated the value: the old one is needed
                self._todo.append((key, found))

    def _use(self, i: int) -> None:
        if i not in self.needed:
            self.needed.add(i)
            self._todo += [(key, i) for key in self.steps[i].reads]


def _steps(runs: list[Execution]) -> list[_Step]:
    """Reads and writes of each execution; functions defined so far are tracked in order."""
    cache: dict[str, CodeNames | None] = {}
    defs: dict[str, frozenset[str]] = {}  # function/class name -> globals its body loads
    steps = []
    for e in runs:
        if e.code_hash not in cache:
            cache[e.code_hash] = analyze(e.code)
        steps.append(_step(e, cache[e.code_hash], defs))
    return steps


def _step(e: Execution, code: CodeNames | None, defs: dict[str, frozenset[str]]) -> _Step:
    ok, changed = e.status == STATUS_OK, {v.name for v in e.changed}
    reads = set(closure(code.reads, defs)) if code is not None else set()
    # A failed cell may have stopped before its binds: trust only what the recorder saw.
    binds, definite = (code.binds, code.definite) if code and ok else (frozenset(), frozenset())
    writes = changed | set(e.removed) | binds
    _track_defs(defs, code or _NOTHING, writes, trusted=writes if ok else changed)
    reads |= {_FILE + f.path for f in e.files_read}
    # A file written again counts as replaced, or every rewrite would keep all its predecessors;
    # a cell that reads the file before writing it (`r+`, read-modify-write) keeps them.
    files = {_FILE + f.path for f in e.files_written}
    return _Step(frozenset(reads), frozenset(writes | files), frozenset(writes - definite))


def _track_defs(
    defs: dict[str, frozenset[str]], code: CodeNames, written: set[str], trusted: set[str]
) -> None:
    """Update the function table: what calling (or using) each written name reads."""
    known = defs.keys() | code.defs.keys()
    for name in written:
        # An object made by a notebook function or class (`m = Model()`) runs its code later.
        made = {n for n in code.made_from.get(name, ()) if n in known}
        body = code.defs.get(name, frozenset(made))
        if body and name in trusted:
            defs[name] = body
        else:
            defs.pop(name, None)


def _names(keys: frozenset[str]) -> frozenset[str]:
    return frozenset(k for k in keys if not k.startswith(_FILE))
