"""Export a recorded session as a pipeline: DVC stages or make rules, inferred from its file I/O.

Usage::

    with LineageStore.open(db, create=False) as store:
        result = export_pipeline(store, Path("analysis.ipynb"), to="dvc")
    result.directory   # pipeline/ beside the notebook: dvc.yaml (or Makefile), stages/, ...
    result.stages      # Stage(name, script, deps, outs, params), in the order they run
    result.warnings    # hand-offs pickled, stages merged, one stage, dynamic reads (as export)

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

A folder that holds files is written into only with ``force``, and even then a file is replaced
or deleted only when it is provably ours (``ownership``: the folder's manifest lists it, for
this notebook, with the bytes it still holds); anything else in the way raises
:class:`RefusedOverwrite`, before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..common.errors import ExportError, RefusedOverwrite
from ..common.sessions import choose_session
from ..store import LineageStore, project_root
from .build import Build
from .manifest import manifest_text
from .output import check_target, write_folder
from .ownership import plan_writes
from .writers import Stage

TOOLS = ("dvc", "make")
DEFAULT_FOLDER = "pipeline"

__all__ = [
    "TOOLS",
    "ExportError",
    "PipelineResult",
    "RefusedOverwrite",
    "Stage",
    "export_pipeline",
]


@dataclass(frozen=True)
class PipelineResult:
    directory: Path
    stages: tuple[Stage, ...]
    files: tuple[Path, ...]  # every file written, in the pipeline folder, its manifest last
    removed: tuple[Path, ...]  # stage scripts an earlier export wrote that this one has not
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
    confine: Callable[[Sequence[Path]], object] | None = None,
) -> PipelineResult:
    """Write the pipeline folder; raise ExportError for bad input, RefusedOverwrite for a
    file in the way that is not ours (or any file at all without ``force``), writing nothing.

    ``confine`` (the server's) is given every path about to be written or deleted, before the
    first write, and raises to refuse them.
    """
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
    files = {name: text.encode("utf-8") for name, text in build.files(to).items()}
    plan = plan_writes(directory, files, notebook)
    if confine is not None:
        confine(plan.paths())
    plan.refuse_foreign()
    source = os.path.relpath(notebook, directory)
    written = write_folder(plan, partial(manifest_text, Path(source).as_posix(), to, session.id))
    return PipelineResult(
        directory=directory,
        stages=tuple(build.stages),
        files=written,
        removed=tuple(directory / name for name in plan.stale),
        warnings=tuple(build.warnings),
        single_stage=len(build.stages) == 1,
    )
