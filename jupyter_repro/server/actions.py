"""The POST/PUT actions: export a script or a pipeline, pair with jupytext, project settings.

Plain functions run in worker threads; ``root`` is the resolved server root and ``notebook`` a
resolved notebook inside it. Every file they write is first checked to resolve inside ``root``
(``paths.inside_root``, 403 otherwise: an existing symlink beside the notebook could point
anywhere)::

    export_script_to(root, notebook, targets=["model"], fmt="py")
    export_pipeline_to(root, notebook, to="dvc", force=False)
    pair_with(root, notebook, "py:percent")
    settings_of(notebook); save_settings(notebook, skip=["model"], budget_mb=64)

Answers name files relative to ``root``. Pipeline stage paths stay relative to the project root
(the git root, or the notebook's folder), as ``dvc.yaml`` has them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..common.errors import ExportError
from ..project_settings import read_settings, update, write_settings
from ..script.export import default_output, export_script
from ..script.lockfile import lock_path_for
from ..store import project_root
from .errors import BadRequest, Conflict
from .paths import inside_root, relative
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
    for path in (script, lock_path_for(script)):
        inside_root(root, path)
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

    directory = inside_root(root, notebook.parent / DEFAULT_FOLDER)
    if not force and directory.is_dir() and any(directory.iterdir()):
        raise Conflict(
            f"{relative(root, directory)}/ already holds files: export again with force to "
            "replace them"
        )
    with lineage(notebook) as store:
        if store is None:
            raise _no_session(notebook)
        result = export_pipeline(store, notebook, to=to, output_dir=directory, force=force)
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


def save_settings(notebook: Path, skip: Any = None, budget_mb: Any = None) -> dict[str, Any]:
    """Change the given settings of the notebook's project (validated) and store them."""
    root = project_root(notebook.parent)
    current = read_settings(root, strict=False)  # a damaged file is replaced, not a dead end
    return write_settings(root, update(current, skip=skip, budget_mb=budget_mb)).to_json()


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
    inside_root(root, notebook.with_suffix(extension))
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
