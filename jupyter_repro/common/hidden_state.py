"""The hidden global state each execution of a session reads and writes, as dependency keys the
slicer follows like variables (``state:rng:random``, ``state:cwd``: the kinds of
``code_analysis.global_state``).

Usage::

    states = hidden_state(runs)        # runs in the order they ran, one HiddenState each
    states[i].reads, states[i].writes  # keys
    states[i].keeps                    # writes that update the state, so need the writer before
    kept_sentence(runs[i], states[i], key, runs[j])   # the warning when j's use keeps i

Random generators (seeded kinds): an execution whose recorded fingerprint (``Execution.rng``)
differs from the previous execution's drew from the generator, or set it in a way the code does
not show: it reads the state before it and leaves the one after it (reads, writes, keeps). When
either fingerprint is missing (the first execution, numpy just imported, a store from before
fingerprints, TensorFlow which has none), the code decides: naming the generator's module counts
as drawing. An ``ok`` execution that seeds at top level (``random.seed(101)``) writes the state
outright, reading it only if another call came first; a seed under an ``if`` or in a failed
execution is only believed through the fingerprint. An execution whose fingerprint did not change
touches nothing.

Other kinds come from the code alone: a setter (``os.chdir``, ``pd.set_option``...) writes and
keeps its kind (it changes part of it: the setters before it stay needed); an execution reads a
kind when its code does as the table says, when it showed an output the row names (a figure
reads the matplotlib settings, any output the pandas and numpy options) or when it changed a
variable of a type the row names (a DataFrame reads the pandas options).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..code_analysis.global_state import STATE_KINDS, StateKind
from ..code_analysis.state_effects import SessionNames, StateEffects
from ..store.models import STATUS_OK, Execution

_KINDS = {kind.key: kind for kind in STATE_KINDS}


@dataclass(frozen=True)
class HiddenState:
    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
    keeps: frozenset[str] = frozenset()
    labels: Mapping[str, str] = field(default_factory=dict)  # key -> what the execution did
    drew: frozenset[str] = frozenset()  # generators it drew from without a seed the code shows


def hidden_state(runs: Sequence[Execution]) -> list[HiddenState]:
    """One HiddenState per execution, in the order given (the order they ran)."""
    names = SessionNames()
    last: dict[str, str] = {}  # fingerprint name -> the previous execution's fingerprint
    states = []
    for execution in runs:
        states.append(_state(execution, names.effects(execution.code), last))
        last = dict(execution.rng)
    return states


def kept_sentence(writer: Execution, state: HiddenState, key: str, reader: Execution) -> str:
    """``kept execution 4 (random.seed): execution 9 uses the RNG state it set``."""
    kind, done = _KINDS[key], "left" if key in state.drew else "set"
    what = state.labels.get(key, kind.what)
    return f"kept execution {writer.id} ({what}): execution {reader.id} {kind.uses} it {done}"


def _state(execution: Execution, effects: StateEffects, last: Mapping[str, str]) -> HiddenState:
    reads, writes, keeps, drew = set(), set(), set(), set()
    labels = {}
    for kind in STATE_KINDS:
        key, label = kind.key, effects.sets.get(kind.key)
        if kind.seeded and key in effects.seeds and execution.status == STATUS_OK:
            writes.add(key)  # seeded: the state before matters only to a call made first
            reads.update([key] if key in effects.drawn_first else [])
        elif kind.seeded and _drew(kind, execution, effects, last):
            reads.add(key)
            writes.add(key)
            keeps.add(key)
            if label is None:
                drew.add(key)
                label = f"drew from {kind.what}"
        elif not kind.seeded:
            if key in effects.reads or _shown(kind, execution):
                reads.add(key)
            if label is not None:
                writes.add(key)
                keeps.add(key)
        if key in writes and label is not None:
            labels[key] = label
    sets = (frozenset(reads), frozenset(writes), frozenset(keeps))
    return HiddenState(*sets, labels=labels, drew=frozenset(drew))


def _drew(
    kind: StateKind, execution: Execution, effects: StateEffects, last: Mapping[str, str]
) -> bool:
    """Whether the execution changed the generator: by its fingerprints, else by its code."""
    now = execution.rng.get(kind.fingerprint) if kind.fingerprint else None
    before = last.get(kind.fingerprint) if kind.fingerprint else None
    if now is not None and before is not None:
        return now != before
    return kind.key in effects.reads


def _shown(kind: StateKind, execution: Execution) -> bool:
    """Whether what the execution showed or changed reads the kind (figures, DataFrames)."""
    shown = [o.mime for o in execution.outputs if o.output_type != "error"]
    if any(mime.startswith(prefix) for mime in shown for prefix in kind.reads.outputs):
        return True
    return any(v.type.startswith(kind.reads.types) for v in execution.changed if kind.reads.types)
