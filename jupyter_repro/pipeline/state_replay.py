"""Hidden global state a stage's executions use but an earlier stage set, set again in the stage.

Usage::

    replay = StateReplay(history, plain.steps)                # once per export
    plan = replay.plan([g.steps for g in groups])             # for one cut into stages
    plan.replays[2]   # [Replay(step, reads)]: setting statements of earlier cells, run order
    plan.carried      # {(4, "state:rng:random"): [2]}: generator state execution 4 left, to stage 3
    plan.warnings     # what cannot be set again

Every stage runs in a process of its own, so the state the notebook's one process kept (the
kinds of ``code_analysis.global_state``; which execution reads and sets which one:
``common.hidden_state``, as slicing follows them) must be re-established. For each execution of
a stage and each kind it reads, the walk goes to the latest execution before it that set the
kind, then on to the one before that while each updates the state rather than replacing it,
exactly as slicing does (so every execution it reaches is in the pipeline):

- a random generator whose state Python can read and restore (``random``, ``numpy.random``'s
  global generator, torch's CPU generator; ``formats.STATE_FORMATS``): the walk ends at the
  first setter in an earlier stage. That stage saves the generator's state when it ends (nothing
  between that setter and this stage changed it, or the walk would have found that), and this
  stage restores it before its first cell: the seeds and every draw of earlier stages count,
  without running them again.
- any other kind (working directory, environment variables, ``sys.path``, matplotlib, pandas and
  numpy options, warning filters, locale, interpreter limits, decimal, torch and TensorFlow
  settings, TensorFlow's seed): each setter the walk reaches in an earlier stage is replayed.
  Only its cell's top-level statements that set a kind the stage needs run again, with the
  statements before them in that cell binding what they read, in the order the cells ran and
  before the stage's own code; what they read from other cells comes as any need does (copied,
  from ``params.yaml``, handed off). A setter with no such statement (a TensorFlow draw, a
  setting the code does not show) is warned about.
"""

from __future__ import annotations

import ast
import copy
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..code_analysis.cell_names import analyze
from ..code_analysis.global_state import STATE_KINDS
from ..code_analysis.reads import closure
from ..code_analysis.state_effects import SessionNames
from ..common.hidden_state import HiddenState, hidden_state
from ..store import STATUS_OK, Execution
from .formats import STATE_FORMATS
from .steps import Step

_KINDS = {kind.key: kind for kind in STATE_KINDS}


@dataclass(frozen=True)
class Replay:
    step: Step  # an earlier stage's execution, its code cut to the statements set again
    reads: frozenset[str]  # the names that code needs from other cells


@dataclass
class StatePlan:
    replays: list[list[Replay]]  # per stage, in the order the executions ran
    carried: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Statement:
    lines: range  # 1-based lines of the plain code
    sets: frozenset[str]  # state keys it sets
    reads: frozenset[str]
    binds: frozenset[str]


