"""What each stage needs from earlier ones besides files: code to repeat, parameters, hand-offs.

Usage::

    needs, warnings = plan_needs(stages, sliced.reads, sliced.writes, params, state_of)
    needs[2].copies   # ["import numpy as np", "def score(y):\\n    ..."]: run again, not shipped
    needs[2].params   # ["threshold"]: read from params.yaml
    needs[2].loads    # [Handoff("weights", "handoffs/weights.npy", "numpy", producer=1)]
    needs[1].saves    # the same Handoff: stage 1 writes it at its end

A stage reads a name whose latest writer (per the slice) ran in an earlier stage. An import, a
function or a class is code: its statement is copied into the stage. A parameter comes from
params.yaml. Any other value is handed off through a file, in a format chosen from its recorded
type (``pipeline_formats``), so every edge between stages is a file DVC and make can see.

Hidden state (``state_replay``) adds two needs: statements of earlier cells the stage runs again
first (``replay``, with the copies and hand-offs they need themselves), and random generators
whose state an earlier stage saves and this one restores (``state_loads``/``state_saves``).
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..store import VariableState
from .formats import FORMATS, format_for
from .state_replay import StatePlan
from .steps import Step

_IMPORTS = (ast.Import, ast.ImportFrom)
_NAMED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Handoff:
    name: str  # the variable
    file: str  # relative to the pipeline folder
    kind: str  # a key of pipeline_formats.FORMATS
    producer: int  # index of the stage that writes it


@dataclass
class StageNeeds:
    copies: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    loads: list[Handoff] = field(default_factory=list)
    saves: list[Handoff] = field(default_factory=list)
    #: Hidden state earlier stages set (``state_replay``): the statements set again, first,
    #: after what they need (copies and loads of their own, not repeated in the lists above).
    replay: list[Step] = field(default_factory=list)
    replay_copies: list[str] = field(default_factory=list)
    replay_loads: list[Handoff] = field(default_factory=list)
    #: Random generators' state: restored last before the stage's cells, saved at its end.
    state_loads: list[Handoff] = field(default_factory=list)
    state_saves: list[Handoff] = field(default_factory=list)

    def all_loads(self) -> list[Handoff]:
        return [*self.replay_loads, *self.loads, *self.state_loads]

    def all_saves(self) -> list[Handoff]:
        return [*self.saves, *self.state_saves]


def plan_needs(
    stages: Sequence[Sequence[Step]],
    reads: Mapping[int, frozenset[str]],
    writes: Mapping[int, frozenset[str]],
    params: tuple[int | None, frozenset[str]],
    state_of: Callable[[int, str], VariableState | None],
    state: StatePlan | None = None,
) -> tuple[list[StageNeeds], list[str]]:
    """Per stage, what it needs from earlier stages; ``params`` is (execution id, names);
    ``state`` the hidden state each sets again and the generator states it restores."""
    planner = _Planner(stages, writes, params)
    for i, stage in enumerate(stages):
        needs = planner.needs[i]
        replays = state.replays[i] if state else []
        needs.replay = [r.step for r in replays]
        needs.replay_copies = planner.part(i, [(r.step.execution.id, r.reads) for r in replays])
        ran = "".join(f"\n{s.code}" for s in needs.replay) + "\n"
        ran += "".join(f"\n{c}\n" for c in needs.replay_copies)
        own = [(s.execution.id, reads.get(s.execution.id, frozenset())) for s in stage]
        # What the replayed statements already ran needs no copy.
        needs.copies = [c for c in planner.part(i, own, late=True) if f"\n{c}\n" not in ran]
    warnings = _handoffs(planner.crossing, planner.stage_of, state_of, planner.needs)
    if state is not None:
        _state_handoffs(state.carried, planner.stage_of, planner.needs)
    return planner.needs, warnings


class _Planner:
    """Where each name a stage reads comes from: its own stage, params, a copy or a hand-off."""

    def __init__(
        self,
        stages: Sequence[Sequence[Step]],
        writes: Mapping[int, frozenset[str]],
        params: tuple[int | None, frozenset[str]],
    ) -> None:
        self.code = {s.execution.id: s.code for stage in stages for s in stage}
        self.stage_of = {s.execution.id: i for i, stage in enumerate(stages) for s in stage}
        self.writers = _writers(writes)
        self.params = params
        self.needs = [StageNeeds() for _ in stages]
        #: (provider, name) -> consuming stage -> whether its replayed statements need it
        self.crossing: dict[tuple[int, str], dict[int, bool]] = {}

    def part(
        self, i: int, reads: Sequence[tuple[int, frozenset[str]]], late: bool = False
    ) -> list[str]:
        """The copies stage ``i`` needs for these (execution id, names read), in the order they
        ran; params and hand-offs are noted on the way."""
        copies: set[tuple[int, int, str]] = set()  # (provider, line, source): in that order
        for execution_id, names in reads:
            for name in sorted(names):
                provider = _provider(self.writers.get(name, []), execution_id)
                if provider is None:
                    continue  # a builtin, or never bound: nothing to bring
                if provider == self.params[0] and name in self.params[1]:
                    _add(self.needs[i].params, name)
                elif self.stage_of.get(provider, i) != i:
                    found = definition(self.code[provider], name)
                    if found is not None:
                        copies.add((provider, *found))
                    else:
                        self.crossing.setdefault((provider, name), {}).setdefault(i, not late)
        return list(dict.fromkeys(source for _, _, source in sorted(copies)))


def _handoffs(
    crossing: Mapping[tuple[int, str], Mapping[int, bool]],
    stage_of: Mapping[int, int],
    state_of: Callable[[int, str], VariableState | None],
    needs: list[StageNeeds],
) -> list[str]:
    warnings = []
    names = [name for _, name in crossing]
    for (provider, name), consumers in sorted(crossing.items()):
        state = state_of(provider, name)
        kind = format_for(state)
        producer = stage_of[provider]
        # The same name handed off twice (rebound between stages) needs two files.
        stem = name if names.count(name) == 1 else f"{name}.{producer + 1:02d}"
        handoff = Handoff(name, f"handoffs/{stem}.{FORMATS[kind].extension}", kind, producer)
        needs[producer].saves.append(handoff)
        for consumer, early in sorted(consumers.items()):
            (needs[consumer].replay_loads if early else needs[consumer].loads).append(handoff)
        if kind == "pickle":
            kind_name = state.type if state else "unknown type"
            warnings.append(
                f"{name} ({kind_name}) goes from stage {producer + 1} to stage "
                f"{min(consumers) + 1} as a pickle: it loads only with the same code and packages"
            )
    return warnings


def _state_handoffs(
    carried: Mapping[tuple[int, str], list[int]],
    stage_of: Mapping[int, int],
    needs: list[StageNeeds],
) -> None:
    """A file per (stage, generator) whose state at that stage's end a later stage restores."""
    for (writer, key), consumers in sorted(carried.items()):
        producer = stage_of[writer]
        name = key.removeprefix("state:").replace(":", "-")  # rng-numpy: never a Python name
        stem = f"{name}.{producer + 1:02d}.{FORMATS[key].extension}"
        handoff = Handoff(key, f"handoffs/{stem}", key, producer)
        if handoff not in needs[producer].state_saves:
            needs[producer].state_saves.append(handoff)
        for consumer in consumers:
            if handoff not in needs[consumer].state_loads:
                needs[consumer].state_loads.append(handoff)


def _writers(writes: Mapping[int, frozenset[str]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for execution_id in sorted(writes):
        for name in writes[execution_id]:
            found.setdefault(name, []).append(execution_id)
    return found


def _provider(writers: list[int], before: int) -> int | None:
    at = bisect.bisect_left(writers, before) - 1
    return writers[at] if at >= 0 else None


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def definition(code: str, name: str) -> tuple[int, str] | None:
    """(line, source) of the top-level import, def or class binding ``name`` last in ``code``;
    None when a plain value binds it last (it must be handed off)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    found: ast.stmt | None = None
    for stmt in tree.body:
        if isinstance(stmt, (*_IMPORTS, *_NAMED)) and name in _defined(stmt):
            found = stmt
        elif any(
            isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del) and n.id == name
            for n in ast.walk(stmt)
        ):
            found = None
    if found is None:
        return None
    decorators = getattr(found, "decorator_list", [])
    first = min([found.lineno, *(d.lineno for d in decorators)])
    return first, "\n".join(code.splitlines()[first - 1 : found.end_lineno])


def _defined(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, _IMPORTS):
        return {a.asname or a.name.split(".")[0] for a in stmt.names}
    return {stmt.name} if isinstance(stmt, _NAMED) else set()
