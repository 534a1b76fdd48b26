"""Everything one script export derives from the store, computed once: the script as a notebook
(jupytext writes it as py:percent) and its lock.

Usage, by ``export.export_script``::

    plan = ExportPlan(store, session, notebook, script, chosen, history)
    plan.notebook(), plan.lock(), plan.warnings

Cells, in order: the header (``header``), the support cell (``data_check``, with
``output_helper`` when a cell shows outputs), then one cell per exported execution, numbered
from 1 for ``_repro_show``, its code plain Python (``guarded_cells``) ending with the call that
shows its outputs (``cell_outputs``). An execution that read another version of a data file than
the one the script last checked (another process rewrote it during the session) is preceded by a
one-line cell, tagged ``repro-data-version``, checking that version (``input_files``). The lock
keeps each cell's outputs, or None when the export shows none (``--no-outputs``, or a session
that recorded none), and each read's version.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from ..common.data_cache import project_cache
from ..common.packages import imported_modules, package_versions
from ..common.paths import relative
from ..store import Execution, LineageStore, OutputFingerprint, Session, project_root
from .cell_outputs import reproducible, with_show_call
from .data_check import check_call, check_source
from .guarded_cells import plain_code
from .header import header_markdown
from .input_files import input_files
from .lockfile import (
    LockedCell,
    LockedFile,
    LockedOutput,
    LockedTarget,
    ReproLock,
    lock_path_for,
)
from .targets import Chosen

#: The notebook metadata key (and the word in the script) that marks a file as an export.
EXPORT_MARKER = "jupyter_repro"
#: The tag of a cell that checks a data file's version before the execution that read it.
VERSION_TAG = "repro-data-version"


class ExportPlan:
    """Everything one export derives from the store, computed once."""

    def __init__(
        self,
        store: LineageStore,
        session: Session,
        notebook: Path,
        script: Path,
        chosen: Chosen,
        history: Sequence[Execution],
    ) -> None:
        self.session, self.sliced = session, chosen.sliced
        self.notebook_path, self.script = notebook, script
        self.folder = script.parent
        self.warnings: list[str] = []
        self.shown = False  # whether a cell calls _repro_show: then the support cell defines it
        executions = self.sliced.executions
        # None: outputs neither shown nor locked (--no-outputs, or none recorded).
        self.outputs = [reproducible(e) if chosen.outputs else None for e in executions]
        self.codes = [
            self._code(e, n, kept)
            for n, (e, kept) in enumerate(zip(executions, self.outputs, strict=True), 1)
        ]
        env_id = next((e.env_id for e in reversed(history) if e.env_id), None)
        env = store.environment(env_id) if env_id else None
        self.env = env.data if env else {}
        self.python = {
            k: str(self.env.get("python", {}).get(k, "")) for k in ("version", "implementation")
        }
        self.packages = package_versions(imported_modules(self.codes), self.env.get("packages", {}))
        cache = project_cache(store.path, project_root(notebook.parent))
        inputs = input_files(executions, notebook, self.folder, cache)
        self.files, self.reads = inputs.files, inputs.reads
        self.warnings += inputs.warnings
        self.exported = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def _code(
        self, execution: Execution, number: int, kept: tuple[OutputFingerprint, ...] | None
    ) -> str:
        code, warnings = plain_code(execution, failed=execution.id in self.sliced.failed_kept)
        self.warnings += warnings
        showing = with_show_call(code, kept, number) if kept else code
        self.shown |= showing != code
        return showing

    @property
    def shows(self) -> str | None:
        """The folder plain python writes outputs to, when a cell shows any."""
        return f"{self.script.stem}_outputs" if self.shown else None

    def lock(self) -> ReproLock:
        return ReproLock(
            source={
                "notebook": relative(self.notebook_path, self.folder),
                "session": self.session.id,
                "recorded": self.session.started,
                "exported": self.exported,
                "workdir": relative(self.notebook_path.parent, self.folder),
                "script": self.script.name,  # proves the script beside it ours (``ownership``)
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
                LockedCell(
                    e.id,
                    e.cell_id,
                    {v.name: v.hash for v in e.changed},
                    _locked(kept),
                    self.reads.get(e.id, {}),
                )
                for e, kept in zip(self.sliced.executions, self.outputs, strict=True)
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
            lock_name=lock_path_for(self.script).name,
            script_name=self.script.name,
            outputs=self.shows,
        )
        check = {p: _pinned(f) for p, f in self.files.items()}
        checked = {p: f.xxh3 for p, f in self.files.items()}
        workdir = relative(self.notebook_path.parent, self.folder)
        nb = nbformat.v4.new_notebook()
        nb.cells.append(nbformat.v4.new_markdown_cell(header))
        nb.cells.append(
            nbformat.v4.new_code_cell(
                check_source(check, workdir, self.shows),
                metadata={"tags": ["repro-data-check"]},
            )
        )
        for number, (execution, code) in enumerate(
            zip(self.sliced.executions, self.codes, strict=True), 1
        ):
            versions = [
                check_call(name, _pinned(read), number)
                for name, read in sorted(self.reads.get(execution.id, {}).items())
                if read.xxh3 != checked.get(name)
            ]
            if versions:
                checked.update({n: r.xxh3 for n, r in self.reads[execution.id].items()})
                comment = "# A data file changed during the session: the version this cell read"
                source = "\n".join([comment, *versions])
                nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [VERSION_TAG]}))
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


def _pinned(locked: LockedFile) -> tuple[str, str]:
    """What the script checks: the sha256 when established, else the xxh3 (needs xxhash)."""
    if locked.sha256:
        return ("sha256", locked.sha256)
    return ("xxh3", (locked.xxh3 or "").removeprefix("xxh3:"))


def _locked(kept: tuple[OutputFingerprint, ...] | None) -> tuple[LockedOutput, ...] | None:
    if kept is None:
        return None
    return tuple(LockedOutput(o.index, o.output_type, o.mime, o.hash, o.size, o.name) for o in kept)
