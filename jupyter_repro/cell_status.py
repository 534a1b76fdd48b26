"""Per-cell status of a notebook: its cells (from the file, or as the editor has them) against
the executions of its latest recorded session. No server code: the CLI may use it too.

Usage::

    with LineageStore.open(default_db_path(nb), create=False) as store:
        found = notebook_status(store, nb)                  # cells read from nb
        found = notebook_status(store, nb, cells=[NotebookCell("c1", "code", "x = 1")])
    found.session, [cell.to_json() for cell in found.cells]

A code cell's *last execution* is its latest one in the session. Its status is, first match wins:

- ``never-run``: no execution of the cell in the session;
- ``stale``: its last execution used a variable (read by its code as it ran, or by the functions
  it calls, per ``code_analysis.cell_names``; not by the bodies of functions it only defines) that a
  later execution of another cell changed or deleted; or it read a data file whose content on
  disk is not the one recorded (``file_change``: same size and mtime is unchanged, else the
  content's xxh3 is compared; files over 64 MiB go by mtime alone);
- ``out-of-order``: its last execution ran before the last execution of a cell above it that
  sets a name it uses (values agree, or it would be stale: the order alone is wrong);
- ``ok``.

``reasons`` hold a sentence for every finding, stale and out-of-order alike. ``edited`` says the
source differs from the code that last ran. Markdown and raw cells are ``ok`` with no reasons.
"""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .code_analysis.cell_names import analyze
from .code_analysis.credential_literals import redact_code
from .code_analysis.reads import closure, eager_reads
from .common.file_digest import file_xxh3
from .common.notebook_file import read_notebook
from .store import Execution, FileAccess, LineageStore, project_root

MAX_REASONS = 6
NOT_RUN = "It has not run since the kernel started."
NOTHING_RECORDED = (
    "No run of this notebook is recorded yet: run it with the Python 3 (repro) kernel."
)
#: Data files larger than this are judged by size and modification time, never read.
HASH_LIMIT_BYTES = 64 * 1024 * 1024
FileCheck = Callable[[FileAccess, Path], "str | None"]
#: xxh3 of files by stat signature, so a file is read once per change, not once per request.
_HASHES: dict[tuple[str, int, int, int], str] = {}


@dataclass(frozen=True)
class NotebookCell:
    id: str | None
    cell_type: str
    source: str


@dataclass(frozen=True)
class CellStatus:
    cell_id: str | None
    index: int
    cell_type: str
    status: str
    reasons: tuple[str, ...] = ()
    last_execution: int | None = None
    execution_count: int | None = None
    edited: bool = False
    execution_status: str | None = None  # ok, error, interrupted, running: how it last ended

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class NotebookStatus:
    session: str | None
    cells: tuple[CellStatus, ...]


def read_cells(notebook: Path) -> list[NotebookCell]:
    nb = read_notebook(notebook, validate=False, label=notebook.name)
    return [NotebookCell(c.get("id"), c.cell_type, c.source) for c in nb.cells]


def notebook_status(
    store: LineageStore | None, notebook: Path, cells: Sequence[NotebookCell] | None = None
) -> NotebookStatus:
    """Statuses of ``cells`` (default: read from ``notebook``, an absolute resolved path)."""
    cells = read_cells(notebook) if cells is None else cells
    session = store.latest_session(str(notebook)) if store else None
    executions = store.executions(session_id=session.id) if store and session else []
    found = cell_statuses(cells, executions, project_root(notebook.parent), file_change)
    return NotebookStatus(session.id if session else None, tuple(found))


