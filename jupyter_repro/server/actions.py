"""The POST/PUT actions: export a script or a pipeline, pair with jupytext, project settings.

Plain functions run in worker threads; ``root`` is the resolved server root and ``notebook`` a
resolved notebook inside it. Every file they write or delete is first checked, with the folders
on the way to it, to resolve inside ``root`` (``paths.confine_writes``, 403 before anything is
written: an existing symlink beside the notebook could point anywhere); the project's
``.repro/`` may be in a git root above ``root`` (``paths.write_base``)::

    export_script_to(root, notebook, targets=["model"], fmt="py")
    export_pipeline_to(root, notebook, to="dvc", force=False)
    pair_with(root, notebook, "py:percent")
    settings_of(notebook); save_settings(root, notebook, skip=["model"], budget_mb=64)

Answers name files relative to ``root``. Pipeline stage paths stay relative to the project root
(the git root, or the notebook's folder), as ``dvc.yaml`` has them.
"""

from __future__ import annotations

import os
import re
from functools import partial
from pathlib import Path
from typing import Any

from ..common.errors import ExportError, RefusedOverwrite
from ..project_settings import read_settings, settings_file, update, write_settings
from ..script.export import default_output, export_script
from ..script.lockfile import lock_path_for
from ..store import project_root
from .errors import BadRequest, Conflict
from .paths import confine_writes, relative, write_base
from .queries import lineage

#: A bare jupytext format (py:percent, md, md:myst, R:light): no prefix, no folder, so the twin
#: is always beside the notebook.
_FORMAT = re.compile(r"^[A-Za-z]+(:[A-Za-z_]+)?$")


def _no_session(notebook: Path) -> ExportError:
    return ExportError(f"No recorded session for {notebook.name}: run it in the repro kernel first")


def export_script_to(
    root: Path, notebook: Path, targets: list[str] | None, fmt: str
) -> dict[str, Any]:
    """The session exported beside the notebook, as the CLI's default ``NAME_script.py``."""
    script = default_output(notebook).with_suffix(".ipynb" if fmt == "ipynb" else ".py")
    confine_writes(root, [script, lock_path_for(script)])
    with lineage(notebook) as store:
        if store is None:
            raise _no_session(notebook)
        result = export_script(store, notebook, targets=targets, output=script, fmt=fmt)
    return {
        "script": relative(root, result.script),
        "lock": relative(root, result.lock),
        "executions": list(result.executions),
        "warnings": list(result.warnings),
    }


def export_pipeline_to(root: Path, notebook: Path, to: str, force: bool) -> dict[str, Any]:
    """The session as a pipeline in ``pipeline/`` beside the notebook."""
    from ..pipeline.export import DEFAULT_FOLDER, export_pipeline  # the heavy part: on demand

    directory = notebook.parent / DEFAULT_FOLDER
    confine_writes(root, [directory])  # at once; every file in it once they are known
    if not force and directory.is_dir() and any(directory.iterdir()):
        raise Conflict(
            f"{relative(root, directory)}/ already holds files: export again with force to "
            "replace those an earlier export wrote (no other file is ever replaced)"
        )
    with lineage(notebook) as store:
        if store is None:
            raise _no_session(notebook)
        try:
            result = export_pipeline(
                store,
                notebook,
                to=to,
                output_dir=directory,
                force=force,
                confine=partial(confine_writes, root),
            )
        except RefusedOverwrite as error:  # a file in the way that is not ours, even with force
            raise Conflict(str(error).replace(f"{root}{os.sep}", "")) from error
    return {
        "directory": relative(root, result.directory),
        "stages": [
            {
                "name": s.name,
                "script": s.script,
                "deps": list(s.deps),
                "outs": list(s.outs),
                "params": list(s.params),
            }
            for s in result.stages
        ],
        "files": [relative(root, f) for f in result.files],
        "warnings": list(result.warnings),
        "single_stage": result.single_stage,
    }


def settings_of(notebook: Path) -> dict[str, Any]:
    return read_settings(project_root(notebook.parent)).to_json()


#: The saved versions' retention settings the PUT settings route takes besides skip and budget.
RETENTION_SETTINGS = ("versions_days", "versions_keep_cleared_outputs")


def save_settings(
    root: Path, notebook: Path, skip: Any = None, budget_mb: Any = None, **retention: Any
) -> dict[str, Any]:
    """Change the given settings of the notebook's project (validated) and store them."""
    project = project_root(notebook.parent)
    current = read_settings(project, strict=False)  # a damaged file is replaced, not a dead end
    wanted = update(current, skip=skip, budget_mb=budget_mb, **retention)
    # The folder, its .gitignore and the temporary file are in settings.json's folder.
    base, within = write_base(root, project)
    confine_writes(base, [settings_file(project)], within)
    return write_settings(project, wanted).to_json()


def pair_with(root: Path, notebook: Path, fmt: str) -> dict[str, Any]:
    """Pair the notebook with a jupytext text twin beside it (written now, then on each save)."""
    from jupytext.formats import JupytextFormatError, long_form_one_format

    from ..review.pairing import PairingError, PairingRefused, pair

    if not _FORMAT.match(fmt):
        raise BadRequest(f"format must be a jupytext format such as py:percent, not {fmt!r}")
    try:
        extension = long_form_one_format(fmt)["extension"]
    except JupytextFormatError as error:
        raise BadRequest(f"Unknown jupytext format {fmt!r}: {error}") from error
    confine_writes(root, [notebook, notebook.with_suffix(extension)])
    try:
        result = pair(notebook, fmt)
    except PairingRefused as error:
        raise Conflict(str(error).replace(str(notebook.parent) + "/", "")) from error
    except PairingError as error:
        raise BadRequest(str(error)) from error
    return {
        "notebook": relative(root, result.notebook),
        "paired": relative(root, result.twin),
        "format": fmt,
        "formats": result.formats,
        "changed": result.changed,
    }
