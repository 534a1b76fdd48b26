"""Check that an exported script still reproduces the results recorded in its lock.

Usage::

    report = verify_script(Path("analysis_script.py"), twice=True)    # lock beside it
    report = verify_notebook(Path("analysis.ipynb"), session_id=None)  # exported on the fly
    report.reproduced, report.mismatched, report.first_divergence     # see ``verify_report``

Data files are checked first: a changed one is a finding (not reproduced), a missing one raises
:class:`VerifyInputError`, as do a missing script, lock or notebook. A file the session saw
change between two reads gets, in the copy, the version each cell read, from the data cache
(``data_replay``); ``recorded_data=True`` replays every read from the cache, the first ones
included, and names the files that differ from the current ones instead of failing. Then the
script runs in a fresh recording kernel inside a temporary copy of the folders it uses (its own
and the one the session ran in, with every data file under them), so nothing the user owns is
written; data files outside them are read in place. The final state's hashes are compared with
the lock, and so are the outputs each cell showed (``output_check``).

Each cell may run ``timeout`` seconds (None: the project's ``cell_timeout_s``; 0: no limit): a
cell that cannot finish stops the run, and is an error of the report named after
``runner.CellStopped.why``; the state reached until then is still compared.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.kernelspec import NoSuchKernel

from ..common.data_cache import SNAPSHOTS_VAR, DataCache, project_cache
from ..common.errors import ExportError
from ..common.file_digest import file_digests
from ..common.notebook_file import NotebookUnreadable, read_notebook
from ..project_settings import SettingsError
from ..runner import STOP_SUMMARY, CellStopped, cell_timeout, run_notebook
from ..script.data_check import SKIP_VAR, WORKDIR_VAR
from ..script.lockfile import LockError, ReproLock, lock_path_for, read_lock
from ..store import (
    ENV_VAR,
    Execution,
    LineageStore,
    StoreUnavailable,
    default_db_path,
    project_root,
)
from .data_replay import DataReplay, write_versions
from .output_check import compare_outputs
from .report import (
    CellError,
    Difference,
    Divergence,
    Run,
    VerifyReport,
    compare_targets,
    divergence,
    environment_changes,
    unstable,
)
from .write_guard import install_source, tool_folders

__all__ = ["VerifyInputError", "VerifyReport", "replay", "verify_notebook", "verify_script"]

OnCell = Callable[[int, int], None]


class VerifyInputError(ValueError):
    """Bad input (missing script, lock, notebook, session or data file); one line. Exit 2."""


def verify_script(
    script: Path,
    *,
    twice: bool = False,
    on_cell: OnCell | None = None,
    timeout: int | None = None,
    recorded_data: bool = False,
    data_cache: DataCache | None = None,
) -> VerifyReport:
    """Re-run ``script`` once (or twice, to tell nondeterminism apart) and compare with its lock.

    ``on_cell(done, total)`` counts cells over all runs, for a progress bar. ``data_cache``:
    where recorded versions of data files are (default: the script's project's).
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
    if data_cache is None:
        data_cache = project_cache(default_db_path(script), project_root(script.parent))
    files = _changed_files(lock, script, data_cache if recorded_data else None)
    changed = {f.key for f in files}
    replay = DataReplay.plan(nb, lock, changed, data_cache, recorded_data)
    if recorded_data:  # replayed from the cache: named in the notes, not a failure
        replayed = {name for name, _ in replay.first}
        files = tuple(f for f in files if f.key not in replayed)
    layout = _Layout.plan(script, lock)
    seconds = _limit(script, timeout)
    count = 2 if twice else 1
    data = _Data(data_cache, replay)
    # Only two runs need the fingerprints that attribute their differences (pickling every
    # variable is not free).
    runs = [_run_copy(nb, layout, _offset(on_cell, 0, count), seconds, data, twice)]
    if twice and not _stopped(runs[0]):  # it would only stop again, as late
        runs.append(_run_copy(nb, layout, _offset(on_cell, 1, count), seconds, data, twice))
    found = compare_targets(lock, runs[0].live)
    return VerifyReport(
        script=str(script),
        targets=len(lock.targets),
        matched=tuple(found["matched"]),
        mismatched=tuple(found["mismatched"]),
        missing=tuple(found["missing"]),
        unhashable=tuple(found["unhashable"]),
        first_divergence=_until_stop(lock, runs[0], divergence(lock, runs[0], unstable(runs))),
        files=files,
        environment=environment_changes(lock, runs[0].environment),
        errors=runs[0].errors,
        runs=len(runs),
        nondeterministic=tuple(d.name for d in unstable(runs) if d.nondeterministic),
        between_runs=unstable(runs),
        notes=layout.notes + tuple(replay.replayed),
        seconds=round(time.perf_counter() - started, 3),
        outputs=compare_outputs(
            lock, [run.executions for run in runs], [run.shown for run in runs]
        ),
        data_versions=tuple(dict.fromkeys(replay.missing + data.problems)),
    )


