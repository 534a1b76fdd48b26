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
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..store import VariableState
from .formats import FORMATS, format_for
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


def plan_needs(
    stages: Sequence[Sequence[Step]],
    reads: Mapping[int, frozenset[str]],
    writes: Mapping[int, frozenset[str]],
    params: tuple[int | None, frozenset[str]],
    state_of: Callable[[int, str], VariableState | None],
) -> tuple[list[StageNeeds], list[str]]:
    """Per stage, what it needs from earlier stages; ``params`` is (execution id, names)."""
    code = {s.execution.id: s.code for stage in stages for s in stage}
    stage_of = {s.execution.id: i for i, stage in enumerate(stages) for s in stage}
    writers = _writers(writes)
    needs = [StageNeeds() for _ in stages]
    crossing: dict[tuple[int, str], list[int]] = {}  # (provider, name) -> consuming stages
    for i, stage in enumerate(stages):
        copies: set[tuple[int, int, str]] = set()  # (provider, line, source): run in that order
        for step in stage:
            for name in sorted(reads.get(step.execution.id, ())):
                provider = _provider(writers.get(name, []), step.execution.id)
                if provider is None:
                    continue  # a builtin, or never bound: nothing to bring
                if provider == params[0] and name in params[1]:
                    _add(needs[i].params, name)
                elif stage_of.get(provider, i) != i:
                    found = definition(code[provider], name)
                    if found is not None:
                        copies.add((provider, *found))
                    elif i not in crossing.setdefault((provider, name), []):
                        crossing[(provider, name)].append(i)
        needs[i].copies = list(dict.fromkeys(source for _, _, source in sorted(copies)))
    warnings = _handoffs(crossing, stage_of, state_of, needs)
    return needs, warnings


def _handoffs(
    crossing: Mapping[tuple[int, str], list[int]],
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
        for consumer in consumers:
            needs[consumer].loads.append(handoff)
        if kind == "pickle":
            kind_name = state.type if state else "unknown type"
            warnings.append(
                f"{name} ({kind_name}) goes from stage {producer + 1} to stage "
                f"{consumers[0] + 1} as a pickle: it loads only with the same code and packages"
            )
    return warnings


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
