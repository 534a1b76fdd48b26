"""What a recorded session or execution left: its lineage, and the code it ran as a notebook.

Usage::

    with LineageStore.open(db, create=False) as store:
        executions = store.executions(session_id=session.id)
        lineage = session_lineage(store, session.id, executions)
        code = code_notebook(executions)       # one code cell per notebook cell that ran

A session has no notebook file of its own (the notebook it ran may have changed since), so the
code it really ran stands in for one: each cell's last executed code, cells in the order they
first ran, with the cell ids JupyterLab sent so that nbdime aligns them with the notebook's cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nbformat

from ..store import Execution, LineageStore

#: nbformat's rule for cell ids; other ids (plain IPython has none) are left out.
CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


@dataclass(frozen=True)
class Lineage:
    """The recorded facts two recordings are compared on."""

    variables: dict[str, str] = field(default_factory=dict)  # name -> final hash
    files_read: dict[str, str | None] = field(default_factory=dict)  # path -> hash when read
    files_written: dict[str, str | None] = field(default_factory=dict)  # path -> hash written
    python: str | None = None
    packages: dict[str, str] = field(default_factory=dict)  # normalised name -> version


def _environment(store: LineageStore, executions: Sequence[Execution]) -> dict[str, Any]:
    """The environment the last execution that captured one ran in."""
    for execution in reversed(executions):
        if execution.env_id:
            env = store.environment(execution.env_id)
            if env is not None:
                return env.data
    return {}


def _files(executions: Sequence[Execution], mode: str) -> dict[str, str | None]:
    # The last access wins: it is the version the session's results were built on.
    found: dict[str, str | None] = {}
    for execution in executions:
        for access in execution.files:
            if access.mode == mode:
                found[access.path] = access.hash
    return found


def _lineage(
    variables: dict[str, str], store: LineageStore, executions: Sequence[Execution]
) -> Lineage:
    env = _environment(store, executions)
    python = env.get("python", {}).get("version") if isinstance(env.get("python"), dict) else None
    return Lineage(
        variables=variables,
        files_read=_files(executions, "read"),
        files_written=_files(executions, "write"),
        python=python,
        packages=dict(env.get("packages", {})),
    )


def session_lineage(
    store: LineageStore, session_id: str, executions: Sequence[Execution]
) -> Lineage:
    """Variables alive at the end of the session, files it touched, its last environment."""
    live = store.live_state(session_id)
    return _lineage({name: state.hash for name, state in live.items()}, store, executions)


def execution_lineage(store: LineageStore, execution: Execution) -> Lineage:
    """What one execution changed, the files it touched and the environment it ran in."""
    return _lineage({v.name: v.hash for v in execution.changed}, store, [execution])


def code_notebook(executions: Sequence[Execution]) -> dict[str, Any]:
    """A notebook of code cells: the last code each cell ran, cells in first-run order."""
    latest: dict[str, Execution] = {}
    for execution in executions:
        # Executions without a cell id (plain IPython) are cells of their own.
        latest[execution.cell_id or f"exec-{execution.id}"] = execution
    cells = []
    for key, execution in latest.items():
        cell = nbformat.v4.new_code_cell(source=execution.code)
        if CELL_ID.match(key):
            cell["id"] = key
        cells.append(cell)
    return dict(nbformat.v4.new_notebook(cells=cells))
