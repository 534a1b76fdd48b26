"""Slice a recorded session down to the executions its targets depend on.

Usage::

    executions = store.executions(session_id=sid)
    result = slice_session(executions, store.live_state(sid), targets=["model", "cell:9f1c"])
    result.executions   # the needed executions, in the order they ran (ids ascending)
    result.failed_kept  # ids of needed executions that did not end "ok": wrap them in try/except
    result.kept_for_state  # "kept execution 4 (random.seed): execution 9 uses the RNG state..."

Targets are variable names (their final value) or ``cell:ID`` (the last execution of that cell
and everything it depends on); default (None): every variable alive at the end. Unknown ones raise
:class:`UnknownTarget`. What each execution reads and writes is ``dependencies``' business:
variables (an execution *writes* what the recorder saw change or disappear plus what its code
binds, if it ended ``ok``; it *reads* what its code loads before binding, plus the globals used
by functions from earlier executions it names), data files, and hidden global state.
A needed key is provided by the latest earlier writer; a writer that updates it rather than
replacing it (mutation, alias, conditional bind) needs the previous writer too. A needed
execution that read a data file needs the latest earlier execution that wrote it.

Hidden global state is a dependency too (``hidden_state``, the kinds in
``code_analysis.global_state``), so that the script runs in the state the notebook did:

- a global random generator (``random``, ``numpy.random``, ``torch``, TensorFlow): an execution
  that changed its recorded fingerprint drew from it and needs the one before that changed it,
  back to the latest ``ok`` execution that seeded it at top level (``random.seed(101)``,
  ``np.random.seed``, ``torch.manual_seed``, ``tf.random.set_seed``...), which needs nothing
  before it unless another call came first in its cell. An unchanged fingerprint touches nothing.
- the working directory, environment variables, warning filters, the locale and interpreter
  limits (every later execution reads them), ``sys.path`` (read by code that imports), the
  matplotlib settings (read by code naming matplotlib or seaborn, calling ``.plot(``-like
  methods, or showing a figure), the pandas and numpy options (read by code naming the module,
  by any output, by a DataFrame or array changed), the decimal context, torch and TensorFlow
  settings (read by code naming the module): an execution setting one (``os.chdir``, ``%cd``,
  ``%env``, ``os.environ[...] =``, ``sys.path.append``, ``plt.style.use``, ``pd.set_option``...)
  is kept when a kept execution after it reads that kind, with the setters of it before it.

A setter nothing kept reads is still left out. ``kept_for_state`` says, for each execution only
hidden state keeps (the slice without it would leave it out), which kept execution uses what.
``SliceResult.targets`` maps each variable target to its final state; for ``cell:ID``, the
variables that execution changed and that end the session with the hash it gave them.

:func:`every_ok` is the unsliced alternative (``export --all``): every ``ok`` execution in the
order it ran, the live variables a failed execution did not leave behind as targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..store.models import STATUS_OK, Execution, VariableState
from .backward_slice import BackwardSlice
from .dependencies import execution_steps, names
from .dynamic_names import opaque_sentence
from .hidden_state import kept_sentence


class UnknownTarget(ValueError):
    """A target naming no variable alive at the end of the session, or no recorded cell."""


@dataclass(frozen=True)
class SliceResult:
    executions: tuple[Execution, ...]  # the needed ones, in the order they ran
    targets: dict[str, VariableState]  # target variable -> its final recorded state
    failed_kept: frozenset[int]  # needed executions whose status is not "ok"
    reads: dict[int, frozenset[str]]  # needed execution id -> variable names it reads
    writes: dict[int, frozenset[str]]  # ... -> names it binds, changes or deletes
    #: One sentence per execution kept only for the hidden state a kept one after it uses.
    kept_for_state: tuple[str, ...] = ()
    #: One sentence per kept execution that reads names it does not say (``dynamic_names``).
    dynamic_reads: tuple[str, ...] = ()


def slice_session(
    executions: Sequence[Execution],
    live: Mapping[str, VariableState],
    targets: Sequence[str] | None = None,
    include: Sequence[int] = (),
) -> SliceResult:
    """The executions the targets depend on (see module docstring); ``include``: ids of
    executions kept too, with what they need (the export's self-check adds them)."""
    runs = sorted(executions, key=lambda e: e.id)  # execution order, never notebook order
    steps = execution_steps(runs)
    wanted = list(live) if targets is None else list(targets)
    slicer = BackwardSlice(steps)
    chosen: dict[str, VariableState] = {}
    for target in wanted:
        chosen.update(_start(slicer, runs, live, target))
    for i, e in enumerate(runs):
        if e.id in include:
            slicer.include(i)
    slicer.run()
    needed = sorted(slicer.needed)
    return SliceResult(
        executions=tuple(runs[i] for i in needed),
        targets=chosen,
        failed_kept=frozenset(runs[i].id for i in needed if runs[i].status != STATUS_OK),
        reads={runs[i].id: names(steps[i].reads) for i in needed},
        writes={runs[i].id: names(steps[i].writes) for i in needed},
        kept_for_state=_kept_for_state(slicer, runs, live, wanted),
        dynamic_reads=tuple(
            opaque_sentence(runs[i].id, w) for i in needed if (w := steps[i].dynamic)
        ),
    )


def every_ok(executions: Sequence[Execution], live: Mapping[str, VariableState]) -> SliceResult:
    """Every execution that ended ``ok``, unsliced; targets: each live variable whose last
    writer is among them (one a failed execution left behind cannot be reproduced)."""
    runs = sorted(executions, key=lambda e: e.id)
    steps = execution_steps(runs)
    last: dict[str, Execution] = {}
    for execution in runs:
        last.update((v.name, execution) for v in execution.changed)
    kept = [(e, step) for e, step in zip(runs, steps, strict=True) if e.status == STATUS_OK]
    return SliceResult(
        executions=tuple(e for e, _ in kept),
        targets={n: s for n, s in live.items() if n in last and last[n].status == STATUS_OK},
        failed_kept=frozenset(),
        reads={e.id: names(step.reads) for e, step in kept},
        writes={e.id: names(step.writes) for e, step in kept},
    )


def _start(
    slicer: BackwardSlice, runs: list[Execution], live: Mapping[str, VariableState], target: str
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


def _kept_for_state(
    walk: BackwardSlice, runs: list[Execution], live: Mapping[str, VariableState], wanted: list[str]
) -> tuple[str, ...]:
    """A sentence for each (execution, kind of state) that hidden state alone keeps: slicing
    again blind to it tells those apart from executions the variables need anyway."""
    if not walk.state_uses:
        return ()
    blind = BackwardSlice([step.without_state() for step in walk.steps])
    for target in wanted:
        _start(blind, runs, live, target)
    blind.run()
    return tuple(
        kept_sentence(runs[writer], walk.steps[writer].state, key, runs[reader])
        for (writer, key), reader in sorted(walk.state_uses.items())
        if writer not in blind.needed
    )


def _unknown(name: str, runs: list[Execution]) -> str:
    if any(v.name == name for e in runs for v in e.changed):
        return f"Target not alive at the end of this session: {name}"
    return f"Target never recorded in this session: {name}"
