"""Write the pipeline folder all at once, or not at all.

Usage::

    check_target(directory, force)              # ExportError before anything is computed
    written = write_folder(directory, {"dvc.yaml": text, "stages/01_clean.py": text}, force)

Every file is first written into a temporary folder beside the target. A new (or empty) target
is then that folder, renamed: one step. With ``force``, an existing folder keeps the files it
holds that are not ours (DVC's ``dvc.lock``, the user's notes); each of ours is replaced by a
rename, and stage scripts an earlier export wrote that this one no longer has are removed.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

from ..common.errors import ExportError

MARKER = "jupyter_repro"  # in every file we write: how a stale one of ours is recognised


def check_target(directory: Path, force: bool) -> None:
    """Refuse a target that is a file, or a folder with something in it (unless ``force``)."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"Output is not a folder: {directory}")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise ExportError(
            f"Output folder is not empty: {directory} (pass --force to write over it)"
        )


def write_folder(directory: Path, files: Mapping[str, str], force: bool) -> tuple[Path, ...]:
    """Write ``files`` (relative path -> text) into ``directory``; return their paths."""
    check_target(directory, force)
    directory.parent.mkdir(parents=True, exist_ok=True)
    # Made with mkdir, not mkdtemp, so the folder gets the usual mode once renamed.
    staging = directory.parent / f".{directory.name}-{uuid.uuid4().hex[:12]}.tmp"
    staging.mkdir()
    try:
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if directory.is_dir() and any(directory.iterdir()):
            _replace_ours(staging, directory, files)
        else:
            if directory.is_dir():
                directory.rmdir()
            os.replace(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tuple(directory / name for name in files)


def _replace_ours(staging: Path, directory: Path, files: Mapping[str, str]) -> None:
    stages = directory / "stages"
    for old in sorted(stages.glob("*.py")) if stages.is_dir() else []:
        name = old.relative_to(directory).as_posix()
        if name not in files and MARKER in old.read_text(errors="replace"):
            old.unlink()
    for name in files:
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target)
