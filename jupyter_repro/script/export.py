"""Export a recorded session as a linear, runnable script (jupytext py:percent) and its lock.

Usage::

    with LineageStore.open(db, create=False) as store:
        result = export_script(store, Path("analysis.ipynb"), output=Path("analysis_script.py"))
    result.script, result.lock, result.warnings

The script and its lock are built by ``plan``; this module picks the executions and writes.
The executions come in the order they really ran, chosen as the mode says (``targets``: by
default the live variables and the outputs of the cells still in the notebook, sliced), with
IPython syntax made plain Python (``ipython_syntax``). Each cell that showed outputs ends by
showing them (``cell_outputs``), and the lock keeps their fingerprints. The first code cell
checks the data files, moves to the folder the session ran in and defines the output helper
(``data_check``, ``output_helper``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from ..common.errors import ExportError
from ..common.sessions import choose_session
from ..store import LineageStore
from .guarded_cells import plain_code
from .lockfile import lock_path_for, write_lock
from .ownership import refuse_foreign
from .plan import EXPORT_MARKER, ExportPlan
from .targets import choose, notebook_cells

__all__ = ["EXPORT_MARKER", "FORMATS", "ExportResult", "default_output", "export_script"]
__all__ += ["plain_code"]  # the pipeline export writes the same code

FORMATS = ("py", "ipynb")


@dataclass(frozen=True)
class ExportResult:
    script: Path
    lock: Path
    executions: tuple[int, ...]
    warnings: tuple[str, ...]
    outputs: int = 0  # recorded outputs the script shows again (and the lock keeps)


def default_output(notebook: Path) -> Path:
    """``analysis.ipynb`` -> ``analysis_script.py`` beside it (``analysis.py`` is jupytext's)."""
    return notebook.with_name(notebook.stem + "_script.py")


def export_script(
    store: LineageStore,
    notebook: Path,
    *,
    session_id: str | None = None,
    targets: Sequence[str] | None = None,
    output: Path | None = None,
    fmt: str = "py",
    outputs: bool = True,
    everything: bool = False,
    include: Sequence[int] = (),
) -> ExportResult:
    """Write the script and its lock; raise ExportError for bad input, writing nothing.

    ``targets``, ``outputs=False`` (``--no-outputs``) and ``everything`` (``--all``) choose the
    executions as ``targets.choose`` says; ``include`` names executions the slice keeps too.
    """
    notebook = notebook.resolve()
    session = choose_session(store, notebook, session_id)
    executions = store.executions(session_id=session.id)
    if not executions:
        raise ExportError(f"Session {session.id} recorded no executions")
    if everything and targets:
        raise ExportError("--all exports every execution: it takes no --target")
    cells, warnings = notebook_cells(notebook) if outputs and not targets else (set(), ())
    live = store.live_state(session.id)
    chosen = choose(
        executions, live, cells, targets, outputs=outputs, everything=everything, include=include
    )
    script = (output or default_output(notebook)).resolve()
    if fmt == "ipynb" and script.suffix != ".ipynb":
        script = script.with_suffix(".ipynb")
    plan = ExportPlan(store, session, notebook, script, chosen, executions)
    nb = plan.notebook()
    lock = plan.lock()
    refuse_foreign(script, lock_path_for(script), notebook)
    script.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "ipynb":
        nbformat.write(nb, script)
    else:
        jupytext.write(nb, script, fmt="py:percent")
    lock_path = lock_path_for(script)
    write_lock(lock, lock_path)
    ids = tuple(e.id for e in chosen.sliced.executions)
    shown = sum(len(kept or ()) for kept in plan.outputs)
    sliced = chosen.sliced
    said = (*warnings, *chosen.warnings, *sliced.kept_for_state, *sliced.dynamic_reads)
    said += tuple(plan.warnings)
    return ExportResult(script, lock_path, ids, said, shown)
