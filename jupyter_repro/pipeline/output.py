"""Write the pipeline folder all at once, or not at all, replacing only what is provably ours.

Usage::

    check_target(directory, force)      # before anything is computed: a file, or a busy folder
    plan = plan_writes(directory, files, notebook)   # ``ownership``: what is ours, what is not
    plan.refuse_foreign()
    written = write_folder(plan, partial(manifest_text, "../analysis.ipynb", "dvc", session))

Every file is first written into a temporary folder beside the target. A new (or empty) target
is then that folder, renamed, with its manifest: one step. Into a folder that holds files
(``--force``), the manifest is replaced first by one claiming, for each file, both the bytes on
disk and the bytes coming; then our stale stage scripts are deleted and each of our files is
replaced by a rename; last, the manifest is replaced by one naming only what is now in place.
Each manifest write is a rename too, so a crash at any point leaves a whole manifest naming
only bytes we wrote, and the next export recognises every file as ours. Files that are not ours
(DVC's ``dvc.lock``, the user's notes) are kept: ``ownership`` refused anything in the way.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Mapping, Set
from pathlib import Path

from ..common.errors import ExportError, RefusedOverwrite
from .manifest import MANIFEST, digest
from .ownership import Plan

Render = Callable[[Mapping[str, Set[str]]], str]  # the manifest's text, for these digests


def check_target(directory: Path, force: bool) -> None:
    """Refuse a target that is a file, or a folder with something in it (unless ``force``)."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"Output is not a folder: {directory}")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise RefusedOverwrite(
            f"Output folder is not empty: {directory} (pass --force to replace the files an "
            "earlier export of this notebook wrote there; no other file is ever replaced)"
        )


def write_folder(plan: Plan, render: Render) -> tuple[Path, ...]:
    """Write ``plan.files`` and the manifest into ``plan.directory``; return their paths."""
    directory = plan.directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    # Made with mkdir, not mkdtemp, so the folder gets the usual mode once renamed.
    staging = directory.parent / f".{directory.name}-{uuid.uuid4().hex[:12]}.tmp"
    staging.mkdir()
    ours = {name: {digest(data)} for name, data in plan.files.items()}
    try:
        for name, data in plan.files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if directory.is_dir() and any(directory.iterdir()):
            _replace_ours(staging, plan, render, ours)
        else:
            (staging / MANIFEST).write_text(render(ours), encoding="utf-8")
            if directory.is_dir():
                directory.rmdir()
            os.replace(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return (*(directory / name for name in plan.files), directory / MANIFEST)


def _replace_ours(staging: Path, plan: Plan, render: Render, ours: dict[str, set[str]]) -> None:
    directory = plan.directory
    moving = {name: {*ours.get(name, ()), plan.previous[name]} for name in plan.previous}
    _put_manifest(staging, directory, render({**ours, **moving}))
    for name in plan.stale:
        (directory / name).unlink()
    for name in plan.files:
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target)
    _put_manifest(staging, directory, render(ours))  # last: only what is now in place


def _put_manifest(staging: Path, directory: Path, text: str) -> None:
    temporary = staging / MANIFEST
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, directory / MANIFEST)
