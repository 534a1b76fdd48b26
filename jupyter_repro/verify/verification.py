"""Check that an exported script still reproduces the results recorded in its lock.

Usage::

    report = verify_script(Path("analysis_script.py"), twice=True)    # lock beside it
    report = verify_notebook(Path("analysis.ipynb"), session_id=None)  # exported on the fly
    report.reproduced, report.mismatched, report.first_divergence     # see ``verify_report``

Data files are checked first: a changed one is a finding, a missing one raises
:class:`VerifyInputError`, as do a missing script, lock or notebook. Then the script runs in a
fresh recording kernel inside a temporary copy of the folders it uses (its own and the one the
session ran in, with every data file under them), so nothing the user owns is written; data
files outside them are read in place. The final state's hashes are compared with the lock.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.kernelspec import NoSuchKernel

from ..common.errors import ExportError
from ..common.file_digest import file_digests
from ..common.notebook_file import NotebookUnreadable, read_notebook
from ..runner import run_notebook
from ..script.data_check import SKIP_VAR, WORKDIR_VAR
from ..script.lockfile import LockError, ReproLock, lock_path_for, read_lock
from ..store import ENV_VAR, Execution, LineageStore, StoreUnavailable, default_db_path
from .report import (
    CellError,
    Difference,
    Run,
    VerifyReport,
    compare_targets,
    divergence,
    environment_changes,
    unstable,
)

__all__ = ["VerifyInputError", "VerifyReport", "verify_notebook", "verify_script"]

OnCell = Callable[[int, int], None]


class VerifyInputError(ValueError):
    """Bad input (missing script, lock, notebook, session or data file); one line. Exit 2."""


def verify_script(
    script: Path, *, twice: bool = False, on_cell: OnCell | None = None, timeout: int | None = None
) -> VerifyReport:
    """Re-run ``script`` once (or twice, to tell nondeterminism apart) and compare with its lock.

    ``on_cell(done, total)`` counts cells over all runs, for a progress bar.
    """
    started = time.perf_counter()
    script = Path(script).resolve()
    if not script.is_file():
        raise VerifyInputError(f"No such script: {script}")
    try:
        lock = read_lock(lock_path_for(script))
        nb = jupytext.read(script)
    except LockError as error:
        raise VerifyInputError(str(error)) from error
    except Exception as error:  # jupytext raises many kinds for a file it cannot parse
        raise VerifyInputError(f"Not a readable script: {script} ({error})") from error
    files = _changed_files(lock, script)
    layout = _Layout.plan(script, lock)
    count = 2 if twice else 1
    runs = [_run_copy(nb, layout, _offset(on_cell, n, count), timeout) for n in range(count)]
    found = compare_targets(lock, runs[0].live)
    return VerifyReport(
        script=str(script),
        targets=len(lock.targets),
        matched=tuple(found["matched"]),
        mismatched=tuple(found["mismatched"]),
        missing=tuple(found["missing"]),
        unhashable=tuple(found["unhashable"]),
        first_divergence=divergence(lock, runs[0]),
        files=files,
        environment=environment_changes(lock, runs[0].environment),
        errors=runs[0].errors,
        runs=count,
        nondeterministic=unstable(runs),
        notes=layout.notes,
        seconds=round(time.perf_counter() - started, 3),
    )


def verify_notebook(
    notebook: Path,
    *,
    session_id: str | None = None,
    twice: bool = False,
    on_cell: OnCell | None = None,
    timeout: int | None = None,
) -> VerifyReport:
    """Export ``notebook``'s session (latest, or ``session_id``) to a temporary folder, verify.

    A notebook that is itself an export (``--format ipynb``, lock beside it) is verified as is.
    """
    from ..script.export import EXPORT_MARKER, export_script  # only this path needs them

    notebook = Path(notebook).resolve()
    try:
        nb = read_notebook(notebook)
    except NotebookUnreadable as error:
        raise VerifyInputError(str(error)) from error
    if EXPORT_MARKER in nb.metadata and session_id is None:
        return verify_script(notebook, twice=twice, on_cell=on_cell, timeout=timeout)
    with tempfile.TemporaryDirectory(prefix="repro-export-") as folder:
        try:
            with LineageStore.open(default_db_path(notebook), create=False) as store:
                output = Path(folder) / f"{notebook.stem}_script.py"
                result = export_script(store, notebook, session_id=session_id, output=output)
        except (StoreUnavailable, ExportError) as error:
            raise VerifyInputError(str(error).splitlines()[0]) from error
        report = verify_script(result.script, twice=twice, on_cell=on_cell, timeout=timeout)
    # The exported script is gone with its folder: name what the user asked about.
    return replace(report, script=str(notebook))


def _offset(on_cell: OnCell | None, number: int, runs: int) -> OnCell | None:
    if on_cell is None:
        return None
    return lambda done, total: on_cell(number * total + done, runs * total)


def _changed_files(lock: ReproLock, script: Path) -> tuple[Difference, ...]:
    """Data files whose content is not the recorded one; a missing one is an input error."""
    changed: list[Difference] = []
    for name, locked in sorted(lock.files.items()):
        path = script.parent / name  # an absolute name stays absolute
        if not path.is_file():
            raise VerifyInputError(f"Data file missing: {name} (looked for {path})")
        if not (locked.sha256 or locked.xxh3):
            continue  # the lock knows no content hash: nothing to compare
        xxh3, sha256 = file_digests(path)
        if locked.sha256:
            recorded = "sha256:" + locked.sha256.removeprefix("sha256:")
            current = "sha256:" + sha256
        else:
            recorded, current = str(locked.xxh3), xxh3
        if current != recorded:
            changed.append(Difference(name, recorded, current))
    return tuple(changed)


@dataclass(frozen=True)
class _Layout:
    """The temporary copy mirrors everything below ``base``: the deepest folder holding both the
    script's folder and the session's working folder, so relative paths resolve as they did."""

    script: Path
    workdir: Path
    base: Path
    copies: tuple[Path, ...]
    notes: tuple[str, ...]

    @classmethod
    def plan(cls, script: Path, lock: ReproLock) -> _Layout:
        workdir = (script.parent / str(lock.source.get("workdir") or ".")).resolve()
        base = Path(os.path.commonpath([script.parent, workdir]))
        paths = {name: (script.parent / name).resolve() for name in sorted(lock.files)}
        inside = tuple(p for p in paths.values() if p.is_relative_to(base))
        notes = tuple(
            f"{name} is read in place, outside the copied folders (a run writing it would "
            "change it)"
            for name, path in paths.items()
            if not path.is_relative_to(base)
        )
        return cls(script, workdir, base, inside, notes)

    def mirror(self, copy: Path, path: Path) -> Path:
        return copy / path.relative_to(self.base)


def _run_copy(
    nb: nbformat.NotebookNode, layout: _Layout, on_cell: OnCell | None, timeout: int | None
) -> Run:
    """Run the script in a fresh recording kernel inside a throwaway copy; read the lineage."""
    with tempfile.TemporaryDirectory(prefix="repro-verify-") as tmp:
        copy = Path(tmp) / "copy"
        for source in (*layout.copies, layout.script):
            target = layout.mirror(copy, source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        layout.mirror(copy, layout.workdir).mkdir(parents=True, exist_ok=True)
        script = layout.mirror(copy, layout.script)
        workdir = layout.mirror(copy, layout.workdir)
        runnable = script.with_name(script.stem + ".verify.ipynb")
        nbformat.write(_runnable(nb), runnable)
        db = Path(tmp) / "lineage.db"
        # Created here, so the kernel finds its schema ready.
        LineageStore.open(db).close()
        # Local modules next to the script or the notebook are code, not data: importable.
        path = [str(layout.workdir), str(layout.script.parent), os.environ.get("PYTHONPATH", "")]
        env = {
            ENV_VAR: str(db),
            SKIP_VAR: "1",
            WORKDIR_VAR: str(workdir),  # the copied working folder, never the user's
            "PYTHONPATH": os.pathsep.join(filter(None, path)),
        }
        try:
            executed = run_notebook(runnable, env=env, on_cell=on_cell, timeout=timeout)
        except NoSuchKernel as error:
            raise VerifyInputError(f"Kernel {error.name!r} is not installed") from error
        with LineageStore.open(db, create=False) as store:
            return _read_run(store, executed)


def _runnable(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy whose cells have ids naming their index (to map executions back to cells), in
    nbformat 4.5. Its check cell must honour WORKDIR_VAR, else it could move into the user's
    folder."""
    nb = nbformat.from_dict(nb)
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    for index, cell in enumerate(nb.cells):
        cell.id = f"c{index}"
        tags = cell.get("metadata", {}).get("tags", [])
        if "repro-data-check" in tags and WORKDIR_VAR not in cell.source:
            raise VerifyInputError(
                "The script's data check predates this jupyter-repro: export it again"
            )
    return nb


def _read_run(store: LineageStore, executed: nbformat.NotebookNode) -> Run:
    session = store.latest_session()
    if session is None:
        raise RuntimeError("The recording kernel recorded nothing: is jupyter-repro installed?")
    executions = store.executions(session_id=session.id)
    cells = executed.cells
    locked = {cell.id: cell.metadata.get("repro", {}).get("execution") for cell in cells}
    by_lock: dict[int, Execution] = {}
    for execution in executions:
        lock_id = locked.get(execution.cell_id)
        if isinstance(lock_id, int):
            by_lock[lock_id] = execution
    env_id = next((e.env_id for e in reversed(executions) if e.env_id), None)
    env = store.environment(env_id) if env_id else None
    errors = tuple(
        CellError(i, cell.metadata.get("repro", {}).get("execution"), out.ename, out.evalue)
        for i, cell in enumerate(cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    )
    live = store.live_state(session.id)
    return Run(live, by_lock, errors, env.data if env else {})
