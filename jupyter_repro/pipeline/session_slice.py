"""Which executions a pipeline runs: the slice behind the results and behind the files.

Usage::

    sliced, warnings = slice_for_pipeline(executions, store.live_state(session_id))
    state = state_after(executions, live, execution_id, "weights")   # its recorded type

``export`` slices to the variables alive at the end; a pipeline must also write the files the
session left written, so the cell that last wrote each one is a target too (``cell:ID``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..common.errors import ExportError
from ..common.slicing import SliceResult, UnknownTarget, slice_session
from ..store import Execution, VariableState


def slice_for_pipeline(
    history: Sequence[Execution], live: Mapping[str, VariableState]
) -> tuple[SliceResult, list[str]]:
    """The slice, and warnings for files the pipeline cannot write again."""
    last: dict[str, Execution] = {}
    for execution in history:
        last.update((f.path, execution) for f in execution.files_written if f.hash)
    latest_of_cell = {e.cell_id: e.id for e in history if e.cell_id}
    targets: list[str] = list(live)
    warnings = []
    for path, execution in sorted(last.items()):
        if execution.cell_id is None or latest_of_cell[execution.cell_id] != execution.id:
            # Only a cell's latest run can be a target; an older run's code is gone from it.
            warnings.append(
                f"{path} was last written by execution {execution.id}, not its cell's latest "
                "run: the pipeline does not write it"
            )
        elif f"cell:{execution.cell_id}" not in targets:
            targets.append(f"cell:{execution.cell_id}")
    try:
        return slice_session(history, live, targets), warnings
    except UnknownTarget as error:  # only when the store changed while we read it
        raise ExportError(str(error)) from error


def state_after(
    history: Sequence[Execution],
    live: Mapping[str, VariableState],
    execution_id: int,
    name: str,
) -> VariableState | None:
    """The latest recorded state of ``name`` once ``execution_id`` ran (else its final one)."""
    found = None
    for execution in history:
        if execution.id > execution_id:
            break
        found = next((v for v in execution.changed if v.name == name), found)
    return found or live.get(name)
