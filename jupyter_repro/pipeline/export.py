"""Export a recorded session as a pipeline: DVC stages or make rules, inferred from its file I/O.

Usage::

    with LineageStore.open(db, create=False) as store:
        result = export_pipeline(store, Path("analysis.ipynb"), to="dvc")
    result.directory   # pipeline/ beside the notebook: dvc.yaml (or Makefile), stages/, ...
    result.stages      # Stage(name, script, deps, outs, params), in the order they run
    result.warnings    # hand-offs pickled, stages merged, the pipeline being one stage...

The session is sliced like ``export`` (to the variables alive at its end and the files it left
written), then cut into stages where a file one execution wrote is read by a later one, and
where a markdown section with file I/O of its own begins (``pipeline_stages``; a ``stage=NAME``
tag overrides both). Each stage is a plain script (``pipeline_scripts``) whose deps are the
files it reads and its own script, and whose outs are the files it writes; values crossing
between stages go through files (``pipeline_handoffs``); the ``parameters`` cell becomes
``params.yaml`` (``pipeline_params``). Paths in ``dvc.yaml`` are relative to the project root
(``wdir``), so ``dvc repro`` inside the folder and ``make -C`` it both write where the notebook
wrote. Bad input raises :class:`ExportError` before anything is written
(``pipeline_build`` computes everything first, ``pipeline_output`` writes it in one move).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..common.errors import ExportError
from ..common.sessions import choose_session
from ..store import LineageStore, project_root
from .build import Build
from .output import check_target, write_folder
from .writers import Stage

TOOLS = ("dvc", "make")
DEFAULT_FOLDER = "pipeline"

__all__ = ["TOOLS", "ExportError", "PipelineResult", "Stage", "export_pipeline"]


@dataclass(frozen=True)
class PipelineResult:
    directory: Path
    stages: tuple[Stage, ...]
    files: tuple[Path, ...]  # every file written, in the pipeline folder
    warnings: tuple[str, ...]
    single_stage: bool


def export_pipeline(
    store: LineageStore,
    notebook: Path,
    *,
    session_id: str | None = None,
    to: str = "dvc",
    output_dir: Path | None = None,
    force: bool = False,
) -> PipelineResult:
    """Write the pipeline folder; raise ExportError for bad input, writing nothing."""
    if to not in TOOLS:
        raise ExportError(f"Unknown pipeline tool: {to} (choose one of {', '.join(TOOLS)})")
    notebook = notebook.resolve()
    session = choose_session(store, notebook, session_id)
    executions = store.executions(session_id=session.id)
    if not executions:
        raise ExportError(f"Session {session.id} recorded no executions")
    directory = (output_dir or notebook.parent / DEFAULT_FOLDER).resolve()
    check_target(directory, force)
    root = project_root(notebook.parent)
    if to == "dvc" and not directory.is_relative_to(root):
        raise ExportError(f"A DVC pipeline must be inside the project ({root}): {directory}")
    build = Build(store, session, notebook, root, directory, executions)
    files = build.files(to)
    written = write_folder(directory, files, force)
    return PipelineResult(
        directory=directory,
        stages=tuple(build.stages),
        files=written,
        warnings=tuple(build.warnings),
        single_stage=len(build.stages) == 1,
    )