class StateReplay:
    """What each execution reads and sets, and the statements of the pipeline's setters."""

    def __init__(
        self,
        history: Sequence[Execution],
        steps: Sequence[Step],
    ) -> None:
        runs = sorted(history, key=lambda e: e.id)
        self._states: dict[int, HiddenState] = {}
        self._writers: dict[str, list[int]] = {}  # key -> ids of its setters, ascending
        for execution, state in zip(runs, hidden_state(runs), strict=True):
            self._states[execution.id] = state
            for key in state.writes:
                self._writers.setdefault(key, []).append(execution.id)
        self._steps = {s.execution.id: s for s in steps}
        self._statements: dict[int, list[_Statement]] = {}
        self._defs: dict[int, dict[str, frozenset[str]]] = {}
        self._read_setters(runs)

    def _read_setters(self, runs: Sequence[Execution]) -> None:
        """The top-level statements of each step setting a kind that is replayed (what each
        sets, as the session's imports so far say), and the functions defined before it."""
        names = SessionNames()
        defs: dict[str, frozenset[str]] = {}  # function or class -> the globals its body loads
        for execution in runs:
            step = self._steps.get(execution.id)
            if step is not None and self._states[execution.id].writes - STATE_FORMATS.keys():
                self._statements[execution.id] = _statements(step.code, copy.deepcopy(names))
                self._defs[execution.id] = dict(defs)
            names.effects(execution.code)
            found = analyze(execution.code)
            if found is None or execution.status != STATUS_OK:
                continue
            for name in found.binds:
                if name in found.defs:
                    defs[name] = found.defs[name]
                else:
                    defs.pop(name, None)

    def plan(self, stages: Sequence[Sequence[Step]]) -> StatePlan:
        """What each stage sets again and which generator states it restores."""
        stage_of = {s.execution.id: i for i, stage in enumerate(stages) for s in stage}
        plan = StatePlan([[] for _ in stages])
        for i, stage in enumerate(stages):
            setters: dict[int, set[str]] = {}  # execution id -> keys it sets again here
            seen: set[tuple[int, str]] = set()
            for step in stage:
                for key in sorted(self._states[step.execution.id].reads):
                    self._walk(key, step.execution.id, i, stage_of, setters, plan, seen)
            replays = (self._replay(x, keys, i, plan) for x, keys in sorted(setters.items()))
            plan.replays[i] = [r for r in replays if r.step.code]
        return plan

    def _walk(
        self,
        key: str,
        before: int,
        stage: int,
        stage_of: Mapping[int, int],
        setters: dict[int, set[str]],
        plan: StatePlan,
        seen: set[tuple[int, str]],
    ) -> None:
        """From a use of ``key`` before execution ``before``, back through its setters."""
        writers = self._writers.get(key, [])
        while (at := bisect_left(writers, before) - 1) >= 0:
            writer = writers[at]
            home = stage_of.get(writer)
            if (writer, key) in seen or home is None:  # None: a parameters cell, all in YAML
                return
            seen.add((writer, key))
            if home < stage and key in STATE_FORMATS:
                if self._seeded(key, writer):  # else the OS seeded it: nothing to reproduce
                    consumers = plan.carried.setdefault((writer, key), [])
                    consumers += [] if stage in consumers else [stage]
                return
            if home < stage:
                setters.setdefault(writer, set()).add(key)
            if key not in self._states[writer].keeps:
                return
            before = writer

    def _seeded(self, key: str, writer: int) -> bool:
        """Whether a seed (a setter replacing the state) comes before ``writer``'s draws."""
        writers = self._writers[key]
        at = bisect_left(writers, writer)
        while at >= 0 and key in self._states[writers[at]].keeps:
            at -= 1
        return at >= 0

    def _replay(self, execution_id: int, keys: set[str], stage: int, plan: StatePlan) -> Replay:
        """The setter's statements for ``keys``, with the earlier ones binding what they read."""
        step = self._steps[execution_id]
        statements = self._statements.get(execution_id, [])
        state = self._states[execution_id]
        for key in sorted(keys):
            if not any(key in s.sets for s in statements):
                what = state.labels.get(key, _KINDS[key].what)
                plan.warnings.append(
                    f"stage {stage + 1} cannot set {_KINDS[key].what} again as execution "
                    f"{execution_id} did ({what}): no statement of its cell does it"
                )
        chosen: set[int] = set()
        needed: set[str] = set()  # names read by the statements chosen after this one
        for index in range(len(statements) - 1, -1, -1):
            statement = statements[index]
            if statement.sets & keys or statement.binds & needed:
                chosen.add(index)
                needed |= statement.reads
        lines = sorted({n for i in chosen for n in statements[i].lines})
        source = step.code.splitlines()
        code = "".join(source[n - 1] + "\n" for n in lines)
        found = analyze(code)
        # With the globals of the functions from earlier cells it calls, as slicing counts them.
        reads = closure(found.reads if found else (), self._defs.get(execution_id, {}))
        return Replay(replace(step, code=code), reads)


def _statements(code: str, names: SessionNames) -> list[_Statement]:
    """Each top-level statement of plain ``code``: its lines, the kinds it sets, its names."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []
    for stmt in tree.body:
        decorators = getattr(stmt, "decorator_list", [])
        first = min([stmt.lineno, *(d.lineno for d in decorators)])
        text = ast.unparse(stmt)
        effects = names.effects(text)
        names_of = analyze(text)
        found.append(
            _Statement(
                range(first, (stmt.end_lineno or stmt.lineno) + 1),
                frozenset(effects.sets) | effects.seeds,
                names_of.reads if names_of else frozenset(),
                names_of.binds if names_of else frozenset(),
            )
        )
    return found
