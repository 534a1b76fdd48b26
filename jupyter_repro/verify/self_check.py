"""The export checks its own slice: it replays the script and adds what a kept cell missed.

Usage::

    result = export_checked(store, Path("analysis.ipynb"), targets=None)  # export_script's
    result.warnings  # "added execution 3 (defines df1): execution 9 raised NameError on it without"

The script is replayed once in a fresh recording kernel, in a temporary copy of its folders, as
``verify`` runs it (no comparison with the lock; the project's ``cell_timeout_s`` per cell).
When the first error is a ``NameError`` or ``AttributeError`` on a name an execution the slice
left out wrote before the one that raised, the latest such execution is kept too (with what it
needs) and the script is exported and replayed again, until it runs or nothing can be added.
A script that runs to the end costs one replay. A replay that cannot finish or fails otherwise
(a missing data file, a timeout, another exception) keeps the export, with a warning that the
slice is unchecked. The check never fails the export.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..common.dependencies import execution_steps, names
from ..common.sessions import choose_session
from ..runner import STOP_SUMMARY, cell_timeout
from ..script.export import ExportResult, export_script
from ..store import Execution, LineageStore
from .report import CellError
from .verification import replay

_MISSING = re.compile(r"name '(\w+)' is not defined|has no attribute '(\w+)'")
_NAME_ERRORS = ("NameError", "AttributeError")


def export_checked(store: LineageStore, notebook: Path, **options: Any) -> ExportResult:
    """``export_script`` with the self-check (module docstring); ``options`` are its own."""
    session = choose_session(store, notebook.resolve(), options.get("session_id"))
    runs = sorted(store.executions(session_id=session.id), key=lambda e: e.id)
    include: list[int] = []
    added: list[str] = []
    while True:
        result = export_script(store, notebook, include=tuple(include), **options)
        try:
            errors = replay(result.script, cell_timeout(result.script, None))
        except Exception as error:  # noqa: BLE001 (the check must never fail the export)
            return _said(result, added, f"{type(error).__name__}: {error}".splitlines()[0])
        if not errors:
            return _said(result, added, None)
        found = _writer(runs, result.executions, errors[0])
        if found is None or found[0].id in include:
            return _said(result, added, _reason(errors[0]))
        include.append(found[0].id)
        added.append(
            f"added execution {found[0].id} (defines {found[1]}): execution "
            f"{errors[0].execution} raised {errors[0].name} on it without"
        )


def _writer(
    runs: list[Execution], kept: tuple[int, ...], error: CellError
) -> tuple[Execution, str] | None:
    """The latest execution before the one that raised writing the missing name, if the slice
    left it out (if it kept it, an earlier one cannot help)."""
    match = _MISSING.search(error.message)
    if error.name not in _NAME_ERRORS or match is None or error.execution is None:
        return None
    name = match.group(1) or match.group(2)
    steps = execution_steps(runs)
    before = [
        e
        for e, step in zip(runs, steps, strict=True)
        if e.id < error.execution and name in names(step.writes)
    ]
    return (before[-1], name) if before and before[-1].id not in kept else None


def _reason(error: CellError) -> str:
    if error.name in STOP_SUMMARY:  # its message names the cell and says why it stopped
        return error.message
    where = f"execution {error.execution}" if error.execution is not None else "a cell"
    return f"{where} raised {error.name}: {error.message}".splitlines()[0]


def _said(result: ExportResult, added: list[str], unfinished: str | None) -> ExportResult:
    notes = [*added]
    if unfinished is not None:
        notes.append(
            f"self-check: the script did not run to the end ({unfinished}); the slice is unchecked"
        )
    return replace(result, warnings=(*result.warnings, *notes))