def cell_statuses(
    cells: Sequence[NotebookCell], executions: Sequence[Execution], root: Path, check: FileCheck
) -> list[CellStatus]:
    """The status of each cell, in order, given the session's executions in execution order."""
    last = {e.cell_id: e for e in executions if e.cell_id}
    index = {c.id: i for i, c in reversed(list(enumerate(cells))) if c.id}
    uses = _uses(executions, {e.id for e in last.values()})
    changes: dict[str, list[tuple[int, str | None, str]]] = defaultdict(list)
    for e in executions:
        for name in [v.name for v in e.changed]:
            changes[name].append((e.id, e.cell_id, "changed"))
        for name in e.removed:
            changes[name].append((e.id, e.cell_id, "deleted"))

    def label(cell_id: str | None) -> str:
        where = index.get(cell_id) if cell_id else None
        return "a cell no longer in the notebook" if where is None else f"cell {where + 1}"

    out: list[CellStatus] = []
    for i, cell in enumerate(cells):
        run = last.get(cell.id) if cell.id and cell.cell_type == "code" else None
        if cell.cell_type != "code":
            out.append(CellStatus(cell.id, i, cell.cell_type, "ok"))
            continue
        if run is None:
            reason = NOT_RUN if executions else NOTHING_RECORDED
            out.append(CellStatus(cell.id, i, "code", "never-run", (reason,)))
            continue
        used = uses.get(run.id, frozenset())
        stale = [
            f"It uses `{name}`, which {label(cell_id)} {kind} after it ran."
            for name in sorted(used)
            for cell_id, kind in _later_change(changes.get(name, ()), run)
        ]
        stale += [
            f"It read {access.path}, which {change}."
            for access in run.files_read
            if access.hash is not None and (change := check(access, root)) is not None
        ]
        disorder = [
            f"It ran before {label(above.id)} above it, which sets `{name}`."
            for above in cells[:i]
            if above.id
            for name in _sets_after(last.get(above.id), run, used)
        ]
        status = "stale" if stale else "out-of-order" if disorder else "ok"
        reasons = tuple(dict.fromkeys(stale + disorder))[:MAX_REASONS]
        # The store keeps code with its credentials redacted: the same code, not an edit.
        edited = cell.source != run.code and redact_code(cell.source) != run.code
        out.append(
            CellStatus(
                cell.id, i, "code", status, reasons, run.id, run.execution_count, edited, run.status
            )
        )
    return out


def _later_change(
    changes: Sequence[tuple[int, str | None, str]], run: Execution
) -> list[tuple[str | None, str]]:
    """The latest change of a name by another cell after ``run``, if any."""
    for execution_id, cell_id, kind in reversed(changes):
        if execution_id <= run.id:
            break
        if cell_id != run.cell_id:
            return [(cell_id, kind)]
    return []


def _sets_after(above: Execution | None, run: Execution, used: frozenset[str]) -> list[str]:
    """Names used by ``run`` that the later last execution of a cell above it sets."""
    if above is None or above.id <= run.id or not used:
        return []
    found = analyze(above.code)
    sets = {v.name for v in above.changed} | (found.binds if found else frozenset())
    return sorted(used & sets)[:1]


def _uses(executions: Sequence[Execution], wanted: set[int]) -> dict[int, frozenset[str]]:
    """Names each wanted execution used: what its code reads as it runs, closed over the globals
    read by the functions it calls, as defined by the executions before it."""
    defs: dict[str, frozenset[str]] = {}
    out: dict[int, frozenset[str]] = {}
    for e in executions:
        found = analyze(e.code)
        if found is None:
            continue
        if e.id in wanted:
            out[e.id] = closure(eager_reads(e.code, found), defs)
        for name in found.binds - set(found.defs):
            defs.pop(name, None)  # rebound to a plain value: no longer that function
        defs.update(found.defs)
    return out


def file_change(access: FileAccess, root: Path) -> str | None:
    """How a data file differs from what an execution recorded, as the end of "It read x.csv,
    which ...", or None when it does not."""
    path = Path(access.path) if os.path.isabs(access.path) else root / access.path
    try:
        st = path.stat()
    except OSError:
        return "no longer exists"
    if not stat.S_ISREG(st.st_mode):
        return "is no longer a file"
    if access.size is not None and st.st_size != access.size:
        return "has changed on disk since it ran"
    if st.st_mtime_ns == access.mtime_ns:
        return None  # the stat signature the recorder saw: not re-read, as the recorder does
    if st.st_size > HASH_LIMIT_BYTES:
        return "has been modified on disk since it ran"
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    current = _HASHES.get(key)  # once: requests run in threads and may clear the cache
    if current is None:
        try:
            current = file_xxh3(path)
        except OSError:
            return "can no longer be read"
        if len(_HASHES) >= 10_000:
            _HASHES.clear()  # a crude bound: a long-running server sees many files come and go
        _HASHES[key] = current
    return None if current == access.hash else "has changed on disk since it ran"
