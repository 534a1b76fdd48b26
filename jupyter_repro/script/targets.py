"""What an export keeps: the executions, and whether their outputs are shown and locked.

Usage::

    chosen = choose(executions, live, notebook_cells(path), targets=None)
    chosen.sliced       # common.slicing.SliceResult
    chosen.outputs      # True: cells show their recorded outputs, the lock keeps them
    chosen.warnings

The modes, as ``jupyter repro export`` offers them:

- default: every variable alive at the end, plus every output of the latest execution of each
  cell still in the notebook (``cell:ID`` targets, so the slice keeps what they need), so the
  script regenerates the notebook;
- ``targets`` (``--target``): those targets only; cells in the slice still show their outputs;
- ``outputs=False`` (``--no-outputs``): the variables only, outputs neither shown nor locked;
- ``everything=True`` (``--all``): every ``ok`` execution in the order it ran, unsliced.

A session that recorded no output at all (a store older than output capture, or a notebook
that showed nothing) exports its variables, with a warning, and locks no outputs: verify then
has nothing to compare them with and says so. Only a cell whose latest execution ended ``ok``
is an output target: the outputs of one that raised cannot be shown again (``cell_outputs``).
When no recorded execution names a cell of the file (a session run without cell ids), that is
said in a warning too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..common.notebook_file import NotebookUnreadable, read_notebook
from ..common.slicing import SliceResult, every_ok, slice_session
from ..store import Execution, VariableState
from .cell_outputs import reproducible

NO_OUTPUTS = "no outputs were recorded for this session; the script reproduces variables only"
UNMATCHED = (
    "no recorded execution belongs to a cell of the notebook file (other cell ids): its outputs "
    "are not targets, the script reproduces the variables and what they need"
)


@dataclass(frozen=True)
class Chosen:
    sliced: SliceResult
    outputs: bool
    warnings: tuple[str, ...] = ()


def notebook_cells(notebook: Path) -> tuple[set[str], tuple[str, ...]]:
    """The ids of the code cells in the notebook file, and a warning when it cannot be read."""
    try:
        nb = read_notebook(notebook, validate=False)
    except NotebookUnreadable as error:
        return set(), (f"{error}: no cell's outputs are targets",)
    return {str(c.id) for c in nb.cells if c.cell_type == "code" and "id" in c}, ()


def choose(
    executions: Sequence[Execution],
    live: Mapping[str, VariableState],
    cells: Collection[str],
    targets: Sequence[str] | None = None,
    *,
    outputs: bool = True,
    everything: bool = False,
    include: Sequence[int] = (),
) -> Chosen:
    """The executions to export and whether they show outputs (see module docstring);
    ``include``: ids of executions the slice keeps too."""
    recorded = outputs and any(e.outputs for e in executions)
    warnings = (NO_OUTPUTS,) if outputs and not recorded else ()
    if everything:
        return Chosen(every_ok(executions, live), recorded, warnings)
    if targets is None and recorded:
        targets = [*live, *output_targets(executions, cells)]
        if cells and not any(e.cell_id in cells for e in executions):
            warnings = (UNMATCHED,)
    return Chosen(slice_session(executions, live, targets, include), recorded, warnings)


def output_targets(executions: Sequence[Execution], cells: Collection[str]) -> list[str]:
    """``cell:ID`` for each cell in ``cells`` whose latest execution showed something to keep."""
    latest: dict[str, Execution] = {}
    for execution in sorted(executions, key=lambda e: e.id):
        if execution.cell_id is not None and execution.cell_id in cells:
            latest[execution.cell_id] = execution
    return [f"cell:{cell}" for cell, e in latest.items() if reproducible(e)]