def verify_notebook(
    notebook: Path,
    *,
    session_id: str | None = None,
    twice: bool = False,
    on_cell: OnCell | None = None,
    timeout: int | None = None,
    recorded_data: bool = False,
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
        return verify_script(
            notebook, twice=twice, on_cell=on_cell, timeout=timeout, recorded_data=recorded_data
        )
    # The script is exported to a temporary folder: the limit is the notebook project's.
    timeout = _limit(notebook, timeout) or 0
    with tempfile.TemporaryDirectory(prefix="repro-export-") as folder:
        try:
            with LineageStore.open(default_db_path(notebook), create=False, readonly=True) as store:
                output = Path(folder) / f"{notebook.stem}_script.py"
                result = export_script(store, notebook, session_id=session_id, output=output)
        except (StoreUnavailable, ExportError) as error:
            raise VerifyInputError(str(error).splitlines()[0]) from error
        # The script sits in a temporary folder: the versions are in the notebook's project.
        cache = project_cache(default_db_path(notebook), project_root(notebook.parent))
        report = verify_script(
            result.script,
            twice=twice,
            on_cell=on_cell,
            timeout=timeout,
            recorded_data=recorded_data,
            data_cache=cache,
        )
    # The exported script is gone with its folder: name what the user asked about.
    return replace(report, script=str(notebook))


def replay(script: Path, timeout: int | None) -> tuple[CellError, ...]:
    """Run an exported script once as ``verify_script`` does, without comparing: its errors.

    ``timeout`` is the resolved limit per cell (None: none); raises as the run may."""
    nb = jupytext.read(script)
    lock = read_lock(lock_path_for(script))
    cache = project_cache(default_db_path(script), project_root(script.parent))
    data = _Data(cache, DataReplay.plan(nb, lock, set(), cache, recorded_data=False))
    return _run_copy(nb, _Layout.plan(script, lock), None, timeout, data).errors


def _limit(path: Path, timeout: int | None) -> int | None:
    try:
        return cell_timeout(path, timeout)
    except SettingsError as error:
        raise VerifyInputError(str(error)) from error


def _stopped(run: Run) -> bool:
    return any(error.name in STOP_SUMMARY for error in run.errors)


def _until_stop(lock: ReproLock, run: Run, found: Divergence | None) -> Divergence | None:
    """A divergence after the cell that stopped the run only says the rest never ran: none."""
    stops = [error.execution for error in run.errors if error.name in STOP_SUMMARY]
    if found is None or not stops:
        return found
    order = [cell.execution for cell in lock.cells]
    ran = order[: order.index(stops[0]) + 1] if stops[0] in order else []
    return found if found.execution in ran else None


def _offset(on_cell: OnCell | None, number: int, runs: int) -> OnCell | None:
    if on_cell is None:
        return None
    return lambda done, total: on_cell(number * total + done, runs * total)


def _changed_files(
    lock: ReproLock, script: Path, cache: DataCache | None
) -> tuple[Difference, ...]:
    """Data files whose content is not the recorded one; a missing one is an input error,
    unless ``cache`` (given with ``recorded_data``) holds the version to replay."""
    changed: list[Difference] = []
    for name, locked in sorted(lock.files.items()):
        path = script.parent / name  # an absolute name stays absolute
        if not path.is_file():
            if cache is not None and locked.xxh3 and cache.find(locked.xxh3):
                changed.append(Difference(name, str(locked.xxh3), None))
                continue
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
    """The temporary copy mirrors everything below ``base``: the deepest folder holding the
    script's folder, the session's working folder and every data file inside the project (a
    notebook reading ``../data/x.csv`` finds it in the copy), so relative paths resolve as they
    did. Data files outside the project are read in place (the write guard keeps them safe)."""

    script: Path
    workdir: Path
    base: Path
    copies: tuple[Path, ...]
    notes: tuple[str, ...]

    @classmethod
    def plan(cls, script: Path, lock: ReproLock) -> _Layout:
        workdir = (script.parent / str(lock.source.get("workdir") or ".")).resolve()
        paths = {name: (script.parent / name).resolve() for name in sorted(lock.files)}
        root = project_root(workdir)
        in_project = [p for p in paths.values() if p.is_relative_to(root)]
        base = Path(os.path.commonpath([script.parent, workdir, *in_project]))
        inside = tuple(p for p in paths.values() if p.is_relative_to(base))
        notes = tuple(
            f"{name} is read in place, outside the copied folders (a run writing it would "
            "change it)"
            for name, path in paths.items()
            if not path.is_relative_to(base)
        )
        return cls(script, workdir, base, inside, notes)

    def protected(self) -> list[str]:
        """The user's folders the re-run must not write (the copy mirrors them)."""
        return [str(self.base), str(project_root(self.workdir)), str(self.script.parent)]

    def mirror(self, copy: Path, path: Path) -> Path:
        return copy / path.relative_to(self.base)

    def inside(self, copy: Path, name: str) -> Path | None:
        """Where data file ``name`` (as the lock names it) is in the copy; None: outside it."""
        path = (self.script.parent / name).resolve()
        return self.mirror(copy, path) if path.is_relative_to(self.base) else None


@dataclass
class _Data:
    """The data versions a run replays, and what could not be written (across runs)."""

    cache: DataCache
    replay: DataReplay
    problems: list[str] = field(default_factory=list)

    def write(self, layout: _Layout, copy: Path, versions: list[tuple[str, str]]) -> None:
        place = {name: layout.inside(copy, name) for name, _ in versions}
        self.problems += write_versions(self.cache, versions, place)


def _run_copy(
    nb: nbformat.NotebookNode,
    layout: _Layout,
    on_cell: OnCell | None,
    timeout: int | None,
    data: _Data,
    fingerprints: bool = False,
) -> Run:
    """Run the script in a fresh recording kernel inside a throwaway copy; read the lineage.

    ``timeout`` is the resolved limit per cell (None: none); ``fingerprints``: end with the cell
    that fingerprints every variable independently (``--twice``)."""
    with tempfile.TemporaryDirectory(prefix="repro-verify-") as tmp:
        copy = Path(tmp) / "copy"
        for source in (*layout.copies, layout.script):
            if not source.is_file():
                continue  # a data file replayed from the cache (recorded_data)
            target = layout.mirror(copy, source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        layout.mirror(copy, layout.workdir).mkdir(parents=True, exist_ok=True)
        data.write(layout, copy, data.replay.first)
        script = layout.mirror(copy, layout.script)
        workdir = layout.mirror(copy, layout.workdir)
        runnable = script.with_name(script.stem + ".verify.ipynb")
        nbformat.write(_runnable(nb, fingerprints), runnable)
        db = Path(tmp) / "lineage.db"
        # Created here, so the kernel finds its schema ready.
        LineageStore.open(db).close()
        # Local modules next to the script or the notebook are code, not data: importable.
        path = [str(layout.workdir), str(layout.script.parent), os.environ.get("PYTHONPATH", "")]
        env = {
            ENV_VAR: str(db),
            SKIP_VAR: "1",
            SNAPSHOTS_VAR: "0",  # the copy's reads are the lock's versions: keep none
            WORKDIR_VAR: str(workdir),  # the copied working folder, never the user's
            "PYTHONPATH": os.pathsep.join(filter(None, path)),
            "PYTHONDONTWRITEBYTECODE": "1",  # local modules are imported from your folders
        }
        stopped: CellStopped | None = None
        try:
            executed = run_notebook(
                runnable,
                env=env,
                on_cell=on_cell,
                timeout=timeout or 0,
                before_cell=lambda i: data.write(layout, copy, data.replay.before.get(i, [])),
                setup_code=install_source([tmp], tool_folders(), layout.protected()),
            )
        except NoSuchKernel as error:
            raise VerifyInputError(f"Kernel {error.name!r} is not installed") from error
        except CellStopped as error:
            executed, stopped = error.notebook, error
        with LineageStore.open(db, create=False) as store:
            run = _read_run(store, executed)
        return run if stopped is None else _with_stop(run, stopped)


def _with_stop(run: Run, stopped: CellStopped) -> Run:
    """The run's errors with the cell that stopped it instead of what its interrupt raised."""
    from .fingerprints import TAG

    cell = stopped.notebook.cells[stopped.index]
    if TAG in cell.metadata.get("tags", []):
        return run  # verify's own fingerprints ran out of time: no finding about the script
    execution = cell.metadata.get("repro", {}).get("execution")
    # The copy's cell ids are made up (c4): the lock's execution names the cell for the user.
    if execution is not None:
        known_as = f"execution {execution}"
    elif "repro-data-check" in cell.metadata.get("tags", []):
        known_as = "the data check"
    else:
        known_as = "not a recorded execution"
    message = f"{stopped.cell_name(known_as)} {stopped.outcome()}"
    stop = CellError(stopped.index, execution, stopped.why, message)
    errors = tuple(e for e in run.errors if e.index != stopped.index) + (stop,)
    return replace(run, errors=errors)


def _runnable(nb: nbformat.NotebookNode, fingerprints: bool = False) -> nbformat.NotebookNode:
    """A copy whose cells have ids naming their index (to map executions back to cells), in
    nbformat 4.5; with ``fingerprints``, ending with the cell that prints each variable's
    independent fingerprint (``fingerprints``: it binds nothing and is no recorded execution).
    Its check cell must honour WORKDIR_VAR, else it could move into the user's folder."""
    from .fingerprints import CELL_SOURCE, TAG

    nb = nbformat.from_dict(nb)
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    if fingerprints:
        nb.cells.append(nbformat.v4.new_code_cell(CELL_SOURCE, metadata={"tags": [TAG]}))
    for index, cell in enumerate(nb.cells):
        cell.id = f"c{index}"
        tags = cell.get("metadata", {}).get("tags", [])
        if "repro-data-check" in tags and WORKDIR_VAR not in cell.source:
            raise VerifyInputError(
                "The script's data check predates this jupyter-repro: export it again"
            )
    return nb


def _read_run(store: LineageStore, executed: nbformat.NotebookNode) -> Run:
    from .fingerprints import TAG, read  # verify's own last cell, see _runnable

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
    # verify's own cell gives fingerprints, never an error of the script's
    own = [cell for cell in cells if TAG in cell.metadata.get("tags", [])]
    errors = tuple(
        CellError(i, cell.metadata.get("repro", {}).get("execution"), out.ename, out.evalue)
        for i, cell in enumerate(cells)
        if TAG not in cell.metadata.get("tags", [])
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    )
    live = store.live_state(session.id)
    by_id = {cell.id: cell for cell in cells}
    shown = {
        lock_id: tuple(by_id[redo.cell_id].get("outputs", []))
        for lock_id, redo in by_lock.items()
        if redo.cell_id in by_id
    }
    return Run(
        live,
        by_lock,
        errors,
        env.data if env else {},
        history=tuple(executions),
        fingerprints=read(own[-1]) if own else {},
        shown=shown,
    )
