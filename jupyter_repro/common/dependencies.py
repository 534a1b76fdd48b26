"""What each execution of a session reads and writes, as the dependency keys ``slicing`` follows:
variable names, data files (``file:PATH``) and hidden global state (``state:...``, from
``hidden_state``). A key that is not a variable name holds a ``:``, which no name can.

Usage::

    steps = execution_steps(runs)     # runs in the order they ran
    steps[i].reads, steps[i].writes   # keys
    steps[i].keeps                    # writes that update the old value: its writer stays needed
    names(steps[i].reads)             # the variable names among them

An execution *writes* what the recorder saw change or disappear plus what its code binds (an
``ok`` one only: a failed cell may have stopped before); it *reads* what its code loads before
binding, plus the globals used by functions from earlier executions it names, plus what it
reads dynamically (``dynamic_names``: ``eval``, ``globals()[...]``...). A writer that
updates a name rather than rebinding it (mutation, alias, conditional bind) keeps it. Data files
read are read; files written are written and replaced, so rewrites do not chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..code_analysis.cell_names import CodeNames, analyze
from ..code_analysis.reads import closure
from ..store.models import STATUS_OK, Execution
from .dynamic_names import DynamicNames
from .hidden_state import HiddenState, hidden_state

_NOTHING = CodeNames(frozenset(), frozenset(), frozenset(), {}, {})  # code that does not parse
FILE = "file:"  # prefix of the dependency key of a data file (never a Python identifier)
STATE = "state:"  # prefix of the keys of hidden global state


@dataclass(frozen=True)
class Step:
    reads: frozenset[str]  # names, file keys, state keys
    writes: frozenset[str]
    keeps: frozenset[str]  # writes that update the previous value instead of replacing it
    state: HiddenState = HiddenState()
    dynamic: str | None = None  # why it reads every variable alive before it (a non-literal)

    def without_state(self) -> Step:
        """The same step, blind to hidden state: what slicing would keep without it."""
        return replace(
            self,
            reads=self.reads - self.state.reads,
            writes=self.writes - self.state.writes,
            keeps=self.keeps - self.state.keeps,
        )


def execution_steps(runs: Sequence[Execution]) -> list[Step]:
    """Reads and writes of each execution; functions defined so far are tracked in order."""
    cache: dict[str, CodeNames | None] = {}
    defs: dict[str, frozenset[str]] = {}  # function/class name -> globals its body loads
    dynamic = DynamicNames()
    steps = []
    for e, state in zip(runs, hidden_state(runs), strict=True):
        if e.code_hash not in cache:
            cache[e.code_hash] = analyze(e.code)
        step = _step(e, cache[e.code_hash], defs, dynamic)
        steps.append(Step(step.reads | state.reads, step.writes | state.writes,
                          step.keeps | state.keeps, state, step.dynamic))  # fmt: skip
    return steps


def names(keys: frozenset[str]) -> frozenset[str]:
    """The variable names among dependency keys."""
    return frozenset(k for k in keys if ":" not in k)


def _step(
    e: Execution, code: CodeNames | None, defs: dict[str, frozenset[str]], dynamic: DynamicNames
) -> Step:
    ok, changed = e.status == STATUS_OK, {v.name for v in e.changed}
    reads = set(closure(code.reads, defs)) if code is not None else set()
    extra, why = dynamic.reads(e.code, reads)
    reads |= extra
    # A failed cell may have stopped before its binds: trust only what the recorder saw.
    binds, definite = (code.binds, code.definite) if code and ok else (frozenset(), frozenset())
    writes = changed | set(e.removed) | binds
    trusted = writes if ok else changed
    _track_defs(defs, code or _NOTHING, writes, trusted)
    dynamic.wrote(e.code, code, writes, trusted, set(e.removed))
    reads |= {FILE + f.path for f in e.files_read}
    # A file written again counts as replaced, or every rewrite would keep all its predecessors;
    # a cell that reads the file before writing it (`r+`, read-modify-write) keeps them.
    files = {FILE + f.path for f in e.files_written}
    keeps = frozenset(writes - definite)
    return Step(frozenset(reads), frozenset(writes | files), keeps, dynamic=why)


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
