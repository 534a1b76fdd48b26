"""Export a recorded session as a linear, runnable script (jupytext py:percent) and its lock.

Usage::

    with LineageStore.open(db, create=False) as store:
        result = export_script(store, Path("analysis.ipynb"), output=Path("analysis_script.py"))
    result.script, result.lock, result.warnings

The executions come in the order they really ran, sliced to what the targets need
(``slicing``), with IPython syntax made plain Python (``ipython_syntax``). The first code cell
checks the data files and moves to the folder the session ran in (``data_check``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jupytext
import nbformat

from ..common.errors import ExportError
from ..common.file_digest import file_digests
from ..common.packages import imported_modules, package_versions
from ..common.paths import relative
from ..common.sessions import choose_session
from ..common.slicing import SliceResult, slice_session
from ..store import Execution, LineageStore, Session
from .data_check import check_source
from .guarded_cells import guarded
from .header import header_markdown
from .ipython_syntax import to_plain_python
from .lockfile import LockedCell, LockedFile, LockedTarget, ReproLock, lock_path_for, write_lock

FORMATS = ("py", "ipynb")
EXPORT_MARKER = "jupyter_repro"


@dataclass(frozen=True)
class ExportResult:
    script: Path
    lock: Path
    executions: tuple[int, ...]
    warnings: tuple[str, ...]


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
) -> ExportResult:
    """Write the script and its lock; raise ExportError for bad input, writing nothing."""
    notebook = notebook.resolve()
    session = choose_session(store, notebook, session_id)
    executions = store.executions(session_id=session.id)
    if not executions:
        raise ExportError(f"Session {session.id} recorded no executions")
    sliced = slice_session(executions, store.live_state(session.id), targets)
    script = (output or default_output(notebook)).resolve()
    if fmt == "ipynb" and script.suffix != ".ipynb":
        script = script.with_suffix(".ipynb")
    plan = _Plan(store, session, notebook, script, sliced, executions)
    nb = plan.notebook()
    lock = plan.lock()
    _refuse_foreign(script)
    script.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "ipynb":
        nbformat.write(nb, script)
    else:
        jupytext.write(nb, script, fmt="py:percent")
    lock_path = lock_path_for(script)
    write_lock(lock, lock_path)
    ids = tuple(e.id for e in sliced.executions)
    return ExportResult(script, lock_path, ids, tuple(plan.warnings))


def plain_code(execution: Execution, failed: bool) -> tuple[str, list[str]]:
    """The execution's code as plain Python (guarded when it failed yet is needed), and warnings.

    Shared with the pipeline export, whose stage scripts hold the same code.
    """
    translation = to_plain_python(execution.code)
    warnings = [f"execution {execution.id}: {w}" for w in translation.warnings]
    code = translation.code
    if translation.imports:
        code = "".join(f"import {m}\n" for m in translation.imports) + code
    return (guarded(code, execution) if failed else code), warnings


def _refuse_foreign(script: Path) -> None:
    """Overwrite an earlier export, never a file the user wrote."""
    if script.exists() and EXPORT_MARKER not in script.read_text(errors="replace"):
        raise ExportError(f"Refusing to overwrite {script}: it is not a jupyter-repro export")


class _Plan:
    """Everything one export derives from the store, computed once."""

    def __init__(
        self,
        store: LineageStore,
        session: Session,
        notebook: Path,
        script: Path,
        sliced: SliceResult,
        history: Sequence[Execution],
    ) -> None:
        self.store, self.session, self.sliced = store, session, sliced
        self.notebook_path, self.script = notebook, script
        self.folder = script.parent
        self.warnings: list[str] = []
        self.codes = [self._code(e) for e in sliced.executions]
        env_id = next((e.env_id for e in reversed(history) if e.env_id), None)
        env = store.environment(env_id) if env_id else None
        self.env = env.data if env else {}
        self.python = {
            k: str(self.env.get("python", {}).get(k, "")) for k in ("version", "implementation")
        }
        self.packages = package_versions(imported_modules(self.codes), self.env.get("packages", {}))
        self.files = self._input_files()
        self.exported = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def _code(self, execution: Execution) -> str:
        code, warnings = plain_code(execution, failed=execution.id in self.sliced.failed_kept)
        self.warnings += warnings
        return code

    def _input_files(self) -> dict[str, LockedFile]:
        """Files the exported executions read before any of them wrote them: the inputs."""
        root = self._project_root()
        written: set[str] = set()
        inputs: dict[str, LockedFile] = {}
        for execution in self.sliced.executions:
            for access in execution.files_read:
                if access.path in written or access.path in inputs or access.hash is None:
                    continue
                path = Path(access.path) if os.path.isabs(access.path) else root / access.path
                inputs[relative(path, self.folder)] = self._locked(path, access.hash, access.size)
            written.update(a.path for a in execution.files_written)
        return dict(sorted(inputs.items()))

    def _locked(self, path: Path, recorded: str, size: int | None) -> LockedFile:
        sha256 = None
        if path.is_file():
            current, digest = file_digests(path)
            sha256 = digest if current == recorded else None
            if sha256 is None:
                self.warnings.append(f"data file changed since it was recorded: {path}")
        else:
            self.warnings.append(f"data file no longer exists: {path}")
        return LockedFile(xxh3=recorded, sha256=sha256, size=size)

    def _project_root(self) -> Path:
        from ..store import project_root

        return project_root(self.notebook_path.parent)

    def lock(self) -> ReproLock:
        return ReproLock(
            source={
                "notebook": relative(self.notebook_path, self.folder),
                "session": self.session.id,
                "recorded": self.session.started,
                "exported": self.exported,
                "workdir": relative(self.notebook_path.parent, self.folder),
            },
            python=self.python,
            recorder=dict(self.env.get("recorder", {})),
            packages=self.packages,
            files=self.files,
            targets={
                name: LockedTarget(state.hash, state.type, state.complete)
                for name, state in sorted(self.sliced.targets.items())
            },
            cells=tuple(
                LockedCell(e.id, e.cell_id, {v.name: v.hash for v in e.changed})
                for e in self.sliced.executions
            ),
        )

    def notebook(self) -> nbformat.NotebookNode:
        header = header_markdown(
            notebook=relative(self.notebook_path, self.folder),
            session=self.session.id,
            recorded=self.session.started,
            exported=self.exported,
            python=self.python,
            packages=self.packages,
            files={p: f.sha256 or f.xxh3 or "" for p, f in self.files.items()},
            lock_name=lock_path_for(self.script).name,
            script_name=self.script.name,
        )
        check = {
            p: ("sha256", f.sha256) if f.sha256 else ("xxh3", f.xxh3 or "")
            for p, f in self.files.items()
        }
        workdir = relative(self.notebook_path.parent, self.folder)
        nb = nbformat.v4.new_notebook()
        nb.cells.append(nbformat.v4.new_markdown_cell(header))
        nb.cells.append(
            nbformat.v4.new_code_cell(
                check_source(check, workdir),
                metadata={"tags": ["repro-data-check"]},
            )
        )
        for execution, code in zip(self.sliced.executions, self.codes, strict=True):
            meta = {
                "tags": ["repro-execution"],
                "repro": {"execution": execution.id, "cell_id": execution.cell_id},
            }
            nb.cells.append(nbformat.v4.new_code_cell(code.rstrip("\n"), metadata=meta))
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        # jupytext keeps only the notebook metadata its filter names.
        nb.metadata["jupytext"] = {"notebook_metadata_filter": f"{EXPORT_MARKER},kernelspec,-all"}
        nb.metadata[EXPORT_MARKER] = {
            "lock": lock_path_for(self.script).name,
            "session": self.session.id,
        }
        return nb
