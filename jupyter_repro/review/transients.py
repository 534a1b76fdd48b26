"""What running a notebook changes without anyone editing it: counts, timing, outputs.

Usage::

    strip_timing(cell)            # drop JupyterLab's `execution` timestamps; True if any went
    strip_counts(cell)            # null the cell's and its results' execution counts
    state = run_state(cell)       # the transients of one run, to copy onto another version
    set_run_state(other, state)

JupyterLab (with its "record timing" setting, or extensions showing run times) writes
``cell.metadata.execution`` = ``{"iopub.execute_input": ..., "shell.execute_reply": ...}``,
new timestamps on every run. Only those ``iopub.*`` and ``shell.*`` entries are timing: other
keys under ``execution`` are someone else's and stay. Standard library only: the clean filter
imports this on every ``git status``.
"""

from __future__ import annotations

import copy
from typing import Any

TIMING = "execution"
_TIMING_PREFIXES = ("iopub.", "shell.")


def is_timing_key(key: str) -> bool:
    return key.startswith(_TIMING_PREFIXES)


def strip_timing(cell: dict[str, Any]) -> bool:
    """Remove the timing entries of ``cell`` (and ``execution`` once empty); True if any went."""
    metadata = cell.get("metadata")
    execution = metadata.get(TIMING) if isinstance(metadata, dict) else None
    if not isinstance(execution, dict):
        return False
    timing = [key for key in execution if is_timing_key(key)]
    for key in timing:
        del execution[key]
    if timing and not execution:
        del metadata[TIMING]  # type: ignore[union-attr]  # a dict: execution came from it
    return bool(timing)


def strip_counts(cell: dict[str, Any]) -> bool:
    """Null the execution count of a code cell and of its results; True if one was set."""
    if cell.get("cell_type") != "code":
        return False
    changed = cell.get("execution_count") is not None
    cell["execution_count"] = None
    for output in cell.get("outputs") or []:
        if isinstance(output, dict) and output.get("execution_count") is not None:
            output["execution_count"] = None
            changed = True
    return changed


def run_state(cell: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of what one run wrote into ``cell``: count, outputs and timing."""
    execution = cell.get("metadata", {}).get(TIMING)
    timing = {k: v for k, v in execution.items() if is_timing_key(k)} if execution else {}
    return copy.deepcopy(
        {
            "execution_count": cell.get("execution_count"),
            "outputs": cell.get("outputs", []),
            "timing": timing,
        }
    )


def set_run_state(cell: dict[str, Any], state: dict[str, Any]) -> None:
    """Make ``cell`` look as if the run ``state`` came from had written it."""
    cell["execution_count"] = state["execution_count"]
    cell["outputs"] = copy.deepcopy(state["outputs"])
    strip_timing(cell)
    if state["timing"]:
        metadata = cell.setdefault("metadata", {})
        metadata.setdefault(TIMING, {}).update(copy.deepcopy(state["timing"]))
